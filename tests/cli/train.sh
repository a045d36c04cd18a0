#!/usr/bin/env bash
# `anne train` from the outside: usage errors and their messages, learning a separable problem,
# the written model agreeing with the trainer (anne eval gives the trainer's validation numbers
# exactly), string labels stored as class names, --history, --split sizes, seeds reproducible bit
# for bit, --no-shuffle, regression, fine-tuning with --init/--freeze, and no output on failure.
. "$(dirname "$0")/lib/common.sh"

# at_least NAME GOT MIN
at_least() {
    awk -v a="$2" -v b="$3" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }' || fail "$1 is '$2', expected at least $3"
}

# Two blobs, linearly separable by x + 2y > 1 (a deterministic pseudo-random cloud from awk's LCG).
make_data() { # file rows seed labels(0: 0/1, 1: no/yes)
    awk -v n="$2" -v s="$3" -v named="$4" 'BEGIN {
        srand(s); print "x,y,z,label";
        for (i = 0; i < n; i++) {
            x = rand() * 4 - 2; y = rand() * 4 - 2; z = rand();
            c = (x + 2 * y > 1) ? 1 : 0;
            if (named) c = c ? "yes" : "no";
            printf "%.4f,%.4f,%.4f,%s\n", x, y, z, c;
        }
    }' >"$1"
}
make_data "$TMP/train.csv" 200 1 0
make_data "$TMP/val.csv" 100 2 0
make_data "$TMP/named.csv" 120 3 1

# --- usage errors: exit 2 ---------------------------------------------------------------------------
run 0 train --help
grep -qF "usage: anne train DATA.csv" "$TMP/out" || fail "--help lacks the usage line"
run 2 train "$TMP/train.csv" --layers 1:sigmoid -o "$TMP/m.anne"
stderr_has "anne train: needs --label COL (the target column)"
run 2 train "$TMP/train.csv" --label label -o "$TMP/m.anne"
stderr_has "needs --layers SPEC (a new network) or --init MODEL (fine-tuning)"
run 2 train "$TMP/train.csv" --label label --layers 1:sigmoid
stderr_has "needs -o OUT.anne"
run 2 train "$TMP/train.csv" --label label --layers 1:sigmoid --init x.anne -o "$TMP/m.anne"
stderr_has "--layers and --init exclude each other"
run 2 train "$TMP/train.csv" --label label --layers 1:sigmoid -o "$TMP/m.anne" --optimizer rmsprop
stderr_has "--optimizer must be sgd, momentum, nesterov or adam, got \"rmsprop\""
run 2 train "$TMP/train.csv" --label label --layers 1:sigmoid -o "$TMP/m.anne" --epochs 0
stderr_has "--epochs needs an integer >= 1"
run 2 train "$TMP/train.csv" --label label --layers 1:sigmoid -o "$TMP/m.anne" --split 1.5
stderr_has "--split needs a fraction between 0 and 1"
run 2 train "$TMP/train.csv" --label label --layers 1:sigmoid -o "$TMP/m.anne" --split 0.2 --validation "$TMP/val.csv"
stderr_has "--validation and --split exclude each other"
run 2 train "$TMP/train.csv" --label label --layers 1:sigmoid -o "$TMP/m.anne" --loss hinge
stderr_has "--loss must be binary_crossentropy, categorical_crossentropy or mse"

# --- data and network errors: exit 1, nothing written ------------------------------------------------
run 1 train "$TMP/train.csv" --label label --layers 4:relu,1:sigmod -o "$TMP/m.anne"
stderr_has "--layers: \"1:sigmod\": unknown activation \"sigmod\""
run 1 train "$TMP/train.csv" --label label --layers 4,1:sigmoid -o "$TMP/m.anne"
stderr_has "--layers: \"4\" has no activation"
run 1 train "$TMP/train.csv" --label Label --layers 1:sigmoid -o "$TMP/m.anne"
stderr_has "no column \"Label\""
printf 'a,b,label\n1,2,0\n3,4,2\n' >"$TMP/three.csv"
run 1 train "$TMP/three.csv" --label label --layers 1:sigmoid -o "$TMP/m.anne"
stderr_has "column \"label\" has 3 classes, but the output layer has 1 unit"
run 1 train "$TMP/train.csv" --label label --layers 2:relu,1:sigmoid --freeze 2 -o "$TMP/m.anne"
stderr_has "--freeze 2: --layers has 2 layers; at least the last must train"
run 1 train "$TMP/train.csv" --label label --layers 4:relu,1:linear --loss mse --lr 1e30 --optimizer sgd -o "$TMP/m.anne"
stderr_has "the training diverged; try a smaller --lr"
[ -e "$TMP/m.anne" ] && fail "a failed training left $TMP/m.anne behind"

# --- learning: a separable problem; the written model scores what the trainer scored ------------------
run 0 train "$TMP/train.csv" --label label --layers 8:tanh,1:sigmoid --epochs 60 --batch 16 --lr 0.02 --standardize \
    --validation "$TMP/val.csv" --seed 3 --json -o "$TMP/m.anne"
val_acc=$(json_value val_accuracy)
at_least "validation accuracy" "$val_acc" 0.95
[ "$(json_value n_train)" = 200 ] || fail "n_train is $(json_value n_train), expected 200"
[ "$(json_value loss_function)" = '"binary_crossentropy"' ] || fail "the loss was not inferred as binary_crossentropy"
run 0 eval "$TMP/m.anne" "$TMP/val.csv" --label label --json
[ "$(json_value accuracy)" = "$val_acc" ] || fail "anne eval gives accuracy $(json_value accuracy), the trainer $val_acc"

