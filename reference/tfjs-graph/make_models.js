// TensorFlow.js graph models for ANNE's importer tests: convolutions, pooling, padding, reshaping,
// normalization and merges, one feature per model where possible (so that a failure names the
// feature) and a few combinations, trained a little on random data (so weights and BatchNormalization
// statistics move), saved as model.json + weights.bin with TF.js' own serializer, with TF.js'
// predictions on random inputs. Writes tests/data/tfjs_graph/<name>/ and index.json. Run it with
// scripts/regen-tfjs-graph-references.sh.
//
// io.json: "input_shape" and "output_shape" without the batch axis (a model with several inputs or
// outputs: "input_shapes" and "output_shapes", in the model's order); "inputs" and "outputs", one row a
// sample, each tensor flattened row-major, channels last (the order Keras' Flatten gives), several
// side by side. Every number is a float32 value written with the fewest digits that read back to it.
//
// Left out because tfjs-layers 4.22 cannot make them (see the comments where they would be):
// Conv1D padding 'causal' (NotImplementedError), DepthwiseConv2D dilation (saved, but not applied),
// Subtract (tfjs-layers has no such layer: the one here is a minimal stand-in, see below).
'use strict';

const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfl = require('@tensorflow/tfjs-layers');

const OUT_DIR = path.join(__dirname, '..', '..', 'tests', 'data', 'tfjs_graph');
const TFJS_VERSION = '4.22.0';

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

// Initializer seeds: reset before each model is built, so a model's weights depend only on its place.
let SEED = 0;
const seed = () => ++SEED;
const glorot = () => tfl.initializers.glorotUniform({ seed: seed() });
const uniform = (minval, maxval) => tfl.initializers.randomUniform({ minval, maxval, seed: seed() });
const withInit = (o) => Object.assign({ kernelInitializer: glorot(), biasInitializer: uniform(-0.3, 0.3) }, o);

const conv1d = (o) => tfl.layers.conv1d(withInit(o));
const conv2d = (o) => tfl.layers.conv2d(withInit(o));
const dense = (o) => tfl.layers.dense(withInit(o));
const depthwise = (o) => tfl.layers.depthwiseConv2d(Object.assign(
  { depthwiseInitializer: glorot(), biasInitializer: uniform(-0.3, 0.3) }, o));
const separable = (o) => tfl.layers.separableConv2d(Object.assign(
  { depthwiseInitializer: glorot(), pointwiseInitializer: glorot(), biasInitializer: uniform(-0.3, 0.3) }, o));
// momentum 0.5: the moving statistics move far from their initial values in a few steps
const batchNorm = (o) => tfl.layers.batchNormalization(Object.assign(
  { momentum: 0.5, gammaInitializer: uniform(0.5, 1.5), betaInitializer: uniform(-0.3, 0.3),
    movingMeanInitializer: uniform(-0.5, 0.5), movingVarianceInitializer: uniform(0.5, 2) }, o));
const layerNorm = (o) => tfl.layers.layerNormalization(Object.assign(
  { gammaInitializer: uniform(0.5, 1.5), betaInitializer: uniform(-0.3, 0.3) }, o));

// tfjs-layers 4.22 has no Subtract layer (Keras has; tfjs-converter writes it into model.json files that
// tfjs-layers cannot load). This stand-in has Keras' class name and config ({name, trainable}) and
// computes what Keras' Subtract does, first input minus second, with TF.js' own tf.sub.
class Subtract extends tfl.layers.Layer {
  computeOutputShape(inputShape) { return inputShape[0]; }
  call(inputs) { return tf.tidy(() => tf.sub(inputs[0], inputs[1])); }
}
Subtract.className = 'Subtract';
tf.serialization.registerClass(Subtract);

// Each entry: name, input shape (no batch), and either layers (a Sequential chain) or build (a
// functional model from its input); noTrain: predicts with the initial weights; rows: io samples.
const MODELS = [];
const seq = (name, shape, layers, extra) => MODELS.push(Object.assign({ name, shape, layers }, extra || {}));
const fn = (name, shape, build, extra) => MODELS.push(Object.assign({ name, shape, build }, extra || {}));

// ---- Conv1D on (L, C). TF's 'same' puts the odd padding after the input: the strides and kernels
// below are chosen so that it does (P is the total padding, before = floor(P / 2)).
seq('conv1d_valid_k3', [9, 3], () => [conv1d({ filters: 4, kernelSize: 3, activation: 'relu' })]);
// even kernel, stride 1: P = 3, 1 before, 2 after
seq('conv1d_same_k4', [10, 2], () => [conv1d({ filters: 3, kernelSize: 4, padding: 'same', activation: 'tanh' })]);
// L 10, k 3, stride 2: out 5, P = 1: 0 before, 1 after
seq('conv1d_same_k3_s2', [10, 3], () => [conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })]);
// L 10, k 4, stride 3: out 4, P = 3: 1 before, 2 after
seq('conv1d_same_k4_s3', [10, 2],
  () => [conv1d({ filters: 3, kernelSize: 4, strides: 3, padding: 'same', activation: 'relu' })]);
