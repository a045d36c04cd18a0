#!/usr/bin/env bash
# Generated C (`anne convert IN NAME.c`): compiled with the runtime's sources, it gives bit for bit
# the outputs of the .anne file of the same model (dense chains, quantized ones, and graph models:
# convolutions, pooling, merges); its const anne_model equals what the loader makes of its bytes;
# output is deterministic; a mismatched runtime version stops the build (#error); a firmware with a
# dense model links no graph code, one with a graph model links the runner but not the loader; a
# missing output folder leaves no file behind. Needs a C compiler ($CC or cc); skips without one.
. "$(dirname "$0")/lib/common.sh"

CC=${CC:-cc}
if ! command -v "$CC" >/dev/null; then
    echo "SKIP: no C compiler ($CC): install gcc or set CC"
    exit 77
fi

# The driver: runs NAME_predict() and, on the same inputs, the .anne file through anne_model_load()
# and anne_model_predict(); prints every output's bits and compares the const model with the loader's.
cat >"$TMP/driver.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "anne_quant.h"

static uint32_t bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

int main(int argc, char **argv) {
    static uint32_t file[1 << 18];
    float in[gen_INPUTS], out_c[gen_OUTPUTS], out_f[gen_OUTPUTS];
    static uint32_t arena_c[(gen_ARENA_BYTES + 3) / 4 + 1], arena_f[1 << 16];
    anne_model m, again;
    FILE *f = fopen(argv[1], "rb");
    size_t n, s, i;
    int bad = 0;
    (void)argc;
    if (f == NULL) return 2;
    n = fread(file, 1, sizeof file, f);
    fclose(f);
    if (anne_model_load(&m, file, n) != ANNE_OK) return 3;
    if (gen_validate() != ANNE_OK) return 4;
    /* the generated const model is what the loader makes of the embedded bytes */
    if (anne_model_load(&again, gen_model()->bytes, gen_model()->size) != ANNE_OK) return 5;
    if (memcmp(&again, gen_model(), sizeof again) != 0) { printf("const model differs from the loader's\n"); bad = 1; }
    if (m.arena_bytes != gen_ARENA_BYTES || m.n_inputs != gen_INPUTS || m.n_outputs != gen_OUTPUTS) return 6;
    if (m.size != gen_model()->size || memcmp(file, gen_model()->bytes, m.size) != 0) { printf("bytes differ\n"); bad = 1; }
    for (s = 0; s < 50; s++) {
        for (i = 0; i < gen_INPUTS; i++) in[i] = (float)((int)((s * 131 + i * 71) % 97) - 48) / 8.0f;
        if (gen_predict(in, out_c, arena_c) != ANNE_OK) return 7;
        if (anne_model_predict(&m, out_f, in, arena_f, sizeof arena_f) != ANNE_OK) return 8;
        for (i = 0; i < gen_OUTPUTS; i++) {
            if (bits(out_c[i]) != bits(out_f[i])) { printf("sample %zu output %zu differs\n", s, i); bad = 1; }
        }
    }
#if gen_DTYPE == 2
    { /* the raw int8 path: its I/O quantization macros are the model's, bit for bit; the generated
         entry point gives the .anne path's integers, and those dequantized are the float outputs */
        float in_scale, out_scale, sc[gen_INPUTS];
        int32_t in_zp, out_zp;
        int8_t q_in[gen_INPUTS], q_c[gen_OUTPUTS], q_f[gen_OUTPUTS];
        if (anne_model_s8_io(&m, &in_scale, &in_zp, &out_scale, &out_zp) != ANNE_OK) return 9;
        if (bits(in_scale) != bits(gen_INPUT_SCALE) || in_zp != gen_INPUT_ZERO_POINT ||
            bits(out_scale) != bits(gen_OUTPUT_SCALE) || out_zp != gen_OUTPUT_ZERO_POINT) {
            printf("int8 I/O macros differ from the model's quantization\n");
            bad = 1;
        }
        for (s = 0; s < 50; s++) {
            for (i = 0; i < gen_INPUTS; i++) in[i] = (float)((int)((s * 37 + i * 53) % 89) - 44) / 6.0f;
            if (anne_model_scale_input(&m, sc, in) != ANNE_OK) return 10;
            for (i = 0; i < gen_INPUTS; i++) q_in[i] = anne_s8_quantize(sc[i], gen_INPUT_SCALE, gen_INPUT_ZERO_POINT);
            if (gen_predict_s8(q_in, q_c, arena_c) != ANNE_OK) return 11;
            if (anne_model_predict_s8(&m, q_f, q_in, arena_f, sizeof arena_f) != ANNE_OK) return 12;
            if (gen_predict(in, out_c, arena_c) != ANNE_OK) return 13;
            for (i = 0; i < gen_OUTPUTS; i++) {
                float deq = anne_s8_dequantize(q_c[i], gen_OUTPUT_SCALE, gen_OUTPUT_ZERO_POINT);
                if (q_c[i] != q_f[i] || bits(deq) != bits(out_c[i])) { printf("int8 sample %zu output %zu differs\n", s, i); bad = 1; }
            }
        }
        { /* a copy of the const model widened to int16 (gen_WIDE_BYTES: the size the runtime computes)
             gives the same integers */
            static uint32_t wide[gen_WIDE_BYTES / 4u + 1u];
            anne_model w = *gen_model();
            int8_t q_w[gen_OUTPUTS];
            if (anne_model_s8_wide_size(&m) != gen_WIDE_BYTES) { printf("gen_WIDE_BYTES differs\n"); bad = 1; }
            if (anne_model_s8_widen(&w, wide, gen_WIDE_BYTES) != ANNE_OK) return 14;
            for (s = 0; s < 50; s++) {
                for (i = 0; i < gen_INPUTS; i++) q_in[i] = (int8_t)((int)((s * 41 + i * 29) % 256) - 128);
                if (anne_model_predict_s8(&w, q_c, q_in, arena_c, sizeof arena_c) != ANNE_OK) return 15;
                if (anne_model_predict_s8(&m, q_w, q_in, arena_f, sizeof arena_f) != ANNE_OK) return 16;
                if (memcmp(q_c, q_w, gen_OUTPUTS) != 0) { printf("widened int8 sample %zu differs\n", s); bad = 1; }
            }
        }
        printf("raw int8 checked\n");
    }
#elif gen_DTYPE == 1
    { /* the raw Q16.16 path, the same way */
        float sc[gen_INPUTS];
        int32_t x_in[gen_INPUTS], x_c[gen_OUTPUTS], x_f[gen_OUTPUTS];
        for (s = 0; s < 50; s++) {
            for (i = 0; i < gen_INPUTS; i++) in[i] = (float)((int)((s * 37 + i * 53) % 89) - 44) / 6.0f;
            if (anne_model_scale_input(&m, sc, in) != ANNE_OK) return 10;
            for (i = 0; i < gen_INPUTS; i++) x_in[i] = anne_q16_from_f32(sc[i]);
            if (gen_predict_q16(x_in, x_c, arena_c) != ANNE_OK) return 11;
            if (anne_model_predict_q16(&m, x_f, x_in, arena_f, sizeof arena_f) != ANNE_OK) return 12;
            if (gen_predict(in, out_c, arena_c) != ANNE_OK) return 13;
            for (i = 0; i < gen_OUTPUTS; i++) {
                if (x_c[i] != x_f[i] || bits(anne_q16_to_f32(x_c[i])) != bits(out_c[i])) {
                    printf("q16 sample %zu output %zu differs\n", s, i);
                    bad = 1;
                }
            }
        }
        printf("raw q16 checked\n");
    }
#endif
    printf("%s\n", bad ? "MISMATCH" : "same bits");
    return bad;
}
C

