#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds with warnings as errors, runs every test; then
# the sanitizer pass (preset asan: clang 14, ASan + UBSan, -O1) and the libFuzzer targets of that
# build for a fixed time each (fuzz/run.sh). Without clang 14 both print SKIPPED.
# DESCENT_SANITIZE chooses the sanitizer pass:
#   full (default)     every test but the accuracy floors (label slow), then fuzzing.
#   readers            only the layers that read what users and files hand in (core, data, config,
#                      optim: CSV, IDX, checkpoints, TOML and JSON), built once for the fuzz targets:
#                      each replays its committed corpus (tests labelled fuzz), then fuzzes.
#   0                  none, and no fuzzing.
# DESCENT_FUZZ_SECONDS per fuzz target (default 20, 0 skips); DESCENT_PRESET (default ci) for the
# first pass. Arguments go to every ctest run (e.g. -R 'Csv').
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
sanitize=${DESCENT_SANITIZE:-full}
if [[ $sanitize == 0 ]]; then
  echo "test.sh: the sanitizer pass and fuzzing are off (DESCENT_SANITIZE=0)"
elif ! command -v clang++-14 >/dev/null; then
  echo "test.sh: SKIPPED the sanitizer pass and fuzzing: clang++-14 is not installed" \
    "(scripts/deps.sh --with-fuzz installs clang-14, libclang-rt-14-dev, libomp-14-dev)"
else
  # Third-party leaks at exit (GiNaC's CLN), without the statistics LSan prints on stderr.
  export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
  cmake --preset asan >/dev/null
  case $sanitize in
    full) targets=(all) labels=() ;;
    readers)
      targets=(csv_reader_fuzz idx_reader_fuzz checkpoint_fuzz run_config_fuzz options_json_fuzz)
      labels=(-L '^fuzz$') ;;
    *) echo "test.sh: DESCENT_SANITIZE must be readers, full or 0, not '$sanitize'" >&2; exit 2 ;;
  esac
  timed "asan build ($sanitize)" cmake --build --preset asan -j "$jobs" --target "${targets[@]}"
  timed "asan tests ($sanitize)" ctest --preset asan -j "$jobs" "${labels[@]}" "$@"
  if [[ ${DESCENT_FUZZ_SECONDS:-20} != 0 ]]; then
    timed "fuzzing" fuzz/run.sh "${DESCENT_FUZZ_SECONDS:-20}"
  fi
fi
