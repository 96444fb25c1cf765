#!/usr/bin/env python3
"""PyTorch definition of the model in an exported `model.safetensors` (LRN: a ResNet backbone, the
HUM head and the CLD centres), so that a model trained in Swift runs in PyTorch.

The file format is described in Documentation/Checkpoints.md ("The exported model"). Usage:

    from lrn_model import load_lrn_model
    model, metadata = load_lrn_model("runs/built-in-rafdb/hum-cld/model.safetensors")
    x = normalize(images)                      # [N, 3, S, S] in [0, 1], already resized to image_size
    out = model(x)                             # mean logits d [N, C], factor L [N, C, C], covariance
    p = model.predict(x, samples=1000)         # p' = mean over draws of softmax((d + L eps) / T)

Command line: `python Tools/lrn_model.py model.safetensors` prints what the file holds and checks
that it loads strictly. Tools/fixtures/make_inference_fixtures.py uses this module to generate the
reference data of the Swift tests (Tests/InferenceTests/Fixtures).
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import save_file

FORMAT = "lrn-model-1"


class BasicBlock(nn.Module):
    """torchvision's BasicBlock (names conv1, bn1, conv2, bn2, downsample.0/1)."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + identity)


class ResNetBackbone(nn.Module):
    """torchvision's ResNet without `fc`: stem 'imagenet' (7x7 stride 2 + max-pool) or 'small'
    (3x3 stride 1, no pooling); returns the globally average-pooled features [N, widths[-1]]."""

    def __init__(self, stem, widths, blocks):
        super().__init__()
        self.stem = stem
        if stem == "imagenet":
            self.conv1 = nn.Conv2d(3, widths[0], 7, 2, 3, bias=False)
        else:
            self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        cin = widths[0]
        self.stage_count = len(widths)
        for i, (w, n) in enumerate(zip(widths, blocks)):
            stage = []
            for b in range(n):
                stage.append(BasicBlock(cin, w, 2 if (b == 0 and i > 0) else 1))
                cin = w
            setattr(self, f"layer{i + 1}", nn.Sequential(*stage))
        self.feature_dimension = cin

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.stem == "imagenet":
            x = F.max_pool2d(x, 3, 2, 1)
        for i in range(self.stage_count):
            x = getattr(self, f"layer{i + 1}")(x)
        return x.mean(dim=(2, 3))


class HeteroscedasticHead(nn.Module):
    """HUM: mean logits d = fc1(f) and the factor of the logit-noise covariance from fc2(f).

    Full form: fc2's C(C+1)/2 outputs are L's lower triangle in torch.tril_indices order, the
    diagonal through softplus + floor; cov = L L^T. Low-rank form R: C*R entries of V (row-major),
    then C scales s = softplus + floor; cov = V V^T + diag(s^2)."""

    def __init__(self, features, classes, covariance="full", floor=1e-3):
        super().__init__()
        self.classes = classes
        self.covariance = covariance
        self.floor = floor
        if covariance == "full":
            outputs = classes * (classes + 1) // 2
        else:
            self.rank = int(covariance.split(":")[1])
            outputs = classes * self.rank + classes
        self.fc1 = nn.Linear(features, classes)
        self.fc2 = nn.Linear(features, outputs)

    def forward(self, f):
        d = self.fc1(f)
        raw = self.fc2(f)
        c = self.classes
        if self.covariance == "full":
            rows, cols = torch.tril_indices(c, c)
            entries = torch.where(rows == cols, F.softplus(raw) + self.floor, raw)
            lower = raw.new_zeros(raw.shape[0], c, c)
            lower[:, rows, cols] = entries
            return d, {"lower": lower}, lower @ lower.transpose(1, 2)
        r = self.rank
        factors = raw[:, : c * r].reshape(-1, c, r)
        scales = F.softplus(raw[:, c * r:]) + self.floor
        covariance = factors @ factors.transpose(1, 2) + torch.diag_embed(scales ** 2)
        return d, {"factors": factors, "scales": scales}, covariance


class CLDCentres(nn.Module):
    """CLD's class centres (state-dict name `cld.centers`); only used while training and for audits."""

    def __init__(self, classes, features):
        super().__init__()
        self.centers = nn.Parameter(torch.zeros(classes, features))


