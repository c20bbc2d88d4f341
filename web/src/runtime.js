// The page's handle on Python: one shared Web Worker per page (it survives Material's instant
// navigation, since the JavaScript context does), started lazily, running queued runs in order.
import { CONTROL, SIGINT } from "./protocol.js";

/** How long Stop waits for a KeyboardInterrupt before it terminates the worker instead (ms). */
const INTERRUPT_GRACE_MS = 600;

// The runner bundle's own URL, to find worker.js next to it when the page's meta has no "worker".
const SCRIPT_URL = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : null;

/**
 * The runtime URLs from `<meta name="deepnotes-runtime" content='{"pyodide": ..., "wheel": ...,
 * "worker": ..., "fontlist": ..., "serviceWorker": ...}'>` (written by hooks/runtime_assets.py),
 * made absolute against
 * the page URL.
 */
export function readRuntimeConfig(doc = document) {
  const meta = doc.querySelector('meta[name="deepnotes-runtime"]');
  if (!meta) return null;
  let raw;
  try {
    raw = JSON.parse(meta.getAttribute("content"));
  } catch {
    return null;
  }
  if (!raw || typeof raw.pyodide !== "string" || typeof raw.wheel !== "string") return null;
  const base = doc.baseURI;
  const absolute = (url) => new URL(url, base).href;
  let pyodide = absolute(raw.pyodide);
  if (!pyodide.endsWith("/")) pyodide += "/";
  let worker = raw.worker ? absolute(raw.worker) : null;
  if (!worker && SCRIPT_URL) worker = new URL("worker.js", SCRIPT_URL).href;
  const fontlist = typeof raw.fontlist === "string" ? absolute(raw.fontlist) : null;
  const serviceWorker = typeof raw.serviceWorker === "string" ? absolute(raw.serviceWorker) : null;
  return { ...raw, pyodide, wheel: absolute(raw.wheel), worker, fontlist, serviceWorker };
}

/** Whether this page can share memory with a worker (a cross-origin isolated page). */
function canInterrupt() {
  return typeof SharedArrayBuffer !== "undefined" && self.crossOriginIsolated === true;
}

/**
 * A new Python worker for `config` (readRuntimeConfig), told to load everything; `onMessage`
 * gets each message's data, `onError` the worker's error events. Where the page can share
 * memory, the worker also gets the interrupt and control buffers (returned with it).
 */
export function spawnWorker(config, onMessage, onError) {
  const worker = new Worker(config.worker, { type: "module", name: "deepnotes-python" });
  worker.onmessage = (event) => onMessage(event.data || {});
  worker.onerror = onError;
  let interruptBuffer = null;
  let controlBuffer = null;
  if (canInterrupt()) {
    interruptBuffer = new Int32Array(new SharedArrayBuffer(4));
    worker.postMessage({ type: "interrupt-buffer", buffer: interruptBuffer });
    controlBuffer = new Int32Array(new SharedArrayBuffer(4));
    worker.postMessage({ type: "control-buffer", buffer: controlBuffer });
  }
  const { pyodide, wheel, integrity, fontlist } = config;
  const urls = { pyodide, wheel, integrity: integrity || null, fontlist: fontlist || null };
  worker.postMessage({ type: "init", urls });
  return { worker, interruptBuffer, controlBuffer };
}

/**
 * A worker (spawnWorker) whose messages and errors wait, with the times they arrived, until a
 * runtime adopts it; `state` follows them: "loading", "ready" or "failed". `onChange(held)` is
 * called after each of them.
 */
function spawnHeldWorker(config, onChange = () => {}) {
  const held = { config, created: performance.now(), messages: [], errors: [], state: "loading" };
  const spawned = spawnWorker(
    config,
    (message) => {
      held.messages.push({ message, at: performance.now() });
      if (message.type === "ready") held.state = "ready";
      else if (message.type === "error" && message.phase !== "protocol") held.state = "failed";
      onChange(held);
    },
    (event) => {
      event.preventDefault?.();
      held.errors.push({ message: event.message, preventDefault() {} });
      held.state = "failed";
      onChange(held);
    },
  );
  return Object.assign(held, spawned);
}

