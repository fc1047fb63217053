#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds with warnings as errors, runs every test; then
# the sanitizer pass: the same suite under AddressSanitizer + UBSan (preset asan: clang 14, -O1, no
# examples or benchmarks, the accuracy floors labelled `slow` left out), and the libFuzzer targets of
# that same build for a fixed time each (fuzz/run.sh). Without clang 14 both print SKIPPED.
# Environment: DESCENT_PRESET (default ci) for the first pass; DESCENT_SANITIZE=0 skips the sanitizer
# pass and fuzzing; DESCENT_FUZZ_SECONDS per fuzz target (default 20, 0 skips). Arguments go to
# every ctest run (e.g. -R 'Csv').
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
if [[ ${DESCENT_SANITIZE:-1} == 0 ]]; then
  echo "test.sh: the sanitizer pass and fuzzing are off (DESCENT_SANITIZE=0)"
elif ! command -v clang++-14 >/dev/null; then
  echo "test.sh: SKIPPED the sanitizer pass and fuzzing: clang++-14 is not installed" \
    "(scripts/deps.sh --with-fuzz installs clang-14, libclang-rt-14-dev, libomp-14-dev)"
else
  # Third-party leaks at exit (GiNaC's CLN), without the statistics LSan prints on stderr.
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
  cmake --preset asan >/dev/null
  timed "asan build" cmake --build --preset asan -j "$jobs"
  timed "asan tests" ctest --preset asan -j "$jobs" "$@"
  if [[ ${DESCENT_FUZZ_SECONDS:-20} != 0 ]]; then
    timed "fuzzing" fuzz/run.sh "${DESCENT_FUZZ_SECONDS:-20}"
  fi
fi
