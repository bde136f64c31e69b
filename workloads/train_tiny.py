"""Ray Train: a tiny data-parallel training run that must converge.

Fits y = 3x + 2 from noisy synthetic data on several Ray Train workers. Each worker trains
on its own shard and averages gradients with the others, then the final loss is checked.
With PyTorch installed it uses TorchTrainer (DistributedDataParallel; add --gpu to put one
GPU under each worker); without it, the same loop runs in NumPy on Ray Train's generic
data-parallel trainer, averaging gradients through a Ray actor.

Last line: "PASS: ..." (exit 0) or "FAIL: ..." (exit 1).

    ray job submit --address http://HEAD:8265 --working-dir workloads -- \
        python train_tiny.py --workers 2 --gpu
"""

from __future__ import annotations

import argparse
import os
import sys

TRUE_SLOPE, TRUE_INTERCEPT = 3.0, 2.0
# Noise has standard deviation 0.1, so a fitted model's mean squared error ends near 0.01.
LOSS_TARGET = 0.05
# Every worker must call report() at the same steps; every 20 epochs keeps that cheap.
REPORT_EVERY = 20


def should_report(epoch: int, epochs: int) -> bool:
    """Whether this epoch reports metrics: every REPORT_EVERY epochs, and the last one."""
    return epoch % REPORT_EVERY == 0 or epoch == epochs - 1


def torch_loop(config: dict) -> None:
    """Per-worker loop with PyTorch: DDP averages the gradients across workers."""
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


def numpy_loop(config: dict) -> None:
    """Per-worker loop without PyTorch: gradients are averaged by a shared Ray actor."""
    import numpy as np
    import ray
    import ray.train

    context = ray.train.get_context()
    rank, world = context.get_world_rank(), context.get_world_size()
    averager = ray.get_actor(config["averager"])
    rng = np.random.default_rng(rank)
    x = rng.random(config["rows"])
    y = TRUE_SLOPE * x + TRUE_INTERCEPT + 0.1 * rng.standard_normal(config["rows"])
    slope, intercept = 0.0, 0.0
    for epoch in range(config["epochs"]):
        error = slope * x + intercept - y
        local = np.array([2 * np.mean(error * x), 2 * np.mean(error)])
        grad = ray.get(averager.average.remote(epoch, rank, world, local))
        slope, intercept = slope - 0.5 * grad[0], intercept - 0.5 * grad[1]
        if should_report(epoch, config["epochs"]):
            loss = float(np.mean(error**2))
            ray.train.report({"epoch": epoch, "loss": loss, "device": "cpu"})


class GradientAverager:
    """All-reduce for the NumPy path: returns the mean once every worker has sent its part."""

    def __init__(self) -> None:
        self.parts: dict = {}

    async def average(self, step: int, rank: int, world: int, gradient):
        import asyncio

        parts = self.parts.setdefault(step, {})
        parts[rank] = gradient
        while len(parts) < world:
            await asyncio.sleep(0.001)
        return sum(parts.values()) / world


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="training workers (default 2)")
    parser.add_argument("--gpu", action="store_true", help="one GPU per worker (PyTorch only)")
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--rows", type=int, default=4096, help="rows per worker")
    args = parser.parse_args()

    # Ray Train's current API (the default from Ray 2.51); set before ray.train is imported.
    os.environ.setdefault("RAY_TRAIN_V2_ENABLED", "1")
    import ray
    from ray.train import ScalingConfig

    ray.init(runtime_env={"env_vars": {"RAY_TRAIN_V2_ENABLED": "1"}})
    config = {"epochs": args.epochs, "rows": args.rows}
    try:
        import torch  # noqa: F401

        from ray.train.torch import TorchTrainer

        print("PyTorch found: TorchTrainer")
        trainer = TorchTrainer(
            torch_loop,
            train_loop_config=config,
            scaling_config=ScalingConfig(num_workers=args.workers, use_gpu=args.gpu),
        )
    except ImportError:
        if args.gpu:
            print("FAIL: --gpu needs PyTorch in the image (or runtime_env pip: [torch])")
            return 1
        from ray.train.v2.api.data_parallel_trainer import DataParallelTrainer

        print("PyTorch not installed: NumPy loop on DataParallelTrainer")
        config["averager"] = "train-tiny-gradient-averager"
        averager = ray.remote(num_cpus=0)(GradientAverager).options(
            name=config["averager"], max_concurrency=args.workers * 2
        )
        keep_alive = averager.remote()  # noqa: F841 (the workers find it by name)
        trainer = DataParallelTrainer(
            numpy_loop,
            train_loop_config=config,
            scaling_config=ScalingConfig(num_workers=args.workers),
        )

    try:
        result = trainer.fit()
    except Exception as error:  # Ray Train raises TrainingFailedError on worker errors
        print(f"FAIL: training failed: {error!r}")
        return 1
    if result.error is not None:
        print(f"FAIL: training failed: {result.error!r}")
        return 1
    metrics = result.metrics or {}
    loss = metrics.get("loss")
    print(f"{args.workers} worker(s) on {metrics.get('device', '?')}: final loss {loss}")
    if loss is None or loss > LOSS_TARGET:
        print(f"FAIL: loss {loss} did not fall below {LOSS_TARGET}")
        return 1
    print(f"PASS: {args.workers} Ray Train worker(s) converged (loss {loss:.4f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
