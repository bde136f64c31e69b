"""GPU check: does Ray see every GPU, and does each one compute?

Starts one actor per GPU (each actor holds a whole GPU, so no two share one), asks each for
its host, CUDA device and, where PyTorch is installed, the result of a small matrix product
computed on the GPU and compared with the CPU's. On autoscaling clusters pass --expect-gpus:
the actors' demand is what makes the autoscaler add GPU workers.

Last line: "PASS: ..." (exit 0) or "FAIL: ..." (exit 1).

    ray job submit --address http://HEAD:8265 --working-dir workloads -- \
        python gpu_check.py --expect-gpus 2
"""

from __future__ import annotations

import argparse
import os
import socket
import sys


def probe_this_gpu() -> dict:
    """Runs inside a one-GPU actor: where am I, which GPU, and can it multiply matrices?"""
    import ray  # imported here: the module must load where Ray is absent (py_compile, docs)

    report = {
        "host": socket.gethostname(),
        "ray_gpu_ids": [str(gpu) for gpu in ray.get_gpu_ids()],
        "cuda_visible_devices": os.environ.get("CUDA_VISIBLE_DEVICES", ""),
        "device": "unknown",
        "matmul": "skipped: PyTorch not installed",
        "ok": True,
    }
    try:
        import torch
    except ImportError:
        return report
    if not torch.cuda.is_available():
        report.update(matmul="torch sees no CUDA device", ok=False)
        return report
    report["device"] = torch.cuda.get_device_name(0)
    left = torch.randn(512, 512)
    right = torch.randn(512, 512)
    on_gpu = (left.cuda() @ right.cuda()).cpu()
    # TF32 on Ampere and newer rounds products, hence the loose tolerance.
    agrees = torch.allclose(on_gpu, left @ right, rtol=1e-2, atol=1e-1)
    report.update(matmul="ok" if agrees else "GPU result differs from CPU", ok=agrees)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--expect-gpus",
        type=int,
        default=0,
        help="GPUs the cluster must have (default: as many as Ray reports, at least one)",
    )
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds to wait for GPU workers to start"
    )
    args = parser.parse_args()

    import ray

    ray.init()
    reported = int(ray.cluster_resources().get("GPU", 0))
    expected = args.expect_gpus or reported
    print(f"Ray reports {reported} GPU(s); checking {expected}.")
    if expected == 0:
        print("FAIL: Ray sees no GPU (on an autoscaling cluster, pass --expect-gpus N)")
        return 1

    probe_actor = ray.remote(num_gpus=1)(GpuProbe)
    actors = [probe_actor.remote() for _ in range(expected)]
    pending = [actor.probe.remote() for actor in actors]
    ready, not_ready = ray.wait(pending, num_returns=len(pending), timeout=args.timeout)
    reports = ray.get(ready)
    for report in reports:
        print(
            f"  {report['host']} GPU {','.join(report['ray_gpu_ids']) or '?'} "
            f"(CUDA_VISIBLE_DEVICES={report['cuda_visible_devices'] or '-'}) "
            f"{report['device']}: matmul {report['matmul']}"
        )

    distinct = {(r["host"], tuple(r["ray_gpu_ids"])) for r in reports}
    if not_ready:
        print(f"FAIL: only {len(ready)} of {expected} GPUs came up within {args.timeout:.0f} s")
        return 1
    if len(distinct) != expected:
        print(f"FAIL: {expected} probes landed on {len(distinct)} distinct GPUs")
        return 1
    broken = [r for r in reports if not r["ok"]]
    if broken:
        print(f"FAIL: {len(broken)} of {expected} GPUs failed the matrix product")
        return 1
    print(f"PASS: {expected} GPU(s) visible to Ray, each on its own device")
    return 0


class GpuProbe:
    """Holds one GPU for as long as it lives; made a Ray actor in main()."""

    def probe(self) -> dict:
        return probe_this_gpu()


if __name__ == "__main__":
    sys.exit(main())
