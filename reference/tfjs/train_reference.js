// Reference training runs of TensorFlow.js (pure JS, CPU backend) for ANNE's trainer: from fixed
// initial weights, fixed data and the same batches in the same order (no shuffle), a few epochs with
// SGD, momentum, Nesterov and Adam. Writes one JSON file per run into tests/data/tfjs_train/.
// A layer with activation 'prelu' is ANNE's dense + per-unit PReLU: here a linear Dense followed by
// tf.layers.prelu, whose alphas (one per unit) train with the kernel and bias.
// Run it with scripts/regen-tfjs-references.sh.
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

const OUT_DIR = path.join(__dirname, '..', '..', 'tests', 'data', 'tfjs_train');

// mulberry32: a small seeded PRNG so the data and initial weights are the same on every run.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Rows of n features around a class centre; values rounded to float32 so C reads the same numbers.
function makeClassData(seed, rows, nFeatures, nClasses) {
  const r = rng(seed);
  const x = [];
  const labels = [];
  for (let i = 0; i < rows; i++) {
    const c = i % nClasses;
    const row = [];
    for (let j = 0; j < nFeatures; j++) {
      const centre = ((c + 1) * (j + 2)) % 3 - 1;
      row.push(Math.fround(centre + 1.2 * (r() + r() - 1)));
    }
    x.push(row);
    labels.push(c);
  }
  return { x, labels };
}

function makeRegressionData(seed, rows, nFeatures) {
  const r = rng(seed);
  const x = [];
  const y = [];
  for (let i = 0; i < rows; i++) {
    const row = [];
    for (let j = 0; j < nFeatures; j++) row.push(Math.fround(4 * r() - 2));
    x.push(row);
    y.push([Math.fround(Math.sin(row[0]) + 0.5 * row[1] * row[2] + 0.1 * (r() - 0.5))]);
  }
  return { x, y };
}

// Initial weights in ANNE's layout: kernel (n_out, n_in) row-major; non-zero biases so that their
// gradients are exercised from the first step; prelu alphas in [-0.2, 0.6) (not Keras' zeros, so that
// negative inputs pass a gradient from the start), drawn after the bias.
function makeWeights(seed, nInputs, layers) {
  const r = rng(seed);
  let nIn = nInputs;
  return layers.map((l) => {
    const limit = Math.sqrt(6 / (nIn + l.units));
    const kernel = [];
    for (let j = 0; j < l.units; j++) {
      const row = [];
      for (let i = 0; i < nIn; i++) row.push(Math.fround(limit * (2 * r() - 1)));
      kernel.push(row);
    }
    const bias = [];
    for (let j = 0; j < l.units; j++) bias.push(Math.fround(0.2 * (r() - 0.5)));
    nIn = l.units;
    if (l.activation !== 'prelu') return { units: l.units, activation: l.activation, kernel, bias };
    const alpha = [];
    for (let j = 0; j < l.units; j++) alpha.push(Math.fround(0.8 * r() - 0.2));
    return { units: l.units, activation: l.activation, kernel, bias, alpha };
  });
}

function transpose(m) {
  return m[0].map((_, i) => m.map((row) => row[i]));
}

function makeOptimizer(o) {
  switch (o.name) {
    case 'sgd': return tf.train.sgd(o.lr);
    case 'momentum': return tf.train.momentum(o.lr, o.momentum, false);
    case 'nesterov': return tf.train.momentum(o.lr, o.momentum, true);
    case 'adam': return tf.train.adam(o.lr, o.beta1, o.beta2, o.epsilon);
    default: throw new Error(`unknown optimizer ${o.name}`);
  }
}

const TFJS_LOSS = {
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
  mse: 'meanSquaredError',
};

async function run(spec) {
  const model = tfl.sequential();
  const dense = [];
  const prelu = [];
  spec.initial.forEach((l, i) => {
    const isPrelu = l.activation === 'prelu';
    dense.push(model.layers.length);
    model.add(tfl.layers.dense({
      units: l.units,
      activation: isPrelu ? 'linear' : l.activation,
      inputShape: i === 0 ? [spec.n_inputs] : undefined,
    }));
    prelu.push(isPrelu ? model.layers.length : -1);
    if (isPrelu) model.add(tfl.layers.prelu({}));
  });
  spec.initial.forEach((l, i) => {
    model.layers[dense[i]].setWeights([tf.tensor2d(transpose(l.kernel)), tf.tensor1d(l.bias)]);
    if (prelu[i] >= 0) model.layers[prelu[i]].setWeights([tf.tensor1d(l.alpha)]);
  });
  model.compile({ optimizer: makeOptimizer(spec.optimizer), loss: TFJS_LOSS[spec.loss] });
  const xs = tf.tensor2d(spec.x);
  const ys = spec.loss === 'sparse_categorical_crossentropy' ? tf.tensor2d(spec.y.map((v) => [v]))
    : tf.tensor2d(spec.y);
  const history = await model.fit(xs, ys, {
    batchSize: spec.batch_size, epochs: spec.epochs, shuffle: false, verbose: 0,
  });
  const final = spec.initial.map((l, i) => {
    const [k, b] = model.layers[dense[i]].getWeights();
    const layer = {
      units: l.units,
      activation: l.activation,
      kernel: transpose(k.arraySync()),
      bias: Array.from(b.dataSync()),
    };
    if (prelu[i] >= 0) layer.alpha = Array.from(model.layers[prelu[i]].getWeights()[0].dataSync());
    return layer;
  });
  return { losses: history.history.loss.map(Number), final };
}