// L 15, k 2, stride 3: out 5, the last position is never read
seq('conv1d_valid_s3', [15, 2], () => [conv1d({ filters: 3, kernelSize: 2, strides: 3, activation: 'linear' })]);
// TF.js has no gradient for dilated convolutions ("dilation rates greater than 1 are not yet supported
// in gradients"): the dilated models keep their initial weights
seq('conv1d_dilation2_valid', [12, 2],
  () => [conv1d({ filters: 3, kernelSize: 3, dilationRate: 2, activation: 'tanh' })], { noTrain: true });
// k 2, dilation 2, 'same': P = 2, 1 before, 1 after; then k 3 dilation 2: P = 4
seq('conv1d_dilation2_same', [11, 2],
  () => [conv1d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'relu' }),
         conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' })], { noTrain: true });
seq('conv1d_no_bias', [8, 3], () => [conv1d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false })]);
// softmax over the last axis of an (L, C) output
seq('conv1d_softmax', [8, 3],
  () => [conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }),
         conv1d({ filters: 5, kernelSize: 2, activation: 'softmax' })]);
// Conv1D padding 'causal': tfjs-layers 4.22 throws NotImplementedError ("The support for CAUSAL padding
// mode in conv1dWithBias is not implemented yet"), so there is no such model here.

// ---- Conv2D on (H, W, C)
seq('conv2d_valid', [7, 6, 2], () => [conv2d({ filters: 4, kernelSize: 3, activation: 'relu' })]);
seq('conv2d_same', [7, 6, 2], () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu6' })]);
// kernel (2, 3), strides (1, 2) over (6, 8): rows P = 1 (0 before, 1 after), columns out 4, P = 1
seq('conv2d_same_s12_k23', [6, 8, 2],
  () => [conv2d({ filters: 3, kernelSize: [2, 3], strides: [1, 2], padding: 'same', activation: 'elu' })]);
// 3x3, strides (2, 2) over (8, 7): rows P = 1 (0 / 1), columns P = 2 (1 / 1)
seq('conv2d_same_s22', [8, 7, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'sigmoid' })]);
// kernel (3, 2), strides (2, 2), 'valid' over the odd (9, 7): out (4, 3), the last column unread
seq('conv2d_valid_s22_odd', [9, 7, 2], () => [conv2d({ filters: 3, kernelSize: [3, 2], strides: 2 })]);
seq('conv2d_nonsquare', [5, 7, 2],
  () => [conv2d({ filters: 3, kernelSize: [1, 4], padding: 'same', activation: 'relu' }),
         conv2d({ filters: 2, kernelSize: [3, 1] })]);
seq('conv2d_dilation22_valid', [9, 8, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, dilationRate: [2, 2], activation: 'relu' })], { noTrain: true });
seq('conv2d_dilation22_same', [7, 6, 2],
  () => [conv2d({ filters: 3, kernelSize: [2, 3], dilationRate: [2, 2], padding: 'same', activation: 'elu' })],
  { noTrain: true });
// the input shape given to the first layer (inputShape) instead of an InputLayer: TF.js writes no
// InputLayer entry, the first layer's config carries batch_input_shape
seq('conv2d_input_on_layer', [5, 4, 2],
  () => [conv2d({ inputShape: [5, 4, 2], filters: 3, kernelSize: 3, activation: 'relu' }),
         conv2d({ filters: 2, kernelSize: 2 })]);
