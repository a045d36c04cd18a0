#!/usr/bin/env bash
# `anne plot` and `anne draw` from the outside: every picture is well-formed XML (xmllint when present)
# and renders (rsvg-convert, librsvg2-bin), and what it shows is checked against references made here:
# a polyline per history column with a point per epoch, inside its axes, the lowest val_loss (found by
# awk in the CSV) circled; a dense network's circles and lines counted from `anne info --json`, each
# line's weight and colour against the model's JSON, int8 weights dequantized close to the floats;
# a graph's boxes and arrows counted from `anne info --json`; hostile names shown as text; errors
# named, and nothing written on failure.
. "$(dirname "$0")/lib/common.sh"

if ! command -v rsvg-convert >/dev/null 2>&1; then
    echo "SKIP: rsvg-convert is missing (Debian: apt-get install librsvg2-bin)"
    exit 77
fi

# svg_ok FILE: well-formed (xmllint, else librsvg's own XML parser) and rendered to FILE.png at the
# size the svg element gives
svg_ok() {
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$1" 2>"$TMP/xmllint" || fail "$1 is not well-formed XML: $(head -c 300 "$TMP/xmllint")"
    fi
    if ! rsvg-convert "$1" -o "$1.png" 2>"$TMP/rsvg"; then
        fail "rsvg-convert cannot render $1: $(head -c 300 "$TMP/rsvg")"
        return
    fi
    local w h pw ph
    w=$(grep -o '<svg [^>]*' "$1" | grep -o ' width="[0-9]*"' | grep -o '[0-9]*')
    h=$(grep -o '<svg [^>]*' "$1" | grep -o ' height="[0-9]*"' | grep -o '[0-9]*')
    pw=$(od -An -tu1 -j16 -N4 "$1.png" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
    ph=$(od -An -tu1 -j20 -N4 "$1.png" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
    [ "$pw" = "$w" ] && [ "$ph" = "$h" ] || fail "$1.png is ${pw}x$ph, the svg says ${w}x$h"
}

# count PATTERN FILE: lines of FILE matching the extended regex (every element is on a line of its own)
count() {
    grep -cE -- "$1" "$2"
}

# --- anne plot: a history of anne train ----------------------------------------------------------------
awk 'BEGIN { srand(7); print "x,y,label";
    for (i = 0; i < 240; i++) { x = rand() * 4 - 2; y = rand() * 4 - 2; print x "," y "," ((x + 2 * y + rand() - 0.5 > 1) ? 1 : 0) } }' \
    >"$TMP/data.csv"
run 0 train "$TMP/data.csv" --label label --layers 6:relu,1:sigmoid --epochs 25 --lr 0.05 --split 0.3 --seed 3 \
    --history "$TMP/h.csv" -o "$TMP/m.anne" --quiet
EPOCHS=$(($(wc -l <"$TMP/h.csv") - 1))
[ "$EPOCHS" -eq 25 ] || fail "the history has $EPOCHS epochs, expected 25"
run 0 plot "$TMP/h.csv" -o "$TMP/h.svg"
svg_ok "$TMP/h.svg"

# series_points NAME FILE: the points of the polyline of column NAME, one "x y" a line
series_points() {
    grep -F "<polyline data-series=\"$1\"" "$2" | sed 's/.* points="\([^"]*\)".*/\1/' | tr ' ' '\n' | tr ',' ' '
}
for col in loss accuracy val_loss val_accuracy; do
    n=$(series_points "$col" "$TMP/h.svg" | grep -c .)
    [ "$n" -eq "$EPOCHS" ] || fail "plot: the $col line has $n points, expected $EPOCHS"
done
[ "$(count '<rect class="axes"' "$TMP/h.svg")" -eq 2 ] || fail "plot: expected two panels (loss, accuracy)"

# every point inside the axes of its panel: the frame written before its polylines
awk '/<rect class="axes"/ {
        match($0, /x="[-0-9.]+"/); x0 = substr($0, RSTART + 3, RLENGTH - 4) + 0
        match($0, /y="[-0-9.]+"/); y0 = substr($0, RSTART + 3, RLENGTH - 4) + 0
        match($0, /width="[-0-9.]+"/); x1 = x0 + substr($0, RSTART + 7, RLENGTH - 8)
        match($0, /height="[-0-9.]+"/); y1 = y0 + substr($0, RSTART + 8, RLENGTH - 9)
    }
    /<polyline/ {
        match($0, /points="[^"]*"/); n = split(substr($0, RSTART + 8, RLENGTH - 9), p, /[ ,]/)
        for (i = 1; i < n; i += 2)
            if (p[i] < x0 - 0.01 || p[i] > x1 + 0.01 || p[i + 1] < y0 - 0.01 || p[i + 1] > y1 + 0.01) bad++
    }
    END { exit bad > 0 }' "$TMP/h.svg" || fail "plot: a point lies outside its axes"

