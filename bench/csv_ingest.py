#!/usr/bin/python3
"""CSV ingest: descent's read_csv against pandas' read_csv on the same numeric file, in one run.

    /usr/bin/python3 bench/csv_ingest.py [--mb 300] [--repetitions 3] [--threads 2]
                                         [--bench build/release/bench/csv_bench]

Writes a numeric CSV of about --mb megabytes (20 float features in shortest round-trip form and an
integer class per row, like bench/csv_bench.cpp's file) into a temporary directory, deleted at the
end, reads it once with `cat` so both readers start from the page cache, then alternates the two
readers --repetitions times, each in its own process under /usr/bin/time -v:
  - descent: csv_bench's BM_ReadCsv on the file (DESCENT_CSV_BENCH_FILE; one read per process,
    OMP_NUM_THREADS=--threads);
  - pandas: pandas.read_csv(file) (C engine, float64 columns; single-threaded).
Prints each reader's median MB/s (file bytes per wall second of the read alone), the ratio, and
each process's peak resident memory beside the size of the float32 matrix descent builds. Debian
packages: python3-pandas, python3-numpy, time. Only the ratio carries over to another machine.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

import numpy as np

FEATURES = 20
PANDAS_READ = """
import sys, time, pandas
t = time.perf_counter()
frame = pandas.read_csv(sys.argv[1])
print(time.perf_counter() - t, frame.shape[0])
"""


def write_csv(path, megabytes, seed=1):
    """A file of about `megabytes` MB, written in blocks of 20000 distinct random rows."""
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        f.write(",".join(f"f{c}" for c in range(FEATURES)) + ",label\n")
        while f.tell() < megabytes * 1e6:
            # float32 values in their shortest round-trip text, as descent writes numbers.
            x = rng.standard_normal((20000, FEATURES)).astype(np.float32).astype(str)
            labels = rng.integers(0, 10, size=20000).astype(str)
            f.write("".join(",".join(r) + "," + c + "\n" for r, c in zip(x.tolist(), labels)))
    return os.path.getsize(path)


def timed(command, env=None):
    """(stdout, peak RSS in MB) of a command run under /usr/bin/time -v."""
    run = subprocess.run(["/usr/bin/time", "-v", *command], capture_output=True, text=True,
                         env=env, check=True)
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1))
    return run.stdout, peak_kb / 1024


def read_descent(bench, path, threads):
    env = dict(os.environ, DESCENT_CSV_BENCH_FILE=path, OMP_NUM_THREADS=str(threads))
    out, peak = timed([bench, "--benchmark_filter=BM_ReadCsv", "--benchmark_min_time=0.000001",
                       "--benchmark_format=json"], env)
    run = json.loads(out)["benchmarks"][0]
    return run["bytes_per_second"] / 1e6, peak, run["matrix_MB"]


def read_pandas(path, size):
    out, peak = timed([sys.executable, "-c", PANDAS_READ, path])
    seconds = float(out.split()[0])
    return size / seconds / 1e6, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=300)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bench", default="build/release/bench/csv_bench")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="descent-csv-ingest-") as tmp:
        path = os.path.join(tmp, "numeric.csv")
        size = write_csv(path, args.mb)
        subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)
        print(f"file: {size / 1e6:.0f} MB, {FEATURES} float features + a class per row; "
              f"load: {os.getloadavg()[0]:.2f}")
        descent_rates, pandas_rates, descent_peaks, pandas_peaks = [], [], [], []
        for rep in range(args.repetitions):
            rate, peak, matrix_mb = read_descent(args.bench, path, args.threads)
            descent_rates.append(rate)
            descent_peaks.append(peak)
            rate_p, peak_p = read_pandas(path, size)
            pandas_rates.append(rate_p)
            pandas_peaks.append(peak_p)
            print(f"  repetition {rep + 1}: descent {rate:.0f} MB/s, pandas {rate_p:.0f} MB/s")
        d, p = statistics.median(descent_rates), statistics.median(pandas_rates)
        print(f"descent read_csv ({args.threads} threads): {d:.0f} MB/s median, "
              f"peak RSS {max(descent_peaks):.0f} MB (float32 matrix {matrix_mb:.0f} MB)")
        print(f"pandas read_csv (C engine, 1 thread):  {p:.0f} MB/s median, "
              f"peak RSS {max(pandas_peaks):.0f} MB")
        print(f"ratio descent / pandas: {d / p:.2f}x; load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
