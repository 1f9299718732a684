# bench/gpu/toml_shim.sh: sourced by the GPU session scripts to configure a build on the H200.
# The H200 machine has no toml++ package, so sessions carry its headers in .deps/include
# (carry=[".deps"]) and hand CMake a one-file package config that points at them.
#
#   h200_cmake_args SRC BUILD ARRAY_NAME [EXTRA_CMAKE_ARGS...]
#     fills the named array with the arguments every session configures with (Ninja, Release,
#     CUDA for sm_90, the host's native CPU), then the extras, then the toml++ shim; the caller
#     runs `cmake "${ARRAY[@]}"` its own way (timed, logged).
#   h200_build SRC BUILD LOG TARGETS...
#     configures BUILD with h200_cmake_args when it has no build.ninja yet, then builds TARGETS
#     with every core (logs LOG/configure.log, LOG/build.log); notes "build: rc=N in S s" with
#     the caller's note function and, on failure, the build log's tail; returns ninja's status.
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

h200_build() {
  local src=$1 build=$2 log=$3 t0 rc
  shift 3
  t0=$(date +%s)
  if [[ ! -f $build/build.ninja ]]; then
    local h200_build_args_=()
    h200_cmake_args "$src" "$build" h200_build_args_
    cmake "${h200_build_args_[@]}" >"$log/configure.log" 2>&1 || { note "configure FAILED"; note "$(tail -20 "$log/configure.log")"; }
  fi
  ninja -C "$build" -j "$(nproc)" "$@" >"$log/build.log" 2>&1
  rc=$?
  note "build: rc=$rc in $(($(date +%s) - t0)) s"
  ((rc == 0)) || note "$(tail -30 "$log/build.log")"
  return $rc
}
