// One live demo block: turns the pre-rendered `.dn-demo` (see hooks/demos.py) into an editor with
// Run / Stop / Reset / Copy, a loading progress bar, a status line and the output area.
import { createEditor, setDoc } from "./editor.js";
import { describeResult, renderResult } from "./output.js";
import { PHASES } from "./protocol.js";
import { clearEdit, loadEdit, saveEdit } from "./storage.js";

const SAVE_DELAY_MS = 300;
let uid = 0;

function button(label, className, { title, keys } = {}) {
  const el = document.createElement("button");
  el.type = "button";
  el.className = `dn-demo__button ${className}`;
  el.textContent = label;
  if (title) el.title = title;
  if (keys) el.setAttribute("aria-keyshortcuts", keys);
  return el;
}

/**
 * Enable or disable a button with aria-disabled (not `disabled`): a disabled button drops the
 * keyboard focus, and Run/Stop switch while the reader's focus is on them.
 */
function setEnabled(el, enabled) {
  el.setAttribute("aria-disabled", enabled ? "false" : "true");
}

function isEnabled(el) {
  return el.getAttribute("aria-disabled") !== "true";
}

function phaseLabel(phase) {
  const index = PHASES.findIndex((p) => p.name === phase);
  return index < 0 ? "" : ` (${index + 1} of ${PHASES.length})`;
}

/**
 * The first half of setting up a demo, which changes nothing in the page: its code (a stored
 * edit, else the original) in an editor built detached. A page prepares all its demos before
 * building any: building an editor reads the page's selection, which makes the browser restyle
 * and lay out the whole page when it has changed since the last read, so preparing one demo
 * after building another cost a full restyle per demo (~40 ms each on a topic page).
 *
 * @param {HTMLElement} root  the `.dn-demo` element
 */
export function prepareDemo(root) {
  const name = root.dataset.demo || root.id || "demo";
  const originalBox = root.querySelector(".dn-demo__original");
  const source = root.querySelector(".dn-demo__source");
  const original = originalBox ? originalBox.value : source ? source.textContent : "";
  const stored = loadEdit(name);
  const doc = stored && stored.source !== original ? stored.source : original;
  if (stored && stored.source === original) clearEdit(name);
  const id = `dn-${++uid}`;
  const handlers = { run: () => {}, change: () => {} }; // the block connects them
  const view = createEditor(null, {
    doc,
    label: `Python code of the demo ${name}`,
    describedBy: `${id}-keys`,
    onRun: () => handlers.run(),
    onChange: (text) => handlers.change(text),
  });
  return { id, name, original, stored, view, handlers };
}

export class DemoBlock {
  /**
   * @param {HTMLElement} root  the `.dn-demo` element
   * @param {import("./runtime.js").PythonRuntime} runtime
   * @param {ReturnType<typeof prepareDemo>} [prepared]  from `prepareDemo(root)`, else made here
   */
  constructor(root, runtime, prepared = prepareDemo(root)) {
    this.root = root;
    this.runtime = runtime;
    this.name = prepared.name;
    this.version = root.dataset.demoVersion || "";
    this.original = prepared.original;
    this.output = root.querySelector(".dn-demo__output") || this.makeOutput();
    this.runId = null;
    this.busy = false;
    this.saveTimer = null;
    this.unsubscribe = null;
    this.build(root.querySelector(".dn-demo__source"), prepared);
  }

  makeOutput() {
    const output = document.createElement("div");
    output.className = "dn-demo__output";
    this.root.append(output);
    return output;
  }

