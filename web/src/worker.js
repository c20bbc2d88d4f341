// The Python side of the page: one module Web Worker running Pyodide.
//
// Protocol (see protocol.js for the shared constants):
//   page -> worker
//     {type: "init", urls: {pyodide, wheel, integrity}}  load Pyodide, numpy, matplotlib, the engine
//                                                     (integrity: {"pyodide.mjs": "sha384-…"} in CDN mode)
//     {type: "interrupt-buffer", buffer}              Int32Array on a SharedArrayBuffer; the page
//                                                     writes 2 into buffer[0] to stop a run
//     {type: "control-buffer", buffer}                Int32Array on a SharedArrayBuffer: live
//                                                     training Pause / Step / Stop (CONTROL)
//     {type: "run", id, code, name, options}          run `code` with deepnotes.sandbox.run_code
//                                                     (options.stream_output: also post what it
//                                                     prints while it runs, kind "printed")
//     {type: "run-waiting"}                           a run is queued while loading (skip warm-ups)
//   worker -> page
//     {type: "progress", phase, fraction, text}       loading phases: runtime, numpy, matplotlib, engine
//     {type: "ready", versions}                       everything loaded
//     {type: "result", id, stdout, figures, error, truncated, notes, elapsed, fatal?}
//     {type: "stream", id, kind, data}                data posted by Python during a run (issue 9:
//                                                     live training frames) via the JS module
//                                                     `_deepnotes_bridge`: post(kind, json_text)
//     {type: "error", phase, message}                 the runtime could not be loaded
//
// While Python runs, this worker cannot read messages: stopping a run goes through the shared
// interrupt buffer (cross-origin isolated pages) or worker.terminate() (all other pages).
import { CONTROL, PHASES } from "./protocol.js";

let pyodide = null;
let runJson = null; // Python function (source, name, options_json) -> JSON text of run_code's dict
let interruptBuffer = null;
let controlBuffer = null;
let currentRunId = null;
let initPromise = null;
let runWaiting = false; // the page has a run queued: skip the matplotlib warm-up
let fatal = null;

const post = (message) => self.postMessage(message);

/**
 * Called from Python (deepnotes.live) after each epoch: blocks while the page has paused the run
 * (Atomics.wait, woken by the page's Atomics.notify), lets one epoch through on STEP, and returns
 * RUN or STOP. A Stop (interrupt buffer set) ends the wait, so KeyboardInterrupt can be raised.
 */
function liveControl() {
  if (!controlBuffer) return CONTROL.RUN;
  for (;;) {
    const value = Atomics.load(controlBuffer, 0);
    if (value === CONTROL.STEP) {
      Atomics.store(controlBuffer, 0, CONTROL.PAUSE);
      return CONTROL.RUN;
    }
    if (value !== CONTROL.PAUSE) return value;
    if (interruptBuffer && Atomics.load(interruptBuffer, 0) !== 0) return CONTROL.RUN;
    Atomics.wait(controlBuffer, 0, CONTROL.PAUSE, 250);
  }
}

function progress(phase, fraction, text) {
  post({ type: "progress", phase, fraction, text });
}

const PYTHON_GLUE = `
import json
import os

os.environ["MPLBACKEND"] = "Agg"


def _deepnotes_run(source, name, options_json):
    from deepnotes.sandbox import run_code

    options = json.loads(options_json)
    if options.pop("stream_output", False):
        from _deepnotes_bridge import post

        options["on_output"] = lambda text: post("printed", json.dumps(text))
    return json.dumps(run_code(source, name=name, **options))
`;

/**
 * Import pyodide.mjs. With an integrity hash (CDN mode, from the page's meta) the file is fetched,
 * checked with SubtleCrypto and imported from a blob URL, so a changed CDN file is refused.
 */