seq('conv2d_1x1', [5, 5, 3], () => [conv2d({ filters: 4, kernelSize: 1 })]);
// a kernel as large as the input: 'valid' gives (1, 1, filters), 'same' pads all around
seq('conv2d_full_kernel_valid', [4, 5, 2], () => [conv2d({ filters: 3, kernelSize: [4, 5], activation: 'tanh' })]);
seq('conv2d_full_kernel_same', [4, 5, 2], () => [conv2d({ filters: 2, kernelSize: [4, 5], padding: 'same' })]);
seq('conv2d_no_bias', [5, 6, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same', useBias: false, activation: 'sigmoid' })]);

// ---- DepthwiseConv2D, SeparableConv2D. (DepthwiseConv2D dilation_rate is saved by tfjs-layers 4.22
// but not applied in its call(), so no model has it.)
seq('depthwise_m1_same', [7, 6, 3],
  () => [depthwise({ kernelSize: 3, padding: 'same', depthMultiplier: 1, activation: 'relu' })]);
seq('depthwise_m2_valid', [6, 5, 2], () => [depthwise({ kernelSize: 3, depthMultiplier: 2 })]);
seq('depthwise_m2_s2_same', [8, 7, 2],
  () => [depthwise({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, activation: 'tanh' })]);
seq('depthwise_no_bias', [5, 5, 3], () => [depthwise({ kernelSize: [2, 3], useBias: false })]);
seq('separable_m1', [7, 6, 3],
  () => [separable({ filters: 4, kernelSize: 3, padding: 'same', depthMultiplier: 1, activation: 'relu' })]);
seq('separable_m2', [6, 6, 2], () => [separable({ filters: 3, kernelSize: 3, depthMultiplier: 2 })]);
seq('separable_m2_s2_same', [7, 8, 2],
  () => [separable({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', depthMultiplier: 2 })]);

// ---- Pooling. A linear 1x1 convolution in front gives the model weights to train and keeps the
// pooling's input signed (max pooling skips 'same' padding: a border window of negatives gives the
// largest of them, not 0).
const pw1 = (filters) => conv1d({ filters, kernelSize: 1 });
const pw2 = (filters) => conv2d({ filters, kernelSize: 1 });
// L 11, pool 2: out 5, the last position dropped
seq('maxpool1d_valid', [11, 2], () => [pw1(3), tfl.layers.maxPooling1d({ poolSize: 2 })]);
// L 10, pool 3, stride 2, 'same': out 5, P = 1 (0 before, 1 after)
seq('maxpool1d_same_s2', [10, 2],
  () => [pw1(3), tfl.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' })]);
seq('avgpool1d_valid_s2', [11, 2], () => [pw1(3), tfl.layers.averagePooling1d({ poolSize: 3, strides: 2 })]);
// the last window has 2 positions inside the input: divided by 2, not 3
seq('avgpool1d_same_s2', [10, 2],
  () => [pw1(3), tfl.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' })]);
seq('maxpool2d_valid', [7, 7, 2], () => [pw2(3), tfl.layers.maxPooling2d({ poolSize: 2 })]);
// pool (3, 2), strides (2, 1), 'same' over (7, 6): rows P = 2 (1 / 1), columns P = 1 (0 / 1)
seq('maxpool2d_same_s21', [7, 6, 2],
  () => [pw2(3), tfl.layers.maxPooling2d({ poolSize: [3, 2], strides: [2, 1], padding: 'same' })]);
seq('avgpool2d_valid_s1', [6, 5, 2], () => [pw2(3), tfl.layers.averagePooling2d({ poolSize: [2, 3], strides: 1 })]);
// pool 3, stride 2, 'same' over (7, 6): rows P = 2 (1 / 1), columns P = 1 (0 / 1); border windows
// divide by the positions inside the input (4 or 6 at the corners, not 9)
seq('avgpool2d_same_s2', [7, 6, 2],
  () => [pw2(3), tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })]);
// pool 2, stride 1, 'same': one row and column of padding after; the last row divides by 2, the corner by 1
seq('avgpool2d_same_s1', [5, 5, 2],
  () => [pw2(2), tfl.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same' })]);

// ---- Global pooling
seq('global_avgpool1d', [8, 3],
  () => [conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }), tfl.layers.globalAveragePooling1d()]);
seq('global_maxpool1d', [8, 3], () => [conv1d({ filters: 4, kernelSize: 3 }), tfl.layers.globalMaxPooling1d()]);
seq('global_avgpool2d', [5, 6, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), tfl.layers.globalAveragePooling2d({})]);
seq('global_maxpool2d', [5, 6, 2], () => [conv2d({ filters: 3, kernelSize: 3 }), tfl.layers.globalMaxPooling2d({})]);

// ---- Padding, cropping, upsampling
// padding (1, 2): 1 row above and below, 2 columns left and right
seq('zeropad2d_sym', [4, 5, 2], () => [pw2(2), tfl.layers.zeroPadding2d({ padding: [1, 2] })]);
// ((top 1, bottom 2), (left 0, right 3)), then a convolution over the padded tensor
seq('zeropad2d_asym', [4, 4, 2],
  () => [tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] }), conv2d({ filters: 2, kernelSize: 3 })]);
// ((top 1, bottom 0), (left 2, right 1))
seq('cropping2d_asym', [6, 7, 2], () => [pw2(2), tfl.layers.cropping2D({ cropping: [[1, 0], [2, 1]] })]);
seq('upsampling2d_23', [3, 4, 2], () => [pw2(2), tfl.layers.upSampling2d({ size: [2, 3] })]);

// ---- Flatten, Reshape, Permute
seq('flatten_after_conv', [5, 4, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, activation: 'relu' }), tfl.layers.flatten(), dense({ units: 4 })]);
// (4, 5, 3) -> (20, 3): an image read as a sequence
seq('reshape_to_seq', [4, 5, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), tfl.layers.reshape({ targetShape: [20, 3] }),
         conv1d({ filters: 2, kernelSize: 3 })]);
// (6, 4) -> (4, 6): channels become time
seq('permute_21', [6, 3],
  () => [pw1(4), tfl.layers.permute({ dims: [2, 1] }), conv1d({ filters: 2, kernelSize: 2 })]);
// (H 3, W 4, C 3) -> (C, H, W) = (3, 3, 4)
seq('permute_312', [3, 4, 2],
  () => [pw2(3), tfl.layers.permute({ dims: [3, 1, 2] }), conv2d({ filters: 2, kernelSize: 2 })]);

// ---- Normalization
seq('batchnorm_conv2d', [6, 5, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), batchNorm(),
         tfl.layers.activation({ activation: 'relu' })]);
