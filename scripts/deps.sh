#!/usr/bin/env bash
# Installs the Debian packages descent builds and runs with, if any is missing, and the chart
# library report.html inlines (npm `uplot`, into .deps/npm/ of this tree, which git ignores).
# Usage: scripts/deps.sh [--with-data] [--with-browser] [--with-fuzz] [--with-mpi] [--with-blas]
#   --with-data     also installs Fashion-MNIST (Debian dataset-fashion-mnist)
#   --with-browser  also installs Chromium, for the headless browser test of report.html
#   --with-fuzz     also tries clang 14, libFuzzer and OpenMP for clang (clang-14, libclang-rt-14-dev,
#                   libomp-14-dev) for the sanitizer pass and fuzz/run.sh;
#                   if they cannot be installed it warns, and both print SKIPPED
#   --with-mpi      also installs OpenMPI, for data-parallel training (mpirun -np N descent train)
#   --with-blas     also tries OpenBLAS and BLIS (their OpenMP builds), which bench/gemm_bench
#                   measures beside Eigen and oneDNN; OpenBLAS then becomes the system's
#                   libblas.so.3, which Debian's torch multiplies with (bench/compare_torch_train.py)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(build-essential cmake ninja-build ccache pkg-config libeigen3-dev libfmt-dev libcli11-dev
      libtomlplusplus-dev nlohmann-json3-dev zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev
      libginac-dev gnuplot-nox libfast-float-dev libdnnl-dev)
optional=()
for arg in "$@"; do
  case "$arg" in
    --with-data) pkgs+=(dataset-fashion-mnist) ;;
    --with-browser) pkgs+=(chromium) ;;
    --with-fuzz) optional+=(clang-14 libclang-rt-14-dev libomp-14-dev) ;;
    --with-mpi) pkgs+=(libopenmpi-dev openmpi-bin) ;;
    --with-blas) optional+=(libopenblas0-openmp libopenblas-openmp-dev libblis-openmp-dev) ;;
    *) echo "usage: scripts/deps.sh [--with-data] [--with-browser] [--with-fuzz] [--with-mpi] [--with-blas]" >&2; exit 2 ;;
  esac
done
command -v npm >/dev/null || pkgs+=(npm)
not_installed() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}
mapfile -t missing < <(not_installed "${pkgs[@]}")
mapfile -t missing_optional < <(not_installed "${optional[@]}")
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
if ((${#missing[@]} + ${#missing_optional[@]})); then "${sudo_cmd[@]}" apt-get update -qq || true; fi
if ((${#missing[@]})); then
  echo "descent: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ((${#missing_optional[@]})); then
  echo "descent: installing optional Debian packages: ${missing_optional[*]}"
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing_optional[@]}" ||
    echo "descent: warning: could not install ${missing_optional[*]}; without clang the sanitizer pass and fuzz/run.sh say SKIPPED, without a BLAS gemm_bench measures Eigen alone"
fi
# uPlot for report.html (descent finds it in .deps/npm above its executable, or $DESCENT_UPLOT_DIR).
uplot_version=1.6.32
if [[ ! -f "$root/.deps/npm/node_modules/uplot/dist/uPlot.iife.min.js" ]]; then
  echo "descent: installing uplot@$uplot_version from npm into .deps/npm"
  npm install --silent --no-audit --no-fund --prefix "$root/.deps/npm" "uplot@$uplot_version" ||
    echo "descent: warning: npm install uplot failed; report.html will show static plots only"
fi
