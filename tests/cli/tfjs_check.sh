#!/usr/bin/env bash
# `anne convert --check` on a TensorFlow.js model.json reads the weight shards as convert does, and
# never disagrees with it: a shard deleted, cut short or longer than the manifest lists (TF.js reads
# only the listed bytes; ANNE refuses a shard of another length as one of another model) fails --check
# with convert's own message (the shard named, its length and the manifest's) and exit status; so do
# weights that read but do not fit the layer; a model that converts passes. Uses the committed TF.js
# models in tests/data/tfjs_import (no ../shared needed).
. "$(dirname "$0")/lib/common.sh"

SRC=tests/data/tfjs_import
# copy NAME: a private copy of a committed TF.js model in $TMP/NAME
copy() { rm -rf "${TMP:?}/$1"; cp -r "$SRC/$1" "$TMP/$1"; }

# refused_alike NAME: --check and convert on $TMP/NAME/model.json both exit 1 with the same message
# (left in $TMP/err), --check without its "all layers supported", convert without an output file
refused_alike() {
    run 1 convert --check "$TMP/$1/model.json"
    ! grep -q "all layers supported" "$TMP/out" || fail "--check on $1 said all layers supported"
    cp "$TMP/err" "$TMP/check.err"
    run 1 convert "$TMP/$1/model.json" "$TMP/o.anne"
    cmp -s "$TMP/err" "$TMP/check.err" ||
        fail "--check and convert disagree on $1: '$(cat "$TMP/check.err")' / '$(cat "$TMP/err")'"
    [ ! -e "$TMP/o.anne" ] || fail "convert wrote an output for $1"
}

M=deep_mixed
# what the manifest lists: the committed shard's length, which convert accepts (the first check below)
want=$(wc -c <"$SRC/$M/weights.bin")

# untouched: all supported, and it converts
copy $M
run 0 convert --check "$TMP/$M/model.json"
stdout_has "all layers supported"
run 0 convert "$TMP/$M/model.json" "$TMP/ok.anne"

# (a) the shard deleted
copy $M
rm "$TMP/$M/weights.bin"
refused_alike $M
stderr_has "$TMP/$M/model.json: weight shard \"weights.bin\" (weightsManifest paths): cannot open"
stderr_has "No such file or directory"

# (b) the shard one float short
copy $M
head -c $((want - 4)) "$SRC/$M/weights.bin" >"$TMP/$M/weights.bin"
refused_alike $M
stderr_has "weight shard \"weights.bin\" holds $((want - 4)) bytes, but the manifest lists $want"
stderr_has "a truncated shard"
# an empty shard likewise
: >"$TMP/$M/weights.bin"
refused_alike $M
stderr_has "weight shard \"weights.bin\" holds 0 bytes, but the manifest lists $want"

# (c) the shard one float longer than the manifest lists
copy $M
cat "$SRC/$M/weights.bin" "$SRC/$M/weights.bin" | head -c $((want + 4)) >"$TMP/$M/weights.bin"
refused_alike $M
stderr_has "weight shard \"weights.bin\" holds $((want + 4)) bytes, but the manifest lists $want"
stderr_has "a shard of another model?"

# (d) the group in two shards, as TF.js splits large ones: the same model; cut short, both named
copy $M
head -c 100 "$SRC/$M/weights.bin" >"$TMP/$M/w1.bin"
tail -c +101 "$SRC/$M/weights.bin" >"$TMP/$M/w2.bin"
rm "$TMP/$M/weights.bin"
sed -i 's/"paths":\["weights.bin"\]/"paths":["w1.bin","w2.bin"]/' "$TMP/$M/model.json"
run 0 convert --check "$TMP/$M/model.json"
stdout_has "all layers supported"
run 0 convert "$TMP/$M/model.json" "$TMP/split.anne"
cmp -s "$TMP/ok.anne" "$TMP/split.anne" || fail "two shards gave another model than one"
tail -c +101 "$SRC/$M/weights.bin" | head -c $((want - 104)) >"$TMP/$M/w2.bin"
refused_alike $M
stderr_has "weight shards \"w1.bin\" (100 bytes), \"w2.bin\" ($((want - 104)) bytes) hold $((want - 4)) bytes,"
stderr_has "but the manifest lists $want"

# weights that read but do not fit: a kernel's shape swapped (the same count of floats)
copy no_bias
sed -i 's/"shape":\[4,6\]/"shape":[6,4]/' "$TMP/no_bias/model.json"
refused_alike no_bias
stderr_has "layer 2 \"dense_Dense51\" (Dense): kernel has shape (6, 4), expected (4, 6) (inputs, units)"

# an unsupported layer still gets the layer report (exit 1), shards intact
copy no_bias
sed -i 's/"class_name":"Dense","config":{"units":6/"class_name":"LSTM","config":{"stateful":true,"units":6/' "$TMP/no_bias/model.json"
run 1 convert --check "$TMP/no_bias/model.json"
stdout_has "NOT SUPPORTED: stateful=True is not supported"

finish "tfjs_check: all checks passed"
