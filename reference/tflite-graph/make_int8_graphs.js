// Small int8 TFLite graphs with ADD (two inputs of different scales, and broadcast), SUB, MUL,
// CONCATENATION (2 and 3 inputs, channels and height), PAD, PADV2, LEAKY_RELU, HARD_SWISH, LOGISTIC, TANH and a residual
// block (CONV_2D -> ADD of the skip), for ANNE's int8 graph importer (tests/test_tflite_s8_merges.c).
// Each model is float32 -> QUANTIZE -> int8 operators -> DEQUANTIZE -> float32, as TFLite's converter
// writes a model with float edges; it runs on rows of int8 inputs (as floats that quantize exactly to
// them) in LiteRT.js (TFLite's runtime in WebAssembly: XNNPACK's int8 kernels, not TFLite's reference
// ones), and through a transcription of TFLite's reference formulas written here from TFLite's source
// (QuantizeMultiplier, SaturatingRoundingDoublingHighMul, RoundingDivideByPOT in BigInt; the Prepare
// functions' float and double expressions with Math.fround where TFLite computes in float). Writes the
// .tflite files and tests/data/tflite_int8_graph/index.json with both outputs as int8 steps;
// deterministic (seeded). Run it with scripts/regen-tflite-graph-references.sh.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { loadLiteRt, checkLog, writeTflite, rng, prod, OPCODES } = require('./make_models.js');

const OUT = path.join(__dirname, '..', '..', 'tests', 'data', 'tflite_int8_graph');
const LITERT_VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', '@litertjs', 'core',
                                                            'package.json'), 'utf8')).version;
const f32 = Math.fround;

// ---- TFLite's integer arithmetic (kernels/internal/common.h, quantization_util.cc), in BigInt

const round = (v) => Math.sign(v) * Math.floor(Math.abs(v) + 0.5); // TfLiteRound: half away from zero
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

// QuantizeMultiplier: frexp, the fraction rounded to 31 bits
function quantizeMultiplier(m) {
  if (m === 0) return [0, 0];
  let e = Math.ceil(Math.log2(m)), q = m / Math.pow(2, e);
  while (q >= 1) q /= 2, e++;
  while (q < 0.5) q *= 2, e--;
  let fixed = round(q * 2147483648);
  if (fixed === 2147483648) fixed /= 2, e++;
  if (e < -31) return [0, 0];
  if (e > 30) return [2147483647, 30];
  return [fixed, e];
}

function srdhm(a, b) { // SaturatingRoundingDoublingHighMul, int32
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n)); // C++'s int64 division truncates toward zero, as BigInt's
}

function rdbpot(x, e) { // RoundingDivideByPOT
  const X = BigInt(x), E = BigInt(e), mask = (1n << E) - 1n;
  const threshold = (mask >> 1n) + (X < 0n ? 1n : 0n);
  return Number((X >> E) + ((X & mask) > threshold ? 1n : 0n));
}

// MultiplyByQuantizedMultiplier (and its SmallerThanOneExp form: the same for shift <= 0)
const mbqm = (x, [m, s]) => rdbpot(srdhm(x * Math.pow(2, Math.max(s, 0)), m), Math.max(-s, 0));

// CalculateActivationRangeQuantized for int8
function actRange(fused, q) {
  if (fused === 'RELU') return [Math.max(-128, q.zp), 127];
  if (fused === 'RELU6') return [Math.max(-128, q.zp), Math.min(127, q.zp + round(f32(6 / q.scale)))];
  return [-128, 127];
}

// ---- gemmlowp's fixed-point logistic and tanh (fixedpoint.h), as TFLite Micro's and TFLite's
// reference_integer_ops int8 LOGISTIC and TANH run them: raw int32 values of k integer bits

const I32MAX = 2147483647, I32MIN = -2147483648;
const mulPot = (x, e) => { // SaturatingRoundingMultiplyByPOT
  if (e < 0) return rdbpot(x, -e);
  const t = Math.pow(2, 31 - e) - 1;
  return x > t ? I32MAX : x < -t ? I32MIN : x * Math.pow(2, e);
};
const halfSum = (a, b) => Math.trunc((a + b + (a + b >= 0 ? 1 : -1)) / 2); // RoundingHalfSum