/**
 * Start the page's Python worker before the page is parsed (early.js, in the page's head): the
 * page's own scripts run only after ~10k elements of text and formulas are parsed, a second or
 * more that the worker can spend loading. It waits in `window.deepnotes.earlyWorker` until the
 * runtime claims it.
 */
export function startEarlyWorker(config) {
  const early = spawnHeldWorker(config);
  window.deepnotes = Object.assign(window.deepnotes || {}, { earlyWorker: early });
  return early;
}

/** The worker early.js started for this same configuration, taken (once), or null. */
function claimEarlyWorker(config) {
  const holder = typeof window !== "undefined" ? window.deepnotes : null;
  const early = holder && holder.earlyWorker;
  if (!early) return null;
  delete holder.earlyWorker;
  if (early.config.worker === config.worker && early.config.wheel === config.wheel) return early;
  early.worker.terminate();
  return null;
}

export class PythonRuntime {
  constructor() {
    this.config = null;
    this.worker = null;
    this.state = "idle"; // idle | loading | ready | failed
    this.progress = { phase: null, fraction: 0, text: "" };
    this.versions = null;
    this.failure = null;
    this.queue = []; // runs waiting: {id, code, name, options, owner, onStream, resolve}
    this.current = null; // the run the worker is executing
    this.nextId = 1;
    this.listeners = new Set();
    this.interruptBuffer = null;
    this.generation = 0; // bumps on every worker restart
    this.spare = null; // a second worker loading or loaded in the background (prepareSpare)
    this.spareFailures = 0;
    // Seconds since the worker was created at which each loading phase began ("ready": all done).
    this.timings = { created: null, ready: null, phases: {}, runs: [] };
  }

  /** Whether Stop can interrupt Python and keep the session (needs a cross-origin isolated page). */
  get canInterrupt() {
    return canInterrupt();
  }

