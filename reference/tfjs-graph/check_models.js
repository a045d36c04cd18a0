// Checks the references make_models.js wrote against docs/ops.md: runs every model of
// tests/data/tfjs_graph again from its model.json and weights.bin alone, without TF.js, with the
// formulas, layouts and summation orders of ANNE's reference kernels (every product and sum rounded to
// float32, padding skipped, TF.js' 'same' padding, average pooling over the positions inside the input)
// and compares with the outputs TF.js wrote into io.json. So a reference that does not follow the
// semantics ANNE implements (or a tolerance of 1e-5 that float32 cannot meet) shows here, before any
// importer exists. Plain node, no packages: `node check_models.js [dir]`. Exits 1 when a model differs
// from TF.js by more than 1e-5 (relative above 1).
'use strict';
const fs = require('fs');
const path = require('path');
const DIR = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'data', 'tfjs_graph');
const f = Math.fround;

function winParams(inn, k, s, d, padding) {
  const eff = (k - 1) * d + 1;
  if (padding === 'same') {
    const out = Math.ceil(inn / s);
    const P = Math.max((out - 1) * s + eff - inn, 0);
    return { out, before: Math.floor(P / 2) };
  }
  return { out: Math.ceil((inn - eff + 1) / s), before: 0 };
}
const as3 = (t) => (t.shape.length === 2 ? [1, t.shape[0], t.shape[1]] : t.shape);
const T = (shape, data) => ({ shape, data: data || new Float32Array(shape.reduce((a, b) => a * b, 1)) });

function act(t, name, cfg) {
  const d = t.data;
  const c = t.shape[t.shape.length - 1];
  switch (name) {
    case 'linear': case undefined: case null: return t;
    case 'relu': for (let i = 0; i < d.length; i++) d[i] = d[i] > 0 ? d[i] : 0; return t;
    case 'relu6': for (let i = 0; i < d.length; i++) d[i] = Math.min(Math.max(d[i], 0), 6); return t;
    case 'elu': for (let i = 0; i < d.length; i++) d[i] = d[i] > 0 ? d[i] : f(Math.expm1(d[i])); return t;
    case 'sigmoid': for (let i = 0; i < d.length; i++) d[i] = f(1 / (1 + Math.exp(-d[i]))); return t;
    case 'tanh': for (let i = 0; i < d.length; i++) d[i] = f(Math.tanh(d[i])); return t;
    case 'softmax':
      for (let r = 0; r < d.length; r += c) {
        let m = -Infinity; for (let i = 0; i < c; i++) m = Math.max(m, d[r + i]);
        let s = 0; const e = [];
        for (let i = 0; i < c; i++) { e.push(f(Math.exp(f(d[r + i] - m)))); s = f(s + e[i]); }
        for (let i = 0; i < c; i++) d[r + i] = f(e[i] / s);
      }
      return t;
    default: throw new Error('activation ' + name);
  }
}

