#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds descent (release), runs the main job.
set -euo pipefail
cd "$(dirname "$0")"
scripts/deps.sh --with-data
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target descent_cli
exec scripts/main-job.sh build/release/descent
