"""A stand-in reference for the session tests: no torch needed, same --serve protocol.

Each step sleeps ~1 ms and returns a loss that halves, so a test can check times and losses.
"""
import argparse, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "reference"))
from _timing import add_common_arguments, run  # noqa: E402

parser = argparse.ArgumentParser()
add_common_arguments(parser)
args = parser.parse_args()
state = {"loss": 8.0, "steps": 0}


def step():
    state["steps"] += 1
    time.sleep(0.001)
    state["loss"] /= 2
    return state["loss"]


run(step, args, {"workload": "fake", "framework": "fake 0", "threads": args.threads, "params": 1}, 10, "units_per_s")
