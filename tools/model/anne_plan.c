/* The arena planner (anne_plan.h): the lifetimes of a graph's tensors, in-place reuse, then two ends
 * of the arena for a chain or greedy-by-size for any other graph. The loader checks the result with its
 * own rule (runtime/src/anne_graph_check.c), so a planner bug is a refused model, never a wrong one. */
#include "anne_plan.h"

#include <stdlib.h>

/* The op that writes tensor i: op i - n_inputs; the model's inputs (tensors 0 ... n_inputs-1) exist
 * from before op 0, written -1. */
static int64_t anne__def(size_t i, size_t n_inputs) {
    return i < n_inputs ? -1 : (int64_t)(i - n_inputs);
}

/* A chain: one input, each tensor read by the next op only, the output by nobody, nothing in place. */
static int anne__is_chain(const anne_plan_tensor *t, size_t n, size_t n_inputs) {
    size_t i;
    if (n_inputs != 1u) return 0;
    for (i = 0; i < n; i++) {
        if (t[i].last != i || t[i].in_place_of >= 0 || t[i].scratch != 0) return 0;
    }
    return 1;
}

/* Two ends: even tensors at 0, odd ones against the arena's end. Op i reads tensor i at one end and
 * writes tensor i + 1 at the other, and the arena is the largest pair. */
static void anne__plan_chain(anne_plan_tensor *t, size_t n, uint32_t *arena) {
    size_t i;
    *arena = 0;
    for (i = 0; i + 1u < n; i++) {
        if (t[i].bytes + t[i + 1u].bytes > *arena) *arena = t[i].bytes + t[i + 1u].bytes;
    }
    for (i = 0; i < n; i++) t[i].offset = i % 2u == 0 ? 0u : *arena - t[i].bytes;
}

/* A group of tensors that share one place: a tensor and those written in place over it, in turn. */
typedef struct anne__group {
    size_t first, last_member; /* tensor indices; the members are chained by in_place_of */
    int64_t from, to;          /* lifetime: from its first member's writer to its last member's last reader */
    uint32_t bytes, offset;
    int placed;
} anne__group;

/* Places group g at the lowest offset where it overlaps no placed group alive at the same time. The
 * candidates are 0 and the end of every such group: the lowest free place is one of them. */
static void anne__place(anne__group *g, size_t n_groups, size_t k) {
    size_t a, b;
    uint32_t best = UINT32_MAX;
    for (a = 0; a <= n_groups; a++) {
        uint32_t at;
        int fits = 1;
        if (a < n_groups && !(g[a].placed && g[a].from <= g[k].to && g[k].from <= g[a].to)) continue;
        at = a == n_groups ? 0u : g[a].offset + g[a].bytes;
        if (at >= best) continue;
        for (b = 0; b < n_groups && fits; b++) {
            if (g[b].placed && g[b].from <= g[k].to && g[k].from <= g[b].to) {
                fits = at + g[k].bytes <= g[b].offset || g[b].offset + g[b].bytes <= at;
            }
        }
        if (fits) best = at;
    }
    g[k].offset = best;
    g[k].placed = 1;
}

