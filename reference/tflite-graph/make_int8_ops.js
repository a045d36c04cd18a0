// int8 TensorFlow Lite operators run by TFLite itself, for ANNE's int8 kernels (anne_quant_ops.h):
// MAX_POOL_2D, AVERAGE_POOL_2D, MEAN, ADD, SUB, MUL (same shape and broadcast), CONCATENATION,
// LEAKY_RELU and HARD_SWISH, each at several random quantizations. LiteRT.js tensors are float32,
// int32 or uint8 only, so each model is float32 -> QUANTIZE -> the operator in int8 -> DEQUANTIZE ->
// float32, fed with floats that quantize exactly to the chosen int8 inputs; the int8 outputs are read
// back from the dequantized floats (each must be a whole number of steps). The second operand of a
// binary operator is an int8 constant with its own quantization. LiteRT.js runs XNNPACK's int8 kernels
// (or TFLite's optimized ones), not TFLite's reference kernels that ANNE follows, so ANNE is checked
// within one step (tests/test_tflite_int8_ops.c). Writes tests/data/tflite_int8_ops.json;
// deterministic (seeded). Run it with scripts/regen-tflite-graph-references.sh.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadLiteRt, checkLog, writeTflite, rng, prod, OPCODES } = require('./make_models.js');

const OUT = path.join(__dirname, '..', '..', 'tests', 'data', 'tflite_int8_ops.json');
const LITERT_VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', '@litertjs', 'core',
                                                            'package.json'), 'utf8')).version;

// One model: float32 input -> QUANTIZE -> op -> DEQUANTIZE -> float32 output (batch 1).
function buildModel(c) {
  const tensors = [], buffers = [{}], ops = [], codes = [];
  const tensor = (shape, type, q, bytes) => {
    buffers.push(bytes ? { data: Array.from(bytes) } : {});
    const t = { shape: [1].concat(shape), type, buffer: buffers.length - 1, name: `t${tensors.length}`, has_rank: true };
    if (q) t.quantization = { scale: [q.scale], zero_point: [q.zp] };
    tensors.push(t);
    return tensors.length - 1;
  };
  const op = (code, inputs, outputs, optionsType, options) => {
    let k = codes.indexOf(code);
    if (k < 0) k = codes.push(code) - 1;
    const o = { opcode_index: k, inputs, outputs };
    if (optionsType) {
      o.builtin_options_type = optionsType;
      o.builtin_options = options || {};
    }
    ops.push(o);
  };
  const x = tensor(c.in_shape, 'FLOAT32');
  const xq = tensor(c.in_shape, 'INT8', { scale: c.in_scale, zp: c.in_zp });
  op('QUANTIZE', [x], [xq]);
  const yq = tensor(c.out_shape, 'INT8', { scale: c.out_scale, zp: c.out_zp });
  const act = c.fused || 'NONE';
  const second = () => {
    const t = tensor(c.b_shape, 'INT8', { scale: c.b_scale, zp: c.b_zp }, new Uint8Array(Int8Array.from(c.b).buffer));
    tensors[t].shape = c.b_shape.slice(); // the constant's own rank: [1, H, W, C], [C] or [1, 1, C]
    return t;
  };
  switch (c.op) {
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
      op(c.op, [xq], [yq], 'Pool2DOptions', { padding: c.padding, stride_w: c.stride[1], stride_h: c.stride[0],
                                              filter_width: c.filter[1], filter_height: c.filter[0],
                                              fused_activation_function: act });
      break;
    case 'MEAN': {
      buffers.push({ data: Array.from(new Uint8Array(Int32Array.from([1, 2]).buffer)) });
      tensors.push({ shape: [2], type: 'INT32', buffer: buffers.length - 1, name: 'axes', has_rank: true });
      op('MEAN', [xq, tensors.length - 1], [yq], 'ReducerOptions', { keep_dims: c.keep_dims });
      break;
    }
    case 'ADD':
      op('ADD', [xq, second()], [yq], 'AddOptions', { fused_activation_function: act });
      break;
    case 'SUB':
      op('SUB', [xq, second()], [yq], 'SubOptions', { fused_activation_function: act });
      break;
    case 'MUL':
      op('MUL', [xq, second()], [yq], 'MulOptions', { fused_activation_function: act });
      break;
    case 'CONCATENATION':
      op('CONCATENATION', [xq, second()], [yq], 'ConcatenationOptions', { axis: 3, fused_activation_function: act });
      break;
    case 'LEAKY_RELU':
      op('LEAKY_RELU', [xq], [yq], 'LeakyReluOptions', { alpha: c.alpha });
      break;
    case 'HARD_SWISH':
      op('HARD_SWISH', [xq], [yq]);
      break;
    default:
      throw new Error(`no such case ${c.op}`);
  }
  const y = tensor(c.out_shape, 'FLOAT32');
  op('DEQUANTIZE', [yq], [y]);
  for (const code of codes) if (OPCODES[code] === undefined) throw new Error(`no operator ${code} in the schema`);
  return {
    version: 3,
    operator_codes: codes.map((code) => ({ deprecated_builtin_code: Math.min(OPCODES[code], 127),
                                           version: 1,
                                           builtin_code: code })),
    subgraphs: [{ tensors, inputs: [x], outputs: [y], operators: ops, name: 'main' }],
    description: 'ANNE reference/tflite-graph/make_int8_ops.js',
    buffers,
    signature_defs: [{ inputs: [{ name: 'input', tensor_index: x }], outputs: [{ name: 'output_0', tensor_index: y }],
                       signature_key: 'serving_default' }],
  };
}

