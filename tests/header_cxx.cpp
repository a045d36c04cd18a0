// Compiles the public headers as C++: ANNE must be usable from C++ firmware (Arduino, mbed, Zephyr).
#include "anne.h"
#include "anne_ops.h"
#include "anne_quant.h"
#include "anne_quant_ops.h"
#include "anne_train.h"

int anne_header_compiles_as_cxx();
int anne_header_compiles_as_cxx() {
    anne_model model = anne_model();
    anne_trainer trainer = anne_trainer();
    anne_hwc shape = {1, 1, 1};
    return static_cast<int>(anne_model_arena_size(&model)) + static_cast<int>(trainer.n_layers) +
           static_cast<int>(ANNE_OK) + static_cast<int>(shape.c) + static_cast<int>(ANNE_OP_CONV2D);
}
