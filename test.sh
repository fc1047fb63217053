#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds with warnings as errors, runs every test; then
# the same suite under AddressSanitizer + UBSan (preset asan: -O1, no examples or benchmarks, the
# accuracy-floor tests labelled `slow` left out) and the fuzz targets for a fixed time (fuzz/run.sh).
# Environment: DESCENT_PRESET (default ci) for the first pass; DESCENT_SANITIZE=0 skips the asan
# pass, DESCENT_FUZZ_SECONDS (default 45) sets each fuzz target's time, 0 skips fuzzing.
# Arguments go to both ctest runs (e.g. -R 'Csv').
set -euo pipefail
cd "$(dirname "$0")"
# Fashion-MNIST (accuracy floors), Chromium (report.html test), clang + libFuzzer, OpenMPI (mpirun tests)
scripts/deps.sh --with-data --with-browser --with-fuzz --with-mpi
jobs=$(nproc)
timed() {  # timed NAME COMMAND...: runs it and prints how long it took
  local start=$SECONDS
  "${@:2}"
  echo "test.sh: $1 took $((SECONDS - start)) s"
}
preset=${DESCENT_PRESET:-ci}
cmake --preset "$preset" >/dev/null
timed "$preset build" cmake --build --preset "$preset" -j "$jobs"
timed "$preset tests" ctest --preset "$preset" -j "$jobs" "$@"
if [[ ${DESCENT_SANITIZE:-1} != 0 ]]; then
  # Third-party leaks at exit (GiNaC's CLN), without the statistics LSan prints on stderr.
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
  cmake --preset asan >/dev/null
  timed "asan build" cmake --build --preset asan -j "$jobs"
  timed "asan tests" ctest --preset asan -j "$jobs" "$@"
fi
if [[ ${DESCENT_FUZZ_SECONDS:-45} != 0 ]]; then
  timed "fuzzing" fuzz/run.sh "${DESCENT_FUZZ_SECONDS:-45}"
fi