function expQuarter(a) { // exp on [-1/4, 0): Taylor around -1/8
  const x = a + (1 << 28), x2 = srdhm(x, x), x3 = srdhm(x2, x), x4 = srdhm(x2, x2);
  const poly = mulPot(srdhm(mulPot(x4, -2) + x3, 715827883) + x2, -1);
  return 1895147668 + srdhm(1895147668, x + poly);
}

function expNegative(a, bits) { // exp(a), a <= 0 with `bits` integer bits
  const frac = 31 - bits, quarter = Math.pow(2, frac - 2), mod = (a & (quarter - 1)) - quarter;
  const barrel = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];
  let result = expQuarter(mulPot(mod, bits));
  const rem = mod - a;
  for (let k = -2; k <= 4; k++) if (bits > k && (rem & Math.pow(2, frac + k)) !== 0) result = srdhm(result, barrel[k + 2]);
  return a === 0 ? I32MAX : result;
}

function newton(hd) { // 1 / (2 hd), 2 integer bits: three Newton-Raphson steps
  let x = 1515870810 + srdhm(hd, -1010580540);
  for (let i = 0; i < 3; i++) x = x + mulPot(srdhm(x, Math.pow(2, 29) - srdhm(hd, x)), 2);
  return x;
}

function fixedLogistic(a) {
  if (a === 0) return Math.pow(2, 30);
  const pos = mulPot(newton(halfSum(expNegative(-Math.abs(a), 4), I32MAX)), 1);
  return a > 0 ? pos : I32MAX - pos;
}

function fixedTanh(a) {
  if (a === 0) return 0;
  const t = mulPot(newton(halfSum(expNegative(-Math.abs(a), 5), I32MAX)) - Math.pow(2, 29), 2);
  return a < 0 ? -t : t;
}

// TFLite Micro's Prepare (frexp of in_scale 2^27, the input radius) and kernel, for each value
function refLogisticTanh(x, qi, tanh) {
  const m = qi.scale * Math.pow(2, 27);
  let e = Math.ceil(Math.log2(m)), q = m / Math.pow(2, e);
  while (q >= 1) q /= 2, e++;
  while (q < 0.5) q *= 2, e--;
  const mult = round(q * 2147483648), radius = Math.floor(15 * Math.pow(2, 27) / Math.pow(2, e));
  return x.map((v) => {
    const d = v - qi.zp;
    if (d <= -radius) return -128;
    if (d >= radius) return 127;
    let r = srdhm(d * Math.pow(2, Math.max(e, 0)), mult);
    if (e < 0) r = rdbpot(r, -e);
    return tanh ? clamp(rdbpot(fixedTanh(r), 24), -128, 127) : clamp(rdbpot(fixedLogistic(r), 23) - 128, -128, 127);
  });
}

// ---- The reference ops over int8 arrays of (H, W, C), batch 1

function refAdd(a, qa, b, qb, qo, fused, sub, shapeA, shapeB, shapeO) {
  const twice = 2 * Math.max(qa.scale, qb.scale); // double
  const m1 = quantizeMultiplier(qa.scale / twice), m2 = quantizeMultiplier(qb.scale / twice);
  const mo = quantizeMultiplier(twice / (f32(1048576 * qo.scale)));
  if (sub) m2[0] = -m2[0]; // sub.cc: ADD with input 2's multiplier negated
  const [lo, hi] = actRange(fused, qo);
  return broadcast(shapeA, shapeB, shapeO, (i, j) => {
    const r1 = mbqm((a[i] - qa.zp) * 1048576, m1), r2 = mbqm((b[j] - qb.zp) * 1048576, m2);
    return clamp(mbqm(r1 + r2, mo) + qo.zp, lo, hi);
  });
}

