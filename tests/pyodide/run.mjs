// Run deepnotes inside Pyodide 0.27.7 under Node: every demo through deepnotes.sandbox.run_code,
// then the engine's own test suite with pytest (or a chosen subset).
//
//   node tests/pyodide/run.mjs --index .cache/pyodide/0.27.7 --wheel <deepnotes wheel>
//        [--repo .] [--demos demos] [--tests tests/engine] [--test-wheels <dir of .whl>]
//        [--max-examples 30] [--skip-demos] [--skip-tests] [--claim-dir <dir>] [--tests-first]
//
// --claim-dir lets several Node processes (one core each) share the demos: before running a
// demo a process claims it by creating <dir>/<name> (exclusive create: exactly one process
// wins), so a process that is done early takes the next demo instead of idling. With
// --tests-first the engine suite runs before the demos (its process joins the demos after).
//
// The pytest side (tests/pyodide/pyodide_run.py) builds the engine wheel with the same
// function the site's hook uses and downloads the pure-Python test wheels (pytest, pluggy,
// iniconfig, pygments, hypothesis, attrs, sortedcontainers) from PyPI into a cache first.
// The last line printed is `RESULT {json}`: versions, load times, per-demo times and errors,
// pytest's counts and exit code. The exit code is 0 only if everything passed.
import { closeSync, openSync, readFileSync, readdirSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

function parseArgs(argv) {
  const args = { repo: ".", demos: null, tests: null, testWheels: null, maxExamples: "30", claimDir: null };
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i];
    const next = () => argv[++i];
    if (key === "--index") args.index = next();
    else if (key === "--wheel") args.wheel = next();
    else if (key === "--repo") args.repo = next();
    else if (key === "--demos") args.demos = next();
    else if (key === "--tests") args.tests = next();
    else if (key === "--test-wheels") args.testWheels = next();
    else if (key === "--max-examples") args.maxExamples = next();
    else if (key === "--skip-demos") args.skipDemos = true;
    else if (key === "--skip-tests") args.skipTests = true;
    else if (key === "--claim-dir") args.claimDir = next();
    else if (key === "--tests-first") args.testsFirst = true;
    else throw new Error(`unknown argument ${key}`);
  }
  if (!args.index || !args.wheel) throw new Error("--index and --wheel are required");
  args.repo = resolve(args.repo);
  args.demos = resolve(args.repo, args.demos ?? "demos");
  args.tests = args.tests ? resolve(args.repo, args.tests) : resolve(args.repo, "tests/engine");
  return args;
}

const seconds = (start) => Math.round((performance.now() - start) / 10) / 100;

/** True if this process may run demo `name`: always without a claim directory; else only if
 * it is the first to create the demo's claim file there. */
function claim(claimDir, name) {
  if (!claimDir) return true;
  try {
    closeSync(openSync(join(claimDir, name), "wx"));
    return true;
  } catch (err) {
    if (err.code === "EEXIST") return false;
    throw err;
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const result = { ok: true, timings: {}, demos: [], tests: null };
  const indexURL = resolve(args.index) + "/";
  const { loadPyodide } = await import(pathToFileURL(join(indexURL, "pyodide.mjs")).href);

  let start = performance.now();
  const pyodide = await loadPyodide({ indexURL, stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
  result.timings.load_pyodide_s = seconds(start);

  start = performance.now();
  await pyodide.loadPackage(["numpy", "matplotlib"], { messageCallback: () => {} });
  result.timings.load_packages_s = seconds(start);

  start = performance.now();
  await pyodide.loadPackage(resolve(args.wheel), { messageCallback: () => {} });
  result.timings.load_engine_wheel_s = seconds(start);

  start = performance.now();
  pyodide.runPython("import numpy, matplotlib.pyplot, deepnotes, deepnotes.sandbox");
  result.timings.first_imports_s = seconds(start);
  result.versions = JSON.parse(
    pyodide.runPython(`
import json, sys, numpy, matplotlib, deepnotes
json.dumps({"python": sys.version.split()[0], "numpy": numpy.__version__,
            "matplotlib": matplotlib.__version__, "deepnotes": deepnotes.__version__,
            "deepnotes_file": deepnotes.__file__})`),
  );
  console.log(`pyodide ${JSON.stringify(result.versions)} ${JSON.stringify(result.timings)}`);

  const runDemos = () => {
    const runDemo = pyodide.runPython(`
import json, time
from deepnotes.sandbox import run_code

def run_demo(source, name):
    start = time.perf_counter()
    out = run_code(source, name=name)
    return json.dumps({"seconds": round(time.perf_counter() - start, 2), "error": out["error"],
                       "figures": len(out["figures"]), "stdout_chars": len(out["stdout"]),
                       "notes": out["notes"]})
run_demo`);
    const files = readdirSync(args.demos)
      .filter((f) => f.endsWith(".py") && !f.startsWith("_"))
      .sort();
    for (const file of files) {
      const name = basename(file, ".py");
      if (!claim(args.claimDir, name)) continue; // another process runs it
      const source = readFileSync(join(args.demos, file), "utf8");
      const outcome = JSON.parse(runDemo(source, name));
      outcome.name = name;
      result.demos.push(outcome);
      const status = outcome.error ? "FAILED" : "ok";
      console.log(`demo ${name}: ${status} in ${outcome.seconds} s, ${outcome.figures} figure(s)`);
      if (outcome.error) {
        console.log(outcome.error);
        result.ok = false;
      }
    }
    runDemo.destroy();
  };

  const runTests = async () => {
    let start = performance.now();
    if (args.testWheels) {
      const wheels = readdirSync(args.testWheels).filter((f) => f.endsWith(".whl")).sort();
      await pyodide.loadPackage(
        wheels.map((f) => resolve(args.testWheels, f)),
        { messageCallback: () => {} },
      );
    }
    result.timings.load_test_wheels_s = seconds(start);
    pyodide.mountNodeFS("/repo", args.repo);
    const testsPath = "/repo/" + args.tests.slice(args.repo.length + 1);
    start = performance.now();
    const summary = pyodide.runPython(`
import json, os, sys
sys.dont_write_bytecode = True  # never write cpython-312 .pyc files into the mounted repo
os.chdir("/tmp")  # hypothesis keeps its example database in the working directory
import pytest

class Counts:
    stats = {}
    def pytest_configure(self, config):
        # Imported here, not before pytest.main: pytest must see hypothesis first to rewrite it.
        # Pyodide is slower: no per-example deadline, fewer examples per property.
        from hypothesis import settings
        settings.register_profile("pyodide", deadline=None, max_examples=${Number(args.maxExamples)})
        settings.load_profile("pyodide")
    def pytest_terminal_summary(self, terminalreporter):
        Counts.stats = {k: len(v) for k, v in terminalreporter.stats.items() if k}

code = pytest.main(["-q", "-p", "no:cacheprovider", "--capture=sys", "--rootdir=/repo", "${testsPath}"],
                   plugins=[Counts()])
json.dumps({"exit_code": int(code), "counts": Counts.stats})`);
    result.tests = JSON.parse(summary);
    result.timings.tests_s = seconds(start);
    if (result.tests.exit_code !== 0) result.ok = false;
  };

  const steps = [];
  if (!args.skipDemos) steps.push(runDemos);
  if (!args.skipTests) steps.push(runTests);
  if (args.testsFirst) steps.reverse();
  for (const step of steps) await step();
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(result.ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  console.log(`RESULT ${JSON.stringify({ ok: false, crash: String(err && err.message ? err.message : err) })}`);
  process.exit(2);
});
