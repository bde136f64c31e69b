"""Actors: a pool of stateful workers sharing a stream of work.

Starts a few actors, each keeping its own running count, and feeds them words through
ray.util.ActorPool, which hands the next item to whichever actor is free. Checks that every
answer is right and in order, and that the actors' own counts add up: state lives in the
actors, between calls.

Last line: "PASS: ..." (exit 0) or "FAIL: ..." (exit 1).

    ray job submit --address http://HEAD:8265 --working-dir workloads -- \
        python actor_pool.py --actors 4
"""

from __future__ import annotations

import argparse
import socket
import sys


class LetterCounter:
    """Counts letters of each word it is given, and how many words it has seen."""

    def __init__(self) -> None:
        self.words_seen = 0

    def count(self, word: str) -> int:
        self.words_seen += 1
        return sum(1 for char in word if char.isalpha())

    def stats(self) -> tuple[str, int]:
        return socket.gethostname(), self.words_seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=4, help="pool size (default 4)")
    parser.add_argument("--words", type=int, default=2000, help="items of work (default 2000)")
    args = parser.parse_args()

    import ray
    from ray.util import ActorPool

    ray.init()
    counter_actor = ray.remote(num_cpus=0.5)(LetterCounter)
    actors = [counter_actor.remote() for _ in range(args.actors)]
    pool = ActorPool(actors)

    words = [f"word{index}-{'x' * (index % 7)}" for index in range(args.words)]
    # map() keeps input order even though actors finish out of order.
    answers = list(pool.map(lambda actor, word: actor.count.remote(word), words))
    expected = [sum(1 for char in word if char.isalpha()) for word in words]

    stats = ray.get([actor.stats.remote() for actor in actors])
    for index, (host, seen) in enumerate(stats):
        print(f"  actor {index} on {host}: {seen} words")
    if answers != expected:
        wrong = sum(1 for got, want in zip(answers, expected) if got != want)
        print(f"FAIL: {wrong} of {len(words)} answers are wrong or out of order")
        return 1
    total_seen = sum(seen for _, seen in stats)
    if total_seen != len(words):
        print(f"FAIL: actors counted {total_seen} words, {len(words)} were sent (lost state?)")
        return 1
    busy = sum(1 for _, seen in stats if seen > 0)
    print(f"PASS: {len(words)} items through {args.actors} actors ({busy} did work)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
