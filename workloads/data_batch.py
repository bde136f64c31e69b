"""Ray Data: a small batch pipeline with a known answer.

Builds a dataset of the integers 0..N-1, squares them in batches (map_batches, NumPy
format) spread over the cluster, and sums the squares. The sum has a closed form,
(N-1)N(2N-1)/6, so a lost, repeated or corrupted batch shows up as a wrong total.

Last line: "PASS: ..." (exit 0) or "FAIL: ..." (exit 1).

    ray job submit --address http://HEAD:8265 --working-dir workloads -- \
        python data_batch.py --rows 2000000
"""

from __future__ import annotations

import argparse
import sys
import time

# The int64 sum of squares overflows above about 3.03 million rows.
MAX_ROWS = 3_000_000


def square_batch(batch: dict) -> dict:
    """One batch in, one batch out: adds the column `square` as int64."""
    ids = batch["id"].astype("int64")
    return {"id": ids, "square": ids * ids}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="dataset size (default 1e6)")
    parser.add_argument("--batch-size", type=int, default=10_000)
    args = parser.parse_args()
    if not 0 < args.rows <= MAX_ROWS:
        parser.error(f"--rows must be between 1 and {MAX_ROWS:,}")

    import ray

    ray.init()
    started = time.monotonic()
    # materialize() runs the pipeline once and keeps its blocks in the object store; the row
    # count is then read from their metadata and the sum computed from them, not recomputed.
    squared = (
        ray.data.range(args.rows)
        .map_batches(square_batch, batch_format="numpy", batch_size=args.batch_size)
        .materialize()
    )
    rows = squared.count()
    total = squared.sum("square")
    elapsed = time.monotonic() - started

    n = args.rows
    expected = (n - 1) * n * (2 * n - 1) // 6
    print(f"{rows} rows, sum of squares {total} in {elapsed:.1f} s (expected {expected})")
    if rows != n:
        print(f"FAIL: the pipeline produced {rows} rows, not {n}")
        return 1
    if int(total) != expected:
        print(f"FAIL: sum of squares is off by {int(total) - expected}")
        return 1
    print(f"PASS: Ray Data processed {n} rows in batches of {args.batch_size}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
