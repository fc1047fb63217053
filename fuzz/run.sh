#!/usr/bin/env bash
# Builds the libFuzzer targets (in the sanitizer pass's preset `asan`: clang 14, ASan + UBSan) and
# runs each for a fixed time on its seed corpus fuzz/corpus/<target>/, two at a time. New inputs go to
# build/fuzz/corpus/<target>/ (the committed seeds stay as they are), a crash to
# build/fuzz/crashes/<target>-* (copied into fuzz/corpus/<target>/ it is replayed by the test
# fuzz.<target>.corpus from then on). Prints executions per second and in total per target.
# Usage: fuzz/run.sh [seconds per target, default 45]
# Without clang++-14 and libFuzzer (Debian clang-14, libclang-rt-14-dev) it prints SKIPPED and exits
# 0, or 1 when DESCENT_REQUIRE_FUZZ=1.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
targets=(csv_reader idx_reader checkpoint run_config options_json)

probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' \
  >"$probe/probe.cpp"
if ! command -v clang++-14 >/dev/null ||
  ! clang++-14 -fsanitize=fuzzer "$probe/probe.cpp" -o "$probe/probe" 2>"$probe/err"; then
  echo "fuzz: SKIPPED: clang++-14 with libFuzzer is not available (apt-get install clang-14" \
    "libclang-rt-14-dev; scripts/deps.sh --with-fuzz): $(head -c 300 "$probe/err" 2>/dev/null)"
  [[ ${DESCENT_REQUIRE_FUZZ:-0} == 1 ]] && exit 1
  exit 0
fi

cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)" --target "${targets[@]/%/_fuzz}"

mkdir -p build/fuzz/crashes build/fuzz/logs
run() {
  local t=$1
  mkdir -p "build/fuzz/corpus/$t"
  # -rss_limit_mb: a reader that allocates what a header claims fails here rather than passing.
  "build/asan/fuzz/${t}_fuzz" "build/fuzz/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" \
    -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 -artifact_prefix="build/fuzz/crashes/$t-" \
    >"build/fuzz/logs/$t.log" 2>&1
}
status=0
pids=()
for t in "${targets[@]}"; do
  run "$t" &
  pids+=("$!:$t")
  if ((${#pids[@]} == $(nproc))); then
    for p in "${pids[@]}"; do wait "${p%%:*}" || { echo "fuzz: ${p#*:} FAILED"; status=1; }; done
    pids=()
  fi
done
for p in "${pids[@]}"; do wait "${p%%:*}" || { echo "fuzz: ${p#*:} FAILED"; status=1; }; done

printf '%-14s %12s %14s %8s\n' target "execs/s" "total execs" corpus
for t in "${targets[@]}"; do
  log="build/fuzz/logs/$t.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  printf '%-14s %12s %14s %8s\n' "$t" "${rate:-?}" "${execs:-?}" \
    "$(find "build/fuzz/corpus/$t" -type f | wc -l)"
done
if ((status)); then
  for t in "${targets[@]}"; do
    grep -q -E "ERROR|deadly signal|runtime error" "build/fuzz/logs/$t.log" &&
      { echo "--- $t:"; grep -m1 -A30 -E "ERROR|deadly signal|runtime error" "build/fuzz/logs/$t.log"; }
  done
  echo "fuzz: a target failed; the input is in build/fuzz/crashes/ (after the fix, copy it into" \
    "fuzz/corpus/<target>/: the asan tests replay that corpus)"
fi
exit $status
