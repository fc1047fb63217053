#!/usr/bin/env bash
# Every comparison benchmark of bench/, once, one after the other: the numbers behind the README's
# Performance section and docs/performance.md in one run (about 13 minutes on a quiet 2-core
# machine; --sweep adds ~7).
#   bench/all.sh [BUILD_DIR] [--sweep]   (default build/release, built with benchmarks)
# Each part prints its own ratios, measured pair by pair in the same run; only those carry over to
# another machine. torch's side needs Debian python3-torch with OpenBLAS as libblas.so.3
# (libopenblas0-openmp); ensmallen's needs bench/get_ensmallen.sh before the build.
set -euo pipefail
build=build/release
sweep=0
for arg in "$@"; do
  case $arg in
    --sweep) sweep=1 ;;
    *) build=$arg ;;
  esac
done
cd "$(dirname "$0")/.."
py=/usr/bin/python3
part() { printf '\n== %s (load %s)\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)"; }
echo "descent $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $build; torch's BLAS:" \
  "$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3)"

part "optimizer step, 10M floats, vs torch.optim and the triad"
$py bench/compare_torch.py --bench "$build/bench/optim_bench" --threads 1 2
part "MLP 784-256-10 training step, batch 128, vs torch"
$py bench/compare_torch_train.py --bench "$build/bench/nn_bench"
part "the training loop against its step, 1 thread"
bash bench/train_loop.sh "$build" 5 5 1
part "the training loop against its step, 2 threads"
bash bench/train_loop.sh "$build" 5 5 2
part "per-step overhead: the course's linear regression vs ensmallen and a plain loop"
"$build/bench/course_sgd" 15
part "a small run's disk and wall time"
bash bench/small_run_io.sh "$build" 5
part "CSV ingest vs pandas"
$py bench/csv_ingest.py --bench "$build/bench/csv_bench" --threads 2
if ((sweep)); then
  part "how cost grows: descent vs torch over width, batch and rows"
  $py bench/cost_sweep.py --descent "$build/descent" --out cost_sweep --full
fi
printf '\nload after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
