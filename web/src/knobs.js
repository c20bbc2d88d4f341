// Knobs and predictions declared in a demo's source (issue 9). Pure functions, no DOM: tested
// with node (web/test/knobs.test.mjs).
//
//   lr = 0.01  # @param {min: 1e-4, max: 1, scale: log}       -> a log-scale slider
//   keep_prob = 0.8  # @param {min: 0.3, max: 1, step: 0.05}  -> a linear slider
//   init = "he"  # @param {options: ["zeros", "he"]}          -> a select
//   use_bn = True  # @param {options: [True, False]}
//   # @predict: With keep_prob = 0.5, will the dev error go up or down? | up | down*
//
// The value must be a Python literal (number, string, True/False/None); anything else (an
// expression) is left alone. The spec is a YAML flow mapping of numbers, bare words, quoted
// strings and lists.

const PARAM_LINE = /^(\s*([A-Za-z_]\w*)\s*=\s*)(.*?)(\s*#\s*@param\s*(\{.*\}))\s*$/;
const PREDICT_LINE = /^\s*#\s*@predict:\s*(.+?)\s*$/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const INT = /^[-+]?\d+$/;

/** Parse a Python literal: number, 'string' / "string", True, False, None. Undefined if not one. */
export function parsePython(text) {
  const t = String(text).trim();
  if (NUMBER.test(t)) return Number(t);
  if (t === "True") return true;
  if (t === "False") return false;
  if (t === "None") return null;
  const quote = t[0];
  if ((quote === '"' || quote === "'") && t.length >= 2 && t.endsWith(quote)) {
    const body = t.slice(1, -1);
    if (!body.includes(quote) && !body.includes("\\")) return body;
  }
  return undefined;
}

/** A value as Python source: `like` (the literal it replaces) decides float vs int and quotes. */
export function toPython(value, like = "") {
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null) return "None";
  if (typeof value === "string") {
    const quote = String(like).trim().startsWith("'") ? "'" : '"';
    return `${quote}${value}${quote}`;
  }
  if (typeof value !== "number" || !Number.isFinite(value)) return String(like);
  const rounded = Number(value.toPrecision(4));
  let text = String(rounded);
  const likeText = String(like).trim();
  const wantsFloat = likeText !== "" && !INT.test(likeText);
  if (wantsFloat && /^-?\d+$/.test(text)) text += ".0";
  return text;
}

/** Parse a YAML flow value: {a: 1, b: [x, "y"]} -> {a: 1, b: ["x", "y"]}. Throws on bad input. */
export function parseFlow(text) {
  let i = 0;
  const s = String(text);
  const space = () => {
    while (i < s.length && /\s/.test(s[i])) i += 1;
  };
  const fail = (what) => {
    throw new SyntaxError(`${what} at ${i} in ${s}`);
  };
  function scalar() {
    space();
    if (s[i] === '"' || s[i] === "'") {
      const quote = s[i];
      const end = s.indexOf(quote, i + 1);
      if (end < 0) fail("unclosed string");
      const out = s.slice(i + 1, end);
      i = end + 1;
      return out;
    }
    const start = i;
    while (i < s.length && !",]}:".includes(s[i])) i += 1;
    const word = s.slice(start, i).trim();
    if (!word) fail("missing value");
    if (NUMBER.test(word)) return Number(word);
    if (word === "True" || word === "true") return true;
    if (word === "False" || word === "false") return false;
    if (word === "None" || word === "null") return null;
    return word;
  }
  function value() {
    space();
    if (s[i] === "{") return mapping();
    if (s[i] === "[") return list();
    return scalar();
  }
  function list() {
    i += 1;
    const out = [];
    space();
    if (s[i] === "]") return (i += 1), out;
    for (;;) {
      out.push(value());
      space();
      if (s[i] === ",") i += 1;
      else if (s[i] === "]") return (i += 1), out;
      else fail("expected , or ]");
    }
  }
  function mapping() {
    i += 1;
    const out = {};
    space();
    if (s[i] === "}") return (i += 1), out;
    for (;;) {
      space();
      const start = i;
      while (i < s.length && /\w/.test(s[i])) i += 1;
      const key = s.slice(start, i);
      if (!key) fail("expected a key");
      space();
      if (s[i] !== ":") fail("expected :");
      i += 1;
      out[key] = value();
      space();
      if (s[i] === ",") i += 1;
      else if (s[i] === "}") return (i += 1), out;
      else fail("expected , or }");
    }
  }
  const out = value();
  space();
  if (i !== s.length) fail("trailing text");
  return out;
}

