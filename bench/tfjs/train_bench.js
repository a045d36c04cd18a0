// TensorFlow.js side of ANNE's training benchmark: the paper's IRIS networks trained with model.fit
// (Adam lr 0.001, binary cross-entropy, 500 epochs, batch 32, shuffled every epoch, standardized
// inputs) on the paper's 80 training rows; prints the same JSON shape as bench/bench_train.c.
// Pure JS CPU backend, never tfjs-node. Usage: node train_bench.js [examples/iris] [runs]
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

const EPOCHS = 500;
const BATCH = 32;
const SEED = 0;
const dir = process.argv[2] || path.join(__dirname, '..', '..', 'examples', 'iris');
const RUNS = Number(process.argv[3] || 5);

const NETS = [
  { name: 'iris_8_neurons', layers: [[2, 'relu'], [3, 'sigmoid'], [2, 'relu'], [1, 'sigmoid']] },
  { name: 'iris_6_neurons', layers: [[3, 'relu'], [2, 'sigmoid'], [1, 'sigmoid']] },
];

// The CSV's features (all columns but Species) and labels; standardized with the training rows'
// mean and population standard deviation, as `anne train --standardize` does (not timed).
function loadData(file) {
  const lines = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const label = header.indexOf('Species');
  if (label < 0) throw new Error(`${file}: no column "Species"`);
  const x = [];
  const y = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',').map(Number);
    y.push([cells[label]]);
    x.push(cells.filter((_, i) => i !== label));
  }
  const nf = x[0].length;
  for (let j = 0; j < nf; j++) {
    const col = x.map((r) => r[j]);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const sd = Math.sqrt(col.reduce((a, b) => a + (b - mean) * (b - mean), 0) / col.length) || 1;
    for (const r of x) r[j] = (r[j] - mean) / sd;
  }
  return { x, y, nf };
}

function buildModel(net, nf) {
  const model = tfl.sequential();
  net.layers.forEach(([units, activation], i) => {
    model.add(tfl.layers.dense({
      units,
      activation,
      inputShape: i === 0 ? [nf] : undefined,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: SEED + i }),
      biasInitializer: 'zeros',
    }));
  });
  model.compile({ optimizer: tf.train.adam(0.001, 0.9, 0.999, 1e-7), loss: 'binaryCrossentropy' });
  return model;
}

async function timedFit(net, xs, ys, nf) {
  const model = buildModel(net, nf); // not timed: building and compiling the model
  const t0 = process.hrtime.bigint();
  await model.fit(xs, ys, { epochs: EPOCHS, batchSize: BATCH, shuffle: true, verbose: 0, yieldEvery: 'never' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { model, seconds };
}

async function bench(net, data) {
  const xs = tf.tensor2d(data.x);
  const ys = tf.tensor2d(data.y);
  await timedFit(net, xs, ys, data.nf).then((r) => r.model.dispose()); // warm-up: JIT, kernel registration
  const runs = [];
  let last = null;
  for (let r = 0; r < RUNS; r++) {
    if (last) last.dispose();
    const { model, seconds } = await timedFit(net, xs, ys, data.nf);
    runs.push(seconds);
    last = model;
  }
  // final training loss and accuracy over the 80 rows with the last run's weights (not timed)
  const lossT = last.evaluate(xs, ys, { batchSize: BATCH });
  const loss = (await lossT.data())[0];
  const p = await last.predict(xs).data();
  let correct = 0;
  data.y.forEach(([t], i) => { correct += (p[i] > 0.5 ? 1 : 0) === t ? 1 : 0; });
  const params = last.countParams();
  tf.dispose([lossT, xs, ys]);
  last.dispose();
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)];
  return {
    model: net.name,
    params,
    seconds_per_training: +median.toFixed(6),
    seconds_min: +runs[0].toFixed(6),
    seconds_max: +runs[runs.length - 1].toFixed(6),
    us_per_sample: +(1e6 * median / (EPOCHS * data.x.length)).toFixed(3),
    train_loss: +loss.toFixed(4),
    train_accuracy: +(correct / data.x.length).toFixed(4),
  };
}

async function main() {
  await tf.setBackend('cpu');
  await tf.ready();
  tf.enableProdMode(); // TF.js' fastest setting: no debug checks
  const data = loadData(path.join(dir, 'iris_train.csv'));
  const n = data.x.length;
  const results = [];
  for (const net of NETS) results.push(await bench(net, data));
  const out = {
    framework: `TensorFlow.js ${tf.version_core} (tfjs-layers ${tfl.version_layers}, `
      + `backend ${tf.getBackend()}, pure JS)`,
    machine: `${os.cpus()[0].model.trim()}, ${os.type()} ${os.arch()}`,
    compiler: `node ${process.version} (V8 ${process.versions.v8})`,
    method: `one core; ${n} rows, ${EPOCHS} epochs, batch ${BATCH} `
      + `(last batch of each epoch ${n % BATCH || BATCH} rows), `
      + 'Adam lr 0.001 (beta1 0.9, beta2 0.999, epsilon 1e-7), binary cross-entropy, standardized inputs, '
      + `glorot_uniform seed ${SEED}; model.fit with shuffle true, verbose 0, yieldEvery never, prod mode; `
      + `timed: the fit call from a freshly built and compiled model, process.hrtime; median of ${RUNS} runs `
      + 'after a warm-up run; data read, scaled and turned into tensors before timing',
    rows: n,
    epochs: EPOCHS,
    batch: BATCH,
    results,
  };
  process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
}

main().catch((e) => {
  process.stderr.write(`train_bench.js: ${e.stack || e}\n`);
  process.exit(1);
});
