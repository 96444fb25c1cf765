#!/usr/bin/env python3
"""Interleaves PyTorch's ResNet18 measurement with ours, so both see the same machine load.

Run from the package root after `swift build -c release --product Benchmarks`, with the venv that
has torch (see Documentation/Performance.md):
    .venv-torch/bin/python Scripts/interleave_resnet_with_torch.py [rounds]

Each round waits (up to 60 s) for other processes to go quiet, runs torch_reference.run_resnet
(1 warm-up + 3 timed steps), then our ops-only ResNet18 benchmark twice: with the environment as
is, and with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset (OpenBLAS picks its own kernels).
Prints one JSON line per round (seconds per training step and per inference batch).
"""
import json
import os
import subprocess
import sys
import tempfile
import types

sys.path.insert(0, os.environ.get("TORCH_REFERENCE_DIR", "/work/shared/bench"))
import torch  # noqa: E402
import torch_reference as tr  # noqa: E402

torch.set_num_threads(2)
args = types.SimpleNamespace(warm_train=1, iters_train=3, warm_infer=1, iters_infer=3)
ours = os.path.join(".build", "release", "Benchmarks")
unset = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
for r in range(rounds):
    row = {"round": r, "others_cores_before": tr.wait_quiet(60)}
    t = tr.run_resnet(args)
    row.update(torch_train_s=t["train_step"]["median_s"], torch_train_others=t["train_step"]["others_cores"],
               torch_infer_s=t["inference"]["median_s"], torch_infer_others=t["inference"]["others_cores"])
    for name, env in (("env_as_is", dict(os.environ)), ("blas_vars_unset", unset)):
        tr.wait_quiet(30)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            subprocess.run([ours, "kernels", "--output", out.name], env=dict(env, BENCH_ONLY_RESNET_OPS="1"),
                           check=True, capture_output=True)
            figures = json.load(open(out.name))["kernels"]
        row[f"ours_{name}_train_s"] = figures["resnet18_ops_train_s_per_step"]
        row[f"ours_{name}_infer_s"] = 64 / figures["resnet18_ops_infer_img_per_s"]
    print(json.dumps(row), flush=True)
