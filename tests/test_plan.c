/* The arena planner (tools/model/anne_plan.c): a chain gets exactly the lower bound (the largest
 * input + output of one op); random graphs (branches, merges, values kept for later, in-place ops) get
 * plans that a brute-force check of every pair of tensors accepts, that the runtime's loader accepts
 * with its own rule (anne_graph_write), and that give the same outputs, bit for bit, as a plan where
 * every tensor has a place of its own. */
#include <stdlib.h>
#include <string.h>

#include "anne.h"
#include "anne_plan.h"
#include "test_support.h"

static uint64_t seed = 7;

static uint32_t rnd(uint32_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(seed >> 33) % n;
}

/* Every pair of tensors alive at the same time (the later one written while the earlier one is still
 * to be read, or by its last reader) is apart, unless the later one is the earlier one in place. */
static void assert_valid(const anne_plan_tensor *t, size_t n, uint32_t arena) {
    size_t a, b;
    for (a = 0; a < n; a++) {
        assert_true(t[a].offset % 4u == 0 && t[a].offset + t[a].bytes <= arena);
        for (b = a + 1u; b < n; b++) {
            int together = (int64_t)b - 1 <= (int64_t)t[a].last; /* b's writer, op b - 1, before a's last read */
            int apart = t[a].offset + t[a].bytes <= t[b].offset || t[b].offset + t[b].bytes <= t[a].offset;
            int in_place = t[b].in_place_of == (int32_t)a && t[b].offset == t[a].offset;
            if (together && !apart && !in_place) fail_msg("tensors %zu and %zu overlap while both are live", a, b);
        }
    }
}

static void test_chain_gets_the_lower_bound(void **state) {
    int r;
    (void)state;
    for (r = 0; r < 200; r++) {
        anne_plan_tensor t[12];
        size_t n = 2u + rnd(10), i;
        uint32_t arena, bound = 0;
        anne_error err;
        memset(t, 0, sizeof t);
        for (i = 0; i < n; i++) {
            t[i].bytes = 4u * (1u + rnd(100));
            t[i].last = (uint32_t)i; /* read by the next op; the output (i = n - 1) by the caller */
            t[i].in_place_of = -1;
        }
        for (i = 0; i + 1u < n; i++) {
            if (t[i].bytes + t[i + 1u].bytes > bound) bound = t[i].bytes + t[i + 1u].bytes;
        }
        assert_int_equal(anne_plan_arena(t, n, 1, &arena, &err), 0);
        assert_int_equal(arena, bound);
        assert_valid(t, n, arena);
    }
}

/* ---- random graphs through the runtime ------------------------------------------------------------ */

#define MAX_OPS 24

typedef struct rgraph {
    anne_tensor t[MAX_OPS + 1];
    anne_op op[MAX_OPS];
    anne_plan_tensor p[MAX_OPS + 1];
    float w[MAX_OPS][64 * 64];
    uint16_t n_ops;
} rgraph;

/* Rank-1 tensors: Dense ops that change the size, Adds of two earlier tensors of one size, in-place
 * activations; the output a Dense of the last tensor. */
