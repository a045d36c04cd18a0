/* anne info --target: a model's cycles, flash and RAM on a board's core (anne_info_target.h). */
#include "anne_info_target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "anne_graph_info.h"
#include "anne_info_measure.h"

static const char *anne__format_name(anne_dtype d) {
    return d == ANNE_DTYPE_S8 ? "int8" : d == ANNE_DTYPE_Q16 ? "Q16.16" : "float32";
}

static void anne__add_terms(anne_target_report *r, const double terms[ANNE_COST_TERM_COUNT]) {
    int k;
    for (k = 0; k < ANNE_COST_TERM_COUNT; k++) r->terms[k] += terms[k];
}

/* Row i of a dense chain (layer i): its counts into terms. */
static void anne__dense_row(anne_target_row *row, double *terms, const anne_model *m, uint16_t i) {
    anne_layer l;
    anne_model_layer(m, i, &l);
    anne_cost_dense_terms(terms, l.n_in, l.n_out, l.activation);
    row->kind = "dense";
    row->act = l.activation;
    row->macs = (uint64_t)l.n_in * l.n_out;
    /* as `anne info` counts them: kernel, 4-byte biases and prelu alphas, the int8 record */
    row->weight_bytes = row->macs * (l.dtype == ANNE_DTYPE_S8 ? 1u : 4u) + (l.bias != NULL ? 4u * l.n_out : 0u) +
                        (l.activation == ANNE_ACT_PRELU ? 4u * l.n_out : 0u) + l.aux_size;
}

/* Row i of a graph model (op i): its counts into terms. */
static void anne__graph_row(anne_target_row *row, double *terms, const anne_model *m, uint16_t i) {
    anne_graph_op_info v;
    uint32_t window;
    anne_graph_op_info_get(m, i, &v);
    window = v.windowed ? (uint32_t)v.win.kernel_h * v.win.kernel_w : 0u;
    anne_cost_op_terms(terms, v.op.kind, v.op.activation, v.macs, anne_graph_tensor_values(&v.in),
                       anne_graph_tensor_values(&v.out), v.op.n_inputs, window);
    row->kind = anne_graph_op_name(v.op.kind);
    row->act = v.op.activation;
    row->macs = v.macs;
    row->weight_bytes = v.weight_bytes;
    /* ops the bench has no kernel of its own for (everything but Dense, convolutions, poolings) */
    row->by_analogy = terms[ANNE_COST_WINDOW] != 0.0 && !v.windowed && v.op.kind != ANNE_OP_GLOBAL_AVG_POOL &&
                      v.op.kind != ANNE_OP_GLOBAL_MAX_POOL;
}

/* The rows of the layers or ops, priced. */
static void anne__rows(anne_target_report *r, const anne_model *m) {
    uint16_t i, n = r->graph ? m->n_ops : m->n_layers;
    for (i = 0; i < n; i++) {
        anne_target_row *row = &r->rows[i];
        double terms[ANNE_COST_TERM_COUNT] = {0};
        if (r->graph) anne__graph_row(row, terms, m, i);
        else anne__dense_row(row, terms, m, i);
        row->cycles = anne_cost_cycles(r->core, r->dtype, terms, &row->by_analogy);
        anne__add_terms(r, terms);
    }
}