/* Largest first; equal sizes in graph order (a stable, deterministic plan). */
static int anne__by_size(const void *pa, const void *pb) {
    const anne__group *a = pa, *b = pb;
    if (a->bytes != b->bytes) return a->bytes > b->bytes ? -1 : 1;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* The groups, then one more per scratch (its `first` is n + the tensor whose writer needs it), by size. */
static int anne__plan_greedy(anne_plan_tensor *t, size_t n, size_t n_inputs, uint32_t *arena, anne_error *err) {
    anne__group *g = calloc(2u * n, sizeof *g);
    size_t *group_of = calloc(n, sizeof *group_of);
    size_t i, n_groups = 0, k;
    if (g == NULL || group_of == NULL) {
        free(g);
        free(group_of);
        return anne_error_set(err, "out of memory");
    }
    for (i = 0; i < n; i++) {
        int32_t u = t[i].in_place_of;
        if (u >= 0) { /* joins the group of the tensor whose place it takes */
            anne__group *h = &g[group_of[u]];
            group_of[i] = group_of[u];
            h->last_member = i;
            if ((int64_t)t[i].last > h->to) h->to = t[i].last;
            continue;
        }
        group_of[i] = n_groups;
        g[n_groups].first = g[n_groups].last_member = i;
        g[n_groups].from = anne__def(i, n_inputs);
        g[n_groups].to = t[i].last;
        g[n_groups].bytes = t[i].bytes;
        n_groups++;
    }
    for (i = 0; i < n; i++) { /* the scratches: each live while its op runs, marked by a first beyond n */
        if (t[i].scratch == 0) continue;
        g[n_groups].first = g[n_groups].last_member = n + i;
        g[n_groups].from = g[n_groups].to = anne__def(i, n_inputs);
        g[n_groups].bytes = t[i].scratch;
        n_groups++;
    }
    /* place by size; group_of still names the unsorted index, so remember each group's first member */
    qsort(g, n_groups, sizeof *g, anne__by_size);
    for (k = 0; k < n_groups; k++) anne__place(g, n_groups, k);
    *arena = 0;
    for (k = 0; k < n_groups; k++) {
        size_t m = g[k].first;
        if (m >= n) { /* a scratch */
            t[m - n].scratch_offset = g[k].offset;
            if (g[k].offset + g[k].bytes > *arena) *arena = g[k].offset + g[k].bytes;
            continue;
        }
        for (;;) { /* every member of the group at the group's offset */
            size_t next;
            t[m].offset = g[k].offset;
            if (m == g[k].last_member) break;
            for (next = m + 1u; next < n && t[next].in_place_of != (int32_t)m; next++) {
            }
            if (next == n) break;
            m = next;
        }
        if (g[k].offset + g[k].bytes > *arena) *arena = g[k].offset + g[k].bytes;
    }
    free(g);
    free(group_of);
    return 0;
}

/* What the planner relies on: sizes, lifetimes in the graph's order, in-place pairs the runtime accepts. */
static int anne__check(const anne_plan_tensor *t, size_t n, size_t n_inputs, anne_error *err) {
    size_t i, n_ops = n - n_inputs;
    uint64_t total = 0;
    if (n_inputs < 1 || n < n_inputs + 1u) {
        return anne_error_set(err, "a graph needs inputs and an op (%zu tensors, %zu inputs)", n, n_inputs);
    }
    for (i = 0; i < n; i++) {
        int32_t u = t[i].in_place_of;
        if (t[i].bytes == 0 || t[i].bytes % 4u != 0) {
            return anne_error_set(err, "tensor %zu: %u bytes (expected a positive multiple of 4)", i, t[i].bytes);
        }
        if (t[i].scratch % 4u != 0 || (i < n_inputs && t[i].scratch != 0)) {
            return anne_error_set(err, "tensor %zu: a scratch of %u bytes (expected a multiple of 4, none for an input)",
                                  i, t[i].scratch);
        }
        total += t[i].scratch;
        if ((int64_t)t[i].last < anne__def(i, n_inputs) || t[i].last > n_ops) {
            return anne_error_set(err, "tensor %zu: last read by op %u, but written by op %lld of %zu", i, t[i].last,
                                  (long long)anne__def(i, n_inputs), n_ops);
        }
        if (u >= 0 && ((size_t)u >= i || i < n_inputs || (int64_t)t[u].last != anne__def(i, n_inputs) ||
                       t[u].bytes != t[i].bytes)) {
            return anne_error_set(err, "tensor %zu cannot take the place of tensor %d (it must be an earlier tensor of "
                                  "the same size whose last reader is tensor %zu's writer)", i, (int)u, i);
        }
        total += t[i].bytes;
    }
    if (total > UINT32_MAX) return anne_error_set(err, "the tensors take %llu bytes, more than 4 GiB",
                                                  (unsigned long long)total);
    return 0;
}

int anne_plan_arena(anne_plan_tensor *t, size_t n, size_t n_inputs, uint32_t *arena_bytes, anne_error *err) {
    *arena_bytes = 0;
    if (anne__check(t, n, n_inputs, err) != 0) return -1;
    if (anne__is_chain(t, n, n_inputs)) {
        anne__plan_chain(t, n, arena_bytes);
        return 0;
    }
    return anne__plan_greedy(t, n, n_inputs, arena_bytes, err);
}