static void make_rgraph(rgraph *g) {
    uint16_t i, k;
    memset(g, 0, sizeof *g);
    g->n_ops = (uint16_t)(3u + rnd(MAX_OPS - 3u));
    g->t[0].dtype = ANNE_DTYPE_F32, g->t[0].rank = 1, g->t[0].dims[0] = (uint16_t)(1u + rnd(64));
    g->t[0].dims[1] = g->t[0].dims[2] = g->t[0].dims[3] = 1;
    for (i = 0; i < g->n_ops; i++) {
        anne_op *op = &g->op[i];
        anne_tensor *out = &g->t[i + 1u];
        uint16_t a = (uint16_t)(i + 1u == g->n_ops ? i : rnd(i + 1u)), b = 0xFFFFu, units;
        uint32_t kind = i + 1u == g->n_ops ? 0u : rnd(3);
        *out = g->t[a];
        op->n_inputs = 1;
        op->inputs[0] = a;
        op->output = (uint16_t)(i + 1u);
        op->kind = ANNE_OP_DENSE;
        if (kind == 1) { /* an Add with another earlier tensor of a's size, if there is one */
            for (k = 0; k <= i && b == 0xFFFFu; k++) {
                uint16_t c = (uint16_t)rnd(i + 1u);
                if (g->t[c].dims[0] == g->t[a].dims[0]) b = c;
            }
            op->kind = ANNE_OP_ADD, op->n_inputs = 2, op->inputs[1] = b != 0xFFFFu ? b : a;
        } else if (kind == 2) {
            op->kind = ANNE_OP_ACTIVATION, op->activation = ANNE_ACT_TANH;
        } else {
            units = (uint16_t)(1u + rnd(64));
            out->dims[0] = units;
            op->kernel = g->w[i], op->kernel_size = 4u * units * g->t[a].dims[0];
            for (k = 0; k < units * g->t[a].dims[0]; k++) g->w[i][k] = (float)((int)rnd(200) - 100) / 100.0f;
        }
    }
    /* lifetimes, and in place where the op is elementwise over its first input and its last reader */
    for (i = 0; i <= g->n_ops; i++) {
        g->p[i].bytes = 4u * g->t[i].dims[0];
        g->p[i].last = i == g->n_ops ? g->n_ops : (uint32_t)i - 1u;
        g->p[i].in_place_of = -1;
        for (k = 0; k < g->n_ops; k++) {
            if (g->op[k].inputs[0] == i || (g->op[k].n_inputs == 2 && g->op[k].inputs[1] == i)) g->p[i].last = k;
        }
    }
    for (i = 0; i < g->n_ops; i++) {
        uint16_t a = g->op[i].inputs[0];
        if (g->op[i].kind != ANNE_OP_DENSE && g->p[a].last == i && rnd(2) == 0) g->p[i + 1u].in_place_of = a;
    }
}

static uint8_t *write_rgraph(rgraph *g, uint32_t arena, size_t *size) {
    anne_graph_desc d;
    anne_status st;
    uint8_t *b;
    memset(&d, 0, sizeof d);
    d.n_tensors = (uint16_t)(g->n_ops + 1u), d.tensors = g->t, d.n_ops = g->n_ops, d.ops = g->op;
    d.arena_bytes = arena;
    assert_int_equal(anne_graph_write(&d, NULL, 0, size), ANNE_OK);
    b = aligned_alloc(4, (*size + 3u) & ~(size_t)3u);
    st = anne_graph_write(&d, b, *size, size);
    if (st != ANNE_OK) fail_msg("the loader refuses the plan: %s", anne_status_str(st));
    return b;
}

static void run(const uint8_t *b, size_t size, const float *x, float *y) {
    anne_model m;
    void *arena;
    assert_int_equal(anne_model_load(&m, b, size), ANNE_OK);
    arena = malloc(anne_model_arena_size(&m));
    assert_int_equal(anne_model_predict(&m, y, x, arena, anne_model_arena_size(&m)), ANNE_OK);
    free(arena);
}

static void test_random_graphs(void **state) {
    static rgraph g;
    int r, reused = 0, in_place = 0;
    (void)state;
    for (r = 0; r < 300; r++) {
        uint32_t arena, separate = 0, i;
        anne_error err;
        size_t size1, size2;
        uint8_t *b1, *b2;
        float x[64], y1[64], y2[64];
        make_rgraph(&g);
        assert_int_equal(anne_plan_arena(g.p, g.n_ops + 1u, 1, &arena, &err), 0);
        assert_valid(g.p, g.n_ops + 1u, arena);
        for (i = 0; i <= g.n_ops; i++) {
            g.t[i].offset = separate;
            separate += g.p[i].bytes;
            in_place += g.p[i].in_place_of >= 0;
        }
        b1 = write_rgraph(&g, separate, &size1);
        for (i = 0; i <= g.n_ops; i++) g.t[i].offset = g.p[i].offset;
        b2 = write_rgraph(&g, arena, &size2);
        reused += arena < separate;
        for (i = 0; i < g.t[0].dims[0]; i++) x[i] = (float)((int)rnd(200) - 100) / 50.0f;
        run(b1, size1, x, y1);
        run(b2, size2, x, y2);
        assert_memory_equal(y1, y2, 4u * g.t[g.n_ops].dims[0]);
        free(b1), free(b2);
    }
    print_message("%d of 300 random graphs in less memory than one place per tensor; %d tensors in place\n", reused,
                  in_place);
    assert_true(reused > 250 && in_place > 0); /* the test exercises reuse and in-place */
}

