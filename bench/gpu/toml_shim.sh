# bench/gpu/toml_shim.sh: sourced by the GPU session scripts to configure a build on the H200.
# The H200 machine has no toml++ package, so sessions carry its headers in .deps/include
# (carry=[".deps"]) and hand CMake a one-file package config that points at them.
#
#   h200_cmake_args SRC BUILD ARRAY_NAME [EXTRA_CMAKE_ARGS...]
#     fills the named array with the arguments every session configures with (Ninja, Release,
#     CUDA for sm_90, the host's native CPU), then the extras, then the toml++ shim; the caller
#     runs `cmake "${ARRAY[@]}"` its own way (timed, logged).
#   toml_shim BUILD ARRAY_NAME
#     when .deps/include/toml++ exists: writes BUILD/.deps-cmake/tomlplusplus/
#     tomlplusplusConfig.cmake and appends -Dtomlplusplus_DIR=... to the named array;
#     otherwise does nothing (the system's toml++ is found as usual).
toml_shim() {
  local -n toml_shim_args_=$2
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  [[ -d $root/.deps/include/toml++ ]] || return 0
  local dir=$1/.deps-cmake/tomlplusplus
  mkdir -p "$dir"
  printf 'if(NOT TARGET tomlplusplus::tomlplusplus)\n  add_library(tomlplusplus::tomlplusplus INTERFACE IMPORTED)\n  set_target_properties(tomlplusplus::tomlplusplus PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "%s")\nendif()\n' \
    "$root/.deps/include" >"$dir/tomlplusplusConfig.cmake"
  toml_shim_args_+=(-Dtomlplusplus_DIR="$dir")
}

h200_cmake_args() {
  local -n h200_cmake_args_=$3
  h200_cmake_args_=(-S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUBIE_ENABLE_CUDA=ON
    -DCMAKE_CUDA_ARCHITECTURES=90 -DCUBIE_CPU_ARCH=native "${@:4}")
  toml_shim "$2" "$3"
}
