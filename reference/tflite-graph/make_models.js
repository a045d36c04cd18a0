// Float32 TensorFlow Lite CNN graphs for ANNE's .tflite importer tests, with TFLite's own outputs.
// There is no TFLite converter here, so each model is written the way the converter writes the Keras
// layer it stands for (operators, tensor shapes, option fields, shared int32 constants: checked
// against the converter's files in ../shared/fixtures/keras), as JSON in TFLite's schema
// (schema.fbs beside this script: TensorFlow Lite's own, verbatim), turned into a .tflite by flatc,
// and run by LiteRT.js (@litertjs/core: TFLite's runtime compiled to WebAssembly, XNNPACK CPU
// kernels) on seeded random inputs. Every output is also computed in float64 from flatc's JSON dump
// of the written file, with TFLite's reference_ops formulas, and must agree within 1e-5 (relative
// above 1): so a model that does not mean what its name says, or a runtime that computes something
// else, stops the script. Writes tests/data/tflite_graph/<name>/{model.tflite,io.json} and
// index.json; deterministic (seeded weights and inputs, LiteRT's wasm build chosen explicitly).
// Run it with scripts/regen-tflite-graph-references.sh (needs node, npm and flatc).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const vm = require('vm');
const { execFileSync } = require('child_process');
const { pathToFileURL, fileURLToPath } = require('url');

const OUT_DIR = path.join(__dirname, '..', '..', 'tests', 'data', 'tflite_graph');
const SCHEMA = path.join(__dirname, 'schema.fbs');
const LITERT_DIR = path.join(__dirname, 'node_modules', '@litertjs', 'core');
// The build without relaxed SIMD: relaxed SIMD lets an engine pick fused or unfused multiply-adds, so
// which build LiteRT would choose (and its outputs) would depend on the node version.
const LITERT_WASM = 'litert_wasm_compat_internal.js';
const LITERT_VERSION = JSON.parse(fs.readFileSync(path.join(LITERT_DIR, 'package.json'), 'utf8')).version;

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

const prod = (a) => a.reduce((p, q) => p * q, 1);

// Builtin operator codes, read from the schema so that a name and its number cannot disagree.
const OPCODES = (() => {
  const text = fs.readFileSync(SCHEMA, 'utf8');
  const body = text.slice(text.indexOf('enum BuiltinOperator'));
  const codes = {};
  for (const m of body.slice(0, body.indexOf('}')).matchAll(/^\s*([A-Z0-9_]+)\s*=\s*(\d+)/gm)) codes[m[1]] = Number(m[2]);
  return codes;
})();

// ---- Building a model (the tables of schema.fbs, as flatc's JSON)

// One subgraph in the converter's layout: buffer 0 empty, every tensor its own buffer (empty for
// activations), int32 constants shared between operators that use the same value (as the MLIR
// converter does), float32 weights little-endian. Shapes here include the batch axis (1).
class Model {
  constructor(name, seed) {
    this.name = name;
    this.r = rng(seed);
    this.tensors = [];
    this.buffers = [{}];
    this.ops = [];
    this.codes = [];
    this.ints = new Map();
    this.layer = 0;
  }

  tensor(shape, name, type, bytes) {
    this.buffers.push(bytes ? { data: Array.from(bytes) } : {});
    this.tensors.push({ shape: shape.slice(), type: type || 'FLOAT32', buffer: this.buffers.length - 1, name,
                        has_rank: true });
    return this.tensors.length - 1;
  }

  input(shape) {
    this.inputIndex = this.tensor([1].concat(shape), 'serving_default_input:0');
    return this.inputIndex;
  }

  // float32 constant with values uniform in [lo, hi)
  floats(shape, lo, hi, name) {
    const v = new Float32Array(prod(shape));
    for (let i = 0; i < v.length; i++) v[i] = lo + (hi - lo) * this.r();
    return this.tensor(shape, name, 'FLOAT32', new Uint8Array(v.buffer));
  }

  // int32 constant; shape [] is a scalar. Equal constants are one tensor, as the converter writes them.
  int32(shape, values, name) {
    const key = JSON.stringify([shape, values]);
    if (!this.ints.has(key)) {
      const v = Int32Array.from(values);
      this.ints.set(key, this.tensor(shape, name || `arith.constant${this.ints.size || ''}`, 'INT32',
                                     new Uint8Array(v.buffer)));
    }
    return this.ints.get(key);
  }

  op(code, inputs, outShape, name, optionsType, options) {
    if (OPCODES[code] === undefined) throw new Error(`no operator ${code} in the schema`);
    let k = this.codes.indexOf(code);
    if (k < 0) k = this.codes.push(code) - 1;
    const out = this.tensor(outShape, name);
    const op = { opcode_index: k, inputs, outputs: [out] };
    if (optionsType) {
      op.builtin_options_type = optionsType;
      op.builtin_options = options || {};
    }
    this.ops.push(op);
    return out;
  }

  shape(t) { return this.tensors[t].shape; }

  // a fresh Keras-like layer name
  next(kind) { return `model/${kind}_${++this.layer}`; }

  json() {
    const out = this.outputIndex;
    this.tensors[out].name = 'StatefulPartitionedCall:0';
    const runtime = Buffer.alloc(16);
    runtime.write('1.14.0');
    this.buffers.push({ data: Array.from(runtime) });
    return {
      version: 3,
      operator_codes: this.codes.map((c) => ({ deprecated_builtin_code: Math.min(OPCODES[c], 127), version: 1,
                                               builtin_code: c })),
      subgraphs: [{ tensors: this.tensors, inputs: [this.inputIndex], outputs: [out], operators: this.ops,
                    name: 'main' }],
      description: 'ANNE reference/tflite-graph/make_models.js',
      buffers: this.buffers,
      metadata: [{ name: 'min_runtime_version', buffer: this.buffers.length - 1 }],
      signature_defs: [{ inputs: [{ name: 'input', tensor_index: this.inputIndex }],
                         outputs: [{ name: 'output_0', tensor_index: out }], signature_key: 'serving_default' }],
    };
  }
}

// ---- Keras layers as the TFLite converter writes them (NHWC, batch 1)