seq('batchnorm_conv1d_eps', [9, 2], () => [conv1d({ filters: 3, kernelSize: 3 }), batchNorm({ epsilon: 0.01 })]);
// after a pooling there is no convolution to fold it into: a per-channel affine op
seq('batchnorm_after_pool', [6, 6, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }),
         tfl.layers.maxPooling2d({ poolSize: 2 }), batchNorm()]);
seq('layernorm_seq', [6, 4], () => [pw1(5), layerNorm()]);

// ---- Dense on more than one axis: it acts on the last one
seq('dense_rank3', [5, 4], () => [dense({ units: 3, activation: 'relu' }), dense({ units: 2 })]);
seq('dense_rank4', [3, 4, 2], () => [dense({ units: 3, activation: 'tanh' })]);
seq('time_distributed_dense', [5, 4],
  () => [tfl.layers.timeDistributed({ layer: dense({ units: 3, activation: 'tanh' }) })]);

// ---- Activation layers on images and sequences
seq('act_layers_2d', [5, 4, 2],
  () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), tfl.layers.reLU({ maxValue: 6 }),
         pw2(3), tfl.layers.leakyReLU({ alpha: 0.2 }), pw2(4), tfl.layers.softmax({ axis: -1 })]);
seq('act_layers_1d', [7, 3],
  () => [conv1d({ filters: 3, kernelSize: 3, padding: 'same' }), tfl.layers.elu(),
         pw1(3), tfl.layers.activation({ activation: 'tanh' })]);

// ---- Functional graphs
fn('residual', [6, 6, 3], (x) => {
  const h = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  const g = conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(h);
  return tfl.layers.add().apply([g, x]);
});
fn('concat_channels', [6, 5, 2], (x) => {
  const a = conv2d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  const b = conv2d({ filters: 3, kernelSize: 1, activation: 'tanh' }).apply(x);
  return tfl.layers.concatenate({ axis: -1 }).apply([a, b]);
});
// along the time axis: (6, 3) and (8, 3) -> (14, 3)
fn('concat_axis1', [8, 2], (x) => {
  const a = conv1d({ filters: 3, kernelSize: 3 }).apply(x);
  const b = conv1d({ filters: 3, kernelSize: 1, activation: 'relu' }).apply(x);
  return tfl.layers.concatenate({ axis: 1 }).apply([a, b]);
});
// Merges of two branches. The branch built second is the merge's first input (TF.js then lists its layer
// first: its layer list follows a walk back from the outputs, not the order the layers were made in).
const twoBranches = (merge) => (x) => {
  const a = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(x);
  const b = conv2d({ filters: 3, kernelSize: 1 }).apply(x);
  return merge.apply([b, a]);
};
fn('merge_subtract', [5, 4, 2], (x) => twoBranches(new Subtract({}))(x));
fn('merge_multiply', [5, 4, 2], (x) => twoBranches(tfl.layers.multiply())(x));
fn('merge_average', [5, 4, 2], (x) => twoBranches(tfl.layers.average())(x));
fn('merge_maximum', [5, 4, 2], (x) => twoBranches(tfl.layers.maximum())(x));
fn('merge_minimum', [5, 4, 2], (x) => twoBranches(tfl.layers.minimum())(x));
const threeBranches = (merge) => (x) => {
  const a = conv1d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x);
  const b = conv1d({ filters: 3, kernelSize: 1, activation: 'relu' }).apply(x);
  const c = conv1d({ filters: 3, kernelSize: 2, padding: 'same', activation: 'tanh' }).apply(x);
  return merge.apply([a, b, c]);
};
fn('merge_add3', [7, 2], (x) => threeBranches(tfl.layers.add())(x));
fn('merge_average3', [7, 2], (x) => threeBranches(tfl.layers.average())(x));
// One layer applied twice (shared weights): no order of the layer list is the run order. The layer has
// two inbound nodes (the input; the middle convolution), and output_layers names its node 1.
fn('shared_layer_twice', [5, 5, 3], (x) => {
  const shared = conv2d({ filters: 3, kernelSize: 1, activation: 'tanh' });
  const h = shared.apply(x);
  const g = conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(h);
  return shared.apply(g);
});
// The layer list written in reverse (outputs first, the InputLayer last): TF.js and Keras build a model
// from the inbound nodes, whatever the list's order. The reloaded model must reproduce the outputs.
fn('layers_reversed', [6, 5, 2], (x) => {
  const a = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  const b = conv2d({ filters: 3, kernelSize: 1 }).apply(x);
  const s = tfl.layers.add().apply([a, b]);
  return conv2d({ filters: 2, kernelSize: 2 }).apply(s);
}, { reverseLayers: true });