  build(source, prepared) {
    const { id, stored } = prepared;
    const root = this.root;
    root.classList.add("dn-demo--live");
    root.classList.remove("dn-demo--static"); // an earlier attempt failed: this one is live
    root.setAttribute("role", "group");
    root.setAttribute("aria-label", `Live demo ${this.name}`);

    // Toolbar
    this.toolbar = document.createElement("div");
    this.toolbar.className = "dn-demo__toolbar";
    // A plain group, not role="toolbar": every button stays an ordinary Tab stop.
    this.toolbar.setAttribute("role", "group");
    this.toolbar.setAttribute("aria-label", `Controls of the demo ${this.name}`);
    const title = document.createElement("span");
    title.className = "dn-demo__title";
    title.textContent = `${this.name}.py`;
    this.runButton = button("▶ Run", "dn-demo__run", { title: "Run the code (Ctrl+Enter)", keys: "Control+Enter Meta+Enter" });
    this.stopButton = button("■ Stop", "dn-demo__stop", { title: "Stop the running code" });
    this.resetButton = button("↺ Reset", "dn-demo__reset", { title: "Restore the original code" });
    this.copyButton = button("Copy", "dn-demo__copy", { title: "Copy the code to the clipboard" });
    this.runButton.setAttribute("aria-label", "Run");
    this.stopButton.setAttribute("aria-label", "Stop");
    this.resetButton.setAttribute("aria-label", "Reset");
    setEnabled(this.stopButton, false);
    const buttons = document.createElement("span");
    buttons.className = "dn-demo__buttons";
    buttons.append(this.runButton, this.stopButton, this.resetButton, this.copyButton);
    this.toolbar.append(title, buttons);

    // "Your edited version" hint
    this.editedHint = document.createElement("p");
    this.editedHint.className = "dn-demo__edited";
    this.editedHint.hidden = true;

    // Editor + keyboard help
    this.editorBox = document.createElement("div");
    this.editorBox.className = "dn-demo__editor";
    this.keysHelp = document.createElement("p");
    this.keysHelp.className = "dn-demo__keys";
    this.keysHelp.id = `${id}-keys`;
    this.keysHelp.textContent =
      "Ctrl+Enter (⌘+Enter) runs. Tab indents; press Esc then Tab to move on from the editor.";

    // Status line: progress bar for the loading phases + a live status text
    this.statusLine = document.createElement("div");
    this.statusLine.className = "dn-demo__statusline";
    this.progress = document.createElement("progress");
    this.progress.className = "dn-demo__progress";
    this.progress.max = 1;
    this.progress.value = 0;
    this.progress.hidden = true;
    this.progress.setAttribute("aria-label", "Loading Python");
    this.status = document.createElement("span");
    this.status.className = "dn-demo__status";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    this.statusLine.append(this.progress, this.status);

    if (source) source.hidden = true;
    this.output.setAttribute("aria-live", "off"); // the status line announces a summary instead
    this.output.classList.add("dn-demo__output--prerendered");
    root.insertBefore(this.toolbar, root.firstChild);
    this.toolbar.after(this.editedHint, this.editorBox, this.keysHelp);
    this.output.before(this.statusLine);

    // The editor (prepared with the stored edit, if any)
    this.view = prepared.view;
    prepared.handlers.run = () => this.run();
    prepared.handlers.change = (text) => this.scheduleSave(text);
    this.editorBox.append(this.view.dom);
    this.showEditedHint(this.code !== this.original, stored && stored.demoVersion && stored.demoVersion !== this.version);
    this.setState("idle");

    this.runButton.addEventListener("click", () => isEnabled(this.runButton) && this.run());
    this.stopButton.addEventListener("click", () => isEnabled(this.stopButton) && this.stop());
    this.resetButton.addEventListener("click", () => this.reset());
    this.copyButton.addEventListener("click", () => this.copy());
    this.unsubscribe = this.runtime.subscribe((event) => this.onRuntimeEvent(event));
    this.onPageHide = () => this.flushSave();
    window.addEventListener("pagehide", this.onPageHide);
    this.onRuntimeEvent({ type: "progress", ...this.runtime.progress });
  }

  get code() {
    return this.view.state.doc.toString();
  }

  set code(text) {
    setDoc(this.view, text);
  }

  setState(state) {
    this.state = state;
    this.root.dataset.state = state;
    const active = state === "queued" || state === "running" || state === "loading" || state === "stopping";
    setEnabled(this.stopButton, active && state !== "stopping");
    setEnabled(this.runButton, !active);
    this.root.setAttribute("aria-busy", active ? "true" : "false");
    this.output.classList.toggle("dn-demo__output--stale", active);
  }

  say(text) {
    if (this.status.textContent !== text) this.status.textContent = text;
  }

  showEditedHint(edited, originalChanged = false) {
    this.editedHint.hidden = !edited;
    this.root.classList.toggle("dn-demo--edited", edited);
    if (!edited) return;
    this.editedHint.textContent = originalChanged
      ? "Your edited version (the original demo has changed since you edited it; Reset to get the new original)."
      : "Your edited version (Reset to restore the original).";
  }

  scheduleSave(text) {
    clearTimeout(this.saveTimer);
    this.pendingSave = text;
    this.saveTimer = setTimeout(() => this.flushSave(), SAVE_DELAY_MS);
    this.showEditedHint(text !== this.original);
  }

