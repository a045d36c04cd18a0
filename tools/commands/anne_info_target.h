/* `anne info MODEL --target m0plus|m33 [--measure]`: what a model costs on a board's core: cycles and
 * microseconds per layer or op and in total (estimated from the cost table, or measured on the
 * emulated core), flash (the model's bytes, its weights, the runtime's code) and RAM (arena, stack). */
#ifndef ANNE_INFO_TARGET_H
#define ANNE_INFO_TARGET_H

#include <cjson/cJSON.h>

#include "anne.h"
#include "anne_cost.h"

/* One row of the report: a layer or op, or (kind NULL) the inference's own work. */
typedef struct anne_target_row {
    const char *kind;        /* "dense", "Conv2D", ...; NULL: the run's own row */
    anne_activation act;
    uint64_t macs;
    uint64_t weight_bytes;
    double cycles;
    int by_analogy;          /* its cost came from another format's or kind's coefficients */
} anne_target_row;

/* What was measured on the emulated core (ports/measure-model.sh); measured == 0 when not. */
typedef struct anne_target_measured {
    int measured;
    double cycles;           /* one anne_model_predict, by the cycle model of docs/mcu-report.md */
    double instructions;
    double load_cycles;      /* one anne_model_load */
    uint32_t text_bytes;     /* the firmware's code without the model */
    uint32_t stack_bytes;    /* its stack high-water mark */
    uint32_t arena_bytes;
    char note[256];          /* why it was not measured, when it was not */
} anne_target_measured;

/* The report of a model on core. */
typedef struct anne_target_report {
    anne_core core;
    anne_dtype dtype;
    int graph;
    uint32_t n_rows;         /* rows[0 .. n_rows - 2]: the layers or ops; rows[n_rows - 1]: the run's own */
    anne_target_row *rows;   /* malloc'd */
    double cycles;           /* the estimate's total: the sum of the rows */
    double terms[ANNE_COST_TERM_COUNT]; /* the cost table's counts, summed over the rows */
    int by_analogy;
    uint64_t macs, weight_bytes;
    uint32_t model_bytes, arena_bytes, stack_bytes, code_bytes;
    const char *code_source; /* where code_bytes comes from, in words */
    anne_target_measured meas;
} anne_target_report;

/* Fills r for the loaded model m (its file's bytes: bytes, size) on core; with measure, also builds and
 * runs its firmware (r->meas; a missing tool is a note there, not a failure). Returns 0, or -1 out of
 * memory. */
int anne_target_report_make(anne_target_report *r, const anne_model *m, anne_core core, int measure,
                            const unsigned char *bytes, size_t size);
void anne_target_report_free(anne_target_report *r);

/* The report as text on stdout, after `anne info`'s table. */
void anne_target_report_print(const anne_target_report *r);

/* The report as the "target" object of `anne info --json`. NULL when out of memory. */
cJSON *anne_target_report_json(const anne_target_report *r);

#endif /* ANNE_INFO_TARGET_H */