# the best epoch: the first lowest val_loss of the CSV, the lowest point of the val_loss line (the
# largest y on screen: the mapping is checked, not only the label), and the circled point
col=$(head -n 1 "$TMP/h.csv" | tr ',' '\n' | grep -nx val_loss | cut -d: -f1)
best=$(awk -F, -v c="$col" 'NR > 1 && (NR == 2 || $c < m) { m = $c; e = $1 } END { print e }' "$TMP/h.csv")
low=$(series_points val_loss "$TMP/h.svg" | awk '$2 > y || NR == 1 { y = $2; k = NR } END { print k }')
[ "$low" = "$best" ] || fail "plot: the val_loss line is lowest at point $low, the CSV at epoch $best"
grep -qF "lowest val_loss" "$TMP/h.svg" && grep -qF "at epoch $best (circled)" "$TMP/h.svg" ||
    fail "plot: the subtitle does not name epoch $best"
cx=$(series_points val_loss "$TMP/h.svg" | sed -n "${best}p" | cut -d' ' -f1)
grep -q "<circle class=\"best\" cx=\"$cx\"" "$TMP/h.svg" || fail "plot: no circle at the best epoch's x ($cx)"
[ "$(count '<line class="best"' "$TMP/h.svg")" -eq 2 ] || fail "plot: the best epoch is not marked in both panels"