  flushSave() {
    clearTimeout(this.saveTimer);
    if (this.pendingSave === undefined) return;
    const text = this.pendingSave;
    this.pendingSave = undefined;
    if (text === this.original) clearEdit(this.name);
    else saveEdit(this.name, text, this.version);
  }

  onRuntimeEvent(event) {
    if (event.type === "progress") {
      const loading = this.runtime.state === "loading";
      this.progress.hidden = !loading;
      if (loading) {
        this.progress.value = Math.max(0, Math.min(1, event.fraction || 0));
        this.progress.setAttribute("aria-valuetext", event.text || "Loading");
        if (this.state === "loading") this.say(`${event.text || "Loading…"}${phaseLabel(event.phase)}`);
      }
    } else if (event.type === "state") {
      this.progress.hidden = this.runtime.state !== "loading";
      if (event.state === "ready" && this.state === "loading") {
        this.setState(this.runtime.position(this.runId) > 1 ? "queued" : "running");
        this.say(this.state === "queued" ? "Waiting for another demo to finish…" : "Running…");
      }
    } else if (event.type === "run-start") {
      if (event.id === this.runId) {
        this.setState("running");
        this.say("Running…");
      }
    } else if (event.type === "error") {
      this.progress.hidden = true;
    }
  }

  /** Run the editor's code; `replace` stops a run in progress first (for knobs, issue 9). */
  async run({ replace = false, options = {} } = {}) {
    if (this.runId !== null) {
      if (!replace) return null;
      await this.stop();
    }
    const code = this.code;
    this.flushSave();
    const { id, promise } = this.runtime.run(code, {
      name: this.name,
      options,
      owner: this,
      onStream: (message) =>
        this.root.dispatchEvent(new CustomEvent("deepnotes:stream", { detail: message, bubbles: true })),
    });
    this.runId = id;
    const ready = this.runtime.state === "ready";
    if (!ready) {
      this.setState("loading");
      this.say(`${this.runtime.progress.text || "Loading Python…"}${phaseLabel(this.runtime.progress.phase)}`);
    } else if (this.runtime.position(id) > 0 && this.runtime.current?.id !== id) {
      this.setState("queued");
      this.say("Waiting for another demo to finish…");
    } else {
      this.setState("running");
      this.say("Running…");
    }
    this.root.dispatchEvent(new CustomEvent("deepnotes:run", { detail: { id, code }, bubbles: true }));
    const result = await promise;
    if (this.runId === id) this.runId = null;
    if (!this.root.isConnected) return result;
    this.finish(result);
    return result;
  }

  finish(result) {
    if (!result.cancelled) {
      renderResult(this.output, result);
      this.output.classList.remove("dn-demo__output--prerendered");
    }
    this.runs = (this.runs || 0) + 1;
    this.root.dataset.runs = String(this.runs); // finished runs, for tests and tools
    const failed = Boolean(result.error) && !result.stopped;
    this.setState(result.stopped || result.cancelled ? "stopped" : failed ? "error" : "done");
    this.say(describeResult(result));
    this.root.dispatchEvent(new CustomEvent("deepnotes:result", { detail: result, bubbles: true }));
  }

  /** Stop this demo's run (queued or running). */
  async stop() {
    if (this.runId === null) return;
    const how = this.runtime.stop(this.runId);
    if (how === "interrupted") {
      this.setState("stopping");
      this.say("Stopping…");
    } else if (how === "restarted") {
      // With a spare Python already loaded (runtime.prepareSpare), the reset took no time.
      const reloading = this.runtime.state === "ready" ? "." : "; reloading Python…";
      this.say(`Stopped. The Python session was reset${reloading}`);
    }
  }

  reset() {
    clearTimeout(this.saveTimer);
    this.pendingSave = undefined;
    clearEdit(this.name);
    if (this.code !== this.original) this.code = this.original;
    this.pendingSave = undefined;
    clearTimeout(this.saveTimer);
    clearEdit(this.name);
    this.showEditedHint(false);
    this.say("The original code is back.");
    this.view.focus();
  }

  async copy() {
    const text = this.code;
    try {
      await navigator.clipboard.writeText(text);
      this.say("Code copied to the clipboard.");
    } catch {
      // Clipboard API unavailable (insecure context, permissions): select the text instead.
      this.view.dispatch({ selection: { anchor: 0, head: this.view.state.doc.length } });
      this.view.focus();
      this.say("Could not copy: the code is selected, press Ctrl+C to copy it.");
    }
  }

  destroy() {
    this.flushSave();
    this.unsubscribe?.();
    window.removeEventListener("pagehide", this.onPageHide);
    this.view.destroy();
  }
}
