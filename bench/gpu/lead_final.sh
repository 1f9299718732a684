#!/usr/bin/env bash
# Usage: TOTAL=565 BUILD_LIMIT=300 RING_SECONDS=150 bash bench/gpu/lead_final.sh (device tool, carry .deps): a
# fresh machine builds only the targets below, runs ring_f64_session.sh, then each GPU test binary
# with its own limit, noting as it goes so a call that runs out of time still reports.
# Lead's last device call of 2026-12-04: build the needed targets, ring f64, GPU tests.
set -uo pipefail
ROOT=$PWD; BUILD=$ROOT/build-h200; S=$OUT/summary.txt
T0=$(date +%s); el() { echo $(( $(date +%s) - T0 )); }
note() { echo "$*" | tee -a "$S"; }
for d in /usr/local/cuda/bin /usr/local/cuda/compute-sanitizer; do [[ -d $d ]] && PATH=$PATH:$d; done
export PATH CUBIE_CACHE_DIR=/tmp/cubie-cache
source bench/gpu/toml_shim.sh
h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=OFF
cmake "${args[@]}" > $OUT/configure.log 2>&1; note "configure rc=$? $(el) s"
TESTS="model_ring_modulator_gpu_test auto_switch_gpu_test dirk_gpu_test firk_krylov_gpu_test backends_cuda_test rosenbrock_gpu_test bit_identity_cuda_test memory_gpu_resources_test"
timeout $((${BUILD_LIMIT:-300} - $(el))) ninja -C "$BUILD" stiff_bench auto_switch_bench $TESTS > $OUT/build.log 2>&1
note "build rc=$? $(el) s"; grep -m5 "error" $OUT/build.log | tee -a "$S"
mkdir -p $OUT/ring
OUT=$OUT/ring BUILD=$BUILD SESSION_SECONDS=${RING_SECONDS:-150} timeout $((${RING_SECONDS:-150}+10)) bash bench/gpu/ring_f64_session.sh > $OUT/ring/stdout.log 2>&1
note "ring rc=$? $(el) s"; cat $OUT/ring/summary.txt >> "$S" 2>/dev/null
left=$(( ${TOTAL:-570} - $(el) - 5 ))
note "ctest ($left s left)"
for t in $TESTS; do
  left=$(( ${TOTAL:-570} - $(el) - 5 )); ((left < 10)) && { note "$t: SKIPPED"; continue; }
  exe=$(find $BUILD/tests -name $t -type f -executable | head -1)
  [[ -z $exe ]] && { note "$t: not built"; continue; }
  timeout $((left < 90 ? left : 90)) $exe --gtest_brief=1 > $OUT/$t.log 2>&1
  note "$t rc=$? $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' $OUT/$t.log | tr '\n' ' ') $(el) s"
  grep -E '^\[  FAILED' $OUT/$t.log | head -5 | tee -a "$S"
done
tar -czf $OUT/logs.tgz -C $OUT --exclude logs.tgz . 2>/dev/null
