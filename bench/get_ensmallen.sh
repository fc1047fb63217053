#!/usr/bin/env bash
# Puts ensmallen's headers (the public mlpack/ensmallen repository's include/) in .deps/ensmallen/,
# which git ignores, for bench/course_sgd's comparison; they are never committed. With Debian's
# libarmadillo-dev installed, the next CMake configure of the release preset then builds
# course_sgd with ensmallen's SGD beside descent's Trainer.
# Usage: bench/get_ensmallen.sh [repository: a URL or a local clone; default the public one on GitHub]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/.deps/ensmallen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone --quiet --depth 1 "${1:-https://github.com/mlpack/ensmallen.git}" "$tmp/src"
rm -rf "$dest/include"
mkdir -p "$dest"
cp -R "$tmp/src/include" "$dest/include"
grep -E 'define ENS_VERSION_(MAJOR|MINOR|PATCH)' "$dest/include/ensmallen_bits/ens_version.hpp"