# no validation: no val_ lines and no best epoch; a regression history: one panel
cut -d, -f1-3 "$TMP/h.csv" >"$TMP/noval.csv"
run 0 plot "$TMP/noval.csv" -o "$TMP/noval.svg"
svg_ok "$TMP/noval.svg"
[ "$(count 'data-series="val_' "$TMP/noval.svg")" -eq 0 ] || fail "plot: validation lines without validation"
[ "$(count 'class="best"' "$TMP/noval.svg")" -eq 0 ] || fail "plot: a best epoch without validation"
cut -d, -f1,2,4 "$TMP/h.csv" >"$TMP/reg.csv"
run 0 plot "$TMP/reg.csv" -o "$TMP/reg.svg" --title 'regression'
svg_ok "$TMP/reg.svg"
[ "$(count '<rect class="axes"' "$TMP/reg.svg")" -eq 1 ] || fail "plot: a loss-only history has more than one panel"

# Keras' CSVLogger: epochs from 0, columns in another order, a hostile column name and title
printf 'epoch,accuracy,loss,<b>&"x",val_loss\n0,0.5,0.9,1,1.0\n1,0.7,0.6,2,0.8\n2,0.8,0.5,3,0.85\n' >"$TMP/keras.csv"
run 0 plot "$TMP/keras.csv" -o "$TMP/keras.svg" --title '<script>alert("t")</script>'
svg_ok "$TMP/keras.svg"
grep -qF '<script' "$TMP/keras.svg" && fail "plot: the title is markup, not text"
grep -qF '&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;' "$TMP/keras.svg" || fail "plot: the title is not escaped"
grep -qF 'data-series="&lt;b&gt;&amp;&quot;x&quot;"' "$TMP/keras.svg" || fail "plot: the column name is not escaped"
grep -qF "at epoch 1 (circled)" "$TMP/keras.svg" || fail "plot: Keras history: best epoch is not 1"

# epochs 16 apart near 1e17, where a tick step of 2 is below the spacing of doubles: no endless loop
printf 'epoch,loss\n100000000000000000,1\n100000000000000016,2\n' >"$TMP/far.csv"
timeout 20 "$ANNE" plot "$TMP/far.csv" -o "$TMP/far.svg" >/dev/null 2>&1 || fail "plot: epochs near 1e17 (hang or failure)"
svg_ok "$TMP/far.svg"

# errors: named, exit 1 (usage: 2), and no output
printf 'epoch,loss\n1,0.5\n2,abc\n' >"$TMP/bad.csv"
run 1 plot "$TMP/bad.csv" -o "$TMP/bad.svg"
stderr_is "anne plot: $TMP/bad.csv: line 3, column \"loss\": \"abc\" is not a number"
printf 'epoch,loss\n2,0.5\n1,0.4\n' >"$TMP/order.csv"
run 1 plot "$TMP/order.csv" -o "$TMP/bad.svg"
stderr_is "anne plot: $TMP/order.csv: line 3: epoch 1 after epoch 2, expected increasing epochs"
printf 'epoch,loss\n' >"$TMP/empty.csv"
run 1 plot "$TMP/empty.csv" -o "$TMP/bad.svg"
stderr_has "no epochs"
printf 'epoch,loss\n1,1e200\n' >"$TMP/huge.csv"
run 1 plot "$TMP/huge.csv" -o "$TMP/bad.svg"
stderr_is "anne plot: $TMP/huge.csv: line 2, column \"loss\": 1e+200 is too large to plot (at most 1e+100)"
run 1 plot "$TMP/missing.csv" -o "$TMP/bad.svg"
stderr_has "$TMP/missing.csv"
[ -e "$TMP/bad.svg" ] && fail "plot: a failed run wrote its output"
run 2 plot "$TMP/h.csv"
stderr_has "needs -o OUT.svg"
cp "$TMP/h.svg" "$TMP/keep.svg"
run 1 plot "$TMP/bad.csv" -o "$TMP/keep.svg"
cmp -s "$TMP/h.svg" "$TMP/keep.svg" || fail "plot: a failed run changed an existing output"
ls -a "$TMP" | grep -q '\.tmp' && fail "plot: a temporary file was left behind"

# --- anne draw: dense networks -------------------------------------------------------------------------
IRIS=examples/iris/iris_8_neurons.json
run 0 draw "$IRIS" -o "$TMP/iris.svg"
svg_ok "$TMP/iris.svg"
run 0 info "$IRIS" --json
flat=$(tr -d ' \t\n' <"$TMP/out")
units=$(echo "$flat" | grep -o '"units":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s }')
inputs=$(echo "$flat" | grep -o '"inputs":[0-9]*' | head -n 1 | cut -d: -f2)
macs=$(echo "$flat" | grep -o '"macs":[0-9]*' | tail -n 1 | cut -d: -f2)
[ "$(count 'class="neuron"' "$TMP/iris.svg")" -eq $((inputs + units)) ] ||
    fail "draw: $(count 'class="neuron"' "$TMP/iris.svg") neurons, expected $inputs inputs + $units units"
[ "$(count 'class="weight"' "$TMP/iris.svg")" -eq "$macs" ] ||
    fail "draw: $(count 'class="weight"' "$TMP/iris.svg") lines, expected one per weight ($macs)"
grep -qF '>high: virginica<' "$TMP/iris.svg" && grep -qF '>low: versicolor<' "$TMP/iris.svg" ||
    fail "draw: the output is not labelled with the class names"
for a in relu sigmoid; do grep -qF "units, $a<" "$TMP/iris.svg" || fail "draw: no column labelled $a"; done

# each line's weight against the model's JSON (Keras' layout: kernel[input][unit]); its colour its sign
awk '/"kernel"/ { L++; s = $0; sub(/.*"kernel": \[\[/, "", s); sub(/\]\].*/, "", s)
        n = split(s, rows, /\], \[/)
        for (i = 1; i <= n; i++) { m = split(rows[i], v, /, /); for (j = 1; j <= m; j++) print L, j, i, v[j] } }' "$IRIS" |
    sort >"$TMP/ref_w"
sed -n 's/.*stroke="\([^"]*\)".*<title>layer \([0-9]*\), unit \([0-9]*\): w = \([^ ]*\) from [a-z]* *\([0-9]*\).*/\2 \3 \5 \4 \1/p' \
    "$TMP/iris.svg" | sed 's/ x\([0-9]\)/ \1/' | sort >"$TMP/got_w"
[ "$(wc -l <"$TMP/got_w")" -eq "$macs" ] || fail "draw: $(wc -l <"$TMP/got_w") weights read back from the titles, expected $macs"
join -j1 <(awk '{ print $1 "_" $2 "_" $3, $4 }' "$TMP/ref_w" | sort) <(awk '{ print $1 "_" $2 "_" $3, $4, $5 }' "$TMP/got_w" | sort) |
    awk -v blue="#1f77b4" -v orange="#e8710a" '{ d = $2 - $3; if (d < 0) d = -d; if (d > 6e-4 * ($2 < 0 ? -$2 : $2) + 1e-9) bad++
        if (($2 >= 0 ? blue : orange) != $4) bad++; n++ } END { exit !(n > 0 && bad == 0) }' ||
    fail "draw: the lines' weights or colours differ from $IRIS"