// Output size and the padding before, as TFLite's ComputePaddingHeightWidth (TensorFlow's SAME/VALID).
function window(inn, k, s, d, padding) {
  const eff = (k - 1) * d + 1;
  const out = padding === 'SAME' ? Math.ceil(inn / s) : Math.ceil((inn - eff + 1) / s);
  if (out < 1) throw new Error(`window ${k} (dilation ${d}) does not fit ${inn}`);
  return { out, before: Math.floor(Math.max((out - 1) * s + eff - inn, 0) / 2) };
}

const glorot = (fanIn, fanOut) => Math.sqrt(6 / (fanIn + fanOut));

// CONV_2D: filter [out_c, kh, kw, in_c], bias [out_c]. TFLite's float kernel requires the bias (two
// inputs: "conv.cc:392 has_bias was not true"; a third input of -1: "Tensor at index 2 was optional
// but was expected"), so the converter writes zeros for a Conv2D without bias: bias 'zeros'.
function conv2d(m, x, o) {
  const [, h, w, c] = m.shape(x);
  const [kh, kw] = o.k, [sh, sw] = o.s || [1, 1], [dh, dw] = o.d || [1, 1];
  const padding = o.padding || 'VALID';
  const name = o.name || m.next('conv2d');
  const lim = glorot(kh * kw * c, kh * kw * o.filters);
  const f = m.floats([o.filters, kh, kw, c], -lim, lim, `${name}/Conv2D`);
  const b = o.bias === 'zeros' ? m.floats([o.filters], 0, 0, `${name}/Conv2D_bias`)
                               : m.floats([o.filters], -0.3, 0.3, `${name}/BiasAdd/ReadVariableOp`);
  const out = [1, window(h, kh, sh, dh, padding).out, window(w, kw, sw, dw, padding).out, o.filters];
  const opts = { padding, stride_w: sw, stride_h: sh, fused_activation_function: o.act || 'NONE' };
  if (dw !== 1) opts.dilation_w_factor = dw;
  if (dh !== 1) opts.dilation_h_factor = dh;
  return m.op('CONV_2D', [x, f, b], out, `${name}/BiasAdd;${name}/Conv2D`, 'Conv2DOptions', opts);
}

// DEPTHWISE_CONV_2D: filter [1, kh, kw, in_c * mult], output channel ic * mult + j.
function depthwise(m, x, o) {
  const [, h, w, c] = m.shape(x);
  const [kh, kw] = o.k, [sh, sw] = o.s || [1, 1], [dh, dw] = o.d || [1, 1];
  const mult = o.mult || 1, padding = o.padding || 'VALID';
  const name = o.name || m.next('depthwise_conv2d');
  const lim = glorot(kh * kw, kh * kw * mult);
  const f = m.floats([1, kh, kw, c * mult], -lim, lim, `${name}/depthwise`);
  const b = m.floats([c * mult], -0.3, 0.3, `${name}/BiasAdd/ReadVariableOp`);
  const out = [1, window(h, kh, sh, dh, padding).out, window(w, kw, sw, dw, padding).out, c * mult];
  const opts = { padding, stride_w: sw, stride_h: sh, depth_multiplier: mult,
                 fused_activation_function: o.act || 'NONE' };
  if (dw !== 1) opts.dilation_w_factor = dw;
  if (dh !== 1) opts.dilation_h_factor = dh;
  return m.op('DEPTHWISE_CONV_2D', [x, f, b], out, `${name}/BiasAdd;${name}/depthwise`, 'DepthwiseConv2DOptions',
              opts);
}

// MAX_POOL_2D / AVERAGE_POOL_2D
function pool(m, code, x, o) {
  const [, h, w, c] = m.shape(x);
  const [kh, kw] = o.k, [sh, sw] = o.s || o.k, padding = o.padding || 'VALID';
  const name = o.name || m.next(code === 'MAX_POOL_2D' ? 'max_pooling2d' : 'average_pooling2d');
  const out = [1, window(h, kh, sh, 1, padding).out, window(w, kw, sw, 1, padding).out, c];
  return m.op(code, [x], out, `${name}/${code === 'MAX_POOL_2D' ? 'MaxPool' : 'AvgPool'}`, 'Pool2DOptions',
              { padding, stride_w: sw, stride_h: sh, filter_width: kw, filter_height: kh,
                fused_activation_function: o.act || 'NONE' });
}

// EXPAND_DIMS with a scalar int32 axis (the converter's form; the axis may be negative)
function expandDims(m, x, axis, name) {
  const s = m.shape(x).slice();
  const a = axis < 0 ? axis + s.length + 1 : axis;
  s.splice(a, 0, 1);
  return m.op('EXPAND_DIMS', [x, m.int32([], [axis])], s, `${name}/ExpandDims`, 'ExpandDimsOptions', {});
}

// RESHAPE as the MLIR converter writes it: the shape as an int32 input (the batch as -1 where the
// Keras graph had it dynamic), no ReshapeOptions. With legacyOptions, TOCO's form: the same input and
// ReshapeOptions.new_shape as well.
function reshape(m, x, shape, name, spec, legacyOptions) {
  if (prod(shape) !== prod(m.shape(x))) throw new Error(`reshape ${m.shape(x)} -> ${shape}`);
  const s = spec || shape;
  const t = m.int32([s.length], s);
  if (legacyOptions) return m.op('RESHAPE', [x, t], shape, `${name}/Reshape`, 'ReshapeOptions', { new_shape: s });
  return m.op('RESHAPE', [x, t], shape, `${name}/Reshape`);
}

function squeeze(m, x, dims, name) {
  const s = m.shape(x);
  const drop = dims.map((d) => (d < 0 ? d + s.length : d));
  drop.forEach((d) => { if (s[d] !== 1) throw new Error(`squeeze of axis ${d} of ${s}`); });
  return m.op('SQUEEZE', [x], s.filter((_, i) => !drop.includes(i)), `${name}/Squeeze`, 'SqueezeOptions',
              { squeeze_dims: dims });
}