// Conv2D over x (H, W, C) (an (L, C) sequence is (1, L, C)) with Keras' kernel (kh, kw, C, cout)
function conv(x, W, bias, kh, kw, sh, sw, dh, dw, padding, cout) {
  const [H, Wd, C] = as3(x);
  const r = winParams(H, kh, sh, dh, padding), cc = winParams(Wd, kw, sw, dw, padding);
  const y = T([r.out, cc.out, cout]);
  for (let oy = 0; oy < r.out; oy++) for (let ox = 0; ox < cc.out; ox++) for (let o = 0; o < cout; o++) {
    let acc = 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - r.before + ky * dh; if (iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - cc.before + kx * dw; if (ix < 0 || ix >= Wd) continue;
        for (let c = 0; c < C; c++) {
          acc = f(acc + f(W[((ky * kw + kx) * C + c) * cout + o] * x.data[(iy * Wd + ix) * C + c]));
        }
      }
    }
    if (bias) acc = f(acc + bias[o]);
    y.data[(oy * cc.out + ox) * cout + o] = acc;
  }
  return y;
}
function depthwise(x, W, bias, kh, kw, sh, sw, padding, m) {
  const [H, Wd, C] = as3(x);
  const r = winParams(H, kh, sh, 1, padding), cc = winParams(Wd, kw, sw, 1, padding);
  const co = C * m;
  const y = T([r.out, cc.out, co]);
  for (let oy = 0; oy < r.out; oy++) for (let ox = 0; ox < cc.out; ox++) for (let o = 0; o < co; o++) {
    const c = Math.floor(o / m);
    let acc = 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - r.before + ky; if (iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - cc.before + kx; if (ix < 0 || ix >= Wd) continue;
        acc = f(acc + f(W[(ky * kw + kx) * co + o] * x.data[(iy * Wd + ix) * C + c]));
      }
    }
    if (bias) acc = f(acc + bias[o]);
    y.data[(oy * cc.out + ox) * co + o] = acc;
  }
  return y;
}
function pool(x, kh, kw, sh, sw, padding, avg) {
  const [H, Wd, C] = as3(x);
  const r = winParams(H, kh, sh, 1, padding), cc = winParams(Wd, kw, sw, 1, padding);
  const y = T([r.out, cc.out, C]);
  for (let oy = 0; oy < r.out; oy++) for (let ox = 0; ox < cc.out; ox++) for (let c = 0; c < C; c++) {
    let acc = avg ? 0 : -Infinity, n = 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - r.before + ky; if (iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw - cc.before + kx; if (ix < 0 || ix >= Wd) continue;
        const v = x.data[(iy * Wd + ix) * C + c];
        if (avg) acc = f(acc + v); else if (v > acc) acc = v;
        n++;
      }
    }
    y.data[(oy * cc.out + ox) * C + c] = avg ? f(acc / n) : acc;
  }
  return y;
}
function denseLast(x, K, b, units) {
  const n = x.shape[x.shape.length - 1], rows = x.data.length / n;
  const y = T(x.shape.slice(0, -1).concat([units]));
  for (let r = 0; r < rows; r++) for (let o = 0; o < units; o++) {
    let acc = 0;
    for (let i = 0; i < n; i++) acc = f(acc + f(K[i * units + o] * x.data[r * n + i]));
    if (b) acc = f(acc + b[o]);
    y.data[r * units + o] = acc;
  }
  return y;
}
const pair = (v) => (Array.isArray(v) ? (v.length === 1 ? [1, v[0]] : v) : [v, v]);
const is1d = (cls) => /1D$/.test(cls);

