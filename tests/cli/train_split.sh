#!/usr/bin/env bash
# Held-out rows and early stopping: --split's count (round to nearest, at least one row in each part:
# 0.2 of 900 rows is 180, 0.1 of 10 is 1), `anne split DATA.csv TRAIN TEST --test F --seed S` writing
# exactly the rows `anne train --split F --seed S` holds out (training on the two files gives the same
# model bytes), and --patience: training stops N epochs after the lowest val_loss, and the model written
# is that epoch's (anne eval on the held-out rows gives its val_loss again, not the last epoch's).
. "$(dirname "$0")/lib/common.sh"

# rows: a,b,y with y = [a + b > 1]
rows() {
    awk -v n="$1" -v s="$2" 'BEGIN { srand(s); print "a,b,y"; for (i = 0; i < n; i++) { a = rand(); b = rand()
        printf "%.6f,%.6f,%d\n", a, b, (a + b > 1) } }'
}
rows 900 1 >"$TMP/d900.csv"
rows 10 2 >"$TMP/d10.csv"
rows 3 3 >"$TMP/d3.csv"

# --- the counts: train --split and anne split agree -------------------------------------------------
# check_count DATA F WANT_HELD
check_count() {
    local total=$(($(wc -l <"$1") - 1))
    run 0 train "$1" --label y --layers 2:relu,1:sigmoid --epochs 1 --split "$2" --json -o "$TMP/c.anne"
    [ "$(json_value n_validation)" = "$3" ] || fail "train --split $2 of $total rows held out $(json_value n_validation), expected $3"
    [ "$(json_value n_train)" = $((total - $3)) ] || fail "train --split $2 of $total rows kept $(json_value n_train)"
    run 0 split "$1" "$TMP/tr.csv" "$TMP/te.csv" --test "$2"
    [ $(($(wc -l <"$TMP/te.csv") - 1)) -eq "$3" ] || fail "split --test $2 of $total rows wrote $(($(wc -l <"$TMP/te.csv") - 1)) test rows, expected $3"
    [ $(($(wc -l <"$TMP/tr.csv") - 1)) -eq $((total - $3)) ] || fail "split --test $2 of $total rows: wrong train count"
}
check_count "$TMP/d900.csv" 0.2 180
check_count "$TMP/d10.csv" 0.1 1
check_count "$TMP/d10.csv" 0.25 3  # 2.5: halves up
check_count "$TMP/d3.csv" 0.9 2    # one row stays in training
check_count "$TMP/d900.csv" 0.001 1 # 0.9: at least one held out

# the same rows: the header, every row once, and training on the files gives train --split's model
run 0 split "$TMP/d900.csv" "$TMP/tr.csv" "$TMP/te.csv" --test 0.2 --seed 7
stdout_has "wrote $TMP/tr.csv (720 rows) and $TMP/te.csv (180 rows)"
[ "$(head -n 1 "$TMP/te.csv")" = "a,b,y" ] && [ "$(head -n 1 "$TMP/tr.csv")" = "a,b,y" ] || fail "split lost the header"
[ "$( (tail -n +2 "$TMP/tr.csv"; tail -n +2 "$TMP/te.csv") | sort)" = "$(tail -n +2 "$TMP/d900.csv" | sort)" ] ||
    fail "the two parts are not the rows of the file"
run 0 train "$TMP/d900.csv" --label y --layers 4:relu,1:sigmoid --epochs 3 --split 0.2 --seed 7 -o "$TMP/s1.anne"
run 0 train "$TMP/tr.csv" --label y --layers 4:relu,1:sigmoid --epochs 3 --validation "$TMP/te.csv" --seed 7 \
    -o "$TMP/s2.anne"
cmp -s "$TMP/s1.anne" "$TMP/s2.anne" || fail "training on anne split's files differs from train --split"
run 0 split "$TMP/d900.csv" "$TMP/tr8.csv" "$TMP/te8.csv" --test 0.2 --seed 8
cmp -s "$TMP/te.csv" "$TMP/te8.csv" && fail "seeds 7 and 8 held out the same rows"

# text that needs quoting survives the round trip
printf 'name,x,y\n"a, b",1,0\n" c",2,1\n"say ""hi""",3,0\nplain,4,1\n' >"$TMP/q.csv"
run 0 split "$TMP/q.csv" "$TMP/qa.csv" "$TMP/qb.csv" --test 0.5 --seed 1
[ "$( (tail -n +2 "$TMP/qa.csv"; tail -n +2 "$TMP/qb.csv") | sort)" = "$(tail -n +2 "$TMP/q.csv" | sort)" ] ||
    fail "quoted fields changed: $(cat "$TMP/qa.csv" "$TMP/qb.csv")"