// Keras Conv1D on [1, L, C]. style 'keras3': EXPAND_DIMS(axis -3) + CONV_2D + RESHAPE([-1, L', F]),
// exactly as in the Keras 3.13 gesture model of ../shared; 'keras2': EXPAND_DIMS(-3) + CONV_2D +
// SQUEEZE([-3]) (tf.nn.conv1d's own ExpandDims and Squeeze, when a converter keeps the Squeeze);
// 'reshape': RESHAPE([1, 1, L, C]) + CONV_2D + RESHAPE (reported for TF 2.4/2.5: kendryte/nncase#305).
function conv1d(m, x, o) {
  const name = m.next('conv1d');
  const style = o.style || 'keras3';
  const [, l, c] = m.shape(x);
  const x4 = style === 'reshape' ? reshape(m, x, [1, 1, l, c], `${name}/convolution`)
                                 : expandDims(m, x, -3, `${name}/convolution`);
  const y4 = conv2d(m, x4, { filters: o.filters, k: [1, o.k], s: [1, o.s || 1], d: [1, o.d || 1],
                             padding: o.padding, act: o.act, name });
  const [, , l2, f] = m.shape(y4);
  if (style === 'keras2') return squeeze(m, y4, [-3], `${name}/convolution`);
  return reshape(m, y4, [1, l2, f], `${name}/convolution`, [-1, l2, f]);
}

// Keras MaxPooling1D / AveragePooling1D on [1, L, C]. 'keras3': EXPAND_DIMS(axis 1) + pool of
// (1, k) + RESHAPE (the gesture model); 'keras2': EXPAND_DIMS(axis 2) + pool of (k, 1) + SQUEEZE([2])
// (Keras 2's Pooling1D expands the axis after the steps).
function pool1d(m, code, x, o) {
  const name = m.next(code === 'MAX_POOL_2D' ? 'max_pooling1d' : 'average_pooling1d');
  const s = o.s || o.k;
  if ((o.style || 'keras3') === 'keras2') {
    const x4 = expandDims(m, x, 2, name);
    return squeeze(m, pool(m, code, x4, { k: [o.k, 1], s: [s, 1], padding: o.padding, name }), [2], name);
  }
  const x4 = expandDims(m, x, 1, name);
  const y4 = pool(m, code, x4, { k: [1, o.k], s: [1, s], padding: o.padding, name });
  const [, , l2, c] = m.shape(y4);
  return reshape(m, y4, [1, l2, c], name, [-1, l2, c]);
}

// MEAN over axes (an int32 scalar for one axis, as the converter writes GlobalAveragePooling1D)
function mean(m, x, axes, keepDims) {
  const name = m.next('global_average_pooling');
  const s = m.shape(x);
  const out = keepDims ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
  const a = axes.length === 1 ? m.int32([], axes) : m.int32([axes.length], axes);
  return m.op('MEAN', [x, a], out, `${name}/Mean`, 'ReducerOptions', keepDims ? { keep_dims: true } : {});
}

// PAD with an int32 paddings tensor [rank, 2] (Keras ZeroPadding1D/2D)
function pad(m, x, pads) {
  const name = m.next('zero_padding');
  const out = m.shape(x).map((d, i) => d + pads[i][0] + pads[i][1]);
  return m.op('PAD', [x, m.int32([pads.length, 2], pads.flat())], out, `${name}/Pad`, 'PadOptions', {});
}

// FULLY_CONNECTED: weights [units, inputs], bias [units]
function dense(m, x, units, o) {
  o = o || {};
  const name = m.next('dense');
  const s = m.shape(x), n = s[s.length - 1];
  const lim = glorot(n, units);
  const wt = m.floats([units, n], -lim, lim, `${name}/MatMul`);
  const b = m.floats([units], -0.3, 0.3, `${name}/BiasAdd/ReadVariableOp`);
  const out = o.keepNumDims ? s.slice(0, -1).concat([units]) : [prod(s) / n, units];
  const opts = { fused_activation_function: o.act || 'NONE' };
  if (o.keepNumDims) opts.keep_num_dims = true;
  return m.op('FULLY_CONNECTED', [x, wt, b], out, `${name}/MatMul;${name}/BiasAdd`, 'FullyConnectedOptions', opts);
}

// NumPy's broadcast of two shapes (aligned at the last axis, each axis equal or 1), as TFLite's
// elementwise operators take them; throws when they do not broadcast.
function broadcastShape(a, b) {
  const n = Math.max(a.length, b.length), out = [];
  for (let k = 0; k < n; k++) {
    const p = a[a.length - n + k] || 1, q = b[b.length - n + k] || 1;
    if (p !== q && p !== 1 && q !== 1) throw new Error(`shapes ${a} and ${b} do not broadcast`);
    out.push(Math.max(p, q));
  }
  return out;
}

// The index into a tensor of shape s of the element at index i of the broadcast shape out.
function broadcastIndex(i, out, s) {
  let j = 0, rest = i;
  const idx = new Array(out.length);
  for (let k = out.length - 1; k >= 0; k--) { idx[k] = rest % out[k]; rest = Math.floor(rest / out[k]); }
  for (let k = 0; k < s.length; k++) {
    const d = s[k], at = idx[out.length - s.length + k];
    j = j * d + (d === 1 ? 0 : at);
  }
  return j;
}

// ADD, SUB, MUL (with a fused activation), MAXIMUM, MINIMUM (no options) of two tensors whose shapes
// broadcast
const OPTIONS_OF = { ADD: 'AddOptions', SUB: 'SubOptions', MUL: 'MulOptions' };
function binary(m, code, a, b, act) {
  const name = m.next(code.toLowerCase());
  const out = broadcastShape(m.shape(a), m.shape(b));
  if (!OPTIONS_OF[code]) return m.op(code, [a, b], out, `${name}/${code}`);
  return m.op(code, [a, b], out, `${name}/${code}`, OPTIONS_OF[code], { fused_activation_function: act || 'NONE' });
}

function concat(m, xs, axis) {
  const name = m.next('concatenate');
  const s = m.shape(xs[0]).slice();
  const a = axis < 0 ? axis + s.length : axis;
  s[a] = xs.reduce((p, t) => p + m.shape(t)[a], 0);
  return m.op('CONCATENATION', xs, s, `${name}/concat`, 'ConcatenationOptions', { axis });
}

// Activation operators; LEAKY_RELU and SOFTMAX carry their parameter, the others an empty options table
// where the schema has one (HARD_SWISH) or none (LOGISTIC, TANH, RELU, RELU6).
function activation(m, code, x, param) {
  const name = m.next(code.toLowerCase());
  if (code === 'LEAKY_RELU') return m.op(code, [x], m.shape(x), `${name}/LeakyRelu`, 'LeakyReluOptions', { alpha: param });
  if (code === 'SOFTMAX') return m.op(code, [x], m.shape(x), `${name}/Softmax`, 'SoftmaxOptions', { beta: param });
  if (code === 'HARD_SWISH') return m.op(code, [x], m.shape(x), `${name}/HardSwish`, 'HardSwishOptions', {});
  return m.op(code, [x], m.shape(x), `${name}/${code}`);
}

