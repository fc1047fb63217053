#!/usr/bin/env bash
# The training loop against its step: `descent train` on Fashion-MNIST (MLP 784-256-10, ReLU, SGD
# momentum 0.9, batch 128: scripts/main-job.sh's run, shorter) beside BM_TrainStep of
# bench/nn_bench.cpp (the same step on random data, nothing around it), alternated in one run.
#   bench/train_loop.sh [BUILD_DIR] [REPETITIONS] [EPOCHS] [THREADS]   (defaults: build/release 3 5 1)
# Prints each run's samples/s (train: summary.json's samples_per_second, i.e. the training's wall
# time without the writes of metrics and checkpoints; beside it the same without the validation
# passes, summary.json's validation_seconds) and the ratio of the medians; on a loaded machine also
# compare the best runs. Needs Debian dataset-fashion-mnist (scripts/deps.sh --with-data).
set -euo pipefail
build=${1:-build/release}
reps=${2:-3}
epochs=${3:-5}
threads=${4:-1}
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || {
  echo "Fashion-MNIST is not installed: scripts/deps.sh --with-data" >&2
  exit 2
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OMP_NUM_THREADS=$threads
echo "threads $threads, batch 128, $epochs epochs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
train=() train_without_val=() step=()
for ((r = 1; r <= reps; ++r)); do
  "$build/descent" train --data fashion-mnist --model mlp:256 --epochs "$epochs" \
    --schedule "{\"name\":\"cosine\",\"T_max\":$epochs}" --activation relu --batch-size 128 \
    --val-split 0.1 --seed 0 --optimizer '{"name":"sgd","lr":0.05,"momentum":0.9}' \
    --out "$out/run" --force --progress none >/dev/null
  read -r t v < <(/usr/bin/python3 -c 'import json, sys
s = json.load(open(sys.argv[1]))
without_val = s["wall_seconds"] - s["validation_seconds"]
print(s["samples_per_second"], s["samples_per_second"] * s["wall_seconds"] / without_val)' \
    "$out/run/summary.json")
  s=$("$build/bench/nn_bench" --benchmark_filter="BM_TrainStep/batch:128/threads:$threads/" \
    --benchmark_format=json 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["benchmarks"][0]["items_per_second"])')
  train+=("$t") train_without_val+=("$v") step+=("$s")
  printf '  repetition %d: train %.0f samples/s (%.0f without validation), step %.0f samples/s, ratio %.2f (%.2f)\n' \
    "$r" "$t" "$v" "$s" "$(/usr/bin/python3 -c "print($t / $s)")" "$(/usr/bin/python3 -c "print($v / $s)")"
done
/usr/bin/python3 - "${train[*]}" "${train_without_val[*]}" "${step[*]}" <<'PY'
import statistics, sys
train, without_val, step = ([float(v) for v in a.split()] for a in sys.argv[1:4])
m = statistics.median
print(f"median: train {m(train):.0f}, step {m(step):.0f} samples/s, "
      f"ratio {m(train) / m(step):.2f} ({m(without_val) / m(step):.2f} without validation); "
      f"best: ratio {max(train) / max(step):.2f}")
PY
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
