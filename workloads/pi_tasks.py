"""Task fan-out: estimate pi with many independent Ray tasks.

Each task throws darts at the unit square and counts hits inside the quarter circle; the
driver adds the counts. Shows that tasks spread over the cluster's nodes and that results
come back intact. With the defaults (32 tasks x 1,000,000 samples) the estimate's standard
error is about 0.0003, so the 0.01 tolerance only fails when something is broken.

Last line: "PASS: ..." (exit 0) or "FAIL: ..." (exit 1).

    ray job submit --address http://HEAD:8265 --working-dir workloads -- \
        python pi_tasks.py --tasks 64
"""

from __future__ import annotations

import argparse
import math
import random
import socket
import sys
import time


def count_hits(samples: int, seed: int) -> tuple[int, str]:
    """Darts inside the quarter circle out of `samples`, and the host that threw them."""
    rng = random.Random(seed)
    hits = 0
    for _ in range(samples):
        x, y = rng.random(), rng.random()
        if x * x + y * y <= 1.0:
            hits += 1
    return hits, socket.gethostname()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=32, help="number of tasks (default 32)")
    parser.add_argument(
        "--samples", type=int, default=1_000_000, help="samples per task (default 1,000,000)"
    )
    parser.add_argument("--tolerance", type=float, default=0.01)
    args = parser.parse_args()

    import ray

    ray.init()
    remote_count = ray.remote(count_hits)
    started = time.monotonic()
    # One seed per task keeps tasks independent (and a rerun reproducible).
    results = ray.get([remote_count.remote(args.samples, seed) for seed in range(args.tasks)])
    elapsed = time.monotonic() - started

    hits = sum(count for count, _ in results)
    hosts = sorted({host for _, host in results})
    estimate = 4.0 * hits / (args.tasks * args.samples)
    error = abs(estimate - math.pi)
    print(f"{args.tasks} tasks on {len(hosts)} node(s) in {elapsed:.1f} s: {', '.join(hosts)}")
    print(f"pi is about {estimate:.6f} (error {error:.6f})")
    if error > args.tolerance:
        print(f"FAIL: error {error:.4f} exceeds {args.tolerance}; task results are wrong")
        return 1
    print(f"PASS: {args.tasks} tasks completed on {len(hosts)} node(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
