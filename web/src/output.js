// Rendering a run's result (deepnotes.sandbox.run_code's dict) into a demo's output area.
// Everything from Python is inserted as text or as a PNG data URL, never as HTML.

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/** A `<figure class="dn-figure">` with the PNG and its alt text, like the pre-rendered ones. */
export function figureElement(figure, index) {
  const png = typeof figure?.png === "string" ? figure.png.replace(/\s+/g, "") : "";
  if (!png || !BASE64.test(png)) return null;
  const wrapper = element("figure", "dn-figure");
  const img = document.createElement("img");
  img.src = `data:image/png;base64,${png}`;
  img.alt = typeof figure.alt === "string" && figure.alt.trim() ? figure.alt : `Figure ${index + 1} drawn by the demo`;
  img.decoding = "async";
  if (Number.isInteger(figure.width) && figure.width > 0) img.width = figure.width;
  if (Number.isInteger(figure.height) && figure.height > 0) img.height = figure.height;
  wrapper.append(img);
  return wrapper;
}

/** The last line of a traceback ("ValueError: x"), for the status line. */
export function errorSummary(error) {
  const lines = String(error || "").trim().split("\n").filter((line) => line.trim());
  return lines.length ? lines[lines.length - 1].trim() : "";
}

/**
 * Replace the content of `output` with `result`.
 *
 * @param {HTMLElement} output
 * @param {object} result  run_code's dict plus runner flags (stopped, reset, cancelled)
 */
export function renderResult(output, result) {
  const parts = [];
  (Array.isArray(result.figures) ? result.figures : []).forEach((figure, index) => {
    const el = figureElement(figure, index);
    if (el) parts.push(el);
  });
  if (typeof result.stdout === "string" && result.stdout.length) {
    const pre = element("pre", "dn-demo__stdout");
    pre.append(element("code", null, result.stdout));
    pre.tabIndex = 0; // scrollable regions must be reachable by keyboard
    pre.setAttribute("aria-label", "Printed output");
    parts.push(pre);
  }
  const interrupted = result.stopped && (!result.error || /KeyboardInterrupt/.test(result.error));
  if (interrupted) {
    const text = result.reset
      ? "Stopped. The Python session was reset: variables and imports from earlier runs are gone."
      : `${result.error ? errorSummary(result.error) : "Stopped."} The Python session is still there.`;
    parts.push(element("p", "dn-demo__note dn-demo__note--stopped", text));
  } else if (result.error) {
    const pre = element("pre", "dn-demo__error");
    pre.append(element("code", null, String(result.error)));
    pre.tabIndex = 0;
    pre.setAttribute("aria-label", "Error");
    parts.push(pre);
  }
  if (result.reset && !result.stopped && !result.error) {
    parts.push(element("p", "dn-demo__note", "The Python session was reset."));
  }
  for (const note of Array.isArray(result.notes) ? result.notes : []) {
    parts.push(element("p", "dn-demo__note", String(note)));
  }
  if (result.truncated && !(result.notes || []).length) {
    parts.push(element("p", "dn-demo__note", "The output was too long and has been cut."));
  }
  if (!parts.length) parts.push(element("p", "dn-demo__note", "The code ran and produced no output."));
  output.replaceChildren(...parts);
}

/** A short summary of a result for the status line (announced to screen readers). */
export function describeResult(result) {
  if (result.cancelled) return "Run cancelled.";
  if (result.stopped) {
    return result.reset
      ? "Stopped. The Python session was reset."
      : "Stopped. The Python session is still there.";
  }
  if (result.failed) return `Python could not be loaded: ${errorSummary(result.error)}`;
  if (result.error) return `Error: ${errorSummary(result.error)}`;
  const figures = Array.isArray(result.figures) ? result.figures.length : 0;
  const pieces = [];
  if (figures) pieces.push(figures === 1 ? "1 figure" : `${figures} figures`);
  if (result.stdout) pieces.push("printed output");
  const time = typeof result.elapsed === "number" ? ` in ${result.elapsed.toFixed(2)} s` : "";
  return `Done${time}${pieces.length ? `: ${pieces.join(", ")}` : ""}.`;
}