function refMul(a, qa, b, qb, qo, fused, shapeA, shapeB, shapeO) {
  const m = quantizeMultiplier(f32(f32(qa.scale * qb.scale) / qo.scale)); // mul.cc: float
  const [lo, hi] = actRange(fused, qo);
  return broadcast(shapeA, shapeB, shapeO, (i, j) => clamp(mbqm((a[i] - qa.zp) * (b[j] - qb.zp), m) + qo.zp, lo, hi));
}

// out index -> (index in a, index in b), shapes of equal rank, each axis out's or 1
function broadcast(sa, sb, so, f) {
  const n = prod(so), out = new Array(n);
  for (let k = 0; k < n; k++) {
    let rest = k, ia = 0, ib = 0, stA = 1, stB = 1;
    for (let d = so.length - 1; d >= 0; d--) {
      const v = rest % so[d];
      rest = Math.floor(rest / so[d]);
      ia += (sa[d] === 1 ? 0 : v) * stA, ib += (sb[d] === 1 ? 0 : v) * stB;
      stA *= sa[d], stB *= sb[d];
    }
    out[k] = f(ia, ib);
  }
  return out;
}

function refLeaky(x, qi, qo, alpha) { // activations.cc LeakyReluPrepare (float), QuantizeLeakyRelu
  const mi = quantizeMultiplier(f32(qi.scale / qo.scale)), ma = quantizeMultiplier(f32(f32(qi.scale * alpha) / qo.scale));
  return x.map((q) => {
    const v = q - qi.zp;
    return clamp(qo.zp + mbqm(v, v >= 0 ? mi : ma), -128, 127);
  });
}

function refHardSwish(x, qi, qo) { // activations.cc HardSwishPrepare (float), reference_ops::HardSwish
  const down = ([m, s]) => [m >= 2147483647 - 32768 ? 32767 : (m + 32768) >> 16, s]; // DownScaleInt32ToInt16Multiplier
  const hires = f32(f32(1 / 128) * qi.scale);
  const [om, os] = down(quantizeMultiplier(f32(hires / qo.scale)));
  const [rm, rs] = down(quantizeMultiplier(f32(hires / f32(3 / 32768))));
  const srdhm16 = (a, b) => {
    if (a === -32768 && b === -32768) return 32767;
    const ab = a * b;
    return Math.trunc((ab + (ab >= 0 ? 16384 : 1 - 16384)) / 32768);
  };
  const sdhm16 = (a, b) => (a === -32768 && b === -32768 ? 32767 : Math.trunc((a * b) / 32768));
  const satShift = (v, n) => clamp(v * Math.pow(2, n), -32768, 32767);
  return x.map((q) => {
    const hi = (q - qi.zp) * 128;
    const pre = srdhm16(hi, om);
    let r = hi;
    if (rs > 0) r = satShift(r, rs - 1);
    r = srdhm16(r, rm);
    if (rs > 0) r = satShift(r, 1);
    if (rs < 0) r = rdbpot(r, -rs);
    r = (r + 32768) >> 1;
    return clamp(rdbpot(sdhm16(r, pre), -os) + qo.zp, -128, 127);
  });
}

function refMaxPool(x, [h, w, c], fh, fw, q, fused) { // VALID, stride = filter
  const oh = Math.floor(h / fh), ow = Math.floor(w / fw), out = [];
  const [lo, hi] = actRange(fused, q);
  for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) for (let k = 0; k < c; k++) {
    let m = -128;
    for (let dy = 0; dy < fh; dy++) for (let dx = 0; dx < fw; dx++) m = Math.max(m, x[((y * fh + dy) * w + xx * fw + dx) * c + k]);
    out.push(clamp(m, lo, hi));
  }
  return out;
}

// CONV_2D 3x3 SAME stride 1, per-channel (PopulateConvolutionQuantizationParams: double)
function refConv(x, [h, w, ci], qi, wts, wScales, bias, co, qo, fused) {
  const ms = wScales.map((ws) => quantizeMultiplier(qi.scale * ws / qo.scale));
  const [lo, hi] = actRange(fused, qo);
  const out = [];
  for (let y = 0; y < h; y++) for (let xx = 0; xx < w; xx++) for (let o = 0; o < co; o++) {
    let acc = 0;
    for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) {
      const iy = y + ky - 1, ix = xx + kx - 1;
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      for (let k = 0; k < ci; k++) acc += wts[((o * 3 + ky) * 3 + kx) * ci + k] * (x[(iy * w + ix) * ci + k] - qi.zp);
    }
    out.push(clamp(mbqm(acc + bias[o], ms[o]) + qo.zp, lo, hi));
  }
  return out;
}

