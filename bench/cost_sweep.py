#!/usr/bin/python3
"""How training cost grows: descent vs torch samples/s over MLP width, batch size and data rows.

    /usr/bin/python3 bench/cost_sweep.py [--descent build/release/descent] [--out cost_sweep]
                                         [--full] [--threads 1] [--repetitions 3]
                                         [--min-samples 200000]

Each point is `descent train` on synthetic blobs (2 features, 3 classes, MLP 2-W-3 with ReLU,
SGD lr 0.01 momentum 0.9, shuffled, no validation/test split; summary.json's samples_per_second,
the training's wall time) and the same epochs in torch (same shapes, optimizer, shuffling, batch;
timed around the epochs after a warm-up batch), alternated point by point in one run with the
same thread count; each point trains whole epochs until it has seen --min-samples samples (so a
point of 10k rows lasts long enough to time) and is the median of --repetitions. The sweep varies
one axis at a time around width 256, batch 128,
10k rows: by default a short grid (a few minutes), with --full widths 64..2048, batches 1..1024
and rows 10k..1M. Writes OUT/cost_sweep.csv (axis, width, batch, rows, descent and torch
samples/s, ratio) and, when gnuplot is installed, OUT/cost_sweep.svg with the .gp script and .dat
data beside it. Debian packages: python3-torch, gnuplot-nox. Only ratios carry over between
machines. Debian's torch multiplies through the system's libblas.so.3: install OpenBLAS
(libopenblas0-openmp) first, as for bench/compare_torch_train.py; the BLAS in use is printed.
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

torch = None  # imported in main() once OMP_NUM_THREADS is set: OpenBLAS reads it when loaded

BASE = {"width": 256, "batch": 128, "rows": 10000}
SHORT = {"width": [64, 256, 1024], "batch": [1, 32, 128, 512], "rows": [10000, 100000]}
FULL = {"width": [64, 128, 256, 512, 1024, 2048], "batch": [1, 4, 16, 64, 256, 1024],
        "rows": [10000, 100000, 1000000]}


def epochs_for(rows, min_samples):
    """Epochs that make at least min_samples samples: a point of 10k rows lasts long enough to time."""
    return max(1, -(-min_samples // rows))


def descent_rate(binary, width, batch, rows, epochs, tmp):
    run = os.path.join(tmp, "run")
    subprocess.run([binary, "train", "--data", "synthetic:blobs", "--samples", str(rows),
                    "--model", f"mlp:{width}", "--activation", "relu", "--batch-size", str(batch),
                    "--epochs", str(epochs), "--val-split", "0", "--test-split", "0", "--seed", "0",
                    "--optimizer", '{"name":"sgd","lr":0.01,"momentum":0.9}', "--out", run,
                    "--force", "--progress", "none"],
                   check=True, capture_output=True)
    with open(os.path.join(run, "summary.json")) as f:
        return json.load(f)["samples_per_second"]


def torch_rate(width, batch, rows, epochs):
    torch.manual_seed(0)
    x = torch.randn(rows, 2)
    y = torch.arange(rows) % 3
    model = torch.nn.Sequential(torch.nn.Linear(2, width), torch.nn.ReLU(),
                                torch.nn.Linear(width, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step(rows_of_batch):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x[rows_of_batch]), y[rows_of_batch]).backward()
        opt.step()

    step(torch.arange(min(batch, rows)))  # warm-up: allocator, momentum buffers
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(rows)
        for begin in range(0, rows, batch):
            step(order[begin:begin + batch])
    return epochs * rows / (time.perf_counter() - start)


def plot(out, rows):
    """cost_sweep.svg: one panel per axis, samples/s of both on log-log scales."""
    if not shutil.which("gnuplot"):
        print("no plot: gnuplot is not installed (apt-get install gnuplot-nox)")
        return
    axes = [a for a in ("width", "batch", "rows") if any(r["axis"] == a for r in rows)]
    for axis in axes:
        with open(os.path.join(out, f"cost_sweep_{axis}.dat"), "w") as f:
            f.write(f"# {axis} descent_samples_per_s torch_samples_per_s\n")
            for r in rows:
                if r["axis"] == axis:
                    f.write(f"{r[axis]} {r['descent']} {r['torch']}\n")
    def held(axis):  # the other axes, at their base values
        return ", ".join(f"{b} {BASE[b]}" for b in ("width", "batch", "rows") if b != axis)
    panels = "\n".join(
        f"set title 'varying {a} ({held(a)})'\nset xlabel '{a}'\n"
        f"plot 'cost_sweep_{a}.dat' using 1:2 with linespoints title 'descent', "
        f"'' using 1:3 with linespoints title 'torch'" for a in axes)
    script = (f"set terminal svg size {420 * len(axes)},380 dynamic\n"
              "set output 'cost_sweep.svg'\nset logscale xy\nset ylabel 'samples/s'\n"
              "set offsets graph 0.05, graph 0.05, 0, 0\n"
              f"set key top right\nset multiplot layout 1,{len(axes)}\n{panels}\n"
              "unset multiplot\n")
    with open(os.path.join(out, "cost_sweep.gp"), "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", "cost_sweep.gp"], cwd=out, check=True)
    print(f"plot: {os.path.join(out, 'cost_sweep.svg')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--descent", default=os.path.join("build", "release", "descent"))
    parser.add_argument("--out", default="cost_sweep")
    parser.add_argument("--full", action="store_true", help="the whole grid (long)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--min-samples", type=int, default=200000,
                        help="each point trains whole epochs until it has seen this many samples")
    args = parser.parse_args()
    # One BLAS thread pool of --threads beside torch's own: OpenBLAS sizes its pool from
    # OMP_NUM_THREADS when torch loads it, so set it before the import (two pools of 2 threads on
    # 2 cores ran the 1024-wide point ~5x slower).
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    global torch
    import torch as torch_module
    torch = torch_module
    torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    grid = FULL if args.full else SHORT
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"torch {torch.__version__} with {blas}, {args.threads} thread(s), "
          f"load {os.getloadavg()[0]:.2f}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="descent-cost-sweep-") as tmp:
        for axis, values in grid.items():
            for value in values:
                point = dict(BASE, **{axis: value})
                epochs = epochs_for(point["rows"], args.min_samples)
                d = statistics.median(
                    descent_rate(args.descent, point["width"], point["batch"], point["rows"],
                                 epochs, tmp) for _ in range(args.repetitions))
                t = statistics.median(
                    torch_rate(point["width"], point["batch"], point["rows"], epochs)
                    for _ in range(args.repetitions))
                rows.append(dict(axis=axis, **point, descent=d, torch=t))
                print(f"  {axis:>5} = {value:>7}: descent {d:>10.0f}, torch {t:>10.0f} samples/s,"
                      f" ratio {d / t:.2f}", flush=True)
    with open(os.path.join(args.out, "cost_sweep.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["axis", "width", "batch", "rows", "descent_samples_per_s",
                    "torch_samples_per_s", "ratio"])
        for r in rows:
            w.writerow([r["axis"], r["width"], r["batch"], r["rows"], repr(r["descent"]),
                        repr(r["torch"]), repr(r["descent"] / r["torch"])])
    print(f"table: {os.path.join(args.out, 'cost_sweep.csv')}; load after {os.getloadavg()[0]:.2f}")
    plot(args.out, rows)


if __name__ == "__main__":
    main()
