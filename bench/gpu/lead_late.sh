#!/usr/bin/env bash
# bench/gpu/lead_late.sh: the lead's build-and-test device call on a bare machine (carry .deps):
# everything built once (bench/gpu/h200_session.sh build, about 4 minutes on 16 cores), then
# its test stage (ctest -L gpu, the Python tests with a GPU, compute-sanitizer) in the time
# left of one call. The build stays in build-h200 for the next call (bench/gpu/chain.sh) if
# that call starts within the machine's idle release.
#   TOTAL=580 bash bench/gpu/lead_late.sh
set -uo pipefail
T0=$(date +%s)
export OUT=${OUT:-$PWD/out/late}
STAGE_SECONDS=${BUILD_SECONDS:-320} bash bench/gpu/h200_session.sh build
export MEMCHECK_TESTS=${MEMCHECK_TESTS:-"dirk_gpu_test auto_switch_gpu_test rosenbrock_gpu_test firk_krylov_gpu_test"}
STAGE_SECONDS=$(( ${TOTAL:-580} - ($(date +%s) - T0) )) bash bench/gpu/h200_session.sh test
tar -czf $OUT/logs.tgz -C build-h200 $(cd build-h200 && ls -d logs-* 2>/dev/null) 2>/dev/null