// ConcatenationWithScaling (float) for an input quantized otherwise than the output, else a copy
function refConcat(parts, axis, qo) { // parts: [{x, shape, q}], axis of (H, W, C)
  const outer = prod(parts[0].shape.slice(0, axis)), out = [];
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const inner = prod(p.shape.slice(axis));
      const same = p.q.scale === qo.scale && p.q.zp === qo.zp;
      const inv = f32(1 / qo.scale), scale = f32(p.q.scale * inv), bias = f32(-p.q.zp * scale);
      for (let i = 0; i < inner; i++) {
        const q = p.x[o * inner + i];
        out.push(same ? q : clamp(round(f32(f32(q * scale) + bias)) + qo.zp, -128, 127));
      }
    }
  }
  return out;
}

function refPad(x, [h, w, c], [top, bottom, left, right], value) {
  const out = [];
  for (let y = 0; y < h + top + bottom; y++) for (let xx = 0; xx < w + left + right; xx++) for (let k = 0; k < c; k++) {
    const iy = y - top, ix = xx - left;
    out.push(iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(iy * w + ix) * c + k] : value);
  }
  return out;
}

// ---- The models: a small builder (shapes here without the batch axis) and the reference of each

function builder() {
  const tensors = [], buffers = [{}], ops = [], codes = [];
  const b = {
    tensor(shape, type, q, bytes, name) {
      buffers.push(bytes ? { data: Array.from(bytes) } : {});
      const t = { shape: shape, type, buffer: buffers.length - 1, name: name || `t${tensors.length}`, has_rank: true };
      if (q) t.quantization = q.scales ? { scale: q.scales, zero_point: q.scales.map(() => 0), quantized_dimension: 0 }
        : { scale: [q.scale], zero_point: [q.zp] };
      tensors.push(t);
      return tensors.length - 1;
    },
    act(shape, q) { return b.tensor([1].concat(shape), 'INT8', q); },
    shape(t) { return tensors[t].shape.slice(1); },
    op(code, inputs, outputs, optionsType, options) {
      let k = codes.indexOf(code);
      if (k < 0) k = codes.push(code) - 1;
      const o = { opcode_index: k, inputs, outputs };
      if (optionsType) o.builtin_options_type = optionsType, o.builtin_options = options || {};
      ops.push(o);
      return outputs[0];
    },
    finish(x, y) {
      for (const code of codes) if (OPCODES[code] === undefined) throw new Error(`no operator ${code} in the schema`);
      return {
        version: 3,
        operator_codes: codes.map((code) => ({ deprecated_builtin_code: Math.min(OPCODES[code], 127), version: 1,
                                               builtin_code: code })),
        subgraphs: [{ tensors, inputs: [x], outputs: [y], operators: ops, name: 'main' }],
        description: 'ANNE reference/tflite-graph/make_int8_graphs.js',
        buffers,
      };
    },
  };
  return b;
}

