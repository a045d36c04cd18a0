#!/usr/bin/env bash
# Model and class names: --name and --classes of `anne convert`, `train` and `quantize`; Keras' model
# name kept by the importer; the names in ANNE JSON, in `anne info`, in predict's columns, and in the
# generated header (NAME_NAME, NAME_CLASSES, NAME_CLASS_NAMES, compiled as C and C++); a model file
# without them converted again byte for byte.
. "$(dirname "$0")/lib/common.sh"

TRI=tests/data/cli_3class.json
DATA=tests/data/csv/three_class.csv

# --- convert --classes / --name ----------------------------------------------------------------------
run 0 convert "$TRI" "$TMP/tri.anne" --classes 'red, green ,blue' --name colours
run 0 info "$TMP/tri.anne" --json
tr -d ' \t\n' <"$TMP/out" | grep -qF '"classes":["red","green","blue"]' || fail "info --json classes: $(cat "$TMP/out")"
[ "$(json_value name)" = '"colours"' ] || fail "info --json name is $(json_value name)"
# into ANNE JSON and back: the same bytes
run 0 convert "$TMP/tri.anne" "$TMP/tri.json"
tr -d ' \t\n' <"$TMP/tri.json" | grep -qF '"classes":["red","green","blue"]' || fail "ANNE JSON lacks the classes"
tr -d ' \t\n' <"$TMP/tri.json" | grep -qF '"name":"colours"' || fail "ANNE JSON lacks the name"
run 0 convert "$TMP/tri.json" "$TMP/tri2.anne"
cmp -s "$TMP/tri.anne" "$TMP/tri2.anne" || fail "the names did not survive ANNE JSON"
# an empty list or name removes them; a file without names converts to the same bytes as before
run 0 convert "$TMP/tri.anne" "$TMP/plain.anne" --classes '' --name ''
run 0 convert "$TRI" "$TMP/orig.anne" --name ''
cmp -s "$TMP/plain.anne" "$TMP/orig.anne" || fail "removing the names did not give the file without them"
run 0 convert "$TMP/orig.anne" "$TMP/again.anne"
cmp -s "$TMP/orig.anne" "$TMP/again.anne" || fail "a file without names changed on conversion"
run 0 convert "$TMP/tri.anne" "$TMP/again.anne"
cmp -s "$TMP/tri.anne" "$TMP/again.anne" || fail "a file with names changed on conversion"

# wrong counts and empty names: refused with the counts, nothing written
run 1 convert "$TRI" "$TMP/bad.anne" --classes a,b
stderr_is "anne convert: $TRI: --classes has 2 names, but the model has 3 outputs (one per class)"
run 1 convert tests/data/cli_binary.json "$TMP/bad.anne" --classes a,b,c
stderr_has "--classes has 3 names, but the model has one output: 2 classes"
run 1 convert "$TRI" "$TMP/bad.anne" --classes 'a,,c'
stderr_has "--classes: name 2 is empty"
[ -e "$TMP/bad.anne" ] && fail "a refused --classes wrote a file"

# --- predict: the output columns are the classes; eval labels them --------------------------------
run 0 predict "$TMP/tri.anne" "$DATA" --label class
[ "$(head -n 1 "$TMP/out")" = "red,green,blue,class,name" ] || fail "predict header: $(head -n 1 "$TMP/out")"
run 0 predict "$TMP/orig.anne" "$DATA" --label class
[ "$(head -n 1 "$TMP/out")" = "output0,output1,output2,class" ] || fail "predict header without names: $(head -n 1 "$TMP/out")"
# names that would repeat a column keep the numbered columns (a CSV header with two "class" columns)
run 0 convert "$TRI" "$TMP/clash.anne" --classes 'class,name,x'
run 0 predict "$TMP/clash.anne" "$DATA" --label class
[ "$(head -n 1 "$TMP/out")" = "output0,output1,output2,class,name" ] || fail "clashing names: $(head -n 1 "$TMP/out")"
run 0 eval "$TMP/tri.anne" "$DATA" --label class
stdout_has "  red  "

