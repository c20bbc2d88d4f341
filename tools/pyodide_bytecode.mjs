// Precompile the Python of a Pyodide distribution directory to bytecode, with that Pyodide's
// own interpreter (tools/pyodide_bytecode.py explains why). Rewrites, in place, the standard
// library zip and every wheel named on the command line.
//
//   node tools/pyodide_bytecode.mjs <dist dir> <archive name>...
//   node tools/pyodide_bytecode.mjs <dist dir> --keep-sources <path of a wheel>
//
// The second form is for the engine's wheel (tools/engine_wheel.py), wherever it is: its
// sources stay, with their bytecode in __pycache__ (compile_archive's keep_sources).
// Prints one JSON line: {"python": "3.12.7", "archives": {name: {compiled, kept_source}}}.
import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [dist, ...rest] = process.argv.slice(2);
const keepSources = rest[0] === "--keep-sources";
const archives = keepSources ? rest.slice(1) : rest;
if (!dist || !archives.length || (keepSources && archives.length !== 1)) {
  console.error("usage: node tools/pyodide_bytecode.mjs <dist dir> <archive name>...");
  console.error("       node tools/pyodide_bytecode.mjs <dist dir> --keep-sources <wheel path>");
  process.exit(2);
}
const indexURL = resolve(dist) + "/";
const { loadPyodide } = await import(pathToFileURL(join(indexURL, "pyodide.mjs")).href);
// Pyodide reads python_stdlib.zip into memory here, before this script rewrites the file.
const pyodide = await loadPyodide({ indexURL });
// The archives' directory: the distribution, or the one wheel's own directory.
const root = keepSources ? dirname(resolve(archives[0])) : resolve(dist);
const names = keepSources ? [basename(archives[0])] : archives;
pyodide.FS.mkdirTree("/dist");
pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root }, "/dist");

const here = dirname(fileURLToPath(import.meta.url));
pyodide.runPython(readFileSync(join(here, "pyodide_bytecode.py"), "utf8"));
pyodide.globals.set("archive_names", pyodide.toPy(names));
pyodide.globals.set("keep_sources", keepSources);
const result = pyodide.runPython(`
import json
import os
import sys
import sysconfig

# Where each archive's top level lands: the stdlib zip is on sys.path as /lib/python312.zip,
# wheels unpack into site-packages.
stdlib_prefix = os.path.dirname(os.path.dirname(json.__file__)) + "/"
site_prefix = "/" + sysconfig.get_paths()["purelib"].lstrip("/") + "/"
counts = {}
for name in archive_names:
    prefix = stdlib_prefix if name == "python_stdlib.zip" else site_prefix
    counts[name] = compile_archive("/dist/" + name, prefix, keep_sources)
json.dumps({"python": sys.version.split()[0], "archives": counts})
`);
console.log(result);