# the runtime's sources, compiled once with the same strict flags (and the opt-in kernel for widened int8
# weights, which the harness runs)
mkdir -p "$TMP/rt"
# (one function per section, so that a link with --gc-sections keeps only what is called: below)
for src in runtime/src/*.c; do
    "$CC" -std=c99 -pedantic -Wall -Wextra -Werror -O1 -ffunction-sections -fdata-sections -Iruntime/include \
        -DANNE_CONFIG_S8_WIDE=1 -c "$src" -o "$TMP/rt/$(basename "$src" .c).o" 2>>"$TMP/rt.err" ||
        fail "runtime source $src does not compile"
done
ar rcs "$TMP/libanne_rt.a" "$TMP"/rt/*.o
models="tests/data/json_iris_example.json tests/data/cli_3class.json"
for d in layer_prelu deep_mixed rescaling_input bn_first no_bias; do
    models="$models tests/data/tfjs_import/$d/model.json"
done
# graph models (TF.js and TFLite CNNs: every op kind the importers write, i.e. all of docs/ops.md but a
# lone activation, which they fold into the op before it; two with two inputs, one with two outputs)
graphs="conv1d_imu cnn2d_small combo_mobilenet_block residual concat_channels permute_312 layernorm_seq
    upsampling2d_23 zeropad2d_asym cropping2d_asym merge_average3 merge_subtract merge_multiply merge_maximum
    merge_minimum global_maxpool2d avgpool2d_same_s2 time_distributed_dense act_layers_2d batchnorm_after_pool
    prelu_shared_w prelu_shared_hw squeeze_excitation broadcast_add_seq broadcast_maximum3
    two_inputs_conv1d_dense two_in_two_out"
for d in $graphs; do
    models="$models tests/data/tfjs_graph/$d/model.json"
done
models="$models tests/data/tflite_graph/cnn2d_small/model.tflite tests/data/tflite_graph/hard_swish/model.tflite"
if [ -n "${ANNE_SHARED_DIR:-}" ] && [ -f "$ANNE_SHARED_DIR/fixtures/keras/k3_h5_iris_mit/iris_model.h5" ]; then
    models="$models $ANNE_SHARED_DIR/fixtures/keras/k3_h5_iris_mit/iris_model.h5"
else
    skip_part "../shared/fixtures/keras/k3_h5_iris_mit/iris_model.h5 is absent (tests read ../shared in place)"
fi

# check_c SRC ANNE DIR WANT: generated C of SRC (deterministic, naming the tool) compiled with the
# runtime gives the outputs of the model file ANNE bit for bit; the driver prints WANT.
check_c() {
    local m=$1 anne=$2 dir=$3 want=$4
    if ! "$ANNE" convert "$m" "$dir/gen.c" >/dev/null 2>"$dir/err"; then
        fail "convert $m to C: $(cat "$dir/err")"
        return
    fi
    [ -f "$dir/gen.h" ] || fail "$m: gen.h missing"
    # deterministic: a second run writes the same bytes
    mkdir -p "$dir/again"
    "$ANNE" convert "$m" "$dir/again/gen.c" >/dev/null 2>&1
    cmp -s "$dir/gen.c" "$dir/again/gen.c" && cmp -s "$dir/gen.h" "$dir/again/gen.h" || fail "$m: output not deterministic"
    grep -q "generated by anne " "$dir/gen.c" || fail "$m: the tool version is not named"
    if ! "$CC" -std=c99 -pedantic -Wall -Wextra -Werror -O1 -Iruntime/include -I"$dir" -o "$dir/run" \
        "$dir/gen.c" "$TMP/driver.c" "$TMP/libanne_rt.a" -lm 2>"$dir/cc.err"; then
        fail "$m: generated C does not compile: $(head -c 600 "$dir/cc.err")"
        return
    fi
    out=$("$dir/run" "$anne")
    rc=$?
    [ $rc -eq 0 ] && [ "$(echo $out)" = "$want" ] || fail "$m: generated C vs .anne: exit $rc, $out"
}

k=0
for m in $models; do
    k=$((k + 1))
    dir="$TMP/m$k"
    mkdir -p "$dir"
    "$ANNE" convert "$m" "$dir/model.anne" >/dev/null 2>&1 || fail "convert $m to .anne"
    check_c "$m" "$dir/model.anne" "$dir" "same bits"
done

# Quantized models (`anne quantize`): the C of a q16 or int8 .anne file runs as that file does, through
# the float entry point and the raw integer one. Each row: name, model, --to, calibration CSV and options.
awk -F, 'NR == 1 { print "a,b,c,d,e"; next } { print $1 "," $2 "," $3 "," $4 "," $1 - $2 }' \
    examples/iris/iris_train.csv >"$TMP/calib5.csv"
# ten columns for cli_wide_s8 (10-12-5: blocks of eight inputs and four units, with inputs and units
# left over: its widened weights, NAME_WIDE_BYTES 2 (12 x 8 + 4 x 8) = 256, are really read)
awk -F, 'NR == 1 { print "a,b,c,d,e,f,g,h,i,j"; next }
    { print $1 "," $2 "," $3 "," $4 "," $1 - $2 "," $3 - $4 "," $1 / 2 "," $2 + $3 "," 2 * $4 "," $1 - $3 }' \
    examples/iris/iris_train.csv >"$TMP/calib10.csv"
quantized="iris8_s8|examples/iris/iris_8_neurons.json|int8|examples/iris/iris_train.csv --label Species
iris8_s8pt|examples/iris/iris_8_neurons.json|int8|examples/iris/iris_train.csv --label Species --per-tensor
iris8_q16|examples/iris/iris_8_neurons.json|q16|examples/iris/iris_train.csv --label Species
softmax_s8|tests/data/cli_3class.json|int8|tests/data/csv/three_class.csv --label class
wide_s8|tests/data/cli_wide_s8.json|int8|$TMP/calib10.csv
softmax_q16|tests/data/cli_3class.json|q16|tests/data/csv/three_class.csv --label class
prelu_q16|tests/data/tfjs_import/layer_prelu/model.json|q16|examples/iris/iris_train.csv --label Species
mixed_q16|tests/data/tfjs_import/deep_mixed/model.json|q16|$TMP/calib5.csv"
K3="${ANNE_SHARED_DIR:-}/fixtures/keras/k3_h5_iris_mit"
if [ -n "${ANNE_SHARED_DIR:-}" ] && [ -f "$K3/iris_model.h5" ]; then
    quantized="$quantized
k3_s8|$K3/iris_model.h5|int8|$K3/iris.csv --label species"
fi
while IFS='|' read -r qname src to calib; do
    k=$((k + 1))
    dir="$TMP/$qname"
    mkdir -p "$dir"
    # shellcheck disable=SC2086 # calib holds the file and its options
    if ! "$ANNE" quantize "$src" "$dir/$qname.anne" --to "$to" --calib $calib >/dev/null 2>"$dir/err"; then
        fail "quantize $src --to $to: $(cat "$dir/err")"
        continue
    fi
    check_c "$dir/$qname.anne" "$dir/$qname.anne" "$dir" "raw $([ "$to" = q16 ] && echo q16 || echo int8) checked same bits"
done <<<"$quantized"
grep -q "^#define gen_WIDE_BYTES 256u$" "$TMP/wide_s8/gen.h" ||
    fail "cli_wide_s8: NAME_WIDE_BYTES is not 2 (12 x 8 + 4 x 8) = 256: $(grep WIDE_BYTES "$TMP/wide_s8/gen.h")"

# a quantized .anne converts to .anne byte for byte; --name rewrites only the name; JSON refuses it
q="$TMP/iris8_s8/iris8_s8.anne"
"$ANNE" convert "$q" "$TMP/copy.anne" >/dev/null 2>"$TMP/err" || fail "convert int8 .anne to .anne: $(cat "$TMP/err")"
cmp -s "$q" "$TMP/copy.anne" || fail "an int8 model converted to .anne is not the same bytes"
"$ANNE" convert "$q" "$TMP/named.anne" --name renamed >/dev/null 2>"$TMP/err" || fail "convert --name of int8: $(cat "$TMP/err")"
"$ANNE" info "$TMP/named.anne" | grep -q '"renamed"' || fail "--name did not rename the int8 model"
"$ANNE" predict "$q" examples/iris/iris_test.csv --label Species --json >"$TMP/p1" 2>&1
"$ANNE" predict "$TMP/named.anne" examples/iris/iris_test.csv --label Species --json >"$TMP/p2" 2>&1
cmp -s "$TMP/p1" "$TMP/p2" ||
    fail "the renamed int8 model predicts differently: $(diff "$TMP/p1" "$TMP/p2" | head -5)"
if "$ANNE" convert "$q" "$TMP/q.json" >/dev/null 2>"$TMP/err"; then
    fail "an int8 model was written as ANNE JSON"
fi
grep -q "quantized model (int8) cannot be written as ANNE JSON" "$TMP/err" || fail "JSON refusal: $(cat "$TMP/err")"
[ ! -e "$TMP/q.json" ] || fail "a refused JSON conversion left a file"

# --name sets the prefix; the header guard and macros follow it
"$ANNE" convert tests/data/cli_3class.json "$TMP/x.c" --name my-net >/dev/null 2>&1 || fail "convert --name"
grep -q "#define my_net_INPUTS" "$TMP/x.h" && grep -q "anne_status my_net_predict(const float \*input, float \*output, void \*arena);" "$TMP/x.h" \
    || fail "--name my-net did not set the prefix my_net"

# a runtime of another version: the build stops with the #error
sed 's/ANNE_VERSION_MINOR != [0-9]*/ANNE_VERSION_MINOR != 99/' "$TMP/m1/gen.c" >"$TMP/m1/old.c"
if "$CC" -std=c99 -Iruntime/include -I"$TMP/m1" -c "$TMP/m1/old.c" -o "$TMP/m1/old.o" 2>"$TMP/m1/old.err"; then
    fail "a mismatched version compiled"