function runLayer(cls, cfg, ins, w) {
  const x = ins[0];
  const k1 = (a) => [1, Array.isArray(a) ? a[0] : a];
  switch (cls) {
    case 'Conv1D': case 'Conv2D': {
      const [kh, kw] = cls === 'Conv1D' ? k1(cfg.kernel_size) : pair(cfg.kernel_size);
      const [sh, sw] = cls === 'Conv1D' ? k1(cfg.strides) : pair(cfg.strides);
      const [dh, dw] = cls === 'Conv1D' ? k1(cfg.dilation_rate) : pair(cfg.dilation_rate);
      let y = conv(x, w.kernel, cfg.use_bias ? w.bias : null, kh, kw, sh, sw, dh, dw, cfg.padding, cfg.filters);
      if (cls === 'Conv1D') y.shape = y.shape.slice(1);
      return act(y, cfg.activation);
    }
    case 'DepthwiseConv2D': {
      const [kh, kw] = pair(cfg.kernel_size), [sh, sw] = pair(cfg.strides);
      const y = depthwise(x, w.depthwise_kernel, cfg.use_bias ? w.bias : null, kh, kw, sh, sw, cfg.padding,
        cfg.depth_multiplier);
      return act(y, cfg.activation);
    }
    case 'SeparableConv2D': {
      const [kh, kw] = pair(cfg.kernel_size), [sh, sw] = pair(cfg.strides);
      const m = cfg.depth_multiplier;
      const d = depthwise(x, w.depthwise_kernel, null, kh, kw, sh, sw, cfg.padding, m);
      const y = conv(d, w.pointwise_kernel, cfg.use_bias ? w.bias : null, 1, 1, 1, 1, 1, 1, 'valid', cfg.filters);
      return act(y, cfg.activation);
    }
    case 'MaxPooling1D': case 'AveragePooling1D': case 'MaxPooling2D': case 'AveragePooling2D': {
      const one = is1d(cls);
      const [kh, kw] = one ? k1(cfg.pool_size) : pair(cfg.pool_size);
      const [sh, sw] = one ? k1(cfg.strides) : pair(cfg.strides);
      const y = pool(x, kh, kw, sh, sw, cfg.padding, cls.startsWith('Average'));
      if (one) y.shape = y.shape.slice(1);
      return y;
    }
    case 'GlobalAveragePooling1D': case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling1D': case 'GlobalMaxPooling2D': {
      const C = x.shape[x.shape.length - 1], n = x.data.length / C, avg = cls.startsWith('GlobalAverage');
      const y = T([C]);
      for (let c = 0; c < C; c++) {
        let a = avg ? 0 : -Infinity;
        for (let p = 0; p < n; p++) {
          const v = x.data[p * C + c];
          if (avg) a = f(a + v); else if (v > a) a = v;
        }
        y.data[c] = avg ? f(a / n) : a;
      }
      return y;
    }
    case 'ZeroPadding2D': case 'Cropping2D': {
      const p = cls === 'ZeroPadding2D' ? cfg.padding : cfg.cropping;
      const [[t, b], [l, r]] = Array.isArray(p) ? p.map((q) => (Array.isArray(q) ? q : [q, q])) : [[p, p], [p, p]];
      const [H, Wd, C] = x.shape;
      const sgn = cls === 'ZeroPadding2D' ? 1 : -1;
      const Ho = H + sgn * (t + b), Wo = Wd + sgn * (l + r);
      const y = T([Ho, Wo, C]);
      for (let oy = 0; oy < Ho; oy++) for (let ox = 0; ox < Wo; ox++) for (let c = 0; c < C; c++) {
        const iy = oy - sgn * t, ix = ox - sgn * l;
        y.data[(oy * Wo + ox) * C + c] = (iy >= 0 && iy < H && ix >= 0 && ix < Wd) ? x.data[(iy * Wd + ix) * C + c] : 0;
      }
      return y;
    }
    case 'UpSampling2D': {
      const [fy, fx] = pair(cfg.size), [H, Wd, C] = x.shape;
      const y = T([H * fy, Wd * fx, C]);
      for (let oy = 0; oy < H * fy; oy++) for (let ox = 0; ox < Wd * fx; ox++) for (let c = 0; c < C; c++)
        y.data[(oy * Wd * fx + ox) * C + c] = x.data[(Math.floor(oy / fy) * Wd + Math.floor(ox / fx)) * C + c];
      return y;
    }
    case 'Flatten': return T([x.data.length], x.data);
    case 'Reshape': return T(cfg.target_shape, x.data);
    case 'Permute': {
      const perm = cfg.dims.map((d) => d - 1), sh = x.shape, r = sh.length;
      const oshape = perm.map((p) => sh[p]);
      const y = T(oshape);
      const istr = sh.map((_, i) => sh.slice(i + 1).reduce((a, b) => a * b, 1));
      const idx = new Array(r).fill(0);
      for (let o = 0; o < y.data.length; o++) {
        let rem = o, src = 0;
        for (let k = r - 1; k >= 0; k--) { idx[k] = rem % oshape[k]; rem = Math.floor(rem / oshape[k]); }
        for (let k = 0; k < r; k++) src += idx[k] * istr[perm[k]];
        y.data[o] = x.data[src];
      }
      return y;
    }
    case 'BatchNormalization': {
      const C = x.shape[x.shape.length - 1];
      const y = T(x.shape.slice());
      for (let c = 0; c < C; c++) {
        const g = cfg.scale ? w.gamma[c] : 1, b = cfg.center ? w.beta[c] : 0;
        const sc = f(g / f(Math.sqrt(f(w.moving_variance[c] + f(cfg.epsilon)))));
        const sh = f(b - f(w.moving_mean[c] * sc));
        for (let p = c; p < x.data.length; p += C) y.data[p] = f(f(x.data[p] * sc) + sh);
      }
      return y;
    }
    case 'LayerNormalization': {
      const C = x.shape[x.shape.length - 1];
      const y = T(x.shape.slice());
      for (let r0 = 0; r0 < x.data.length; r0 += C) {
        let m = 0; for (let i = 0; i < C; i++) m = f(m + x.data[r0 + i]); m = f(m / C);
        let v = 0; for (let i = 0; i < C; i++) { const d = f(x.data[r0 + i] - m); v = f(v + f(d * d)); } v = f(v / C);
        const sd = f(Math.sqrt(f(v + f(cfg.epsilon))));
        for (let i = 0; i < C; i++) {
          let z = f(f(x.data[r0 + i] - m) / sd);
          if (cfg.scale) z = f(z * w.gamma[i]);
          if (cfg.center) z = f(z + w.beta[i]);
          y.data[r0 + i] = z;
        }
      }
      return y;
    }
    case 'Dense': return act(denseLast(x, w.kernel, cfg.use_bias ? w.bias : null, cfg.units), cfg.activation);
    case 'TimeDistributed': return runLayer(cfg.layer.class_name, cfg.layer.config, ins, w);
    case 'Activation': return act(T(x.shape, Float32Array.from(x.data)), cfg.activation);
    case 'ReLU': {
      const hi = cfg.max_value == null ? Infinity : cfg.max_value;
      return T(x.shape, x.data.map((v) => Math.min(Math.max(v, 0), hi)));
    }
    case 'LeakyReLU': return T(x.shape, x.data.map((v) => (v >= 0 ? v : f(v * f(cfg.alpha)))));
    case 'ELU': return T(x.shape, x.data.map((v) => (v > 0 ? v : f(f(cfg.alpha) * f(Math.expm1(v))))));
    case 'Softmax': return act(T(x.shape, Float32Array.from(x.data)), 'softmax');
    case 'Add': case 'Subtract': case 'Multiply': case 'Average': case 'Maximum': case 'Minimum': {
      // inputs of one shape or shapes that broadcast (aligned at the last axis, axes of 1 repeated),
      // folded from the left: y = in0 op in1, then y op in2, ...
      const oshape = ins.reduce((s, t) => {
        const n = Math.max(s.length, t.shape.length), r = [];
        for (let k = 0; k < n; k++) r.push(Math.max(s[s.length - n + k] || 1, t.shape[t.shape.length - n + k] || 1));
        return r;
      }, []);
      const at = (t, i) => { // t's value at output index i
        let j = 0, rest = i;
        const idx = oshape.map(() => 0);
        for (let k = oshape.length - 1; k >= 0; k--) { idx[k] = rest % oshape[k]; rest = Math.floor(rest / oshape[k]); }
        t.shape.forEach((d, k) => { j = j * d + (d === 1 ? 0 : idx[oshape.length - t.shape.length + k]); });
        return t.data[j];
      };
      const y = T(oshape);
      for (let i = 0; i < y.data.length; i++) {
        let a = at(ins[0], i);
        for (let k = 1; k < ins.length; k++) {
          const b = at(ins[k], i);
          a = cls === 'Add' || cls === 'Average' ? f(a + b) : cls === 'Subtract' ? f(a - b)
            : cls === 'Multiply' ? f(a * b) : cls === 'Maximum' ? (b > a ? b : a) : (b < a ? b : a);
        }
        y.data[i] = cls === 'Average' ? f(a / ins.length) : a;
      }
      return y;
    }
    case 'PReLU': { // alpha of the input's shape with the shared axes 1
      const al = w.alpha, ash = x.shape.map((d, k) => ((cfg.shared_axes || []).includes(k + 1) ? 1 : d));
      return T(x.shape, x.data.map((v, i) => {
        let j = 0, rest = i;
        const idx = x.shape.map(() => 0);
        for (let k = x.shape.length - 1; k >= 0; k--) { idx[k] = rest % x.shape[k]; rest = Math.floor(rest / x.shape[k]); }
        ash.forEach((d, k) => { j = j * d + (d === 1 ? 0 : idx[k]); });
        return v >= 0 ? v : f(al[j] * v);
      }));
    }
    case 'Concatenate': {
      const r = x.shape.length;
      let ax = cfg.axis < 0 ? r + cfg.axis : cfg.axis - 1;
      const outer = x.shape.slice(0, ax).reduce((a, b) => a * b, 1);
      const inner = ins.map((t) => t.shape.slice(ax).reduce((a, b) => a * b, 1));
      const oshape = x.shape.slice(); oshape[ax] = ins.reduce((s, t) => s + t.shape[ax], 0);
      const y = T(oshape); let p = 0;
      for (let o = 0; o < outer; o++) {
        ins.forEach((t, k) => { for (let i = 0; i < inner[k]; i++) y.data[p++] = t.data[o * inner[k] + i]; });
      }
      return y;
    }
    default: throw new Error('layer ' + cls);
  }
}

