#!/usr/bin/env python3
"""PyTorch CPU timings of the workloads our `Benchmarks` executable measures, written so the two
compare directly (same shapes, same optimiser, 2 threads). One workload and layout per call;
prints one JSON line.

    python Scripts/bench/torch_workloads.py resnet18 [nchw|channels-last] [steps]
    python Scripts/bench/torch_workloads.py small    [nchw|channels-last] [steps]
    python Scripts/bench/torch_workloads.py hum                           [runs]
    python Scripts/bench/torch_workloads.py conv3x3  [nchw|channels-last] [runs]

resnet18: torchvision's ResNet18 architecture, 7 classes, batch 64, 3x112x112, cross-entropy,
SGD lr 0.01 momentum 0.9 (= `Benchmarks resnet`). small: 3x3 stem, one basic block per stage,
widths 16-32-64-128, 10 classes, batch 64, 3x28x28, SGD lr 0.05 momentum 0.9 weight decay 1e-4
(= `Benchmarks smallnet`). hum: HUM's head on features [64, 512], 7 classes, full lower-triangular
factor, S = 1000, T = 0.7, forward + backward (= `Benchmarks hum`). conv3x3: 64->64, 56x56,
batch 64, padding 1, no bias, forward and forward + backward.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)


class BasicBlock(nn.Module):
    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.downsample = None
        if stride != 1 or inputs != outputs:
            self.downsample = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride, bias=False), nn.BatchNorm2d(outputs))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet(nn.Module):
    """imagenet_stem: 7x7/2 conv + 3x3/2 max-pool (ResNet18); else a 3x3/1 conv (small)."""

    def __init__(self, widths, blocks, classes, imagenet_stem):
        super().__init__()
        kernel, stride, padding = (7, 2, 3) if imagenet_stem else (3, 1, 1)
        self.conv1 = nn.Conv2d(3, widths[0], kernel, stride, padding, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.pool = nn.MaxPool2d(3, 2, 1) if imagenet_stem else nn.Identity()
        stages, channels = [], widths[0]
        for index, (width, count) in enumerate(zip(widths, blocks)):
            for b in range(count):
                stages.append(BasicBlock(channels, width, 2 if (index > 0 and b == 0) else 1))
                channels = width
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(channels, classes)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        return self.fc(self.stages(x).mean((2, 3)))


def median(values):
    values = sorted(values)
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2


def timed(body, warm_up, runs):
    for _ in range(warm_up):
        body()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return times


def network(name, layout, steps):
    torch.manual_seed(0)
    if name == "resnet18":
        model, size, classes, lr, decay = ResNet([64, 128, 256, 512], [2, 2, 2, 2], 7, True), 112, 7, 0.01, 0.0
    else:
        model, size, classes, lr, decay = ResNet([16, 32, 64, 128], [1, 1, 1, 1], 10, False), 28, 10, 0.05, 1e-4
    images = torch.randn(64, 3, size, size)
    labels = torch.arange(64) % classes
    if layout == "channels-last":
        model = model.to(memory_format=torch.channels_last)
        images = images.to(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, weight_decay=decay)

    def step():
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()

    model.train()
    train = timed(step, 1 if name == "resnet18" else 5, steps)
    model.eval()
    with torch.no_grad():
        inference = timed(lambda: model(images), 1 if name == "resnet18" else 5, steps)
    return {"train_step_seconds": median(train), "inference_seconds": median(inference)}


def hum(runs):
    torch.manual_seed(0)
    m, d, c, s, t = 64, 512, 7, 1000, 0.7
    features = torch.randn(m, d, requires_grad=True)
    fc1, fc2 = nn.Linear(d, c), nn.Linear(d, c * (c + 1) // 2)
    rows, cols = torch.tril_indices(c, c)
    labels = torch.arange(m) % c

    def step():
        mean = fc1(features)
        raw = fc2(features)
        entries = torch.where(rows == cols, F.softplus(raw) + 1e-3, raw)
        lower = torch.zeros(m, c, c).index_put((torch.arange(m)[:, None], rows[None, :], cols[None, :]), entries)
        noise = torch.randn(m, s, c)
        logits = (mean[:, None, :] + torch.einsum("mij,msj->msi", lower, noise)) / t
        log_p = torch.logsumexp(F.log_softmax(logits, dim=2), dim=1) - torch.log(torch.tensor(float(s)))
        loss = -log_p[torch.arange(m), labels].mean()
        loss.backward()

    return {"hum_forward_backward_seconds": median(timed(step, 3, runs))}


def conv3x3(layout, runs):
    torch.manual_seed(0)
    x = torch.randn(64, 64, 56, 56, requires_grad=True)
    conv = nn.Conv2d(64, 64, 3, 1, 1, bias=False)
    if layout == "channels-last":
        x = x.detach().to(memory_format=torch.channels_last).requires_grad_()
        conv = conv.to(memory_format=torch.channels_last)
    flops = 2 * 64 * 64 * 56 * 56 * 64 * 9
    with torch.no_grad():
        forward = median(timed(lambda: conv(x), 2, runs))
    both = median(timed(lambda: conv(x).sum().backward(), 2, runs))
    return {"forward_gflops": flops / forward / 1e9, "forward_backward_gflops": 3 * flops / both / 1e9}


if __name__ == "__main__":
    workload = sys.argv[1]
    if workload in ("resnet18", "small"):
        layout = sys.argv[2] if len(sys.argv) > 2 else "nchw"
        steps = int(sys.argv[3]) if len(sys.argv) > 3 else (3 if workload == "resnet18" else 30)
        result = network(workload, layout, steps)
    elif workload == "hum":
        layout, result = None, hum(int(sys.argv[2]) if len(sys.argv) > 2 else 15)
    elif workload == "conv3x3":
        layout = sys.argv[2] if len(sys.argv) > 2 else "nchw"
        result = conv3x3(layout, int(sys.argv[3]) if len(sys.argv) > 3 else 5)
    else:
        sys.exit(f"unknown workload {workload!r}: expected resnet18, small, hum or conv3x3")
    result.update(workload=workload, layout=layout, torch=torch.__version__)
    print(json.dumps(result))