# --- quantize --name / --classes; convert renames a quantized model ---------------------------------
run 0 quantize "$TRI" "$TMP/q.anne" --to int8 --calib "$DATA" --label class --name q8 --classes x,y,z
run 0 info "$TMP/q.anne" --json
tr -d ' \t\n' <"$TMP/out" | grep -qF '"classes":["x","y","z"]' || fail "quantize --classes not stored"
[ "$(json_value name)" = '"q8"' ] || fail "quantize --name stored $(json_value name)"
run 0 convert "$TMP/q.anne" "$TMP/q2.anne" --classes u,v,w
run 0 info "$TMP/q2.anne" --json
tr -d ' \t\n' <"$TMP/out" | grep -qF '"classes":["u","v","w"]' || fail "convert --classes of an int8 model"
[ "$(json_value name)" = '"q8"' ] || fail "convert --classes of an int8 model lost its name"
run 0 predict "$TMP/q.anne" "$DATA" --label class
cut -d, -f1-3 "$TMP/out" >"$TMP/q.cols"
run 0 predict "$TMP/q2.anne" "$DATA" --label class
[ "$(tail -n +2 "$TMP/out" | cut -d, -f1-3)" = "$(tail -n +2 "$TMP/q.cols")" ] || fail "renaming changed the outputs"
run 1 quantize "$TRI" "$TMP/q3.anne" --to int8 --calib "$DATA" --classes x,y
stderr_has "--classes has 2 names, but the model has 3 outputs"

# --- train --classes / --name ------------------------------------------------------------------------
# integer labels get names; text labels map through the names given (not sorted)
run 0 train "$DATA" --label class --layers 3:softmax --epochs 2 --classes up,down,left --name moves -o "$TMP/t.anne"
run 0 info "$TMP/t.anne" --json
tr -d ' \t\n' <"$TMP/out" | grep -qF '"classes":["up","down","left"]' || fail "train --classes not stored"
[ "$(json_value name)" = '"moves"' ] || fail "train --name stored $(json_value name)"
awk -F, 'NR == 1 { print; next } { n = $3 == 0 ? "zero" : $3 == 1 ? "one" : "two"; print $1 "," $2 "," n }' "$DATA" \
    >"$TMP/text.csv"
run 0 train "$TMP/text.csv" --label class --layers 3:softmax --epochs 1 --classes zero,one,two -o "$TMP/t2.anne"
run 0 train "$DATA" --label class --layers 3:softmax --epochs 1 -o "$TMP/t3.anne"
# the same rows as indices: class k is the k-th name, so the two models are the same but for the names
run 0 convert "$TMP/t2.anne" "$TMP/t2plain.anne" --classes ''
cmp -s "$TMP/t2plain.anne" "$TMP/t3.anne" || fail "text labels through --classes are not the classes of the indices"
run 1 train "$TMP/text.csv" --label class --layers 3:softmax --epochs 1 --classes zero,one,three -o "$TMP/t4.anne"
stderr_has "\"two\" is not a class of the model"
run 1 train "$DATA" --label class --layers 2:softmax --epochs 1 --classes a,b,c -o "$TMP/t4.anne"
stderr_has "--classes has 3 names, but the model has 2 outputs"
awk 'BEGIN { print "x,y"; for (i = 0; i < 20; i++) printf "%d,%.2f\n", i, i / 3 }' >"$TMP/reg.csv"
run 1 train "$TMP/reg.csv" --label y --layers 1:linear --epochs 1 --classes a,b -o "$TMP/t4.anne"
stderr_has "--classes: a regression model"

