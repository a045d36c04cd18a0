/* Fine-tuning: frozen layers stay bit-identical through training steps while the others learn with
 * the same gradients as without freezing; a trained network written with anne_trainer_write()
 * loads and predicts what the trainer predicts; a trainer started from that model continues from
 * exactly its weights. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "anne_train.h"
#include "test_support.h"

enum { NIN = 3, NL = 3 };
static const uint16_t units[NL] = {5, 4, 2};
static const anne_activation acts[NL] = {ANNE_ACT_TANH, ANNE_ACT_RELU, ANNE_ACT_SOFTMAX};
static const float mean[NIN] = {1.0f, -2.0f, 0.5f}, sd[NIN] = {2.0f, 0.5f, 1.5f};

static void *start(anne_trainer *t, anne_optimizer_kind opt) {
    anne_scaling sc;
    sc.kind = ANNE_SCALING_STANDARDIZE;
    sc.a = mean;
    sc.b = sd;
    return anne_test_trainer(t, NIN, units, acts, NL, &sc, opt, 0.05f, 11);
}

static void sample(int i, float x[NIN], uint16_t *label) {
    x[0] = (float)((i * 37) % 17) * 0.3f - 1.0f;
    x[1] = (float)((i * 11) % 7) * 0.2f - 2.5f;
    x[2] = (float)((i * 5) % 13) * 0.25f - 1.0f;
    *label = (uint16_t)(x[0] + x[2] > 1.0f);
}

static size_t layer_floats(const anne_layer *l) {
    return (size_t)l->n_in * l->n_out + (l->bias != NULL ? l->n_out : 0u);
}

static void test_frozen_layers_are_bit_identical(void **state) {
    anne_optimizer_kind kinds[3] = {ANNE_OPTIMIZER_ADAM, ANNE_OPTIMIZER_MOMENTUM, ANNE_OPTIMIZER_SGD};
    int k;
    (void)state;
    for (k = 0; k < 3; k++) {
        anne_trainer t, ref;
        void *arena = start(&t, kinds[k]), *ref_arena = start(&ref, kinds[k]);
        float *before = malloc(t.n_params * sizeof *before);
        size_t frozen;
        int step, i;
        assert_non_null(before);
        /* the first two layers frozen: only the head learns */
        assert_int_equal(anne_trainer_set_trainable(&t, 0, 0), ANNE_OK);
        assert_int_equal(anne_trainer_set_trainable(&t, 1, 0), ANNE_OK);
        memcpy(before, t.params, t.n_params * sizeof *before);
        frozen = layer_floats(&t.layers[0]) + layer_floats(&t.layers[1]);
        for (step = 0; step < 20; step++) {
            for (i = 0; i < 8; i++) {
                float x[NIN];
                uint16_t label;
                sample(step * 8 + i, x, &label);
                assert_int_equal(anne_trainer_accumulate_class(&t, x, label, NULL, NULL), ANNE_OK);
                if (step == 0) assert_int_equal(anne_trainer_accumulate_class(&ref, x, label, NULL, NULL), ANNE_OK);
            }
            if (step == 0) {
                /* the head's gradient is the same as in the unfrozen network */
                size_t p;
                for (p = frozen; p < t.n_params; p++) assert_float_equal(t.grads[p], ref.grads[p], 1e-6f);
                for (p = 0; p < frozen; p++) assert_true(t.grads[p] == 0.0f);
            }
            assert_int_equal(anne_trainer_step(&t), ANNE_OK);
        }
        assert_memory_equal(t.params, before, frozen * sizeof *before);
        assert_memory_not_equal(t.params + frozen, before + frozen, (t.n_params - frozen) * sizeof *before);
        free(before);
        free(arena);
        free(ref_arena);
    }
}

/* Training lowers the loss: a quick sanity check that the pieces work together. */
static double mean_loss(anne_trainer *t) {
    double sum = 0;
    int i;
    for (i = 0; i < 64; i++) {
        float x[NIN], y[2];
        uint16_t label;
        sample(i, x, &label);
        assert_int_equal(anne_trainer_predict(t, y, x), ANNE_OK);
        sum += -log(y[label]);
    }
    return sum / 64;
}

