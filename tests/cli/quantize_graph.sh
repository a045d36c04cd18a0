#!/usr/bin/env bash
# anne quantize of float32 graph models into int8 graphs (format 2.2): the TF.js references conv1d_imu
# (Conv1D, MaxPooling1D, GlobalAveragePooling1D, Dense softmax) and cnn2d_small (Conv2D, MaxPooling2D,
# Flatten, Dense softmax), calibrated on their reference inputs (io.json) and 61 more rows drawn with a
# fixed seed from the same range (-3 ... 3); evaluated on those rows labelled with the float model's own
# class, so that the float accuracy is 1 and the int8 one the share of rows whose class survives: both
# printed, the int8 one at least 0.9, the largest output difference at most 4 steps of the softmax's
# 1/256 (tests/test_quantize_graph.c derives the bound op by op). The result is read by info, predict,
# trace and convert (to C, which compiles with the runtime and gives the .anne file's outputs bit for
# bit); the converted float .anne gives the same int8 file, the float .tflite quantizes too; --per-tensor,
# --json, --name, --classes; a BatchNormalization after a convolution is folded
# into it, one after a pooling is refused by name; the TF.js models with merges and padding (Add,
# Subtract, Multiply, Concatenate, ZeroPadding2D; residual, squeeze-and-excitation, two inputs) quantize
# and agree with float, their generated C bit for bit; an Add of 3 inputs, Average and Maximum are
# refused by name, with exit 1 and nothing written.
. "$(dirname "$0")/lib/common.sh"
. "$(dirname "$0")/lib/generated_c.sh"

D=tests/data/tfjs_graph