// Each model: its input shape, quantizations, and build(b, xq) -> { y tensor, ref(x) -> int8 output }
function models() {
  const r = rng(2207);
  const scale = (lo, hi) => f32(lo * Math.pow(hi / lo, r()));
  const zp = () => Math.floor(r() * 200) - 100;
  const q = (lo, hi) => ({ scale: scale(lo, hi), zp: zp() });
  const S = [4, 5, 3];
  const list = [];
  const leaky = (b, xq, qx, shape, qa, alpha) => ({
    t: b.op('LEAKY_RELU', [xq], [b.act(shape, qa)], 'LeakyReluOptions', { alpha }),
    ref: (x) => refLeaky(x, qx, qa, alpha) });
  const merge = (code, opts, b, a, bt, shape, qo, fused) =>
    b.op(code, [a, bt], [b.act(shape, qo)], opts, { fused_activation_function: fused });
  for (let k = 0; k < 3; k++) { // ADD of the input and its leaky relu: two scales; SUB the other way round
    const qx = q(0.01, 0.1), qa = q(0.01, 0.1), qo = { scale: f32(Math.max(qx.scale, qa.scale) * (1.2 + r())), zp: zp() };
    const alpha = f32([0.1, 0.2, 0.3][k]), fused = ['NONE', 'RELU', 'RELU6'][k];
    list.push({ name: `add_scales_${k}`, shape: S, qx, qo, build(b, xq) {
      const a = leaky(b, xq, qx, S, qa, alpha);
      return { y: merge('ADD', 'AddOptions', b, xq, a.t, S, qo, fused),
               ref: (x) => refAdd(x, qx, a.ref(x), qa, qo, fused, false, S, S, S) };
    } });
    list.push({ name: `sub_${k}`, shape: S, qx, qo, build(b, xq) {
      const a = leaky(b, xq, qx, S, qa, alpha);
      return { y: merge('SUB', 'SubOptions', b, a.t, xq, S, qo, fused),
               ref: (x) => refAdd(a.ref(x), qa, x, qx, qo, fused, true, S, S, S) };
    } });
  }
  for (let k = 0; k < 2; k++) { // ADD and MUL with a (1, 1, C) max pooling of the input: broadcast
    const qx = q(0.01, 0.1), qo = { scale: f32(qx.scale * (2.5 + r())), zp: zp() };
    const qm = { scale: f32(qx.scale * qx.scale * (30 + 60 * r())), zp: zp() };
    list.push({ name: `add_broadcast_${k}`, shape: S, qx, qo, build(b, xq) {
      const m = b.op('MAX_POOL_2D', [xq], [b.act([1, 1, 3], qx)], 'Pool2DOptions',
                     { padding: 'VALID', stride_w: 5, stride_h: 4, filter_width: 5, filter_height: 4 });
      const pool = (x) => refMaxPool(x, S, 4, 5, qx, 'NONE');
      return { y: merge('ADD', 'AddOptions', b, xq, m, S, qo, k ? 'RELU' : 'NONE'),
               ref: (x) => refAdd(x, qx, pool(x), qx, qo, k ? 'RELU' : 'NONE', false, S, [1, 1, 3], S) };
    } });
    list.push({ name: `mul_broadcast_${k}`, shape: S, qx, qo: qm, build(b, xq) {
      const m = b.op('MAX_POOL_2D', [xq], [b.act([1, 1, 3], qx)], 'Pool2DOptions',
                     { padding: 'VALID', stride_w: 5, stride_h: 4, filter_width: 5, filter_height: 4 });
      const pool = (x) => refMaxPool(x, S, 4, 5, qx, 'NONE');
      return { y: merge('MUL', 'MulOptions', b, m, xq, S, qm, 'NONE'),
               ref: (x) => refMul(pool(x), qx, x, qx, qm, 'NONE', [1, 1, 3], S, S) };
    } });
  }
  for (let k = 0; k < 3; k++) { // MUL of the input and its hard swish
    const qx = q(0.01, 0.1), qh = q(0.005, 0.05);
    const qo = { scale: f32(qx.scale * qh.scale * (40 + 80 * r())), zp: zp() };
    list.push({ name: `mul_hard_swish_${k}`, shape: S, qx, qo, build(b, xq) {
      const h = b.op('HARD_SWISH', [xq], [b.act(S, qh)]);
      return { y: merge('MUL', 'MulOptions', b, xq, h, S, qo, 'NONE'),
               ref: (x) => refMul(x, qx, refHardSwish(x, qx, qh), qh, qo, 'NONE', S, S, S) };
    } });
  }
  for (let k = 0; k < 2; k++) { // CONCATENATION: the input with its leaky relu (another scale) on the channels
    const qx = q(0.01, 0.1), qa = k ? q(0.01, 0.1) : qx;
    list.push({ name: `concat_${k ? 'scales' : 'same'}`, shape: S, qx, qo: qx, refused: k === 1, build(b, xq) {
      const a = leaky(b, xq, qx, S, qa, f32(0.25));
      return { y: b.op('CONCATENATION', [xq, a.t], [b.act([4, 5, 6], qx)], 'ConcatenationOptions', { axis: 3 }),
               ref: (x) => refConcat([{ x, shape: S, q: qx }, { x: a.ref(x), shape: S, q: qa }], 2, qx) };
    } });
  }
  { // CONCATENATION of 3 along the height (axis 1), every input quantized as the output
    const qx = q(0.01, 0.1);
    list.push({ name: 'concat3_height', shape: S, qx, qo: qx, build(b, xq) {
      const a = leaky(b, xq, qx, S, qx, f32(0.1));
      return { y: b.op('CONCATENATION', [xq, a.t, xq], [b.act([12, 5, 3], qx)], 'ConcatenationOptions', { axis: -3 }),
               ref: (x) => refConcat([{ x, shape: S, q: qx }, { x: a.ref(x), shape: S, q: qx }, { x, shape: S, q: qx }],
                                     0, qx) };
    } });
  }
  for (const v2 of [false, true]) { // PAD and PADV2 (its constant the zero point)
    const qx = q(0.01, 0.1);
    list.push({ name: v2 ? 'padv2' : 'pad', shape: S, qx, qo: qx, build(b, xq) {
      const pads = b.tensor([4, 2], 'INT32', null, new Uint8Array(Int32Array.from([0, 0, 1, 2, 2, 0, 0, 0]).buffer), 'paddings');
      const ins = [xq, pads];
      if (v2) ins.push(b.tensor([], 'INT8', qx, new Uint8Array(Int8Array.from([qx.zp]).buffer), 'constant'));
      return { y: b.op(v2 ? 'PADV2' : 'PAD', ins, [b.act([7, 7, 3], qx)], v2 ? 'PadV2Options' : 'PadOptions'),
               ref: (x) => refPad(x, S, [1, 2, 2, 0], qx.zp) };
    } });
  }
  for (let k = 0; k < 6; k++) { // LOGISTIC and TANH, with the output quantization TFLite requires
    const tanh = k >= 3, qx = q(0.01, 0.12), qo = tanh ? { scale: f32(1 / 128), zp: 0 } : { scale: f32(1 / 256), zp: -128 };
    list.push({ name: `${tanh ? 'tanh' : 'logistic'}_${k % 3}`, shape: S, qx, qo, build(b, xq) {
      // after a PAD: a lone activation would be read as a dense chain's
      const pads = b.tensor([4, 2], 'INT32', null, new Uint8Array(Int32Array.from([0, 0, 1, 0, 0, 1, 0, 0]).buffer), 'paddings');
      const p = b.op('PAD', [xq, pads], [b.act([5, 6, 3], qx)], 'PadOptions');
      return { y: b.op(tanh ? 'TANH' : 'LOGISTIC', [p], [b.act([5, 6, 3], qo)]),
               ref: (x) => refLogisticTanh(refPad(x, S, [1, 0, 0, 1], qx.zp), qx, tanh) };
    } });
  }
  // an input quantization where TFLite's fixed-point LOGISTIC (TANH) and the rounded function differ
  const edge = (tanh, qo) => {
    const all = Array.from({ length: 256 }, (_, i) => i - 128);
    for (let k = 0; k < 100000; k++) {
      const c = q(0.01, 0.12);
      const fixed = refLogisticTanh(all, c, tanh);
      const rounded = all.map((v) => {
        const x = c.scale * (v - c.zp), f = tanh ? Math.tanh(x) : 1 / (1 + Math.exp(-x));
        return clamp(round(f / qo.scale) + qo.zp, -128, 127);
      });
      if (fixed.some((v, i) => v !== rounded[i])) return c;
    }
    throw new Error('no quantization where the fixed-point and the rounded function differ');
  };
  // TANH's: one where ANNE's float table (which the rounded function in double does not always show)
  // differs from the fixed point, at input 125, found by a search in C over ANNE's anne_quantize_s8_lut
  const edges = [edge(false, { scale: f32(1 / 256), zp: -128 }), { scale: f32(0.0102646044), zp: -100 }];
  for (const tanh of [false, true]) {
    const qo = tanh ? { scale: f32(1 / 128), zp: 0 } : { scale: f32(1 / 256), zp: -128 };
    const qx = edges[tanh ? 1 : 0];
    list.push({ name: `${tanh ? 'tanh' : 'logistic'}_edge`, shape: S, qx, qo, every: true, build(b, xq) {
      const y = b.op(tanh ? 'TANH' : 'LOGISTIC', [xq], [b.act(S, qo)]);
      // then a PAD: a lone activation would be read as a dense chain's
      const pads = b.tensor([4, 2], 'INT32', null, new Uint8Array(Int32Array.from([0, 0, 0, 1, 0, 0, 0, 0]).buffer), 'paddings');
      return { y: b.op('PAD', [y, pads], [b.act([5, 5, 3], qo)], 'PadOptions'),
               ref: (x) => refPad(refLogisticTanh(x, qx, tanh), S, [0, 1, 0, 0], qo.zp) };
    } });
  }
  for (const tanh of [false, true]) { // the same after a FULLY_CONNECTED: a dense chain, not a graph
    const qo = tanh ? { scale: f32(1 / 128), zp: 0 } : { scale: f32(1 / 256), zp: -128 };
    const qz = edges[tanh ? 1 : 0], N = 60; /* the quantization of the graph above */
    // 127 on the diagonal with in_scale * w_scale * 127 = z_scale: z = x - x_zp + z_zp, every value reached
    const qx = { scale: f32(qz.scale * 1.25), zp: qz.zp }, ws = f32(qz.scale / (127 * qx.scale));
    const wts = Array.from({ length: N * N }, (_, i) => (i % (N + 1) === 0 ? 127 : 0));
    list.push({ name: `fc_${tanh ? 'tanh' : 'logistic'}_edge`, shape: [N], qx, qo, every: true, build(b, xq) {
      const w = b.tensor([N, N], 'INT8', { scale: ws, zp: 0 }, new Uint8Array(Int8Array.from(wts).buffer), 'weights');
      const z = b.op('FULLY_CONNECTED', [xq, w, -1], [b.act([N], qz)], 'FullyConnectedOptions', {});
      const m = quantizeMultiplier(qx.scale * ws / qz.scale);
      const dense = (x) => Array.from({ length: N }, (_, u) => {
        let acc = 0;
        for (let i = 0; i < N; i++) acc += wts[u * N + i] * (x[i] - qx.zp);
        return clamp(mbqm(acc, m) + qz.zp, -128, 127);
      });
      return { y: b.op(tanh ? 'TANH' : 'LOGISTIC', [z], [b.act([N], qo)]), ref: (x) => refLogisticTanh(dense(x), qz, tanh) };
    } });
  }
  for (let k = 0; k < 2; k++) { // a residual block: CONV_2D 3x3 SAME with RELU, then ADD of the skip
    const R = [4, 5, 4], qx = q(0.01, 0.1), qc = { scale: f32(qx.scale * (0.5 + r())), zp: -128 };
    const qo = { scale: f32(Math.max(qx.scale, qc.scale) * (1.5 + r())), zp: zp() };
    const wts = Array.from({ length: 4 * 9 * 4 }, () => Math.floor(r() * 255) - 127);
    const ws = Array.from({ length: 4 }, () => scale(0.002, 0.02));
    const bias = Array.from({ length: 4 }, () => Math.floor(r() * 4001) - 2000);
    list.push({ name: `residual_${k}`, shape: R, qx, qo, build(b, xq) {
      const w = b.tensor([4, 3, 3, 4], 'INT8', { scales: ws }, new Uint8Array(Int8Array.from(wts).buffer), 'filter');
      const bt = b.tensor([4], 'INT32', { scales: ws.map((s) => f32(s * qx.scale)) },
                          new Uint8Array(Int32Array.from(bias).buffer), 'bias');
      const c = b.op('CONV_2D', [xq, w, bt], [b.act(R, qc)], 'Conv2DOptions',
                     { padding: 'SAME', stride_w: 1, stride_h: 1, fused_activation_function: 'RELU' });
      const conv = (x) => refConv(x, R, qx, wts, ws, bias, 4, qc, 'RELU');
      return { y: merge('ADD', 'AddOptions', b, c, xq, R, qo, 'NONE'),
               ref: (x) => refAdd(conv(x), qc, x, qx, qo, 'NONE', false, R, R, R) };
    } });
  }
  return { list, r };
}

