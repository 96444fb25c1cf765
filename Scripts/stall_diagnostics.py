#!/usr/bin/env python3
"""What a main-job checkpoint's network does with the built-in test images: whether a run that
sits at the class prior has dead features, a collapsed classifier, or weights that wander.
Used for Documentation/Reproducing.md, "Seeds". Prints one JSON object per checkpoint.

    python Scripts/stall_diagnostics.py runs/x/ce/checkpoint.safetensors [more checkpoints]

Needs a Python with torch and Pillow. Reads `checkpoint.safetensors` (the Trainer's checkpoint:
`model.*` weights under PyTorch's names, `optimizer.*` Adam moments) of a SmallResNet main-job
run (16-32-64-128, 3x3 stem, 48x48 inputs) and the built-in data set (in $LRN_CACHE, else
$XDG_CACHE_HOME/lrn, else ~/.cache/lrn). The images are resized with Pillow's bilinear filter,
not the package's, so accuracies differ from the run's own by a few points; the comparisons
between checkpoints are what it is for.

Reported:
  accuracy, share_of_top_prediction    on the test images, evaluation mode
  logit_std_across_images              per class, averaged: 0 = the same output for every image
  feature_std_across_images            the pooled 128-d features, per channel, averaged
  dead_features                        share of channels that are 0 for every image
  fc1_weight_norm                      the classifier's weights
  conv_weight_norms                    every convolution; at initialisation (Kaiming normal,
                                       fan-out) a norm is about sqrt(2 * input channels)
  adam_signal_to_noise                 median over the convolution weights of |m| / sqrt(v),
                                       Adam's stored moments (uncorrected): near 1 for a
                                       gradient that keeps its sign, small for noise
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def load_safetensors(path):
    blob = open(path, "rb").read()
    size = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + size])
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        start, end = entry["data_offsets"]
        raw = np.frombuffer(blob[8 + size + start:8 + size + end], dtype=DTYPES[entry["dtype"]])
        tensors[name] = torch.tensor(raw.reshape(entry["shape"]).copy())
    return tensors


def data_folder():
    for variable, suffix in (("LRN_CACHE", ""), ("XDG_CACHE_HOME", "lrn")):
        if os.environ.get(variable):
            return os.path.join(os.environ[variable], suffix, "synthetic-rafdb")
    return os.path.expanduser("~/.cache/lrn/synthetic-rafdb")


def test_images(size=48):
    root = data_folder()
    rows = [line.split() for line in open(os.path.join(root, "EmoLabel", "list_patition_label.txt"))
            if line.startswith("test")]
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)
    images = []
    for name, _ in rows:
        path = os.path.join(root, "Image", "aligned", name.replace(".jpg", "_aligned.jpg"))
        pixels = Image.open(path).convert("RGB").resize((size, size), Image.BILINEAR)
        images.append(((np.asarray(pixels, np.float32) / 255 - mean) / std).transpose(2, 0, 1))
    return torch.tensor(np.stack(images)), np.array([int(label) - 1 for _, label in rows])


def analyse(path, images, labels):
    weights = load_safetensors(path)
    w = lambda name: weights["model." + name]

    def bn(x, prefix):
        return F.batch_norm(x, w(prefix + ".running_mean"), w(prefix + ".running_var"),
                            w(prefix + ".weight"), w(prefix + ".bias"), False, 0.0, 1e-5)

    def block(x, prefix, stride):
        y = F.relu(bn(F.conv2d(x, w(prefix + ".conv1.weight"), stride=stride, padding=1), prefix + ".bn1"))
        y = bn(F.conv2d(y, w(prefix + ".conv2.weight"), padding=1), prefix + ".bn2")
        shortcut = x
        if "model." + prefix + ".downsample.0.weight" in weights:
            shortcut = bn(F.conv2d(x, w(prefix + ".downsample.0.weight"), stride=stride), prefix + ".downsample.1")
        return F.relu(y + shortcut)

    with torch.no_grad():
        h = F.relu(bn(F.conv2d(images, w("backbone.conv1.weight"), padding=1), "backbone.bn1"))
        for stage, stride in zip(range(1, 5), (1, 2, 2, 2)):
            h = block(h, f"backbone.layer{stage}.0", stride)
        features = h.mean(dim=(2, 3))
        logits = features @ w("head.fc1.weight").T + w("head.fc1.bias")
    predictions = logits.argmax(1).numpy()
    convolutions = [name for name in weights
                    if name.startswith("model.backbone") and name.endswith("weight") and weights[name].dim() == 4]
    ratios = []
    for name in weights:
        if name.startswith("optimizer.exp_avg.") and weights[name].dim() == 4:
            index = name.rsplit(".", 1)[1]
            m, v = weights[name], weights["optimizer.exp_avg_sq." + index]
            ratios.append((m.abs() / (v.sqrt() + 1e-12)).median().item())
    return {
        "checkpoint": path,
        "accuracy": round(float((predictions == labels).mean()), 4),
        "share_of_top_prediction": round(float(np.bincount(predictions, minlength=7).max() / len(predictions)), 4),
        "logit_std_across_images": round(logits.std(0).mean().item(), 4),
        "feature_std_across_images": round(features.std(0).mean().item(), 4),
        "dead_features": round((features.max(0).values <= 0).float().mean().item(), 4),
        "fc1_weight_norm": round(w("head.fc1.weight").norm().item(), 4),
        "conv_weight_norms": {name[len("model.backbone."):]: round(weights[name].norm().item(), 3) for name in convolutions},
        "adam_signal_to_noise": round(float(np.median(ratios)), 4) if ratios else None,
    }


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    images, labels = test_images()
    for checkpoint in sys.argv[1:]:
        print(json.dumps(analyse(checkpoint, images, labels)))