// ---- The models: one feature each where possible, so that a failure names it

const MODELS = [];
const def = (name, shape, build, extra) => MODELS.push(Object.assign({ name, shape, build }, extra || {}));

// CONV_2D
def('conv2d_valid', [6, 7, 2], (m, x) => conv2d(m, x, { filters: 4, k: [3, 3] }));
def('conv2d_same', [6, 7, 2], (m, x) => conv2d(m, x, { filters: 3, k: [3, 3], padding: 'SAME' }));
def('conv2d_same_s2', [7, 8, 3], (m, x) => conv2d(m, x, { filters: 4, k: [3, 3], s: [2, 2], padding: 'SAME' }));
def('conv2d_same_k23_s12', [6, 9, 2], (m, x) => conv2d(m, x, { filters: 3, k: [2, 3], s: [1, 2], padding: 'SAME' }));
def('conv2d_valid_s2_odd', [9, 7, 2], (m, x) => conv2d(m, x, { filters: 3, k: [3, 2], s: [2, 3] }));
def('conv2d_dilation2_valid', [8, 9, 2], (m, x) => conv2d(m, x, { filters: 3, k: [3, 3], d: [2, 2] }));
def('conv2d_dilation2_same', [7, 8, 2], (m, x) => conv2d(m, x, { filters: 3, k: [3, 2], d: [2, 2], padding: 'SAME' }));
def('conv2d_1x1', [5, 4, 6], (m, x) => conv2d(m, x, { filters: 3, k: [1, 1] }));
def('conv2d_no_bias', [6, 5, 2], (m, x) => conv2d(m, x, { filters: 3, k: [3, 3], bias: 'zeros' }));
def('conv2d_relu', [6, 6, 2], (m, x) => conv2d(m, x, { filters: 4, k: [3, 3], act: 'RELU' }));
def('conv2d_relu6', [6, 6, 2], (m, x) => conv2d(m, x, { filters: 4, k: [3, 3], act: 'RELU6' }));
def('conv2d_relu_n1_to_1', [6, 6, 2], (m, x) => conv2d(m, x, { filters: 4, k: [3, 3], act: 'RELU_N1_TO_1' }));
// DEPTHWISE_CONV_2D
def('depthwise_m1_same', [6, 7, 3], (m, x) => depthwise(m, x, { k: [3, 3], padding: 'SAME' }));
def('depthwise_m2_valid', [6, 7, 3], (m, x) => depthwise(m, x, { k: [3, 3], mult: 2 }));
def('depthwise_s2_same_relu6', [7, 8, 4], (m, x) => depthwise(m, x, { k: [3, 3], s: [2, 2], padding: 'SAME', act: 'RELU6' }));
def('depthwise_m3_k23_s21', [7, 8, 2], (m, x) => depthwise(m, x, { k: [2, 3], s: [2, 1], mult: 3 }));
def('depthwise_dilation2', [8, 8, 2], (m, x) => depthwise(m, x, { k: [3, 3], d: [2, 2], padding: 'SAME' }));
// Keras SeparableConv2D: DEPTHWISE_CONV_2D then a 1x1 CONV_2D
def('separable_conv2d', [6, 6, 3], (m, x) =>
  conv2d(m, depthwise(m, x, { k: [3, 3], mult: 2, padding: 'SAME' }), { filters: 4, k: [1, 1], act: 'RELU' }));
// Conv1D in the three forms converters write
def('conv1d_expand_reshape', [12, 3], (m, x) => conv1d(m, x, { filters: 4, k: 3 }));
def('conv1d_expand_squeeze', [12, 3], (m, x) => conv1d(m, x, { filters: 4, k: 3, style: 'keras2' }));
def('conv1d_reshape_reshape', [12, 3], (m, x) => conv1d(m, x, { filters: 4, k: 3, style: 'reshape' }));
def('conv1d_same_s2', [11, 3], (m, x) => conv1d(m, x, { filters: 5, k: 4, s: 2, padding: 'SAME' }));
def('conv1d_dilation2_relu', [14, 2], (m, x) => conv1d(m, x, { filters: 3, k: 3, d: 2, act: 'RELU' }));
// Pooling
def('maxpool2d_valid_k3_s2', [7, 8, 3], (m, x) => pool(m, 'MAX_POOL_2D', x, { k: [3, 3], s: [2, 2] }));
def('maxpool2d_same_k3_s2', [7, 8, 3], (m, x) => pool(m, 'MAX_POOL_2D', x, { k: [3, 3], s: [2, 2], padding: 'SAME' }));
def('maxpool2d_same_k2_s1', [5, 6, 2], (m, x) => pool(m, 'MAX_POOL_2D', x, { k: [2, 2], s: [1, 1], padding: 'SAME' }));
def('avgpool2d_valid_k3_s2', [7, 8, 3], (m, x) => pool(m, 'AVERAGE_POOL_2D', x, { k: [3, 3], s: [2, 2] }));
def('avgpool2d_same_k3_s2', [7, 8, 3], (m, x) => pool(m, 'AVERAGE_POOL_2D', x, { k: [3, 3], s: [2, 2], padding: 'SAME' }));
def('avgpool2d_same_k23_s12', [6, 7, 2], (m, x) => pool(m, 'AVERAGE_POOL_2D', x, { k: [2, 3], s: [1, 2], padding: 'SAME' }));
def('maxpool1d_expand_reshape', [12, 3], (m, x) => pool1d(m, 'MAX_POOL_2D', x, { k: 2 }));
def('maxpool1d_expand_squeeze', [12, 3], (m, x) => pool1d(m, 'MAX_POOL_2D', x, { k: 2, style: 'keras2' }));
def('avgpool1d_same_k3_s2', [11, 3], (m, x) => pool1d(m, 'AVERAGE_POOL_2D', x, { k: 3, s: 2, padding: 'SAME' }));
def('avgpool1d_expand_squeeze_k3_s2', [11, 3], (m, x) =>
  pool1d(m, 'AVERAGE_POOL_2D', x, { k: 3, s: 2, padding: 'SAME', style: 'keras2' }));