async function main() {
  const lrt = await loadLiteRt();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'anne-tflite-int8-graph-'));
  const { list, r } = models();
  const index = [];
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(OUT, { recursive: true });
  try {
    for (const m of list) {
      const b = builder();
      const x = b.tensor([1].concat(m.shape), 'FLOAT32');
      const xq = b.act(m.shape, m.qx);
      b.op('QUANTIZE', [x], [xq]);
      const { y: yq, ref } = m.build(b, xq);
      const outShape = b.shape(yq);
      const y = b.tensor([1].concat(outShape), 'FLOAT32');
      b.op('DEQUANTIZE', [yq], [y]);
      const dir = fs.mkdtempSync(path.join(tmp, `${m.name}-`));
      const { bytes } = writeTflite(b.finish(x, y), dir);
      fs.writeFileSync(path.join(OUT, `${m.name}.tflite`), bytes);
      const rows = [];
      // TFLite's int8 CONCATENATION (and XNNPACK's) refuses inputs quantized otherwise than the output:
      // that model has the reference formulas' outputs only
      const model = m.refused ? null : await lrt.loadAndCompile(new Uint8Array(bytes), { accelerator: 'wasm' });
      try {
        checkLog(`compiling ${m.name}`);
        for (let k = 0; k < (m.every ? 5 : 4); k++) {
          // random int8 inputs, or (every) all 256 values in order over the rows
          const xs = Array.from({ length: prod(m.shape) },
                                (_, i) => (m.every ? (k * prod(m.shape) + i) % 256 : Math.floor(r() * 256)) - 128);
          if (model === null) {
            rows.push({ x: xs, litert: null, reference: ref(xs) });
            continue;
          }
          const t = new lrt.Tensor(Float32Array.from(xs, (v) => f32((v - m.qx.zp) * m.qx.scale)), [1].concat(m.shape));
          const ys = await model.run([t]);
          t.delete();
          const out = Array.from(ys[0].toTypedArray());
          ys.forEach((v) => v.delete());
          checkLog(`running ${m.name}`);
          const litert = out.map((v) => {
            const steps = v / m.qo.scale, s = Math.round(steps);
            if (Math.abs(steps - s) > 1e-3) throw new Error(`${m.name}: output ${v} is not a step of ${m.qo.scale}`);
            return s + m.qo.zp;
          });
          const reference = ref(xs);
          if (reference.length !== litert.length) throw new Error(`${m.name}: ${reference.length} reference outputs`);
          rows.push({ x: xs, litert, reference });
        }
      } finally {
        if (model !== null) model.delete();
      }
      const within = rows.every((row) => row.litert === null || row.litert.every((v, i) => Math.abs(v - row.reference[i]) <= 1));
      if (!within) throw new Error(`${m.name}: LiteRT and the reference formulas differ by more than a step`);
      index.push({ file: `${m.name}.tflite`, in_shape: m.shape, in_scale: m.qx.scale, in_zp: m.qx.zp,
                   out_scale: m.qo.scale, out_zp: m.qo.zp, rows });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  fs.writeFileSync(path.join(OUT, 'index.json'),
                   `{"generator": "reference/tflite-graph/make_int8_graphs.js", ` +
                   `"runtime": "@litertjs/core ${LITERT_VERSION} (XNNPACK CPU)",\n"models": [\n` +
                   index.map((m) => ' ' + JSON.stringify(m)).join(',\n') + ']}\n');
  console.log(`wrote ${index.length} int8 graphs to ${OUT}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
