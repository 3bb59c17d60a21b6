"""Times PyTorch's CPU matmul `a @ w.T` (activation [M, K], weights [N, K]) in fp32 and bf16.

The baseline for dscope's own matmul kernels: same shapes, same thread count.

    python3 tools/bench_torch_matmul.py [--threads 2] [--m 128] [--k 4096] [--n 4096] [--runs 5]

Ends with one `gflops_<dtype>=<number>` line per dtype and `gflops=<fp32 number>`, for scripts to grep.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch


def time_matmul(a: torch.Tensor, w: torch.Tensor, warmup: int, runs: int) -> float:
    """Median seconds of `a @ w.T`."""
    for _ in range(warmup):
        a @ w.T
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        a @ w.T
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--m", type=int, default=128, help="rows of the activation (tokens)")
    parser.add_argument("--k", type=int, default=4096, help="inner dimension")
    parser.add_argument("--n", type=int, default=4096, help="rows of the weight (output features)")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dtypes", default="fp32,bf16")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    flops = 2.0 * args.m * args.k * args.n
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"a [{args.m}x{args.k}] @ w.T [{args.n}x{args.k}], median of {args.runs}")
    dtypes = {"fp32": torch.float32, "bf16": torch.bfloat16}
    results = {}
    with torch.inference_mode():
        a32 = torch.randn(args.m, args.k)
        w32 = torch.randn(args.n, args.k) * 0.02
        for name in args.dtypes.split(","):
            dtype = dtypes[name]
            # bf16: both operands bf16, the way a bf16 model runs in PyTorch
            a, w = a32.to(dtype), w32.to(dtype)
            seconds = time_matmul(a, w, args.warmup, args.runs)
            results[name] = flops / seconds / 1e9
            print(f"{name}: {seconds * 1e3:8.2f} ms  {results[name]:8.1f} GFLOP/s")
    for name, gflops in results.items():
        print(f"gflops_{name}={gflops:.1f}")
    if "fp32" in results:
        print(f"gflops={results['fp32']:.1f}")


if __name__ == "__main__":
    main()