// MEAN: GlobalAveragePooling2D/1D
def('mean_hw', [5, 6, 3], (m, x) => mean(m, x, [1, 2], false));
def('mean_hw_keep_dims', [5, 6, 3], (m, x) => mean(m, x, [1, 2], true));
def('mean_steps', [9, 4], (m, x) => mean(m, x, [1], false));
// PAD: ZeroPadding2D/1D
def('pad_2d', [4, 5, 2], (m, x) => pad(m, x, [[0, 0], [1, 2], [2, 0], [0, 0]]));
def('pad_1d', [6, 3], (m, x) => pad(m, x, [[0, 0], [2, 1], [0, 0]]));
// RESHAPE as Flatten, FULLY_CONNECTED
def('flatten_dense', [4, 3, 2], (m, x) => dense(m, reshape(m, x, [1, 24], 'model/flatten', [-1, 24]), 5));
def('flatten_reshape_options', [4, 3, 2], (m, x) =>
  dense(m, reshape(m, x, [1, 24], 'model/flatten', [-1, 24], true), 5));
def('dense_keep_num_dims', [5, 4], (m, x) => dense(m, x, 3, { keepNumDims: true }));
def('dense_rank3_then_reshape', [5, 4], (m, x) => reshape(m, dense(m, x, 3), [1, 5, 3], 'model/dense_out', [1, 5, 3]));
// Elementwise merges of two branches (1x1 convolutions of the input)
const branches = (m, x) => [conv2d(m, x, { filters: 3, k: [1, 1] }), conv2d(m, x, { filters: 3, k: [1, 1] })];
def('add', [4, 5, 2], (m, x) => binary(m, 'ADD', ...branches(m, x)));
def('add_relu', [4, 5, 2], (m, x) => binary(m, 'ADD', ...branches(m, x), 'RELU'));
def('sub', [4, 5, 2], (m, x) => binary(m, 'SUB', ...branches(m, x)));
def('mul', [4, 5, 2], (m, x) => binary(m, 'MUL', ...branches(m, x)));
def('concat_channels', [4, 5, 2], (m, x) =>
  concat(m, [conv2d(m, x, { filters: 3, k: [1, 1] }), conv2d(m, x, { filters: 2, k: [3, 3], padding: 'SAME' })], 3));
def('concat_1d_axis_minus1', [7, 2], (m, x) =>
  concat(m, [conv1d(m, x, { filters: 3, k: 3, padding: 'SAME' }), x], -1));
// Activation operators after a convolution (the converter fuses only RELU, RELU6 and RELU_N1_TO_1),
// and RELU/RELU6 on the input, where nothing can take them
def('logistic', [4, 5, 2], (m, x) => activation(m, 'LOGISTIC', conv2d(m, x, { filters: 3, k: [1, 1] })));
def('tanh', [4, 5, 2], (m, x) => activation(m, 'TANH', conv2d(m, x, { filters: 3, k: [1, 1] })));
def('leaky_relu', [4, 5, 2], (m, x) => activation(m, 'LEAKY_RELU', conv2d(m, x, { filters: 3, k: [1, 1] }), 0.2));
def('hard_swish', [4, 5, 2], (m, x) => activation(m, 'HARD_SWISH', conv2d(m, x, { filters: 3, k: [1, 1] })));
def('softmax_channels', [4, 5, 2], (m, x) => activation(m, 'SOFTMAX', conv2d(m, x, { filters: 4, k: [1, 1] }), 1));
def('relu_input', [4, 5, 2], (m, x) => activation(m, 'RELU', x));
def('relu6_input', [6, 3], (m, x) => activation(m, 'RELU6', x));
def('dense_softmax', [6], (m, x) => activation(m, 'SOFTMAX', dense(m, x, 4), 1));
// A residual block: the input goes through two convolutions and is added back
def('residual_block', [6, 6, 4], (m, x) => {
  const y = conv2d(m, conv2d(m, x, { filters: 4, k: [3, 3], padding: 'SAME', act: 'RELU' }),
                   { filters: 4, k: [3, 3], padding: 'SAME' });
  return binary(m, 'ADD', x, y, 'RELU');
});
// The benchmark CNNs
def('conv1d_imu', [128, 6], (m, x) => {
  let y = conv1d(m, x, { filters: 16, k: 5, act: 'RELU' });
  y = pool1d(m, 'MAX_POOL_2D', y, { k: 2 });
  y = conv1d(m, y, { filters: 32, k: 3, act: 'RELU' });
  return activation(m, 'SOFTMAX', dense(m, mean(m, y, [1], false), 8), 1);
}, { rows: 3 });
def('cnn2d_small', [28, 28, 1], (m, x) => {
  let y = conv2d(m, x, { filters: 8, k: [3, 3], act: 'RELU' });
  y = pool(m, 'MAX_POOL_2D', y, { k: [2, 2] });
  y = conv2d(m, y, { filters: 16, k: [3, 3], act: 'RELU' });
  y = pool(m, 'MAX_POOL_2D', y, { k: [2, 2] });
  y = reshape(m, y, [1, 400], 'model/flatten', [-1, 400]);
  return activation(m, 'SOFTMAX', dense(m, y, 10), 1);
}, { rows: 3 });
// Elementwise operators whose inputs broadcast (both computed): a per-channel (1, 1, 1, C) mean added
// to, subtracted from, multiplied with, compared with the feature map
const fmap = (m, x) => conv2d(m, x, { filters: 3, k: [3, 3], padding: 'SAME' });
def('add_broadcast_channels', [4, 5, 2], (m, x) => { const h = fmap(m, x); return binary(m, 'ADD', h, mean(m, h, [1, 2], true)); });
def('sub_broadcast_first', [4, 5, 2], (m, x) => { const h = fmap(m, x); return binary(m, 'SUB', mean(m, h, [1, 2], true), h); });
def('maximum_broadcast', [4, 5, 2], (m, x) => { const h = fmap(m, x); return binary(m, 'MAXIMUM', h, mean(m, h, [1, 2], true)); });
def('minimum_broadcast', [4, 5, 2], (m, x) => { const h = fmap(m, x); return binary(m, 'MINIMUM', mean(m, h, [1, 2], true), h); });
// a (1, L, C) sequence plus its (1, 1, C) mean over the steps
def('add_broadcast_seq', [7, 3], (m, x) => {
  const h = dense(m, x, 4, { keepNumDims: true });
  return binary(m, 'ADD', h, mean(m, h, [1], true), 'RELU');
});
// squeeze-and-excitation as the converter writes the Keras block: MEAN over the spatial axes, two
// FULLY_CONNECTED (relu, then LOGISTIC), RESHAPE to [1, 1, 1, C], MUL with the feature map
def('mul_squeeze_excitation', [6, 6, 3], (m, x) => {
  const h = conv2d(m, x, { filters: 8, k: [3, 3], padding: 'SAME', act: 'RELU' });
  let s = dense(m, mean(m, h, [1, 2], false), 2, { act: 'RELU' });
  s = activation(m, 'LOGISTIC', dense(m, s, 8));
  s = reshape(m, s, [1, 1, 1, 8], 'model/reshape', [-1, 1, 1, 8]);
  return binary(m, 'MUL', h, s);
});

