"""Reference: one SimCLR training step of a small conv encoder, in PyTorch.

The peer of `pnpm bench`'s workload B (see bench/README.md), matching its configuration exactly:
a batch of 256 inputs of 28x28x1 (128 images x 2 views, pre-augmented random data: the second view
is the first plus Gaussian noise of std 0.1, clipped to [0, 1]), conv(32, 3x3, same, no bias)-BN-ReLU-
maxpool2, conv(64, 3x3, same, no bias)-BN-ReLU-maxpool2, flatten, dense 128 + ReLU (the
representation), projection 128 -> 128 (ReLU) -> 64, NT-Xent (temperature 0.5, cosine similarity,
self-similarity masked out), Adam lr 1e-3. Fixed data, so the loss must fall over the steps.
Times forward + backward + update.

usage: /usr/bin/python3 simclr_step.py [--threads 2] [--steps 20] [--warmup 3] [--seed 0] [--serve]
prints one JSON line: ms_per_step, images_per_s (median), loss_first, loss_last
(--serve: the protocol of _timing.py).
"""
import argparse, os, sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import add_common_arguments, run  # noqa: E402

parser = argparse.ArgumentParser()
add_common_arguments(parser)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(args.seed)

IMAGES, SIZE, TEMPERATURE = 128, 28, 0.5
N = 2 * IMAGES
net = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1, bias=False), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(7 * 7 * 64, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 64))
optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
first_view = torch.rand(IMAGES, 1, SIZE, SIZE)
second_view = (first_view + 0.1 * torch.randn(IMAGES, 1, SIZE, SIZE)).clamp(0, 1)
images = torch.cat([first_view, second_view])
positives = torch.cat([torch.arange(IMAGES, N), torch.arange(0, IMAGES)])
self_mask = torch.eye(N, dtype=torch.bool)


def nt_xent(z):
    z = F.normalize(z, dim=1)
    similarity = (z @ z.t() / TEMPERATURE).masked_fill(self_mask, -1e9)
    return F.cross_entropy(similarity, positives)


def step():
    loss = nt_xent(net(images))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


run(step, args, {"workload": "simclr", "framework": "pytorch " + torch.__version__, "threads": args.threads,
                 "params": sum(w.numel() for w in net.parameters())}, N, "images_per_s")
