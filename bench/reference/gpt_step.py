"""Reference: one GPT training step in nanoGPT's CPU configuration, in PyTorch.

The peer of `pnpm bench`'s workload A (see bench/README.md), matching its configuration exactly:
vocab 65, block 64, batch 12, 4 layers, 4 heads, 128 dims, dropout 0, with biases (nanoGPT's
bias=True, as selfsup's Transformer encoder has them), pre-LayerNorm, exact GELU, tied input/output embeddings, AdamW (lr 1e-3, betas 0.9/0.99,
weight decay 0.1 on matrices, 0 on vectors), grad clip 1.0 (global norm). Fixed random tokens
(seeded), so the loss must fall over the steps. Times forward + backward + clip + update.

usage: /usr/bin/python3 gpt_step.py [--threads 2] [--steps 20] [--warmup 3] [--seed 0] [--serve]
prints one JSON line: ms_per_step, tokens_per_s (median), loss_first, loss_last
(--serve: the protocol of _timing.py).
"""
import argparse, math, os, sys

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

VOCAB, BLOCK, BATCH, LAYERS, HEADS, DIM = 65, 64, 12, 4, 4, 128


def LayerNorm(dim):
    """LayerNorm with a gain and a bias (nanoGPT's bias=True)."""
    return nn.LayerNorm(dim, eps=1e-5)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM)
        self.proj = nn.Linear(DIM, DIM)
        self.ln2 = LayerNorm(DIM)
        self.fc = nn.Linear(DIM, 4 * DIM)
        self.out = nn.Linear(4 * DIM, DIM)
        self.register_buffer("mask", torch.tril(torch.ones(BLOCK, BLOCK)).view(1, 1, BLOCK, BLOCK))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(DIM, dim=2)
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // HEADS)
        att = att.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf")).softmax(-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, c))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, DIM)
        self.pos = nn.Embedding(BLOCK, DIM)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln = LayerNorm(DIM)
        self.head = nn.Linear(DIM, VOCAB, bias=False)
        self.tok.weight = self.head.weight
        for name, w in self.named_parameters():
            if w.dim() == 2:
                std = 0.02 / math.sqrt(2 * LAYERS) if name.endswith(("proj.weight", "out.weight")) else 0.02
                nn.init.normal_(w, 0.0, std)

    def forward(self, idx, targets):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.ln(x))
        return F.cross_entropy(logits.view(-1, VOCAB), targets.view(-1))


model = GPT()
matrices = [w for w in model.parameters() if w.dim() >= 2]
vectors = [w for w in model.parameters() if w.dim() < 2]
optimizer = torch.optim.AdamW([{"params": matrices, "weight_decay": 0.1}, {"params": vectors, "weight_decay": 0.0}],
                              lr=1e-3, betas=(0.9, 0.99))
tokens = torch.randint(0, VOCAB, (BATCH, BLOCK))
targets = torch.randint(0, VOCAB, (BATCH, BLOCK))


def step():
    loss = model(tokens, targets)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    return loss.item()


run(step, args, {"workload": "gpt", "framework": "pytorch " + torch.__version__, "threads": args.threads,
                 "params": sum(w.numel() for w in model.parameters())}, BATCH * BLOCK, "tokens_per_s")