/* Ops with a scratch (a recurrent op's state): in random chains and branches, each scratch lies in the
 * arena clear of every tensor live while its op runs (its inputs and its output among them), and the
 * arena ends exactly at the furthest tensor or scratch. */
static void test_scratch_apart_from_live_tensors(void **state) {
    int r;
    (void)state;
    for (r = 0; r < 300; r++) {
        anne_plan_tensor t[16];
        size_t n = 2u + rnd(14), i, a;
        uint32_t arena, end = 0;
        anne_error err;
        memset(t, 0, sizeof t);
        for (i = 0; i < n; i++) {
            t[i].bytes = 4u * (1u + rnd(50));
            /* read by a later op (a branch kept for later) or the next one; the output by the caller */
            t[i].last = i + 1u >= n ? (uint32_t)(n - 1u) : (uint32_t)(i + rnd((uint32_t)(n - 1u - i)));
            t[i].in_place_of = -1;
            t[i].scratch = i > 0 && rnd(2) ? 4u * (1u + rnd(80)) : 0u;
        }
        assert_int_equal(anne_plan_arena(t, n, 1, &arena, &err), 0);
        assert_valid(t, n, arena);
        for (i = 0; i < n; i++) {
            if (t[i].offset + t[i].bytes > end) end = t[i].offset + t[i].bytes;
            if (t[i].scratch == 0) continue;
            assert_true(t[i].scratch_offset % 4u == 0);
            if (t[i].scratch_offset + t[i].scratch > end) end = t[i].scratch_offset + t[i].scratch;
            for (a = 0; a < n; a++) { /* live while op i - 1 runs: written by then, read by it or later */
                int live = a <= i && t[a].last + 1u >= i;
                int apart = t[a].offset + t[a].bytes <= t[i].scratch_offset ||
                            t[i].scratch_offset + t[i].scratch <= t[a].offset;
                if (live && !apart) fail_msg("graph %d: the scratch of op %zu overlaps tensor %zu", r, i - 1u, a);
            }
        }
        assert_int_equal(arena, end);
    }
}

static void test_refusals(void **state) {
    anne_plan_tensor t[3];
    uint32_t arena;
    anne_error err;
    (void)state;
    memset(t, 0, sizeof t);
    t[0].bytes = 8, t[0].last = 0, t[0].in_place_of = -1;
    t[1].bytes = 6, t[1].last = 1, t[1].in_place_of = -1; /* not a multiple of 4 */
    t[2].bytes = 4, t[2].last = 2, t[2].in_place_of = -1;
    assert_int_equal(anne_plan_arena(t, 3, 1, &arena, &err), -1);
    assert_non_null(strstr(err.msg, "tensor 1: 6 bytes"));
    t[1].bytes = 8, t[1].in_place_of = 0; /* fine: the same size, op 0 its last reader */
    assert_int_equal(anne_plan_arena(t, 3, 1, &arena, &err), 0);
    assert_int_equal(t[1].offset, t[0].offset);
    t[2].in_place_of = 0; /* tensor 0 is not read by op 1 */
    assert_int_equal(anne_plan_arena(t, 3, 1, &arena, &err), -1);
    assert_non_null(strstr(err.msg, "tensor 2 cannot take the place of tensor 0"));
    t[2].in_place_of = -1, t[0].last = 2; /* read by op 2, which comes after op 1: fine */
    assert_int_equal(anne_plan_arena(t, 3, 1, &arena, &err), -1); /* ... but tensor 1 is in place of it */
    t[1].in_place_of = -1;
    assert_int_equal(anne_plan_arena(t, 3, 1, &arena, &err), 0);
    assert_valid(t, 3, arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_gets_the_lower_bound),
        cmocka_unit_test(test_scratch_apart_from_live_tensors),
        cmocka_unit_test(test_random_graphs),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