async function importPyodide(urls) {
  const url = new URL("pyodide.mjs", urls.pyodide).href;
  const expected = urls.integrity && urls.integrity["pyodide.mjs"];
  if (!expected) return import(url);
  const [algorithm, hash] = expected.split("-", 2);
  const names = { sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" };
  if (!names[algorithm]) throw new Error(`unsupported integrity ${expected}`);
  const response = await fetch(url, { credentials: "omit" });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest(names[algorithm], bytes));
  const actual = btoa(String.fromCharCode(...digest));
  if (actual !== hash) throw new Error(`${url} does not match its integrity hash ${expected}`);
  const blobUrl = URL.createObjectURL(new Blob([bytes], { type: "text/javascript" }));
  try {
    return await import(blobUrl);
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}

const MATPLOTLIB_WARMUP = `
def _deepnotes_warm_up():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1), dpi=20)
    fig.add_subplot().plot([0, 1], [0, 1])
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


_deepnotes_warm_up()
del _deepnotes_warm_up
`;

/** The text at `url`, or null when it cannot be fetched (the font cache is an optimization). */
async function fetchText(url) {
  try {
    const response = await fetch(url);
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

/** Put the shipped font cache into matplotlib's cache directory (MEMFS), if there is one. */
function installFontCache(text, url) {
  if (!text) return;
  const name = new URL(url, self.location.href).pathname.split("/").pop();
  const dir = pyodide.runPython("import matplotlib\nmatplotlib.get_cachedir()");
  pyodide.FS.mkdirTree(dir);
  pyodide.FS.writeFile(`${dir}/${name}`, text);
}

async function loadRuntime(urls) {
  const span = (phase) => PHASES.find((p) => p.name === phase);
  let phase = "runtime";
  try {
    progress(phase, span(phase).start, "Loading the Python runtime…");
    const { loadPyodide } = await importPyodide(urls);
    pyodide = await loadPyodide({
      indexURL: urls.pyodide,
      stdout: (text) => post({ type: "stream", id: currentRunId, kind: "stdout", data: text }),
      stderr: (text) => post({ type: "stream", id: currentRunId, kind: "stderr", data: text }),
    });
    if (interruptBuffer) pyodide.setInterruptBuffer(interruptBuffer);
    pyodide.registerJsModule("_deepnotes_bridge", {
      post: (kind, jsonText) => {
        let data = jsonText;
        try {
          data = JSON.parse(String(jsonText));
        } catch {
          data = String(jsonText);
        }
        post({ type: "stream", id: currentRunId, kind: String(kind), data });
      },
      control: liveControl,
    });

    // matplotlib's font cache, built once at site build time (tools/font_cache.py): fetched
    // while the packages load, written where matplotlib looks before its first import.
    const fontlist = urls.fontlist ? fetchText(urls.fontlist) : Promise.resolve(null);

    // numpy, matplotlib (with its dependencies) and the engine wheel in one call: Pyodide fetches
    // them all at once and installs them in dependency order, instead of one after another.
    // Always the wheel by URL (its path carries its hash): never by name from an index.
    phase = "numpy";
    progress(phase, span(phase).start, "Loading numpy, matplotlib and the engine…");
    await pyodide.loadPackage(["numpy", "matplotlib", urls.wheel], { messageCallback: () => {} });
    pyodide.runPython("import numpy");

    phase = "matplotlib";
    progress(phase, span(phase).start, "Starting matplotlib…");
    installFontCache(await fontlist, urls.fontlist);
    pyodide.runPython(PYTHON_GLUE);
    // Import pyplot and, while the reader is still reading (prefetch), draw one tiny figure: the
    // first draw loads fonts and fills caches, which would otherwise delay the first real figure.
    // When a run is already waiting, that run's own figure does this work: no warm-up then.
    const importPyplot = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot";
    pyodide.runPython(runWaiting ? importPyplot : MATPLOTLIB_WARMUP);

    phase = "engine";
    progress(phase, span(phase).start, "Starting the deepnotes engine…");
    pyodide.runPython("import deepnotes.sandbox");
    runJson = pyodide.globals.get("_deepnotes_run");

    const versions = JSON.parse(
      pyodide.runPython(
        "import json, sys, numpy, matplotlib, deepnotes\n" +
          "json.dumps({'python': sys.version.split()[0], 'numpy': numpy.__version__," +
          " 'matplotlib': matplotlib.__version__," +
          " 'deepnotes': getattr(deepnotes, '__version__', '?')})",
      ),
    );
    versions.pyodide = pyodide.version;
    progress("ready", 1, "Python is ready");
    post({ type: "ready", versions });
  } catch (err) {
    fatal = `Could not load ${phase}: ${err && err.message ? err.message : err}`;
    post({ type: "error", phase, message: fatal });
    throw err;
  }
}

function isKeyboardInterrupt(err) {
  return err && err.type === "KeyboardInterrupt";
}

function runOnce({ id, code, name, options }) {
  const started = performance.now();
  // The interrupt buffer is not cleared here: the page clears it before sending a run
  // (runtime.js pump), so a Stop clicked before this run began still stops it.
  if (controlBuffer) Atomics.store(controlBuffer, 0, CONTROL.RUN); // every run starts unpaused
  currentRunId = id;
  let result;
  try {
    result = JSON.parse(runJson(String(code), String(name || "demo"), JSON.stringify(options || {})));
  } catch (err) {
    // run_code reports the user's errors itself; what lands here escaped it: a KeyboardInterrupt
    // raised outside its guard, or the runtime itself breaking (os._exit, a wasm trap).
    const isPython = err && err.constructor && err.constructor.name === "PythonError";
    if (isKeyboardInterrupt(err)) {
      result = { stdout: "", figures: [], error: "KeyboardInterrupt", truncated: false, notes: [] };
    } else if (isPython) {
      result = { stdout: "", figures: [], error: String(err.message), truncated: false, notes: [] };
    } else {
      fatal = String(err && err.message ? err.message : err);
      result = {
        stdout: "",
        figures: [],
        error: `The Python runtime stopped working (${fatal}); it was restarted, so the Python session was reset.`,
        truncated: false,
        notes: [],
        fatal: true,
      };
    }
  } finally {
    currentRunId = null;
  }
  result.elapsed = (performance.now() - started) / 1000;
  post({ type: "result", id, ...result });
}

async function handle(message) {
  switch (message.type) {
    case "interrupt-buffer":
      interruptBuffer = message.buffer;
      if (pyodide) pyodide.setInterruptBuffer(interruptBuffer);
      return;
    case "control-buffer":
      controlBuffer = message.buffer;
      return;
    case "init":
      if (!initPromise) initPromise = loadRuntime(message.urls);
      return initPromise.catch(() => {});
    case "run":
      try {
        if (!initPromise) throw new Error("the worker got a run before init");
        await initPromise;
      } catch {
        post({
          type: "result",
          id: message.id,
          stdout: "",
          figures: [],
          error: fatal || "The Python runtime could not be loaded.",
          truncated: false,
          notes: [],
          fatal: true,
        });
        return;
      }
      if (fatal) {
        post({ type: "result", id: message.id, stdout: "", figures: [], error: fatal, truncated: false, notes: [], fatal: true });
        return;
      }
      runOnce(message);
      return;
    default:
      post({ type: "error", phase: "protocol", message: `unknown message type ${message.type}` });
  }
}

// Messages are handled one after another, in the order they arrive.
let chain = Promise.resolve();
self.onmessage = (event) => {
  const message = event.data || {};
  if (message.type === "interrupt-buffer" || message.type === "control-buffer") {
    handle(message);
    return;
  }
  if (message.type === "run-waiting") {
    runWaiting = true; // read while loading, so it cannot wait in the chain
    return;
  }
  chain = chain.then(() => handle(message));
};
