#!/usr/bin/env bash
# int8 TFLite CNNs as published (../shared fixtures) convert into int8 graph models (format 2.2):
# --check lists every operator as supported, convert writes them, info, predict and eval read them,
# trace and generated C run them; kws_cnn.tflite agrees with its float twin kws_cnn.h5 (converted as a
# float32 graph) within quantization error on deterministic pseudo-random inputs: the largest difference
# of a softmax probability and the class agreement are printed and bounded; where LiteRT.js is installed
# (reference/tflite-graph: npm ci), both files agree with TFLite's own runtime within a step.
. "$(dirname "$0")/lib/common.sh"

F=${ANNE_SHARED_DIR:-../shared}/fixtures/keras
KWS=$F/embml_kws_cnn
GES=$F/k3_h5_gesture_conv1d_bn
if [ ! -f "$KWS/kws_cnn.tflite" ] || [ ! -f "$KWS/kws_cnn.h5" ] || [ ! -f "$GES/gesture_model.tflite" ]; then
    echo "SKIP: ../shared/fixtures/keras/embml_kws_cnn or k3_h5_gesture_conv1d_bn is absent (tests read ../shared in place)"
    exit 77
fi

# --check: every operator supported, exit 0
for m in "$KWS/kws_cnn.tflite:5" "$GES/gesture_model.tflite:13"; do
    file=${m%%:*}
    n=${m##*:}
    run 0 convert --check "$file"
    got=$(grep -c "^operator .* supported$" "$TMP/out")
    [ "$got" -eq "$n" ] || fail "--check $file: $got of $n operators supported: $(cat "$TMP/out")"
    grep -q "all layers supported" "$TMP/out" || fail "--check $file does not say all are supported"
done

# convert, info: format 2.2, int8
run 0 convert "$KWS/kws_cnn.tflite" "$TMP/kws8.anne"
grep -q "int8" "$TMP/out" || fail "convert kws_cnn.tflite does not say int8: $(cat "$TMP/out")"
run 0 convert "$GES/gesture_model.tflite" "$TMP/ges8.anne"
# ANNE JSON holds float weights: refused by name, nothing written
run 1 convert "$GES/gesture_model.tflite" "$TMP/ges8.json"
grep -q "quantized model (int8) cannot be written as ANNE JSON" "$TMP/err" || fail "json refusal: $(cat "$TMP/err")"
[ ! -e "$TMP/ges8.json" ] || fail "a refused conversion left $TMP/ges8.json"
run 0 info "$TMP/kws8.anne"
grep -q "format 2.2" "$TMP/out" || fail "info kws8: not format 2.2: $(head -c 300 "$TMP/out")"
grep -q "Conv2D .* 3x3 s1 same .* 160 " "$TMP/out" || fail "info kws8: the Conv2D row: $(cat "$TMP/out")"
run 0 info "$TMP/ges8.anne"
grep -q "GlobalAvgPool" "$TMP/out" || fail "info ges8: no GlobalAvgPool: $(cat "$TMP/out")"

# kws against its float twin: 20 rows of 7710 values, uniform in [0, 1] (inside the int8 input's range
# 0 ... 67.8; inputs spread over all of it saturate the int8 logits, which the float model does not)
run 0 convert "$KWS/kws_cnn.h5" "$TMP/kws_f.anne"
awk 'BEGIN { srand(7); s = ""; for (i = 0; i < 7710; i++) s = s (i ? "," : "") "x" i; print s;
             for (r = 0; r < 20; r++) { s = ""; for (i = 0; i < 7710; i++) s = s (i ? "," : "") sprintf("%.4f", rand());
                                        print s } }' >"$TMP/kws.csv"
awk 'BEGIN { srand(7); s = ""; for (i = 0; i < 7710; i++) s = s (i ? "," : "") "x" i; print s;
             for (r = 0; r < 20; r++) { s = ""; for (i = 0; i < 7710; i++) s = s (i ? "," : "") sprintf("%.4f", 3 * rand());
                                        print s } }' >"$TMP/kws3.csv"
run 0 predict "$TMP/kws8.anne" "$TMP/kws.csv"
cp "$TMP/out" "$TMP/p8.csv"
run 0 predict "$TMP/kws_f.anne" "$TMP/kws.csv"
cp "$TMP/out" "$TMP/pf.csv"
read -r diff agree rows < <(paste -d, "$TMP/p8.csv" "$TMP/pf.csv" | awk -F, 'NR > 1 { n = (NF - 2) / 2;
    for (i = 1; i <= n; i++) { d = $i - $(i + n + 1); if (d < 0) d = -d; if (d > m) m = d }
    if ($(n + 1) == $(2 * n + 2)) a++; r++ } END { print m + 0, a + 0, r + 0 }')
echo "kws_cnn int8 vs float twin: largest probability difference $diff, classes agree $agree/$rows"
[ "$rows" -eq 20 ] || fail "kws predict gave $rows rows"
[ "$agree" -eq "$rows" ] || fail "kws int8 and float classes agree on $agree of $rows rows"
awk -v d="$diff" 'BEGIN { exit !(d <= 0.2) }' || fail "kws int8 vs float: a probability differs by $diff (> 0.2)"

# gesture: predict and eval on windows of the recording (120 rows of aX..gZ, the model's (120, 6)),
# every output a probability
awk -F, 'NR == 1 { s = ""; for (i = 0; i < 720; i++) s = s (i ? "," : "") "x" i; print s "," "label"; next }
    { w = w (w == "" ? "" : ",") $4 "," $5 "," $6 "," $7 "," $8 "," $9; k++;
      if (k == 120) { print w ",0"; w = ""; k = 0 } }' "$GES"/gesture_data_*.csv >"$TMP/ges.csv"