// PRELU as the converter writes a Keras PReLU: alpha a constant of the layer's shape, [1, 1, C] for
// shared_axes [1, 2] (one slope per channel), [H, W, C] without shared axes, [H, 1, C] for [2]
function prelu(m, x, alphaShape) {
  const name = m.next('p_re_lu');
  const a = m.floats(alphaShape, 0.05, 0.5, `${name}/ReadVariableOp`);
  return m.op('PRELU', [x, a], m.shape(x), `${name}/Relu;${name}/Neg`);
}
def('prelu_channels', [4, 5, 2], (m, x) => prelu(m, fmap(m, x), [1, 1, 3]));
def('prelu_full', [4, 5, 2], (m, x) => prelu(m, fmap(m, x), [4, 5, 3]));
def('prelu_rows', [4, 5, 2], (m, x) => prelu(m, fmap(m, x), [4, 1, 3]));

// ---- flatc

function flatc(args) {
  execFileSync('flatc', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

// JSON -> .tflite, and the .tflite back to JSON (what the file holds, as the float64 check reads it)
function writeTflite(json, dir) {
  const src = path.join(dir, 'model.json');
  fs.writeFileSync(src, JSON.stringify(json));
  flatc(['--binary', '-o', dir, SCHEMA, src]);
  const bin = path.join(dir, 'model.tflite');
  const back = path.join(dir, 'back');
  fs.mkdirSync(back);
  flatc(['--json', '--strict-json', '--defaults-json', '--raw-binary', '-o', back, SCHEMA, '--', bin]);
  return { bytes: fs.readFileSync(bin), decoded: JSON.parse(fs.readFileSync(path.join(back, 'model.json'), 'utf8')) };
}

// ---- TFLite's reference_ops formulas in float64, over the decoded file

function interpret(model, input) {
  const g = model.subgraphs[0];
  const codeOf = (op) => model.operator_codes[op.opcode_index].builtin_code;
  const shapeOf = (t) => g.tensors[t].shape || [];
  const bufferOf = (t) => Buffer.from((model.buffers[g.tensors[t].buffer] || {}).data || []);
  const values = new Map();
  const constant = (t) => {
    const b = bufferOf(t), type = g.tensors[t].type;
    if (type === 'INT32') return Array.from({ length: b.length / 4 }, (_, i) => b.readInt32LE(4 * i));
    if (type === 'FLOAT32') return Array.from({ length: b.length / 4 }, (_, i) => b.readFloatLE(4 * i));
    throw new Error(`tensor ${t} has type ${type}`);
  };
  const get = (t) => (values.has(t) ? values.get(t) : constant(t));
  values.set(g.inputs[0], Array.from(input));
  const clamp = (v, act) => {
    switch (act) {
      case 'NONE': return v;
      case 'RELU': return Math.max(0, v);
      case 'RELU6': return Math.min(6, Math.max(0, v));
      case 'RELU_N1_TO_1': return Math.min(1, Math.max(-1, v));
      default: throw new Error(`fused activation ${act}`);
    }
  };
  const win = (inn, k, s, d, padding, out) => {
    const w = window(inn, k, s, d, padding);
    if (w.out !== out) throw new Error(`output size ${out}, TFLite computes ${w.out}`);
    return w.before;
  };
  for (const op of g.operators) {
    const code = codeOf(op), o = op.builtin_options || {};
    const ins = op.inputs, out = op.outputs[0], os_ = shapeOf(out), is = shapeOf(ins[0]);
    const x = get(ins[0]);
    let y;
    const conv = (depthwiseOp) => {
      const [, h, w, c] = is, [, oh, ow, oc] = os_;
      const f = get(ins[1]), fs_ = shapeOf(ins[1]);
      const bias = ins.length > 2 && ins[2] >= 0 ? get(ins[2]) : null;
      const kh = fs_[1], kw = fs_[2];
      const ph = win(h, kh, o.stride_h, o.dilation_h_factor, o.padding, oh);
      const pw = win(w, kw, o.stride_w, o.dilation_w_factor, o.padding, ow);
      const mult = depthwiseOp ? o.depth_multiplier : 0;
      if (depthwiseOp ? fs_[0] !== 1 || fs_[3] !== oc || c * mult !== oc : fs_[0] !== oc || fs_[3] !== c) {
        throw new Error(`filter ${fs_} for ${is} -> ${os_}`);
      }
      y = new Array(oh * ow * oc);
      for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let k = 0; k < oc; k++) {
        let s = bias ? bias[k] : 0;
        for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
          const yy = i * o.stride_h - ph + a * o.dilation_h_factor, xx = j * o.stride_w - pw + b * o.dilation_w_factor;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          if (depthwiseOp) {
            s += x[(yy * w + xx) * c + Math.floor(k / mult)] * f[(a * kw + b) * oc + k];
          } else {
            for (let ch = 0; ch < c; ch++) s += x[(yy * w + xx) * c + ch] * f[((k * kh + a) * kw + b) * c + ch];
          }
        }
        y[(i * ow + j) * oc + k] = clamp(s, o.fused_activation_function);
      }
    };
    const poolOp = (isMax) => {
      const [, h, w, c] = is, [, oh, ow] = os_;
      const ph = win(h, o.filter_height, o.stride_h, 1, o.padding, oh);
      const pw = win(w, o.filter_width, o.stride_w, 1, o.padding, ow);
      y = new Array(oh * ow * c);
      for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) for (let k = 0; k < c; k++) {
        let s = isMax ? -Infinity : 0, n = 0;
        for (let a = 0; a < o.filter_height; a++) for (let b = 0; b < o.filter_width; b++) {
          const yy = i * o.stride_h - ph + a, xx = j * o.stride_w - pw + b;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          const v = x[(yy * w + xx) * c + k];
          s = isMax ? Math.max(s, v) : s + v;
          n++;
        }
        y[(i * ow + j) * c + k] = clamp(isMax ? s : s / n, o.fused_activation_function);
      }
    };
    const sameCount = () => { if (prod(is) !== prod(os_)) throw new Error(`${is} -> ${os_}`); return x.slice(); };
    switch (code) {
      case 'CONV_2D': conv(false); break;
      case 'DEPTHWISE_CONV_2D': conv(true); break;
      case 'MAX_POOL_2D': poolOp(true); break;
      case 'AVERAGE_POOL_2D': poolOp(false); break;
      case 'RESHAPE': case 'EXPAND_DIMS': case 'SQUEEZE': y = sameCount(); break;
      case 'MEAN': {
        const axes = get(ins[1]).map((a) => (a < 0 ? a + is.length : a));
        const strides = is.map((_, i) => prod(is.slice(i + 1)));
        const kept = is.map((d, i) => (axes.includes(i) ? 1 : d));
        const n = prod(is) / prod(kept);
        y = new Array(prod(kept)).fill(0);
        for (let i = 0; i < x.length; i++) {
          let r = 0;
          for (let a = 0, rest = i; a < is.length; a++) {
            const idx = Math.floor(rest / strides[a]);
            rest -= idx * strides[a];
            r = r * kept[a] + (axes.includes(a) ? 0 : idx);
          }
          y[r] += x[i] / n;
        }
        if (prod(os_) !== y.length || os_.length !== (o.keep_dims ? is.length : is.length - axes.length)) {
          throw new Error(`MEAN ${is} over ${axes} (keep_dims ${o.keep_dims}) -> ${os_}`);
        }
        break;
      }
      case 'PAD': {
        const p = get(ins[1]);
        const strides = os_.map((_, i) => prod(os_.slice(i + 1)));
        y = new Array(prod(os_)).fill(0);
        for (let i = 0; i < x.length; i++) {
          let r = 0;
          for (let a = 0, rest = i; a < is.length; a++) {
            const s = prod(is.slice(a + 1)), idx = Math.floor(rest / s);
            rest -= idx * s;
            if (os_[a] !== is[a] + p[2 * a] + p[2 * a + 1]) throw new Error(`PAD ${is} by ${p} -> ${os_}`);
            r += (idx + p[2 * a]) * strides[a];
          }
          y[r] = x[i];
        }
        break;
      }
      case 'FULLY_CONNECTED': {
        const wt = get(ins[1]), [units, n] = shapeOf(ins[1]);
        const bias = ins.length > 2 && ins[2] >= 0 ? get(ins[2]) : null;
        const rows = x.length / n;
        const want = o.keep_num_dims ? is.slice(0, -1).concat([units]) : [rows, units];
        if (JSON.stringify(want) !== JSON.stringify(os_)) throw new Error(`FULLY_CONNECTED ${is} -> ${os_}`);
        y = new Array(rows * units);
        for (let r = 0; r < rows; r++) for (let u = 0; u < units; u++) {
          let s = bias ? bias[u] : 0;
          for (let i = 0; i < n; i++) s += x[r * n + i] * wt[u * n + i];
          y[r * units + u] = clamp(s, o.fused_activation_function);
        }
        break;
      }
      case 'ADD': case 'SUB': case 'MUL': case 'MAXIMUM': case 'MINIMUM': {
        const b = get(ins[1]), bs = shapeOf(ins[1]);
        if (JSON.stringify(broadcastShape(is, bs)) !== JSON.stringify(os_)) throw new Error(`${code} ${is}, ${bs} -> ${os_}`);
        const f = { ADD: (p, q) => p + q, SUB: (p, q) => p - q, MUL: (p, q) => p * q, MAXIMUM: Math.max,
                    MINIMUM: Math.min }[code];
        y = Array.from({ length: prod(os_) }, (_, i) =>
          clamp(f(x[broadcastIndex(i, os_, is)], b[broadcastIndex(i, os_, bs)]), o.fused_activation_function || 'NONE'));
        break;
      }
      case 'CONCATENATION': {
        const axis = o.axis < 0 ? o.axis + is.length : o.axis;
        const outer = prod(is.slice(0, axis));
        y = [];
        for (let r = 0; r < outer; r++) {
          for (const t of ins) {
            const inner = prod(shapeOf(t).slice(axis));
            y.push(...get(t).slice(r * inner, (r + 1) * inner));
          }
        }
        if (y.length !== prod(os_)) throw new Error(`CONCATENATION -> ${os_}`);
        y = y.map((v) => clamp(v, o.fused_activation_function));
        break;
      }
      case 'LOGISTIC': y = x.map((v) => 1 / (1 + Math.exp(-v))); break;
      case 'TANH': y = x.map(Math.tanh); break;
      case 'RELU': y = x.map((v) => Math.max(0, v)); break;
      case 'RELU6': y = x.map((v) => Math.min(6, Math.max(0, v))); break;
      case 'LEAKY_RELU': y = x.map((v) => (v > 0 ? v : o.alpha * v)); break;
      case 'PRELU': {
        const al = get(ins[1]), as = shapeOf(ins[1]);
        if (JSON.stringify(broadcastShape(is, as)) !== JSON.stringify(is)) throw new Error(`PRELU alpha ${as} for ${is}`);
        y = x.map((v, i) => (v >= 0 ? v : al[broadcastIndex(i, is, as)] * v));
        break;
      }
      case 'HARD_SWISH': y = x.map((v) => (v * Math.min(6, Math.max(0, v + 3))) / 6); break;
      case 'SOFTMAX': {
        const c = is[is.length - 1];
        y = new Array(x.length);
        for (let r = 0; r < x.length; r += c) {
          const row = x.slice(r, r + c), mx = Math.max(...row);
          const e = row.map((v) => Math.exp(o.beta * (v - mx))), s = e.reduce((p, q) => p + q, 0);
          e.forEach((v, i) => { y[r + i] = v / s; });
        }
        break;
      }
      default: throw new Error(`no float64 formula for ${code}`);
    }
    if (y.length !== prod(os_)) throw new Error(`${code}: ${y.length} values for shape ${os_}`);
    values.set(out, y);
  }
  return values.get(g.outputs[0]);
}

