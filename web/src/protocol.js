// Constants shared by the page (runtime.js) and the worker (worker.js).

/** Loading phases in order, with the share of the progress bar each one ends at. */
export const PHASES = [
  { name: "runtime", label: "Python runtime", start: 0.0, end: 0.3 },
  { name: "numpy", label: "numpy", start: 0.3, end: 0.45 },
  { name: "matplotlib", label: "matplotlib", start: 0.45, end: 0.85 },
  { name: "engine", label: "deepnotes engine", start: 0.85, end: 1.0 },
];

/** Value written into the interrupt buffer to raise KeyboardInterrupt (SIGINT). */
export const SIGINT = 2;