// ---- Combinations
// a MobileNet-style block: strided conv, BN, ReLU6, depthwise, BN, ReLU6, pointwise, BN, residual add
fn('combo_mobilenet_block', [8, 8, 3], (x) => {
  let h = conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x);
  h = tfl.layers.reLU({ maxValue: 6 }).apply(batchNorm().apply(h));
  let g = depthwise({ kernelSize: 3, padding: 'same', useBias: false }).apply(h);
  g = tfl.layers.reLU({ maxValue: 6 }).apply(batchNorm().apply(g));
  g = batchNorm().apply(conv2d({ filters: 4, kernelSize: 1, useBias: false }).apply(g));
  const s = tfl.layers.add().apply([h, g]);
  const p = tfl.layers.globalAveragePooling2d({}).apply(s);
  return dense({ units: 3, activation: 'softmax' }).apply(p);
});
seq('combo_conv1d', [16, 3],
  () => [conv1d({ filters: 4, kernelSize: 3, padding: 'same' }), batchNorm(),
         tfl.layers.activation({ activation: 'relu' }), tfl.layers.maxPooling1d({ poolSize: 2 }),
         conv1d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
         tfl.layers.globalMaxPooling1d(), dense({ units: 2, activation: 'sigmoid' })]);
seq('combo_conv2d', [9, 9, 2],
  () => [tfl.layers.zeroPadding2d({ padding: 1 }),
         conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu' }),
         separable({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
         tfl.layers.averagePooling2d({ poolSize: 2, padding: 'same' }), tfl.layers.flatten(),
         dense({ units: 3, activation: 'softmax' })]);

// ---- The benchmark models (same layers as the issue names them)
seq('conv1d_imu', [128, 6],
  () => [conv1d({ filters: 16, kernelSize: 5, activation: 'relu' }), tfl.layers.maxPooling1d({ poolSize: 2 }),
         conv1d({ filters: 32, kernelSize: 3, activation: 'relu' }), tfl.layers.globalAveragePooling1d(),
         dense({ units: 8, activation: 'softmax' })], { rows: 3, samples: 32 });
seq('cnn2d_small', [28, 28, 1],
  () => [conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }),
         conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling2d({ poolSize: 2 }),
         tfl.layers.flatten(), dense({ units: 10, activation: 'softmax' })], { rows: 3, samples: 32 });

// ---- PReLU (after a convolution), each form of alpha: the layer's whole shape (no shared axes), one
// slope per channel (shared over the spatial axes, as Keras applications write it), and one per row and
// channel (shared over the columns only). Slopes drawn in [0.05, 0.5): TF.js' default is zeros.
const prelu = (o) => tfl.layers.prelu(Object.assign({ alphaInitializer: uniform(0.05, 0.5) }, o));
seq('prelu_conv2d', [5, 4, 2], () => [conv2d({ filters: 3, kernelSize: 3, padding: 'same' }), prelu()]);
seq('prelu_shared_hw', [6, 5, 2],
  () => [conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), prelu({ sharedAxes: [1, 2] }),
         conv2d({ filters: 2, kernelSize: 1 })]);
seq('prelu_shared_w', [5, 6, 2], () => [conv2d({ filters: 3, kernelSize: 3 }), prelu({ sharedAxes: [2] })]);
seq('prelu_conv1d_shared_steps', [9, 2], () => [conv1d({ filters: 4, kernelSize: 3 }), prelu({ sharedAxes: [1] })]);

// ---- Merges that broadcast (NumPy's rules, as Keras: the lower rank aligned at the last axis)
// squeeze-and-excitation: GlobalAveragePooling2D -> Dense -> Dense sigmoid -> Reshape (1, 1, C) ->
// Multiply with the feature map: (H, W, C) * (1, 1, C)
fn('squeeze_excitation', [6, 6, 3], (x) => {
  const h = conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x);
  let s = tfl.layers.globalAveragePooling2d({}).apply(h);
  s = dense({ units: 2, activation: 'relu' }).apply(s);
  s = dense({ units: 8, activation: 'sigmoid' }).apply(s);
  s = tfl.layers.reshape({ targetShape: [1, 1, 8] }).apply(s);
  return tfl.layers.multiply().apply([h, s]);
});
// the same gate as a (C) vector, without the Reshape: (H, W, C) * (C)
fn('squeeze_excitation_rank1', [5, 5, 2], (x) => {
  const h = conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(x);
  const s = dense({ units: 4, activation: 'sigmoid' }).apply(tfl.layers.globalAveragePooling2d({}).apply(h));
  return tfl.layers.multiply().apply([h, s]);
});
// (1, C) + (T, C): the smaller input first
fn('broadcast_add_seq', [7, 3], (x) => {
  const h = conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'tanh' }).apply(x);
  const g = tfl.layers.reshape({ targetShape: [1, 4] }).apply(tfl.layers.globalMaxPooling1d().apply(h));
  return tfl.layers.add().apply([g, h]);
});
// three inputs, two of them (1, 1, C): the fold broadcasts at each step. Untrained: TF.js 4.22's gradient
// of a broadcasting Maximum has the output's shape ("The gradient of input 'b' has shape '16,5,4,3', which
// does not match the shape of the input '16,1,1,3'")
fn('broadcast_maximum3', [5, 4, 2], (x) => {
  const h = conv2d({ filters: 3, kernelSize: 3, padding: 'same' }).apply(x);
  const a = tfl.layers.reshape({ targetShape: [1, 1, 3] }).apply(tfl.layers.globalAveragePooling2d({}).apply(h));
  const b = tfl.layers.reshape({ targetShape: [1, 1, 3] }).apply(
    dense({ units: 3 }).apply(tfl.layers.globalMaxPooling2d({}).apply(h)));
  return tfl.layers.maximum().apply([a, h, b]);
}, { noTrain: true });
fn('broadcast_average', [4, 5, 2], (x) => {
  const h = conv2d({ filters: 3, kernelSize: 1, activation: 'relu' }).apply(x);
  const g = tfl.layers.reshape({ targetShape: [1, 1, 3] }).apply(tfl.layers.globalAveragePooling2d({}).apply(h));
  return tfl.layers.average().apply([h, g]);
});

