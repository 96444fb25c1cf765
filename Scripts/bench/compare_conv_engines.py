#!/usr/bin/env python3
"""The convolution engines side by side: `Benchmarks GROUP` with LRN_CONV_ENGINE=im2col and
=onednn, interleaved A B A B in rounds (each run its own process, peak RSS from wait4), then the
medians and the ratios im2col / oneDNN (above 1: oneDNN faster).

    swift build -c release --product Benchmarks
    python3 Scripts/bench/compare_conv_engines.py .build/release/Benchmarks resnet 3
    python3 Scripts/bench/compare_conv_engines.py .build/release/Benchmarks smallnet 5
"""
import json, os, statistics, subprocess, sys, tempfile

binary, group = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
engines = ("im2col", "onednn")
rows = {e: [] for e in engines}


def run(engine):
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        env = dict(os.environ, LRN_CONV_ENGINE=engine)
        p = subprocess.Popen([binary, group, "--output", f.name], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=env)
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        if status != 0:
            sys.exit(f"{engine}: failed\n{out[-2000:]}")
        figures = json.load(open(f.name))[group]
    figures["process_peak_rss_mb"] = usage.ru_maxrss / 1024.0
    figures["load1"] = os.getloadavg()[0]
    return figures


for r in range(rounds):
    # Alternate which engine goes first, so neither always follows the other's cache state.
    for engine in engines if r % 2 == 0 else reversed(engines):
        figures = run(engine)
        rows[engine].append(figures)
        print(json.dumps({"round": r, "engine": engine, **figures}), flush=True)

keys = [k for k in ("train_step_seconds", "inference_seconds", "train_cpu_seconds_per_step",
                    "inference_cpu_seconds", "process_peak_rss_mb",
                    "train_onednn_reorder_seconds", "inference_onednn_reorder_seconds",
                    "train_onednn_primitive_seconds", "inference_onednn_primitive_seconds", "load1")
        if k in rows["im2col"][0]]
summary = {e: {k: statistics.median(x[k] for x in rows[e]) for k in keys} for e in engines}
for k in [k for k in ("train_step_seconds", "inference_seconds", "train_cpu_seconds_per_step",
                      "inference_cpu_seconds") if k in keys]:
    per_round = [a[k] / b[k] for a, b in zip(rows["im2col"], rows["onednn"])]
    summary[f"speedup_{k}"] = {"median_of_medians": summary["im2col"][k] / summary["onednn"][k],
                               "per_round": [round(x, 3) for x in per_round]}
summary["rss_onednn_over_im2col"] = summary["onednn"]["process_peak_rss_mb"] / summary["im2col"]["process_peak_rss_mb"]
print(json.dumps(summary, indent=1))
