// Build matplotlib's font cache inside Pyodide, once, so the site can ship it: without it every
// fresh Pyodide (every page load) spends seconds reading the bundled fonts ("Matplotlib is
// building the font cache") before its first figure.
//
//   node tools/font_cache.mjs <pyodide dist dir> <output .json>
//
// Writes {"name": "fontlist-v<N>.json", "text": <the cache file matplotlib wrote>}.
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [dist, out] = process.argv.slice(2);
if (!dist || !out) {
  console.error("usage: node tools/font_cache.mjs <pyodide dist dir> <output .json>");
  process.exit(2);
}
const indexURL = resolve(dist) + "/";
const { loadPyodide } = await import(pathToFileURL(join(indexURL, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL });
await pyodide.loadPackage("matplotlib", { messageCallback: () => {} });
const result = pyodide.runPython(`
import json
import matplotlib.font_manager as fm

name = f"fontlist-v{fm.FontManager.__version__}.json"
fm.json_dump(fm.fontManager, "/tmp/" + name)
with open("/tmp/" + name, encoding="utf-8") as f:
    text = f.read()
json.dumps({"name": name, "text": text, "fonts": len(fm.fontManager.ttflist)})
`);
writeFileSync(out, result);
console.log(`font cache: ${JSON.parse(result).fonts} fonts -> ${out}`);
