#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the default run need
# (with the argument `fuzz`, also what `make fuzz` needs).
# Idempotent and non-interactive: only missing packages are installed.
set -euo pipefail
PKGS=(
  build-essential cmake pkg-config ccache
  libsystemc-dev verilator libyaml-cpp-dev libboost-graph-dev catch2
  libpagmo-dev libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev
  nlohmann-json3-dev libfmt-dev zlib1g-dev libbenchmark-dev libpugixml-dev
  dataset-fashion-mnist gnuplot-nox libopenmpi-dev openmpi-bin
  iverilog  # tests: an independent simulator for the wide-bus netlist fixture
)
# `make fuzz` also needs clang with libFuzzer (`scripts/setup.sh fuzz`); `make test` does not.
[ "${1:-}" = fuzz ] && PKGS+=(clang libclang-rt-14-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
