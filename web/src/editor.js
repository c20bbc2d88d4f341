// The code editor of a demo: CodeMirror 6 with Python highlighting, coloured with Material's own
// code-block CSS variables, so it matches the static highlighting in light and dark (slate) mode.
//
// Keyboard: Tab indents (indentWithTab). To leave the editor with the keyboard, press Escape and
// then Tab (or Shift-Tab); Ctrl-M (Shift-Alt-M on macOS) toggles "Tab moves focus" for good.
// These are CodeMirror's built-in escape hatches from the Tab key; the demo's hint says so.
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import {
  bracketMatching,
  HighlightStyle,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
} from "@codemirror/language";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

const v = (name) => `var(--md-code-hl-${name}-color)`;

/** Token colours from Material's palette (the same variables its Pygments CSS uses). */
const materialHighlight = HighlightStyle.define([
  { tag: [t.keyword, t.controlKeyword, t.definitionKeyword, t.moduleKeyword, t.operatorKeyword], color: v("keyword") },
  { tag: [t.string, t.special(t.string), t.docString], color: v("string") },
  { tag: [t.number, t.bool, t.null], color: v("number") },
  { tag: [t.comment, t.lineComment, t.blockComment], color: v("comment"), fontStyle: "italic" },
  { tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))], color: v("function") },
  { tag: [t.className, t.definition(t.className), t.typeName], color: v("constant") },
  { tag: [t.standard(t.variableName), t.self, t.constant(t.variableName)], color: v("constant") },
  { tag: [t.operator, t.compareOperator, t.arithmeticOperator, t.logicOperator], color: v("operator") },
  { tag: [t.punctuation, t.paren, t.bracket, t.brace, t.separator], color: v("punctuation") },
  { tag: [t.variableName, t.propertyName], color: v("name") },
  { tag: [t.escape, t.special(t.variableName)], color: v("special") },
  { tag: t.invalid, color: "var(--md-typeset-del-color, #c62828)" },
]);

const materialTheme = EditorView.theme({
  "&": {
    color: "var(--md-code-fg-color)",
    backgroundColor: "var(--md-code-bg-color)",
    fontSize: "0.85em",
  },
  "&.cm-focused": { outline: "none" },
  ".cm-content": {
    fontFamily: "var(--md-code-font-family)",
    caretColor: "var(--md-code-fg-color)",
    padding: "0.6em 0",
  },
  ".cm-scroller": { fontFamily: "var(--md-code-font-family)", lineHeight: "1.5" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--md-code-fg-color)", borderLeftWidth: "2px" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection":
    { backgroundColor: "var(--dn-selection-bg)" },
  // No background on the cursor's line: it would lower the contrast of the code colours.
  ".cm-gutters": {
    backgroundColor: "var(--md-code-bg-color)",
    color: "var(--dn-gutter-fg)",
    borderRight: "1px solid var(--md-default-fg-color--lightest)",
  },
  ".cm-activeLineGutter": { backgroundColor: "var(--dn-active-line-bg)", color: "var(--md-code-fg-color)" },
  ".cm-matchingBracket": { backgroundColor: "var(--dn-selection-bg)", outline: "1px solid var(--md-default-fg-color--light)" },
});

// Long lines wrap on narrow screens (phones), where sideways scrolling inside the page is awkward.
const NARROW = "(max-width: 600px)";

function wrapping(narrow) {
  return narrow ? EditorView.lineWrapping : [];
}

/**
 * Create an editor inside `parent`.
 *
 * With `parent` null the editor is built detached (its `dom` goes into the page later): see
 * `prepareDemo` in demo.js.
 *
 * @param {HTMLElement | null} parent
 * @param {{doc: string, label: string, describedBy?: string, onRun: () => void, onChange: (doc: string) => void}} options
 * @returns {EditorView}
 */
export function createEditor(parent, { doc, label, describedBy, onRun, onChange }) {
  const runKeys = Prec.highest(
    keymap.of([
      { key: "Mod-Enter", run: () => (onRun(), true), preventDefault: true },
    ]),
  );
  // tabindex: the editor is an ordinary stop in the page's Tab order (and axe sees the scrolling
  // area has focusable content).
  const contentAttributes = { tabindex: "0", "aria-label": label, "aria-multiline": "true", spellcheck: "false", autocapitalize: "off", autocorrect: "off" };
  if (describedBy) contentAttributes["aria-describedby"] = describedBy;
  const wrap = new Compartment();
  const narrow = Boolean(window.matchMedia && window.matchMedia(NARROW).matches);
  const state = EditorState.create({
    doc,
    extensions: [
      runKeys,
      wrap.of(wrapping(narrow)),
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      indentUnit.of("    "),
      EditorState.tabSize.of(4),
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
      python(),
      syntaxHighlighting(materialHighlight),
      materialTheme,
      EditorView.contentAttributes.of(contentAttributes),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });
  const view = parent ? new EditorView({ state, parent }) : new EditorView({ state, root: document });
  const media = window.matchMedia ? window.matchMedia(NARROW) : null;
  if (media) {
    const follow = () => {
      if (!view.dom.isConnected) return media.removeEventListener("change", follow);
      view.dispatch({ effects: wrap.reconfigure(wrapping(media.matches)) });
    };
    media.addEventListener("change", follow);
  }
  return view;
}

/** Replace the whole document of `view` with `text` (one undoable change). */
export function setDoc(view, text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}
