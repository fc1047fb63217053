#!/usr/bin/python3
"""descent vs torch: one training step of the Fashion-MNIST MLP, same thread count.

    /usr/bin/python3 bench/compare_torch_train.py [--bench build/release/bench/nn_bench]

The step is what a training loop does per batch: zero_grad, forward of 784-256-10 (Linear, ReLU,
Linear), softmax cross-entropy, backward, SGD step (lr 0.01, momentum 0.9), on random float32
inputs. descent's side is BM_TrainStep of bench/nn_bench.cpp (wall time); torch's side is timed
here with torch.set_num_threads(n). Both run in this one invocation, so the ratio is meaningful on
a noisy machine; the absolute numbers are not.

Debian's torch does its matrix products through the system's libblas.so.3: with the reference BLAS
(the default) torch is ~15x slower than with OpenBLAS, so install `libopenblas0-openmp` (OpenMP
threads, like torch's own pool; scripts/deps.sh --with-blas) before comparing; the script prints
which BLAS is in use. OpenBLAS 0.3.21 takes an AMD Zen 5 for a Haswell (AVX2 kernels);
OPENBLAS_CORETYPE=SkylakeX gives it its AVX-512 kernels (~1.8x on these products, gemm_bench).
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import torch


def time_torch(batch, threads, steps, repetitions):
    """Median samples/s of the torch step over `repetitions` runs of `steps` steps."""
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.rand(batch, 784) * 2 - 1
    y = torch.arange(batch) % 10

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(20):  # warm-up: allocator, momentum buffers
        step()
    rates = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(batch * steps / (time.perf_counter() - start))
    return statistics.median(rates)


def run_descent(bench, repetitions):
    """{(batch, threads): median samples/s} from BM_TrainStep."""
    out = subprocess.run(
        [bench, "--benchmark_filter=BM_TrainStep", f"--benchmark_repetitions={repetitions}",
         "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
        check=True, capture_output=True, text=True).stdout
    rates = {}
    for entry in json.loads(out)["benchmarks"]:
        if entry.get("aggregate_name") == "median":
            # run_name: BM_TrainStep/batch:128/threads:2/real_time
            fields = dict(part.split(":") for part in entry["run_name"].split("/") if ":" in part)
            rates[(int(fields["batch"]), int(fields["threads"]))] = entry["items_per_second"]
    return rates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=os.path.join("build", "release", "bench", "nn_bench"))
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--steps", type=int, default=200, help="torch steps per repetition")
    args = parser.parse_args()

    descent = run_descent(args.bench, args.repetitions)
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"torch's BLAS: {blas}")
    print(f"torch {torch.__version__}, MLP 784-256-10 + SGD momentum, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'batch':>5} {'threads':>7} {'torch samples/s':>15} {'descent samples/s':>17} "
          f"{'descent/torch':>13}")
    for (batch, threads), rate in sorted(descent.items()):
        torch_rate = time_torch(batch, threads, args.steps, args.repetitions)
        print(f"{batch:>5} {threads:>7} {torch_rate:>15.0f} {rate:>17.0f} {rate / torch_rate:>13.2f}")


if __name__ == "__main__":
    main()