function load(name) {
  const m = JSON.parse(fs.readFileSync(path.join(DIR, name, 'model.json')));
  const buf = fs.readFileSync(path.join(DIR, name, 'weights.bin'));
  const weights = {};
  let off = 0;
  for (const s of m.weightsManifest[0].weights) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    weights[s.name] = new Float32Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + 4 * n));
    off += 4 * n;
  }
  if (off !== buf.length) throw new Error('weights size');
  return { topo: m.modelTopology, weights };
}
function layerWeights(weights, lname) {
  const w = {};
  for (const k of Object.keys(weights)) if (k.startsWith(lname + '/')) w[k.slice(lname.length + 1)] = weights[k];
  return w;
}
function run(model, input, inShape) {
  const { topo, weights } = model;
  const layers = topo.config.layers;
  if (topo.class_name === 'Sequential') {
    let x = T(inShape.slice(), Float32Array.from(input));
    for (const l of layers) {
      if (l.class_name === 'InputLayer') continue;
      x = runLayer(l.class_name, l.config, [x], layerWeights(weights, l.config.name));
    }
    return x;
  }
  const vals = {};
  const inName = topo.config.input_layers[0][0];
  vals[inName + ':0'] = T(inShape.slice(), Float32Array.from(input));
  let progress = true;
  while (progress) {
    progress = false;
    for (const l of layers) {
      if (l.class_name === 'InputLayer') continue;
      l.inbound_nodes.forEach((node, ni) => {
        const key = l.config.name + ':' + ni;
        if (vals[key]) return;
        const ins = node.map((e) => vals[e[0] + ':' + e[1]]);
        if (ins.some((v) => !v)) return;
        vals[key] = runLayer(l.class_name, l.config, ins, layerWeights(weights, l.config.name));
        progress = true;
      });
    }
  }
  const o = topo.config.output_layers[0];
  return vals[o[0] + ':' + o[1]];
}