// ---- Several inputs and outputs (a functional model's input_layers and output_layers with more than
// one entry). `shapes` lists the inputs; build gets them in that order. io.json then has "input_shapes"
// and "output_shapes", and a row holds every input (output) flattened, one after the other, in the
// model's order: the row anne_model_predict() takes (gives).
const multi = (name, shapes, build, extra) => MODELS.push(Object.assign({ name, shapes, build }, extra || {}));
// a sensor window through a Conv1D branch and a few scalar features through a Dense one, concatenated
multi('two_inputs_conv1d_dense', [[12, 3], [4]], ([w, f]) => {
  let h = conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(w);
  h = tfl.layers.globalMaxPooling1d().apply(h);
  const g = dense({ units: 3, activation: 'tanh' }).apply(f);
  const c = tfl.layers.concatenate().apply([h, g]);
  return dense({ units: 3, activation: 'softmax' }).apply(c);
});
// two inputs of one shape added, the second input listed first in the merge
multi('two_inputs_added', [[6, 2], [6, 2]], ([a, b]) => {
  const s = tfl.layers.add().apply([b, a]);
  return conv1d({ filters: 3, kernelSize: 2, activation: 'relu' }).apply(s);
});
// the inputs in another order than their use: the Dense branch's input is the model's first input
multi('two_inputs_swapped', [[5], [4, 4, 1]], ([f, img]) => {
  let h = conv2d({ filters: 2, kernelSize: 3 }).apply(img);
  h = tfl.layers.flatten().apply(h);
  const g = dense({ units: 2 }).apply(f);
  return dense({ units: 2, activation: 'sigmoid' }).apply(tfl.layers.concatenate().apply([h, g]));
});
// two heads: a class and a regression value, from one trunk
multi('two_outputs', [[10, 2]], ([x]) => {
  let h = conv1d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(x);
  h = tfl.layers.flatten().apply(h);
  const cls = dense({ units: 3, activation: 'softmax' }).apply(h);
  const value = dense({ units: 1 }).apply(h);
  return [cls, value];
});
// two inputs and two outputs, one output read by a later layer too (it stays alive to the end)
multi('two_in_two_out', [[4], [3]], ([a, b]) => {
  const h = dense({ units: 4, activation: 'relu' }).apply(a);
  const c = tfl.layers.concatenate().apply([h, b]);
  return [h, dense({ units: 2 }).apply(c)];
});

// ---- Recurrent layers: SimpleRNN, GRU (tfjs-layers 4.22 has only reset_after=false: "GRUCell does not
// support reset_after parameter set to true"), LSTM, with and without return_sequences and go_backwards,
// several cell and gate activations (TF.js' defaults are tanh and hard_sigmoid, Keras 2's form), and
// Bidirectional with each merge_mode. Recurrent kernels glorot-initialized (seeded) rather than TF.js'
// orthogonal default, so that every run writes the same weights.
const rnnInit = (o) => Object.assign({ kernelInitializer: glorot(), recurrentInitializer: glorot(),
  biasInitializer: uniform(-0.3, 0.3) }, o);
const simpleRNN = (o) => tfl.layers.simpleRNN(rnnInit(o));
const gru = (o) => tfl.layers.gru(rnnInit(o));
const lstm = (o) => tfl.layers.lstm(rnnInit(Object.assign({ unitForgetBias: false }, o)));
const bidirectional = (layer, mergeMode) => tfl.layers.bidirectional({ layer, mergeMode });
seq('simple_rnn_last', [7, 3], () => [simpleRNN({ units: 4 })]);
seq('simple_rnn_seq_relu', [6, 2], () => [simpleRNN({ units: 3, activation: 'relu', returnSequences: true })]);
seq('simple_rnn_backwards_seq', [5, 3],
  () => [simpleRNN({ units: 4, activation: 'softsign', returnSequences: true, goBackwards: true })]);