class LRNModel(nn.Module):
    def __init__(self, metadata):
        super().__init__()
        self.metadata = metadata
        widths = json.loads(metadata["backbone_widths"])
        blocks = json.loads(metadata["backbone_blocks"])
        classes = len(json.loads(metadata["classes"]))
        self.objective = metadata["objective"]
        self.temperature = float(metadata["temperature"])
        self.samples = int(metadata["mc_samples"])
        self.backbone = ResNetBackbone(metadata["backbone_stem"], widths, blocks)
        self.head = HeteroscedasticHead(self.backbone.feature_dimension, classes, metadata["covariance"],
                                        float(metadata["diagonal_floor"]))
        self.cld = CLDCentres(classes, self.backbone.feature_dimension)

    @property
    def uses_hum(self):
        return self.objective in ("HUM", "HUM+CLD")

    def forward(self, x):
        """{"mean_logits": d, "factor": L (or V and s), "covariance": cov}."""
        d, factor, covariance = self.head(self.backbone(x))
        return {"mean_logits": d, "factor": factor, "covariance": covariance}

    @torch.no_grad()
    def predict(self, x, samples=None, mode="mc", generator=None):
        """Class probabilities: p' (HUM, mode 'mc'), softmax(d/T) (HUM, 'mean'), softmax(d) (CE)."""
        out = self(x)
        d = out["mean_logits"]
        if not self.uses_hum:
            return F.softmax(d, dim=-1)
        if mode == "mean":
            return F.softmax(d / self.temperature, dim=-1)
        s = samples or self.samples
        factor = out["factor"]
        if "lower" in factor:
            eps = torch.randn(d.shape[0], s, d.shape[1], generator=generator, dtype=d.dtype)
            noise = eps @ factor["lower"].transpose(1, 2)
        else:
            v, scales = factor["factors"], factor["scales"]
            eps = torch.randn(d.shape[0], s, v.shape[2], generator=generator, dtype=d.dtype)
            eta = torch.randn(d.shape[0], s, d.shape[1], generator=generator, dtype=d.dtype)
            noise = eps @ v.transpose(1, 2) + eta * scales[:, None, :]
        return F.softmax((d[:, None, :] + noise) / self.temperature, dim=-1).mean(dim=1)


def read_metadata(path):
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata() or {}
    if metadata.get("format") != FORMAT:
        raise ValueError(f"{path}: metadata 'format' is {metadata.get('format')!r}, expected {FORMAT!r}")
    return metadata


def normalize(images01, metadata):
    """(x - mean) / std per channel for images [N, 3, H, W] scaled to [0, 1] and resized to image_size."""
    mean = torch.tensor(json.loads(metadata["normalization_mean"]), dtype=images01.dtype).view(1, 3, 1, 1)
    std = torch.tensor(json.loads(metadata["normalization_std"]), dtype=images01.dtype).view(1, 3, 1, 1)
    return (images01 - mean) / std


def load_lrn_model(path, dtype=torch.float32):
    """The model of `path` in eval mode, and its metadata. Loading is strict except for BatchNorm's
    num_batches_tracked, which the file stores as F32 and which plays no part in evaluation."""
    from safetensors.torch import load_file

    metadata = read_metadata(path)
    model = LRNModel(metadata)
    state = load_file(path)
    result = model.load_state_dict(state, strict=False)
    missing = [k for k in result.missing_keys if not k.endswith("num_batches_tracked")]
    if missing or result.unexpected_keys:
        raise ValueError(f"{path}: missing tensors {missing}, unexpected tensors {result.unexpected_keys}")
    return model.to(dtype).eval(), metadata


def save_lrn_model(model, metadata, path):
    """Writes the model's state dict (F32, contiguous) with the metadata, as the Swift side does."""
    state = {k: v.detach().to(torch.float32).contiguous() for k, v in model.state_dict().items()}
    save_file(state, path, metadata=dict(metadata, format=FORMAT))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python Tools/lrn_model.py model.safetensors")
    m, meta = load_lrn_model(sys.argv[1])
    print(f"{sys.argv[1]}: objective {meta['objective']}, backbone {meta['backbone']} {meta['backbone_widths']}, "
          f"classes {json.loads(meta['classes'])}, image size {meta['image_size']}, T {meta['temperature']}, "
          f"S {meta['mc_samples']}, covariance {meta['covariance']}; "
          f"{sum(p.numel() for p in m.parameters())} parameters; loads strictly")
