// Entry point of docs/assets/build/early.js: an async script in the head of pages with demos
// (hooks/runtime_assets.py). It starts the Python worker while the rest of the page is still
// being parsed; the runner (runner.js, at the end of the page) takes that worker over.
import { startPolicy } from "./policy.js";
import { readRuntimeConfig, startEarlyWorker } from "./runtime.js";

function startEarly() {
  // Too late: the runner (whose script ends the page) already ran and made its own decision.
  if (window.deepnotes && window.deepnotes.runtime) return;
  if (startPolicy({ report: false }) !== "load") return;
  const config = readRuntimeConfig(document);
  if (!config || !config.worker) return;
  // A page that its service worker is about to load once more (isolation.js) starts Python
  // after that reload, from the runner: a worker started now would be thrown away.
  if (config.serviceWorker && !self.crossOriginIsolated) return;
  startEarlyWorker(config);
}

try {
  startEarly();
} catch (err) {
  console.error("deepnotes: could not start Python early; the runner will", err);
}
