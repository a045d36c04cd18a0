#!/usr/bin/env bash
# Hostile model files through the commands (the "Hostile input" audit): a decompression bomb and a
# JSON of millions of zeros are refused before they are parsed, within a few hundred MB of address
# space; a TF.js manifest cannot read files outside the model's folder; a .tflite whose operators
# name an options type without the options table converts, and info / predict run it, instead of
# crashing. tests/test_hostile_import.c covers the same defects one by one, in the library.
. "$(dirname "$0")/lib/common.sh"


# The memory bound: the address space of a child shell. An ASan build reserves terabytes of shadow
# memory and cannot start under any such limit: there the refusals are checked without it.
LIMIT_KB=400000
if (ulimit -v "$LIMIT_KB" && "$ANNE" --help >/dev/null 2>&1); then
    limited() { (ulimit -v "$LIMIT_KB" && "$ANNE" "$@") >"$TMP/out" 2>"$TMP/err"; }
else
    echo "note: $ANNE does not start under ulimit -v $LIMIT_KB (a sanitizer build?): refusals checked without it"
    limited() { "$ANNE" "$@" >"$TMP/out" 2>"$TMP/err"; }
fi
# run_limited EXPECTED_EXIT ARGS...: like run, in the limited address space
run_limited() {
    local want=$1 got
    shift
    limited "$@"
    got=$?
    [ "$got" -eq "$want" ] || fail "anne $* (ulimit -v $LIMIT_KB) exited $got, expected $want (stderr: $(head -c 300 "$TMP/err"))"
}
# zeros N: "[0,0,...,0]" of about N bytes on stdout
zeros() {
    printf '['
    head -c "$1" /dev/zero | tr '\0' '0' | sed 's/0/0,/g' | tr -d '\n'
    printf '0]'
}

# ANNE JSON of 10 M zeros (20 MB): cJSON took 1.59 GB and 8.7 s to build it before the refusal
{ printf '{"layers": [{"kernel": ['; zeros 10000000; printf ']}]}'; } >"$TMP/zeros.json"
start=$(date +%s)
run_limited 1 info "$TMP/zeros.json"
stderr_has "zeros.json: line 1, column 2097178: a list of more than 1048576 elements, longer than ANNE JSON allows"
stderr_has "refused before parsing"
[ $(($(date +%s) - start)) -lt 30 ] || fail "the refusal of zeros.json took more than 30 s"

# TF.js: a shard path leading out of the model's folder
PRELU=tests/data/tfjs_import/layer_prelu
mkdir -p "$TMP/tfjs"
cp "$PRELU/weights.bin" "$TMP/secret.bin"
sed 's|"paths":\["weights.bin"\]|"paths":["../secret.bin"]|' "$PRELU/model.json" >"$TMP/tfjs/model.json"
run 1 convert "$TMP/tfjs/model.json" "$TMP/tfjs.anne"
stderr_has "tfjs/model.json: weight shard \"../secret.bin\" (weightsManifest paths) has a \"..\" component"
[ ! -e "$TMP/tfjs.anne" ] || fail "a refused model left an output file"
ln -s ../secret.bin "$TMP/tfjs/link.bin"
sed 's|"paths":\["weights.bin"\]|"paths":["link.bin"]|' "$PRELU/model.json" >"$TMP/tfjs/model.json"
run 1 info "$TMP/tfjs/model.json"
stderr_has "weight shard \"link.bin\" (weightsManifest paths) resolves to"
stderr_has "outside the model's folder"

# .keras: config.json of 30 MiB in a file of some 30 KB
if command -v zip >/dev/null; then
    mkdir -p "$TMP/bomb"
    zeros 15728639 >"$TMP/bomb/config.json"
    printf '{"keras_version": "3.7.0"}' >"$TMP/bomb/metadata.json"
    (cd "$TMP/bomb" && zip -q -9 ../bomb.keras config.json metadata.json) || fail "zip"
    size=$(wc -c <"$TMP/bomb/config.json")
    run_limited 1 info "$TMP/bomb.keras"
    stderr_has "bomb.keras: zip entry config.json inflates to $size bytes, more than the 16777216 (16 MiB) a Keras file's config.json may have: refused before inflating"
else
    skip_part "zip is not installed (apt-get install zip): the .keras bomb is checked by test_hostile_import only"
fi

# .tflite: builtin_options_type FullyConnectedOptions without the table (the verifier accepts it;
# convert, info and predict died of SIGSEGV); the schema's defaults apply: fused NONE
HW=${ANNE_SHARED_DIR:-../shared}/fixtures/keras/tflm_hello_world_sine
SCHEMA=$(cd "$(dirname "$0")/../../tools/import/tflite" && pwd)/tflite_subset.fbs
if [ ! -f "$HW/hello_world_int8.tflite" ]; then
    skip_part "$HW/hello_world_int8.tflite is absent (tests read ../shared in place)"
elif ! command -v flatc >/dev/null; then
    skip_part "flatc is not installed (apt-get install flatbuffers-compiler)"
else
    (cd "$TMP" && flatc --json --raw-binary --strict-json "$SCHEMA" -- "$HW/hello_world_int8.tflite") ||
        fail "flatc cannot read the fixture with the schema subset"
    # every "builtin_options": {...} block removed, the types kept
    sed '/"builtin_options": {/,/}/d; s/"builtin_options_type": "FullyConnectedOptions",/"builtin_options_type": "FullyConnectedOptions"/' \
        "$TMP/hello_world_int8.json" >"$TMP/noopt.json"
    grep -q '"builtin_options_type": "FullyConnectedOptions"' "$TMP/noopt.json" || fail "the edit lost the types"
    ! grep -q '"builtin_options":' "$TMP/noopt.json" || fail "the edit kept an options table"
    (cd "$TMP" && flatc --binary "$SCHEMA" noopt.json && mv noopt.bin noopt.tflite) || fail "flatc -b noopt"
    run 0 info "$TMP/noopt.tflite"
    stdout_has "s8"
    grep -q "relu" "$TMP/out" && fail "no layer may keep the fixture's fused RELU: the options are absent"
    run 0 convert "$TMP/noopt.tflite" "$TMP/noopt.anne"
    printf 'x\n1.5707963\n' >"$TMP/x.csv"
    run 0 predict "$TMP/noopt.tflite" "$TMP/x.csv"
fi

finish "hostile_import: all checks passed"
