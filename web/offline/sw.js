// deepnotes offline pack: service worker at the site root (scope: the whole site), written into
// the site by hooks/offline.py, which replaces __DEEPNOTES_BUILD__ with the build's hash.
//
// Nothing is cached until the reader asks ("Use offline" in the footer: the page posts
// {type: "install-pack"}). Then every file of offline-manifest.json (Pyodide, the engine wheel,
// pages, assets) goes into the cache "deepnotes-offline-<build>". A new build changes this file,
// so the browser installs the new worker, which downloads the new pack (if the reader had one)
// before it takes over and deletes the old caches: the engine is never served stale.
//
// Serving, once a pack is installed: files under pyodide/ and wheels/ (immutable, hashed paths)
// come from the cache first; everything else from the network first, the cache when offline.
//
// Cross-origin isolation, for hosts that cannot send headers (GitHub Pages): every page registers
// this worker (web/src/isolation.js), which gives the documents and worker scripts it serves the
// COOP/COEP headers. The page can then share memory with the Python worker: Stop interrupts
// Python instead of restarting it, and live training can pause. Everything the site loads is its
// own (same origin), so "require-corp" blocks nothing.
const BUILD = "__DEEPNOTES_BUILD__";
const PREFIX = "deepnotes-offline-";
const CACHE = PREFIX + BUILD;
const MANIFEST = "offline-manifest.json";
const IMMUTABLE = /\/(pyodide|wheels)\//;
const scopeUrl = (path) => new URL(path, self.registration.scope).href;
const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Whether the response to `request` decides the isolation of a document or a worker. */
function decidesIsolation(request) {
  return request.mode === "navigate" || request.destination === "worker";
}

/** `response` with the isolation headers (redirects and opaque responses pass unchanged). */
function withIsolation(response) {
  if (!response || response.status === 0 || response.type === "opaqueredirect") return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function broadcast(message) {
  for (const client of await self.clients.matchAll({ includeUncontrolled: true })) client.postMessage(message);
}

async function installPack() {
  const manifest = await (await fetch(scopeUrl(MANIFEST), { cache: "no-cache" })).json();
  if (manifest.build !== BUILD) throw new Error(`the site changed (${manifest.build}); reload the page`);
  const cache = await caches.open(CACHE);
  let done = 0;
  let bytes = 0;
  const queue = manifest.files.slice();
  async function worker() {
    while (queue.length) {
      const file = queue.shift();
      const url = scopeUrl(file.url);
      const cached = await cache.match(url);
      if (!cached) {
        const response = await fetch(url, { cache: "no-cache" });
        if (!response.ok) throw new Error(`${file.url}: HTTP ${response.status}`);
        await cache.put(url, response);
      }
      done += 1;
      bytes += file.bytes;
      if (done % 10 === 0 || done === manifest.files.length) {
        broadcast({ type: "pack-progress", done, total: manifest.files.length, bytes, totalBytes: manifest.bytes });
      }
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()]);
  await cache.put(scopeUrl(MANIFEST), new Response(JSON.stringify(manifest), { headers: { "Content-Type": "application/json" } }));
  packKnown = true;
  broadcast({ type: "pack-ready", build: BUILD, bytes: manifest.bytes });
}

async function hadPack() {
  return (await caches.keys()).some((key) => key.startsWith(PREFIX));
}

let packKnown = null; // whether this build's pack is complete (null: not checked yet)

async function hasPack() {
  const cache = await caches.open(CACHE);
  packKnown = Boolean(await cache.match(scopeUrl(MANIFEST)));
  return packKnown;
}
hasPack();

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // An update of a site the reader keeps offline: fetch the new pack before taking over.
      if ((await hadPack()) && !(await hasPack())) await installPack();
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      if (await hasPack()) {
        for (const key of await caches.keys()) if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "install-pack") {
    event.waitUntil(installPack().catch((err) => broadcast({ type: "pack-error", message: String(err.message || err) })));
  } else if (type === "remove-pack") {
    event.waitUntil(
      (async () => {
        for (const key of await caches.keys()) if (key.startsWith(PREFIX)) await caches.delete(key);
        packKnown = false;
        broadcast({ type: "pack-removed" });
      })(),
    );
  } else if (type === "status") {
    event.waitUntil((async () => event.source.postMessage({ type: "pack-status", build: BUILD, installed: await hasPack() }))());
  }
});

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  if (request.mode === "navigate") {
    const url = new URL(request.url);
    if (!url.pathname.endsWith("/")) {
      const dir = await cache.match(url.origin + url.pathname + "/", { ignoreSearch: true });
      if (dir) return dir;
    }
    return cache.match(scopeUrl("404.html"));
  }
  return undefined;
}

async function serve(request) {
  if (!(await hasPack())) return fetch(request);
  if (IMMUTABLE.test(new URL(request.url).pathname)) {
    const hit = await fromCache(request);
    if (hit) return hit;
  }
  try {
    return await fetch(request);
  } catch (err) {
    const hit = await fromCache(request);
    if (hit) return hit;
    throw err;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(self.registration.scope)) return;
  const isolate = decidesIsolation(request);
  // No pack and nothing to isolate: the browser fetches as if there were no worker.
  if (packKnown === false && !isolate) return;
  event.respondWith(isolate ? serve(request).then(withIsolation) : serve(request));
});