// ---- LiteRT.js in plain node

// LiteRT.js loads its wasm glue the way a browser or a worker does (a <script> tag, or importScripts);
// node has neither, so importScripts is given here: it runs the Emscripten script (which itself
// supports node: it reads the .wasm with fs) in this context. Its log lines are passed through except
// the known ones below, which say that there is no GPU or NPU in node and which CPU kernels are used.
const KNOWN_LOG = [
  /^INFO: /,
  /^WARNING: \[npu_registry\.cc:\d+\] NPU accelerator could not be loaded and registered: kLiteRtStatusErrorInvalidArgument\.$/,
];

// LiteRT reports a failure to prepare a model only in its log ("ERROR: ..."), and then gives zeros:
// every line not known is kept here, and a model whose compilation or run adds one fails.
const unexpectedLog = [];

async function loadLiteRt() {
  const wasmDir = path.join(LITERT_DIR, 'wasm');
  const log = (write) => (text) => {
    if (KNOWN_LOG.some((re) => re.test(text))) return;
    unexpectedLog.push(text);
    write(text);
  };
  globalThis.self = globalThis;
  globalThis.require = require;
  globalThis.Module = { print: log(console.log), printErr: log(console.error) };
  globalThis.importScripts = (url) => {
    const file = String(url).startsWith('file:') ? fileURLToPath(url) : String(url);
    globalThis.__filename = file;
    globalThis.__dirname = path.dirname(file);
    vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
  };
  const lrt = await import(pathToFileURL(path.join(LITERT_DIR, 'dist', 'index.js')).href);
  // Environment.create() asks node for a WebGPU device and warns that there is none (with a stack)
  const warn = console.warn;
  console.warn = (...a) => { if (!(typeof a[0] === 'string' && a[0].startsWith('Failed to create default WebGPU device'))) warn(...a); };
  try {
    await lrt.loadLiteRt(path.join(wasmDir, LITERT_WASM));
  } finally {
    console.warn = warn;
  }
  checkLog('loading LiteRT');
  return lrt;
}

