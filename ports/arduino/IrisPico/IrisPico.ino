/* IrisPico: the AI-ANNE paper's IRIS network (8 neurons) on a Raspberry Pi Pico or Pico 2 with the
 * arduino-pico core (Earle Philhower's; any Arduino core with a Serial port works the same).
 *
 * Open the Serial Monitor at 115200 baud and type four measurements in cm, sepal length, sepal width,
 * petal length, petal width ("6.8,2.8,4.8,1.4", then Enter): the sketch prints the network's output,
 * the class (versicolor or virginica) and the time the inference took, and lights the LED for
 * virginica. Without input it classifies a built-in sample every 5 seconds.
 *
 * The model is iris.c and iris.h beside this file, made by `anne convert` (docs/codegen.md). For your
 * own model: `anne convert model.h5 mymodel.c` (Keras, TF.js, TFLite, .anne), put mymodel.c and
 * mymodel.h here in place of iris.c and iris.h, and rename the iris_ names below. */
#include <anne.h>
#include <stdlib.h>

#include "iris.h"

#define SAMPLE_PERIOD_MS 5000UL

static float arena[(iris_ARENA_BYTES + sizeof(float) - 1) / sizeof(float)]; /* 4-byte aligned */
#if iris_CLASSES > 0
static const char *const class_names[iris_CLASSES] = iris_CLASS_NAMES;
#endif
static const float sample[iris_INPUTS] = {6.8f, 2.8f, 4.8f, 1.4f}; /* a versicolor from the paper's test rows */

static char line[96];
static size_t line_len;
static unsigned long last_ms;

/* Runs the model on x and prints what it gives. */
static void classify(const float *x) {
    float out[iris_OUTPUTS];
    unsigned long t0 = micros();
    anne_status st = iris_predict(x, out, arena);
    unsigned long us = micros() - t0;
    if (st != ANNE_OK) {
        Serial.print("error: ");
        Serial.println(anne_status_str(st));
        return;
    }
    Serial.print("input:");
    for (int i = 0; i < iris_INPUTS; i++) {
        Serial.print(' ');
        Serial.print(x[i], 2);
    }
    Serial.print("  output:");
    for (int j = 0; j < iris_OUTPUTS; j++) {
        Serial.print(' ');
        Serial.print(out[j], 4);
    }
    /* one output: class 1 above 0.5; several: the largest (anne predict's rule) */
    uint16_t k = anne_output_class(out, iris_OUTPUTS, 0.5f);
    Serial.print("  class ");
    Serial.print(k);
#if iris_CLASSES > 0
    Serial.print(" (");
    Serial.print(class_names[k]);
    Serial.print(")");
#endif
    Serial.print(", ");
    Serial.print(us);
    Serial.println(" us");
    digitalWrite(LED_BUILTIN, k == 1 ? HIGH : LOW);
}

/* Reads iris_INPUTS numbers separated by commas or spaces; 0 when the line holds fewer or other text. */
static int parse(const char *s, float *x) {
    for (int i = 0; i < iris_INPUTS; i++) {
        char *end;
        while (*s == ',' || *s == ' ' || *s == '\t') s++;
        x[i] = strtof(s, &end);
        if (end == s) return 0;
        s = end;
    }
    while (*s == ',' || *s == ' ' || *s == '\t' || *s == '\r') s++;
    return *s == '\0';
}

void setup() {
    pinMode(LED_BUILTIN, OUTPUT);
    Serial.begin(115200);
    while (!Serial && millis() < 5000UL) delay(10); /* USB: wait a little for the Serial Monitor */
    Serial.print("ANNE ");
    Serial.print(ANNE_VERSION_STRING);
    Serial.print(": model '");
    Serial.print(iris_NAME);
    Serial.print("', ");
    Serial.print(iris_INPUTS);
    Serial.print(" inputs, ");
    Serial.print(iris_OUTPUTS);
    Serial.print(" output(s), arena ");
    Serial.print(iris_ARENA_BYTES);
    Serial.println(" bytes");
    if (iris_validate() != ANNE_OK) Serial.println("the model in flash is damaged (CRC)");
    Serial.println("type 4 measurements in cm, e.g. 6.8,2.8,4.8,1.4");
    classify(sample);
    last_ms = millis();
}

void loop() {
    while (Serial.available() > 0) {
        int c = Serial.read();
        if (c == '\n' || c == '\r') {
            float x[iris_INPUTS];
            line[line_len] = '\0';
            if (line_len > 0 && parse(line, x)) classify(x);
            else if (line_len > 0) Serial.println("expected 4 numbers, e.g. 6.8,2.8,4.8,1.4");
            line_len = 0;
            last_ms = millis();
        } else if (c >= 0 && line_len + 1 < sizeof line) {
            line[line_len++] = (char)c;
        }
    }
    if (millis() - last_ms >= SAMPLE_PERIOD_MS) {
        classify(sample);
        last_ms = millis();
    }
}
