/* Streaming classification metrics: a confusion matrix grows one sample at a time, and every score
 * (accuracy, precision, recall, F1, their averages, log loss) is read off it at the end. */
#include <math.h>
#include <string.h>

#include "anne.h"

/* sklearn's log_loss clip (before 1.3): keeps -ln(p) finite for p = 0 or 1. */
#define ANNE__LOG_LOSS_EPS 1e-15

anne_status anne_metrics_init(anne_metrics *m, uint16_t n_classes, uint32_t *confusion, size_t confusion_len) {
    if (m == NULL || confusion == NULL) return ANNE_ERR_NULL_ARG;
    memset(m, 0, sizeof *m);
    if (n_classes < 2 || n_classes > ANNE_MAX_CLASSES) return ANNE_ERR_BAD_ARG;
    if (confusion_len < (size_t)n_classes * n_classes) return ANNE_ERR_BUFFER_TOO_SMALL;
    memset(confusion, 0, (size_t)n_classes * n_classes * sizeof *confusion);
    m->n_classes = n_classes;
    m->confusion = confusion;
    return ANNE_OK;
}

anne_status anne_metrics_update(anne_metrics *m, uint16_t truth, uint16_t predicted) {
    if (m == NULL || m->confusion == NULL) return ANNE_ERR_NULL_ARG;
    if (truth >= m->n_classes || predicted >= m->n_classes) return ANNE_ERR_BAD_ARG;
    m->confusion[(uint32_t)truth * m->n_classes + predicted]++;
    m->n++;
    return ANNE_OK;
}

uint16_t anne_output_class(const float *output, uint16_t n_outputs, float threshold) {
    uint16_t best = 0, i;
    if (output == NULL || n_outputs == 0) return 0;
    if (n_outputs == 1) return output[0] > threshold ? 1u : 0u;
    for (i = 1; i < n_outputs; i++) {
        if (output[i] > output[best]) best = i;
    }
    return best;
}

anne_status anne_metrics_update_output(anne_metrics *m, uint16_t truth, const float *output, uint16_t n_outputs,
                                       float threshold, uint16_t *predicted) {
    uint16_t cls;
    double p;
    anne_status st;
    if (m == NULL || output == NULL) return ANNE_ERR_NULL_ARG;
    if (n_outputs == 0 || (n_outputs > 1 && n_outputs != m->n_classes) || (n_outputs == 1 && m->n_classes != 2)) {
        return ANNE_ERR_BAD_ARG;
    }
    cls = anne_output_class(output, n_outputs, threshold);
    st = anne_metrics_update(m, truth, cls);
    if (st != ANNE_OK) return st;
    if (predicted != NULL) *predicted = cls;

    p = n_outputs == 1 ? (truth == 1 ? (double)output[0] : 1.0 - (double)output[0]) : (double)output[truth];
    if (p == p) { /* a NaN output is counted in the confusion matrix but not in the log loss */
        if (p < ANNE__LOG_LOSS_EPS) p = ANNE__LOG_LOSS_EPS;
        if (p > 1.0 - ANNE__LOG_LOSS_EPS) p = 1.0 - ANNE__LOG_LOSS_EPS;
        m->log_loss_sum -= log(p);
        m->n_log_loss++;
    }
    return ANNE_OK;
}

double anne_metrics_accuracy(const anne_metrics *m) {
    uint32_t c, correct = 0;
    if (m == NULL || m->confusion == NULL || m->n == 0) return 0.0;
    for (c = 0; c < m->n_classes; c++) correct += m->confusion[c * m->n_classes + c];
    return (double)correct / (double)m->n;
}

double anne_metrics_log_loss(const anne_metrics *m) {
    if (m == NULL || m->n_log_loss == 0) return 0.0;
    return m->log_loss_sum / (double)m->n_log_loss;
}

/* Column sum: how often class c was predicted. */
static uint32_t anne__predicted(const anne_metrics *m, uint16_t c) {
    uint32_t r, sum = 0;
    for (r = 0; r < m->n_classes; r++) sum += m->confusion[r * m->n_classes + c];
    return sum;
}

/* Row sum: how often class c was the truth. */
static uint32_t anne__support(const anne_metrics *m, uint16_t c) {
    uint32_t k, sum = 0;
    for (k = 0; k < m->n_classes; k++) sum += m->confusion[(uint32_t)c * m->n_classes + k];
    return sum;
}

anne_status anne_metrics_class(const anne_metrics *m, uint16_t c, anne_class_metrics *out) {
    uint32_t tp, predicted, support;
    if (m == NULL || out == NULL || m->confusion == NULL) return ANNE_ERR_NULL_ARG;
    if (c >= m->n_classes) return ANNE_ERR_BAD_ARG;
    tp = m->confusion[(uint32_t)c * m->n_classes + c];
    predicted = anne__predicted(m, c);
    support = anne__support(m, c);
    /* sklearn's zero_division=0: a score whose denominator is 0 is 0 */
    out->precision = predicted ? (double)tp / predicted : 0.0;
    out->recall = support ? (double)tp / support : 0.0;
    out->f1 = out->precision + out->recall > 0.0
                  ? 2.0 * out->precision * out->recall / (out->precision + out->recall)
                  : 0.0;
    out->support = support;
    return ANNE_OK;
}

anne_status anne_metrics_average(const anne_metrics *m, anne_average avg, anne_class_metrics *out) {
    uint16_t c;
    double weight_sum = 0.0;
    if (m == NULL || out == NULL || m->confusion == NULL) return ANNE_ERR_NULL_ARG;
    if ((unsigned)avg >= (unsigned)ANNE_AVERAGE_COUNT) return ANNE_ERR_BAD_ARG;
    memset(out, 0, sizeof *out);
    for (c = 0; c < m->n_classes; c++) {
        anne_class_metrics k;
        double w;
        anne_metrics_class(m, c, &k);
        /* as sklearn: macro averages over the classes that occur as truth or as prediction */
        if (k.support == 0 && anne__predicted(m, c) == 0) continue;
        w = avg == ANNE_AVERAGE_WEIGHTED ? (double)k.support : 1.0;
        out->precision += w * k.precision;
        out->recall += w * k.recall;
        out->f1 += w * k.f1;
        out->support += k.support;
        weight_sum += w;
    }
    if (weight_sum > 0.0) {
        out->precision /= weight_sum;
        out->recall /= weight_sum;
        out->f1 /= weight_sum;
    }
    return ANNE_OK;
}