function oneHot(labels, n) {
  return labels.map((c) => Array.from({ length: n }, (_, i) => (i === c ? 1 : 0)));
}

async function main() {
  await tf.setBackend('cpu');
  const iris = makeClassData(1, 40, 4, 2);
  const three = makeClassData(2, 45, 4, 3);
  const reg = makeRegressionData(3, 36, 3);
  const nets = [
    {
      name: 'iris8_bce', n_inputs: 4, loss: 'binary_crossentropy', batch_size: 16, epochs: 6,
      layers: [{ units: 2, activation: 'relu' }, { units: 3, activation: 'sigmoid' },
        { units: 2, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
      x: iris.x, y: iris.labels.map((c) => [c]), seed: 14,
    },
    {
      name: 'softmax_cce', n_inputs: 4, loss: 'categorical_crossentropy', batch_size: 8, epochs: 5,
      layers: [{ units: 5, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
      x: three.x, y: oneHot(three.labels, 3), seed: 20,
    },
    {
      name: 'softmax_sparse', n_inputs: 4, loss: 'sparse_categorical_crossentropy', batch_size: 8, epochs: 5,
      layers: [{ units: 5, activation: 'elu' }, { units: 3, activation: 'softmax' }],
      x: three.x, y: three.labels, seed: 21,
    },
    {
      name: 'regression_mse', n_inputs: 3, loss: 'mse', batch_size: 10, epochs: 6,
      layers: [{ units: 6, activation: 'tanh' }, { units: 1, activation: 'linear' }],
      x: reg.x, y: reg.y, seed: 30,
    },
    {
      name: 'prelu_bce', n_inputs: 4, loss: 'binary_crossentropy', batch_size: 16, epochs: 6,
      layers: [{ units: 4, activation: 'prelu' }, { units: 1, activation: 'sigmoid' }],
      x: iris.x, y: iris.labels.map((c) => [c]), seed: 40,
    },
    {
      name: 'prelu_softmax_cce', n_inputs: 4, loss: 'categorical_crossentropy', batch_size: 8, epochs: 5,
      layers: [{ units: 6, activation: 'prelu' }, { units: 4, activation: 'prelu' },
        { units: 3, activation: 'softmax' }],
      x: three.x, y: oneHot(three.labels, 3), seed: 41,
    },
    {
      name: 'prelu_regression_mse', n_inputs: 3, loss: 'mse', batch_size: 10, epochs: 6,
      layers: [{ units: 6, activation: 'prelu' }, { units: 1, activation: 'prelu' }],
      x: reg.x, y: reg.y, seed: 42,
    },
  ];
  const optimizers = [
    { name: 'sgd', lr: 0.1 },
    { name: 'momentum', lr: 0.05, momentum: 0.9 },
    { name: 'nesterov', lr: 0.05, momentum: 0.9 },
    { name: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  ];
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const index = [];
  for (const net of nets) {
    for (const opt of optimizers) {
      if (net.name === 'softmax_sparse' && opt.name !== 'adam') continue;
      const spec = {
        name: `${net.name}_${opt.name}`, n_inputs: net.n_inputs, loss: net.loss,
        batch_size: net.batch_size, epochs: net.epochs, shuffle: false, optimizer: opt,
        initial: makeWeights(net.seed, net.n_inputs, net.layers), x: net.x, y: net.y,
      };
      const result = await run(spec);
      const doc = {
        _about: 'TensorFlow.js reference training run for ANNE (reference/tfjs/train_reference.js). Kernels are '
          + 'in ANNE layout (n_out, n_in); batches are consecutive rows (no shuffle), the last one may be '
          + 'smaller; losses[e] is the epoch\'s mean loss as model.fit reports it.'
          + (net.layers.some((l) => l.activation === 'prelu') ? ' A prelu layer is a linear Dense followed by '
            + 'tf.layers.prelu; alpha holds its per-unit slopes.' : ''),
        tfjs_version: tf.version_core, backend: tf.getBackend(),
        ...spec, final: result.final, losses: result.losses,
      };
      const file = `${spec.name}.json`;
      fs.writeFileSync(path.join(OUT_DIR, file), JSON.stringify(doc) + '\n');
      index.push(file);
      console.log(`${file}: loss ${result.losses.map((l) => l.toFixed(5)).join(' ')}`);
    }
  }
  fs.writeFileSync(path.join(OUT_DIR, 'index.json'), JSON.stringify(index, null, 1) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
