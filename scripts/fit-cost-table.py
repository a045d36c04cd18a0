#!/usr/bin/env python3
"""Refits the cost table of `anne info --target` (tools/commands/anne_cost_fit.c) from a bench run.

    scripts/fit-cost-table.py [--records FILE.json] [--models DIR] [--anne ANNE] [-o FILE.c]

--records: bench/mcu-bench's records (default bench/mcu-baseline.json; a fresh run writes
build/mcu-bench/mcu-bench.json); --models: the models that run measured (bench/mcu-bench leaves them in
build/mcu-bench/models: NAME.anne, NAME__q16.anne, NAME__s8.anne; tests/cli/info_target.sh makes the
same ones); --anne: the anne binary (default build/anne); -o: where to write the table (default the
source file; "-" for stdout).

For each core and number format, the records of the float API (anne_model_predict, what bench_main.c
measures) whose model is in --models give one equation each: the counts `anne info MODEL --target CORE
--json` reports under target.cost_terms (per inference, input and output value, layer or op, op output
value, MACs per kernel kind, pooling window reads, exp-type activation values) times the unknown
cycles per count = the measured cycles_est. Solved by least squares on the relative error (every record
weighs alike, small or large), coefficients kept >= 0 (a term that would go negative is fixed at 0 and
the rest refitted). A term no record of that core and format has stays unfitted (-1: anne takes
float32's coefficient scaled by the format's Dense-MAC ratio, "by analogy"). The comment of the file
lists the records and the largest error on them, which `anne info` prints beside every estimate.
Standard library only (no numpy)."""
import argparse
import json
import math
import os
import subprocess
import textwrap
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORES = ["m0plus", "m33"]
FORMATS = ["f32", "q16", "s8"]


def solve(a, b):
    """Least squares a x = b by the normal equations (small systems), Gaussian elimination with pivoting.
    Columns that are linear combinations of earlier ones get 0."""
    n = len(a[0])
    m = [[sum(r[i] * r[j] for r in a) for j in range(n)] + [sum(r[i] * y for r, y in zip(a, b))] for i in range(n)]
    scale = [m[i][i] if m[i][i] > 0 else 1.0 for i in range(n)]
    for i in range(n):  # equilibrate: counts span 1 to 1e6
        for j in range(n + 1):
            m[i][j] /= scale[i]
    x = [0.0] * n
    used = []
    for col in range(n):
        piv = max((r for r in range(len(used), n)), key=lambda r: abs(m[r][col]), default=None)
        if piv is None or abs(m[piv][col]) < 1e-9:
            continue
        row = len(used)
        m[row], m[piv] = m[piv], m[row]
        for r in range(n):
            if r != row and m[r][col] != 0.0:
                f = m[r][col] / m[row][col]
                for j in range(col, n + 1):
                    m[r][j] -= f * m[row][j]
        used.append(col)
    for row, col in enumerate(used):
        x[col] = m[row][n] / m[row][col]
    return x


def fit(rows, names):
    """rows: (terms dict, cycles). Returns {name: coefficient} over the names some row has, >= 0."""
    active = [k for k in names if any(t[k] != 0 for t, _ in rows)]
    fixed = {}
    while True:
        a = [[t[k] / y for k in active] for t, y in rows]  # relative error: each row divided by its cycles
        x = solve(a, [1.0] * len(rows))
        coef = dict(zip(active, x))
        neg = [k for k in active if coef[k] < 0]
        if not neg:
            break
        worst = min(neg, key=lambda k: coef[k])
        active.remove(worst)
        fixed[worst] = 0.0
    coef.update(fixed)
    return coef


