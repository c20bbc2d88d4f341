// Unit tests of web/src/knobs.js: `node --test web/test/` (run by tests/web/test_knobs_node.py).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  fromSlider,
  parseFlow,
  parseKnobs,
  parsePredict,
  parsePython,
  setKnob,
  toPython,
  toSlider,
} from "../src/knobs.js";

const DEMO = [
  "import numpy as np",
  "lr = 0.01  # @param {min: 1e-4, max: 1, scale: log}",
  "keep_prob = 0.8  # @param {min: 0.3, max: 1, step: 0.05}",
  'init = "he"  # @param {options: ["zeros", "random", "xavier", "he"]}',
  "beta2 = 0.999  # @param {options: [0.9, 0.99, 0.999]}",
  "use_bn = True  # @param {options: [True, False]}",
  "epochs = 60  # @param {min: 10, max: 200, step: 10}",
  "lambd = 2 * 0.5  # @param {min: 0, max: 10}",
  "x = 1  # @param {min: 0, max",
  "lr = 0.5  # @param {min: 0, max: 1}",
].join("\n");

test("parseFlow reads YAML flow mappings with numbers, words, strings and lists", () => {
  assert.deepEqual(parseFlow("{min: 1e-4, max: 1, scale: log}"), { min: 1e-4, max: 1, scale: "log" });
  assert.deepEqual(parseFlow("{options: ['a', \"b c\", 3, True]}"), { options: ["a", "b c", 3, true] });
  assert.deepEqual(parseFlow("{}"), {});
  assert.throws(() => parseFlow("{min: 1"), SyntaxError);
  assert.throws(() => parseFlow("{min: 1} x"), SyntaxError);
});

test("parsePython accepts literals only", () => {
  assert.equal(parsePython("0.01"), 0.01);
  assert.equal(parsePython("-3"), -3);
  assert.equal(parsePython("'he'"), "he");
  assert.equal(parsePython("False"), false);
  assert.equal(parsePython("2 * 0.5"), undefined);
  assert.equal(parsePython("np.e"), undefined);
});

test("parseKnobs finds sliders and selects, skips expressions, broken specs and repeats", () => {
  const knobs = parseKnobs(DEMO);
  assert.deepEqual(knobs.map((k) => k.name), ["lr", "keep_prob", "init", "beta2", "use_bn", "epochs"]);
  const [lr, keep, init, beta2, bn, epochs] = knobs;
  assert.equal(lr.kind, "range");
  assert.equal(lr.scale, "log");
  assert.equal(lr.line, 1);
  assert.equal(keep.step, 0.05);
  assert.equal(keep.integer, false);
  assert.deepEqual(init.options, ["zeros", "random", "xavier", "he"]);
  assert.equal(init.value, "he");
  assert.equal(beta2.kind, "select");
  assert.deepEqual(bn.options, [true, false]);
  assert.equal(epochs.integer, true);
});

test("setKnob rewrites only the value of that line, keeping the comment", () => {
  const out = setKnob(DEMO, "lr", "0.1");
  assert.equal(out.split("\n")[1], "lr = 0.1  # @param {min: 1e-4, max: 1, scale: log}");
  assert.equal(out.split("\n")[9], "lr = 0.5  # @param {min: 0, max: 1}");
  assert.equal(setKnob(DEMO, "nothing", "1"), DEMO);
  assert.equal(parseKnobs(setKnob(DEMO, "init", toPython("xavier", '"he"')))[2].value, "xavier");
});

test("toPython keeps the literal's type and quotes", () => {
  assert.equal(toPython(2, "1.0"), "2.0");
  assert.equal(toPython(2, "1"), "2");
  assert.equal(toPython(0.30000000000000004, "0.1"), "0.3");
  assert.equal(toPython("he", "'xavier'"), "'he'");
  assert.equal(toPython(false, "True"), "False");
  assert.equal(toPython(1e-4, "0.01"), "0.0001");
});

test("log sliders map both ends and round-trip values", () => {
  const [lr] = parseKnobs(DEMO);
  assert.equal(fromSlider(lr, 0), 1e-4);
  assert.equal(fromSlider(lr, toSlider(lr, 1)), 1);
  assert.ok(Math.abs(fromSlider(lr, toSlider(lr, 0.01)) - 0.01) < 1e-3);
  const keep = parseKnobs(DEMO)[1];
  assert.equal(fromSlider(keep, 0.35000000000000003), 0.35);
});

test("parsePredict reads the question, options and the starred expectation", () => {
  const code = "x = 1\n# @predict: With keep_prob = 0.5, will the dev error go up or down? | up | down*\n";
  assert.deepEqual(parsePredict(code), {
    question: "With keep_prob = 0.5, will the dev error go up or down?",
    options: ["up", "down"],
    expected: "down",
  });
  assert.equal(parsePredict("# @predict: only a question"), null);
  assert.equal(parsePredict("x = 1"), null);
});