seq('gru_last', [8, 3], () => [gru({ units: 4 })]);
seq('gru_seq_backwards', [6, 2],
  () => [gru({ units: 3, returnSequences: true, goBackwards: true, recurrentActivation: 'sigmoid' })]);
seq('gru_elu_no_bias', [5, 3], () => [gru({ units: 3, activation: 'elu', useBias: false })]);
seq('lstm_last', [8, 3], () => [lstm({ units: 5 })]);
seq('lstm_seq_sigmoid', [6, 2], () => [lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' })]);
seq('lstm_backwards_last', [7, 2], () => [lstm({ units: 4, goBackwards: true, activation: 'softsign' })]);
seq('lstm_no_bias_seq', [5, 3], () => [lstm({ units: 3, useBias: false, returnSequences: true })]);
seq('lstm_unit_forget_bias', [6, 2], () => [lstm({ units: 3, unitForgetBias: true }), dense({ units: 2 })]);
// the shape of an activity-recognition model: Conv1D features, pooled, through an LSTM, then a classifier
seq('conv1d_lstm_dense', [24, 3],
  () => [conv1d({ filters: 6, kernelSize: 3, activation: 'relu' }), tfl.layers.maxPooling1d({ poolSize: 2 }),
         lstm({ units: 8, recurrentActivation: 'sigmoid' }), dense({ units: 3, activation: 'softmax' })]);
seq('lstm_stacked', [10, 2],
  () => [lstm({ units: 6, returnSequences: true }), lstm({ units: 4 }), dense({ units: 2 })]);
seq('gru_stacked_dense_seq', [8, 2],
  () => [gru({ units: 5, returnSequences: true }), simpleRNN({ units: 3, returnSequences: true }),
         dense({ units: 2, activation: 'sigmoid' })]);
seq('bidir_lstm_concat_seq', [7, 3], () => [bidirectional(lstm({ units: 4, returnSequences: true }), 'concat')]);
seq('bidir_lstm_concat_last', [6, 2],
  () => [bidirectional(lstm({ units: 3, recurrentActivation: 'sigmoid' }), 'concat'), dense({ units: 2 })]);
seq('bidir_gru_sum_seq', [6, 3], () => [bidirectional(gru({ units: 3, returnSequences: true }), 'sum')]);
seq('bidir_simple_rnn_mul_last', [5, 2], () => [bidirectional(simpleRNN({ units: 4 }), 'mul')]);
seq('bidir_lstm_ave_seq', [6, 2],
  () => [bidirectional(lstm({ units: 3, returnSequences: true }), 'ave'), tfl.layers.globalAveragePooling1d()]);
// a Bidirectional LSTM over Conv1D features, then a second LSTM (the ECG models' shape)
seq('conv1d_bidir_lstm_lstm', [16, 2],
  () => [conv1d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
         bidirectional(lstm({ units: 3, returnSequences: true }), 'concat'), lstm({ units: 3 }),
         dense({ units: 2, activation: 'softmax' })]);
// return_state: the layer's states are outputs of its own, which ANNE does not give; a model that reads
// only the sequence converts (and one that reads a state is refused: tests/test_keras_rnn.c edits this one)
fn('lstm_return_state_unused', [6, 2], (x) => {
  const [seq] = lstm({ units: 3, returnSequences: true, returnState: true }).apply(x);
  return dense({ units: 2 }).apply(tfl.layers.globalAveragePooling1d().apply(seq));
});

// ---- Writing

// The shortest decimal that reads back (as a double, then rounded to float32) to the float32 value v.
function f32text(v) {
  if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0';
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  throw new Error(`${v} is not a float32 value`);
}

const rowsText = (rows) => '[\n' + rows.map((r) => '  [' + r.map(f32text).join(', ') + ']').join(',\n') + ']';

// The layer class names a saved topology uses (wrapped layers too), in order of first use.
function opsOf(topology) {
  const names = [];
  const visit = (layer) => {
    if (layer.class_name !== 'InputLayer' && !names.includes(layer.class_name)) names.push(layer.class_name);
    if (layer.config && layer.config.layer) visit(layer.config.layer);
  };
  topology.config.layers.forEach(visit);
  return names;
}

// tfjs-layers 4.22's SeparableConv2D.getConfig() leaves depth_multiplier out, so a model it saves with a
// multiplier other than 1 does not load again (the depthwise kernel's shape disagrees with the default
// 1). Keras writes it; it is added here as Keras writes it, and the reload check below proves the file.
function addDepthMultiplier(model, topology) {
  model.layers.forEach((l) => {
    if (l.getClassName() !== 'SeparableConv2D') return;
    const entry = topology.config.layers.find((e) => e.config.name === l.name);
    if (entry.config.depth_multiplier === undefined) entry.config.depth_multiplier = l.depthMultiplier;
  });
}

async function artifactsOf(model) {
  let out;
  await model.save(tf.io.withSaveHandler(async (a) => {
    out = a;
    return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
  }));
  return out;
}

function build(spec) {
  if (spec.shapes) {
    const xs = spec.shapes.map((shape) => tfl.input({ shape }));
    return tfl.model({ inputs: xs, outputs: spec.build(xs) });
  }
  if (spec.build) {
    const x = tfl.input({ shape: spec.shape });
    return tfl.model({ inputs: x, outputs: spec.build(x) });
  }
  const model = tfl.sequential();
  const layers = spec.layers();
  if (!layers[0].batchInputShape) model.add(tfl.layers.inputLayer({ inputShape: spec.shape }));
  layers.forEach((l) => model.add(l));
  return model;
}

const flat = (a) => (Array.isArray(a) ? a.flat(Infinity) : [a]);

const sizeOf = (shape) => shape.reduce((p, q) => p * q, 1);

// Rows of values (each all inputs, or outputs, side by side) as one tensor per shape, and back.
function split(rows, shapes) {
  let at = 0;
  const ts = shapes.map((shape) => {
    const size = sizeOf(shape);
    const t = tf.reshape(tf.tensor(rows.map((row) => row.slice(at, at + size))), [rows.length].concat(shape));
    at += size;
    return t;
  });
  return ts.length === 1 ? ts[0] : ts;
}
async function joined(ts) {
  const parts = await Promise.all((Array.isArray(ts) ? ts : [ts]).map(async (t) => (await t.array()).map(flat)));
  return parts[0].map((_, i) => [].concat(...parts.map((p) => p[i])));
}

// Builds, trains and writes one model; returns its index.json entry.
async function makeModel(spec, k) {
  SEED = 1000 * (k + 1);
  const model = build(spec);
  const r = rng(1000 + k);
  const inShapes = spec.shapes || [spec.shape];
  const outShapes = model.outputs.map((o) => o.shape.slice(1));
  const inSize = inShapes.map(sizeOf).reduce((p, q) => p + q, 0);
  const outSize = outShapes.map(sizeOf).reduce((p, q) => p + q, 0);
  const n = spec.samples || 48;
  const xs = split(matrix(r, n, inSize, -2, 2), inShapes);
  const ys = split(matrix(r, n, outSize, 0, 1), outShapes);
  model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
  if (!spec.noTrain) await model.fit(xs, ys, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
  const rows = spec.rows || 6;
  const inputs = matrix(r, rows, inSize, -3, 3);
  const xt = split(inputs, inShapes);
  const yt = model.predict(xt);
  const outputs = await joined(yt);
  const a = await artifactsOf(model);
  addDepthMultiplier(model, a.modelTopology);
  if (spec.reverseLayers) a.modelTopology.config.layers.reverse();
  // What was written must load in TF.js and give the same outputs, bit for bit.
  const back = await tfl.loadLayersModel(tf.io.fromMemory(
    { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs, weightData: a.weightData }));
  const again = await joined(back.predict(xt));
  again.forEach((row, i) => row.forEach((v, j) => {
    if (!Object.is(v, outputs[i][j])) throw new Error(`the reloaded model gives ${v}, not ${outputs[i][j]}`);
  }));
  const dir = path.join(OUT_DIR, spec.name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${TFJS_VERSION}`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  }));
  fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(a.weightData));
  const shapes = spec.shapes
    ? `{"input_shapes": ${JSON.stringify(inShapes)}, "output_shapes": ${JSON.stringify(outShapes)},\n`
    : `{"input_shape": ${JSON.stringify(inShapes[0])}, "output_shape": ${JSON.stringify(outShapes[0])},\n`;
  fs.writeFileSync(path.join(dir, 'io.json'),
    shapes + `"inputs": ${rowsText(inputs)},\n"outputs": ${rowsText(outputs)}}\n`);
  tf.dispose([xs, ys, xt, yt].flat());
  back.dispose();
  model.dispose();
  return { name: spec.name, ops: opsOf(a.modelTopology) };
}

async function main() {
  const index = [];
  fs.mkdirSync(OUT_DIR, { recursive: true });
  for (let k = 0; k < MODELS.length; k++) {
    const spec = MODELS[k];
    try {
      index.push(await makeModel(spec, k));
    } catch (e) {
      e.message = `${spec.name}: ${e.message}`;
      throw e;
    }
  }
  fs.writeFileSync(path.join(OUT_DIR, 'index.json'),
    '{"generator": "reference/tfjs-graph/make_models.js", "tfjs": "' + TFJS_VERSION + '",\n"models": [\n' +
    index.map((m) => ' ' + JSON.stringify(m)).join(',\n') + ']}\n');
  console.log(`wrote ${index.length} models to ${OUT_DIR}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
