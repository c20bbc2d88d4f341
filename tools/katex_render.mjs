// Render TeX to KaTeX HTML at build time, for hooks/katex.py (through tools/katex_render.py).
//
//   node tools/katex_render.mjs <dir with node_modules/katex>     (the repo passes web/)
//
// A long-lived process, one per build: it first writes one line {"katex": "<version>"}, then
// answers each stdin line, a JSON array of [tex, displayMode] pairs (one page's formulas), with
// one stdout line, a JSON array of the same length: {"html": "..."} or {"error": "..."}.
// The HTML is the browser's (web/src/katex-init.js's options: throwOnError false, so a TeX error
// renders in red); such a formula also gets {"warning": "<KaTeX's ParseError>"} for the build log.
// "error" is only for what KaTeX throws even then.
// Output is KaTeX's default "htmlAndMathml": the MathML copy is for screen readers.
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

const [webDir] = process.argv.slice(2);
if (!webDir) {
  console.error("usage: node tools/katex_render.mjs <dir with node_modules/katex>");
  process.exit(2);
}
const require = createRequire(join(resolve(webDir), "package.json"));
const katex = require("katex");

/** KaTeX's HTML for one formula (the options of web/src/katex-init.js), and its TeX error. */
function render(tex, displayMode) {
  try {
    return { html: katex.renderToString(tex, { displayMode, throwOnError: true }) };
  } catch (err) {
    if (!(err instanceof katex.ParseError)) return { error: String(err?.message ?? err) };
    try {
      const html = katex.renderToString(tex, { displayMode, throwOnError: false });
      return { html, warning: err.message };
    } catch (again) {
      return { error: String(again?.message ?? again) };
    }
  }
}

process.stdout.write(JSON.stringify({ katex: katex.version }) + "\n");
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const batch = JSON.parse(line);
  process.stdout.write(JSON.stringify(batch.map(([tex, display]) => render(tex, Boolean(display)))) + "\n");
}
