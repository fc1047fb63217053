#!/usr/bin/python3
"""descent vs torch.optim: one optimizer step on 10M float32 parameters, same thread count.

    /usr/bin/python3 bench/compare_torch.py [--bench build/release/bench/optim_bench] [--threads 1 2]

For each thread count it runs descent's benchmark binary (bench/optim_bench.cpp: the step of
SGD with momentum, Adam and AdamW, and the triad a = b + s*c as the memory-bandwidth ceiling),
then times torch.optim's step on the same problem (torch.set_num_threads(n), foreach off, the
parameters as one tensor and as 100, the faster counted; the values and gradients are the
benchmark's: p_i = (i % 997)*1e-3 - 0.5, g_i = (i % 1009)*1e-4 - 0.05), and
prints the ratios measured in this one run. Times are wall-clock medians of --repetitions
repetitions; bytes/s count each array a step reads or writes once (SGD momentum 5 arrays,
Adam/AdamW 7, triad 3; 4 bytes per element).
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import torch

N = 10_000_000
CASES = [
    ("sgd_momentum", lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9, foreach=False), 5),
    ("adam", lambda ps: torch.optim.Adam(ps, lr=0.001, foreach=False), 7),
    ("adamw", lambda ps: torch.optim.AdamW(ps, lr=0.001, foreach=False), 7),
]
# torch's layouts of the same N parameters: one tensor, or 100 of N/100. One 10M tensor makes its
# temporaries (40 MB each) fresh mappings every step, and a page fault costs ~20 us in this VM:
# Adam took ~430 ms per step so, against ~17 ms as 100 tensors. torch's best layout is the anchor.
LAYOUTS = (1, 100)


def time_torch(make, tensors, steps, repetitions):
    """Median wall time of one step, over `repetitions` runs of `steps` steps, with the N
    parameters split into `tensors` tensors."""
    i = torch.arange(N, dtype=torch.float32)
    params = [t.clone().requires_grad_() for t in ((i % 997) * 1e-3 - 0.5).chunk(tensors)]
    for p, g in zip(params, ((i % 1009) * 1e-4 - 0.05).chunk(tensors)):
        p.grad = g.clone()
    opt = make(params)
    opt.step()  # warm-up; creates the state
    per_step = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(steps):
            opt.step()
        per_step.append((time.perf_counter() - start) / steps)
    return statistics.median(per_step)


def run_descent(bench, threads, repetitions):
    """{name: median entry} from the benchmark binary's JSON output, for one thread count."""
    out = subprocess.run(
        [bench, f"--benchmark_filter=/threads:{threads}/",
         f"--benchmark_repetitions={repetitions}", "--benchmark_report_aggregates_only=true",
         "--benchmark_format=json"],
        check=True, capture_output=True, text=True).stdout
    medians = {}
    for entry in json.loads(out)["benchmarks"]:
        if entry.get("aggregate_name") == "median":
            name = entry["run_name"].split("/threads:")[0].replace("BM_Step/", "")
            medians[name] = entry
    return medians


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", default=os.path.join("build", "release", "bench", "optim_bench"))
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--steps", type=int, default=10, help="torch steps per repetition")
    args = parser.parse_args()

    print(f"torch {torch.__version__}, {N} float32 parameters, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'threads':>7} {'optimizer':<13} {'torch ms':>9} {'descent ms':>10} "
          f"{'torch/descent':>13} {'descent/triad':>13} {'torch/triad':>11}")
    for threads in args.threads:
        descent = run_descent(args.bench, threads, args.repetitions)
        triad_rate = descent["BM_Triad"]["bytes_per_second"]
        torch.set_num_threads(threads)
        for name, make, streams in CASES:
            torch_seconds = min(time_torch(make, k, args.steps, args.repetitions) for k in LAYOUTS)
            entry = descent[name]
            descent_ms = entry["real_time"]  # the benchmark reports milliseconds
            assert entry["time_unit"] == "ms"
            torch_rate = streams * 4 * N / torch_seconds
            print(f"{threads:>7} {name:<13} {torch_seconds * 1e3:>9.2f} {descent_ms:>10.2f} "
                  f"{torch_seconds * 1e3 / descent_ms:>13.2f} {entry['bytes_per_second'] / triad_rate:>13.2f} "
                  f"{torch_rate / triad_rate:>11.2f}")


if __name__ == "__main__":
    main()
