// Runs an int8 .tflite (int8 input and output, as TFLite's converter writes them with
// inference_input_type = tf.int8) in LiteRT.js, TFLite's runtime in WebAssembly, on the rows of a CSV
// file, and prints its outputs as CSV (a header, then one line per row, %.9g). LiteRT.js takes float32,
// int32 or uint8 tensors only, so the model is wrapped first: a float32 input through a QUANTIZE with
// the int8 input's scale and zero point, and a DEQUANTIZE to a float32 output -- what ANNE's
// anne_model_predict() does around an int8 graph. LiteRT runs XNNPACK's int8 kernels (or TFLite's
// optimized ones), not TFLite's reference kernels, so ANNE is compared with it within a step
// (tests/cli/tflite_int8_graph.sh). Usage: node run_int8_model.js MODEL.tflite ROWS.csv
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { loadLiteRt, checkLog, writeTflite, SCHEMA } = require('./make_models.js');

function decode(file, dir) {
  execFileSync('flatc', ['--json', '--strict-json', '--raw-binary', '-o', dir, SCHEMA, '--', file]);
  return JSON.parse(fs.readFileSync(path.join(dir, path.basename(file, '.tflite') + '.json'), 'utf8'));
}

// QUANTIZE first and DEQUANTIZE last, around the model's int8 input and output.
function wrap(m) {
  const g = m.subgraphs[0];
  const code = (name, number) => {
    m.operator_codes.push({ deprecated_builtin_code: number, builtin_code: name, version: 1 });
    return m.operator_codes.length - 1;
  };
  const floatTensor = (like, name) => {
    m.buffers.push({});
    g.tensors.push({ shape: g.tensors[like].shape, type: 'FLOAT32', buffer: m.buffers.length - 1, name });
    return g.tensors.length - 1;
  };
  const xi = g.inputs[0], yo = g.outputs[0];
  const xf = floatTensor(xi, 'input_float'), yf = floatTensor(yo, 'output_float');
  g.operators.unshift({ opcode_index: code('QUANTIZE', 114), inputs: [xf], outputs: [xi] });
  g.operators.push({ opcode_index: code('DEQUANTIZE', 6), inputs: [yo], outputs: [yf] });
  g.inputs = [xf];
  delete m.signature_defs; // they name the int8 tensors: LiteRT would look for those
  delete m.metadata;
  g.outputs = [yf];
  return { inShape: g.tensors[xi].shape.slice(1), outShape: g.tensors[yo].shape.slice(1) };
}

async function main() {
  const [file, csv] = process.argv.slice(2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anne-int8-'));
  try {
    const json = decode(file, dir);
    const { inShape, outShape } = wrap(json);
    const built = path.join(dir, 'built');
    fs.mkdirSync(built);
    const { bytes } = writeTflite(json, built);
    const rows = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
    const lrt = await loadLiteRt();
    const model = await lrt.loadAndCompile(new Uint8Array(bytes), { accelerator: 'wasm' });
    checkLog('compiling the model');
    const n = outShape.reduce((a, b) => a * b, 1);
    const lines = [Array.from({ length: n }, (_, i) => `output${i}`).join(',')];
    for (const row of rows) {
      const x = new lrt.Tensor(Float32Array.from(row), [1].concat(inShape));
      const ys = await model.run([x]);
      x.delete();
      lines.push(Array.from(ys[0].toTypedArray()).map((v) => Number(v.toPrecision(9))).join(','));
      ys.forEach((t) => t.delete());
      checkLog('running the model');
    }
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
