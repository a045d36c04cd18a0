/* ANNE runtime, training: backpropagation, losses, optimizers and initializers, the same code on the
 * host and on the board. Portable C99: no malloc, no stdio, no global state; the caller gives memory. */
#ifndef ANNE_TRAIN_H
#define ANNE_TRAIN_H

#include "anne.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------------
 * Losses, as Keras defines them, for one sample. Batches average them (Keras' default reduction).
 * ---------------------------------------------------------------------------------------------- */
typedef enum anne_loss {
    ANNE_LOSS_BINARY_CROSSENTROPY = 0,      /* mean over outputs of -(t ln p + (1-t) ln(1-p)) */
    ANNE_LOSS_CATEGORICAL_CROSSENTROPY,     /* -sum_i t_i ln p_i (one-hot t, or a class index:
                                               anne_trainer_accumulate_class) */
    ANNE_LOSS_MSE,                          /* mean over outputs of (y - t)^2 */
    ANNE_LOSS_COUNT
} anne_loss;

/* Keras' epsilon: probabilities are clipped to [eps, 1 - eps] where a loss takes their logarithm. */
#define ANNE_LOSS_EPSILON 1e-7f

/* The loss of one sample and, when dz is not NULL, its gradient with respect to the output layer's
 * pre-activations z (what the layer's dense part produced, before `act`).
 *   z, y, target: (n); y = act(z); target: probabilities / one-hot / regression values.
 * Sigmoid + binary cross-entropy and softmax + categorical cross-entropy work from the logits z
 * (stable, as Keras does for these outputs: no clipping, gradient y - t); any other pairing works on
 * y, with the probabilities clipped to [eps, 1 - eps] for the cross-entropies (the gradient is 0
 * where the clip is active), then goes back through the activation. *loss may be NULL. */
anne_status anne_loss_f32(float *loss, float *dz, const float *z, const float *y, const float *target,
                          uint16_t n, anne_loss kind, anne_activation act, const float param[3]);

/* The loss' Keras name ("binary_crossentropy", "categorical_crossentropy", "mse"); "?" if unknown. */
const char *anne_loss_name(anne_loss kind);

/* ------------------------------------------------------------------------------------------------
 * Backward kernels, the partners of anne_dense_forward_f32 / anne_activation_forward_f32.
 * ---------------------------------------------------------------------------------------------- */

/* Dense layer backward for one sample, given dout (n_out) = dLoss/d(out) of the dense part:
 *   dkernel (n_out, n_in) += dout (n_out) x in (n_in)      (skipped when dkernel is NULL)
 *   dbias (n_out)         += dout                          (skipped when dbias is NULL)
 *   din (n_in)             = kernel^T (n_in, n_out) · dout (skipped when din is NULL)
 * Gradients accumulate (+=) so a mini-batch is a sum over its samples; din is overwritten and must
 * not overlap dout. */
void anne_dense_backward_f32(float *din, float *dkernel, float *dbias, const float *dout, const float *in,
                             const float *kernel, uint16_t n_in, uint16_t n_out);

/* Activation backward: dx (n) = dy (n) * act'(x), where x (n) is the pre-activation and y (n) =
 * act(x) its output (both are needed: softmax and sigmoid use y, most others x). Softmax uses its
 * Jacobian: dx_i = y_i (dy_i - sum_j dy_j y_j). dx may equal dy (in place). At kinks the derivative
 * is TensorFlow's (relu'(0) = 0, leaky_relu'(0) = alpha, hard_sigmoid' = 0 at the clip points). */
void anne_activation_backward_f32(float *dx, const float *dy, const float *x, const float *y, size_t n,
                                  anne_activation act, const float param[3]);

/* ------------------------------------------------------------------------------------------------
 * Random numbers and initializers: integer arithmetic only, so a seed gives the same bits on every
 * target (x86, Cortex-M0+ soft-float, Cortex-M33 FPU).
 * ---------------------------------------------------------------------------------------------- */

/* PCG32 (O'Neill, pcg-random.org: XSH RR 64/32), with the reference implementation's seeding. */
typedef struct anne_rng {
    uint64_t state;
    uint64_t inc;               /* stream selector, always odd */
} anne_rng;

/* Seeds as pcg32_srandom_r(rng, seed, stream) does. */
void anne_rng_seed(anne_rng *rng, uint64_t seed, uint64_t stream);
/* The next 32 random bits. */
uint32_t anne_rng_u32(anne_rng *rng);
/* Uniform in [0, 1): the top 24 bits of anne_rng_u32() times 2^-24 (exact in float). */
float anne_rng_uniform(anne_rng *rng);
/* Uniform integer in [0, n) without modulo bias (n >= 1), for shuffles and splits. */
uint32_t anne_rng_below(anne_rng *rng, uint32_t n);

/* The stream the trainer's initializer uses: anne_rng_seed(&rng, seed, ANNE_RNG_STREAM_INIT). */
#define ANNE_RNG_STREAM_INIT 54u

/* Keras' glorot_uniform: kernel (n_out, n_in) uniform in [-limit, limit), limit = sqrt(6 / (n_in +
 * n_out)), drawn in storage order (row j = unit j) as limit * (2u - 1) with u = anne_rng_uniform(). */
void anne_init_glorot_uniform_f32(float *kernel, uint16_t n_in, uint16_t n_out, anne_rng *rng);

/* ------------------------------------------------------------------------------------------------
 * Optimizers, with Keras' update rules.
 * ---------------------------------------------------------------------------------------------- */
typedef enum anne_optimizer_kind {
    ANNE_OPTIMIZER_SGD = 0,     /* w -= lr g */
    ANNE_OPTIMIZER_MOMENTUM,    /* v = momentum v - lr g; w += v */
    ANNE_OPTIMIZER_NESTEROV,    /* v = momentum v - lr g; w += momentum v - lr g */
    ANNE_OPTIMIZER_ADAM,        /* see anne_adam_form */
    ANNE_OPTIMIZER_KIND_COUNT
} anne_optimizer_kind;

/* Where Adam adds epsilon. Both: m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, t = step (1-based).
 * KERAS (Keras 2 and 3, TensorFlow): w -= lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps)
 * TFJS (TensorFlow.js):              w -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
 * They differ only where sqrt(v) is within a few eps of 0. */
typedef enum anne_adam_form {
    ANNE_ADAM_KERAS = 0,
    ANNE_ADAM_TFJS,
    ANNE_ADAM_FORM_COUNT
} anne_adam_form;

typedef struct anne_optimizer {
    anne_optimizer_kind kind;
    float lr;                   /* learning rate; may change between steps (anne_trainer_set_lr) */
    float momentum;             /* MOMENTUM, NESTEROV */
    float beta1, beta2, epsilon;/* ADAM */
    anne_adam_form adam_form;   /* ADAM */
} anne_optimizer;

/* Keras' defaults: SGD lr 0.01; MOMENTUM / NESTEROV lr 0.01 and momentum 0.9 (Keras' SGD default
 * momentum is 0, i.e. plain SGD; 0.9 is the usual choice once momentum is asked for); ADAM lr 0.001,
 * beta1 0.9, beta2 0.999, epsilon 1e-7, form KERAS. */
void anne_optimizer_defaults(anne_optimizer *opt, anne_optimizer_kind kind);

/* Moment arrays the optimizer keeps per parameter: 0 (SGD), 1 (momentum), 2 (Adam). */
uint32_t anne_optimizer_moments(anne_optimizer_kind kind);

/* One update of n parameters laid out flat; param, grad, m and v share the layout.
 *   grad: summed gradients, multiplied by grad_scale (1 / samples in the batch) first;
 *   m: velocity (momentum) or first moment (Adam), NULL for SGD; v: second moment (Adam) or NULL;
 *   beta1_pow, beta2_pow: beta1^t and beta2^t for this step t (Adam only). */
void anne_optimizer_update_f32(float *param, float *m, float *v, const float *grad, size_t n, float grad_scale,
                               const anne_optimizer *opt, float beta1_pow, float beta2_pow);

/* ------------------------------------------------------------------------------------------------
 * The trainer. All its memory is one caller arena of anne_trainer_arena_size() bytes:
 *   layer records (n_layers anne_layer, kernel/bias pointing into the parameter block)
 *   params  (n_params floats): layer after layer, kernel (n_out, n_in), then bias (n_out), then a
 *           prelu layer's alphas (n_out)
 *   grads   (n_params): same layout, summed over the samples accumulated since the last step
 *   moments (0, 1 or 2 x n_params): same layout (so the optimizer is one flat loop per layer)
 *   scaling (2 x n_inputs, only when the model scales its input): a copy, so the source may go
 *   activations: scaled input (n_inputs), then per layer z (n_out) and act(z) (n_out)
 *   backprop: two buffers of the widest layer, and a target (n_outputs)
 *   trainable flags (n_layers bytes)
 * The arena must be aligned for pointers (8 bytes on 64-bit hosts, 4 on Cortex-M): malloc'd memory
 * or a static array of uint64_t / double is. The fields below are for reading; change them only
 * through the functions.
 * ---------------------------------------------------------------------------------------------- */
typedef struct anne_trainer {
    uint16_t n_inputs;
    uint16_t n_outputs;
    uint16_t n_layers;
    uint16_t width;             /* widest layer input or output */
    anne_loss loss;
    anne_optimizer opt;
    anne_scaling scaling;       /* points into the arena */
    anne_layer *layers;         /* (n_layers) */
    uint8_t *trainable;         /* (n_layers): ANNE_TRAINER_TRAINABLE (else frozen), ANNE_TRAINER_PRUNED */
    float *params;              /* (n_params) */
    float *grads;               /* (n_params) */
    float *m;                   /* (n_params) or NULL */
    float *v;                   /* (n_params) or NULL */
    float *acts;                /* scaled input, then z and act(z) per layer */
    float *delta[2];            /* (width) each */
    float *target;              /* (n_outputs) */
    uint32_t n_params;
    uint32_t n_accum;           /* samples summed into grads since the last step */
    uint32_t steps;             /* optimizer steps taken */
    float beta1_pow, beta2_pow; /* beta^steps (Adam) */
} anne_trainer;

/* The flags of anne_trainer.trainable[layer]. */
#define ANNE_TRAINER_TRAINABLE 1u   /* the optimizer updates the layer (anne_trainer_set_trainable) */
#define ANNE_TRAINER_PRUNED 2u      /* its kernel's zeros stay zero (anne_trainer_set_pruned) */

typedef struct anne_train_config {
    anne_loss loss;
    anne_optimizer optimizer;   /* start from anne_optimizer_defaults() */
    uint32_t seed;              /* for layers initialized here (see anne_trainer_init) */
} anne_train_config;

/* Exact arena bytes to train the architecture `arch` with an optimizer of kind `opt`. A layer has a
 * bias unless it is given (kernel != NULL) without one. */
anne_status anne_trainer_arena_size(const anne_model_desc *arch, anne_optimizer_kind opt, size_t *size);

/* Exact arena bytes to fine-tune a loaded (f32) model. */
anne_status anne_trainer_arena_size_model(const anne_model *model, anne_optimizer_kind opt, size_t *size);

/* Starts training `arch` (n_inputs, layers with kind, activation, param, n_in, n_out; scaling).
 * A layer whose kernel is NULL starts as Keras starts it: glorot_uniform kernel from config->seed
 * (layers drawn in order from one anne_rng on stream ANNE_RNG_STREAM_INIT) and a zero bias; a layer
 * with a kernel starts from a copy of it (and of its bias, if any). A prelu layer's alphas are copied
 * from its act_data, or start at 0 (Keras' alpha_initializer) when it has none. Every layer is
 * trainable.
 * arch's arrays are copied and need not outlive the call. */
anne_status anne_trainer_init(anne_trainer *t, const anne_model_desc *arch, const anne_train_config *config,
                              void *arena, size_t arena_size);

/* Starts fine-tuning a loaded model: copies its weights and scaling into the arena (the model bytes
 * may then be overwritten, e.g. by the trained model). config->seed is unused. */
anne_status anne_trainer_init_model(anne_trainer *t, const anne_model *model, const anne_train_config *config,
                                    void *arena, size_t arena_size);

/* Freezes (trainable 0) or unfreezes (1) layer `index`: a frozen layer's weights are never changed. */
anne_status anne_trainer_set_trainable(anne_trainer *t, uint16_t index, int trainable);

/* Sets the learning rate used from the next step on. */
anne_status anne_trainer_set_lr(anne_trainer *t, float lr);

/* ------------------------------------------------------------------------------------------------
 * Pruning, as TensorFlow Model Optimization (TF-MOT) prunes by magnitude.
 * ---------------------------------------------------------------------------------------------- */

/* Sets the smallest-magnitude weights of w (n) to zero so that about a fraction `sparsity` (0..1) is
 * zero, as TF-MOT does: keep k = max(round((1 - sparsity) n), 1) (round half to even), the weights whose
 * magnitude is at least the k-th largest one (so ties at that magnitude all stay). Weights already
 * zero count as the smallest. *n_zero (may be NULL): the zeros afterwards. ANNE_ERR_BAD_ARG for a
 * sparsity outside [0, 1] or an infinite or NaN weight (w unchanged). No memory is allocated: the
 * threshold is found by a binary search over the magnitudes' bits (31 passes over w). */
anne_status anne_prune_magnitude_f32(float *w, size_t n, float sparsity, size_t *n_zero);

/* TF-MOT's PolynomialDecay schedule (power 3): from `initial` sparsity at optimizer step `begin` to
 * `final` at step `end`, pruning every `frequency` steps in [begin, end]. */
typedef struct anne_prune_schedule {
    float initial, final;
    uint32_t begin, end, frequency;
} anne_prune_schedule;

/* Whether the weights are pruned before optimizer step `step` (0-based: the number of steps taken
 * so far), and *sparsity (may be NULL) the target then: (initial - final) (1 - p)^3 + final with
 * p = (step - begin) / (end - begin) clipped to [0, 1]. 0 for an invalid schedule (end <= begin or
 * frequency 0). */
int anne_prune_schedule_at(const anne_prune_schedule *s, uint32_t step, float *sparsity);

/* Marks layer `index` as pruned (1) or not (0): from then on the optimizer never changes a weight of
 * its kernel that is exactly zero, so pruned weights stay zero through fine-tuning (the layer's bias
 * and prelu alphas train as usual). A layer starts unpruned. */
anne_status anne_trainer_set_pruned(anne_trainer *t, uint16_t index, int pruned);

/* Prunes the kernel of every layer marked pruned (and trainable) to `sparsity` with
 * anne_prune_magnitude_f32, each layer on its own (as TF-MOT). */
anne_status anne_trainer_prune(anne_trainer *t, float sparsity);

/* Runs the network on one raw sample with the current weights: output (n_outputs). */
anne_status anne_trainer_predict(anne_trainer *t, float *output, const float *input);

/* Forward and backward pass of one raw sample (input: n_inputs, scaled here as the model says);
 * adds its gradients to the sums. target: (n_outputs) values as anne_loss_f32 takes them.
 * *loss (may be NULL) receives the sample's loss before any update; output (may be NULL, n_outputs)
 * the network's output. */
anne_status anne_trainer_accumulate(anne_trainer *t, const float *input, const float *target, float *loss,
                                    float *output);

/* The same with a class index as the target (Keras' sparse labels): with one output the target is
 * the class (0 or 1); with several, a one-hot vector of the class. */
anne_status anne_trainer_accumulate_class(anne_trainer *t, const float *input, uint16_t label, float *loss,
                                          float *output);

/* The loss of one raw sample with the current weights, without touching the gradient sums (for
 * validation data). *loss and output (n_outputs) may be NULL. */
anne_status anne_trainer_evaluate(anne_trainer *t, const float *input, const float *target, float *loss, float *output);

/* The same with a class index as the target, as anne_trainer_accumulate_class. */
anne_status anne_trainer_evaluate_class(anne_trainer *t, const float *input, uint16_t label, float *loss,
                                        float *output);

/* One optimizer step with the mean gradient of the samples accumulated since the last step (a
 * mini-batch), applied to the trainable layers; then the sums restart from zero. Does nothing when
 * no sample was accumulated. */
anne_status anne_trainer_step(anne_trainer *t);

/* Writes the current network, with the trainer's scaling, as a model file into buf (cap bytes; buf
 * NULL: only *size_out). name may be NULL; class_names (n_classes) as in anne_model_desc. */
anne_status anne_trainer_write(const anne_trainer *t, const char *name, uint16_t n_classes,
                               const char *const *class_names, void *buf, size_t cap, size_t *size_out);

#ifdef __cplusplus
}
#endif

#endif /* ANNE_TRAIN_H */
