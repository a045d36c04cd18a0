/* The .tflite importer for int8 graph models (format 2.2, docs/format.md "int8 graphs"): an int8 CNN
 * becomes anne_graph_desc tensors and ops directly (the host IR is float32 only): the walk over the
 * operators (each one: anne_tflite_s8_ops.cc), the model's float edges, the arena plan at 1 byte a value
 * (anne_plan.h) and the writer. */
extern "C" {
#include "anne_plan.h"
}

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "anne_tflite_s8_graph.h"

namespace anne_tflite {
namespace {

/* After a refused operator (--check goes on): a stand-in tensor for each output, so that the operators
 * after it are judged on their own. Nothing is written then. */
void anne__s8_stand_in(const anne__ctx &c, anne__s8g &g, const Operator *op) {
    if (op->outputs() == nullptr) return;
    for (int32_t t : *op->outputs()) {
        anne_tensor s;
        anne_error ignored;
        anne__ctx quiet = c;
        quiet.err = &ignored;
        if (t < 0 || static_cast<size_t>(t) >= g.at.size()) continue;
        if (anne__s8_tensor(quiet, anne__tensor(c, t), &s) != 0) s.scale = 1.0f, s.zero_point = 0;
        g.at[static_cast<size_t>(t)] = static_cast<int32_t>(g.t.size());
        g.t.push_back(s);
    }
}

/* Arena offsets from the tensors' lifetimes (1 byte a value, each place 4-aligned); the arena ends
 * exactly where the furthest tensor does. */
int anne__s8_plan(anne__s8g &g, uint32_t *arena, anne_error *err) {
    const size_t n = g.t.size();
    std::vector<anne_plan_tensor> p(n);
    for (size_t i = 0; i < n; i++) {
        p[i].bytes = (anne__values(g.t[i]) + 3u) & ~3u;
        p[i].last = i == 0 ? 0u : static_cast<uint32_t>(i - 1u); /* written by op i - 1 */
        p[i].in_place_of = -1;
    }
    for (size_t k = 0; k < g.ops.size(); k++) {
        for (uint32_t j = 0; j < g.ops[k].n_inputs; j++) p[g.ops[k].inputs[j]].last = static_cast<uint32_t>(k);
    }
    p[n - 1u].last = static_cast<uint32_t>(g.ops.size());
    if (anne_plan_arena(p.data(), n, 1, arena, err) != 0) return -1;
    *arena = 0;
    for (size_t i = 0; i < n; i++) {
        g.t[i].offset = p[i].offset;
        if (p[i].offset + anne__values(g.t[i]) > *arena) *arena = p[i].offset + anne__values(g.t[i]);
    }
    return 0;
}

/* The model bytes of the finished graph. */
int anne__s8_write(const anne__ctx &c, anne__s8g &g, unsigned char **out, size_t *out_size) {
    anne_graph_desc d;
    uint32_t arena = 0;
    size_t size = 0;
    if (anne__s8_plan(g, &arena, c.err) != 0) return anne_error_prefix(c.err, "%s: the arena plan", c.path);
    std::memset(&d, 0, sizeof d);
    d.n_tensors = static_cast<uint16_t>(g.t.size());
    d.tensors = g.t.data();
    d.n_ops = static_cast<uint16_t>(g.ops.size());
    d.ops = g.ops.data();
    d.arena_bytes = arena;
    d.scaling.kind = ANNE_SCALING_NONE;
    anne_status st = anne_graph_write(&d, nullptr, 0, &size);
    unsigned char *bytes = st == ANNE_OK ? static_cast<unsigned char *>(std::malloc(size)) : nullptr;
    if (st == ANNE_OK && bytes == nullptr) return anne_error_set(c.err, "out of memory");
    if (st == ANNE_OK) st = anne_graph_write(&d, bytes, size, &size);
    if (st != ANNE_OK) {
        std::free(bytes);
        return anne_error_set(c.err, "%s: the int8 graph model cannot be written: %s", c.path, anne_status_str(st));
    }
    *out = bytes;
    *out_size = size;
    return 0;
}

/* QUANTIZE of the float32 model input as operator 1, DEQUANTIZE to the float32 model output as the
 * last: the model's float edges (anne_model_predict quantizes and dequantizes with tensor scales). */
bool anne__s8_edge(const anne__ctx &c, uint32_t i, int32_t want_code, int32_t from, TensorType from_type) {
    const Operator *op = c.sg->operators()->Get(i);
    const Tensor *in, *out;
    return anne__code_at(c, i) == want_code && op->inputs() != nullptr && op->inputs()->size() == 1 &&
           op->outputs() != nullptr && op->outputs()->size() == 1 && (from < 0 || op->inputs()->Get(0) == from) &&
           (in = anne__tensor(c, op->inputs()->Get(0))) != nullptr && in->type() == from_type &&
           (out = anne__tensor(c, op->outputs()->Get(0))) != nullptr &&
           out->type() == (from_type == TensorType_FLOAT32 ? TensorType_INT8 : TensorType_FLOAT32);
}

} // namespace

bool anne__is_s8_graph_model(const anne__ctx &c) {
    const Tensor *input = anne__tensor(c, c.sg->inputs()->Get(0));
    if (input == nullptr) return false;
    if (input->type() != TensorType_INT8 &&
        !(input->type() == TensorType_FLOAT32 && anne__s8_edge(c, 0, BuiltinOperator_QUANTIZE, -1, TensorType_FLOAT32))) {
        return false;
    }
    for (uint32_t i = 0; i < c.sg->operators()->size(); i++) {
        /* a convolution, pooling, ..., or a reshape to more than one axis */
        if (anne__graph_operator_code(anne__code_at(c, i)) || anne__unflat_dense(c, i)) return true;
    }
    return false;
}

int anne__s8_graph_convert(const anne__ctx &c, unsigned char **out, size_t *out_size, std::string *report, bool *all) {
    anne__s8g g;
    const auto *ops = c.sg->operators();
    const uint32_t n = ops->size();
    const int32_t in_index = c.sg->inputs()->Get(0), out_index = c.sg->outputs()->Get(0);
    const Tensor *input = anne__tensor(c, in_index);
    if (c.sg->inputs()->size() != 1 || c.sg->outputs()->size() != 1) {
        return anne_error_set(c.err, "%s: the model has %u inputs and %u outputs; ANNE reads int8 graph models with one "
                              "of each", c.path, c.sg->inputs()->size(), c.sg->outputs()->size());
    }
    if (c.sg->tensors() == nullptr) return anne_error_set(c.err, "%s: the model has no tensors", c.path);
    g.at.assign(c.sg->tensors()->size(), -1);
    /* the input: int8 as it is, or the int8 result of the QUANTIZE of a float32 input */
    const bool q_in = input->type() == TensorType_FLOAT32;
    const bool dq_out = n >= 2u && anne__s8_edge(c, n - 1u, BuiltinOperator_DEQUANTIZE, -1, TensorType_INT8) &&
                        ops->Get(n - 1u)->outputs()->Get(0) == out_index;
    const int32_t first = q_in ? ops->Get(0)->outputs()->Get(0) : in_index;
    anne_tensor t0;
    if (anne__s8_tensor(c, anne__tensor(c, first), &t0) != 0) {
        return anne_error_prefix(c.err, "%s: the model input", c.path);
    }
    g.t.push_back(t0);
    g.at[static_cast<size_t>(first)] = 0;
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        anne__s8op o;
        o.c = &c;
        o.g = &g;
        o.op = ops->Get(i);
        o.n_op = static_cast<int>(i) + 1;
        o.code = anne__code_at(c, i);
        const std::string name = o.code >= 0 ? anne__op_name(o.code) : std::string("?");
        o.name = name.c_str();
        int r = 0;
        std::string what;
        const OperatorCode *oc = o.code >= 0 ? c.model->operator_codes()->Get(o.op->opcode_index()) : nullptr;
        if (o.code < 0) {
            r = anne_error_set(c.err, "%s: operator %d: operator code index out of range", c.path, o.n_op);
        } else if (oc->custom_code() != nullptr && oc->custom_code()->size() > 0) {
            r = anne_error_set(c.err, "%s: operator %d (custom '%s'): a custom operator: not supported", c.path, o.n_op,
                               oc->custom_code()->c_str());
        } else if (i == 0 && q_in) {
            what = "the input, float32 -> int8";
        } else if (i + 1u == n && dq_out) {
            what = "the output, int8 -> float32";
        } else {
            r = anne__s8_operator(o);
            if (r == 0 && o.op->outputs() != nullptr && o.op->outputs()->size() == 1) {
                what = "int8 -> " + anne__shape(anne__tensor(c, o.op->outputs()->Get(0)));
            }
        }
        if (report == nullptr && r != 0) return -1;
        if (report == nullptr) continue;
        anne__report_line(*report, c, i, what, r);
        if (r != 0) {
            ok = false;
            anne__s8_stand_in(c, g, o.op);
        }
    }
    if (!ok) {
        *all = false;
        return 0;
    }
    const int32_t last = dq_out ? ops->Get(n - 1u)->inputs()->Get(0) : out_index;
    int rc = 0;
    if (last < 0 || static_cast<size_t>(last) >= g.at.size() || g.at[static_cast<size_t>(last)] < 0 ||
        static_cast<size_t>(g.at[static_cast<size_t>(last)]) + 1u != g.t.size() || g.ops.empty()) {
        rc = anne_error_set(c.err, "%s: the model's output is not the last operator's result", c.path);
    }
    unsigned char *bytes = nullptr;
    size_t size = 0;
    if (rc == 0) rc = anne__s8_write(c, g, &bytes, &size);
    return anne__finish(c, rc, bytes, size, out, out_size, report, all);
}

const char *anne__s8_graph_supported_ops() {
    return anne__s8_supported_ops;
}

} // namespace anne_tflite