else
    grep -q "regenerate it" "$TMP/m1/old.err" || fail "the #error does not say to regenerate: $(cat "$TMP/m1/old.err")"
fi

# a runtime build that leaves out what the model needs (runtime/include/anne_config.h): the build stops
# and names it (nothing loads a generated model, so no load-time check would); C99 and C11 spellings
# knobs_fail DIR STD DEFINE WANT: compiling DIR/gen.c with -DDEFINE fails and the error contains WANT
knobs_fail() {
    if "$CC" -std="$2" -pedantic -Iruntime/include -I"$1" "-D$3" -c "$1/gen.c" -o "$1/knob.o" 2>"$1/knob.err"; then
        fail "$1/gen.c compiled with -D$3 ($2)"
    else
        grep -q -- "$4" "$1/knob.err" || fail "-D$3 ($2): the error does not name $4: $(head -c 400 "$1/knob.err")"
    fi
}
g=$(cd "$TMP" && grep -l "^ \*   1: Conv2D (128, 6)" m*/gen.c | head -1) # conv1d_imu: relu, softmax
[ -n "$g" ] || fail "no generated C lists conv1d_imu's ops"
g=$TMP/$(dirname "$g")
for std in c99 c11; do
    knobs_fail "$g" $std "ANNE_CONFIG_GRAPH=0" ANNE_CONFIG_GRAPH
    knobs_fail "$g" $std "ANNE_CONFIG_ACTIVATIONS=(ANNE_ACT_BIT(ANNE_ACT_RELU))" softmax
    knobs_fail "$TMP/m2" $std "ANNE_CONFIG_ACTIVATIONS=0" softmax   # float32 softmax
    knobs_fail "$TMP/m2" $std "ANNE_CONFIG_F32=0" ANNE_CONFIG_F32
    knobs_fail "$TMP/softmax_s8" $std "ANNE_CONFIG_ACTIVATIONS=0" softmax # int8 softmax: code, not a table
    knobs_fail "$TMP/softmax_s8" $std "ANNE_CONFIG_S8=0" ANNE_CONFIG_S8
