# The AI-ANNE paper's inference in MicroPython (Klinkhammer 2025, arXiv:2501.03256), transcribed for
# ANNE's benchmark: the 8-neuron IRIS network on the paper's 20 test rows (bench/micropython/README.md).
#
# Written here from the paper's description of its MicroPython code (neurons and dense layers as plain
# lists and loops, activations with math.exp, the weights copied from Keras as lists, all test rows
# pushed through one layer at a time); it is not the paper's code. Two deliberate differences from the
# paper's program: the activations are the ones the network was trained with (relu, sigmoid, relu,
# sigmoid), and the inputs are standardized here from the raw measurements (the paper pasted
# pre-standardized rows), because ANNE's anne_model_predict does that scaling too.
#
# Runs under MicroPython (any port) and CPython. As a script it prints the 20 outputs; run(n) and
# run_rows(n) are what the benchmarks time: n passes over the 20 rows, 20 * n inferences.
import math

# The weights as Keras' model.get_weights() printed them (../shared/data/paper/paper_models.json):
# kernel rows are inputs, columns units.
W1 = [[-0.75323504, -0.25906014],
      [-0.46379513, -0.5019245],
      [2.1273055, 1.7724446],
      [1.1853403, 0.88468695]]
B1 = [0.53405946, 0.32578036]
W2 = [[-1.6785783, 2.0158117, 1.2769054],
      [-1.4055765, 0.6828738, 1.5902631]]
B2 = [1.18362, -1.1555661, -1.0966455]
W3 = [[0.729278, -1.0240695],
      [-0.80972326, 1.4383037],
      [-0.90892404, 1.6760625]]
B3 = [0.10695826, 0.01635581]
W4 = [[-0.2019448],
      [1.5772797]]
B4 = [-1.2177287]

# The paper's standardization: mean and population standard deviation of all 100 rows.
MEAN = [6.262, 2.872, 4.906, 1.676]
STD = [0.659511940756193, 0.33108307114680446, 0.8214401986754728, 0.4226393261399133]

# The paper's 20 test rows (examples/iris/iris_test.csv), in cm, and their labels.
X_TEST = [[6.8, 2.8, 4.8, 1.4], [6.3, 3.4, 5.6, 2.4], [6.9, 3.1, 4.9, 1.5], [7.6, 3.0, 6.6, 2.1],
          [7.2, 3.2, 6.0, 1.8], [6.8, 3.2, 5.9, 2.3], [5.6, 3.0, 4.5, 1.5], [6.3, 2.7, 4.9, 1.8],
          [6.5, 3.0, 5.8, 2.2], [6.7, 3.0, 5.2, 2.3], [6.3, 2.9, 5.6, 1.8], [5.8, 2.7, 5.1, 1.9],
          [6.4, 2.8, 5.6, 2.1], [6.1, 2.9, 4.7, 1.4], [4.9, 2.4, 3.3, 1.0], [5.5, 2.4, 3.8, 1.1],
          [6.3, 2.5, 4.9, 1.5], [6.4, 2.9, 4.3, 1.3], [6.0, 2.7, 5.1, 1.6], [6.6, 2.9, 4.6, 1.3]]
Y_TEST = [0, 1, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]


def zeros(rows, cols):
    return [[0.0 for j in range(cols)] for i in range(rows)]


def transpose(m):
    t = zeros(len(m[0]), len(m))
    for i in range(len(m)):
        for j in range(len(m[0])):
            t[j][i] = m[i][j]
    return t


def add1d(a, b):
    return [a[k] + b[k] for k in range(len(a))]


def relu(v):
    out = []
    for k in range(len(v)):
        if v[k] >= 0:
            out.append(v[k])
        else:
            out.append(0.0)
    return out


def sigmoid(v):
    return [1 / (1 + math.exp(-v[k])) for k in range(len(v))]


# One neuron over all samples at once: x is features x samples, w this neuron's weights (one per
# feature), b its bias; returns its activation for every sample.
def neuron(x, w, b, activation):
    acc = [0.0 for k in range(len(x[0]))]
    for i in range(len(x)):
        acc = add1d(acc, [float(w[i]) * float(x[i][k]) for k in range(len(x[0]))])
    z = [acc[k] + b for k in range(len(acc))]
    if activation == "relu":
        return relu(z)
    if activation == "sigmoid":
        return sigmoid(z)
    raise ValueError("unknown activation " + activation)


# A dense layer: one neuron per unit; w is the transposed Keras kernel (units x inputs).
def dense(units, x, w, b, activation):
    out = []
    for u in range(units):
        out.append(neuron(x, w[u], b[u], activation))
    return out


# Done once, as the paper does after pasting the Keras kernels: a row of weights per unit.
W1T = transpose(W1)
W2T = transpose(W2)
W3T = transpose(W3)
W4T = transpose(W4)


def standardize(rows):
    return [[(rows[k][i] - MEAN[i]) / STD[i] for k in range(len(rows))] for i in range(len(MEAN))]


# The network's output (probability of class 1) for every row.
def predict(rows):
    y = dense(2, standardize(rows), W1T, B1, "relu")
    y = dense(3, y, W2T, B2, "sigmoid")
    y = dense(2, y, W3T, B3, "relu")
    y = dense(1, y, W4T, B4, "sigmoid")
    return y[0]


# n passes over the 20 rows as the paper runs them: each layer on all rows at once.
def run(n):
    y = None
    for r in range(n):
        y = predict(X_TEST)
    return y


# n passes with one row at a time (a batch of one), as a device classifying each reading as it comes;
# the same code, but the per-layer and per-neuron work is no longer shared by 20 rows.
def run_rows(n):
    y = None
    for r in range(n):
        y = [predict([X_TEST[k]])[0] for k in range(len(X_TEST))]
    return y


def show(y):
    for k in range(len(y)):
        print("%d %.9f" % (k, y[k]))


if __name__ == "__main__":
    show(run(1))
