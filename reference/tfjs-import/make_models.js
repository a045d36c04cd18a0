// TensorFlow.js models for ANNE's importer tests: small dense models over every supported activation
// and layer kind, trained a little (so BatchNormalization statistics and PReLU slopes move), saved as
// model.json + weights.bin with TF.js' own serializer, with TF.js' predictions on random inputs.
// Writes tests/data/tfjs_import/<name>/ and index.json. Run it with
// scripts/regen-tfjs-import-references.sh.
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

const OUT_DIR = path.join(__dirname, '..', '..', 'tests', 'data', 'tfjs_import');

// mulberry32: seeded, so every run writes the same files.
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

function matrix(r, rows, cols, lo, hi) {
  const m = [];
  for (let i = 0; i < rows; i++) {
    const row = [];
    for (let j = 0; j < cols; j++) row.push(Math.fround(lo + (hi - lo) * r()));
    m.push(row);
  }
  return m;
}

const init = (seed) => tfl.initializers.glorotUniform({ seed });
const dense = (units, activation, seed, extra) =>
  tfl.layers.dense(Object.assign({ units, activation, kernelInitializer: init(seed),
                                   biasInitializer: tfl.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: seed + 1 }) },
                                 extra || {}));

// Each entry: name, input shape, layer list (a Sequential chain) or a builder returning a model.
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'softsign',
                     'hardSigmoid', 'swish', 'gelu', 'gelu_new'];
const MODELS = [];
ACTIVATIONS.forEach((a, i) => MODELS.push({
  name: 'act_' + a, shape: [4], layers: () => [dense(6, a, 10 + i), dense(3, 'linear', 40 + i)] }));
MODELS.push({ name: 'softmax_out', shape: [4], layers: () => [dense(5, 'relu', 1), dense(3, 'softmax', 2)] });
MODELS.push({ name: 'layer_relu_max', shape: [4],
  layers: () => [dense(6, 'linear', 3), tfl.layers.reLU({ maxValue: 0.8 }), dense(2, 'linear', 4)] });
MODELS.push({ name: 'layer_leaky_default', shape: [4],
  layers: () => [dense(6, 'linear', 5), tfl.layers.leakyReLU(), dense(2, 'linear', 6)] });
MODELS.push({ name: 'layer_leaky_alpha', shape: [4],
  layers: () => [dense(6, 'linear', 7), tfl.layers.leakyReLU({ alpha: 0.05 }), dense(2, 'linear', 8)] });
MODELS.push({ name: 'layer_elu', shape: [4],
  layers: () => [dense(6, 'linear', 9), tfl.layers.elu(), dense(2, 'linear', 10)] });
MODELS.push({ name: 'layer_prelu', shape: [4],
  layers: () => [dense(6, 'linear', 11),
                 tfl.layers.prelu({ alphaInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 3 }) }),
                 dense(2, 'linear', 12)] });
// TF.js has no gradient for ThresholdedReLU: this one keeps its initial weights
MODELS.push({ name: 'layer_thresholded', shape: [4], noTrain: true,
  layers: () => [dense(6, 'linear', 13), tfl.layers.thresholdedReLU({ theta: 0.3 }), dense(2, 'linear', 14)] });
MODELS.push({ name: 'layer_softmax', shape: [4],
  layers: () => [dense(3, 'linear', 15), tfl.layers.softmax()] });
MODELS.push({ name: 'layer_activation', shape: [4],
  layers: () => [dense(6, 'linear', 16), tfl.layers.activation({ activation: 'tanh' }), dense(2, 'linear', 17),
                 tfl.layers.activation({ activation: 'sigmoid' })] });
// an activation layer after a Dense that already has one: an identity Dense carries it
MODELS.push({ name: 'act_after_act', shape: [4],
  layers: () => [dense(5, 'tanh', 18), tfl.layers.leakyReLU({ alpha: 0.2 }), dense(2, 'linear', 19)] });
MODELS.push({ name: 'bn_after_linear', shape: [4],
  layers: () => [dense(8, 'linear', 20), tfl.layers.batchNormalization({ momentum: 0.5 }),
                 tfl.layers.activation({ activation: 'relu' }), dense(2, 'linear', 21)] });
MODELS.push({ name: 'bn_after_relu', shape: [4],
  layers: () => [dense(8, 'relu', 22), tfl.layers.batchNormalization({ momentum: 0.5, epsilon: 0.01 }),
                 dense(2, 'linear', 23)] });
