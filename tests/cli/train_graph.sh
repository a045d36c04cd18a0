#!/usr/bin/env bash
# `anne train --init` on a graph model (a TF.js Conv1D network): its ops before the Dense head stay
# bit for bit, the head trains exactly as the dense trainer trains it on the frozen part's features
# (anne split, anne predict, anne train of the head alone give the same head file), and the loss
# falls. `anne split` refuses a dense model and a graph without a dense head, and writes nothing then.
. "$(dirname "$0")/lib/common.sh"

G=tests/data/tfjs_graph
# 48 rows of a (128, 6) window, class = the channel with the raised mean (a deterministic cloud from awk)
awk 'BEGIN {
    srand(5); for (j = 1; j <= 768; j++) printf "x%d,", j; print "label";
    for (i = 0; i < 48; i++) {
        c = i % 4;
        for (j = 0; j < 768; j++) printf "%.3f,", rand() * 2 - 1 + ((j % 6) == c ? 0.8 : 0);
        print c;
    }
}' >"$TMP/data.csv"

run 0 convert "$G/conv1d_imu/model.json" "$TMP/imu.anne"
run 0 train "$TMP/data.csv" --label label --init "$TMP/imu.anne" -o "$TMP/trained.anne" --epochs 20 --lr 0.01 \
    --seed 3 --json
first=$(json_value loss)
run 0 train "$TMP/data.csv" --label label --init "$TMP/imu.anne" -o "$TMP/one.anne" --epochs 1 --lr 0.01 --seed 3 --json
awk -v a="$first" -v b="$(json_value loss)" 'BEGIN { exit !(a + 0 < b + 0) }' ||
    fail "the loss after 20 epochs ($first) is not below the loss after 1 ($(json_value loss))"
[ "$(json_value params)" = 264 ] || fail "params is $(json_value params), expected 264 (the Dense head 32 -> 8)"

# the frozen part is unchanged; the head is the dense trainer's on the features
run 0 split "$TMP/imu.anne" "$TMP/f.anne" "$TMP/h.anne"
stdout_has "the frozen part: 4 ops, 32 outputs"
run 0 split "$TMP/trained.anne" "$TMP/f2.anne" "$TMP/h2.anne"
cmp -s "$TMP/f.anne" "$TMP/f2.anne" || fail "training changed the frozen part"
cmp -s "$TMP/h.anne" "$TMP/h2.anne" && fail "training left the head unchanged"
run 0 predict "$TMP/f.anne" "$TMP/data.csv" --label label
cut -d, -f1-32 "$TMP/out" >"$TMP/features"
cut -d, -f769 "$TMP/data.csv" | paste -d, "$TMP/features" - >"$TMP/head.csv"
run 0 train "$TMP/head.csv" --label label --init "$TMP/h.anne" -o "$TMP/head_trained.anne" --epochs 20 --lr 0.01 --seed 3
cmp -s "$TMP/head_trained.anne" "$TMP/h2.anne" ||
    fail "the head trained inside the graph differs from the head trained alone on the frozen part's features"

# refusals, nothing written
run 1 split "$G/residual/model.json" "$TMP/no_f.anne" "$TMP/no_h.anne"
stderr_has "there is no dense head to train"
run 1 split tests/data/cli_binary.json "$TMP/no_f.anne" "$TMP/no_h.anne"
stderr_has "a dense model: nothing to split"
[ ! -e "$TMP/no_f.anne" ] && [ ! -e "$TMP/no_h.anne" ] || fail "a refused split wrote a file"
run 1 train "$TMP/data.csv" --label label --init "$G/residual/model.json" -o "$TMP/no.anne"
stderr_has "there is no dense head to train"
[ ! -e "$TMP/no.anne" ] || fail "a refused training wrote a file"

finish "train on graph models: frozen part kept, head as trained alone, refusals"
