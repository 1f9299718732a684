#!/usr/bin/env bash
# bench/gpu/compare_revisions.sh
# Before/after on the H200 in one session, for refactors that promise unchanged results and
# speed: builds a baseline source tree (.baseline/, e.g. `git archive REV | tar -x -C .baseline`,
# carried by the device tool) and this tree, records the baseline's GPU bit-identity digests
# and checks this tree's against them, runs B1-B3 of both alternately, then this tree's
# gpu-labelled tests.
#
#   bash bench/gpu/compare_revisions.sh      (device tool: carry .baseline and .deps)
#
# $OUT receives summary.txt, reference_cuda.txt (the baseline's digests, to commit as
# tests/bit_identity/reference_cuda.txt) and logs.tar.gz.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/compare}
BASE_SRC=$ROOT/.baseline
LOG=$ROOT/build-compare-logs
JOBS=$(nproc)
mkdir -p "$OUT" "$LOG"
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$LOG/session.log"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
note "compare_revisions: $(date -u '+%Y-%m-%d %H:%M UTC'), $JOBS cores"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv >>"$LOG/session.log" 2>&1

source "$ROOT/bench/gpu/toml_shim.sh"
configure() {  # configure SRC BUILD
  local args
  h200_cmake_args "$1" "$2" args
  cmake "${args[@]}"
}
TARGETS=(cubie_gpu_bench bit_identity_cuda_test lorenz_cpu_bench)
for side in base new; do
  src=$ROOT; [[ $side == base ]] && src=$BASE_SRC
  t0=$(date +%s)
  configure "$src" "$ROOT/build-$side" >"$LOG/configure_$side.log" 2>&1 &&
    ninja -C "$ROOT/build-$side" -j "$JOBS" "${TARGETS[@]}" >"$LOG/build_$side.log" 2>&1
  note "build $side: rc=$? in $(($(date +%s) - t0)) s"
done

# ---- bit identity: the baseline records, this tree checks ----------------------------------
CUBIE_RECORD_BIT_IDENTITY=1 "$ROOT/build-base/tests/bit_identity/bit_identity_cuda_test" >"$LOG/bit_record.log" 2>&1
note "baseline digests: $(wc -l <"$BASE_SRC/tests/bit_identity/reference_cuda.txt" 2>/dev/null) cases"
cp "$BASE_SRC/tests/bit_identity/reference_cuda.txt" "$OUT/reference_cuda.txt" 2>/dev/null
cp "$BASE_SRC/tests/bit_identity/reference_cuda.txt" "$ROOT/tests/bit_identity/reference_cuda.txt" 2>/dev/null
"$ROOT/build-new/tests/bit_identity/bit_identity_cuda_test" >"$LOG/bit_check.log" 2>&1
note "bit identity (new vs baseline digests): rc=$? $(grep -E 'PASSED|FAILED' "$LOG/bit_check.log" | tr '\n' ' ')"

# ---- benchmarks, alternating ---------------------------------------------------------------
for round in 1 2; do
  for side in base new; do
    "$ROOT/build-$side/bench/gpu/cubie_gpu_bench" --only B1,B2,B3 --reps 3 >"$LOG/bench_${side}_$round.log" 2>&1
    note "---- $side round $round"
    sed -n '/^case /,$p' "$LOG/bench_${side}_$round.log" | tee -a "$LOG/session.log" >/dev/null
  done
done
for side in base new; do
  "$ROOT/build-$side/bench/lorenz_cpu_bench" --reps 7 --no-extra --no-odeint >"$LOG/cpu_$side.log" 2>&1
  note "---- CPU $side"; grep -E '^(classical|dormand)' "$LOG/cpu_$side.log" | tee -a "$LOG/session.log" >/dev/null
done

# ---- this tree's GPU tests -----------------------------------------------------------------
t0=$(date +%s)
ninja -C "$ROOT/build-new" -j "$JOBS" >"$LOG/build_new_all.log" 2>&1
note "build new (all): rc=$? in $(($(date +%s) - t0)) s"
ctest --test-dir "$ROOT/build-new" -L gpu --output-on-failure --timeout 120 >"$LOG/ctest_gpu.log" 2>&1
note "ctest -L gpu: $(grep -E 'tests passed|tests failed' "$LOG/ctest_gpu.log")"
grep -E "\((Failed|SEGFAULT|Timeout|Exception)\)" "$LOG/ctest_gpu.log" | tee -a "$LOG/session.log" >/dev/null

note "total $(($(date +%s) - START)) s"
cp "$LOG/session.log" "$OUT/summary.txt"
tar -czf "$OUT/logs.tar.gz" -C "$LOG" . 2>/dev/null
cat "$OUT/summary.txt"
