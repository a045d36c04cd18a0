/* ============================ YOUR SENSOR GOES HERE ============================
 * anne_pico_read_input() (anne_pico_model_app.h) gives the model one sample of raw values: replace its
 * body with reads of your sensor (the Pico SDK's adc_read(), i2c_read_blocking(), spi_read_blocking()
 * ...), or point -DANNE_PICO_SENSOR=your_sensor.c at a file of your own that defines it.
 * As shipped it returns the sample given at configure time (-DANNE_PICO_SAMPLE=6.8,2.8,4.8,1.4: its
 * count must be model_INPUTS, or this file does not compile), else all zeros.
 * ============================================================================== */
#include "anne_pico_model_app.h"
#include "model.h"

#ifdef ANNE_PICO_SAMPLE
static const float anne_pico_sample[] = {ANNE_PICO_SAMPLE};
/* a build error, not a surprise on the board: the sample must have one value per model input */
typedef char anne_pico_sample_needs_model_INPUTS_values
    [sizeof anne_pico_sample / sizeof anne_pico_sample[0] == model_INPUTS ? 1 : -1];
#endif

int anne_pico_read_input(float *input, unsigned n) {
    unsigned i;
    for (i = 0; i < n; i++) {
#ifdef ANNE_PICO_SAMPLE
        input[i] = anne_pico_sample[i];
#else
        input[i] = 0.0f;
#endif
    }
    return 0;
}