const index = JSON.parse(fs.readFileSync(path.join(DIR, 'index.json')));
let worstAll = 0;
const failed = [];
for (const { name } of index.models) {
  const model = load(name);
  const io = JSON.parse(fs.readFileSync(path.join(DIR, name, 'io.json')));
  let worst = 0, worstRel = 0;
  io.inputs.forEach((row, r) => {
    const y = run(model, row, io.input_shape);
    if (JSON.stringify(y.shape) !== JSON.stringify(io.output_shape)) throw new Error(name + ' shape ' + y.shape);
    io.outputs[r].forEach((want, i) => {
      const d = Math.abs(y.data[i] - want);
      const tol = Math.max(Math.abs(want), 1);
      worst = Math.max(worst, d); worstRel = Math.max(worstRel, d / tol);
    });
  });
  worstAll = Math.max(worstAll, worstRel);
  if (worstRel > 1e-5) failed.push(name);
  console.log(`${name.padEnd(26)} worst difference ${worst.toExponential(2)}, relative above 1: ` +
              `${worstRel.toExponential(2)}${worstRel > 1e-5 ? ' OVER 1e-5' : ''}`);
}
console.log(`${index.models.length} models: worst difference (relative above 1) ${worstAll.toExponential(2)}`);
if (failed.length > 0) {
  console.error(`differ from TF.js by more than 1e-5: ${failed.join(', ')}`);
  process.exit(1);
}
