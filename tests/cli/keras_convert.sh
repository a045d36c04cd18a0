#!/usr/bin/env bash
# `anne convert` on TF.js / Keras inputs from the outside: --check's report and exit codes, and bad
# input (NaN weights, shapes that disagree, missing or short shards, an unsupported layer, misused
# --weights, a missing output folder): a message naming the file and layer, a non-zero exit, no
# output file. Uses the committed TF.js models in tests/data/tfjs_import (no ../shared needed).
. "$(dirname "$0")/lib/common.sh"

SRC=tests/data/tfjs_import
# copy NAME: a private copy of a committed TF.js model in $TMP/NAME
copy() { rm -rf "${TMP:?}/$1"; cp -r "$SRC/$1" "$TMP/$1"; }

# --check: all supported -> 0, the layers listed
run 0 convert --check "$SRC/deep_mixed/model.json"
stdout_has "p_re_lu"
stdout_has "BatchNormalization"
stdout_has "all layers supported"
# an unsupported setting (a Dense renamed LSTM, stateful) -> 1, named; converting it fails the same way
copy no_bias
sed -i 's/"class_name":"Dense","config":{"units":6/"class_name":"LSTM","config":{"stateful":true,"units":6/' "$TMP/no_bias/model.json"
run 1 convert --check "$TMP/no_bias/model.json"
stdout_has "LSTM"
stdout_has "NOT SUPPORTED: stateful=True is not supported"
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "layer 2 \"dense_Dense51\" (LSTM): not supported: stateful=True"
[ ! -e "$TMP/o.anne" ] || fail "an output was written for an unsupported model"
run 2 convert --check
run 2 convert --check "$SRC/no_bias/model.json" "$TMP/o.anne"

# NaN in the weights: refused, naming the layer and the value's place
copy no_bias
printf '\x00\x00\xc0\x7f' | dd of="$TMP/no_bias/weights.bin" bs=1 seek=12 conv=notrunc 2>/dev/null
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "layer 2 \"dense_Dense51\" (Dense): weight array 1 value 4 is NaN"
[ ! -e "$TMP/o.anne" ] || fail "an output was written for NaN weights"
# infinity likewise
copy no_bias
printf '\x00\x00\x80\xff' | dd of="$TMP/no_bias/weights.bin" bs=1 seek=0 conv=notrunc 2>/dev/null
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "weight array 1 value 1 is infinite"

# a kernel whose shape disagrees with the config (same number of floats, other shape)
copy no_bias
sed -i 's/"shape":\[4,6\]/"shape":[6,4]/' "$TMP/no_bias/model.json"
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "layer 2 \"dense_Dense51\" (Dense): kernel has shape (6, 4), expected (4, 6) (inputs, units)"
# a weight missing from the manifest
copy no_bias
sed -i 's/{"name":"dense_Dense52\/kernel","shape":\[6,2\],"dtype":"float32"}//; s/"float32"},\]/"float32"}]/' "$TMP/no_bias/model.json"
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "weight shard \"weights.bin\" holds 144 bytes, but the manifest lists 96"
head -c 96 "$SRC/no_bias/weights.bin" >"$TMP/no_bias/weights.bin"
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "layer 3 \"dense_Dense52\" (Dense): missing weights"
# a short shard, a missing shard
copy no_bias
head -c 120 "$SRC/no_bias/weights.bin" >"$TMP/no_bias/weights.bin"
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "weight shard \"weights.bin\" holds 120 bytes, but the manifest lists 144"
rm "$TMP/no_bias/weights.bin"
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "weight shard"
stderr_has "weights.bin"
# damaged JSON: the ANNE JSON reader's line and column
copy no_bias
head -c 300 "$SRC/no_bias/model.json" >"$TMP/no_bias/model.json"
run 1 convert "$TMP/no_bias/model.json" "$TMP/o.anne"
stderr_has "model.json"

# --weights only with a to_json() architecture
run 1 convert "$SRC/no_bias/weights.bin" --weights "$SRC/no_bias/weights.bin" "$TMP/o.anne"
stderr_has "--weights goes with a Keras to_json() architecture"
run 1 convert tests/data/cli_3class.json --weights "$SRC/no_bias/weights.bin" "$TMP/o.anne"
stderr_has "this is ANNE JSON, which holds its weights"
printf '{"class_name": "Sequential", "config": {"layers": []}}' >"$TMP/arch.json"
run 1 convert "$TMP/arch.json" --weights "$SRC/no_bias/weights.bin" "$TMP/o.anne"
stderr_has "not an HDF5 file"
run 1 convert "$TMP/arch.json" "$TMP/o.anne"
stderr_has "give them with --weights"

# an output folder that does not exist: named, nothing created
run 1 convert "$SRC/deep_mixed/model.json" "$TMP/missing/o.anne"
stderr_has "$TMP/missing/o.anne"
[ ! -e "$TMP/missing" ] || fail "the missing folder was created"

# a good conversion, and info reads TF.js directly
run 0 convert "$SRC/deep_mixed/model.json" "$TMP/ok.anne"
run 0 info "$SRC/layer_prelu/model.json"
stdout_has "prelu"

finish "keras_convert: all checks passed"