def predict(coef, terms):
    return sum(coef.get(k, 0.0) * v for k, v in terms.items())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", default=os.path.join(ROOT, "bench", "mcu-baseline.json"))
    ap.add_argument("--models", default=os.path.join(ROOT, "build", "mcu-bench", "models"))
    ap.add_argument("--anne", default=os.path.join(ROOT, "build", "anne"))
    ap.add_argument("-o", "--output", default=os.path.join(ROOT, "tools", "commands", "anne_cost_fit.c"))
    args = ap.parse_args()
    with open(args.records) as f:
        records = json.load(f)
    info = {}  # (target, file) -> the target object of anne info --json

    def target_info(target, path):
        key = (target, path)
        if key not in info:
            out = subprocess.run([args.anne, "info", path, "--target", target, "--json"], check=True,
                                 capture_output=True, text=True).stdout
            info[key] = json.loads(out)
        return info[key]

    groups = {}
    skipped = []
    for r in records:
        if r["format"] not in FORMATS or r["target"] not in CORES:
            continue
        name = r["model"] + ("" if r["format"] == "f32" else "__" + r["format"])
        path = os.path.join(args.models, name + ".anne")
        if not os.path.exists(path) and r["format"] == "s8":
            # the int8 graph models are made int8 (anne_mcu_host s8models), not quantized: NAME.anne
            path = os.path.join(args.models, r["model"] + ".anne")
            if os.path.exists(path) and target_info(r["target"], path)["target"].get("format") != "s8":
                path = ""
        if not os.path.exists(path):
            skipped.append(f'{r["target"]}/{name}')
            continue
        whole = target_info(r["target"], path)
        g = groups.setdefault((r["target"], r["format"]), {"rows": [], "names": [], "stack": 0, "graph_stack": 0,
                                                          "code": 0, "graph_code": 0})
        graph = "ops" in whole
        if r.get("codegen_runtime_bytes"):
            g["code"] = max(g["code"], r["codegen_runtime_bytes"])
        if r["api"] != "float":
            continue
        if graph:
            g["graph_stack"] = max(g["graph_stack"], r["stack_bytes"])
            g["graph_code"] = max(g["graph_code"], r["text_bytes"])
        else:
            g["stack"] = max(g["stack"], r["stack_bytes"])
        g["rows"].append((whole["target"]["cost_terms"], r["cycles_est"]))
        g["names"].append(r["model"])
    term_names = list(next(iter(groups.values()))["rows"][0][0].keys())
    tables = {}
    for key, g in sorted(groups.items()):
        coef = fit(g["rows"], term_names)
        errs = [abs(predict(coef, t) - y) / y * 100.0 for t, y in g["rows"]]
        # the claim anne prints: the largest error rounded up to 0.1 %, so that it holds as printed
        claim = max(0.1, math.ceil(max(errs) * 10.0 - 1e-9) / 10.0)
        # leave-one-out: each record estimated by a table fitted to the others (a model it has not seen)
        loo = []
        for i, (t, y) in enumerate(g["rows"]):
            rest = g["rows"][:i] + g["rows"][i + 1:]
            c = fit(rest, term_names)
            seen = all(any(u[k] != 0 for u, _ in rest) for k in t if t[k] != 0)
            loo.append(abs(predict(c, t) - y) / y * 100.0 if seen else float("nan"))
        loo_max = max((e for e in loo if e == e), default=float("nan"))
        tables[key] = (coef, errs, claim, loo_max)
        print(f"{key[0]} {key[1]}: {len(errs)} records, max error {max(errs):.2f} %, leave-one-out {loo_max:.1f} %",
              file=sys.stderr)
        for n, (t, y), e in zip(g["names"], g["rows"], errs):
            print(f"    {n:24s} measured {y:12.0f} estimated {predict(coef, t):12.0f} ({e:.1f} %)", file=sys.stderr)
    if skipped:
        print("records without a model in --models (left out): " + ", ".join(skipped), file=sys.stderr)

    src = os.path.relpath(os.path.abspath(args.records), ROOT)
    lines = [
        "/* The cost table of `anne info --target` (anne_cost.h): cycles per count of each term, per core and",
        " * number format. Written by scripts/fit-cost-table.py: do not edit; refit after a bench run with",
        f" *   scripts/fit-cost-table.py --records build/mcu-bench/mcu-bench.json --models build/mcu-bench/models",
        f" * Fitted to the float-API records (anne_model_predict) of {src}: least squares on",
        " * the relative error, coefficients >= 0; -1: no record has the term (anne_cost_cycles() then scales",
        " * float32's).",
        " * Records per core and format, the largest error of the fit on them (printed rounded up to 0.1 %),",
        " * and the largest when each record is estimated by a table fitted to the others (leaving aside a",
        " * record whose term no other record has):",
    ]
    for key, (coef, errs, claim, loo) in sorted(tables.items()):
        names = ", ".join(groups[key]["names"])
        lines.append(f" *   {key[0]} {key[1]}: {len(errs)} records, {max(errs):.2f} % max; one left out, {loo:.1f} % max:")
        lines += textwrap.wrap(names, 108, initial_indent=" *     ", subsequent_indent=" *     ")
    lines += [
        " * Stack: the largest stack_bytes of the records' firmwares (dense / graph); code: the largest",
        " * codegen_runtime_bytes (footprint firmwares from generated C) and the graph firmwares' text_bytes. */",
        '#include "anne_cost.h"',
        "",
        f'const char anne_cost_fit_source[] = "{src}";',
        "",
        "/* {coef: " + ", ".join(term_names) + "},",
        " *  records, max_error_pct, stack_bytes, code_bytes, graph_code_bytes, graph_stack_bytes */",
        "const anne_cost_table anne_cost_fit[ANNE_CORE_COUNT][ANNE_DTYPE_COUNT] = {",
    ]
    for core in CORES:
        lines.append("    { /* " + core + " */")
        for fmt in FORMATS:
            if (core, fmt) not in tables:
                lines.append("        {{" + ", ".join(["-1"] * len(term_names)) + "}, /* " + fmt + " */")
                lines.append("         0, 0.0, 0, 0, 0, 0},")
                continue
            coef, errs, claim, loo = tables[(core, fmt)]
            g = groups[(core, fmt)]
            cs = ", ".join(f"{coef[k]:.6g}" if k in coef else "-1" for k in term_names)
            lines.append(f"        {{{{{cs}}}, /* {fmt} */")
            lines.append(f"         {len(errs)}, {claim:.1f}, {g['stack']}, {g['code']}, {g['graph_code']}, {g['graph_stack']}}},")
        lines.append("    },")
    lines.append("};")
    text = "\n".join(lines) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
