// Explorable demos (issue 9), added to a DemoBlock (demo.js) from the outside:
//   - knobs: sliders/selects for the `# @param {...}` lines; moving one rewrites that line in the
//     editor and re-runs (debounced); the values go into the page URL (?NAME.lr=0.1) and come back
//     from it when the page opens;
//   - live training: frames posted by deepnotes.live during a run ("stream" messages of kind
//     "live") redraw the cost curves and the decision boundary, at most once per animation frame;
//     Pause / Resume / Step through the runtime's control channel (cross-origin isolated pages);
//   - compare runs: the last MAX_RUNS runs of the demo, overlaid, labelled by what changed;
//   - predict, then run: a `# @predict: question | a | b*` line asks before the first run, and
//     the run's answer (deepnotes.live.report_outcome, else the starred option) confirms or not;
//     predictions are stored with the quiz progress (localStorage deepnotes:v1:quiz).
import { colour, drawBoundary, drawCurves, isDark } from "./chart.js";
import { fromSlider, parseKnobs, parsePredict, setKnob, toPython, toSlider } from "./knobs.js";
import { CONTROL } from "./protocol.js";

const MAX_RUNS = 5;
const RERUN_DELAY_MS = 600;
const QUIZ_KEY = "deepnotes:v1:quiz";

/** Run history per demo name, kept for the life of the page's JavaScript (instant navigation). */
const histories = new Map();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function smallButton(label, title) {
  const b = el("button", "dn-demo__button dn-explore__button", label);
  b.type = "button";
  if (title) b.title = title;
  return b;
}

// ---- URL state ------------------------------------------------------------------------------

function urlKnobs(name) {
  const out = {};
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of params) {
    if (key.startsWith(`${name}.`)) out[key.slice(name.length + 1)] = value;
  }
  return out;
}

function writeUrlKnob(name, knob, text, isDefault) {
  const url = new URL(window.location.href);
  const key = `${name}.${knob}`;
  if (isDefault) url.searchParams.delete(key);
  else url.searchParams.set(key, text);
  if (url.href !== window.location.href) history.replaceState(history.state, "", url.href);
}

// ---- quiz progress --------------------------------------------------------------------------

function loadQuizState() {
  try {
    const raw = JSON.parse(window.localStorage.getItem(QUIZ_KEY));
    if (raw && typeof raw === "object" && raw.version === 1) return raw;
  } catch {
    /* unreadable: start afresh like quiz.js does */
  }
  return { version: 1, answers: {}, exam: { chosen: {}, submitted: false } };
}

export function recordPrediction(demo, entry) {
  const state = loadQuizState();
  if (!state.predictions || typeof state.predictions !== "object") state.predictions = {};
  state.predictions[demo] = { ...(state.predictions[demo] || {}), ...entry, at: Date.now() };
  try {
    window.localStorage.setItem(QUIZ_KEY, JSON.stringify(state));
  } catch {
    /* storage blocked: the prediction is still shown on the page */
  }
}

function storedPrediction(demo) {
  const entry = loadQuizState().predictions?.[demo];
  return entry && typeof entry.chosen === "string" ? entry : null;
}

// ---- the explorable panel of one demo -------------------------------------------------------

export class Explorable {
  constructor(block) {
    this.block = block;
    this.runtime = block.runtime;
    this.root = block.root;
    this.name = block.name;
    this.knobs = [];
    this.defaults = new Map(parseKnobs(block.original).map((k) => [k.name, k.text]));
    this.rerunTimer = null;
    this.drawPending = false;
    this.paused = false;
    this.current = null; // the run being recorded
    if (!histories.has(this.name)) histories.set(this.name, []);
    this.runs = histories.get(this.name);
    this.build();
  }

  build() {
    this.panel = el("div", "dn-explore");
    this.knobBox = el("div", "dn-knobs");
    this.knobBox.setAttribute("role", "group");
    this.knobBox.setAttribute("aria-label", `Knobs of the demo ${this.name}`);
    this.panel.append(this.knobBox);
    this.block.keysHelp.after(this.panel);

    this.restoreFromUrl();
    this.renderKnobs();
    this.buildPrediction();
    this.buildLive();

    this.onRun = (event) => this.startRun(event.detail);
    this.onStream = (event) => this.onMessage(event.detail);
    this.onResult = (event) => this.endRun(event.detail);
    this.root.addEventListener("deepnotes:run", this.onRun);
    this.root.addEventListener("deepnotes:stream", this.onStream);
    this.root.addEventListener("deepnotes:result", this.onResult);
    // The reader may have edited a @param line by hand: refresh the knobs when leaving the editor.
    this.block.editorBox.addEventListener("focusout", () => this.renderKnobs());
    if (this.runs.length) this.showLive(true);
    this.draw();
  }

