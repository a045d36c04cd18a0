#!/usr/bin/env bash
# `anne train` with PReLU layers (one trainable slope per unit): a new prelu network learns a separable
# problem and the written model carries the trained slopes (anne eval agrees with the trainer); a
# TensorFlow.js PReLU model is fine-tuned with --init, its frozen prelu layer kept bit for bit.
. "$(dirname "$0")/lib/common.sh"

# at_least NAME GOT MIN
at_least() {
    awk -v a="$2" -v b="$3" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }' || fail "$1 is '$2', expected at least $3"
}

# Rows of n features, label 1 when x1 + 2 x2 > 1 (a deterministic cloud from awk's LCG).
make_data() { # file rows seed features
    awk -v n="$2" -v s="$3" -v f="$4" 'BEGIN {
        srand(s); printf "x1"; for (j = 2; j <= f; j++) printf ",x%d", j; print ",label";
        for (i = 0; i < n; i++) {
            for (j = 1; j <= f; j++) { v[j] = rand() * 4 - 2; printf "%s%.4f", (j > 1 ? "," : ""), v[j]; }
            printf ",%d\n", (v[1] + 2 * v[2] > 1) ? 1 : 0;
        }
    }' >"$1"
}
make_data "$TMP/train.csv" 200 1 3
make_data "$TMP/val.csv" 100 2 3
make_data "$TMP/four.csv" 160 3 4

# the first layer's block of an ANNE JSON model (up to the second "units")
first_layer() { tr -d ' \n' <"$1" | sed 's/"units"/\n/g' | sed -n 2p; }
# the first layer's alphas, one per line
first_alphas() { first_layer "$1" | grep -o '"alpha":\[[^]]*\]' | sed 's/.*\[//; s/\]//' | tr ',' '\n'; }

# --- a new network: alphas start at 0 (Keras' initializer) and train with the weights ---------------
run 0 train "$TMP/train.csv" --label label --layers 6:prelu,1:sigmoid --epochs 40 --batch 16 --lr 0.02 --standardize \
    --validation "$TMP/val.csv" --seed 2 --json -o "$TMP/p.anne"
val_acc=$(json_value val_accuracy)
at_least "validation accuracy of a prelu network" "$val_acc" 0.95
# 3*6 kernel + 6 bias + 6 alphas, then 6 + 1: Keras counts the alphas as parameters too
[ "$(json_value params)" = 37 ] || fail "params is $(json_value params), expected 37 (alphas included)"
run 0 eval "$TMP/p.anne" "$TMP/val.csv" --label label --json
[ "$(json_value accuracy)" = "$val_acc" ] ||
    fail "anne eval gives accuracy $(json_value accuracy), the trainer $val_acc"
run 0 convert "$TMP/p.anne" "$TMP/p.json"
[ "$(first_alphas "$TMP/p.json" | wc -l)" -eq 6 ] ||
    fail "the trained model does not carry 6 alphas: $(first_layer "$TMP/p.json")"
first_alphas "$TMP/p.json" | awk '$1 + 0 != 0 { moved = 1 } END { exit !moved }' ||
    fail "the alphas did not move from Keras' initial 0: $(first_alphas "$TMP/p.json" | tr '\n' ' ')"

# --- fine-tuning a TF.js PReLU model (4 inputs -> 6 prelu -> 2 linear) --------------------------------
TFJS="$(dirname "$0")/../data/tfjs_import/layer_prelu/model.json"
run 0 convert "$TFJS" "$TMP/base.anne"
run 0 convert "$TMP/base.anne" "$TMP/base.json"
run 0 train "$TMP/four.csv" --label label --init "$TMP/base.anne" --freeze 1 --epochs 30 --batch 16 --lr 0.01 --json \
    -o "$TMP/frozen.anne"
[ "$(json_value loss_function)" = '"mse"' ] || fail "a linear output did not infer mse"
run 0 convert "$TMP/frozen.anne" "$TMP/frozen.json"
[ -n "$(first_alphas "$TMP/base.json")" ] || fail "could not find the alphas in $TMP/base.json"
[ "$(first_layer "$TMP/base.json")" = "$(first_layer "$TMP/frozen.json")" ] ||
    fail "--freeze 1 changed the prelu layer (kernel, bias or alphas)"
cmp -s "$TMP/base.json" "$TMP/frozen.json" && fail "fine-tuning changed nothing"
run 0 train "$TMP/four.csv" --label label --init "$TMP/base.anne" --epochs 30 --batch 16 --lr 0.01 -o "$TMP/tuned.anne"
run 0 convert "$TMP/tuned.anne" "$TMP/tuned.json"
[ "$(first_alphas "$TMP/base.json")" = "$(first_alphas "$TMP/tuned.json")" ] &&
    fail "without --freeze the prelu alphas did not train"

finish "all prelu train CLI checks passed"
