"""Shared timing loop of the reference scripts: warm-up, timed steps, and the --serve protocol.

Standalone: run `warmup` untimed steps, then `steps` timed steps, print one JSON line.
--serve: run the warm-up, print one JSON line {"ready": true, ...}, then for every line N read from
stdin run N timed steps and print one JSON line {"times_ms": [...], "losses": [...]}; exit on EOF.
The serve mode lets `pnpm bench` interleave PyTorch rounds with its own in one run.
"""
import json, statistics, sys, time


def timed_steps(step, count):
    times, losses = [], []
    for _ in range(count):
        start = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - start) * 1e3)
        losses.append(loss)
    return times, losses


def run(step, args, info, units_per_step, unit):
    for _ in range(args.warmup):
        step()
    if args.serve:
        print(json.dumps({"ready": True, **info}), flush=True)
        for line in sys.stdin:
            line = line.strip()
            if not line:
                continue
            times, losses = timed_steps(step, int(line))
            print(json.dumps({"times_ms": [round(t, 3) for t in times], "losses": losses}), flush=True)
        return
    times, losses = timed_steps(step, args.steps)
    median = statistics.median(times)
    print(json.dumps({**info, "ms_per_step": round(median, 2), unit: round(units_per_step * 1e3 / median),
                      "loss_first": round(losses[0], 4), "loss_last": round(losses[-1], 4)}))


def add_common_arguments(parser):
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--serve", action="store_true")
