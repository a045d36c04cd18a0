/* Your model on a Pico or Pico 2 (ports/pico with -DANNE_PICO_MODEL=...): the model that
 * anne_add_model() turned into model.c and model.h, fed from your sensor, its outputs and class printed.
 * Platform-free: it prints through ports/common/anne_port.h and reads the clock of anne_pico_app.h, so
 * the same source runs on a board (ports/pico/main.c) and on the emulated Cortex-M0+ and M33 in CI
 * (ports/apps/app_pico_model.c, tests/cli/pico_template.sh). */
#ifndef ANNE_PICO_MODEL_APP_H
#define ANNE_PICO_MODEL_APP_H

/* YOUR SENSOR (anne_pico_sensor.c, or the file -DANNE_PICO_SENSOR=... names): fills input with one
 * sample of n raw values (n is model_INPUTS), in the order and units the model was trained on; any input
 * scaling the model learned is applied inside it. Returns 0, or nonzero when there is no reading (the
 * step then prints a failure and runs no inference). */
int anne_pico_read_input(float *input, unsigned n);

/* Prints what the model is: its name, number format, inputs, outputs, arena and class names. Returns 0,
 * or 1 when the embedded model fails the runtime's validating loader (damaged flash). */
int anne_pico_model_info(void);

/* The self-test of a model converted with test rows (ANNE_PICO_TEST_CSV: anne convert --test,
 * docs/codegen.md): runs model_self_test() and prints "self-test: N rows, M mismatches". Returns 0 when
 * every output equals the host's bit for bit (or when the firmware has no self-test: prints nothing),
 * else 1. */
int anne_pico_model_self_test(void);

/* One step: reads the sensor, runs the model, prints the input, the outputs, the class (by `anne predict`'s
 * rule: one output above 0.5 is class 1, else the largest output; none for a regression model, one
 * linear output and no class names) with its name when the model has class names, and the time the
 * inference took. Returns 0, or 1 after printing what failed. */
int anne_pico_model_step(void);

#endif /* ANNE_PICO_MODEL_APP_H */
