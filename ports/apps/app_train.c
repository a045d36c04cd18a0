/* Training on the board gives the host's weights. Two runs on the paper's IRIS training rows:
 *  - "paper": the paper's 8-neuron network (4-2-3-2-1: relu, sigmoid, relu, sigmoid, binary
 *    cross-entropy), glorot-initialized from seed 7, Adam (lr 0.01), 5 epochs of batches of 8 in
 *    shuffled order. Sigmoid needs expf, which differs between C libraries: within 1e-4.
 *  - "exact": 4-8-1 (relu, linear, mean squared error), the same schedule. Only + - * / and sqrt,
 *    which IEEE-754 rounds the same way everywhere (soft-float on the M0+, the FPU on the M33, SSE on
 *    x86-64): bit-identical.
 * The host (`write`) stores the final parameters of both; a board (`check`) compares.
 *   anne_app_train write|check MODEL DATA PARAMS
 * MODEL gives the architecture and input scaling of "paper"; DATA holds rows of 4 floats + label. */
#include "anne_train.h"
#include "app_common.h"

#include <math.h>

#define ANNE_APP_MAX_ROWS 128u
#define ANNE_APP_EPOCHS 5u
#define ANNE_APP_BATCH 8u
#define ANNE_APP_MAX_PARAMS 256u

static uint32_t anne_app_model_buf[1024];
static float anne_app_data[ANNE_APP_MAX_ROWS * 5u];
static double anne_app_arena[2048]; /* aligned for pointers on every target */
static float anne_app_got[2 * ANNE_APP_MAX_PARAMS];
static float anne_app_want[2 * ANNE_APP_MAX_PARAMS];

/* Trains `arch` as described above; copies the parameters to params and returns their number (0 on
 * an error, after saying which). */
static uint32_t anne_app_train(const anne_model_desc *arch, anne_loss loss, uint32_t n_rows, float *params) {
    anne_trainer t;
    anne_train_config cfg;
    anne_rng rng;
    uint16_t order[ANNE_APP_MAX_ROWS];
    uint32_t e, i;
    anne_status st;
    cfg.loss = loss;
    anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_ADAM);
    cfg.optimizer.lr = 0.01f;
    cfg.seed = 7u;
    st = anne_trainer_init(&t, arch, &cfg, anne_app_arena, sizeof anne_app_arena);
    anne_rng_seed(&rng, 11u, 1u);
    for (i = 0; i < n_rows; i++) order[i] = (uint16_t)i;
    for (e = 0; e < ANNE_APP_EPOCHS && st == ANNE_OK; e++) {
        for (i = n_rows - 1u; i > 0u; i--) { /* Fisher-Yates with integer draws: the same on every target */
            uint32_t j = anne_rng_below(&rng, i + 1u);
            uint16_t tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        for (i = 0; i < n_rows && st == ANNE_OK; i++) {
            const float *row = anne_app_data + 5u * order[i];
            st = anne_trainer_accumulate_class(&t, row, (uint16_t)row[4], NULL, NULL);
            if (st == ANNE_OK && ((i + 1u) % ANNE_APP_BATCH == 0u || i + 1u == n_rows)) st = anne_trainer_step(&t);
        }
    }
    if (st != ANNE_OK || t.n_params > ANNE_APP_MAX_PARAMS) {
        anne_port_puts("training failed: ");
        anne_port_puts(st != ANNE_OK ? anne_status_str(st) : "too many parameters for this program");
        anne_port_puts("\n");
        return 0;
    }
    memcpy(params, t.params, t.n_params * sizeof *params);
    return t.n_params;
}