done
"$CC" -std=c99 -pedantic -Werror -Iruntime/include -I"$TMP/softmax_s8" \
    "-DANNE_CONFIG_ACTIVATIONS=(ANNE_ACT_BIT(ANNE_ACT_SOFTMAX))" -c "$TMP/softmax_s8/gen.c" -o "$TMP/knob.o" ||
    fail "the int8 softmax model does not compile with a softmax-only build"
"$CC" -std=c99 -pedantic -Werror -Iruntime/include -I"$TMP/iris8_s8" "-DANNE_CONFIG_ACTIVATIONS=0" \
    -c "$TMP/iris8_s8/gen.c" -o "$TMP/knob.o" || fail "int8 relu/sigmoid (tables) need no activation bit"

# What a firmware links (--gc-sections, as the boards' builds): the generated model and NAME_predict(). A
# dense model: no graph code (the const model leaves graph_run 0, and only the loader sets it); a
# graph model: the runner and its kernels, but not the loader (the const model was validated when it
# was generated).
cat >"$TMP/fw.c" <<'C'
#include "gen.h"
static float in[gen_INPUTS], out[gen_OUTPUTS];
static uint32_t arena[(gen_ARENA_BYTES + 3) / 4 + 1];
int main(void) { return gen_predict(in, out, arena) == ANNE_OK ? 0 : 1; }
C
# links DIR: the runtime's functions a firmware of DIR/gen.c links, one name a line
links() {
    "$CC" -std=c99 -O1 -ffunction-sections -fdata-sections -Wl,--gc-sections -Iruntime/include -I"$1" \
        -o "$1/fw" "$1/gen.c" "$TMP/fw.c" "$TMP/libanne_rt.a" -lm 2>"$1/fw.err" || {
        fail "$1: the firmware does not link: $(head -c 300 "$1/fw.err")"
        return
    }
    "$1/fw" || fail "$1: the firmware's predict failed"
    nm "$1/fw" | awk '$2 ~ /^[Tt]$/ { print $3 }'
}
if command -v nm >/dev/null; then
    dense=$(links "$TMP/m2")
    grep -q '^anne_dense_forward_f32$' <<<"$dense" || fail "the dense firmware does not run the dense kernel"
    for sym in anne_graph_run_f32 anne_conv2d_forward_f32 anne__load_graph_model anne_model_load; do
        grep -q "^$sym\$" <<<"$dense" && fail "a firmware with a dense model links $sym"
    done
    graph=$(links "$g")
    for sym in anne_graph_run_f32 anne_conv2d_forward_f32 anne_max_pool2d_forward_f32; do
        grep -q "^$sym\$" <<<"$graph" || fail "the firmware of conv1d_imu does not link $sym"
    done
    for sym in anne__load_graph_model anne_model_load; do
        grep -q "^$sym\$" <<<"$graph" && fail "a firmware with a generated graph model links the loader ($sym)"
    done
else
    skip_part "nm is missing (binutils): what a firmware links is not checked"
fi

# an output folder that does not exist: an error naming it, and no file left behind
if "$ANNE" convert tests/data/cli_3class.json "$TMP/nope/gen.c" >/dev/null 2>"$TMP/err"; then
    fail "convert into a missing folder succeeded"
fi
grep -qF "$TMP/nope" "$TMP/err" || fail "the error does not name the path: $(cat "$TMP/err")"
[ ! -e "$TMP/nope" ] || fail "something was created for a missing folder"
# NAME.c written but NAME.h impossible (a folder in its way): NAME.c is removed again
mkdir -p "$TMP/half/gen.h"
if "$ANNE" convert tests/data/cli_3class.json "$TMP/half/gen.c" >/dev/null 2>"$TMP/err"; then
    fail "convert succeeded although gen.h cannot be written"
fi
[ ! -e "$TMP/half/gen.c" ] || fail "gen.c was left behind when gen.h failed"

finish "codegen: all checks passed ($k models, float, graph and quantized, compiled and compared bit for bit)"
