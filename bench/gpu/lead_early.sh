#!/usr/bin/env bash
# bench/gpu/lead_early.sh: the lead's short first device call of a session (carry .deps):
# builds the Python extension and the auto benchmark on a bare machine, then measures the
# Python overhead at B1 size (issue 12) and algorithm = "auto" at 2^20 runs (issue 9), noting
# each step in $OUT/summary.txt as it goes so a call that runs out of time still reports.
#   TOTAL=560 bash bench/gpu/lead_early.sh
set -uo pipefail
ROOT=$PWD; BUILD=$ROOT/build-h200; S=$OUT/summary.txt
T0=$(date +%s); el() { echo $(( $(date +%s) - T0 )); }
left() { echo $(( ${TOTAL:-560} - $(el) )); }
note() { echo "$*" | tee -a "$S"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export PATH CUBIE_CACHE_DIR=/tmp/cubie-cache
note "lead_early $(date -u '+%Y-%m-%d %H:%M UTC') $(git log -1 --format=%h) $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
python3 -c "import nanobind, pytest" 2>/dev/null || python3 -m pip install -q --no-index \
  --find-links "$ROOT/.deps/pywheels" --break-system-packages nanobind pytest > $OUT/pip.log 2>&1
source bench/gpu/toml_shim.sh
h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=ON
cmake "${args[@]}" > $OUT/configure.log 2>&1; note "configure rc=$? $(el) s"
timeout $(( ${BUILD_LIMIT:-260} - $(el) )) ninja -C "$BUILD" _core auto_switch_bench auto_switch_gpu_test \
  auto_two_pass_test > $OUT/build.log 2>&1
note "build rc=$? $(el) s"; grep -m5 "error" $OUT/build.log | tee -a "$S"
export PYTHONPATH=$BUILD/python
lim=$(( $(left) - 150 )); ((lim > 150)) && lim=150
timeout $lim python3 bench/python/python_overhead.py --runs 4194304 --backend cuda --repeats 15 --skip-scipy \
  > $OUT/python_overhead.log 2>&1
note "python overhead rc=$? $(el) s"; tail -15 $OUT/python_overhead.log >> "$S"
lim=$(( $(left) - 5 ))
OUT=$OUT/auto RUNS=1048576 CAP=$(( lim / 6 )) timeout $lim bash bench/gpu/auto_two_pass_session.sh > $OUT/auto_stdout.log 2>&1
note "auto 2^20 rc=$? $(el) s"; cat $OUT/auto/summary.txt >> "$S" 2>/dev/null
tar -czf $OUT/logs.tgz -C $OUT --exclude logs.tgz . 2>/dev/null