# usage and errors; the model split still answers as before
run 2 split "$TMP/d10.csv" "$TMP/a.csv" "$TMP/b.csv" --test 1.5
stderr_has "--test needs a fraction between 0 and 1, got \"1.5\""
run 2 split "$TMP/d10.csv" "$TMP/a.csv" --test 0.5
stderr_has "needs DATA.csv, TRAIN.csv and TEST.csv"
run 2 split "$TMP/d10.csv" "$TMP/a.csv" "$TMP/b.csv"
stderr_has "splitting data needs --test F"
printf 'a,y\n1,0\n' >"$TMP/one.csv"
run 1 split "$TMP/one.csv" "$TMP/a.csv" "$TMP/b.csv" --test 0.5
stderr_is "anne split: $TMP/one.csv: splitting needs at least 2 rows, the data has 1"
[ -e "$TMP/a.csv" ] || [ -e "$TMP/b.csv" ] && fail "a failed split wrote a file"
run 1 split tests/data/cli_3class.json "$TMP/f.anne" "$TMP/h.anne"
stderr_has "a dense model: nothing to split"

# --- --patience -------------------------------------------------------------------------------------
# y = sin(x) + noise, as TFLM's hello-world trains; a large learning rate makes val_loss wander, so that
# the lowest comes well before the end
awk 'BEGIN { srand(7); print "x,y"; for (i = 0; i < 300; i++) { x = rand() * 6.283185307179586
    printf "%.9g,%.9g\n", x, sin(x) + 0.1 * (rand() - 0.5) } }' >"$TMP/sine.csv"
run 0 train "$TMP/sine.csv" --label y --layers 16:relu,16:relu,1:linear --epochs 400 --lr 0.01 --split 0.2 --seed 1 \
    --patience 5 --history "$TMP/h.csv" --json -o "$TMP/p.anne"
best=$(json_value best_epoch)
ran=$(json_value epochs_run)
hist_rows=$(($(wc -l <"$TMP/h.csv") - 1))
[ "$hist_rows" -eq "$ran" ] || fail "the history has $hist_rows epochs, the run $ran"
[ "$ran" -lt 400 ] || fail "--patience 5 never stopped (ran $ran epochs)"
[ "$ran" -eq $((best + 5)) ] || fail "stopped after epoch $ran, 5 after the best ($best) is $((best + 5))"
# the best epoch is the history's lowest val_loss (the first of equals), and every later one is higher
want=$(tail -n +2 "$TMP/h.csv" | awk -F, 'NR == 1 || $3 < m { m = $3; e = $1 } END { print e }')
[ "$best" = "$want" ] || fail "best_epoch $best, the history's lowest val_loss is epoch $want"
best_loss=$(awk -F, -v e="$best" '$1 == e { print $3 }' "$TMP/h.csv")
last_loss=$(tail -n 1 "$TMP/h.csv" | cut -d, -f3)
awk -v a="$best_loss" -v b="$last_loss" 'BEGIN { exit !(b - a > 1e-5) }' ||
    fail "the last epoch's val_loss $last_loss is too close to the best's $best_loss to tell them apart"
close_to() { # NAME GOT WANT TOL
    awk -v a="$2" -v b="$3" -v t="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }' ||
        fail "$1 is $2, expected $3 (within $4)"
}
close_to "the reported val_loss" "$(json_value val_loss)" "$best_loss" 5e-7
# the model is the best epoch's: its mean squared error on the held-out rows is that epoch's val_loss
run 0 split "$TMP/sine.csv" "$TMP/str.csv" "$TMP/ste.csv" --test 0.2 --seed 1
run 0 eval "$TMP/p.anne" "$TMP/ste.csv" --label y --json
mse=$(awk -v r="$(json_value rmse)" 'BEGIN { printf "%.9f", r * r }')
close_to "the written model's MSE on the held-out rows" "$mse" "$best_loss" 1e-6
echo "--patience 5: stopped after epoch $ran, kept epoch $best (val_loss $best_loss; last $last_loss)"

# text output names both epochs
run 0 train "$TMP/sine.csv" --label y --layers 16:relu,16:relu,1:linear --epochs 400 --lr 0.01 --split 0.2 --seed 1 \
    --patience 5 --quiet -o "$TMP/p2.anne"
stdout_has "stopped after epoch $ran"
stdout_has "restored the weights of epoch $best"
cmp -s "$TMP/p.anne" "$TMP/p2.anne" || fail "the same run gave another model"
# a patience longer than the run: every epoch runs, the best one is still kept
run 0 train "$TMP/sine.csv" --label y --layers 16:relu,16:relu,1:linear --epochs 20 --lr 0.01 --split 0.2 --seed 1 \
    --patience 100 --json --history "$TMP/h20.csv" -o "$TMP/p3.anne"
[ "$(json_value epochs_run)" = 20 ] || fail "--patience 100 of 20 epochs ran $(json_value epochs_run)"
want=$(tail -n +2 "$TMP/h20.csv" | awk -F, 'NR == 1 || $3 < m { m = $3; e = $1 } END { print e }')
[ "$(json_value best_epoch)" = "$want" ] || fail "20 epochs: best_epoch $(json_value best_epoch), expected $want"
run 2 train "$TMP/sine.csv" --label y --layers 1:linear --patience 3 -o "$TMP/x.anne"
stderr_has "--patience needs validation rows: --validation FILE or --split F"
run 2 train "$TMP/sine.csv" --label y --layers 1:linear --patience 0 --split 0.2 -o "$TMP/x.anne"
stderr_has "--patience needs an integer >= 1, got \"0\""

finish "train_split: --split counts, anne split's files, --patience"