# the same seed gives the same bytes; another seed other bytes; --no-shuffle too
run 0 train "$TMP/train.csv" --label label --layers 8:tanh,1:sigmoid --epochs 60 --batch 16 --lr 0.02 --standardize \
    --validation "$TMP/val.csv" --seed 3 --json -o "$TMP/m2.anne"
cmp -s "$TMP/m.anne" "$TMP/m2.anne" || fail "the same seed gave different models"
run 0 train "$TMP/train.csv" --label label --layers 8:tanh,1:sigmoid --epochs 60 --batch 16 --lr 0.02 --standardize \
    --seed 4 -o "$TMP/m3.anne"
cmp -s "$TMP/m.anne" "$TMP/m3.anne" && fail "seeds 3 and 4 gave the same model"
run 0 train "$TMP/train.csv" --label label --layers 8:tanh,1:sigmoid --epochs 5 --seed 3 --no-shuffle -o "$TMP/n1.anne"
run 0 train "$TMP/train.csv" --label label --layers 8:tanh,1:sigmoid --epochs 5 --seed 3 --shuffle -o "$TMP/n2.anne"
cmp -s "$TMP/n1.anne" "$TMP/n2.anne" && fail "--no-shuffle and --shuffle gave the same model"

# --- string labels become class names; softmax + categorical cross-entropy; --history; --split -------
run 0 train "$TMP/named.csv" --label label --layers 6:relu,2:softmax --epochs 40 --batch 8 --lr 0.01 --minmax \
    --split 0.25 --history "$TMP/h.csv" --json -o "$TMP/named.anne"
[ "$(json_value n_train)" = 90 ] || fail "--split 0.25 of 120 rows kept $(json_value n_train) rows, expected 90"
[ "$(json_value n_validation)" = 30 ] || fail "--split 0.25 of 120 rows held $(json_value n_validation), expected 30"
[ "$(json_value loss_function)" = '"categorical_crossentropy"' ] || fail "softmax did not infer categorical_crossentropy"
[ "$(head -n 1 "$TMP/h.csv")" = "epoch,loss,accuracy,val_loss,val_accuracy" ] || fail "history header: $(head -n 1 "$TMP/h.csv")"
[ "$(wc -l <"$TMP/h.csv")" -eq 41 ] || fail "history has $(wc -l <"$TMP/h.csv") lines, expected 41"
first=$(sed -n 2p "$TMP/h.csv" | cut -d, -f2)
last=$(tail -n 1 "$TMP/h.csv" | cut -d, -f2)
awk -v a="$first" -v b="$last" 'BEGIN { exit !(b < a) }' || fail "the loss did not fall: epoch 1 $first, epoch 40 $last"
run 0 info "$TMP/named.anne"
grep -q "yes" "$TMP/out" || fail "anne info does not show the class name 'yes'"
run 0 eval "$TMP/named.anne" "$TMP/named.csv" --label label --json
at_least "accuracy with named classes" "$(json_value accuracy)" 0.9

# --- regression: mse, one linear output, numeric target ---------------------------------------------
awk 'BEGIN { srand(5); print "a,b,t"; for (i = 0; i < 150; i++) { a = rand() * 2 - 1; b = rand() * 2 - 1;
    printf "%.4f,%.4f,%.5f\n", a, b, 0.7 * a - 0.4 * b + 0.2 } }' >"$TMP/reg.csv"
run 0 train "$TMP/reg.csv" --label t --layers 1:linear --epochs 200 --batch 10 --optimizer sgd --lr 0.1 --json \
    -o "$TMP/reg.anne"
[ "$(json_value accuracy)" = null ] || fail "regression reports an accuracy"
awk -v l="$(json_value loss)" 'BEGIN { exit !(l < 1e-6) }' || fail "linear regression loss $(json_value loss), expected < 1e-6"

# --- fine-tuning: --init keeps the first layer bit for bit and improves on the new data -------------
run 0 train "$TMP/train.csv" --label label --layers 4:tanh,1:sigmoid --epochs 3 --lr 0.01 --seed 1 --standardize \
    -o "$TMP/base.anne"
run 0 train "$TMP/val.csv" --label label --init "$TMP/base.anne" --epochs 1 --lr 1e-30 --optimizer sgd --json \
    -o "$TMP/same.anne"
before=$(json_value loss)
run 0 train "$TMP/val.csv" --label label --init "$TMP/base.anne" --freeze 1 --epochs 40 --lr 0.05 --json \
    -o "$TMP/tuned.anne"
after=$(json_value loss)
awk -v a="$before" -v b="$after" 'BEGIN { exit !(b < a) }' || fail "fine-tuning did not lower the loss: $before -> $after"
run 0 convert "$TMP/base.anne" "$TMP/base.json"
run 0 convert "$TMP/tuned.anne" "$TMP/tuned.json"
# the first layer's block of the JSON (up to the second "units") must be identical, the rest not
first_layer() { tr -d ' \n' <"$1" | sed 's/"units"/\n/g' | sed -n 2p; }
[ -n "$(first_layer "$TMP/base.json")" ] || fail "could not find the first layer in $TMP/base.json"
[ "$(first_layer "$TMP/base.json")" = "$(first_layer "$TMP/tuned.json")" ] || fail "--freeze 1 changed the first layer"
cmp -s "$TMP/base.json" "$TMP/tuned.json" && fail "fine-tuning changed nothing"
run 2 train "$TMP/val.csv" --label label --init "$TMP/base.anne" --standardize -o "$TMP/x.anne"
stderr_has "the model's own scaling is kept"

finish "all train CLI checks passed"