run 0 predict "$TMP/ges8.anne" "$TMP/ges.csv" --label label
awk -F, 'NR > 1 { s = 0; for (i = 1; i <= 9; i++) { if ($i < 0 || $i > 1) bad = 1; s += $i }
    if (s < 0.9 || s > 1.1) bad = 1; r++ } END { exit bad || r < 10 }' "$TMP/out" ||
    fail "gesture predict: outputs are not probabilities: $(head -3 "$TMP/out")"
run 0 eval "$TMP/ges8.anne" "$TMP/ges.csv" --label label
grep -qi "accuracy" "$TMP/out" || fail "gesture eval prints no accuracy: $(head -c 300 "$TMP/out")"

# LiteRT.js (TFLite in WebAssembly; its int8 kernels are XNNPACK's, not TFLite's reference ones):
# outputs within one step (1/256) of ANNE's on gesture's windows; kws_cnn, whose convolution output
# steps by 1.0, within one step on all rows but one, and the classes agree
LRT=reference/tflite-graph
if command -v node >/dev/null && command -v flatc >/dev/null && [ -d "$LRT/node_modules/@litertjs/core" ]; then
    # within_steps ANNE.csv LITERT.csv N_OUT: "largest difference, rows beyond a step, classes agreeing"
    within_steps() {
        paste -d, "$1" "$2" | awk -F, -v n="$3" 'NR > 1 { mm = 0; a = 1; b = 1
            for (i = 1; i <= n; i++) { d = $i - $(i + n + 1); if (d < 0) d = -d; if (d > mm) mm = d
                                       if ($i > $a) a = i; if ($(i + n + 1) > $(b + n + 1)) b = i }
            if (mm > m) m = mm; if (mm > 1.05 / 256) big++; if (a == b) ag++; r++ }
            END { print m + 0, big + 0, ag + 0, r + 0 }'
    }
    awk -F, 'NR > 1 { sub(/,0$/, ""); print; next } { sub(/,label$/, ""); print }' "$TMP/ges.csv" >"$TMP/ges_x.csv"
    if node "$LRT/run_int8_model.js" "$GES/gesture_model.tflite" "$TMP/ges_x.csv" >"$TMP/lg.csv" 2>"$TMP/lg.err"; then
        run 0 predict "$TMP/ges8.anne" "$TMP/ges_x.csv"
        read -r d big ag rows < <(within_steps "$TMP/out" "$TMP/lg.csv" 9)
        echo "gesture_model int8 vs LiteRT: largest difference $d, $big rows beyond a step, classes agree $ag/$rows"
        [ "$rows" -ge 10 ] && [ "$big" -eq 0 ] && [ "$ag" -eq "$rows" ] || fail "gesture vs LiteRT: $d $big $ag/$rows"
    else
        fail "LiteRT on gesture_model.tflite: $(head -c 400 "$TMP/lg.err")"
    fi
    if node "$LRT/run_int8_model.js" "$KWS/kws_cnn.tflite" "$TMP/kws3.csv" >"$TMP/lk.csv" 2>"$TMP/lk.err"; then
        run 0 predict "$TMP/kws8.anne" "$TMP/kws3.csv"
        read -r d big ag rows < <(within_steps "$TMP/out" "$TMP/lk.csv" 10)
        echo "kws_cnn int8 vs LiteRT: largest difference $d, $big rows beyond a step, classes agree $ag/$rows"
        [ "$rows" -eq 20 ] && [ "$big" -le 2 ] && [ "$ag" -eq "$rows" ] || fail "kws vs LiteRT: $d $big $ag/$rows"
        awk -v d="$d" 'BEGIN { exit !(d <= 0.05) }' || fail "kws vs LiteRT: a probability differs by $d"
    else
        fail "LiteRT on kws_cnn.tflite: $(head -c 400 "$TMP/lk.err")"
    fi
else
    skip_part "node, flatc or LiteRT.js missing (cd reference/tflite-graph && npm ci): ANNE not compared with LiteRT"
fi

# trace: every tensor of the int8 graph, dequantized; the softmax's values are probabilities
row=$(awk -F, 'NR == 2 { s = $1; for (i = 2; i <= 720; i++) s = s "," $i; print s }' "$TMP/ges.csv")
run 0 trace "$TMP/ges8.anne" --input "$row"
grep -q "^op 13: Activation" "$TMP/out" || fail "trace of the int8 graph: no op 13: $(head -c 400 "$TMP/out")"
grep -q "GlobalAvgPool" "$TMP/out" || fail "trace of the int8 graph names no GlobalAvgPool"

# generated C of an int8 graph compiles with the runtime and gives the .anne file's outputs bit for bit
CC=${CC:-cc}
if command -v "$CC" >/dev/null; then
    mkdir -p "$TMP/c"
    run 0 convert "$GES/gesture_model.tflite" "$TMP/c/gen.c"
    grep -q "anne_graph_run_s8" "$TMP/c/gen.c" || fail "generated C does not run the int8 graph runner"
    cp tests/cli/lib/same_bits.c "$TMP/c/main.c"
    if "$CC" -std=c99 -Wall -Wextra -Werror -O1 -Iruntime/include -I"$TMP/c" -o "$TMP/c/run" "$TMP/c/gen.c" \
        "$TMP/c/main.c" runtime/src/*.c -lm 2>"$TMP/c/err"; then
        out=$("$TMP/c/run" "$TMP/ges8.anne") || fail "generated C of the int8 graph: exit $?, $out"
    else
        fail "generated C of the int8 graph does not compile: $(head -c 600 "$TMP/c/err")"
    fi
else
    skip_part "no C compiler ($CC) for the generated C"
fi

finish "tflite_int8_graph: kws_cnn and gesture_model converted, run and checked"