# --- generated C: the header carries the names as macros ----------------------------------------------
CC=${CC:-cc}
CXX=${CXX:-c++}
run 0 convert "$TMP/tri.anne" "$TMP/tri.c"
grep -qxF '#define tri_NAME "colours" /* the model'"'"'s name ("": none) */' "$TMP/tri.h" || fail "tri_NAME: $(grep _NAME "$TMP/tri.h")"
grep -qF '#define tri_CLASSES 3 ' "$TMP/tri.h" || fail "tri_CLASSES: $(grep _CLASSES "$TMP/tri.h")"
grep -qxF '#define tri_CLASS_NAMES {"red", "green", "blue"}' "$TMP/tri.h" || fail "tri_CLASS_NAMES: $(grep CLASS_NAMES "$TMP/tri.h")"
run 0 convert "$TMP/orig.anne" "$TMP/orig.c"
grep -qF '#define orig_CLASSES 0 ' "$TMP/orig.h" || fail "orig_CLASSES: $(grep _CLASSES "$TMP/orig.h")"
grep -q CLASS_NAMES "$TMP/orig.h" && fail "a model without class names got a CLASS_NAMES macro"
if command -v "$CC" >/dev/null; then
    cat >"$TMP/use.c" <<'C'
#include <stdio.h>
#include "tri.h"
static const char *const names[tri_CLASSES] = tri_CLASS_NAMES;
int main(void) {
    int k;
    printf("%s:", tri_NAME);
    for (k = 0; k < tri_CLASSES; k++) printf(" %s", names[k]);
    printf("\n");
    return 0;
}
C
    if "$CC" -std=c99 -pedantic -Wall -Wextra -Werror -Iruntime/include -I"$TMP" -o "$TMP/use" "$TMP/use.c" 2>"$TMP/cc.err"; then
        [ "$("$TMP/use")" = "colours: red green blue" ] || fail "the macros give '$("$TMP/use")'"
    else
        fail "a program using the name macros does not compile: $(head -c 400 "$TMP/cc.err")"
    fi
    if command -v "$CXX" >/dev/null; then
        "$CXX" -std=c++11 -Wall -Wextra -Werror -Iruntime/include -I"$TMP" -x c++ -c "$TMP/use.c" -o "$TMP/use.o" \
            2>"$TMP/cc.err" || fail "the name macros do not compile as C++: $(head -c 400 "$TMP/cc.err")"
    else
        skip_part "no C++ compiler ($CXX): the header's macros not compiled as C++"
    fi
else
    skip_part "no C compiler ($CC): the header's macros not compiled"
fi

# --- A model with two outputs: the names are the first output's (a class of 3 and a value) ----------------
TWO=tests/data/tfjs_graph/two_outputs/model.json
run 1 convert "$TWO" "$TMP/two.anne" --classes a,b,c,d
stderr_has "has 4 names, but the model has 3 outputs"
run 0 convert "$TWO" "$TMP/two.json" --classes a,b,c
run 0 convert "$TMP/two.json" "$TMP/two.anne" # the names read back from ANNE JSON
run 0 info "$TMP/two.anne" --json
tr -d ' \t\n' <"$TMP/out" | grep -qF '"classes":["a","b","c"]' || fail "two outputs: info --json classes: $(cat "$TMP/out")"
awk 'BEGIN { for (i = 0; i < 20; i++) printf "%s%s", i ? "," : "", "x" i; print ""; for (i = 0; i < 20; i++) printf "%s%.2f", i ? "," : "", i / 7; print "" }' >"$TMP/two.csv"
run 0 predict "$TMP/two.anne" "$TMP/two.csv"
head -n 1 "$TMP/out" | grep -qx "output0,output1,output2,output3,class,name" ||
    fail "two outputs: predict's header is '$(head -n 1 "$TMP/out")' (names name the columns of one output only)"

# --- Keras' model name: kept by convert (model.name, the config's "name") --------------------------------
K3="${ANNE_SHARED_DIR:-../shared}/fixtures/keras/k3_h5_iris_mit/iris_model.h5"
if [ -f "$K3" ]; then
    run 0 info "$K3" --json
    [ "$(json_value name)" = '"sequential"' ] || fail "the Keras model's name is $(json_value name), expected \"sequential\""
    run 0 convert "$K3" "$TMP/k.anne" --name flowers
    run 0 info "$TMP/k.anne" --json
    [ "$(json_value name)" = '"flowers"' ] || fail "--name did not replace Keras' name"
else
    skip_part "$K3 is absent (tests read ../shared in place)"
fi

finish "names: --name and --classes in convert, train and quantize; JSON, info, predict and generated C"