# Q16.16 and int8: the same lines, weights dequantized: Q16.16 to the 4 digits shown (one step of the
# last digit, as two values that close may round apart), int8 within
# half a step of its scale (the largest |w| / 127 here)
weights() { # SVG: "layer_unit_from w" per line, sorted
    sed -n 's/.*<title>layer \([0-9]*\), unit \([0-9]*\): w = \([^ ]*\) from \(.*\)<\/title>.*/\1_\2_\4 \3/p' "$1" |
        tr ' ' '|' | sed 's/|\([^|]*\)$/ \1/' | sort
}
weights "$TMP/iris.svg" >"$TMP/f32_w"
for fmt in q16:Q16.16:0.0011 int8:int8:0.03; do
    IFS=: read -r to name tol <<<"$fmt"
    run 0 quantize "$IRIS" "$TMP/iris_$to.anne" --to "$to" --calib examples/iris/iris_train.csv --label Species
    run 0 draw "$TMP/iris_$to.anne" -o "$TMP/iris_$to.svg"
    svg_ok "$TMP/iris_$to.svg"
    grep -qF "dequantized from $name" "$TMP/iris_$to.svg" || fail "draw: the $name legend"
    weights "$TMP/iris_$to.svg" >"$TMP/q_w"
    join "$TMP/f32_w" "$TMP/q_w" | awk -v m="$macs" -v tol="$tol" '{ d = $2 - $3; if (d < 0) d = -d; if (d > tol) bad++; n++ }
        END { exit !(n == m && bad == 0) }' || fail "draw: $name weights are not the float weights dequantized"
done

# a layer of 40 units: the first 10 and the last 3 drawn, an ellipsis, a note
run 0 train "$TMP/data.csv" --label label --layers 40:relu,1:sigmoid --epochs 1 -o "$TMP/wide.anne" --quiet
run 0 draw "$TMP/wide.anne" -o "$TMP/wide.svg"
svg_ok "$TMP/wide.svg"
[ "$(count 'class="neuron"' "$TMP/wide.svg")" -eq $((2 + 13 + 1)) ] || fail "draw: a 40-unit layer is not shortened to 13 circles"
[ "$(count 'class="ellipsis"' "$TMP/wide.svg")" -eq 3 ] || fail "draw: no ellipsis in the 40-unit column"
[ "$(count 'class="weight"' "$TMP/wide.svg")" -eq $((2 * 13 + 13)) ] || fail "draw: lines to units not drawn"
grep -qF "first 10 and last 3 drawn" "$TMP/wide.svg" || fail "draw: no note under the shortened column"

# hostile class and model names are text: markup escaped, bytes that are not UTF-8 replaced
run 0 convert tests/data/cli_3class.json "$TMP/hostile.anne" --classes "<script>1</script>,a&b,$(printf 'bad\377\001')" \
    --name '"><svg onload=x>'
run 0 draw "$TMP/hostile.anne" -o "$TMP/hostile.svg"
svg_ok "$TMP/hostile.svg"
grep -qF '<script' "$TMP/hostile.svg" && fail "draw: a class name became markup"
grep -qF '<svg onload' "$TMP/hostile.svg" && fail "draw: the model name became markup"
grep -qF '&lt;script&gt;1&lt;/script&gt;' "$TMP/hostile.svg" || fail "draw: the class name is not shown escaped"
grep -qF 'a&amp;b' "$TMP/hostile.svg" || fail "draw: & is not escaped"
grep -qF "$(printf 'bad\357\277\275\357\277\275')" "$TMP/hostile.svg" || fail "draw: bytes that are not UTF-8 are not replaced"

