// Times iris_paper.py (the AI-ANNE paper's MicroPython inference, 8-neuron IRIS network) on MicroPython's
// WebAssembly port from npm, in node: µs per inference, fastest and median run (bench/micropython/README.md).
// Usage: node run.mjs [--outputs run|run_rows] [RUNS] [PASSES]
//   default: for iris_paper.run and iris_paper.run_rows, a warm-up run, then RUNS (21) timed runs of
//   PASSES (50) passes over the 20 test rows (1000 inferences), each timed around one runPython call;
//   prints one line of JSON.
//   --outputs FN: prints the 20 outputs of one pass of FN, one per line ("row value"), and nothing else.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkg = '@micropython/micropython-webassembly-pyscript';
const args = process.argv.slice(2);
const outputsOnly = args[0] === '--outputs';
const outputsOf = outputsOnly ? args[1] : null;
if (outputsOnly) args.splice(0, 2);
const RUNS = Number(args[0] || 21);
const PASSES = Number(args[1] || 50);
const ROWS = 20;
if (!(RUNS >= 1 && PASSES >= 1) || (outputsOnly && outputsOf !== 'run' && outputsOf !== 'run_rows')) {
  console.error('usage: node run.mjs [--outputs run|run_rows] [RUNS >= 1] [PASSES >= 1]');
  process.exit(2);
}

const { loadMicroPython } = await import(require.resolve(`${pkg}/micropython.mjs`));
const version = JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), 'utf8')).version;
let printed = '';
const mp = await loadMicroPython({ stdout: (line) => { printed += line + '\n'; } });
mp.FS.writeFile('/iris_paper.py', readFileSync(path.join(here, 'iris_paper.py'), 'utf8'));
mp.runPython("import sys\nsys.path.insert(0, '/')\nimport iris_paper");

if (outputsOnly) {
  mp.runPython(`iris_paper.show(iris_paper.${outputsOf}(1))`);
  process.stdout.write(printed);
  process.exit(0);
}

mp.runPython("print(sys.version)\nprint(repr(1/3))");
const [mpVersion, third] = printed.trim().split('\n');
printed = '';
// One run of FN (run: the paper's layer-at-a-time code on all 20 rows; run_rows: one row at a time):
// µs per inference of wall-clock time and of this process' CPU time (user + system), which a busy
// machine's other processes disturb less.
const timed = (fn) => {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  mp.runPython(`iris_paper.${fn}(${PASSES})`);
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  const cpu = process.cpuUsage(c0);
  return [wall / (PASSES * ROWS), (cpu.user + cpu.system) / (PASSES * ROWS)];
};
const round = (v) => Math.round(v * 100) / 100;
const summary = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return { fastest: round(s[0]), median: round(s[Math.floor(s.length / 2)]), runs: v.map(round) };
};
const results = {};
for (const fn of ['run', 'run_rows']) {
  timed(fn); // warm-up
  const wall = [];
  const cpu = [];
  for (let r = 0; r < RUNS; r++) {
    const [w, c] = timed(fn);
    wall.push(w);
    cpu.push(c);
  }
  results[fn] = { us_per_inference_wall: summary(wall), us_per_inference_cpu: summary(cpu) };
}
console.log(JSON.stringify({
  machine: { cpu: os.cpus()[0].model, cores: os.cpus().length, os: `${os.type()} ${os.release()}`, node: process.version },
  micropython: { package: `${pkg}@${version}`, version: mpVersion, float: third === '0.3333333333333333' ? 'double' : 'float32' },
  method: `iris_paper.run(${PASSES}) (the paper's code: each layer on all 20 test rows at once) and ` +
    `iris_paper.run_rows(${PASSES}) (one row at a time), ${PASSES * ROWS} inferences per runPython call, timed with ` +
    `process.hrtime (wall) and process.cpuUsage (cpu); per function one warm-up run, then ${RUNS} runs`,
  load_average: os.loadavg().map(round),
  ...results,
}));
