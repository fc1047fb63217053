#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds with warnings as errors, runs every test.
set -euo pipefail
cd "$(dirname "$0")"
# Fashion-MNIST (accuracy floors), Chromium (report.html test), OpenMPI (mpirun tests)
scripts/deps.sh --with-data --with-browser --with-mpi
preset=${DESCENT_PRESET:-ci}
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)" "$@"
