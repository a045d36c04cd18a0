#!/usr/bin/env bash
# `anne convert` and `anne info` from the outside: exit codes, messages on stderr, no half-written
# output, and info's figures against numbers computed by hand for tests/data/json_iris_example.json.
. "$(dirname "$0")/lib/common.sh"

DATA=tests/data

# --- --help on both commands: usage on stdout, exit 0 ----------------------------------------------
run 0 convert --help
stdout_has "usage: anne convert IN OUT"
[ -s "$TMP/err" ] && fail "convert --help wrote to stderr"
run 0 info --help
stdout_has "usage: anne info MODEL"

# --- usage errors: exit 2 ----------------------------------------------------------------------------
run 2 convert --frobnicate "$DATA/json_iris_example.json" "$TMP/x.anne"
stderr_has "anne convert: unknown option '--frobnicate'"
[ -e "$TMP/x.anne" ] && fail "a usage error wrote an output"
run 2 convert "$DATA/json_iris_example.json"
stderr_has "anne convert: expected IN and OUT"
run 2 info --frobnicate
stderr_has "anne info: unknown option '--frobnicate'"
run 2 info
stderr_has "anne info: expected MODEL"
# an option's value missing at the end; "--" ends the options
run 2 convert "$DATA/json_iris_example.json" "$TMP/x.anne" --weights
stderr_has "anne convert: --weights needs a file"
[ -e "$TMP/x.anne" ] && fail "a usage error wrote an output"
run 2 convert "$DATA/json_iris_example.json" "$TMP/x.anne" --name
stderr_has "anne convert: --name needs a value"
run 0 info -- "$DATA/json_iris_example.json"
stdout_has "iris"

# --- a good conversion -----------------------------------------------------------------------------------
run 0 convert "$DATA/json_iris_example.json" "$TMP/model.anne"
stdout_has "wrote $TMP/model.anne"
stdout_has "2 layers, 13 parameters"
head -c 4 "$TMP/model.anne" | grep -q '^ANNE$' || fail "model.anne does not start with the magic ANNE"
size=$(wc -c <"$TMP/model.anne")
stdout_has "$size bytes"

# .anne -> .json -> .anne gives the same bytes; --name changes only the name
run 0 convert "$TMP/model.anne" "$TMP/back.json"
grep -qF '"kernel": [' "$TMP/back.json" || fail "back.json has no kernel"
grep -qF '[0.1, 0.2],' "$TMP/back.json" || fail "back.json's kernel is not in Keras' inputs x units layout"
run 0 convert "$TMP/back.json" "$TMP/again.anne"
cmp -s "$TMP/model.anne" "$TMP/again.anne" || fail ".anne -> .json -> .anne changed the bytes"
run 0 convert "$TMP/back.json" "$TMP/renamed.json" --name "renamed model"
grep -qF '"name": "renamed model"' "$TMP/renamed.json" || fail "--name did not rename"

# --- failures: exit 1, message prefixed, OUT neither created nor clobbered -------------------------------
run 1 convert "$TMP/missing.json" "$TMP/out.anne"
stderr_has "anne convert: $TMP/missing.json: cannot open"
[ -e "$TMP/out.anne" ] && fail "a failed convert created OUT"

printf '{"layers": [{"activation": "relux", "kernel": [[1]]}]}\n' >"$TMP/badact.json"
run 1 convert "$TMP/badact.json" "$TMP/out.anne"
stderr_has "anne convert: $TMP/badact.json: layer 1: unknown activation \"relux\" (known: linear, relu,"
[ -e "$TMP/out.anne" ] && fail "a failed convert created OUT"

printf '{\n  "layers": [\n    {"kernel": [[1, 2]]\n  ]\n}\n' >"$TMP/badsyntax.json"
run 1 convert "$TMP/badsyntax.json" "$TMP/out.anne"
stderr_has "anne convert: $TMP/badsyntax.json: line 4, column 3: invalid JSON"

printf '{"layers": [{"kernel": [[1]], "activaton": "relu"}]}\n' >"$TMP/typo.json"
run 1 convert "$TMP/typo.json" "$TMP/out.anne"
stderr_has 'layer 1: unknown key "activaton"'
stderr_has 'did you mean "activation"?'

# JSON that is no model format at all (a package.json, a config file): what was expected, not a key error
printf '{"name": "my-app", "version": "1.0.0"}\n' >"$TMP/package.json"
run 1 convert "$TMP/package.json" "$TMP/out.anne"
stderr_has "anne convert: $TMP/package.json: not a model file ANNE knows (expected ANNE JSON, a Keras to_json() architecture or a TensorFlow.js model.json)"
run 1 convert --check "$TMP/package.json"
stderr_has "not a model file ANNE knows"

printf 'keep me\n' >"$TMP/existing.anne"
run 1 convert "$TMP/badact.json" "$TMP/existing.anne"
[ "$(cat "$TMP/existing.anne")" = "keep me" ] || fail "a failed convert clobbered an existing OUT"
run 1 convert "$TMP/badact.json" "$TMP/existing.json"
[ -e "$TMP/existing.json" ] && fail "a failed convert to .json created OUT"
leftovers=$(find "$TMP" -name '*.tmp*' | wc -l)
[ "$leftovers" -eq 0 ] || fail "temporary files left behind: $(find "$TMP" -name '*.tmp*')"