static void test_training_lowers_the_loss(void **state) {
    anne_trainer t;
    void *arena = start(&t, ANNE_OPTIMIZER_ADAM);
    double before, after;
    int epoch, i;
    (void)state;
    before = mean_loss(&t);
    for (epoch = 0; epoch < 100; epoch++) {
        for (i = 0; i < 64; i++) {
            float x[NIN];
            uint16_t label;
            sample(i, x, &label);
            assert_int_equal(anne_trainer_accumulate_class(&t, x, label, NULL, NULL), ANNE_OK);
            if (i % 16 == 15) assert_int_equal(anne_trainer_step(&t), ANNE_OK);
        }
    }
    after = mean_loss(&t);
    assert_true(after < 0.5 * before);
    free(arena);
}

static void test_write_load_and_resume(void **state) {
    static const char *const names[2] = {"no", "yes"};
    anne_trainer t, t2;
    void *arena = start(&t, ANNE_OPTIMIZER_ADAM), *arena2;
    unsigned char *buf;
    size_t size, size2;
    anne_model model;
    int i;
    (void)state;
    for (i = 0; i < 32; i++) {
        float x[NIN];
        uint16_t label;
        sample(i, x, &label);
        assert_int_equal(anne_trainer_accumulate_class(&t, x, label, NULL, NULL), ANNE_OK);
        if (i % 8 == 7) assert_int_equal(anne_trainer_step(&t), ANNE_OK);
    }
    assert_int_equal(anne_trainer_write(&t, "trained", 2, names, NULL, 0, &size), ANNE_OK);
    buf = malloc(size);
    assert_non_null(buf);
    assert_int_equal(anne_trainer_write(&t, "trained", 2, names, buf, size - 1, &size2), ANNE_ERR_BUFFER_TOO_SMALL);
    assert_int_equal(anne_trainer_write(&t, "trained", 2, names, buf, size, &size2), ANNE_OK);
    assert_int_equal(size, size2);
    assert_int_equal(anne_model_load(&model, buf, size), ANNE_OK);
    assert_string_equal(model.name, "trained");
    assert_string_equal(anne_model_class_name(&model, 1), "yes");
    assert_int_equal(model.scaling.kind, ANNE_SCALING_STANDARDIZE);
    {
        size_t asz = anne_model_arena_size(&model);
        float *parena = malloc(asz);
        assert_non_null(parena);
        for (i = 0; i < 16; i++) {
            float x[NIN], y1[2], y2[2];
            uint16_t label;
            sample(100 + i, x, &label);
            assert_int_equal(anne_trainer_predict(&t, y1, x), ANNE_OK);
            assert_int_equal(anne_model_predict(&model, y2, x, parena, asz), ANNE_OK);
            assert_memory_equal(y1, y2, sizeof y1); /* the same float operations in the same order */
        }
        free(parena);
    }
    /* fine-tuning starts from exactly the written weights and scaling */
    assert_int_equal(anne_trainer_arena_size_model(&model, ANNE_OPTIMIZER_SGD, &size2), ANNE_OK);
    arena2 = malloc(size2);
    assert_non_null(arena2);
    {
        anne_train_config cfg;
        cfg.loss = ANNE_LOSS_CATEGORICAL_CROSSENTROPY;
        anne_optimizer_defaults(&cfg.optimizer, ANNE_OPTIMIZER_SGD);
        cfg.seed = 0;
        assert_int_equal(anne_trainer_init_model(&t2, &model, &cfg, arena2, size2), ANNE_OK);
    }
    memset(buf, 0, size); /* the trainer keeps its own copy: the model bytes may go */
    assert_int_equal(t2.n_params, t.n_params);
    assert_memory_equal(t2.params, t.params, t.n_params * sizeof(float));
    assert_memory_equal(t2.scaling.a, mean, sizeof mean);
    assert_memory_equal(t2.scaling.b, sd, sizeof sd);
    free(arena2);
    free(buf);
    free(arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frozen_layers_are_bit_identical),
        cmocka_unit_test(test_training_lowers_the_loss),
        cmocka_unit_test(test_write_load_and_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