int anne_target_report_make(anne_target_report *r, const anne_model *m, anne_core core, int measure,
                            const unsigned char *bytes, size_t size) {
    const anne_cost_table *t;
    anne_target_row *own;
    double terms[ANNE_COST_TERM_COUNT] = {0};
    uint32_t n, i;
    memset(r, 0, sizeof *r);
    r->core = core;
    r->graph = m->op_table != NULL;
    if (r->graph) {
        anne_op op;
        anne_tensor out;
        anne_model_op(m, 0, &op);
        anne_model_tensor(m, op.output, &out);
        r->dtype = out.dtype;
    } else {
        anne_layer l;
        anne_model_layer(m, 0, &l);
        r->dtype = l.dtype;
    }
    n = (r->graph ? m->n_ops : m->n_layers) + 1u;
    r->rows = calloc(n, sizeof *r->rows);
    if (r->rows == NULL) return -1;
    r->n_rows = n;
    anne__rows(r, m);
    /* the run's own work: the call, the inputs (scaled, quantized), the outputs (dequantized) */
    own = &r->rows[n - 1u];
    terms[ANNE_COST_INFERENCE] = 1.0;
    terms[ANNE_COST_INPUT] = m->n_inputs;
    terms[ANNE_COST_OUTPUT] = m->n_outputs;
    own->cycles = anne_cost_cycles(core, r->dtype, terms, &own->by_analogy);
    anne__add_terms(r, terms);
    for (i = 0; i < n; i++) {
        r->cycles += r->rows[i].cycles;
        r->macs += r->rows[i].macs;
        r->weight_bytes += r->rows[i].weight_bytes;
        r->by_analogy |= r->rows[i].by_analogy;
    }
    r->model_bytes = (uint32_t)m->size;
    r->arena_bytes = (uint32_t)anne_model_arena_size(m);
    t = &anne_cost_fit[core][r->dtype];
    if (r->graph) {
        const anne_cost_table *g = t->graph_code_bytes != 0 ? t : &anne_cost_fit[core][ANNE_DTYPE_F32];
        r->code_bytes = g->graph_code_bytes;
        r->stack_bytes = g->graph_stack_bytes;
        r->code_source = g == t ? "the bench's CNN firmwares (loader, graph runner, all op kernels)"
                                : "the bench's float32 CNN firmwares (loader, graph runner, all op kernels)";
    } else {
        r->code_bytes = t->code_bytes;
        r->stack_bytes = t->stack_bytes;
        r->code_source = "the bench's footprint firmwares of this format (generated C)";
    }
    if (measure) anne_info_measure(&r->meas, core, bytes, size);
    return 0;
}

void anne_target_report_free(anne_target_report *r) {
    free(r->rows);
    r->rows = NULL;
}

static double anne__us(const anne_target_report *r, double cycles) {
    return cycles / anne_core_mhz(r->core);
}

/* "estimated (cost table fitted to N bench records; error on them: X % max)" or "measured on QEMU (...)" */
static void anne__source_text(const anne_target_report *r, char *buf, size_t cap) {
    const anne_cost_table *t = &anne_cost_fit[r->core][r->dtype];
    if (r->meas.measured) {
        snprintf(buf, cap, "measured on QEMU (instructions counted exactly, cycle model of docs/mcu-report.md)");
        return;
    }
    snprintf(buf, cap, "estimated (cost table fitted to %u bench records; error on them: %.1f %% max%s)",
             (unsigned)t->records, t->max_error_pct,
             r->by_analogy ? "; rows marked * by analogy with other kinds or formats" : "");
}

