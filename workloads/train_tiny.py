"""Ray Train: a tiny data-parallel training run that must converge.

Fits y = 3x + 2 from noisy synthetic data on several Ray Train workers. Each worker trains
on its own shard and averages gradients with the others, then the final loss is checked.
With PyTorch installed it uses Ray Train's TorchTrainer (DistributedDataParallel; add --gpu
to put one GPU under each worker). Without PyTorch, the same loop runs in NumPy as plain Ray
tasks, averaging gradients through a coordinating actor: that proves Ray core, not Ray Train.

Last line: "PASS: ..." (exit 0) or "FAIL: ..." (exit 1).

    ray job submit --address http://HEAD:8265 --working-dir workloads -- \
        python train_tiny.py --workers 2 --gpu
"""

from __future__ import annotations

import argparse
import sys

TRUE_SLOPE, TRUE_INTERCEPT = 3.0, 2.0
# Noise has standard deviation 0.1, so a fitted model's mean squared error ends near 0.01.
LOSS_TARGET = 0.05
# Every Ray Train worker must call report() at the same steps; every 20 epochs keeps that cheap.
REPORT_EVERY = 20


def should_report(epoch: int, epochs: int) -> bool:
    """Whether this epoch reports metrics: every REPORT_EVERY epochs, and the last one."""
    return epoch % REPORT_EVERY == 0 or epoch == epochs - 1


def torch_loop(config: dict) -> None:
    """Per-worker loop with PyTorch: DDP averages the gradients across workers."""
    import ray
    import ray.train
    import ray.train.torch
    import torch

    rank = ray.train.get_context().get_world_rank()
    generator = torch.Generator().manual_seed(rank)
    x = torch.rand(config["rows"], 1, generator=generator)
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + 0.1 * torch.randn(x.shape, generator=generator)
    model = ray.train.torch.prepare_model(torch.nn.Linear(1, 1))
    device = ray.train.torch.get_device()
    x, y = x.to(device), y.to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    for epoch in range(config["epochs"]):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        if should_report(epoch, config["epochs"]):
            ray.train.report({"epoch": epoch, "loss": loss.item(), "device": str(device)})
    ray.get(config["coordinator"].record.remote(rank, loss.item(), str(device)))


def numpy_loop(config: dict, rank: int, world: int) -> None:
    """Per-worker loop without PyTorch: the coordinator actor averages the gradients."""
    import numpy as np
    import ray

    coordinator = config["coordinator"]
    rng = np.random.default_rng(rank)
    x = rng.random(config["rows"])
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + 0.1 * rng.standard_normal(config["rows"])
    slope, intercept = 0.0, 0.0
    loss = float("nan")
    for epoch in range(config["epochs"]):
        error = slope * x + intercept - y
        loss = float(np.mean(error**2))
        local = np.array([2 * np.mean(error * x), 2 * np.mean(error)])
        grad = ray.get(coordinator.average.remote(epoch, rank, world, local))
        slope, intercept = slope - 0.5 * grad[0], intercept - 0.5 * grad[1]
    ray.get(coordinator.record.remote(rank, loss, "cpu"))


class Coordinator:
    """Shared by the workers: all-reduce for the NumPy path, and every worker's final loss.

    The final losses come back through this actor rather than Ray Train's Result, whose
    `metrics` (Ray Train V2, the default from Ray 2.51) only carries metrics reported with a
    checkpoint, and this run keeps none.
    """

    def __init__(self) -> None:
        self.parts: dict = {}
        self.finals: dict = {}

    async def average(self, step: int, rank: int, world: int, gradient):
        import asyncio

        parts = self.parts.setdefault(step, {})
        parts[rank] = gradient
        while len(parts) < world:
            await asyncio.sleep(0.001)
        return sum(parts.values()) / world

    async def record(self, rank: int, loss: float, device: str) -> None:
        self.finals[rank] = (loss, device)

    async def final(self) -> dict:
        return dict(self.finals)


