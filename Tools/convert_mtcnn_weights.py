#!/usr/bin/env python3
"""Converts MTCNN's trained weights, as shipped by facenet-pytorch (MIT licence) in
facenet_pytorch/data/{pnet,rnet,onet}.pt, to safetensors files for Sources/FaceDetection.

    pip download facenet-pytorch==2.6.0 --no-deps && unzip facenet_pytorch-2.6.0-py3-none-any.whl
    python3 Tools/convert_mtcnn_weights.py facenet_pytorch/data Sources/FaceDetection/Weights

Only torch is needed (to read the .pt pickles). Every tensor is checked against the expected
names and shapes of Sources/FaceDetection/MTCNNNetworks.swift and written as little-endian F32.
"""
import json
import math
import os
import struct
import sys

import torch

# name -> shape, per network; the Swift side checks the same table when loading.
EXPECTED = {
    "pnet": {
        "conv1.weight": [10, 3, 3, 3], "conv1.bias": [10], "prelu1.weight": [10],
        "conv2.weight": [16, 10, 3, 3], "conv2.bias": [16], "prelu2.weight": [16],
        "conv3.weight": [32, 16, 3, 3], "conv3.bias": [32], "prelu3.weight": [32],
        "conv4_1.weight": [2, 32, 1, 1], "conv4_1.bias": [2],
        "conv4_2.weight": [4, 32, 1, 1], "conv4_2.bias": [4],
    },
    "rnet": {
        "conv1.weight": [28, 3, 3, 3], "conv1.bias": [28], "prelu1.weight": [28],
        "conv2.weight": [48, 28, 3, 3], "conv2.bias": [48], "prelu2.weight": [48],
        "conv3.weight": [64, 48, 2, 2], "conv3.bias": [64], "prelu3.weight": [64],
        "dense4.weight": [128, 576], "dense4.bias": [128], "prelu4.weight": [128],
        "dense5_1.weight": [2, 128], "dense5_1.bias": [2],
        "dense5_2.weight": [4, 128], "dense5_2.bias": [4],
    },
    "onet": {
        "conv1.weight": [32, 3, 3, 3], "conv1.bias": [32], "prelu1.weight": [32],
        "conv2.weight": [64, 32, 3, 3], "conv2.bias": [64], "prelu2.weight": [64],
        "conv3.weight": [64, 64, 3, 3], "conv3.bias": [64], "prelu3.weight": [64],
        "conv4.weight": [128, 64, 2, 2], "conv4.bias": [128], "prelu4.weight": [128],
        "dense5.weight": [256, 1152], "dense5.bias": [256], "prelu5.weight": [256],
        "dense6_1.weight": [2, 256], "dense6_1.bias": [2],
        "dense6_2.weight": [4, 256], "dense6_2.bias": [4],
        "dense6_3.weight": [10, 256], "dense6_3.bias": [10],
    },
}


def write_safetensors(path, tensors, metadata):
    """Header (8-byte little-endian length, JSON padded with spaces to 8 bytes), then the data."""
    header = {"__metadata__": metadata}
    chunks, offset = [], 0
    for name in sorted(tensors):
        data = tensors[name].contiguous().to(torch.float32).numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)
    os.replace(path + ".tmp", path)


def convert(source_dir, target_dir, overwrite):
    os.makedirs(target_dir, exist_ok=True)
    for net, expected in EXPECTED.items():
        source = os.path.join(source_dir, net + ".pt")
        target = os.path.join(target_dir, f"mtcnn-{net}.safetensors")
        if os.path.exists(target) and not overwrite:
            sys.exit(f"{target} exists; pass --overwrite to replace it")
        state = torch.load(source, map_location="cpu", weights_only=True)
        names = set(state)
        if names != set(expected):
            sys.exit(f"{source}: unexpected tensor names; missing {sorted(set(expected) - names)}, "
                     f"extra {sorted(names - set(expected))}")
        for name, shape in expected.items():
            if list(state[name].shape) != shape:
                sys.exit(f"{source}: {name} has shape {list(state[name].shape)}, expected {shape}")
            if not all(math.isfinite(v) for v in state[name].flatten().tolist()):
                sys.exit(f"{source}: {name} holds non-finite values")
        write_safetensors(target, state, {"source": f"facenet-pytorch 2.6.0, facenet_pytorch/data/{net}.pt",
                                          "licence": "MIT, see LICENSE beside this file"})
        print(f"{source} -> {target} ({len(state)} tensors)")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--overwrite"]
    if len(args) != 2:
        sys.exit("usage: convert_mtcnn_weights.py FACENET_PYTORCH_DATA_DIR OUTPUT_DIR [--overwrite]")
    convert(args[0], args[1], "--overwrite" in sys.argv)