# --- anne draw: graph models ----------------------------------------------------------------------------
# boxes: one per input and op; arrows: one per op input; both counted from anne info --json
check_graph() { # MODEL NAME
    run 0 draw "$1" -o "$TMP/$2.svg"
    svg_ok "$TMP/$2.svg"
    run 0 info "$1" --json
    local flat ops edges ins outs
    flat=$(tr -d ' \t\n' <"$TMP/out")
    ops=$(echo "$flat" | grep -o '"index":[0-9]*' | grep -c .)
    edges=$(echo "$flat" | grep -o '"input_tensors":\[[0-9,]*\]' | tr -cd ',]' | wc -c)
    ins=$(echo "$flat" | sed 's/.*"input_tensors":\[{\(.*\)"output_tensors".*/\1/' | grep -o '"tensor":' | wc -l)
    outs=$(echo "$flat" | sed 's/.*"output_tensors":\[{\(.*\)"ops".*/\1/' | grep -o '"tensor":' | wc -l)
    [ "$(count '<rect class="op"' "$TMP/$2.svg")" -eq "$ops" ] || fail "draw $2: $(count '<rect class="op"' "$TMP/$2.svg") op boxes, expected $ops"
    [ "$(count '<rect class="input"' "$TMP/$2.svg")" -eq "$ins" ] || fail "draw $2: expected $ins input boxes"
    [ "$(count 'class="edge"' "$TMP/$2.svg")" -eq "$edges" ] || fail "draw $2: $(count 'class="edge"' "$TMP/$2.svg") arrows, expected $edges"
    [ "$(count 'stroke-width="2.5"/>' "$TMP/$2.svg")" -eq "$outs" ] || fail "draw $2: expected $outs output boxes"
}
check_graph tests/data/json_graph_example.json example
grep -qF '>2x2 s1 valid<' "$TMP/example.svg" || fail "draw: the Conv2D's window is not shown"
grep -qF '>classes: vertical, horizontal<' "$TMP/example.svg" || fail "draw: the graph's class names are not shown"
check_graph tests/data/tfjs_graph/residual/model.json residual
check_graph tests/data/tflite_graph/cnn2d_small/model.tflite tflite
cat >"$TMP/multi.json" <<'EOF'
{
  "name": "two in, two out",
  "inputs": [{"name": "a", "shape": [3]}, {"name": "b", "shape": [2]}],
  "ops": [
    {"op": "dense", "name": "h", "inputs": ["a"], "units": 2, "activation": "relu", "kernel": [[1, 0], [0, 1], [0.5, -0.5]]},
    {"op": "dense", "name": "side", "inputs": ["b"], "units": 2, "kernel": [[1, -1], [0.5, 2]]},
    {"op": "concat", "name": "both", "inputs": ["h", "side"]},
    {"op": "dense", "name": "class", "units": 3, "activation": "softmax", "kernel": [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]},
    {"op": "dense", "name": "value", "inputs": ["both"], "units": 1, "kernel": [[1], [2], [3], [4]]}
  ],
  "outputs": ["class", "value"]
}
EOF
check_graph "$TMP/multi.json" multi
grep -qF '>output 0<' "$TMP/multi.svg" && grep -qF '>output 1<' "$TMP/multi.svg" || fail "draw: the two outputs are not tagged"

# a Keras file from ../shared (the same loader as anne info)
SHARED=${ANNE_SHARED_DIR:-../shared}
H5=$SHARED/fixtures/keras/k3_h5_iris_mit/iris_model.h5
if [ -f "$H5" ]; then
    run 0 draw "$H5" -o "$TMP/h5.svg"
    svg_ok "$TMP/h5.svg"
    run 0 info "$H5" --json
    units=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"units":[0-9]*' | cut -d: -f2 | awk '{ s += $1 } END { print s }')
    inputs=$(tr -d ' \t\n' <"$TMP/out" | grep -o '"inputs":[0-9]*' | head -n 1 | cut -d: -f2)
    [ "$(count 'class="neuron"' "$TMP/h5.svg")" -eq $((inputs + units)) ] || fail "draw: the Keras model's neurons"
else
    skip_part "$H5 is missing (the shared fixtures)"
fi

# errors
run 1 draw "$TMP/missing.anne" -o "$TMP/bad.svg"
stderr_has "anne draw: $TMP/missing.anne"
printf 'ANNE\001\002' >"$TMP/broken.anne"
run 1 draw "$TMP/broken.anne" -o "$TMP/bad.svg"
stderr_has "$TMP/broken.anne"
[ -e "$TMP/bad.svg" ] && fail "draw: a failed run wrote its output"
run 2 draw "$IRIS"
stderr_has "needs -o OUT.svg"

finish "plot and draw: pictures checked"
