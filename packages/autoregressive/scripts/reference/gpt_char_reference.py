"""PyTorch reference of selfsup's character-level GPT run (scripts/gpt-char-full-run.mjs).

The peer that @selfsup/autoregressive's GPT is compared against, on the same text, split and recipe:
nanoGPT's CPU settings for a character model (Karpathy 2022, config/train_shakespeare_char.py, scaled
as its README's "I only have a MacBook" section):
  4 layers, 4 heads, 128 dims, block 64, batch 12, 2000 iterations, dropout 0, no biases (LayerNorm
  with a gain only, bias-free Linear layers), GELU, pre-LayerNorm blocks, input and output embeddings
  tied, weights normal(0, 0.02) with the two residual projections of each block at 0.02 / sqrt(2 * layers);
  AdamW lr 1e-3, betas 0.9/0.99, eps 1e-8, weight decay 0.1 on every parameter of rank >= 2 (the
  embeddings included) and 0 on the rest, 100 warmup iterations (lr * (it + 1) / 100) then cosine
  decay to 1e-4, gradient clip 1.0 on the global norm.
Data: the text's distinct characters, sorted, are the vocabulary; the first 90% of the characters
is train, the last 10% validation (contiguous). Training windows start at uniform random offsets.

Reported validation loss: the mean loss of --eval-batches random validation batches of 12 x 64 (the
estimate selfsup's script also reports), and the exact loss over the whole validation split in
consecutive 64-character windows (every character after the first predicted once).

usage: /usr/bin/python3 gpt_char_reference.py TEXT_FILE [--iters 2000] [--threads 2] [--seed 1337]
                                              [--eval-batches 200]
Needs PyTorch (Debian: apt-get install python3-torch). Prints one JSON line.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BLOCK, BATCH, LAYERS, HEADS, DIM = 64, 12, 4, 4, 128
LR, MIN_LR, WARMUP, BETAS, WEIGHT_DECAY, CLIP = 1e-3, 1e-4, 100, (0.9, 0.99), 0.1, 1.0


class LayerNorm(nn.Module):
    """LayerNorm with a gain and no bias (nanoGPT's bias=False)."""

    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)


class Block(nn.Module):
    """Pre-LN Transformer block: x + attention(LN(x)), then x + MLP(LN(x))."""

    def __init__(self):
        super().__init__()
        self.ln1 = LayerNorm(DIM)
        self.qkv = nn.Linear(DIM, 3 * DIM, bias=False)
        self.proj = nn.Linear(DIM, DIM, bias=False)
        self.ln2 = LayerNorm(DIM)
        self.fc = nn.Linear(DIM, 4 * DIM, bias=False)
        self.out = nn.Linear(4 * DIM, DIM, bias=False)
        self.register_buffer("mask", torch.tril(torch.ones(BLOCK, BLOCK)).view(1, 1, BLOCK, BLOCK))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(DIM, dim=2)
        q, k, v = (z.view(b, t, HEADS, c // HEADS).transpose(1, 2) for z in (q, k, v))
        attention = (q @ k.transpose(-2, -1)) / math.sqrt(c // HEADS)
        attention = attention.masked_fill(self.mask[:, :, :t, :t] == 0, float("-inf")).softmax(-1)
        x = x + self.proj((attention @ v).transpose(1, 2).reshape(b, t, c))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.vocab = vocab
        self.tok = nn.Embedding(vocab, DIM)
        self.pos = nn.Embedding(BLOCK, DIM)
        self.blocks = nn.ModuleList(Block() for _ in range(LAYERS))
        self.ln = LayerNorm(DIM)
        self.head = nn.Linear(DIM, vocab, bias=False)
        self.tok.weight = self.head.weight  # tied input/output embeddings
        for name, weight in self.named_parameters():
            if weight.dim() == 2:
                residual = name.endswith(("proj.weight", "out.weight"))
                nn.init.normal_(weight, 0.0, 0.02 / math.sqrt(2 * LAYERS) if residual else 0.02)

    def forward(self, idx, targets):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.ln(x))
        return F.cross_entropy(logits.reshape(-1, self.vocab), targets.reshape(-1))


def learning_rate(step, iterations):
    if step < WARMUP:
        return LR * (step + 1) / WARMUP
    ratio = (step - WARMUP) / max(1, iterations - WARMUP)
    return MIN_LR + 0.5 * (1 + math.cos(math.pi * min(1.0, ratio))) * (LR - MIN_LR)


def random_batch(source):
    starts = torch.randint(len(source) - BLOCK - 1, (BATCH,))
    x = torch.stack([source[s:s + BLOCK] for s in starts])
    y = torch.stack([source[s + 1:s + 1 + BLOCK] for s in starts])
    return x, y


def whole_split_loss(model, source):
    """Exact mean loss over consecutive 64-token windows (the last one shorter)."""
    predicted = len(source) - 1
    remainder = predicted % BLOCK
    starts = list(range(0, predicted - remainder, BLOCK))
    total = 0.0
    for first in range(0, len(starts), 64):
        rows = starts[first:first + 64]
        x = torch.stack([source[s:s + BLOCK] for s in rows])
        y = torch.stack([source[s + 1:s + 1 + BLOCK] for s in rows])
        total += model(x, y).item() * y.numel()
    if remainder:
        s = predicted - remainder
        x, y = source[s:s + remainder].view(1, -1), source[s + 1:s + 1 + remainder].view(1, -1)
        total += model(x, y).item() * y.numel()
    return total / predicted


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("text")
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--eval-batches", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    with open(args.text, encoding="utf-8") as file:
        text = file.read()
    chars = sorted(set(text))
    index = {c: i for i, c in enumerate(chars)}
    data = torch.tensor([index[c] for c in text], dtype=torch.long)
    split = int(0.9 * len(data))
    train_data, val_data = data[:split], data[split:]

    model = GPT(len(chars))
    matrices = [w for w in model.parameters() if w.dim() >= 2]
    vectors = [w for w in model.parameters() if w.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": matrices, "weight_decay": WEIGHT_DECAY}, {"params": vectors, "weight_decay": 0.0}],
        lr=LR, betas=BETAS, eps=1e-8)

    start = time.perf_counter()
    train_loss = float("nan")
    for step in range(args.iters):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, args.iters)
        loss = model(*random_batch(train_data))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        train_loss = loss.item()
    seconds = time.perf_counter() - start

    model.eval()
    with torch.no_grad():
        val_loss = statistics.mean(model(*random_batch(val_data)).item() for _ in range(args.eval_batches))
        val_whole = whole_split_loss(model, val_data)
    params = sum(w.numel() for w in model.parameters())
    print(json.dumps({
        "workload": "gpt-char", "framework": "pytorch " + torch.__version__, "threads": args.threads,
        "text_chars": len(data), "vocab": len(chars), "params": params, "iters": args.iters,
        "seed": args.seed, "train_loss_last_batch": round(train_loss, 4), "val_loss": round(val_loss, 4),
        "val_loss_whole_split": round(val_whole, 4), "seconds": round(seconds, 1),
        "tokens_per_s": round(args.iters * BATCH * BLOCK / seconds)}))


if __name__ == "__main__":
    main()
