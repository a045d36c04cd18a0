#!/usr/bin/env bash
# Accuracy against sparsity (docs/pruning.md): three networks pruned by magnitude to 0, 50, 75 and 90 %
# and by whole units (structured) to 50 %, each fine-tuned with `anne prune` on its training rows and
# scored on held-out rows. Prints a Markdown table and writes it as CSV to OUT.csv when given.
#   - the Pima diabetes network (8 -> 32 relu -> 16 relu -> 1 sigmoid, anne train, 150 epochs);
#   - the Keras iris fixture (4 -> 16 -> 16 -> 3, trained by Keras; ../shared), on iris.csv;
#   - a wider MLP 64 -> 64 -> 64 -> 10 on generated "digits" (8x8 class prototypes with noise).
# Usage: bench/run-prune-bench.sh [BUILD_DIR] [OUT.csv]
set -euo pipefail
. "$(dirname "$0")/common.sh"
anne_bench_setup anne "${1:-}"
csv_out=${2:-}
anne="$build/anne"
shared="${ANNE_SHARED_DIR:-$root/../shared}"

# Pima: anne split's 80/20 rows, a network trained here
"$anne" split "$shared/data/paper/diabetes.csv" "$out/pima_train.csv" "$out/pima_test.csv" --test 0.2 --seed 1 >/dev/null
"$anne" train "$out/pima_train.csv" --label Outcome --layers 32:relu,16:relu,1:sigmoid --standardize --epochs 150 \
    --quiet -o "$out/pima.anne" >/dev/null
# iris: the Keras fixture as trained, its 150 rows split 80/20
"$anne" split "$shared/fixtures/keras/k3_h5_iris_mit/iris.csv" "$out/iris_train.csv" "$out/iris_test.csv" --test 0.2 \
    --seed 1 >/dev/null
"$anne" convert "$shared/fixtures/keras/k3_h5_iris_mit/iris_model.h5" "$out/iris.anne" \
    --classes setosa,versicolor,virginica >/dev/null
# digits: 10 random 8x8 prototypes; a row is its class' prototype with noise and a few flipped pixels
awk 'BEGIN {
    srand(7);
    for (c = 0; c < 10; c++) for (p = 0; p < 64; p++) proto[c, p] = rand() < 0.4 ? 1 : 0;
    for (p = 0; p < 64; p++) printf "p%d,", p; print "digit";
    for (i = 0; i < 3000; i++) {
        c = int(rand() * 10);
        for (p = 0; p < 64; p++) {
            v = proto[c, p]; if (rand() < 0.3) v = 1 - v;
            printf "%.3f,", v * 16 + (rand() - 0.5) * 16;
        }
        print c;
    }
}' >"$out/digits.csv"
"$anne" split "$out/digits.csv" "$out/digits_train.csv" "$out/digits_test.csv" --test 0.2 --seed 1 >/dev/null
"$anne" train "$out/digits_train.csv" --label digit --layers 64:relu,64:relu,10:softmax --standardize --epochs 30 \
    --quiet -o "$out/digits.anne" >/dev/null

value() { tr -d ' \t\n' <"$1" | grep -o "\"$2\":[^,}]*" | head -n 1 | cut -d: -f2-; }

echo "model,mode,sparsity,params,zero_weights,accuracy_before,accuracy_after" >"$out/results.csv"
for m in pima:Outcome:20 iris:species:200 digits:digit:10; do
    IFS=: read -r name label epochs <<<"$m"
    for s in 0 0.5 0.75 0.9; do
        "$anne" prune "$out/$name.anne" "$out/p.anne" --sparsity $s --data "$out/${name}_train.csv" --label "$label" \
            --eval "$out/${name}_test.csv" --epochs "$epochs" --quiet --json >"$out/r.json"
        echo "$name,magnitude,$s,$(value "$out/r.json" params),$(value "$out/r.json" zero_weights),$(value "$out/r.json" before),$(value "$out/r.json" after)" >>"$out/results.csv"
    done
    for c in l1 activation; do
        "$anne" prune "$out/$name.anne" "$out/p.anne" --structured --criterion $c --sparsity 0.5 \
            --data "$out/${name}_train.csv" --label "$label" --eval "$out/${name}_test.csv" --epochs "$epochs" --quiet \
            --json >"$out/r.json"
        echo "$name,units ($c),0.5,$(value "$out/r.json" params),0,$(value "$out/r.json" before),$(value "$out/r.json" after)" >>"$out/results.csv"
    done
done
[ -n "$csv_out" ] && cp "$out/results.csv" "$csv_out"
awk -F, 'NR == 1 { print "| model | pruning | sparsity | parameters | zero weights | accuracy before | accuracy after |";
                   print "|---|---|---:|---:|---:|---:|---:|"; next }
         { printf "| %s | %s | %g %% | %d | %d | %.4f | %.4f |\n", $1, $2, $3 * 100, $4, $5, $6, $7 }' "$out/results.csv"
