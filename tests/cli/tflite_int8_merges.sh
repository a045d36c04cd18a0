#!/usr/bin/env bash
# The small int8 TFLite graphs of tests/data/tflite_int8_graph (merges, concatenation, padding, leaky
# relu, hard swish, a residual block; reference/tflite-graph/make_int8_graphs.js) through the command
# line: --check lists every operator as supported, convert writes int8 graph models (format 2.2) that
# info and trace read, and the generated C of each, compiled with the runtime, gives the .anne file's
# outputs bit for bit. (Their values against TFLite: tests/test_tflite_s8_merges.c.)
. "$(dirname "$0")/lib/common.sh"

D=tests/data/tflite_int8_graph
MODELS="residual_0:ADD concat_scales:CONCATENATION mul_hard_swish_0:HARD_SWISH add_broadcast_1:ADD sub_0:SUB
        mul_broadcast_0:MUL padv2:PADV2 pad:PAD concat3_height:CONCATENATION"

for m in $MODELS; do
    name=${m%%:*}
    op=${m##*:}
    run 0 convert --check "$D/$name.tflite"
    grep -q "^operator [0-9]* *$op .* supported$" "$TMP/out" || fail "--check $name: $op not listed as supported: $(cat "$TMP/out")"
    grep -q "all layers supported" "$TMP/out" || fail "--check $name does not say all are supported: $(cat "$TMP/out")"
    run 0 convert "$D/$name.tflite" "$TMP/$name.anne"
    grep -q "int8" "$TMP/out" || fail "convert $name does not say int8: $(cat "$TMP/out")"
done
run 0 info "$TMP/residual_0.anne"
grep -q "format 2.2" "$TMP/out" || fail "info residual_0: not format 2.2: $(head -c 300 "$TMP/out")"
grep -q "Add" "$TMP/out" || fail "info residual_0 names no Add: $(cat "$TMP/out")"
run 0 info "$TMP/padv2.anne"
grep -q "ZeroPadding2D\|ZeroPad" "$TMP/out" || fail "info padv2 names no padding: $(cat "$TMP/out")"
row=$(awk 'BEGIN { s = ""; for (i = 0; i < 60; i++) s = s (i ? "," : "") sprintf("%.3f", (i % 11 - 5) * 0.03); print s }')
run 0 trace "$TMP/concat_scales.anne" --input "$row"
grep -q "^op 2: Concat" "$TMP/out" || fail "trace of concat_scales: no op 2: $(head -c 400 "$TMP/out")"

# generated C: the runtime compiled once, each model's C linked with it and run against its .anne file
CC=${CC:-cc}
if command -v "$CC" >/dev/null; then
    mkdir -p "$TMP/c/o"
    for f in runtime/src/*.c; do
        "$CC" -std=c99 -O1 -Iruntime/include -c "$f" -o "$TMP/c/o/$(basename "$f" .c).o" 2>>"$TMP/c/err" ||
            fail "the runtime does not compile: $(head -c 600 "$TMP/c/err")"
    done
    cp tests/cli/lib/same_bits.c "$TMP/c/main.c"
    for m in $MODELS; do
        name=${m%%:*}
        run 0 convert "$D/$name.tflite" "$TMP/c/gen.c"
        grep -q "anne_graph_run_s8" "$TMP/c/gen.c" || fail "generated C of $name does not run the int8 graph runner"
        if "$CC" -std=c99 -Wall -Wextra -Werror -O1 -Iruntime/include -I"$TMP/c" -o "$TMP/c/run" "$TMP/c/gen.c" \
            "$TMP/c/main.c" "$TMP"/c/o/*.o -lm 2>"$TMP/c/err"; then
            out=$("$TMP/c/run" "$TMP/$name.anne") || fail "generated C of $name: exit $?, $out"
        else
            fail "generated C of $name does not compile: $(head -c 600 "$TMP/c/err")"
        fi
    done
else
    skip_part "no C compiler ($CC) for the generated C"
fi

finish "tflite_int8_merges: $(echo $MODELS | wc -w) int8 graphs checked, converted, traced and run as generated C"