# --- info: figures computed by hand for json_iris_example.json (4 -> 2 relu -> 1 sigmoid) ----------------
#   parameters: 4*2 + 2 (bias) + 2*1 + 1 (bias) = 13;  MACs: 8 + 2 = 10;  weight bytes: 13 * 4 = 52
#   arena: widest adjacent pair of activation buffers = max(4 + 2, 2 + 1) = 6 floats = 24 bytes
for model in "$DATA/json_iris_example.json" "$TMP/model.anne"; do
    run 0 info "$model"
    stdout_has 'Model: "iris_8_neurons"'
    grep -Eq '^Parameters: +13$' "$TMP/out" || fail "info $model: parameters are not 13"
    grep -Eq '^MACs: +10 ' "$TMP/out" || fail "info $model: MACs are not 10"
    grep -Eq '^Weight bytes: +52$' "$TMP/out" || fail "info $model: weight bytes are not 52"
    grep -Eq '^Arena bytes: +24 ' "$TMP/out" || fail "info $model: arena bytes are not 24"
    grep -Eq "^File bytes: +$size " "$TMP/out" || fail "info $model: file bytes are not $size"
    grep -Eq '^1 +dense +relu +4 +2 +10 +8 +40 +f32$' "$TMP/out" || fail "info $model: layer 1 row is wrong"
    grep -Eq '^2 +dense +sigmoid +2 +1 +3 +2 +12 +f32$' "$TMP/out" || fail "info $model: layer 2 row is wrong"
    stdout_has "Input scaling: standardize, mean [6.262, 2.872, 4.906, 1.676], std [0.6595, 0.3311, 0.8214, 0.4226]"
    stdout_has "Classes:       versicolor, virginica"
done

# a prelu layer (3 -> 2 prelu -> 1): its two alphas are parameters and stored weights, as Keras counts
#   parameters: (6+2) + 2 alphas + (2+1) = 13; weight bytes: 13 * 4 = 52
printf '{"layers": [{"kernel": [[1, 4], [2, 5], [3, 6]], "bias": [0, 1], "activation": "prelu", "alpha": [0.25, 0.5]},
  {"kernel": [[1], [-1]], "bias": [2]}]}\n' >"$TMP/prelu.json"
run 0 info "$TMP/prelu.json"
grep -Eq '^Parameters: +13$' "$TMP/out" || fail "info prelu: parameters are not 13 (alphas counted)"
grep -Eq '^Weight bytes: +52$' "$TMP/out" || fail "info prelu: weight bytes are not 52"

# the second data model, by hand: 3 -> 3 leaky_relu -> 2 relu6 -> 4 elu -> 2 softmax
#   parameters: (9+3) + 6 + (8+4) + 8 = 38; MACs: 9+6+8+8 = 31; arena: max(3+3, 3+2, 2+4, 4+2) * 4 = 24
run 0 info "$DATA/json_minmax_params.json"
grep -Eq '^Parameters: +38$' "$TMP/out" || fail "info minmax: parameters are not 38"
grep -Eq '^MACs: +31 ' "$TMP/out" || fail "info minmax: MACs are not 31"
stdout_has "leaky_relu(alpha=0.01)"
stdout_has "relu(max_value=6)"
stdout_has "elu(alpha=0.5)"
stdout_has "Input scaling: minmax, min [0, -1, 10], max [1, 1, 20]"

# --- info --json: the keys and the same figures ----------------------------------------------------------
run 0 info "$DATA/json_iris_example.json" --json
for key in name inputs outputs layers index type activation units parameters macs weight_bytes dtype \
    arena_bytes file_bytes scaling classes format_version; do
    grep -Eq "\"$key\":" "$TMP/out" || fail "info --json lacks the key \"$key\""
done
flat=$(tr -d ' \t\n' <"$TMP/out")
for pair in '"parameters":13,"macs":10,"weight_bytes":52,"arena_bytes":24' '"inputs":4,"outputs":1' \
    '"name":"iris_8_neurons"' '"classes":["versicolor","virginica"]' \
    '"kind":"standardize","mean":[6.262,2.872,4.906,1.676]' \
    '"index":1,"type":"dense","activation":"relu","negative_slope":0,"max_value":null,"threshold":0,"inputs":4,"units":2'; do
    case "$flat" in
    *"$pair"*) ;;
    *) fail "info --json lacks $pair" ;;
    esac
done
# strings are escaped: a name with a quote and a backslash stays valid JSON
run 0 convert "$DATA/json_iris_example.json" "$TMP/q.anne" --name 'say "hi" \ bye'
run 0 info "$TMP/q.anne" --json
grep -qF '"name":	"say \"hi\" \\ bye"' "$TMP/out" || fail "info --json did not escape the name: $(grep name "$TMP/out" | head -1)"

run 1 info "$TMP/badact.json"
stderr_has "anne info: $TMP/badact.json: layer 1: unknown activation \"relux\""
run 1 info "$TMP/missing.anne"
stderr_has "anne info: $TMP/missing.anne: cannot open"

finish "convert/info: all checks passed"
