#!/usr/bin/env bash
# Data-parallel scaling on this machine: the Fashion-MNIST MLP (784-256-10, batch 128, chunks of 64
# rows) trained for one epoch as 1 process x 2 threads, 2 processes x 1 thread (ordered, the
# default: bit-identical to one process) and 2 processes x 1 thread with --allreduce. Prints
# samples/s, the ratios to the one-process run (measured in this one run) and the communication
# time per step rank 0 reports (time inside MPI, waiting for the other rank included).
# Usage: bench/mpi_scaling.sh [path/to/descent] [epochs]  (needs scripts/deps.sh --with-data --with-mpi)
set -euo pipefail
descent=${1:-build/release/descent}
epochs=${2:-1}
command -v mpirun >/dev/null || { echo "mpirun not found: scripts/deps.sh --with-mpi" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
args=(train --data fashion-mnist --model mlp:256 --batch-size 128 --chunk-rows 64 --epochs "$epochs"
      --seed 1 --progress none)
mpi=(mpirun --oversubscribe --mca btl self,vader -np 2)
"$descent" "${args[@]}" --threads 2 --out "$out/one" >"$out/one.log"
"${mpi[@]}" "$descent" "${args[@]}" --threads 1 --out "$out/two" >"$out/two.log"
"${mpi[@]}" "$descent" "${args[@]}" --threads 1 --allreduce --out "$out/fast" >"$out/fast.log"
python3 - "$out" <<'PY'
import json, re, sys
out = sys.argv[1]
def rate(run):
    return json.load(open(f"{out}/{run}/summary.json"))["samples_per_second"]
def comm(run):
    m = re.search(r"communication ([0-9.]+)s of ([0-9.]+)s \(([0-9.]+) ms per step\)", open(f"{out}/{run}.log").read())
    return f"{m.group(3)} ms/step in communication ({m.group(1)} s of {m.group(2)} s)" if m else ""
one = rate("one")
same = open(f"{out}/one/model.safetensors", "rb").read() == open(f"{out}/two/model.safetensors", "rb").read()
print(f"1 process x 2 threads          {one:10.0f} samples/s")
print(f"2 processes x 1 thread         {rate('two'):10.0f} samples/s  ratio {rate('two') / one:.2f}  {comm('two')}")
print(f"2 processes x 1 thread, allreduce {rate('fast'):7.0f} samples/s  ratio {rate('fast') / one:.2f}  {comm('fast')}")
print(f"ordered model identical to the one-process model: {same}")
PY