// The cases: operators, shapes and options as the converter writes them, quantizations drawn at random.
function cases() {
  const r = rng(4242);
  const scale = (lo, hi) => Math.fround(lo * Math.pow(hi / lo, r()));
  const zp = () => Math.floor(r() * 256) - 128;
  const ints = (n) => Array.from({ length: n }, () => Math.floor(r() * 256) - 128);
  const list = [];
  const add = (c) => {
    c.x = ints(prod(c.in_shape));
    list.push(c);
  };
  for (let k = 0; k < 6; k++) {
    const s = scale(0.005, 0.1), z = zp();
    const [filter, stride, padding] = [[[3, 3], [2, 2], 'SAME'], [[2, 2], [2, 2], 'VALID'], [[3, 2], [1, 2], 'SAME']][k % 3];
    const fused = k >= 3 ? 'RELU' : 'NONE';
    const outHW = padding === 'SAME' ? [Math.ceil(7 / stride[0]), Math.ceil(6 / stride[1])]
      : [Math.floor((7 - filter[0]) / stride[0]) + 1, Math.floor((6 - filter[1]) / stride[1]) + 1];
    for (const op of ['MAX_POOL_2D', 'AVERAGE_POOL_2D']) {
      add({ op, in_shape: [7, 6, 3], in_scale: s, in_zp: z, out_shape: outHW.concat([3]), out_scale: s, out_zp: z,
            filter, stride, padding, fused });
    }
  }
  for (let k = 0; k < 6; k++) {
    const s = scale(0.005, 0.1);
    add({ op: 'MEAN', in_shape: [5, 6, 4], in_scale: s, in_zp: zp(), out_shape: k % 2 ? [1, 1, 4] : [4],
          out_scale: Math.fround(s * (0.3 + 0.7 * r())), out_zp: zp(), keep_dims: k % 2 === 1 });
  }
  for (const op of ['ADD', 'SUB', 'MUL']) {
    for (let k = 0; k < 6; k++) {
      const s1 = scale(0.005, 0.1), s2 = k % 3 === 0 ? s1 : scale(0.005, 0.1);
      const bShape = k < 2 ? [1, 4, 5, 3] : k < 4 ? [3] : [1, 1, 3];
      const so = op === 'MUL' ? Math.fround(s1 * s2 * (40 + 100 * r())) : Math.fround(Math.max(s1, s2) * (1 + 1.5 * r()));
      add({ op, in_shape: [4, 5, 3], in_scale: s1, in_zp: zp(), b_shape: bShape, b_scale: s2, b_zp: zp(),
            b: ints(prod(bShape)), out_shape: [4, 5, 3], out_scale: so, out_zp: zp(), fused: k === 5 ? 'RELU' : 'NONE' });
    }
  }
  for (let k = 0; k < 2; k++) {
    const s = scale(0.005, 0.1), z = zp();
    add({ op: 'CONCATENATION', in_shape: [3, 4, 3], in_scale: s, in_zp: z, b_shape: [1, 3, 4, 2], b_scale: s, b_zp: z,
          b: ints(24), out_shape: [3, 4, 5], out_scale: s, out_zp: z });
  }
  for (let k = 0; k < 6; k++) {
    const s = scale(0.005, 0.1);
    add({ op: 'LEAKY_RELU', in_shape: [4, 4, 16], in_scale: s, in_zp: zp(), out_shape: [4, 4, 16],
          out_scale: Math.fround(s * (0.5 + 0.8 * r())), out_zp: zp(), alpha: Math.fround([0.1, 0.2, 0.3][k % 3]) });
  }
  for (let k = 0; k < 8; k++) {
    const s = scale(0.01, 0.2);
    add({ op: 'HARD_SWISH', in_shape: [4, 4, 16], in_scale: s, in_zp: zp(), out_shape: [4, 4, 16],
          out_scale: Math.fround(s * (0.3 + 0.9 * r())), out_zp: zp() });
  }
  return list;
}

async function run(lrt, bytes, c) {
  const model = await lrt.loadAndCompile(new Uint8Array(bytes), { accelerator: 'wasm' });
  try {
    checkLog('compiling the model');
    const input = Float32Array.from(c.x, (q) => Math.fround((q - c.in_zp) * c.in_scale));
    const t = new lrt.Tensor(input, [1].concat(c.in_shape));
    const ys = await model.run([t]);
    t.delete();
    const y = Array.from(ys[0].toTypedArray());
    ys.forEach((v) => v.delete());
    checkLog('running the model');
    if (y.length !== prod(c.out_shape)) throw new Error(`${y.length} outputs`);
    return y.map((v) => {
      const steps = v / c.out_scale, q = Math.round(steps);
      if (Math.abs(steps - q) > 1e-3 || q + c.out_zp < -128 || q + c.out_zp > 127) {
        throw new Error(`output ${v} is not a step of ${c.out_scale}`);
      }
      return q + c.out_zp;
    });
  } finally {
    model.delete();
  }
}

async function main() {
  const lrt = await loadLiteRt();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anne-tflite-int8-'));
  const list = cases();
  try {
    for (const c of list) {
      const dir = fs.mkdtempSync(path.join(tmp, `${c.op}-`));
      const { bytes } = writeTflite(buildModel(c), dir);
      try {
        c.y = await run(lrt, bytes, c);
      } catch (e) {
        e.message = `${c.op}: ${e.message}`;
        throw e;
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const text = list.map((c) => ' ' + JSON.stringify(c)).join(',\n');
  fs.writeFileSync(OUT, `{"generator": "reference/tflite-graph/make_int8_ops.js", ` +
                        `"runtime": "@litertjs/core ${LITERT_VERSION} (XNNPACK CPU)",\n"cases": [\n${text}]}\n`);
  console.log(`wrote ${list.length} int8 cases to ${OUT}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
