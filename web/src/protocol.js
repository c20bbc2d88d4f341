// Constants shared by the page (runtime.js) and the worker (worker.js).

/** Loading phases in order, with the share of the progress bar each one ends at. */
export const PHASES = [
  { name: "runtime", label: "Python runtime", start: 0.0, end: 0.3 },
  // "numpy" loads numpy, matplotlib and the engine wheel together (one loadPackage call).
  { name: "numpy", label: "numpy, matplotlib and the engine", start: 0.3, end: 0.7 },
  { name: "matplotlib", label: "matplotlib", start: 0.7, end: 0.95 },
  { name: "engine", label: "deepnotes engine", start: 0.95, end: 1.0 },
];

/** Value written into the interrupt buffer to raise KeyboardInterrupt (SIGINT). */
export const SIGINT = 2;

/**
 * Live-training control channel (issue 9): an Int32Array on a SharedArrayBuffer, cell 0. The page
 * writes PAUSE / STEP / RUN / STOP; the worker's `_deepnotes_bridge.control()` (called by
 * deepnotes.live's fit callback after each epoch) waits while it reads PAUSE, turns STEP back
 * into PAUSE after one epoch, and returns RUN or STOP.
 */
export const CONTROL = { RUN: 0, PAUSE: 1, STEP: 2, STOP: 3 };