  // -- knobs --

  restoreFromUrl() {
    const wanted = urlKnobs(this.name);
    const names = Object.keys(wanted);
    if (!names.length) return;
    let code = this.block.code;
    let restored = 0;
    for (const knob of parseKnobs(code)) {
      if (!(knob.name in wanted)) continue;
      const text = wanted[knob.name];
      const value = knob.kind === "select" ? knob.options.find((o) => toPython(o, knob.text) === text) : Number(text);
      const valid =
        knob.kind === "select"
          ? value !== undefined
          : Number.isFinite(value) && value >= knob.min && value <= knob.max;
      if (!valid) continue;
      code = setKnob(code, knob.name, knob.kind === "select" ? text : toPython(value, knob.text));
      restored += 1;
    }
    if (restored && code !== this.block.code) this.block.code = code;
    this.root.dataset.knobsRestored = String(restored);
    if (restored) this.block.say(`Knob values from the link: ${names.map((n) => `${n}=${wanted[n]}`).join(", ")}. Press Run to see them.`);
  }

  renderKnobs() {
    const knobs = parseKnobs(this.block.code);
    const signature = JSON.stringify(knobs.map(({ value, text, line, ...rest }) => rest));
    if (signature === this.signature) {
      for (const knob of knobs) this.showValue(knob);
      this.knobs = knobs;
      return;
    }
    this.signature = signature;
    this.knobs = knobs;
    this.knobBox.replaceChildren();
    this.knobBox.hidden = !knobs.length;
    if (!knobs.length) return;
    const head = el("p", "dn-knobs__head", "Knobs: move one and the demo runs again.");
    const share = smallButton("Copy link", "Copy a link to this page with these knob values");
    share.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(window.location.href);
        this.block.say("Link with the knob values copied.");
      } catch {
        this.block.say(`Link: ${window.location.href}`);
      }
    });
    head.append(" ", share);
    this.knobBox.append(head);
    for (const knob of knobs) this.knobBox.append(this.knobRow(knob));
  }

  knobRow(knob) {
    const row = el("div", "dn-knob");
    row.dataset.knob = knob.name;
    const id = `${this.root.id || this.name}-knob-${knob.name}`;
    const label = el("label", "dn-knob__label", knob.name);
    label.htmlFor = id;
    const output = el("output", "dn-knob__value", knob.text);
    output.htmlFor = id;
    let input;
    if (knob.kind === "select") {
      input = el("select", "dn-knob__select");
      knob.options.forEach((option, index) => {
        const item = el("option", null, toPython(option, knob.text));
        item.value = String(index);
        input.append(item);
      });
      input.addEventListener("change", () => {
        const current = this.knobs.find((k) => k.name === knob.name) || knob;
        this.changeKnob(knob.name, toPython(knob.options[Number(input.value)], current.text));
      });
    } else {
      input = el("input", "dn-knob__range");
      input.type = "range";
      if (knob.scale === "log") {
        input.min = "0";
        input.max = "240";
        input.step = "1";
      } else {
        input.min = String(knob.min);
        input.max = String(knob.max);
        input.step = knob.step ? String(knob.step) : "any";
      }
      input.addEventListener("input", () => {
        const current = this.knobs.find((k) => k.name === knob.name) || knob;
        this.changeKnob(knob.name, toPython(fromSlider(knob, input.value), current.text));
      });
    }
    input.id = id;
    input.setAttribute("aria-describedby", `${id}-hint`);
    const hint = el(
      "span",
      "dn-knob__hint",
      knob.kind === "select" ? "" : `${knob.min} to ${knob.max}${knob.scale === "log" ? ", log scale" : ""}`,
    );
    hint.id = `${id}-hint`;
    row.append(label, input, output, hint);
    this.showValue(knob, row);
    return row;
  }

  showValue(knob, row = this.knobBox.querySelector(`[data-knob="${knob.name}"]`)) {
    if (!row) return;
    const input = row.querySelector("input, select");
    row.querySelector("output").textContent = knob.text;
    if (knob.kind === "select") {
      const index = knob.options.findIndex((o) => toPython(o, knob.text) === knob.text || o === knob.value);
      if (index >= 0) input.value = String(index);
    } else if (document.activeElement !== input) {
      input.value = String(toSlider(knob, knob.value));
    }
    if (input.type === "range") input.setAttribute("aria-valuetext", `${knob.name} = ${knob.text}`);
  }

  changeKnob(name, text) {
    const code = this.block.code;
    const knob = parseKnobs(code).find((k) => k.name === name);
    if (!knob || knob.text === text) return;
    // Replace just the value on that line: one undoable edit, saved like any edit.
    const lines = code.split("\n");
    const from = lines.slice(0, knob.line).reduce((n, line) => n + line.length + 1, 0);
    const updated = setKnob(lines[knob.line], name, text);
    this.block.view.dispatch({ changes: { from, to: from + lines[knob.line].length, insert: updated } });
    this.knobs = parseKnobs(this.block.code);
    const changed = this.knobs.find((k) => k.name === name);
    if (changed) this.showValue(changed);
    writeUrlKnob(this.name, name, text, this.defaults.get(name) === text);
    clearTimeout(this.rerunTimer);
    this.rerunTimer = setTimeout(() => this.block.run({ replace: true }), RERUN_DELAY_MS);
  }

  // -- predictions --

  buildPrediction() {
    this.prediction = parsePredict(this.block.original);
    if (!this.prediction) return;
    const box = el("fieldset", "dn-predict");
    const legend = el("legend", "dn-predict__legend", "Predict, then run");
    const question = el("p", "dn-predict__question", this.prediction.question);
    const choices = el("div", "dn-predict__choices");
    this.predictResult = el("p", "dn-predict__result");
    this.predictResult.setAttribute("role", "status");
    this.prediction.options.forEach((option) => {
      const b = smallButton(option);
      b.classList.add("dn-predict__choice");
      b.addEventListener("click", () => this.predict(option));
      choices.append(b);
    });
    box.append(legend, question, choices, this.predictResult);
    this.predictBox = box;
    this.knobBox.after(box);
    const stored = storedPrediction(this.name);
    if (stored) this.showPrediction(stored);
  }

  predict(option) {
    this.chosen = option;
    recordPrediction(this.name, { chosen: option, outcome: null, confirmed: null });
    this.root.dataset.prediction = option;
    for (const b of this.predictBox.querySelectorAll(".dn-predict__choice")) {
      b.setAttribute("aria-pressed", String(b.textContent === option));
    }
    this.predictResult.textContent = `Your prediction: ${option}. Running the demo…`;
    this.outcome = null;
    this.block.run({ replace: true });
  }

  showPrediction(entry) {
    for (const b of this.predictBox.querySelectorAll(".dn-predict__choice")) {
      b.setAttribute("aria-pressed", String(b.textContent === entry.chosen));
    }
    if (entry.outcome) {
      this.predictResult.textContent = entry.confirmed
        ? `You predicted "${entry.chosen}" and the run says "${entry.outcome}": confirmed.`
        : `You predicted "${entry.chosen}", the run says "${entry.outcome}". Look at the curves: why?`;
      this.predictBox.dataset.confirmed = String(Boolean(entry.confirmed));
    } else {
      this.predictResult.textContent = `Your prediction: ${entry.chosen}.`;
    }
  }

  settlePrediction(result) {
    if (!this.prediction || !this.chosen || result.error || result.stopped || result.cancelled) return;
    const outcome = this.outcome || (this.block.code === this.block.original ? this.prediction.expected : null);
    if (!outcome) return;
    const entry = { chosen: this.chosen, outcome, confirmed: outcome === this.chosen };
    recordPrediction(this.name, entry);
    this.showPrediction(entry);
    this.root.dataset.predictionOutcome = outcome;
  }

  // -- live training --

  buildLive() {
    const live = el("div", "dn-live");
    live.hidden = true;
    const bar = el("div", "dn-live__bar");
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", `Live training of ${this.name}`);
    this.pauseButton = smallButton("❚❚ Pause", "Pause the training after the current epoch");
    this.stepButton = smallButton("Step", "Train one more epoch, then pause again");
    this.clearButton = smallButton("Clear runs", "Forget the earlier runs shown in the chart");
    this.pauseButton.classList.add("dn-live__pause");
    this.stepButton.classList.add("dn-live__step");
    this.clearButton.classList.add("dn-live__clear");
    this.liveStatus = el("span", "dn-live__status");
    this.liveStatus.setAttribute("aria-live", "polite");
    bar.append(this.pauseButton, this.stepButton, this.clearButton, this.liveStatus);
    const charts = el("div", "dn-live__charts");
    this.chart = el("canvas", "dn-live__chart");
    this.chart.setAttribute("role", "img");
    this.chart.setAttribute("aria-label", "Cost per epoch of this demo's runs");
    this.boundaryBox = el("figure", "dn-live__boundary");
    this.boundaryCanvas = el("canvas", "dn-live__boundary-canvas");
    this.boundaryCanvas.setAttribute("role", "img");
    this.boundaryCaption = el("figcaption", null, "Decision boundary");
    this.boundaryBox.append(this.boundaryCanvas, this.boundaryCaption);
    this.boundaryBox.hidden = true;
    charts.append(this.chart, this.boundaryBox);
    this.legend = el("ul", "dn-live__legend");
    this.legend.setAttribute("aria-label", "Runs in the chart");
    live.append(bar, charts, this.legend);
    this.live = live;
    this.block.statusLine.after(live);

    this.pauseButton.addEventListener("click", () => this.togglePause());
    this.stepButton.addEventListener("click", () => this.step());
    this.clearButton.addEventListener("click", () => this.clearRuns());
    this.updateControls();
  }

  showLive(show) {
    this.live.hidden = !show;
  }

  get canPause() {
    return Boolean(this.runtime.controlBuffer);
  }

  isMyRunActive() {
    return this.block.runId !== null && this.runtime.current?.id === this.block.runId && this.current?.frames > 0;
  }

  updateControls() {
    const active = this.isMyRunActive();
    this.pauseButton.disabled = !active || !this.canPause;
    this.stepButton.disabled = !active || !this.canPause || !this.paused;
    this.clearButton.disabled = !this.runs.length || active;
    this.pauseButton.textContent = this.paused ? "▶ Resume" : "❚❚ Pause";
    this.pauseButton.setAttribute("aria-pressed", String(this.paused));
    if (!this.canPause && active) {
      this.pauseButton.title =
        "Pause needs a cross-origin isolated page (SharedArrayBuffer); this host does not send " +
        "COOP/COEP headers. Stop still works.";
    }
  }

  togglePause() {
    if (!this.isMyRunActive()) return;
    this.paused = !this.paused;
    this.runtime.control(this.paused ? CONTROL.PAUSE : CONTROL.RUN);
    this.root.dataset.livePaused = String(this.paused);
    this.liveStatus.textContent = this.paused ? "Paused: Step trains one epoch, Resume continues." : "";
    this.updateControls();
  }

  step() {
    if (!this.paused) return;
    this.runtime.control(CONTROL.STEP);
  }

  clearRuns() {
    this.runs.length = 0;
    this.legend.replaceChildren();
    this.draw();
    this.showLive(false);
    this.updateControls();
    this.block.say("Earlier runs cleared.");
  }

  knobValues(code) {
    return Object.fromEntries(parseKnobs(code).map((k) => [k.name, k.text]));
  }

  startRun({ id, code }) {
    this.outcome = null;
    this.paused = false;
    this.root.dataset.livePaused = "false";
    this.liveStatus.textContent = "";
    const number = (this.runs.at(-1)?.number || 0) + 1;
    this.current = { id, number, knobs: this.knobValues(code), edited: code !== this.block.original, curves: new Map(), frames: 0, boundary: null, points: null, epochs: null };
    this.root.dataset.liveFrames = "0";
    this.root.dataset.livePoints = "0";
    this.renderKnobs();
  }

  onMessage(message) {
    if (!this.current || message.id !== this.current.id) return;
    if (message.kind === "outcome" && message.data && typeof message.data.answer === "string") {
      this.outcome = message.data.answer;
      return;
    }
    if (message.kind !== "live" || !message.data || typeof message.data !== "object") return;
    const frame = message.data;
    const run = this.current;
    if (!run.frames) {
      // First frame of this run: it joins the compared runs.
      this.runs.push(run);
      while (this.runs.length > MAX_RUNS) this.runs.shift();
      this.showLive(true);
    }
    run.frames += 1;
    const label = String(frame.label || "train");
    if (!run.curves.has(label)) run.curves.set(label, { cost: [], dev: [] });
    const curve = run.curves.get(label);
    if (typeof frame.cost === "number") curve.cost.push([frame.epoch, frame.cost]);
    if (typeof frame.dev_cost === "number") curve.dev.push([frame.epoch, frame.dev_cost]);
    if (Number.isInteger(frame.epochs)) run.epochs = Math.max(run.epochs || 0, frame.epochs);
    if (frame.boundary) {
      if (frame.boundary.points) run.points = frame.boundary.points;
      run.boundary = { ...frame.boundary, label, epoch: frame.epoch };
    }
    run.lastEpoch = frame.epoch;
    run.lastLabel = label;
    this.root.dataset.livePoints = String(Number(this.root.dataset.livePoints || 0) + 1);
    this.updateControls();
    this.scheduleDraw();
  }

  scheduleDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
      if (this.current && this.runs.includes(this.current)) {
        this.root.dataset.liveFrames = String(Number(this.root.dataset.liveFrames || 0) + 1);
        const run = this.current;
        this.liveStatus.textContent = this.paused
          ? `Paused at epoch ${run.lastEpoch + 1}: Step trains one epoch, Resume continues.`
          : `${run.lastLabel}: epoch ${run.lastEpoch + 1}${run.epochs ? ` of ${run.epochs}` : ""}`;
      }
    });
  }

  /** Legend text of a run: the knob values that differ among the runs shown, else "run N". */
  runLabel(run) {
    const names = new Set();
    for (const other of this.runs) {
      for (const [name, text] of Object.entries(other.knobs)) {
        if (this.runs.some((r) => r.knobs[name] !== text)) names.add(name);
      }
    }
    const parts = [...names].map((name) => `${name}=${run.knobs[name] ?? "–"}`);
    if (!parts.length && run.edited && this.runs.some((r) => !r.edited)) parts.push("edited code");
    return `${parts.join(", ")}${parts.length ? " " : ""}(run ${run.number})`;
  }

  draw() {
    if (this.live.hidden) return;
    const dark = isDark();
    const curves = [];
    const items = [];
    let index = 0;
    let epochs = null;
    for (const run of this.runs) {
      const bold = run === this.current || run === this.runs.at(-1);
      const runLabel = this.runLabel(run);
      epochs = Math.max(epochs || 0, run.epochs || 0) || null;
      for (const [label, curve] of run.curves) {
        const c = colour(index, dark);
        index += 1;
        curves.push({ colour: c, points: curve.cost, bold });
        if (curve.dev.length) curves.push({ colour: c, points: curve.dev, bold, dashed: true });
        const last = curve.cost.at(-1);
        const text = `${run.curves.size > 1 || label !== "train" ? `${label} · ` : ""}${runLabel}${last ? `: cost ${Number(last[1].toPrecision(3))}` : ""}${curve.dev.length ? " (dashed: dev)" : ""}`;
        items.push({ colour: c, text });
      }
    }
    drawCurves(this.chart, curves, { epochs });
    this.legend.replaceChildren(
      ...items.map(({ colour: c, text }) => {
        const li = el("li", "dn-live__legend-item");
        const swatch = el("span", "dn-live__swatch");
        swatch.style.background = c;
        li.append(swatch, text);
        return li;
      }),
    );
    this.chart.setAttribute("aria-label", `Cost per epoch. ${items.map((i) => i.text).join("; ")}`);
    const run = this.current && this.runs.includes(this.current) ? this.current : this.runs.at(-1);
    if (run && run.boundary) {
      this.boundaryBox.hidden = false;
      drawBoundary(this.boundaryCanvas, run.boundary, run.points);
      const caption = `Decision boundary of ${run.boundary.label} at epoch ${run.boundary.epoch + 1}`;
      this.boundaryCaption.textContent = caption;
      this.boundaryCanvas.setAttribute("aria-label", caption);
    } else {
      this.boundaryBox.hidden = true;
    }
  }

  endRun(result) {
    const run = this.current;
    if (run) {
      run.done = true;
      if (!run.frames) this.current = null;
    }
    this.paused = false;
    this.root.dataset.livePaused = "false";
    this.root.dataset.liveFramesAtEnd = this.root.dataset.liveFrames || "0";
    if (run && run.frames) {
      this.liveStatus.textContent = result.stopped ? `Stopped at epoch ${run.lastEpoch + 1}.` : "";
      this.draw();
    }
    this.updateControls();
    this.settlePrediction(result);
  }

  destroy() {
    clearTimeout(this.rerunTimer);
    this.root.removeEventListener("deepnotes:run", this.onRun);
    this.root.removeEventListener("deepnotes:stream", this.onStream);
    this.root.removeEventListener("deepnotes:result", this.onResult);
  }
}

/** Add knobs, live charts and predictions to `block` (a DemoBlock). */
export function attachExplorable(block) {
  block.explorable = new Explorable(block);
  return block.explorable;
}
