/* `anne train --init` on a graph model (anne_train_graph.h). */
#include "anne_train_graph.h"

#include <stdlib.h>
#include <string.h>

#include "anne_ir_split.h"

/* Serializes ir and loads it as l. */
static int anne__load(const anne_ir *ir, anne_loaded *l, anne_error *err) {
    anne_status st;
    memset(l, 0, sizeof *l);
    if (anne_ir_serialize(ir, &l->bytes, &l->size, err) != 0) return -1;
    st = anne_model_load(&l->model, l->bytes, l->size);
    if (st != ANNE_OK) return anne_error_set(err, "internal error: a split model does not load: %s", anne_status_str(st));
    return 0;
}

int anne_train_graph_open(anne_train_graph *g, const anne_model *m, const char *path, anne_error *err) {
    anne_ir features, head;
    int rc;
    memset(g, 0, sizeof *g);
    if (anne_ir_from_model(&g->graph, m, err) != 0) return anne_error_prefix(err, "%s", path);
    if (anne_ir_split_head(&g->graph, &features, &head, err) != 0) {
        anne_ir_free(&g->graph);
        return anne_error_prefix(err, "%s", path);
    }
    rc = anne__load(&features, &g->features, err) == 0 && anne__load(&head, &g->head, err) == 0 ? 0 : -1;
    anne_ir_free(&features);
    anne_ir_free(&head);
    if (rc != 0) {
        anne_train_graph_free(g);
        return anne_error_prefix(err, "%s", path);
    }
    return 0;
}

int anne_train_graph_features(const anne_train_graph *g, anne_train_rows *rows, anne_error *err) {
    const anne_model *f = &g->features.model;
    size_t r, arena_size = anne_model_arena_size(f);
    float *x = malloc(rows->n * f->n_outputs * sizeof *x + 4u);
    void *arena = malloc(arena_size + 4u);
    if (x == NULL || arena == NULL) {
        free(x);
        free(arena);
        return anne_error_set(err, "out of memory");
    }
    for (r = 0; r < rows->n; r++) {
        anne_status st = anne_model_predict(f, x + r * f->n_outputs, rows->x + r * rows->n_features, arena, arena_size);
        if (st != ANNE_OK) {
            free(x);
            free(arena);
            return anne_error_set(err, "row %zu: the frozen part fails: %s", r + 1u, anne_status_str(st));
        }
    }
    free(arena);
    free(rows->x);
    rows->x = x;
    rows->n_features = f->n_outputs;
    return 0;
}

int anne_train_graph_join(anne_train_graph *g, const unsigned char *head_bytes, size_t head_size, unsigned char **out,
                          size_t *out_size, anne_error *err) {
    anne_model m;
    anne_ir head;
    anne_status st;
    int rc;
    unsigned char *copy = malloc(head_size + 1u); /* 4-aligned for the loader */
    if (copy == NULL) return anne_error_set(err, "out of memory");
    memcpy(copy, head_bytes, head_size);
    st = anne_model_load(&m, copy, head_size);
    if (st != ANNE_OK) {
        free(copy);
        return anne_error_set(err, "internal error: the trained head does not load: %s", anne_status_str(st));
    }
    rc = anne_ir_from_model(&head, &m, err);
    free(copy);
    if (rc != 0) return -1;
    rc = anne_ir_join_head(&g->graph, &head, err);
    if (rc == 0 && head.n_classes > 0) { /* the class names the trainer stored (from the data, or kept) */
        char **names = g->graph.class_names;
        uint16_t n = g->graph.n_classes;
        g->graph.class_names = head.class_names;
        g->graph.n_classes = head.n_classes;
        head.class_names = names;
        head.n_classes = n;
    }
    anne_ir_free(&head);
    if (rc == 0) rc = anne_ir_serialize(&g->graph, out, out_size, err);
    return rc;
}

void anne_train_graph_free(anne_train_graph *g) {
    anne_ir_free(&g->graph);
    anne_loaded_close(&g->features);
    anne_loaded_close(&g->head);
}
