#!/usr/bin/env bash
# bench/gpu/py_overhead_session.sh: issue 12's Python overhead at B1 on the H200 in one device
# call (carry .deps; about 1.5 minutes after the build of _core, 2.5 with the A/B):
#   1. builds _core (CUDA, into $BUILD, default build-h200: reused when it is there);
#   2. the Python tests that touch results and the pool, with the GPU (aliasing, pool, GIL and
#      Ctrl-C, test_gpu.py);
#   3. python_overhead.py at 4,194,304 runs on the GPU: $PAIRS interleaved pairs per method
#      (dopri54 and rk4 = B1), Python Solver.solve against Solver::solve from C++ on the same
#      Solver, the ratio's median with a bootstrap 95% interval and each side's parts per call;
#   4. (AB=1, the default, when time is left) the same with the status tally as main had it
#      (its per-run loop on every chunk, monitored_sink.cpp): the cut's effect, before/after;
#   and first bench/host/sink_commit_bench: what the commits of a B1 solve cost on this host.
# Each step is noted in $OUT/summary.txt as it goes, so a call that runs out of time still
# reports; every pair's parts go to pairs*.json, packed with the logs into $OUT/logs.tgz. Off the GPU: BUILD=build BACKEND=cpu RUNS=65536
# (or RUNS=4194304 DURATION=0.0009765625: B1's size, one rk4 step).
#   TOTAL=560 bash bench/gpu/py_overhead_session.sh
set -uo pipefail
ROOT=$PWD; BUILD=${BUILD:-$ROOT/build-h200}; S=$OUT/summary.txt
PAIRS=${PAIRS:-201}; RUNS=${RUNS:-4194304}; BACKEND=${BACKEND:-cuda}  # RUNS/BACKEND: for a check off the GPU
T0=$(date +%s); el() { echo $(( $(date +%s) - T0 )); }
left() { echo $(( ${TOTAL:-560} - $(el) )); }
note() { echo "$*" | tee -a "$S"; }
# The device tool brings back at most 8 files from $OUT: on the way out everything but
# summary.txt goes into logs.tgz.
pack() { (cd "$OUT" && tar -czf logs.tgz --exclude logs.tgz --exclude summary.txt . 2>/dev/null &&
  find . -mindepth 1 -maxdepth 1 ! -name logs.tgz ! -name summary.txt -exec rm -rf {} +); }
trap pack EXIT
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export PATH CUBIE_CACHE_DIR=/tmp/cubie-cache
note "py_overhead_session $(date -u '+%Y-%m-%d %H:%M UTC') $(git log -1 --format=%h) $(nvidia-smi --query-gpu=name --format=csv,noheader | head -1); $(nproc) CPUs"
python3 -c "import nanobind, pytest" 2>/dev/null || python3 -m pip install -q --no-index \
  --find-links "$ROOT/.deps/pywheels" --break-system-packages nanobind pytest > $OUT/pip.log 2>&1
source bench/gpu/toml_shim.sh
if [[ ! -f $BUILD/build.ninja ]] || ! grep -q "CUBIE_BUILD_PYTHON:BOOL=ON" "$BUILD/CMakeCache.txt" 2>/dev/null; then
  h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=ON
  cmake "${args[@]}" > $OUT/configure.log 2>&1; note "configure rc=$? $(el) s"
fi
timeout $(( ${BUILD_LIMIT:-300} - $(el) )) ninja -C "$BUILD" _core sink_commit_bench > $OUT/build.log 2>&1
rc=$?; note "build _core sink_commit_bench rc=$rc $(el) s"; ((rc == 0)) || { tail -30 $OUT/build.log | tee -a "$S"; exit 1; }
# The commits' cost on this host: the tally with its shortcut, and the per-run loop it replaced.
timeout 60 "$BUILD/bench/sink_commit_bench" >> "$S" 2>&1
export PYTHONPATH=$BUILD/python

timeout 150 python3 -m pytest -q -rs -p no:cacheprovider python/tests/test_result_aliasing.py \
  python/tests/test_result_pool.py python/tests/test_interrupt_and_gil.py python/tests/test_gpu.py \
  > $OUT/pytest.log 2>&1
note "pytest (aliasing, pool, interrupt/GIL, gpu) rc=$? $(el) s: $(tail -1 $OUT/pytest.log)"
grep -E "^(FAILED|ERROR)" $OUT/pytest.log | head -10 | tee -a "$S"

overhead() {  # $1: label, $2: json file, $3: time limit
  timeout "$3" python3 bench/python/python_overhead.py --runs "$RUNS" --backend "$BACKEND" --repeats "$PAIRS" \
    --skip-scipy --skip-first-call --json "$2" ${DURATION:+--duration $DURATION} > "$OUT/overhead_$1.log" 2>&1
  note "python_overhead ($1, $PAIRS pairs) rc=$? $(el) s"
  grep -E "^\|" "$OUT/overhead_$1.log" >> "$S"
}
lim=$(( $(left) - 20 )); ((lim > 240)) && lim=240
overhead after $OUT/pairs_after.json $lim

if [[ ${AB:-1} == 1 ]] && (( $(left) > 150 )); then
  # Before: only the tally's shortcut taken out (main's monitored_sink.cpp), same bindings.
  cp src/io/monitored_sink.cpp /tmp/monitored_sink.after.cpp
  python3 - <<'PY'
# main's (60cf812) tally: every run through status_tally::add, clean chunks too.
p = "src/io/monitored_sink.cpp"
s = open(p).read()
a, b = s.index("void monitored_sink::tally_chunk"), s.index("template <class Forward>")
old = """void monitored_sink::tally_chunk(i64 n, const output_view& v) {
  const u32* status = v.array<const u32>(output_id::status);
  if (status == nullptr) return;
  const double* t_reached = v.array<const double>(output_id::t_reached);
  const void* dt_last = v.data[static_cast<int>(output_id::dt_last)];
  for (i64 r = 0; r < n; ++r) {
    if (status[r] == 0 || t_reached == nullptr) {
      tally_.add(status[r]);
      continue;
    }
    double dt = std::numeric_limits<double>::quiet_NaN();
    if (dt_last != nullptr)
      dt = double_precision_ ? static_cast<const double*>(dt_last)[r] : static_cast<const float*>(dt_last)[r];
    tally_.add(status[r], t_reached[r], dt);
  }
}

"""
open(p, "w").write(s[:a] + old + s[b:])
PY
  timeout $(( $(left) - 100 )) ninja -C "$BUILD" _core > $OUT/build_before.log 2>&1
  rc=$?; note "build _core with main's monitored_sink.cpp rc=$rc $(el) s"
  if ((rc == 0)); then
    lim=$(( $(left) - 15 )); ((lim > 240)) && lim=240
    overhead before $OUT/pairs_before.json $lim
  fi
  cp /tmp/monitored_sink.after.cpp src/io/monitored_sink.cpp
fi
note "done $(el) s"
