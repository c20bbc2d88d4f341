// Cross-origin isolation on hosts that cannot send COOP/COEP headers (GitHub Pages).
//
// Isolated pages share memory with the Python worker (SharedArrayBuffer): Stop interrupts Python
// in milliseconds and keeps the session, and live training can pause. A plain static host sends
// no such headers, so the page registers the site's service worker (sw.js, which also keeps the
// offline pack): it adds the headers to the documents and worker scripts it serves. The first
// page a reader opens in a tab was loaded before the worker existed, so it is loaded once more;
// every later page is isolated as it opens. A page is reloaded at most once per tab: if the
// browser still does not isolate it, the demos run as before (Stop restarts the worker).

const RELOADED = "deepnotes:v1:isolation-reload";

function alreadyReloaded() {
  try {
    return window.sessionStorage.getItem(RELOADED) !== null;
  } catch {
    return true; // no storage: no way to prevent a loop, so no reload
  }
}

function reloadOnce() {
  try {
    window.sessionStorage.setItem(RELOADED, String(Date.now()));
  } catch {
    return;
  }
  window.location.reload();
}

/**
 * Make this page cross-origin isolated through the service worker at `swUrl` (scope `scope`).
 * Returns a promise of whether the page is about to reload for it (the caller then holds back
 * work the reload would throw away, e.g. starting Python); false when nothing needs doing or it
 * cannot be done here.
 */
export function isolateThroughServiceWorker(swUrl, scope) {
  if (window.crossOriginIsolated || !window.isSecureContext || !("serviceWorker" in navigator)) {
    return Promise.resolve(false);
  }
  if (alreadyReloaded()) return Promise.resolve(false);
  const container = navigator.serviceWorker;
  return new Promise((resolve) => {
    // The worker takes control of this page (first visit, or an update that adds the headers):
    // a reload now fetches the page through it.
    container.addEventListener(
      "controllerchange",
      () => {
        resolve(true);
        reloadOnce();
      },
      { once: true },
    );
    container.register(swUrl, { scope }).then(
      (registration) => {
        // Already controlled and up to date, yet not isolated: one reload (the page may have
        // been served from the HTTP cache without the worker), then never again in this tab.
        if (container.controller && registration.active && !registration.installing && !registration.waiting) {
          resolve(true);
          reloadOnce();
        }
      },
      (err) => {
        console.warn("deepnotes: no service worker, so no cross-origin isolation:", err);
        resolve(false);
      },
    );
  });
}
