#!/usr/bin/env python3
"""Times facenet-pytorch's MTCNN.detect on photos, for Documentation/Performance.md
("Face detection"); compare with `Example-Faces PHOTO --benchmark N` (release build).

    venv/bin/python Tools/benchmark_facenet_mtcnn.py UNZIPPED_FACENET_PYTORCH_WHEEL RUNS THREADS PHOTO...

Uses the same stand-in for torchvision's NMS as Tools/fixtures/make_face_fixtures.py and
reports the time spent inside it separately (it is a Python loop, slower than torchvision's C++).
"""
import os
import sys
import time

import torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
import make_face_fixtures  # noqa: E402


def main(wheel_dir, runs, threads, photos):
    torch.set_num_threads(threads)
    nms_seconds = [0.0]
    original = make_face_fixtures.batched_nms_like_torchvision

    def timed_nms(*args):
        start = time.perf_counter()
        try:
            return original(*args)
        finally:
            nms_seconds[0] += time.perf_counter() - start

    mtcnn = make_face_fixtures.load_facenet(wheel_dir)
    sys.modules["facenet_pytorch.models.utils.detect_face"].batched_nms = timed_nms
    detector = mtcnn.MTCNN(keep_all=True, device="cpu")
    for path in photos:
        image = Image.open(path).convert("RGB")
        boxes, _ = detector.detect(image)
        times, nms = [], []
        for _ in range(runs):
            nms_seconds[0] = 0.0
            start = time.perf_counter()
            detector.detect(image)
            times.append((time.perf_counter() - start) * 1000)
            nms.append(nms_seconds[0] * 1000)
        order = sorted(range(runs), key=lambda i: times[i])
        best, median = order[0], order[runs // 2]
        print(f"{path}: {image.width}x{image.height}, {0 if boxes is None else len(boxes)} faces, "
              f"best {times[best]:.1f} ms (NMS stand-in {nms[best]:.1f} ms), median {times[median]:.1f} ms "
              f"of {runs} runs, {torch.get_num_threads()} threads")


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit("usage: benchmark_facenet_mtcnn.py UNZIPPED_WHEEL RUNS THREADS PHOTO...")
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
