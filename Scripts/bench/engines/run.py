#!/usr/bin/env python3
"""Runs the engine benchmark interleaved and summarises it (see README.md).

    python3 run.py measure OUT.tsv [--rounds 3] [--threads 2,1] [--reps 3] [--shapes 0-21]
                               [--variants a,b,...] [--first-round 0]
    python3 run.py report [--cpu] OUT.tsv...   # markdown tables for Documentation/Performance.md;
                                               # --cpu: GFLOP per CPU-second instead of per second

measure: for every round, thread count and shape, runs every engine variant once (a fresh
process each, in an order rotated from round to round so that no engine always runs first),
and appends one line per direction to OUT.tsv with the 1-minute load average at that moment.
"""
import os
import statistics
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DIRS = ["fwd", "bwd_data", "bwd_weight"]

# name, command (before the shape index), extra environment. OPENBLAS_CORETYPE is removed for
# every variant but the pinned one, so "ours-openblas" is OpenBLAS's own choice.
VARIANTS = [
    ("ours-openblas", ["./eng_ours"], {}),
    ("ours-openblas-haswell", ["./eng_ours"], {"OPENBLAS_CORETYPE": "Haswell"}),
    ("packed", ["./eng_packed"], {}),
    ("blis", ["./eng_blis"], {}),
    ("libxsmm-jit", ["./eng_xsmm"], {}),
    ("onednn-nchw", ["./eng_dnnl", "nchw"], {}),
    ("onednn-blocked", ["./eng_dnnl", "blocked"], {}),
]


