#!/usr/bin/env bash
# Fresh machine to first results: installs what is missing, builds cubie, installs the
# `cubie` command (into ~/.local, or $CUBIE_PREFIX), and runs the Lorenz sweep example.
#
#   bash scripts/quickstart.sh                      # cubie in ~/.local/bin
#   CUBIE_PREFIX=/opt/cubie bash scripts/quickstart.sh
#
# The install holds bin/cubie, the headers model files compile against (include/), and the
# libraries and CMake package for C++ programs (lib/, find_package(cubie)).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${CUBIE_PREFIX:-$HOME/.local}"
bash scripts/install_deps.sh
cmake --preset release -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build --preset release -j "$(nproc)" --target cubie_cli
cmake --install build --prefix "$prefix" --component Unspecified >/dev/null
echo "quickstart: installed $prefix/bin/cubie ($("$prefix/bin/cubie" --version | head -n 1))"

case ":$PATH:" in
  *":$prefix/bin:"*) on_path=1 ;;
  *) on_path=0 ;;
esac
"$prefix/bin/cubie" run examples/lorenz.toml --out lorenz.h5 --force
if [ "$on_path" = 1 ]; then
  echo "quickstart: done; run 'cubie --help' to go on"
else
  echo "quickstart: $prefix/bin is not on your PATH. To run 'cubie' by name, add it now (and to"
  echo "            ~/.bashrc or ~/.profile to keep it):"
  echo "              export PATH=\"$prefix/bin:\$PATH\""
  if [ "$prefix" = "$HOME/.local" ]; then
    echo "            (Debian's and Ubuntu's ~/.profile add ~/.local/bin by themselves at your next login.)"
  fi
fi
