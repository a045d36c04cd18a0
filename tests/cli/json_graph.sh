#!/usr/bin/env bash
# Graph models as ANNE JSON from the command line (docs/anne-json.md, "Graph models"): every TF.js graph
# model of tests/data/tfjs_graph goes `anne convert model.json out.json`, then `anne convert out.json
# out.anne`, to the bytes `anne convert model.json direct.anne` writes, and .anne -> .json -> .anne keeps
# them too (the recurrent models among them); the documented example predicts its two classes; a bad graph is an error naming the op.
. "$(dirname "$0")/lib/common.sh"

DATA=tests/data
n=0
for dir in "$DATA"/tfjs_graph/*/; do
    model=$(basename "$dir")
    [ -f "$dir/model.json" ] || continue
    n=$((n + 1))
    run 0 convert "$dir/model.json" "$TMP/direct.anne"
    run 0 convert "$dir/model.json" "$TMP/out.json"
    grep -qF '"ops": [' "$TMP/out.json" || fail "$model: out.json has no ops"
    run 0 convert "$TMP/out.json" "$TMP/out.anne"
    cmp -s "$TMP/direct.anne" "$TMP/out.anne" || fail "$model: model.json -> .json -> .anne differs from model.json -> .anne"
    run 0 convert "$TMP/direct.anne" "$TMP/back.json"
    run 0 convert "$TMP/back.json" "$TMP/back.anne"
    cmp -s "$TMP/direct.anne" "$TMP/back.anne" || fail "$model: .anne -> .json -> .anne changed the bytes"
done
[ "$n" -ge 76 ] || fail "only $n TF.js graph models found in $DATA/tfjs_graph"

# the example: a vertical and a horizontal edge (the numbers are worked out in tests/test_json_graph.c)
printf 'p0,p1,p2,p3,p4,p5,p6,p7,p8,p9,p10,p11,p12,p13,p14,p15\n1,1,0,0,1,1,0,0,1,1,0,0,1,1,0,0\n1,1,1,1,1,1,1,1,0,0,0,0,0,0,0,0\n' \
    >"$TMP/edges.csv"
run 0 predict "$DATA/json_graph_example.json" "$TMP/edges.csv"
stdout_has "0.997527421,0.00247262325,0,vertical"
stdout_has "0.00247262325,0.997527421,1,horizontal"

# a bad graph: exit 1, the op and the setting named, no output written
printf '{"input": {"shape": [4, 4, 1]}, "ops": [{"op": "max_pool2d", "name": "pool", "pool_size": [5, 5]}]}\n' \
    >"$TMP/bad.json"
run 1 convert "$TMP/bad.json" "$TMP/bad.anne"
stderr_has "anne convert: $TMP/bad.json: op 1 (\"pool\"): the window spans 5 rows but the input has 4"
[ -e "$TMP/bad.anne" ] && fail "a failed convert wrote an output"

finish "$n TF.js graph models round-trip through ANNE JSON from the command line"
