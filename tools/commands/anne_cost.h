/* The cycle cost of a model on a board's core, estimated from a table fitted to bench/mcu-bench's
 * measurements (anne_cost_fit.c, refitted by scripts/fit-cost-table.py), and what the table knows of
 * the runtime's code and stack there. Used by `anne info --target`. */
#ifndef ANNE_COST_H
#define ANNE_COST_H

#include <stdint.h>

#include "anne.h"
#include "anne_ops.h"

/* The emulated cores of docs/mcu.md. */
typedef enum anne_core {
    ANNE_CORE_M0PLUS = 0, /* RP2040 (Raspberry Pi Pico): Cortex-M0+, 133 MHz, soft float */
    ANNE_CORE_M33,        /* RP2350 (Pico 2): Cortex-M33, 150 MHz, FPU and DSP */
    ANNE_CORE_COUNT
} anne_core;

/* What a model's run is made of, the features of the cost table: cycles = the sum over terms of
 * coefficient * count. Counted per layer or op (anne_cost_op_terms) and once per inference. */
typedef enum anne_cost_term {
    ANNE_COST_INFERENCE = 0, /* 1 per inference: anne_model_predict's own work */
    ANNE_COST_INPUT,         /* per input value: copying, scaling, quantizing it */
    ANNE_COST_OUTPUT,        /* per output value: copying or dequantizing it */
    ANNE_COST_OP,            /* 1 per layer or op: reading its record, calling its kernel */
    ANNE_COST_OP_OUTPUT,     /* per output value of a Dense, Conv2D, DepthwiseConv2D: bias, requantization,
                                the activation's cheap part, the store */
    ANNE_COST_MAC_DENSE,     /* per multiply-accumulate of a Dense layer or op */
    ANNE_COST_MAC_CONV,      /* ... of a Conv2D (and Conv1D) */
    ANNE_COST_MAC_DEPTHWISE, /* ... of a DepthwiseConv2D */
    ANNE_COST_CONV_TAP,      /* per window position of each output value of a Conv2D (MACs / in_c): the
                                loop over the input channels starts once per tap, which a convolution
                                with few input channels pays per MAC */
    ANNE_COST_WINDOW,        /* per input value a pooling reads (window positions times outputs; a
                                global pooling: its input's values); every other op but Reshape (a
                                copy at most): per value it writes (times its inputs), by analogy */
    ANNE_COST_EXP,           /* per output value of an activation that calls exp or tanh (sigmoid, tanh,
                                softmax, elu, selu, softplus, swish, gelu, exponential) */
    ANNE_COST_TERM_COUNT
} anne_cost_term;

/* The fitted table of one core and number format (anne_cost_fit.c). */
typedef struct anne_cost_table {
    double coef[ANNE_COST_TERM_COUNT]; /* cycles per count; < 0: not fitted (no bench record has the term) */
    uint16_t records;                  /* bench records fitted to */
    double max_error_pct;              /* the largest |estimate - measured| / measured over them, in % */
    uint32_t stack_bytes;              /* the largest stack of the fitted records' firmwares */
    uint32_t code_bytes;               /* the runtime's code as generated C links it (dense chains), 0: not
                                          measured */
    uint32_t graph_code_bytes;         /* a graph firmware's code without the model (loader, runner, every
                                          op kernel, start-up), 0: not measured */
    uint32_t graph_stack_bytes;        /* its stack, 0: not measured */
} anne_cost_table;

/* The table of core and format (ANNE_DTYPE_*), fitted by scripts/fit-cost-table.py. */
extern const anne_cost_table anne_cost_fit[ANNE_CORE_COUNT][ANNE_DTYPE_COUNT];
/* The bench run it was fitted to (a date and the records' file), for the comment of reports. */
extern const char anne_cost_fit_source[];

/* "m0plus" / "m33" -> core; -1 for another name. */
int anne_core_parse(const char *name);
const char *anne_core_name(anne_core core);     /* "m0plus", "m33" */
const char *anne_core_board(anne_core core);    /* "Cortex-M0+ (RP2040, Raspberry Pi Pico)", ... */
double anne_core_mhz(anne_core core);           /* 133, 150 */
uint32_t anne_core_flash_bytes(anne_core core); /* the board's flash: 2 MB (Pico), 4 MB (Pico 2) */
uint32_t anne_core_ram_bytes(anne_core core);   /* its SRAM: 264 KB, 520 KB */

/* Adds the counts of one Dense layer (n_in inputs, n_out units, activation act) to terms. */
void anne_cost_dense_terms(double terms[ANNE_COST_TERM_COUNT], uint32_t n_in, uint32_t n_out, anne_activation act);

/* Adds the counts of a graph op to terms: kind, activation, its MACs, its first input's and its
 * output's values, its inputs, its window (kernel_h * kernel_w; 0 for an op without one). */
void anne_cost_op_terms(double terms[ANNE_COST_TERM_COUNT], anne_op_kind kind, anne_activation act, uint64_t macs,
                        uint32_t in_values, uint32_t out_values, uint32_t n_inputs, uint32_t window);

/* Estimated cycles of the counts on core for format dtype. A term the format's table has not fitted
 * takes float32's coefficient times the format's ratio to float32 on Dense MACs (*by_analogy set to
 * 1 when that happened and the term's count is not 0; may be NULL). */
double anne_cost_cycles(anne_core core, anne_dtype dtype, const double terms[ANNE_COST_TERM_COUNT], int *by_analogy);

/* "inference", "input", ...: a term's name as the fit script and --json spell it. */
const char *anne_cost_term_name(anne_cost_term term);

#endif /* ANNE_COST_H */
