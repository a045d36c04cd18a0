// Compiles the public header as C++: ANNE must be usable from C++ firmware (Arduino, mbed, Zephyr).
#include "anne.h"

int anne_header_compiles_as_cxx();
int anne_header_compiles_as_cxx() {
    anne_model model = anne_model();
    return static_cast<int>(anne_model_arena_size(&model)) + static_cast<int>(ANNE_OK);
}
