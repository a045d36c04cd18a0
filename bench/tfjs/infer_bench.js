// TensorFlow.js side of ANNE's host inference benchmark for the CNNs (bench/README.md, "CNNs beside
// TensorFlow.js"): the models of tests/data/tfjs_graph/<name>/model.json, which ANNE's converter reads,
// loaded by TF.js itself and run batch 1 with model.predict; prints the same JSON shape as
// bench/bench_host.c, and with bench_host's JSON (a file) the two side by side as a Markdown table.
// Pure JS CPU backend, never tfjs-node.
// Usage: node infer_bench.js [tests/data/tfjs_graph] [calls per run] [bench_host.json]
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

const MODELS = ['conv1d_imu', 'cnn2d_small'];
const REPEATS = 11;
const dir = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'data', 'tfjs_graph');
const CALLS = Number(process.argv[3] || 100);
const C_JSON = process.argv[4];

// The layers model as TF.js saved it: topology and the weight shards, concatenated in manifest order.
async function load(name) {
  const folder = path.join(dir, name);
  const json = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
  const specs = [];
  const shards = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) shards.push(fs.readFileSync(path.join(folder, p)));
  }
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}

// 4 rows of the sequence bench_host.c feeds ANNE, each (1, ...input shape)
function rows(model) {
  const shape = model.inputs[0].shape.slice(1);
  const n = shape.reduce((a, b) => a * b, 1);
  const out = [];
  for (let r = 0; r < 4; r++) {
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = ((r * n + i) * 37 % 100) / 50 - 1;
    out.push(tf.tensor(v, [1, ...shape]));
  }
  return { out, n };
}

async function bench(name) {
  const model = await load(name);
  const { out: xs } = rows(model);
  let sink = 0;
  // one run: CALLS predictions, the outputs read back (dataSync: the work is done, as ANNE's returns)
  const run = () => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) {
      const y = model.predict(xs[i % 4]);
      sink += y.dataSync()[0];
      y.dispose();
    }
    return Number(process.hrtime.bigint() - t0) / CALLS;
  };
  run(); // warm-up: kernel registration, JIT
  const runs = [];
  for (let r = 0; r < REPEATS; r++) runs.push(run());
  runs.sort((a, b) => a - b);
  tf.dispose(xs);
  model.dispose();
  if (!Number.isFinite(sink)) throw new Error(`${name}: non-finite outputs`);
  return {
    model: name,
    ns_per_inference_median: +runs[Math.floor(REPEATS / 2)].toFixed(1),
    ns_per_inference_min: +runs[0].toFixed(1),
  };
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  tf.enableProdMode(); // TF.js' fastest setting: no debug checks
  const results = [];
  for (const name of MODELS) results.push(await bench(name));
  const out = {
    framework: `TensorFlow.js ${tf.version_core} (tfjs-layers ${tfl.version_layers}, `
      + `backend ${tf.getBackend()}, pure JS)`,
    machine: `${os.cpus()[0].model.trim()}, ${os.type()} ${os.arch()}`,
    compiler: `node ${process.version} (V8 ${process.versions.v8})`,
    method: `batch 1, model.predict then dataSync on one core, prod mode; median and minimum of ${REPEATS} runs `
      + `of ${CALLS} calls each after a warm-up run; process.hrtime; inputs cycle through 4 fixed rows`,
    results,
  };
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
  if (C_JSON) table(JSON.parse(fs.readFileSync(C_JSON, 'utf8')), out);
}

// bench_host's CNN results (c) beside these (t)
function table(c, t) {
  const us = (ns) => (ns / 1000).toFixed(ns < 1e5 ? 1 : 0);
  console.log('\n| model | MACs | ANNE C, µs: median (min) | TensorFlow.js, µs: median (min) | C faster: medians (minimums) |');
  console.log('|---|---:|---|---|---|');
  for (const o of t.results) {
    const r = c.results.find((x) => x.model === o.model);
    console.log(`| ${r.model} | ${r.macs} | ${us(r.ns_per_inference_median)} (${us(r.ns_per_inference_min)}) | `
      + `${us(o.ns_per_inference_median)} (${us(o.ns_per_inference_min)}) | `
      + `${(o.ns_per_inference_median / r.ns_per_inference_median).toFixed(1)}x `
      + `(${(o.ns_per_inference_min / r.ns_per_inference_min).toFixed(1)}x) |`);
  }
}

main().catch((e) => {
  process.stderr.write(`infer_bench.js: ${e.stack || e}\n`);
  process.exit(1);
});
