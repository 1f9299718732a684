#!/usr/bin/env bash
# Vector-mode against column-at-a-time dual numbers (see dual_modes.cpp): per system and
# mode, the x86 instructions one call executes (valgrind callgrind on a build for x86-64-v3,
# since valgrind cannot run AVX-512; cubie's host flags otherwise) and, where nvcc is found,
# the sm_90 registers, spill bytes and PTX instructions (straight-line code: static = executed)
# with local-memory loads and stores among them.
# Run from anywhere: bash bench/jacobian/dual_modes.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cases="lorenz van_der_pol robertson order_problem lorenz96_5 lorenz96_10 lorenz96_20 lorenz96_40"

g++ -std=c++20 -O3 -DNDEBUG -ffp-contract=fast -fno-math-errno -fno-tree-sink -march=x86-64-v3 -I"$root/include" \
  "$here/dual_modes.cpp" -o "$work/host"
have_valgrind=0
if command -v valgrind > /dev/null 2>&1; then
  have_valgrind=1
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$work/host" > /dev/null 2>&1
  callgrind_annotate --inclusive=yes --threshold=100 "$work/cg.out" > "$work/cg.txt" 2> /dev/null
fi
x86_of() { awk -v f="???:$1" '$3 == f || $4 == f {gsub(",", "", $1); print $1; exit}' "$work/cg.txt"; }

have_nvcc=0
if command -v nvcc > /dev/null 2>&1; then
  have_nvcc=1
  flags=(-std=c++20 -arch=sm_90 -O3 --fmad=true --expt-relaxed-constexpr -x cu -I"$root/include")
  nvcc "${flags[@]}" -ptx "$here/dual_modes.cpp" -o "$work/dev.ptx"
  nvcc "${flags[@]}" -cubin -Xptxas -v "$here/dual_modes.cpp" -o "$work/dev.cubin" 2> "$work/ptxas.txt"
fi
# The kernels' mangled names end in "PKdS0_Pd": matching through it keeps lorenz apart from lorenz96_*.
ptx_of() { awk -v f="$1PKd" '/\.entry/ {on = index($0, f) > 0} on && /;[[:space:]]*$/ && !/^[[:space:]]*\./ {n++} on && /^}/ {on = 0} END {print n+0}' "$work/dev.ptx"; }
local_of() { awk -v f="$1PKd" '/\.entry/ {on = index($0, f) > 0} on && /(ld|st)\.local/ {n++} on && /^}/ {on = 0} END {print n+0}' "$work/dev.ptx"; }
regs_of() { awk -v f="$1PKd" '/Compiling entry function/ {on = index($0, f) > 0} on && /Used [0-9]+ registers/ {for (i = 1; i < NF; ++i) if ($(i + 1) ~ /^registers/) {print $i; exit}}' "$work/ptxas.txt"; }
spill_of() { awk -v f="$1PKd" '/Compiling entry function/ {on = index($0, f) > 0} on && /spill stores/ {print $5; exit}' "$work/ptxas.txt"; }

printf '%-18s %-7s %12s %9s %10s %10s %10s\n' system mode x86_executed gpu_regs spill_B ptx_instr ptx_local
for sys in $cases; do
  for mode in vector column; do
    x86=-; regs=-; spill=-; ptx=-; loc=-
    [ $have_valgrind = 1 ] && x86=$(x86_of "${mode}_${sys}")
    if [ $have_nvcc = 1 ]; then
      regs=$(regs_of "${mode}_${sys}"); spill=$(spill_of "${mode}_${sys}")
      ptx=$(ptx_of "${mode}_${sys}"); loc=$(local_of "${mode}_${sys}")
    fi
    printf '%-18s %-7s %12s %9s %10s %10s %10s\n' "$sys" "$mode" "$x86" "$regs" "$spill" "$ptx" "$loc"
  done
done
