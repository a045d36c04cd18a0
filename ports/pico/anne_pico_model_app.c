/* The Pico template (anne_pico_model_app.h): any model, its sizes from the generated header's macros
 * (model_INPUTS, model_OUTPUTS, model_ARENA_BYTES, model_DTYPE; docs/codegen.md), all memory static. */
#include "anne_pico_model_app.h"

#include "anne_pico_app.h"
#include "anne_port.h"
#include "model.h"
#ifdef ANNE_PICO_SELF_TEST
#include "model_test.h"
#endif

/* At most this many values of a vector are printed (a CNN's input has thousands). */
#define ANNE_PICO_PRINT_MAX 8u

static void anne_pico_put_vector(const char *label, const float *v, unsigned n) {
    unsigned i;
    anne_port_puts(label);
    for (i = 0; i < n && i < ANNE_PICO_PRINT_MAX; i++) {
        anne_port_puts(i ? ", " : " ");
        anne_port_put_f32(v[i]);
    }
    if (n > ANNE_PICO_PRINT_MAX) {
        anne_port_puts(", ... (");
        anne_port_put_u32(n);
        anne_port_puts(" values)");
    }
    anne_port_puts("\n");
}

static int anne_pico_model_fail(const char *what, anne_status st) {
    anne_port_puts("FAILED: ");
    anne_port_puts(what);
    if (st != ANNE_OK) {
        anne_port_puts(": ");
        anne_port_puts(anne_status_str(st));
    }
    anne_port_puts("\n");
    return 1;
}

/* `anne predict`'s rule: a model with one linear output and no class names gives a value, not a class
 * (docs/cli.md, "Classification or regression"). */
static int anne_pico_model_regression(const anne_model *m) {
    anne_activation act = ANNE_ACT_LINEAR;
    if (m->n_classes != 0u || model_OUTPUTS != 1) return 0;
#if ANNE_CONFIG_GRAPH
    if (m->op_table != NULL) {
        anne_op last;
        if (anne_model_op(m, (uint16_t)(m->n_ops - 1u), &last) != ANNE_OK) return 0;
        act = last.activation;
    } else
#endif
    {
        anne_layer last;
        if (anne_model_layer(m, (uint16_t)(m->n_layers - 1u), &last) != ANNE_OK) return 0;
        act = last.activation;
    }
    return act == ANNE_ACT_LINEAR;
}

int anne_pico_model_info(void) {
    static const char *const dtypes[] = {"float32", "Q16.16", "int8"};
    const anne_model *m = model_model();
    uint16_t i;
    anne_status st = model_validate();
    if (st != ANNE_OK) return anne_pico_model_fail("the embedded model does not validate", st);
    anne_port_puts("ANNE ");
    anne_port_puts(ANNE_VERSION_STRING);
    anne_port_puts(": model ");
    if (m->name[0] != '\0') {
        anne_port_puts("'");
        anne_port_puts(m->name);
        anne_port_puts("', ");
    } else {
        anne_port_puts("(no name), ");
    }
    anne_port_puts(model_DTYPE >= 0 && model_DTYPE <= 2 ? dtypes[model_DTYPE] : "?");
    anne_port_puts(", ");
    anne_port_put_u32(model_INPUTS);
    anne_port_puts(model_INPUTS == 1 ? " input, " : " inputs, ");
    anne_port_put_u32(model_OUTPUTS);
    anne_port_puts(model_OUTPUTS == 1 ? " output, arena " : " outputs, arena ");
    anne_port_put_u32(model_ARENA_BYTES);
    anne_port_puts(" bytes\n");
    if (m->n_classes > 0u) {
        anne_port_puts("classes:");
        for (i = 0; i < m->n_classes; i++) {
            anne_port_puts(i ? ", " : " ");
            anne_port_puts(anne_model_class_name(m, i));
        }
        anne_port_puts("\n");
    }
    return 0;
}

int anne_pico_model_self_test(void) {
#ifdef ANNE_PICO_SELF_TEST
    int mismatches = model_self_test();
    anne_port_puts("self-test: ");
    anne_port_put_u32(model_TEST_ROWS);
    anne_port_puts(model_TEST_ROWS == 1 ? " row, " : " rows, ");
    anne_port_put_u32((uint32_t)mismatches);
    anne_port_puts(mismatches == 1 ? " mismatch" : " mismatches");
    anne_port_puts(mismatches == 0 ? "\n" : " (this board computes other outputs than the host: docs/codegen.md)\n");
    return mismatches != 0;
#else
    return 0;
#endif
}

int anne_pico_model_step(void) {
    /* Static, not on the stack: the Pico's main stack is 2 KB, and a model's input, output and arena
     * can be larger than that (the SDK's .bss is as large as the RAM allows). */
    static float input[model_INPUTS], output[model_OUTPUTS];
    static float arena[model_ARENA_BYTES / sizeof(float) + 1u]; /* 4-byte aligned */
    const char *name;
    uint32_t t0, t1;
    uint16_t cls;
    anne_status st;
    if (anne_pico_read_input(input, model_INPUTS) != 0) return anne_pico_model_fail("reading the sensor", ANNE_OK);
    t0 = anne_pico_time_us();
    st = model_predict(input, output, arena);
    t1 = anne_pico_time_us();
    if (st != ANNE_OK) return anne_pico_model_fail("running the model", st);
    anne_pico_put_vector("input:", input, model_INPUTS);
    anne_pico_put_vector("output:", output, model_OUTPUTS);
    if (!anne_pico_model_regression(model_model())) {
        cls = anne_output_class(output, model_OUTPUTS, 0.5f);
        anne_port_puts("class ");
        anne_port_put_u32(cls);
        name = anne_model_class_name(model_model(), cls);
        if (name != NULL) {
            anne_port_puts(" (");
            anne_port_puts(name);
            anne_port_puts(")");
        }
        anne_port_puts(", ");
    }
    anne_port_puts("inference ");
    anne_port_put_u32(t1 - t0);
    anne_port_puts(" us\n");
    return 0;
}
