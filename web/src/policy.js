// When a page starts loading Python (the ~31 MB runtime takes seconds to start, so the first Run
// should not have to wait for all of it). Read by runner.js and by early.js, which starts it even
// before the page is parsed.
//   "load"  as soon as a page with demos opens (the default),
//   "view"  when a demo scrolls into view (readers whose browser asks to save data, or on a 2G
//           connection, get this instead of "load"),
//   "run"   only on the first Run.
// A page can choose by setting `window.deepnotes = {startPython: "view"}` before these scripts.
const START_POLICIES = ["load", "view", "run"];

/** The page's policy; `report`: log a wrong `startPython` (one of the two callers does). */
export function startPolicy({ report = true } = {}) {
  const asked = window.deepnotes && window.deepnotes.startPython;
  if (report && asked !== undefined && !START_POLICIES.includes(asked)) {
    console.error(`deepnotes: startPython must be one of ${START_POLICIES.join(", ")}; got ${JSON.stringify(asked)}`);
  }
  const policy = START_POLICIES.includes(asked) ? asked : "load";
  const connection = navigator.connection;
  const frugal = Boolean(connection && (connection.saveData || /2g$/.test(connection.effectiveType || "")));
  return policy === "load" && frugal ? "view" : policy;
}

