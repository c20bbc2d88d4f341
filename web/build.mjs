// Bundle the browser side of deepnotes into docs/assets/build/ (gitignored).
//
//   runner.js       the demo runner (CodeMirror 6 editor, toolbar, output), an IIFE
//                   loaded by mkdocs.yml `extra_javascript`
//   early.js        starts the Python worker from the head of a page with demos, while the page is
//                   still parsed (hooks/runtime_assets.py adds it); runner.js takes the worker over
//   worker.js       the Pyodide Web Worker, an ES module (`new Worker(url, {type: "module"})`)
//   katex-init.js   KaTeX + auto-render, re-run on every Material instant-navigation page: the
//                   fallback only (hooks/katex.py renders the math at build time and then leaves
//                   this script out of the pages)
//   katex/          KaTeX's stylesheet and fonts, self-hosted for offline math (always loaded)
//   stamp.json      hash of the inputs; hooks/web_bundle.py rebuilds when it differs
//
// Usage: `npm run build` (minified) or `npm run build:dev` (readable, with sourcemaps);
// `npm run build -- --outdir DIR` writes somewhere else (hooks/web_bundle.py passes the docs_dir).
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const webDir = dirname(fileURLToPath(import.meta.url));
const dev = process.argv.includes("--dev");
const outFlag = process.argv.indexOf("--outdir");
const outDir = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(webDir, "..", "docs", "assets", "build");

/** Every file under `dir`, sorted, as paths relative to web/. */
function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...listFiles(path));
    else out.push(relative(webDir, path));
  }
  return out;
}

/** sha256 over the bundle's inputs; must match hooks/web_bundle.py's `inputs_hash`. */
export function inputsHash() {
  const files = ["build.mjs", "package-lock.json", ...listFiles(join(webDir, "src"))];
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(file.split("\\").join("/"));
    hash.update("\0");
    hash.update(readFileSync(join(webDir, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const common = {
  bundle: true,
  minify: !dev,
  sourcemap: dev ? "linked" : false,
  target: ["chrome100", "firefox100", "safari15"],
  legalComments: "linked",
  logLevel: "warning",
};

async function main() {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  await esbuild.build({
    ...common,
    entryPoints: { runner: join(webDir, "src", "runner.js"), early: join(webDir, "src", "early.js") },
    format: "iife",
    outdir: outDir,
  });
  await esbuild.build({
    ...common,
    entryPoints: { worker: join(webDir, "src", "worker.js") },
    format: "esm",
    outdir: outDir,
  });
  await esbuild.build({
    ...common,
    entryPoints: { "katex-init": join(webDir, "src", "katex-init.js") },
    format: "iife",
    outdir: outDir,
  });

  const katexDist = join(webDir, "node_modules", "katex", "dist");
  mkdirSync(join(outDir, "katex"), { recursive: true });
  cpSync(join(katexDist, "katex.min.css"), join(outDir, "katex", "katex.min.css"));
  cpSync(join(katexDist, "fonts"), join(outDir, "katex", "fonts"), { recursive: true });

  const stamp = { inputs: inputsHash(), dev, files: listFiles(outDir).map((f) => relative(relative(webDir, outDir), f)) };
  writeFileSync(join(outDir, "stamp.json"), JSON.stringify(stamp, null, 2) + "\n");
  console.log(`web bundle: ${stamp.files.length} files in ${relative(process.cwd(), outDir) || "."}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