function checkLog(what) {
  if (unexpectedLog.length === 0) return;
  const lines = unexpectedLog.splice(0).join('\n');
  throw new Error(`LiteRT logged while ${what}:\n${lines}`);
}

async function runLiteRt(lrt, bytes, inShape, outShape, rows) {
  const model = await lrt.loadAndCompile(new Uint8Array(bytes), { accelerator: 'wasm' });
  try {
    checkLog('compiling the model');
    const inDetails = model.getInputDetails(), outDetails = model.getOutputDetails();
    if (inDetails.length !== 1 || outDetails.length !== 1) throw new Error('LiteRT sees more than one input or output');
    const same = (a, b) => JSON.stringify(Array.from(a)) === JSON.stringify(b);
    if (!same(inDetails[0].shape, [1].concat(inShape)) || !same(outDetails[0].shape, [1].concat(outShape))) {
      throw new Error(`LiteRT's shapes are ${inDetails[0].shape} -> ${outDetails[0].shape}`);
    }
    const outputs = [];
    for (const row of rows) {
      const x = new lrt.Tensor(Float32Array.from(row), [1].concat(inShape));
      const ys = await model.run([x]);
      x.delete();
      outputs.push(Array.from(ys[0].toTypedArray()));
      ys.forEach((t) => t.delete());
      checkLog('running the model');
    }
    return outputs;
  } finally {
    model.delete();
  }
}

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

async function makeModel(lrt, spec, k, tmp, worst) {
  const m = new Model(spec.name, 1000 + k);
  m.outputIndex = spec.build(m, m.input(spec.shape));
  const json = m.json();
  const dir = fs.mkdtempSync(path.join(tmp, `${spec.name}-`));
  const { bytes, decoded } = writeTflite(json, dir);
  const outShape = m.shape(m.outputIndex).slice(1);
  const r = rng(7000 + k);
  const inputs = [];
  for (let i = 0; i < (spec.rows || 4); i++) {
    inputs.push(Array.from({ length: prod(spec.shape) }, () => Math.fround(-3 + 6 * r())));
  }
  const outputs = await runLiteRt(lrt, bytes, spec.shape, outShape, inputs);
  // LiteRT against TFLite's formulas in float64, on what the file holds
  inputs.forEach((row, i) => {
    const want = interpret(decoded, row);
    want.forEach((w, j) => {
      const d = Math.abs(outputs[i][j] - w);
      if (!(d <= 1e-5 * Math.max(1, Math.abs(w)))) {
        throw new Error(`row ${i} output ${j}: LiteRT ${outputs[i][j]}, float64 formulas ${w}`);
      }
      worst.value = Math.max(worst.value, d / Math.max(1, Math.abs(w)));
    });
  });
  const target = path.join(OUT_DIR, spec.name);
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(path.join(target, 'model.tflite'), bytes);
  fs.writeFileSync(path.join(target, 'io.json'),
    `{"input_shape": ${JSON.stringify(spec.shape)}, "output_shape": ${JSON.stringify(outShape)},\n` +
    `"inputs": ${rowsText(inputs)},\n"outputs": ${rowsText(outputs)}}\n`);
  return { name: spec.name, ops: m.ops.map((o) => m.codes[o.opcode_index]).filter((c, i, a) => a.indexOf(c) === i) };
}

async function main() {
  const lrt = await loadLiteRt();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anne-tflite-graph-'));
  const index = [];
  const worst = { value: 0 };
  try {
    fs.mkdirSync(OUT_DIR, { recursive: true });
    for (let k = 0; k < MODELS.length; k++) {
      const spec = MODELS[k];
      try {
        index.push(await makeModel(lrt, spec, k, tmp, worst));
      } catch (e) {
        e.message = `${spec.name}: ${e.message}`;
        throw e;
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(OUT_DIR, 'index.json'),
    '{"generator": "reference/tflite-graph/make_models.js", ' +
    `"runtime": "@litertjs/core ${LITERT_VERSION} (${LITERT_WASM}, XNNPACK CPU)",\n"models": [\n` +
    index.map((e) => ' ' + JSON.stringify(e)).join(',\n') + ']}\n');
  console.log(`wrote ${index.length} models to ${OUT_DIR}; LiteRT against float64 formulas: worst relative ` +
              `difference ${worst.value.toExponential(2)}`);
}

// make_int8_ops.js reuses the loader and the writer
module.exports = { loadLiteRt, checkLog, writeTflite, rng, prod, OPCODES, SCHEMA };

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
