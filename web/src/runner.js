// Entry point of the page bundle (docs/assets/build/runner.js, loaded by mkdocs.yml
// `extra_javascript`). Enhances every `.dn-demo` on the page into a live demo, again after each
// Material instant-navigation page swap (`document$`), and shares one Python worker among them.
import { DemoBlock, prepareDemo } from "./demo.js";
import { attachExplorable } from "./explore.js";
import { isolateThroughServiceWorker } from "./isolation.js";
import { setUpOffline } from "./offline.js";
import { startPolicy } from "./policy.js";
import { PythonRuntime, readRuntimeConfig } from "./runtime.js";

const runtime = new PythonRuntime();
const blocks = new Set();

const policy = startPolicy();

// While the page is about to load once more through the service worker that makes it
// cross-origin isolated (isolation.js), Python is not started: the reload would throw it away.
const ISOLATION_WAIT_MS = 4000;
let holdStart = false;

function startNow(doc) {
  if (holdStart || runtime.state !== "idle" || !doc.querySelector(".dn-demo")) return;
  runtime.setConfig(readRuntimeConfig(document));
  runtime.start();
}

const observer =
  policy === "view" && "IntersectionObserver" in window
    ? new IntersectionObserver(
        (entries) => {
          if (!entries.some((entry) => entry.isIntersecting)) return;
          observer.disconnect();
          if (runtime.state === "idle") runtime.start();
        },
        { rootMargin: "200px 0px" },
      )
    : null;

const pageConfig = readRuntimeConfig(document);
if (pageConfig && pageConfig.serviceWorker) {
  holdStart = true;
  const release = () => {
    if (!holdStart) return;
    holdStart = false;
    if (policy === "load") startNow(document);
  };
  const timer = setTimeout(release, ISOLATION_WAIT_MS);
  isolateThroughServiceWorker(pageConfig.serviceWorker, new URL(".", pageConfig.serviceWorker).href).then((reloading) => {
    if (reloading) return;
    clearTimeout(timer);
    release();
  });
}

// Before the editors are set up (that takes a moment on pages with many demos).
if (policy === "load") startNow(document);

function enhance(doc = document) {
  setUpOffline(doc);
  // Forget the demos of the page we left: their queued runs are dropped, a running one stopped.
  for (const block of [...blocks]) {
    if (!block.root.isConnected) {
      block.explorable?.destroy();
      block.destroy();
      blocks.delete(block);
    }
  }
  runtime.forgetOwners((owner) => owner && !owner.root.isConnected);

  const demos = doc.querySelectorAll(".dn-demo:not([data-dn-live])");
  if (!demos.length) return;
  runtime.setConfig(readRuntimeConfig(document));
  if (policy === "load") startNow(doc);
  // Every editor first, then every block's page changes (see prepareDemo).
  const prepared = new Map();
  for (const root of demos) {
    try {
      prepared.set(root, prepareDemo(root));
    } catch (err) {
      console.error(`deepnotes: could not prepare the editor of demo ${root.dataset.demo}`, err);
    }
  }
  for (const root of demos) {
    root.setAttribute("data-dn-live", "");
    try {
      if (!prepared.has(root)) throw new Error("no editor");
      const block = new DemoBlock(root, runtime, prepared.get(root));
      blocks.add(block);
      try {
        attachExplorable(block); // knobs, live curves, compare runs, predictions (issue 9)
      } catch (err) {
        console.error(`deepnotes: no knobs/live view for demo ${root.dataset.demo}`, err);
      }
      if (observer && runtime.state === "idle") observer.observe(root);
    } catch (err) {
      root.removeAttribute("data-dn-live");
      prepared.get(root)?.view.destroy(); // its listeners go, and its DOM if the block put it in
      root.classList.add("dn-demo--static"); // demo.css shows the highlighted copy of the code again
      const source = root.querySelector(".dn-demo__source");
      if (source) source.hidden = false;
      console.error(`deepnotes: could not enhance demo ${root.dataset.demo}`, err);
    }
  }
}

// Public handle for tests, benchmarks and later features (knobs, live training).
window.deepnotes = Object.assign(window.deepnotes || {}, {
  runtime,
  demos: () => [...blocks].filter((block) => block.root.isConnected),
  demo: (name) => [...blocks].find((block) => block.name === name && block.root.isConnected) || null,
  enhance,
  startPython: policy,
});

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(() => enhance(document));
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => enhance(document));
} else {
  enhance(document);
}