MODELS.push({ name: 'bn_first', shape: [4],
  layers: () => [tfl.layers.batchNormalization({ momentum: 0.5, inputShape: [4] }), dense(3, 'elu', 24)] });
MODELS.push({ name: 'no_bias', shape: [4],
  layers: () => [dense(6, 'relu', 27, { useBias: false }), dense(2, 'linear', 28, { useBias: false })] });
// dropout and noise draw unseeded random numbers in training: kept untrained, so runs are repeatable
MODELS.push({ name: 'noops', shape: [4], noTrain: true,
  layers: () => [dense(6, 'relu', 29), tfl.layers.dropout({ rate: 0.3 }), tfl.layers.alphaDropout({ rate: 0.2 }),
                 tfl.layers.gaussianNoise({ stddev: 0.1 }), tfl.layers.gaussianDropout({ rate: 0.2 }),
                 dense(2, 'linear', 30)] });
MODELS.push({ name: 'flatten', shape: [2, 3],
  layers: () => [tfl.layers.flatten(), dense(4, 'relu', 31), dense(2, 'linear', 32)] });
MODELS.push({ name: 'reshape', shape: [3, 2],
  layers: () => [tfl.layers.reshape({ targetShape: [6] }), dense(3, 'softsign', 33)] });
MODELS.push({ name: 'rescaling_input', shape: [4],
  layers: () => [tfl.layers.rescaling({ scale: 0.5, offset: -0.25 }), dense(4, 'relu', 34), dense(2, 'linear', 35)] });
MODELS.push({ name: 'rescaling_after_dense', shape: [4],
  layers: () => [dense(4, 'linear', 36), tfl.layers.rescaling({ scale: 2, offset: 0.5 }), dense(2, 'tanh', 37)] });
MODELS.push({ name: 'functional_chain', shape: [4], build: () => {
  const x = tfl.input({ shape: [4] });
  const h = dense(5, 'relu', 38).apply(x);
  const y = dense(2, 'sigmoid', 39).apply(h);
  return tfl.model({ inputs: x, outputs: y });
} });
MODELS.push({ name: 'deep_mixed', shape: [5],
  layers: () => [dense(8, 'relu', 50), tfl.layers.batchNormalization({ momentum: 0.5 }), dense(8, 'linear', 51),
                 tfl.layers.prelu(), dense(6, 'selu', 52), dense(4, 'linear', 53),
                 tfl.layers.elu(), dense(3, 'softmax', 54)] });

async function save(model, dir) {
  await model.save(tf.io.withSaveHandler(async (a) => {
    const json = {
      format: 'layers-model',
      generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
      convertedBy: null,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(a.weightData));
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
}

async function main() {
  const names = [];
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (let k = 0; k < MODELS.length; k++) {
    const spec = MODELS[k];
    let model;
    if (spec.build) {
      model = spec.build();
    } else {
      model = tfl.sequential();
      const layers = spec.layers();
      layers.forEach((l, i) => {
        if (i === 0 && !l.batchInputShape) model.add(tfl.layers.inputLayer({ inputShape: spec.shape }));
        model.add(l);
      });
    }
    const r = rng(1000 + k);
    const size = spec.shape.reduce((p, q) => p * q, 1);
    const nOut = model.outputs[0].shape[1];
    const flatX = matrix(r, 64, size, -2, 2);
    const xs = tf.reshape(tf.tensor(flatX), [64].concat(spec.shape));
    const ys = tf.tensor(matrix(r, 64, nOut, 0, 1));
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    if (!spec.noTrain) await model.fit(xs, ys, { epochs: 4, batchSize: 16, shuffle: false, verbose: 0 });
    const inputs = matrix(r, 12, size, -3, 3);
    const outputs = await model.predict(tf.reshape(tf.tensor(inputs), [12].concat(spec.shape))).array();
    const dir = path.join(OUT_DIR, spec.name);
    fs.mkdirSync(dir, { recursive: true });
    await save(model, dir);
    fs.writeFileSync(path.join(dir, 'io.json'), JSON.stringify({ inputs, outputs }) + '\n');
    names.push(spec.name);
    tf.dispose([xs, ys]);
  }
  fs.writeFileSync(path.join(OUT_DIR, 'index.json'), JSON.stringify({
    generator: 'reference/tfjs-import/make_models.js', tfjs: '4.22.0', models: names }, null, 1) + '\n');
  console.log(`wrote ${names.length} models to ${OUT_DIR}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
