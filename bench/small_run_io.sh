#!/usr/bin/env bash
# What a small run spends on disk and around training: 200 epochs of batch gradient descent on a
# 100-row CSV (linear regression, SGD lr 0.05), the whole `descent train` process (plots, report,
# TensorBoard events included), repeated:
#   bench/small_run_io.sh [BUILD_DIR] [REPETITIONS]   (defaults: build/release 5)
# Prints per run the process's wall and CPU seconds (user + sys, gnuplot included) and their ratio,
# summary.json's training time and I/O time, then, from one run under strace, the fsync/fdatasync,
# rename and process-start counts. Needs Debian strace and time; on a loaded machine wall time
# includes waiting for a core, so compare the best runs.
set -euo pipefail
build=${1:-build/release}
reps=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$work/data.csv" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("a,b,c,y\n")
    for _ in range(100):
        a, b, c = (random.gauss(0, 1) for _ in range(3))
        f.write(f"{a!r},{b!r},{c!r},{2 * a - b + 0.5 * c + random.gauss(0, 0.1)!r}\n")
PY
run() {
  rm -rf "$work/run"
  "$@" "$build/descent" train --data "$work/data.csv" --target y --model linear --batch-size 0 \
    --epochs 200 --optimizer '{"name":"sgd","lr":0.05}' --out "$work/run" --progress none >/dev/null
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 1; r <= reps; ++r)); do
  run /usr/bin/time -o "$work/time" -f "%e %U %S"
  read -r wall user sys <"$work/time"
  /usr/bin/python3 - "$wall" "$user" "$sys" "$work/run/summary.json" <<'PY'
import json, sys
wall, user, sys_ = (float(v) for v in sys.argv[1:4])
s = json.load(open(sys.argv[4]))
print(f"  run: wall {wall:.2f} s, cpu {user + sys_:.2f} s, wall/cpu {wall / max(user + sys_, 1e-9):.2f}; "
      f"summary: training {s['wall_seconds'] * 1e3:.1f} ms, I/O {s['io_seconds'] * 1e3:.1f} ms")
PY
done
if command -v strace >/dev/null; then
  run strace -f -c -o "$work/strace" -e trace=fsync,fdatasync,rename,renameat,renameat2,execve
  awk '$NF ~ /^(fsync|fdatasync|rename|renameat|renameat2|execve)$/ { print "  " $NF ": " $4 " calls" }' "$work/strace"
else
  echo "  strace is not installed: no syscall counts (apt-get install strace)"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