/**
 * The knobs of `code`, in source order: {name, line (0-based), value, text (the literal),
 * kind: "range" | "select", min, max, step, scale ("linear" | "log"), integer, options}.
 * A line whose value or spec cannot be used is skipped; a name declared twice keeps the first.
 */
export function parseKnobs(code) {
  const knobs = [];
  const seen = new Set();
  String(code)
    .split("\n")
    .forEach((line, index) => {
      const match = PARAM_LINE.exec(line);
      if (!match) return;
      const [, , name, text, , specText] = match;
      if (seen.has(name)) return;
      const value = parsePython(text);
      if (value === undefined) return;
      let spec;
      try {
        spec = parseFlow(specText);
      } catch {
        return;
      }
      if (!spec || typeof spec !== "object" || Array.isArray(spec)) return;
      const knob = { name, line: index, value, text: text.trim() };
      if (Array.isArray(spec.options) && spec.options.length) {
        Object.assign(knob, { kind: "select", options: spec.options });
      } else if (typeof spec.min === "number" && typeof spec.max === "number" && spec.max > spec.min) {
        if (typeof value !== "number") return;
        const log = spec.scale === "log" && spec.min > 0;
        const integer = INT.test(knob.text) && (spec.step === undefined || Number.isInteger(spec.step));
        const step = typeof spec.step === "number" && spec.step > 0 ? spec.step : integer ? 1 : null;
        Object.assign(knob, { kind: "range", min: spec.min, max: spec.max, step, integer, scale: log ? "log" : "linear" });
      } else {
        return;
      }
      seen.add(name);
      knobs.push(knob);
    });
  return knobs;
}

/** `code` with knob `name` set to the Python literal `text`; unchanged if there is no such knob. */
export function setKnob(code, name, text) {
  const lines = String(code).split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const match = PARAM_LINE.exec(lines[i]);
    if (match && match[2] === name) {
      lines[i] = `${match[1]}${text}${match[4]}`;
      return lines.join("\n");
    }
  }
  return String(code);
}

/** Range knobs: slider position (0..SLIDER_STEPS for log scale) <-> value. */
export const SLIDER_STEPS = 240;

export function toSlider(knob, value) {
  if (knob.scale !== "log") return value;
  const t = (Math.log(value) - Math.log(knob.min)) / (Math.log(knob.max) - Math.log(knob.min));
  return Math.round(Math.min(1, Math.max(0, t)) * SLIDER_STEPS);
}

export function fromSlider(knob, position) {
  const p = Number(position);
  if (knob.scale === "log") {
    const t = p / SLIDER_STEPS;
    const v = Math.exp(Math.log(knob.min) + t * (Math.log(knob.max) - Math.log(knob.min)));
    return Number(v.toPrecision(2));
  }
  if (knob.integer) return Math.round(p);
  // Snap to the step grid without binary noise (0.1 + 0.2).
  const decimals = knob.step ? Math.max(0, -Math.floor(Math.log10(knob.step)) + 2) : 6;
  return Number(p.toFixed(Math.min(decimals, 10)));
}

/**
 * The `# @predict: question | a | b*` line of `code`: {question, options, expected} (expected:
 * the starred option, what the demo as written shows), or null.
 */
export function parsePredict(code) {
  for (const line of String(code).split("\n")) {
    const match = PREDICT_LINE.exec(line);
    if (!match) continue;
    const parts = match[1].split("|").map((part) => part.trim());
    const question = parts.shift();
    if (!question || parts.length < 2 || parts.some((part) => !part)) return null;
    let expected = null;
    const options = parts.map((part) => {
      if (part.endsWith("*")) {
        const option = part.slice(0, -1).trim();
        expected = expected ?? option;
        return option;
      }
      return part;
    });
    return { question, options, expected };
  }
  return null;
}
