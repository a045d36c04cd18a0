#!/usr/bin/env bash
# `anne prune` and `anne train --prune` from the outside: usage errors; magnitude pruning leaves in the
# written file exactly TF-MOT's count of zeros per kernel (counted in the file, from the layer shapes);
# structured pruning writes the smaller dense model (units and parameters from the shapes) that runs
# like any other; the Pima network keeps its accuracy within one point at half its units; no output
# on failure.
. "$(dirname "$0")/lib/common.sh"
SHARED=${ANNE_SHARED_DIR:-../shared}

# Two blobs, linearly separable by x + 2y > 1 (awk's LCG), as tests/cli/train.sh makes them.
awk 'BEGIN {
    srand(4); print "x,y,z,label";
    for (i = 0; i < 300; i++) {
        x = rand() * 4 - 2; y = rand() * 4 - 2; z = rand();
        printf "%.4f,%.4f,%.4f,%d\n", x, y, z, (x + 2 * y > 1) ? 1 : 0;
    }
}' >"$TMP/data.csv"
run 0 train "$TMP/data.csv" --label label --layers 24:relu,12:tanh,1:sigmoid --epochs 40 --seed 2 --quiet \
    -o "$TMP/m.anne"

# zeros_per_kernel FILE: the count of exact zeros in each layer's kernel of an ANNE JSON file, one line each
zeros_per_kernel() {
    awk '/"kernel": \[/ { k = 1; z = 0; next }
         k && /^ *\],?$/ { print z; k = 0; next }
         k { n = split($0, f, /[][, ]+/); for (i = 1; i <= n; i++) if (f[i] == "0") z++ }' "$1"
}

# expected_zeros N S: TF-MOT keeps max(round((1 - S) N), 1) (halves to even, as printf rounds)
expected_zeros() {
    awk -v n="$1" -v s="$2" 'BEGIN { k = sprintf("%.0f", (1 - s) * n) + 0; if (k < 1) k = 1; print n - k }'
}

# --- usage errors: exit 2, nothing written ----------------------------------------------------------
run 0 prune --help
stdout_has "usage: anne prune MODEL OUT --sparsity S"
run 2 prune "$TMP/m.anne" "$TMP/p.anne" --data "$TMP/data.csv" --label label
stderr_has "needs --sparsity S"
run 2 prune "$TMP/m.anne" "$TMP/p.anne" --sparsity 1.5 --data "$TMP/data.csv" --label label
stderr_has "--sparsity needs a fraction between 0 and 1, got \"1.5\""
run 2 prune "$TMP/m.anne" "$TMP/p.anne" --sparsity 0.5 --label label
stderr_has "needs --data TRAIN.csv"
run 2 prune "$TMP/m.anne" "$TMP/p.anne" --sparsity 0.5 --data "$TMP/data.csv" --label label --criterion l2
stderr_has "--criterion goes with --structured"
run 2 prune "$TMP/m.anne" "$TMP/p.anne" --sparsity 0.5 --data "$TMP/data.csv" --label label --structured \
    --criterion median
stderr_has "--criterion must be l1, l2 or activation, got \"median\""
run 2 prune "$TMP/m.anne" "$TMP/p.anne" --sparsity 1 --data "$TMP/data.csv" --label label --structured
stderr_has "--structured --sparsity must be below 1"
run 2 prune "$TMP/m.anne" "$TMP/p.anne" --sparsity 0.5 --data "$TMP/data.csv" --label label --prune-initial 0.7
stderr_has "--prune-initial 0.7 is above --prune 0.5"
run 2 train "$TMP/data.csv" --label label --layers 2:relu,1:sigmoid -o "$TMP/p.anne" --prune-every 3
stderr_has "need --prune S"
run 2 train "$TMP/data.csv" --label label --layers 2:relu,1:sigmoid -o "$TMP/p.anne" --prune 0.5 --split 0.2 \
    --patience 3
stderr_has "--prune and --patience exclude each other"
run 1 prune "$TMP/missing.anne" "$TMP/p.anne" --sparsity 0.5 --data "$TMP/data.csv" --label label
[ -e "$TMP/p.anne" ] && fail "a failed prune wrote $TMP/p.anne"

# --- magnitude pruning: TF-MOT's count of zeros in every kernel of the written file ------------------
for s in 0.5 0.8 0.9; do
    run 0 prune "$TMP/m.anne" "$TMP/p$s.anne" --sparsity $s --data "$TMP/data.csv" --label label --epochs 8 --json
    total=$(json_value pruned_weights)
    [ "$total" = $((3 * 24 + 24 * 12 + 12)) ] || fail "sparsity $s: pruned_weights $total, expected every kernel's"
    run 0 convert "$TMP/p$s.anne" "$TMP/p$s.json"
    got=$(zeros_per_kernel "$TMP/p$s.json" | tr '\n' ' ')
    want="$(expected_zeros 72 $s) $(expected_zeros 288 $s) $(expected_zeros 12 $s) "
    [ "$got" = "$want" ] || fail "sparsity $s: zeros per kernel in the file are '$got', expected '$want'"
