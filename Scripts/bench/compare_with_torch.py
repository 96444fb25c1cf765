#!/usr/bin/env python3
"""Our network benchmarks and PyTorch's, side by side in one sitting: rounds that interleave
PyTorch NCHW, PyTorch channels-last and ours, each in its own process (peak RSS from wait4), so
machine load hits all three alike. Prints one JSON line per measurement, then the medians and
the ratios against PyTorch's best layout (> 1 means we are faster).

    swift build -c release --product Benchmarks
    python Scripts/bench/compare_with_torch.py resnet18 [rounds] [--unset-blas-vars]
    python Scripts/bench/compare_with_torch.py small    [rounds] [--unset-blas-vars]
    python Scripts/bench/compare_with_torch.py resnet18 [rounds] --with-bounded-cache

Run it with a Python that has torch (e.g. `python3 -m venv .venv-torch &&
.venv-torch/bin/pip install torch`). --unset-blas-vars runs ours with OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE removed (see Documentation/Performance.md). --with-bounded-cache adds a fourth
column, ours with `Benchmarks --storage-cache-within-peak` (the storage cache stays within the
live peak instead of keeping every freed buffer: Performance.md's memory section).
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OURS = os.path.join(ROOT, ".build", "release", "Benchmarks")
GROUP = {"resnet18": "resnet", "small": "smallnet"}


def run(command, env=None):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        sys.exit(f"failed: {' '.join(command)}\n{output[-3000:]}")
    return output, usage.ru_maxrss / 1024.0  # MB


def main():
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    workload = arguments[0] if arguments else "resnet18"
    rounds = int(arguments[1]) if len(arguments) > 1 else 3
    if workload not in GROUP:
        sys.exit(f"unknown workload {workload!r}: expected resnet18 or small")
    if not os.path.exists(OURS):
        sys.exit(f"{OURS} not found: run `swift build -c release --product Benchmarks` first")
    env = dict(os.environ)
    if "--unset-blas-vars" in sys.argv:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    variants = {"ours": []}
    if "--with-bounded-cache" in sys.argv:
        variants["ours-bounded-cache"] = ["--storage-cache-within-peak"]
    rows = {"torch-nchw": [], "torch-channels-last": [], **{who: [] for who in variants}}
    for round_index in range(rounds):
        for layout in ("nchw", "channels-last"):
            output, rss = run([sys.executable, os.path.join(HERE, "torch_workloads.py"), workload, layout])
            row = json.loads(output.strip().splitlines()[-1])
            row.update(who=f"torch-{layout}", round=round_index, peak_rss_mb=rss)
            rows[row["who"]].append(row)
            print(json.dumps(row), flush=True)
        for who, flags in variants.items():
            with tempfile.NamedTemporaryFile(suffix=".json") as results:
                output, rss = run([OURS, GROUP[workload], "--output", results.name, *flags], env=env)
                figures = json.load(open(results.name))[GROUP[workload]]
            instruction_set = output.splitlines()[0] if output else ""
            row = {"who": who, "round": round_index, "train_step_seconds": figures["train_step_seconds"],
                   "inference_seconds": figures["inference_seconds"], "peak_rss_mb": rss, "note": instruction_set}
            rows[who].append(row)
            print(json.dumps(row), flush=True)

    summary = {who: {key: statistics.median(r[key] for r in rows[who])
                     for key in ("train_step_seconds", "inference_seconds", "peak_rss_mb")} for who in rows}
    torch_layouts = ("torch-nchw", "torch-channels-last")
    best_train = min(summary[w]["train_step_seconds"] for w in torch_layouts)
    best_inference = min(summary[w]["inference_seconds"] for w in torch_layouts)
    best_rss = min(summary[w]["peak_rss_mb"] for w in torch_layouts)
    summary["speed_vs_best_torch"] = {
        "train": best_train / summary["ours"]["train_step_seconds"],
        "inference": best_inference / summary["ours"]["inference_seconds"],
        "peak_rss_ours_over_torch": summary["ours"]["peak_rss_mb"] / best_rss,
    }
    print(json.dumps(summary, indent=1))
    ratios = summary["speed_vs_best_torch"]
    print(f"{workload}: ours vs best PyTorch layout: train {ratios['train']:.2f}x, inference "
          f"{ratios['inference']:.2f}x, peak RSS {ratios['peak_rss_ours_over_torch']:.2f} of PyTorch's")


if __name__ == "__main__":
    main()
