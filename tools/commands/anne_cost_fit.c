/* The cost table of `anne info --target` (anne_cost.h): cycles per count of each term, per core and
 * number format. Written by scripts/fit-cost-table.py: do not edit; refit after a bench run with
 *   scripts/fit-cost-table.py --records build/mcu-bench/mcu-bench.json --models build/mcu-bench/models
 * Fitted to the float-API records (anne_model_predict) of bench/mcu-baseline.json: least squares on
 * the relative error, coefficients >= 0; -1: no record has the term (anne_cost_cycles() then scales
 * float32's).
 * Records per core and format, the largest error of the fit on them (printed rounded up to 0.1 %),
 * and the largest when each record is estimated by a table fitted to the others (leaving aside a
 * record whose term no other record has):
 *   m0plus f32: 12 records, 5.23 % max; one left out, 68.7 % max:
 *     cnn2d_small, conv1d_imu, conv3x3_16x16x16, dense_1x1, dense_1x1_1x1, dense_1x2, dense_1x3,
 *     dense_32x64, dense_64x64, depthwise3x3_16x16x16, iris_8_neurons, mlp_64_64_64_10
 *   m0plus q16: 8 records, 0.07 % max; one left out, 48.8 % max:
 *     dense_1x1_1x1, dense_1x1, dense_1x2, dense_1x3, dense_32x64, dense_64x64, iris_8_neurons,
 *     mlp_64_64_64_10
 *   m0plus s8: 12 records, 0.28 % max; one left out, 32.9 % max:
 *     conv3x3_16, dense_1x1_1x1, dense_1x1, dense_1x2, dense_1x3, dense_32x64, dense_64x64, ds_cnn_kws,
 *     dwconv3x3_64, iris_8_neurons, mlp_64_64_64_10, pwconv_64
 *   m33 f32: 12 records, 2.36 % max; one left out, 64.6 % max:
 *     cnn2d_small, conv1d_imu, conv3x3_16x16x16, dense_1x1, dense_1x1_1x1, dense_1x2, dense_1x3,
 *     dense_32x64, dense_64x64, depthwise3x3_16x16x16, iris_8_neurons, mlp_64_64_64_10
 *   m33 q16: 8 records, 0.00 % max; one left out, 42.1 % max:
 *     dense_1x1_1x1, dense_1x1, dense_1x2, dense_1x3, dense_32x64, dense_64x64, iris_8_neurons,
 *     mlp_64_64_64_10
 *   m33 s8: 12 records, 8.06 % max; one left out, 143.8 % max:
 *     conv3x3_16, dense_1x1_1x1, dense_1x1, dense_1x2, dense_1x3, dense_32x64, dense_64x64, ds_cnn_kws,
 *     dwconv3x3_64, iris_8_neurons, mlp_64_64_64_10, pwconv_64
 * Stack: the largest stack_bytes of the records' firmwares (dense / graph); code: the largest
 * codegen_runtime_bytes (footprint firmwares from generated C) and the graph firmwares' text_bytes. */
#include "anne_cost.h"

const char anne_cost_fit_source[] = "bench/mcu-baseline.json";

/* {coef: inference, input, output, op, op_output, mac_dense, mac_conv, mac_depthwise, conv_tap, window, exp},
 *  records, max_error_pct, stack_bytes, code_bytes, graph_code_bytes, graph_stack_bytes */
const anne_cost_table anne_cost_fit[ANNE_CORE_COUNT][ANNE_DTYPE_COUNT] = {
    { /* m0plus */
        {{0, 166.142, 112.441, 205.412, 0, 242.995, 238.252, 254.582, 76.2133, 444.077, 3835.07}, /* f32 */
         12, 5.3, 208, 3626, 13992, 248},
        {{171.891, 188.884, 155.252, 0, 175.38, 25.6064, -1, -1, -1, -1, 611.984}, /* q16 */
         8, 0.1, 200, 2820, 0, 0},
        {{394.4, 814.969, 373.694, 212.269, 55.9474, 7.75175, 8.04046, 35.9171, 21.0324, 0, 838.959}, /* s8 */
         12, 0.3, 220, 10896, 23976, 376},
    },
    { /* m33 */
        {{168.234, 8.08651, 0, 76.3723, 37.4021, 3.56544, 6.71067, 8.74243, 11.0439, 65.2661, 223.069}, /* f32 */
         12, 2.4, 228, 1442, 11384, 244},
        {{172.655, 48.3464, 0, 57.0002, 42.8806, 9.11825, -1, -1, -1, -1, 177.828}, /* q16 */
         8, 0.1, 160, 2524, 0, 0},
        {{194.476, 0, 113.037, 179.287, 0, 3.51372, 3.58061, 22.0807, 14.4224, 0, 231.416}, /* s8 */
         12, 8.1, 224, 6674, 20936, 356},
    },
};
