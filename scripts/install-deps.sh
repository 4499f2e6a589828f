#!/usr/bin/env bash
# Installs the Debian 12 packages RecIS builds, tests and runs with. Idempotent: when every
# package is already installed it returns at once without touching the network.
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache g++ clang libclang-rt-14-dev pkg-config
  libtorch-dev libgloo-dev python3-torch
  protobuf-compiler libprotobuf-dev
  zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev liblzo2-dev
  libfarmhash-dev libabsl-dev librocksdb-dev
  libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libopenblas0-pthread gnuplot-nox tzdata iproute2
  python3-dev pybind11-dev python3-pytest python3-numpy
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
