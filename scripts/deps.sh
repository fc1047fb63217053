#!/usr/bin/env bash
# Installs the Debian packages descent builds and runs with, if any is missing.
# Usage: scripts/deps.sh [--with-data]   (--with-data also installs Fashion-MNIST)
set -euo pipefail
pkgs=(build-essential cmake ninja-build ccache pkg-config libeigen3-dev libfmt-dev libcli11-dev
      libtomlplusplus-dev nlohmann-json3-dev zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev
      libginac-dev gnuplot-nox)
if [[ "${1:-}" == "--with-data" ]]; then pkgs+=(dataset-fashion-mnist); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "descent: installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq || true
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
