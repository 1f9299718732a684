#!/usr/bin/env bash
# bench/gpu/dop853_controller_session.sh
# Issue 14 on the GPU machine, one device call (about 200 s with bit_identity_cuda_test and
# cubie_cli built; building them first takes longer): dop853's default controller is now i,
# and i keeps the step after a rejection from growing (step_controller.hpp), which changes
# those solves' arithmetic on every backend.
# 1. Records the CUDA bit-identity digests again and lists the entries that changed: expected
#    exactly every */i_max_steps entry (the i controller) and dormand_prince_853's dense,
#    dense_chunked and settled_final (its default controller), as on the CPU (commit 07d0c91).
#    Then runs the test against the new file. $OUT/reference_cuda.txt is the file to commit
#    as tests/bit_identity/reference_cuda.txt when the list is as expected.
# 2. The cold `cubie run` of the Pleiades, float32, 1,024 runs, dop853 with the new default (i)
#    and with pi (the old default, the same arithmetic as before), REPS warm solves each
#    (bench/models/model_compile_times.sh): the 3.3 s solve of 2026-12-04 20:02 should fall.
#
#   bash bench/gpu/chain.sh 'dop853 420 bash bench/gpu/dop853_controller_session.sh'
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session_case.sh"
session_begin dop853-controller 410
ROOT=$SESSION_ROOT
REPS=${REPS:-3}
note "dop853_controller_session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null), $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)"
session_build 120 bit_identity_cuda_test cubie_cli

# 1. Digests. The test writes into the source tree's file (CUBIE_BIT_IDENTITY_DIR); keep the
# committed one to compare with.
ref=$ROOT/tests/bit_identity/reference_cuda.txt
cp "$ref" "$SCRATCH/reference_cuda.before.txt"
test_bin=$BUILD/tests/bit_identity/bit_identity_cuda_test
session_case record 150 env CUBIE_RECORD_BIT_IDENTITY=1 "$test_bin"
cp "$ref" "$OUT/reference_cuda.txt"
note "== digests changed (before -> after):"
diff <(sort "$SCRATCH/reference_cuda.before.txt") <(sort "$ref") | grep '^>' | cut -c3- | awk '{print "   " $1}' |
  tee -a "$OUT/summary.txt" >/dev/null
note "   ($(diff <(sort "$SCRATCH/reference_cuda.before.txt") <(sort "$ref") | grep -c '^>') entries of $(wc -l <"$ref"))"
case_summary() { grep -E '^\[  (PASSED|FAILED) |differ' "$OUT/$1.log" | head -20; }
session_case check 100 "$test_bin"
unset -f case_summary

# 2. Pleiades dop853, float32, 1,024 runs: i (new default) then pi (old), cold then warm.
export SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,1024]}"
session_case pleiades 150 env BACKEND=cuda CASES="pleiades_dop853 pleiades_dop853_pi" \
  bash "$ROOT/bench/models/model_compile_times.sh" "$BUILD/apps/cubie/cubie" "$REPS"
note "done after $(($(date +%s) - START)) s"
