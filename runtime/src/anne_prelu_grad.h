/* PReLU backward (the trainer's, runtime-private): the partner of anne_prelu_forward_f32() in anne.h.
 * Private until the lead decides whether it joins anne_train.h beside anne_activation_backward_f32(). */
#ifndef ANNE_PRELU_GRAD_H
#define ANNE_PRELU_GRAD_H

#include <stddef.h>

/* PReLU backward for one sample, with Keras' derivatives (pos = relu(x), neg = -alpha relu(-x), relu'(0) = 0):
 *   dx (n)      = dy * (1 if x > 0, alpha if x < 0, 0 if x == 0)
 *   dalpha (n) += dy * (x if x < 0, else 0)             (skipped when dalpha is NULL)
 * x (n) is the pre-activation, alpha (n) the per-unit slopes. dx may equal dy (in place); dalpha
 * accumulates, so a mini-batch is a sum over its samples. */
void anne_prelu_backward_f32(float *dx, float *dalpha, const float *dy, const float *x, const float *alpha, size_t n);

#endif /* ANNE_PRELU_GRAD_H */