# rows MODEL N_VALUES SEED OUT.csv: a header x0 .. x(N-1), the reference inputs, then 61 random rows
rows() {
    awk -v n="$2" -v seed="$3" '
        BEGIN { s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") "x" i; print s }
        /"inputs"/ { on = 1; next }
        /"outputs"/ { on = 0 }
        on && /^ *\[/ { line = $0; gsub(/[][ ]/, "", line); sub(/,$/, "", line); print line }
        END { srand(seed); for (r = 0; r < 61; r++) { s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") sprintf("%.5f", 6 * rand() - 3); print s } }
    ' "$D/$1/io.json" >"$4"
}

# labelled FEATURES.csv PREDICTIONS.csv OUT.csv: the features with the predicted class as column "label"
labelled() {
    paste -d, "$1" <(awk -F, 'NR == 1 { print "label"; next } { print $NF }' "$2") >"$3"
}

for spec in conv1d_imu:768:8 cnn2d_small:784:10; do
    IFS=: read -r m n n_out <<<"$spec"
    rows "$m" "$n" 11 "$TMP/$m.csv"
    [ "$(wc -l <"$TMP/$m.csv")" -eq 65 ] || fail "$m: the calibration CSV has $(wc -l <"$TMP/$m.csv") lines, expected 65"
    run 0 predict "$D/$m/model.json" "$TMP/$m.csv"
    labelled "$TMP/$m.csv" "$TMP/out" "$TMP/${m}_l.csv"
    run 0 quantize "$D/$m/model.json" "$TMP/$m.anne" --to int8 --calib "$TMP/$m.csv" --eval "$TMP/${m}_l.csv" --label label
    echo "$m: $(grep -E "accuracy|same predicted|largest output" "$TMP/out" | tr -s ' ' | tr '\n' ';')"
    stdout_has "int8 graph (per-channel weights)"
    stdout_has "accuracy: float 1.0000, int8 "
    acc=$(sed -n 's/.*accuracy: float 1.0000, int8 \([0-9.]*\).*/\1/p' "$TMP/out")
    diff=$(sed -n 's/.*largest output difference: //p' "$TMP/out")
    awk -v a="$acc" 'BEGIN { exit !(a >= 0.9) }' || fail "$m: int8 accuracy against the float classes is $acc (< 0.9)"
    awk -v d="$diff" 'BEGIN { exit !(d > 0 && d <= 4 / 256) }' || fail "$m: largest output difference $diff (expected 0 < d <= 4/256)"

    # the result as any int8 graph: info, predict (probabilities), trace
    run 0 info "$TMP/$m.anne"
    stdout_has "format 2.2"
    grep -q "Activation  *softmax" "$TMP/out" || fail "$m: info shows no softmax op split off the Dense: $(cat "$TMP/out")"
    run 0 predict "$TMP/$m.anne" "$TMP/$m.csv"
    awk -F, -v n="$n_out" 'NR > 1 { s = 0; for (i = 1; i <= n; i++) s += $i; if (s < 0.95 || s > 1.05) bad = 1; r++ }
        END { exit bad || r != 64 }' "$TMP/out" || fail "$m: predict of the int8 model: $(head -3 "$TMP/out")"
    row=$(sed -n 2p "$TMP/$m.csv")
    run 0 trace "$TMP/$m.anne" --input "$row"
    grep -q "Activation" "$TMP/out" || fail "$m: trace of the int8 model: $(head -c 400 "$TMP/out")"
done

# from any importer: the float .anne that convert writes of the TF.js model gives the same int8 file;
# the float .tflite of cnn2d_small quantizes too
run 0 convert "$D/cnn2d_small/model.json" "$TMP/cnn_f.anne"
run 0 quantize "$TMP/cnn_f.anne" "$TMP/cnn_f8.anne" --to int8 --calib "$TMP/cnn2d_small.csv"
cmp -s "$TMP/cnn_f8.anne" "$TMP/cnn2d_small.anne" || fail "quantize of the converted .anne differs from that of model.json"
run 0 quantize tests/data/tflite_graph/cnn2d_small/model.tflite "$TMP/cnn_t8.anne" --to int8 --calib "$TMP/cnn2d_small.csv"
stdout_has "int8 graph (per-channel weights)"

# --per-tensor, --json, --name, --classes
run 0 quantize "$D/conv1d_imu/model.json" "$TMP/imu_t.anne" --to int8 --calib "$TMP/conv1d_imu.csv" --per-tensor --json \
    --name imu8 --classes a,b,c,d,e,f,g,h
[ "$(json_value to)" = '"int8"' ] || fail "--json to is $(json_value to)"
[ "$(json_value per_tensor)" = true ] || fail "--json per_tensor is $(json_value per_tensor)"
[ "$(json_value rows)" = 64 ] || fail "--json rows is $(json_value rows)"
run 0 info "$TMP/imu_t.anne"
stdout_has 'Model: "imu8"'
grep -q "^Classes: *a, b, c, d, e, f, g, h$" "$TMP/out" || fail "--classes not in the model: $(cat "$TMP/out")"

# a BatchNormalization after a convolution is folded into it (as TFLite does) and quantizes
# values_of MODEL: the number of input values `anne info` gives (of all its inputs)
values_of() {
    run 0 info "$1"
    sed -n -e 's/^Input: .*, \([0-9]*\) values.*/\1/p' -e 's/^ *input  *[0-9]* .*values [0-9]* to \([0-9]*\)$/\1/p' \
        "$TMP/out" | tail -1
}
n=$(values_of "$D/batchnorm_conv2d/model.json")
awk -v n="$n" 'BEGIN { srand(3); s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") "x" i; print s
    for (r = 0; r < 16; r++) { s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") sprintf("%.4f", 2 * rand() - 1); print s } }' >"$TMP/bn.csv"
run 0 quantize "$D/batchnorm_conv2d/model.json" "$TMP/bn.anne" --to int8 --calib "$TMP/bn.csv"

# more kinds and shapes (depthwise and separable convolutions, average pooling with 'same' padding, the
# global average, a table activation, Dense over rank 3, two outputs): every output of the int8 model
# within 8 steps of the float one's on the calibration rows, a step being 1/255 of the output's range
# there (the output scale); measured: 1 to 3. Then the merges and the padding: Add (residual, with the
# skip first or second, after a BatchNormalization and ReLU, of two inputs), Subtract, Multiply (of two
# maps, and of a map by its channel weights broadcast: squeeze-and-excitation), Concatenate (of channels,
# of steps, of a Dense and an input), ZeroPadding2D (symmetric, asymmetric, in a chain); measured: 1.0
# to 3.9 steps
for m in depthwise_m2_s2_same separable_m2 avgpool2d_same_s2 global_avgpool2d act_layers_2d dense_rank3 two_outputs \
    batchnorm_conv1d_eps residual layers_reversed combo_mobilenet_block two_inputs_added merge_subtract merge_multiply \
    squeeze_excitation squeeze_excitation_rank1 concat_channels concat_axis1 two_in_two_out two_inputs_swapped \
    zeropad2d_sym zeropad2d_asym combo_conv2d; do
    n=$(values_of "$D/$m/model.json")
    awk -v n="$n" 'BEGIN { srand(5); s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") "x" i; print s
        for (r = 0; r < 32; r++) { s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") sprintf("%.4f", 4 * rand() - 2); print s } }' \
        >"$TMP/k.csv"
    run 0 quantize "$D/$m/model.json" "$TMP/k.anne" --to int8 --calib "$TMP/k.csv"
    run 0 predict "$D/$m/model.json" "$TMP/k.csv"
    mv "$TMP/out" "$TMP/kf.csv"
    run 0 predict "$TMP/k.anne" "$TMP/k.csv"
    read -r d steps < <(paste -d, "$TMP/kf.csv" "$TMP/out" | awk -F, 'NR == 1 { n = NF / 2; k = $n == "class" ? n - 1 : n; next }
        { for (i = 1; i <= k; i++) { d = $i - $(i + n); if (d < 0) d = -d; if (d > m) m = d
                                     if ($i < lo) lo = $i; if ($i > hi) hi = $i } }
        END { print m + 0, (m + 0) / ((hi - lo) / 255) }')
    echo "$m: largest output difference $d ($steps steps)"
    awk -v s="$steps" 'BEGIN { exit !(s > 0 && s <= 8) }' || fail "$m: the int8 outputs differ by $d = $steps steps (> 8)"
    case $m in # one model of each merge and the padding: its generated C gives the .anne file's bits
    residual | merge_subtract | squeeze_excitation | concat_channels | zeropad2d_asym)
        cp "$TMP/k.anne" "$TMP/$m.anne"
        same_bits_as_c "$TMP/$m.anne" "$TMP/$m.anne" "the quantized $m" ;;
    esac
done

# ops with no int8 form: refused by position, name and kind; exit 1; nothing written, an OUT that was
# there unchanged, no temporary file left
refused() { # MODEL KIND
    run 1 quantize "$D/$1/model.json" "$TMP/no.anne" --to int8 --calib "$TMP/c_$1.csv"
    grep -q "^anne quantize: $D/$1/model.json: op [0-9]* '[^']*' ($2): no int8 form in this version[^;]*; int8 graphs hold Dense," \
        "$TMP/err" || fail "$1: the refusal: $(cat "$TMP/err")"
    [ "$(cat "$TMP/no.anne")" = old ] || fail "$1: a refused quantize changed OUT"
    ls -A "$TMP" | grep -q '\.tmp' && fail "$1: a temporary file is left: $(ls -A "$TMP" | grep '\.tmp')"
}
echo old >"$TMP/no.anne"
for spec in batchnorm_after_pool:ChannelAffine merge_add3:Add merge_average:Average merge_maximum:Maximum; do
    m=${spec%%:*}
    n=$(values_of "$D/$m/model.json")
    awk -v n="$n" 'BEGIN { s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") "x" i; print s
        s = ""; for (i = 0; i < n; i++) s = s (i ? "," : "") "0.5"; print s }' >"$TMP/c_$m.csv"
    refused "$m" "${spec##*:}"
done
run 1 quantize "$D/merge_add3/model.json" "$TMP/no.anne" --to int8 --calib "$TMP/c_merge_add3.csv"
stderr_has "(Add): no int8 form in this version for 3 inputs (at most 2)"
grep -q "BatchNormalization that could not be folded" "$TMP/err" ||
    run 1 quantize "$D/batchnorm_after_pool/model.json" "$TMP/no.anne" --to int8 --calib "$TMP/c_batchnorm_after_pool.csv"
grep -q "BatchNormalization that could not be folded" "$TMP/err" || fail "the unfolded BatchNormalization is not explained: $(cat "$TMP/err")"
run 1 quantize "$D/cnn2d_small/model.json" "$TMP/no.anne" --to q16 --calib "$TMP/cnn2d_small.csv"
stderr_has "a graph model quantizes to int8 only (format 2.2); Q16.16 is for dense chains"

# generated C of the quantized graph compiles with the runtime and gives the .anne file's outputs bit for bit
same_bits_as_c "$TMP/cnn2d_small.anne" "$TMP/cnn2d_small.anne" "the quantized cnn2d_small"

finish "quantize_graph: conv1d_imu, cnn2d_small and 15 models with merges or padding quantized to int8 graphs and read by every command"
