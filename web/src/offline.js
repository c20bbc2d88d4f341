// "Use offline" (issue 9): a footer control that shows the offline pack's download size (from
// offline-manifest.json, written by hooks/offline.py), then registers the site's service worker
// (sw.js at the site root) and asks it to cache the pack. Once installed, the site - pages,
// Pyodide, the engine - works with the network off; a new build replaces the pack.

const FLAG = "deepnotes:v1:offline";

function siteRoot() {
  // The runner bundle lives at <root>/assets/build/runner.js.
  const script = [...document.scripts].find((s) => /assets\/build\/runner\.js(\?|$)/.test(s.src));
  return script ? new URL("../../", script.src).href : new URL("/", window.location.href).href;
}

function megabytes(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function remember(build) {
  try {
    if (build) window.localStorage.setItem(FLAG, build);
    else window.localStorage.removeItem(FLAG);
  } catch {
    /* storage blocked */
  }
}

function remembered() {
  try {
    return window.localStorage.getItem(FLAG);
  } catch {
    return null;
  }
}

let listening = false;

/** Add the control to the page's footer (again after each instant-navigation page swap). */
export function setUpOffline(doc = document) {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  const host = doc.querySelector(".md-footer-meta__inner") || doc.querySelector("footer");
  if (!host || host.querySelector(".dn-offline")) return;
  const box = document.createElement("div");
  box.className = "dn-offline";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "dn-offline__button";
  const status = document.createElement("span");
  status.className = "dn-offline__status";
  status.setAttribute("role", "status");
  const confirm = document.createElement("button");
  confirm.type = "button";
  confirm.className = "dn-offline__button dn-offline__confirm";
  confirm.hidden = true;
  box.append(button, confirm, status);
  host.append(box);
  const root = siteRoot();
  let manifest = null;

  const installed = () => {
    box.dataset.state = "installed";
    button.textContent = "Offline copy: remove";
    button.title = "Delete the offline copy of the site from this browser";
    confirm.hidden = true;
  };
  const idle = () => {
    box.dataset.state = "idle";
    button.textContent = "Use offline";
    button.title = "Download the site, Python and the engine once, so the demos work without a network";
    confirm.hidden = true;
  };
  if (remembered() && navigator.serviceWorker.controller) {
    installed();
    status.textContent = "This site works offline in this browser.";
  } else idle();

  if (!listening) {
    listening = true;
    navigator.serviceWorker.addEventListener("message", (event) => {
      const message = event.data || {};
      for (const el of document.querySelectorAll(".dn-offline")) {
        const text = el.querySelector(".dn-offline__status");
        if (message.type === "pack-progress") {
          text.textContent = `Downloading: ${megabytes(message.bytes)} of ${megabytes(message.totalBytes)}…`;
        } else if (message.type === "pack-ready") {
          remember(message.build);
          el.dataset.state = "installed";
          el.querySelector(".dn-offline__button").textContent = "Offline copy: remove";
          text.textContent = `Done: ${megabytes(message.bytes)} saved. This site now works offline in this browser.`;
        } else if (message.type === "pack-error") {
          el.dataset.state = "idle";
          el.querySelector(".dn-offline__button").textContent = "Use offline";
          text.textContent = `The download failed: ${message.message}`;
        } else if (message.type === "pack-removed") {
          remember(null);
          el.dataset.state = "idle";
          el.querySelector(".dn-offline__button").textContent = "Use offline";
          text.textContent = "The offline copy was deleted.";
        }
      }
    });
  }

  button.addEventListener("click", async () => {
    if (box.dataset.state === "installed") {
      const registration = await navigator.serviceWorker.getRegistration(root);
      registration?.active?.postMessage({ type: "remove-pack" });
      return;
    }
    status.textContent = "Checking the download size…";
    try {
      const response = await fetch(new URL("offline-manifest.json", root), { cache: "no-cache" });
      manifest = await response.json();
    } catch {
      status.textContent = "The offline pack is not available on this site.";
      return;
    }
    const { runtime, engine, pages } = manifest.parts;
    status.textContent =
      `The offline copy takes ${megabytes(manifest.bytes)}: Python and NumPy ${megabytes(runtime)}, ` +
      `the engine ${megabytes(engine)}, pages and figures ${megabytes(pages)}.`;
    box.dataset.size = String(manifest.bytes);
    confirm.textContent = `Download ${megabytes(manifest.bytes)}`;
    confirm.hidden = false;
    confirm.focus();
  });

  confirm.addEventListener("click", async () => {
    confirm.hidden = true;
    box.dataset.state = "downloading";
    status.textContent = "Starting the download…";
    try {
      await navigator.serviceWorker.register(new URL("sw.js", root).href, { scope: root });
      const registration = await navigator.serviceWorker.ready;
      registration.active.postMessage({ type: "install-pack" });
    } catch (err) {
      box.dataset.state = "idle";
      status.textContent = `The offline copy could not be set up: ${err.message || err}`;
    }
  });
}