  subscribe(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event) {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        console.error("deepnotes: runtime listener failed", err);
      }
    }
  }

  setConfig(config) {
    if (!this.config && config) this.config = config;
  }

  /**
   * Whether this page keeps a spare Python loaded so that Stop can swap it in: only where Stop
   * cannot interrupt (not cross-origin isolated) and the device does not ask to save data or
   * report under 4 GB of memory (a second Pyodide holds ~150 MB).
   */
  get keepsSpare() {
    if (this.canInterrupt) return false;
    const nav = typeof navigator !== "undefined" ? navigator : {};
    if (nav.connection && nav.connection.saveData) return false;
    return !(typeof nav.deviceMemory === "number" && nav.deviceMemory < 4);
  }

  /** Start the worker and load everything (idempotent). Returns false without a config. */
  start() {
    if (this.worker) return true;
    if (!this.config || !this.config.worker) {
      this.fail("This page has no runtime configuration (deepnotes-runtime meta).");
      return false;
    }
    this.generation += 1;
    const generation = this.generation;
    const onMessage = (message, at) => {
      if (generation === this.generation) this.onMessage(message, at);
    };
    const onError = (event) => {
      if (generation !== this.generation) return;
      event.preventDefault?.();
      const message = event.message || "the worker script failed to load";
      if (this.state !== "ready") this.fail(`The Python worker failed: ${message}`);
      else this.restart(`The Python worker crashed (${message}).`);
    };
    this.state = "loading";
    this.failure = null;
    this.timings.ready = null;
    // A spare loaded in the background (after a Stop), the worker early.js started, or a new one.
    let held = this.spare || claimEarlyWorker(this.config);
    this.spare = null;
    if (!held) {
      try {
        held = spawnHeldWorker(this.config);
      } catch (err) {
        this.fail(`The Python worker could not start: ${err.message || err}`);
        return false;
      }
    }
    return this.adopt(held, onMessage, onError);
  }

  /**
   * Load a second Python in the background while this one is ready and idle, on pages where Stop
   * has to replace the worker (keepsSpare): Stop then swaps it in instead of loading Python
   * again (~4 s). Idempotent; after two spares failed to load, no more are tried.
   */
  prepareSpare() {
    if (this.spare || this.spareFailures >= 2 || !this.worker || !this.keepsSpare) return;
    try {
      this.spare = spawnHeldWorker(this.config, (spare) => {
        if (spare.state !== "failed" || this.spare !== spare) return;
        this.spare = null;
        this.spareFailures += 1;
        spare.worker.terminate();
      });
    } catch {
      this.spareFailures += 1;
    }
  }

  /**
   * Make a held worker (a new one, early.js's, or the spare) the page's worker, from start():
   * what it said so far is handled now, in order, with the times it arrived.
   */
  adopt(held, onMessage, onError) {
    this.worker = held.worker;
    this.interruptBuffer = held.interruptBuffer;
    this.controlBuffer = held.controlBuffer;
    this.timings.created = held.created;
    this.timings.phases = {};
    this.worker.onmessage = (event) => onMessage(event.data || {});
    this.worker.onerror = onError;
    this.setProgress({ phase: "runtime", fraction: 0, text: "Starting Python…" });
    this.emit({ type: "state", state: this.state });
    for (const { message, at } of held.messages) onMessage(message, at);
    for (const event of held.errors) onError(event);
    return true;
  }

  fail(message) {
    this.state = "failed";
    this.failure = message;
    this.emit({ type: "error", message });
    this.emit({ type: "state", state: this.state });
    // Everything waiting gets the failure as its result, so no button stays stuck on "Running".
    const waiting = this.queue.splice(0);
    if (this.current) waiting.unshift(this.current);
    this.current = null;
    for (const run of waiting) run.resolve(failedResult(message));
  }

  setProgress(progress) {
    this.progress = progress;
    this.emit({ type: "progress", ...progress });
  }

  /** Handle a message of the worker, which arrived at `at` (performance.now()). */
  onMessage(message, at = performance.now()) {
    switch (message.type) {
      case "progress":
        this.timings.phases[message.phase] = (at - this.timings.created) / 1000;
        this.setProgress({ phase: message.phase, fraction: message.fraction, text: message.text });
        return;
      case "ready":
        this.state = "ready";
        this.versions = message.versions;
        this.timings.ready = at;
        this.emit({ type: "state", state: this.state });
        this.pump();
        return;
      case "error":
        if (message.phase !== "protocol") this.fail(message.message);
        else console.warn("deepnotes worker:", message.message);
        return;
      case "stream":
        if (!this.current || this.current.id !== message.id) return;
        if (message.kind === "printed") this.current.printed += message.data;
        if (this.current.onStream) this.current.onStream(message);
        return;
      case "result": {
        const run = this.current;
        if (!run || run.id !== message.id) return;
        clearTimeout(run.graceTimer);
        this.current = null;
        const { type: _type, ...result } = message;
        result.stopped = Boolean(run.stopRequested);
        this.timings.runs.push({ name: run.name, elapsed: result.elapsed, total: (performance.now() - run.queuedAt) / 1000 });
        run.resolve(result);
        if (result.fatal) this.restart(null);
        else this.pump();
        return;
      }
      default:
        return;
    }
  }

  /**
   * Queue `code` to run; resolves with run_code's dict plus `elapsed`, `stopped`, `reset`, `cancelled`.
   * `owner` identifies the demo (for cancel on page swap); `onStream` receives "stream" messages.
   */
  run(code, { name = "demo", options = {}, owner = null, onStream = null } = {}) {
    const id = this.nextId++;
    let resolve;
    const promise = new Promise((r) => (resolve = r));
    const run = { id, code, name, options, owner, onStream, resolve, queuedAt: performance.now(), printed: "" };
    if (this.state === "failed") {
      // Try again from scratch: the failure may have been transient (e.g. offline for a moment).
      this.worker?.terminate();
      this.worker = null;
      this.state = "idle";
    }
    this.queue.push(run);
    if (!this.start()) return { id, promise };
    if (this.state === "loading") this.worker.postMessage({ type: "run-waiting" });
    this.emit({ type: "queue", size: this.queue.length });
    this.pump();
    return { id, promise };
  }

  /** Position of run `id` in the queue (0 = running now), or -1. */
  position(id) {
    if (this.current && this.current.id === id) return 0;
    const index = this.queue.findIndex((run) => run.id === id);
    return index < 0 ? -1 : index + 1;
  }

  pump() {
    if (this.state !== "ready" || this.current) return;
    if (!this.queue.length) {
      this.prepareSpare(); // idle: a good moment to load the spare, if this page keeps one
      return;
    }
    const run = this.queue.shift();
    this.current = run;
    run.startedAt = performance.now();
    // A Stop of the previous run that came too late must not hit this one: cleared here, before
    // the run is sent, not by the worker when it begins, so a Stop of this run in between lands.
    if (this.interruptBuffer) Atomics.store(this.interruptBuffer, 0, 0);
    this.emit({ type: "run-start", id: run.id, owner: run.owner });
    // Where Stop has to end the worker, what the run prints is sent while it runs, so that
    // restart() can still show it; elsewhere the result brings it (a Stop raises in Python).
    const options = this.canInterrupt ? run.options : { ...run.options, stream_output: true };
    this.worker.postMessage({ type: "run", id: run.id, code: run.code, name: run.name, options });
  }

  /**
   * Stop run `id`: a queued run is dropped; the running one gets a KeyboardInterrupt (isolated
   * pages) or the worker is replaced. Resolves with "cancelled", "interrupted" or "restarted".
   */
  stop(id) {
    const index = this.queue.findIndex((run) => run.id === id);
    if (index >= 0) {
      const [run] = this.queue.splice(index, 1);
      run.resolve({ ...emptyResult(), cancelled: true, stopped: true });
      return "cancelled";
    }
    const run = this.current;
    if (!run || run.id !== id) return "cancelled";
    run.stopRequested = true;
    if (this.interruptBuffer) {
      Atomics.store(this.interruptBuffer, 0, SIGINT);
      this.control(CONTROL.RUN); // a paused live run wakes up to be interrupted
      // Python checks the buffer every few bytecodes; code stuck inside C (a long NumPy call)
      // does not, so after a grace period the worker is replaced instead.
      run.graceTimer = setTimeout(() => {
        if (this.current === run) this.restart(null);
      }, INTERRUPT_GRACE_MS);
      return "interrupted";
    }
    this.restart(null);
    return "restarted";
  }

  /**
   * Live training (deepnotes.live): write CONTROL.PAUSE / STEP / RUN into the control channel of
   * the running run. False when the page is not cross-origin isolated (no SharedArrayBuffer).
   */
  control(value) {
    if (!this.controlBuffer) return false;
    Atomics.store(this.controlBuffer, 0, value);
    Atomics.notify(this.controlBuffer, 0);
    return true;
  }

  /** Drop queued runs of owners that left the page, interrupt the running one if its owner left. */
  forgetOwners(isGone) {
    for (const run of this.queue.filter((r) => isGone(r.owner))) this.stop(run.id);
    if (this.current && isGone(this.current.owner)) this.stop(this.current.id);
  }

  /** Replace the worker with a fresh one; the running run ends with `reset: true`. */
  restart(reason) {
    const run = this.current;
    this.current = null;
    if (run) clearTimeout(run.graceTimer);
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.state = "idle";
    if (run) {
      run.resolve({
        ...emptyResult(),
        stdout: run.printed, // what it printed until the last hand-over (stream_output)
        error: run.stopRequested ? null : reason,
        stopped: Boolean(run.stopRequested),
        reset: true,
        elapsed: (performance.now() - run.startedAt) / 1000,
      });
    }
    this.emit({ type: "reset", reason });
    this.start();
  }
}

function emptyResult() {
  return { stdout: "", figures: [], error: null, truncated: false, notes: [] };
}

function failedResult(message) {
  return { ...emptyResult(), error: message, failed: true };
}
