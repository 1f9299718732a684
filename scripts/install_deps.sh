#!/usr/bin/env bash
# Installs what cubie needs to build and test on Debian/Ubuntu: compilers and CMake,
# GoogleTest, Google Benchmark, Boost (odeint, for comparisons), SUNDIALS (CVODE, the stiff
# benchmark's comparison; bench/stiff builds without it), HDF5, toml++, CLI11;
# from PyPI: h5py (reading result files in tests), nanobind and the Python tests'
# packages (numpy, pytest, scipy, pandas, xarray, libcellml), and NVIDIA's cuobjdump (the SASS
# check of the float32 kernels; only used when the CUDA toolkit is present).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
packages=(cmake ninja-build g++ python3 python3-pip libgtest-dev libgmock-dev libbenchmark-dev libboost-dev
          libsundials-dev libhdf5-dev libtomlplusplus-dev libcli11-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
python3 -c "import h5py" 2>/dev/null || python3 -m pip install -q h5py || echo "install_deps: h5py unavailable (its tests will skip)"
# The Python package: nanobind builds the extension; numpy is its one dependency; the
# rest is what its tests compare against or convert to.
python3 -c "import nanobind, numpy, pytest, scipy, pandas, xarray, libcellml" 2>/dev/null ||
  python3 -m pip install -q nanobind numpy pytest scipy pandas xarray libcellml ||
  echo "install_deps: the Python packages are unavailable (the Python tests will not run)"
if command -v nvcc >/dev/null 2>&1 && ! command -v cuobjdump >/dev/null 2>&1; then
  # cuobjdump prints SASS through nvdisasm; both come as NVIDIA wheels.
  python3 -m pip install -q nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm ||
    echo "install_deps: cuobjdump/nvdisasm unavailable (the SASS check will skip)"
fi
