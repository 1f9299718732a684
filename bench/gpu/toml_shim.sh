# bench/gpu/toml_shim.sh: sourced by the GPU session scripts. The H200 machine has no toml++
# package, so sessions carry its headers in .deps/include (carry=[".deps"]) and hand CMake a
# one-file package config that points at them.
#   toml_shim BUILD_DIR ARRAY_NAME
# When .deps/include/toml++ exists: writes BUILD_DIR/.deps-cmake/tomlplusplus/
# tomlplusplusConfig.cmake and appends -Dtomlplusplus_DIR=... to the named array of cmake
# arguments; otherwise does nothing (the system's toml++ is found as usual).
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