def shapes():
    out = subprocess.run(["./eng_packed", "list"], cwd=HERE, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.strip().splitlines():
        index, name, net, layers, gflop = line.split("\t")
        rows.append((int(index), name, net, int(layers), float(gflop)))
    return rows


def parse_range(text, count):
    picked = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        picked.extend(range(int(lo), int(hi or lo) + 1))
    return [i for i in picked if 0 <= i < count]


def measure(path, rounds, threads_list, reps, shape_ids, variant_names, first_round):
    base = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    variants = [v for v in VARIANTS if v[0] in variant_names]
    with open(path, "a") as out:
        for r in range(first_round, first_round + rounds):
            for threads in threads_list:
                for s in shape_ids:
                    k = (r + s) % len(variants)
                    for name, cmd, extra in variants[k:] + variants[:k]:
                        env = dict(base, OMP_NUM_THREADS=str(threads), **extra)
                        load = open("/proc/loadavg").read().split()[0]
                        try:
                            res = subprocess.run(cmd + [str(s), str(reps)], cwd=HERE, env=env, capture_output=True,
                                                 text=True, timeout=600)
                            lines = res.stdout.strip().splitlines()
                            if res.returncode != 0:
                                lines = [f"{name}\t?\t{d}\tfailed rc={res.returncode} {res.stderr.strip()[:200]}" for d in DIRS]
                        except subprocess.TimeoutExpired:
                            lines = [f"{name}\t?\t{d}\ttimeout" for d in DIRS]
                        for line in lines:
                            fields = line.split("\t")
                            fields[0] = name  # the variant, not the binary's engine name
                            out.write("\t".join([str(r), str(threads), str(s), load] + fields) + "\n")
                        out.flush()
                print(f"round {r} threads {threads} done", flush=True)


def fmt(x):
    return f"{x:.0f}" if x >= 20 else f"{x:.1f}"


def report(paths, cpu=False):
    table = shapes()
    rows = defaultdict(list)  # (variant, threads, shape, dir) -> [seconds]
    errors = defaultdict(float)
    notes, loads = {}, []
    for line in (line for path in paths for line in open(path)):
        f = line.rstrip("\n").split("\t")
        r, threads, s, load, variant, _, d = f[:7]
        if len(f) < 13 or f[7] in ("skipped",) or f[7].startswith(("failed", "timeout")):
            continue
        if cpu and len(f) < 14:
            continue
        loads.append(float(load))
        rows[(variant, int(threads), int(s), d)].append(float(f[13] if cpu else f[7]))
        errors[variant] = max(errors[variant], float(f[9]))
        notes[(variant, int(threads))] = f[12]
    variants = [v[0] for v in VARIANTS if any(k[0] == v[0] for k in rows)]
    threads_seen = sorted({k[1] for k in rows}, reverse=True)
    print(f"load average (1 min) while measuring: median {statistics.median(loads):.1f}, "
          f"min {min(loads):.1f}, max {max(loads):.1f}; {len(loads)} measurements\n")
    for threads in threads_seen:
        for net in ("resnet18", "small"):
            ids = [t for t in table if t[2] == net]
            unit = "GFLOP per CPU-second" if cpu else "GFLOP/s"
            print(f"### {net}, {threads} thread{'s' if threads > 1 else ''}: {unit}, median over rounds (min-max)\n")
            print("| shape (layers) | dir | " + " | ".join(variants) + " |")
            print("|---|---|" + "---|" * len(variants))
            for index, name, _, layers, gflop in ids:
                for d in DIRS:
                    if not any((v, threads, index, d) in rows for v in variants):
                        continue
                    cells = []
                    for v in variants:
                        t = rows.get((v, threads, index, d))
                        if not t:
                            cells.append("—")
                            continue
                        g = [gflop / x for x in t]
                        cells.append(f"{fmt(statistics.median(g))} ({fmt(min(g))}-{fmt(max(g))})")
                    print(f"| {name} (x{layers}) | {d} | " + " | ".join(cells) + " |")
            # Totals weighted by the network's layers: flops / time summed over its convolutions.
            # Training needs no input gradient of the first convolution.
            for label, dirs, skip_first in (("forward", ["fwd"], False), ("bwd data", ["bwd_data"], True),
                                            ("bwd weight", ["bwd_weight"], False),
                                            ("**training step** (fwd + bwd)", DIRS, None)):
                cells = []
                for v in variants:
                    total_flop = total_time = 0.0
                    complete = True
                    for index, name, _, layers, gflop in ids:
                        for d in dirs:
                            if d == "bwd_data" and index == ids[0][0]:
                                continue
                            t = rows.get((v, threads, index, d))
                            if not t:
                                complete = False
                                continue
                            total_flop += layers * gflop
                            total_time += layers * statistics.median(t)
                    cells.append(f"**{fmt(total_flop / total_time)}**" if complete and total_time else "—")
                extra = "" if label.startswith("forward") or label.startswith("bwd weight") else " (no input gradient for the first conv)"
                print(f"| {net} total, weighted by layers | {label}{extra} | " + " | ".join(cells) + " |")
            print()
    print("### Max normwise relative error vs double precision, over all shapes and directions\n")
    print("| " + " | ".join(variants) + " |")
    print("|" + "---|" * len(variants))
    print("| " + " | ".join(f"{errors[v]:.1e}" for v in variants) + " |\n")
    print("### What each variant ran\n")
    for (v, threads), note in sorted(notes.items()):
        print(f"- {v}, {threads} thread(s): {note}")


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("measure", "report"):
        sys.exit(__doc__)
    if sys.argv[1] == "report":
        cpu = "--cpu" in sys.argv
        report([a for a in sys.argv[2:] if a != "--cpu"], cpu)
        sys.exit(0)
    args = sys.argv[3:]
    opts = {"--rounds": "3", "--threads": "2,1", "--reps": "3", "--shapes": "0-99", "--first-round": "0",
            "--variants": ",".join(v[0] for v in VARIANTS)}
    for i in range(0, len(args), 2):
        if args[i] not in opts or i + 1 >= len(args):
            sys.exit(f"unknown or incomplete option {args[i]!r}; expected {', '.join(opts)}")
        opts[args[i]] = args[i + 1]
    ids = parse_range(opts["--shapes"], len(shapes()))
    measure(sys.argv[2], int(opts["--rounds"]), [int(t) for t in opts["--threads"].split(",")],
            int(opts["--reps"]), ids, opts["--variants"].split(","), int(opts["--first-round"]))