def run_torch(args: argparse.Namespace, coordinator) -> str | None:
    """Ray Train's TorchTrainer; returns an error text, or None when training finished."""
    from ray.train import ScalingConfig
    from ray.train.torch import TorchTrainer

    trainer = TorchTrainer(
        torch_loop,
        train_loop_config={"epochs": args.epochs, "rows": args.rows, "coordinator": coordinator},
        scaling_config=ScalingConfig(num_workers=args.workers, use_gpu=args.gpu),
    )
    try:
        result = trainer.fit()
    except Exception as error:  # Ray Train raises TrainingFailedError on worker errors
        return f"training failed: {error!r}"
    return None if result.error is None else f"training failed: {result.error!r}"


def run_numpy(args: argparse.Namespace, coordinator) -> str | None:
    """The same loop as plain Ray tasks (public Ray core APIs only), one CPU each."""
    import ray
    from ray.util.placement_group import placement_group, remove_placement_group
    from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

    # Reserve every worker's CPU first: the all-reduce needs them all running at once.
    group = placement_group([{"CPU": 1}] * args.workers)
    ready, _ = ray.wait([group.ready()], timeout=args.start_timeout)
    if not ready:
        remove_placement_group(group)
        return (
            f"{args.workers} workers with 1 CPU each did not fit "
            f"within {args.start_timeout:.0f} s"
        )
    config = {"epochs": args.epochs, "rows": args.rows, "coordinator": coordinator}
    worker = ray.remote(num_cpus=1)(numpy_loop)
    try:
        ray.get(
            [
                worker.options(
                    scheduling_strategy=PlacementGroupSchedulingStrategy(group)
                ).remote(config, rank, args.workers)
                for rank in range(args.workers)
            ]
        )
    except Exception as error:
        return f"training failed: {error!r}"
    finally:
        remove_placement_group(group)
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="training workers (default 2)")
    parser.add_argument("--gpu", action="store_true", help="one GPU per worker (PyTorch only)")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--rows", type=int, default=4096, help="rows per worker")
    parser.add_argument(
        "--start-timeout",
        type=float,
        default=600,
        help="seconds the NumPy workers may wait for CPUs (default 600)",
    )
    args = parser.parse_args()

    import ray

    # No runtime_env here: as a submitted job, the job's runtime environment (with the user's
    # --runtime-env-json) applies to the driver and every worker.
    ray.init()
    # Every worker may wait in average() at once; room for them and record() calls besides.
    coordinator = (
        ray.remote(num_cpus=0)(Coordinator).options(max_concurrency=args.workers * 2 + 2).remote()
    )
    try:
        import torch  # noqa: F401

        has_torch = True
    except ImportError:
        has_torch = False
    if has_torch:
        print("PyTorch found: TorchTrainer")
        error = run_torch(args, coordinator)
    elif args.gpu:
        print("FAIL: --gpu needs PyTorch in the image (or runtime_env pip: [torch])")
        return 1
    else:
        print("PyTorch not installed: NumPy loop on Ray core tasks (Ray Train needs PyTorch)")
        error = run_numpy(args, coordinator)
    if error is not None:
        print(f"FAIL: {error}")
        return 1

    finals = ray.get(coordinator.final.remote())
    if len(finals) != args.workers:
        print(f"FAIL: {len(finals)} of {args.workers} workers reported a final loss")
        return 1
    loss = max(final_loss for final_loss, _ in finals.values())
    device = finals[0][1]
    print(f"{args.workers} worker(s) on {device}: final loss {loss}")
    if not loss <= LOSS_TARGET:  # also catches NaN
        print(f"FAIL: loss {loss} did not fall below {LOSS_TARGET}")
        return 1
    what = "Ray Train" if has_torch else "NumPy Ray task"
    print(f"PASS: {args.workers} {what} worker(s) converged (loss {loss:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