int anne_app_main(int argc, char **argv) {
    anne_model m;
    anne_layer paper_layers[8], exact_layers[2];
    anne_model_desc paper, exact;
    long size;
    uint16_t i;
    uint32_t n_rows, n_paper, n_exact, identical, at;
    float max_diff;
    int write, ok_paper, ok_exact;
    if (argc != 5 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "check") != 0)) {
        anne_port_puts("usage: anne_app_train write|check MODEL DATA PARAMS\n");
        return 2;
    }
    write = strcmp(argv[1], "write") == 0;
    size = anne_app_load(argv[2], anne_app_model_buf, sizeof anne_app_model_buf);
    if (size < 0 || anne_model_load(&m, anne_app_model_buf, (size_t)size) != ANNE_OK || m.n_inputs != 4 ||
        m.n_layers > 8) {
        anne_port_puts("cannot load the paper's model (4 inputs, at most 8 layers)\n");
        return 1;
    }
    size = anne_app_load(argv[3], anne_app_data, sizeof anne_app_data);
    if (size <= 0 || size % 20 != 0) {
        anne_port_puts("the training data must be rows of 4 floats + label\n");
        return 1;
    }
    n_rows = (uint32_t)size / 20u;

    memset(&paper, 0, sizeof paper);
    paper.n_inputs = 4;
    paper.n_layers = m.n_layers;
    paper.layers = paper_layers;
    paper.scaling = m.scaling;
    for (i = 0; i < m.n_layers; i++) {
        anne_model_layer(&m, i, &paper_layers[i]);
        paper_layers[i].kernel = NULL; /* glorot_uniform from the seed, zero bias */
        paper_layers[i].bias = NULL;
    }
    exact = paper;
    exact.n_layers = 2;
    exact.layers = exact_layers;
    memset(exact_layers, 0, sizeof exact_layers);
    exact_layers[0].kind = exact_layers[1].kind = ANNE_LAYER_DENSE;
    exact_layers[0].dtype = exact_layers[1].dtype = ANNE_DTYPE_F32;
    exact_layers[0].activation = ANNE_ACT_RELU;
    exact_layers[0].param[1] = INFINITY; /* relu without max_value */
    exact_layers[1].activation = ANNE_ACT_LINEAR;
    exact_layers[0].n_in = 4;
    exact_layers[0].n_out = exact_layers[1].n_in = 8;
    exact_layers[1].n_out = 1;

    n_paper = anne_app_train(&paper, ANNE_LOSS_BINARY_CROSSENTROPY, n_rows, anne_app_got);
    if (n_paper == 0) return 1;
    n_exact = anne_app_train(&exact, ANNE_LOSS_MSE, n_rows, anne_app_got + n_paper);
    if (n_exact == 0) return 1;
    if (write) return anne_app_store(argv[4], anne_app_got, (n_paper + n_exact) * sizeof(float)) == 0 ? 0 : 1;

    if (anne_app_load(argv[4], anne_app_want, sizeof anne_app_want) != (long)((n_paper + n_exact) * sizeof(float))) {
        anne_port_puts("the host's parameters are missing or of the wrong size\n");
        return 1;
    }
    anne_port_puts(anne_port_target);
    anne_port_puts(": 5 epochs of Adam on ");
    anne_port_put_u32(n_rows);
    anne_port_puts(" rows\n  ");
    ok_paper = anne_app_compare(anne_app_got, anne_app_want, n_paper, 1e-4f, 1e-4f, &identical, &max_diff, &at);
    anne_app_report("paper's network (expf: within 1e-4)", n_paper, identical, max_diff, at);
    if (!ok_paper) anne_port_puts("  FAIL: outside the tolerance\n");
    anne_port_puts("  ");
    ok_exact = anne_app_compare(anne_app_got + n_paper, anne_app_want + n_paper, n_exact, 0.0f, 0.0f, &identical,
                                &max_diff, &at);
    anne_app_report("relu/linear/mse network (must be bit-identical)", n_exact, identical, max_diff, at);
    if (!ok_exact) anne_port_puts("  FAIL: not bit-identical\n");
    return ok_paper && ok_exact ? 0 : 1;
}
