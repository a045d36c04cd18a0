/* The IRIS demo (see anne_pico_app.h): load and check the model, classify the test rows with the
 * streaming metrics, time one inference, then train the same architecture from a seed with Adam and
 * report loss and accuracy as it learns. */
#include <string.h>

#include "anne_pico_app.h"
#include "anne_port.h"
#include "anne_train.h"

static void anne_pico_line(const char *label, float value) {
    anne_port_puts(label);
    anne_port_put_f32(value);
    anne_port_puts("\n");
}

/* Accuracy (in %) and confusion matrix of `predict` on the test rows. */
static anne_status anne_pico_evaluate(const anne_model *m, anne_trainer *t, uint32_t *arena, size_t arena_size) {
    uint32_t confusion[4];
    anne_metrics metrics;
    unsigned r;
    anne_status st = anne_metrics_init(&metrics, 2, confusion, 4);
    for (r = 0; r < anne_pico_test_rows && st == ANNE_OK; r++) {
        float out[1];
        st = t != NULL ? anne_trainer_predict(t, out, anne_pico_test[r])
                       : anne_model_predict(m, out, anne_pico_test[r], arena, arena_size);
        if (st == ANNE_OK) {
            st = anne_metrics_update_output(&metrics, (uint16_t)anne_pico_test[r][4], out, 1, 0.5f, NULL);
        }
    }
    if (st != ANNE_OK) return st;
    anne_port_puts("  accuracy ");
    anne_port_put_u32((uint32_t)(anne_metrics_accuracy(&metrics) * 100.0 + 0.5));
    anne_port_puts(" % on ");
    anne_port_put_u32(metrics.n);
    anne_port_puts(" test rows; confusion [[");
    anne_port_put_u32(confusion[0]);
    anne_port_puts(", ");
    anne_port_put_u32(confusion[1]);
    anne_port_puts("], [");
    anne_port_put_u32(confusion[2]);
    anne_port_puts(", ");
    anne_port_put_u32(confusion[3]);
    anne_port_puts("]] (rows: true versicolor, virginica)\n");
    return ANNE_OK;
}

static int anne_pico_fail(const char *what, anne_status st) {
    anne_port_puts("FAILED: ");
    anne_port_puts(what);
    anne_port_puts(": ");
    anne_port_puts(anne_status_str(st));
    anne_port_puts("\n");
    return 1;
}

int anne_pico_run(unsigned epochs) {
    /* Static, not on the stack: the Pico's main stack is 2 KB, and these would take about 900 bytes
     * of it (every run sets them up afresh, so a rerun prints the same). */
    static uint32_t arena[64];
    static double train_arena[512]; /* pointer-aligned */
    static anne_model m;
    static anne_layer layers[8];
    static anne_model_desc arch;
    static anne_trainer t;
    static uint16_t order[128];
    anne_train_config cfg;
    anne_rng rng;
    uint16_t i;
    unsigned e, r;
    uint32_t t0, t1;
    float out[1];
    anne_status st = anne_model_load(&m, anne_pico_model, anne_pico_model_size);
    if (st != ANNE_OK) return anne_pico_fail("loading the model", st);
    /* The data rows hold 4 inputs and the label; the arrays below bound layers and training rows. */
    if (m.n_inputs != 4u || m.n_outputs != 1u || m.n_layers > 8u) {
        return anne_pico_fail("the demo needs a model with 4 inputs, 1 output and at most 8 layers", ANNE_ERR_SHAPE);
    }
    if (anne_pico_train_rows > 128u) return anne_pico_fail("more than 128 training rows", ANNE_ERR_BAD_ARG);
    anne_port_puts("ANNE ");
    anne_port_puts(ANNE_VERSION_STRING);
    anne_port_puts(": model '");
    anne_port_puts(m.name);
    anne_port_puts("', ");
    anne_port_put_u32(m.n_layers);
    anne_port_puts(" layers, ");
    anne_port_put_u32(anne_pico_model_size);
    anne_port_puts(" bytes, arena ");
    anne_port_put_u32(m.arena_bytes);
    anne_port_puts(" bytes\n");

    anne_port_puts("paper's weights:\n");
    st = anne_pico_evaluate(&m, NULL, arena, sizeof arena);
    if (st != ANNE_OK) return anne_pico_fail("evaluating", st);
    t0 = anne_pico_time_us();
    for (r = 0; r < 100u && st == ANNE_OK; r++) {
        st = anne_model_predict(&m, out, anne_pico_test[0], arena, sizeof arena);
    }
    t1 = anne_pico_time_us();
    anne_port_puts("  one inference: ");
    anne_port_put_u32((t1 - t0) / 100u);
    anne_port_puts(" us (mean of 100)\n");
    if (epochs == 0u) return 0;

    /* The paper's architecture and input scaling, fresh glorot_uniform weights from seed 1. */
    memset(&arch, 0, sizeof arch);
    arch.n_inputs = m.n_inputs;
    arch.n_layers = m.n_layers;
    arch.layers = layers;
    arch.scaling = m.scaling;
    for (i = 0; i < m.n_layers; i++) {
        anne_model_layer(&m, i, &layers[i]);
        layers[i].kernel = NULL;
        layers[i].bias = NULL;
    }
    cfg.loss = ANNE_LOSS_BINARY_CROSSENTROPY;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.optimizer.lr = 0.01f;
    cfg.seed = 1u;
    st = anne_trainer_init(&t, &arch, &cfg, train_arena, sizeof train_arena);
    if (st != ANNE_OK) return anne_pico_fail("starting training", st);
    anne_port_puts("training from scratch: Adam lr 0.01, batches of 8, ");
    anne_port_put_u32(epochs);
    anne_port_puts(" epochs on ");
    anne_port_put_u32(anne_pico_train_rows);
    anne_port_puts(" rows\n");
    anne_rng_seed(&rng, 1u, 2u);
    for (r = 0; r < anne_pico_train_rows; r++) order[r] = (uint16_t)r;
    t0 = anne_pico_time_us();
    for (e = 1; e <= epochs && st == ANNE_OK; e++) {
        float sum = 0.0f, loss = 0.0f;
        for (r = anne_pico_train_rows - 1u; r > 0u; r--) {
            uint32_t j = anne_rng_below(&rng, r + 1u);
            uint16_t tmp = order[r];
            order[r] = order[j];
            order[j] = tmp;
        }
        for (r = 0; r < anne_pico_train_rows && st == ANNE_OK; r++) {
            const float *row = anne_pico_train[order[r]];
            st = anne_trainer_accumulate_class(&t, row, (uint16_t)row[4], &loss, NULL);
            sum += loss;
            if (st == ANNE_OK && ((r + 1u) % 8u == 0u || r + 1u == anne_pico_train_rows)) st = anne_trainer_step(&t);
        }
        if (e == 1u || e % 10u == 0u || e == epochs) {
            anne_port_puts("  epoch ");
            anne_port_put_u32(e);
            anne_pico_line(": mean loss ", sum / (float)anne_pico_train_rows);
        }
    }
    t1 = anne_pico_time_us();
    if (st != ANNE_OK) return anne_pico_fail("training", st);
    anne_port_puts("  training took ");
    anne_port_put_u32((t1 - t0) / 1000u);
    anne_port_puts(" ms\ntrained on the board:\n");
    st = anne_pico_evaluate(&m, &t, arena, sizeof arena);
    if (st != ANNE_OK) return anne_pico_fail("evaluating", st);
    return 0;
}