done
# the same through anne train --prune, from scratch, with an explicit schedule
run 0 train "$TMP/data.csv" --label label --layers 16:relu,1:sigmoid --epochs 30 --seed 1 --quiet \
    --prune 0.75 --prune-initial 0.25 --prune-begin 10 --prune-end 100 --prune-every 15 -o "$TMP/t.anne"
stdout_has "sparsity"
run 0 convert "$TMP/t.anne" "$TMP/t.json"
got=$(zeros_per_kernel "$TMP/t.json" | tr '\n' ' ')
want="$(expected_zeros 48 0.75) $(expected_zeros 16 0.75) "
[ "$got" = "$want" ] || fail "train --prune: zeros per kernel '$got', expected '$want'"
# --freeze: the frozen first layer is neither trained nor pruned (its kernel bit for bit as before)
run 0 prune "$TMP/m.anne" "$TMP/fz.anne" --sparsity 0.8 --data "$TMP/data.csv" --label label --epochs 3 --freeze 1
run 0 convert "$TMP/m.anne" "$TMP/m.json"
run 0 convert "$TMP/fz.anne" "$TMP/fz.json"
first_kernel() { awk '/"kernel": \[/ { k = 1 } k { print } k && /^ *\],?$/ { exit }' "$1"; }
[ "$(first_kernel "$TMP/m.json")" = "$(first_kernel "$TMP/fz.json")" ] || fail "--freeze 1 changed the first kernel"
[ "$(zeros_per_kernel "$TMP/fz.json" | sed -n 2p)" = "$(expected_zeros 288 0.8)" ] ||
    fail "--freeze 1: the second kernel is not pruned to 0.8"

# --- structured: the smaller dense model, from the shapes ---------------------------------------------
for c in l1 l2 activation; do
    run 0 prune "$TMP/m.anne" "$TMP/s_$c.anne" --structured --criterion $c --sparsity 0.5 --data "$TMP/data.csv" \
        --label label --epochs 5 --json
    # 3 -> 24 -> 12 -> 1 with half the hidden units: 3 -> 12 -> 6 -> 1
    want=$((3 * 12 + 12 + 12 * 6 + 6 + 6 + 1))
    [ "$(json_value params)" = "$want" ] || fail "--structured $c: params $(json_value params), expected $want"
    [ "$(json_value units_removed)" = 18 ] || fail "--structured $c: units_removed $(json_value units_removed), expected 18"
    run 0 info "$TMP/s_$c.anne"
    stdout_has "Parameters:    $want"
    run 0 eval "$TMP/s_$c.anne" "$TMP/data.csv" --label label
done

# --- a graph model (TF.js Conv1D): its dense head (32 -> 8) pruned; --structured refused ---------------
awk 'BEGIN {
    srand(5); for (j = 1; j <= 768; j++) printf "x%d,", j; print "label";
    for (i = 0; i < 24; i++) { c = i % 4; for (j = 0; j < 768; j++) printf "%.3f,", rand() * 2 - 1; print c; }
}' >"$TMP/window.csv"
run 0 convert tests/data/tfjs_graph/conv1d_imu/model.json "$TMP/imu.anne"
run 0 prune "$TMP/imu.anne" "$TMP/imu_p.anne" --sparsity 0.5 --data "$TMP/window.csv" --label label --epochs 2 --json
[ "$(json_value pruned_weights)/$(json_value zero_weights)" = "256/$(expected_zeros 256 0.5)" ] ||
    fail "graph head: $(json_value zero_weights) of $(json_value pruned_weights) weights zero, expected 128 of 256"
run 0 info "$TMP/imu_p.anne"
run 1 prune "$TMP/imu.anne" "$TMP/imu_s.anne" --structured --sparsity 0.5 --data "$TMP/window.csv" --label label
stderr_has "--structured removes units of dense chains; this is a graph model"
[ -e "$TMP/imu_s.anne" ] && fail "a refused prune wrote $TMP/imu_s.anne"

# --- the Pima network: half its hidden units gone, accuracy within one point (held-out rows) ----------
DIAB="$SHARED/data/paper/diabetes.csv"
if [ -f "$DIAB" ]; then
    run 0 split "$DIAB" "$TMP/d_train.csv" "$TMP/d_test.csv" --test 0.2 --seed 1
    run 0 train "$TMP/d_train.csv" --label Outcome --layers 32:relu,16:relu,1:sigmoid --standardize --epochs 150 \
        --quiet -o "$TMP/pima.anne"
    run 0 prune "$TMP/pima.anne" "$TMP/pima_s.anne" --structured --sparsity 0.5 --data "$TMP/d_train.csv" \
        --label Outcome --eval "$TMP/d_test.csv" --json --quiet
    before=$(json_value before)
    after=$(json_value after)
    awk -v a="$after" -v b="$before" 'BEGIN { exit !(a + 0 >= b - 0.01) }' ||
        fail "Pima, half the units: accuracy $after after, $before before (more than one point lost)"
else
    skip_part "$DIAB is absent (../shared)"
fi

finish "prune: TF-MOT's zeros per kernel, structured shapes, usage errors"