void anne_target_report_print(const anne_target_report *r) {
    char source[256];
    uint32_t i;
    double mhz = anne_core_mhz(r->core);
    anne__source_text(r, source, sizeof source);
    printf("\nOn %s: %s, %.0f MHz, %s\n", anne_core_name(r->core), anne_core_board(r->core), mhz,
           anne__format_name(r->dtype));
    printf("Cycles:        %s\n", source);
    if (r->meas.measured) printf("               (per row: the cost table's estimate; the total is measured)\n");
    printf("%-4s %-16s %-12s %10s %12s %12s %13s\n", "#", r->graph ? "Op" : "Layer", "Activation", "MACs",
           "Cycles (est)", "us (est)", "Weight bytes");
    printf("-------------------------------------------------------------------------------------\n");
    for (i = 0; i < r->n_rows; i++) {
        const anne_target_row *row = &r->rows[i];
        char idx[16];
        if (row->kind == NULL) {
            printf("%-4s %-29s %10s %12.0f %12.1f\n", "-", "run (call, inputs, outputs)", "", row->cycles,
                   anne__us(r, row->cycles));
            continue;
        }
        snprintf(idx, sizeof idx, "%u%s", (unsigned)(i + 1u), row->by_analogy ? "*" : "");
        printf("%-4s %-16s %-12s %10llu %12.0f %12.1f %13llu\n", idx, row->kind, anne_activation_name(row->act),
               (unsigned long long)row->macs, row->cycles, anne__us(r, row->cycles),
               (unsigned long long)row->weight_bytes);
    }
    printf("-------------------------------------------------------------------------------------\n");
    printf("Total:         %llu MACs, %.0f cycles estimated, %.1f us at %.0f MHz", (unsigned long long)r->macs,
           r->cycles, anne__us(r, r->cycles), mhz);
    if (anne__us(r, r->cycles) >= 1000.0) printf(" (%.1f ms)", anne__us(r, r->cycles) / 1000.0);
    printf("\n");
    if (r->meas.measured) {
        printf("Measured:      %.0f cycles (%.0f instructions), %.1f us at %.0f MHz; load %.0f cycles once; "
               "estimate off by %+.1f %%\n",
               r->meas.cycles, r->meas.instructions, anne__us(r, r->meas.cycles), mhz, r->meas.load_cycles,
               r->meas.cycles > 0 ? 100.0 * (r->cycles - r->meas.cycles) / r->meas.cycles : 0.0);
    } else if (r->meas.note[0] != '\0') {
        printf("Measured:      not measured: %s\n", r->meas.note);
    }
    {
        uint32_t code = r->meas.measured ? r->meas.text_bytes : r->code_bytes;
        uint32_t stack = r->meas.measured ? r->meas.stack_bytes : r->stack_bytes;
        uint64_t flash = (uint64_t)r->model_bytes + code, ram = (uint64_t)r->arena_bytes + stack;
        printf("Flash:         %llu B of %lu KB: %lu B model (generated C stores the .anne bytes; weights %llu B)\n",
               (unsigned long long)flash, (unsigned long)(anne_core_flash_bytes(r->core) / 1024u),
               (unsigned long)r->model_bytes, (unsigned long long)r->weight_bytes);
        if (r->meas.measured) {
            printf("               + %lu B code, measured (the firmware without the model)\n", (unsigned long)code);
        } else if (code != 0) {
            printf("               + about %lu B code, measured in %s\n", (unsigned long)code, r->code_source);
        }
        printf("RAM:           %llu B of %lu KB: %lu B arena (exact) + %s%lu B stack (%s)\n",
               (unsigned long long)ram, (unsigned long)(anne_core_ram_bytes(r->core) / 1024u),
               (unsigned long)r->arena_bytes, r->meas.measured ? "" : "about ", (unsigned long)stack,
               r->meas.measured ? "measured high-water mark"
                                : r->graph ? "the bench's graph firmwares" : "the bench's firmwares of this format");
        printf("Fits:          %s (flash %.1f %%, RAM %.1f %% of the board's)\n",
               flash <= anne_core_flash_bytes(r->core) && ram <= anne_core_ram_bytes(r->core) ? "yes" : "NO",
               100.0 * (double)flash / anne_core_flash_bytes(r->core), 100.0 * (double)ram / anne_core_ram_bytes(r->core));
    }
}

static int anne__num(cJSON *o, const char *key, double v) {
    return cJSON_AddNumberToObject(o, key, v) == NULL ? -1 : 0;
}

static int anne__str(cJSON *o, const char *key, const char *v) {
    return cJSON_AddStringToObject(o, key, v) == NULL ? -1 : 0;
}

/* The rows as JSON objects (the run's own row under "run", not in "ops"). */
static int anne__json_rows(cJSON *o, const anne_target_report *r) {
    cJSON *ops = cJSON_AddArrayToObject(o, "ops"), *run;
    uint32_t i;
    int bad = ops == NULL;
    for (i = 0; !bad && i + 1u < r->n_rows; i++) {
        const anne_target_row *row = &r->rows[i];
        cJSON *e = cJSON_CreateObject();
        if (e == NULL || !cJSON_AddItemToArray(ops, e)) {
            cJSON_Delete(e);
            return -1;
        }
        bad |= anne__num(e, "index", i + 1u);
        bad |= anne__str(e, "type", row->kind);
        bad |= anne__str(e, "activation", anne_activation_name(row->act));
        bad |= anne__num(e, "macs", (double)row->macs);
        bad |= anne__num(e, "weight_bytes", (double)row->weight_bytes);
        bad |= anne__num(e, "cycles_est", row->cycles);
        bad |= anne__num(e, "us_est", anne__us(r, row->cycles));
        bad |= cJSON_AddBoolToObject(e, "by_analogy", row->by_analogy) == NULL;
    }
    run = bad ? NULL : cJSON_AddObjectToObject(o, "run");
    if (run == NULL) return -1;
    bad |= anne__num(run, "cycles_est", r->rows[r->n_rows - 1u].cycles);
    bad |= anne__num(run, "us_est", anne__us(r, r->rows[r->n_rows - 1u].cycles));
    return bad;
}

static int anne__json_measured(cJSON *o, const anne_target_report *r) {
    cJSON *m = cJSON_AddObjectToObject(o, "measured");
    int bad = m == NULL;
    if (bad) return -1;
    bad |= cJSON_AddBoolToObject(m, "measured", r->meas.measured) == NULL;
    if (!r->meas.measured) return bad | anne__str(m, "note", r->meas.note);
    bad |= anne__num(m, "cycles", r->meas.cycles);
    bad |= anne__num(m, "us", anne__us(r, r->meas.cycles));
    bad |= anne__num(m, "instructions", r->meas.instructions);
    bad |= anne__num(m, "load_cycles", r->meas.load_cycles);
    bad |= anne__num(m, "text_bytes", r->meas.text_bytes);
    bad |= anne__num(m, "stack_bytes", r->meas.stack_bytes);
    bad |= anne__num(m, "arena_bytes", r->meas.arena_bytes);
    return bad;
}

/* The counts the estimate multiplied (what scripts/fit-cost-table.py fits the table to). */
static int anne__json_terms(cJSON *o, const anne_target_report *r) {
    cJSON *t = cJSON_AddObjectToObject(o, "cost_terms");
    int k, bad = t == NULL;
    for (k = 0; !bad && k < ANNE_COST_TERM_COUNT; k++) bad |= anne__num(t, anne_cost_term_name((anne_cost_term)k), r->terms[k]);
    return bad;
}

cJSON *anne_target_report_json(const anne_target_report *r) {
    const anne_cost_table *t = &anne_cost_fit[r->core][r->dtype];
    cJSON *o = cJSON_CreateObject();
    char source[256];
    int bad = o == NULL;
    anne__source_text(r, source, sizeof source);
    bad = bad || anne__str(o, "target", anne_core_name(r->core));
    bad = bad || anne__str(o, "core", anne_core_board(r->core));
    bad = bad || anne__num(o, "mhz", anne_core_mhz(r->core));
    bad = bad || anne__str(o, "format", r->dtype == ANNE_DTYPE_S8 ? "s8" : r->dtype == ANNE_DTYPE_Q16 ? "q16" : "f32");
    bad = bad || anne__str(o, "cycles_source", r->meas.measured ? "measured" : "estimated");
    bad = bad || anne__str(o, "note", source);
    bad = bad || anne__num(o, "fit_records", t->records);
    bad = bad || anne__num(o, "fit_error_max_pct", t->max_error_pct);
    bad = bad || anne__json_rows(o, r);
    bad = bad || anne__num(o, "macs", (double)r->macs);
    bad = bad || anne__num(o, "cycles_est", r->cycles);
    bad = bad || anne__num(o, "us_est", anne__us(r, r->cycles));
    bad = bad || cJSON_AddBoolToObject(o, "by_analogy", r->by_analogy) == NULL;
    bad = bad || anne__num(o, "cycles", r->meas.measured ? r->meas.cycles : r->cycles);
    bad = bad || anne__num(o, "us", anne__us(r, r->meas.measured ? r->meas.cycles : r->cycles));
    bad = bad || anne__num(o, "model_bytes", r->model_bytes);
    bad = bad || anne__num(o, "weight_bytes", (double)r->weight_bytes);
    bad = bad || anne__num(o, "code_bytes", r->meas.measured ? r->meas.text_bytes : r->code_bytes);
    bad = bad || anne__str(o, "code_source", r->meas.measured ? "measured: the firmware without the model"
                                                              : r->code_source);
    bad = bad || anne__num(o, "arena_bytes", r->arena_bytes);
    bad = bad || anne__num(o, "stack_bytes", r->meas.measured ? r->meas.stack_bytes : r->stack_bytes);
    bad = bad || anne__num(o, "board_flash_bytes", anne_core_flash_bytes(r->core));
    bad = bad || anne__num(o, "board_ram_bytes", anne_core_ram_bytes(r->core));
    bad = bad || anne__json_measured(o, r);
    bad = bad || anne__json_terms(o, r);
    if (bad) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
