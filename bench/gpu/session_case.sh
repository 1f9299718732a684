# bench/gpu/session_case.sh: sourced by the GPU session scripts that run a list of benchmark
# cases in one device call, each with its own time limit, under one deadline.
# Needs OUT (the folder for logs and summary.txt) and DEADLINE (epoch seconds) from the caller,
# or from session_begin.
# A session writes two files per case: the device tool brings back at most 8 files from $OUT,
# so run a session under bench/gpu/chain.sh (which packs its folders) or tar its folder after it.
#   note TEXT...        prints TEXT and appends it to $OUT/summary.txt
#   left                seconds left before DEADLINE
#   session_case LABEL LIMIT COMMAND ARGS...
#     runs COMMAND ARGS under `timeout` with LIMIT cut to what is left, stdout to
#     $OUT/LABEL.log and stderr to $OUT/LABEL.err; with under 15 s left it notes the case as
#     SKIPPED instead (later, shorter cases may still fit). Then it puts the output of the
#     caller's `case_summary LABEL` (default: the whole log) into the summary, indented, and on
#     failure the exit status and the last two lines of stderr (the engine's "cubie: " notes
#     left out).
#   session_begin NAME SECONDS   the common start of such a script: OUT (default out/NAME),
#     BUILD (default build-h200), SCRATCH and the compile cache (/tmp/cubie-NAME), START,
#     DEADLINE (SESSION_SECONDS, default SECONDS, from now), CUDA's bin on PATH
#   session_build RESERVE TARGET...   configures BUILD as bench/gpu/toml_shim.sh says when it
#     has no build yet, then builds the targets (incrementally) with RESERVE seconds kept for
#     the cases; notes the outcome
SESSION_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

session_begin() {
  OUT=${OUT:-$SESSION_ROOT/out/$1}
  BUILD=${BUILD:-$SESSION_ROOT/build-h200}
  SCRATCH=${SCRATCH:-/tmp/cubie-$1}
  START=$(date +%s)
  DEADLINE=$((START + ${SESSION_SECONDS:-$2}))
  mkdir -p "$OUT" "$SCRATCH"
  for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
  export CUBIE_CACHE_DIR=$SCRATCH/cache
}

session_build() {
  local reserve=$1
  shift
  if [[ ! -f $BUILD/build.ninja ]]; then
    source "$SESSION_ROOT/bench/gpu/toml_shim.sh"
    local args
    h200_cmake_args "$SESSION_ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=OFF
    cmake "${args[@]}" >"$OUT/configure.log" 2>&1
    note "configure: rc=$?"
  fi
  timeout $(($(left) - reserve)) ninja -C "$BUILD" "$@" >"$OUT/build.log" 2>&1
  note "build $*: rc=$? ($(($(date +%s) - START)) s)"
}

note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
left() { echo $((DEADLINE - $(date +%s))); }

session_case() {
  local label=$1 limit=$2
  shift 2
  local l
  l=$(left)
  ((limit > l)) && limit=$l
  if ((limit < 15)); then
    note "== $label: SKIPPED (no time left)"
    return 0
  fi
  note "== $label ($(date -u +%H:%M:%S), limit ${limit} s): ${1##*/} ${*:2}"
  timeout "$limit" "$@" >"$OUT/$label.log" 2>"$OUT/$label.err"
  local rc=$?
  if declare -F case_summary >/dev/null; then
    case_summary "$label"
  else
    cat "$OUT/$label.log"
  fi | sed 's/^/   /' | tee -a "$OUT/summary.txt" >/dev/null
  ((rc != 0)) && note "   rc=$rc $( ((rc == 124)) && echo '(timeout)') $(grep -v '^cubie: ' "$OUT/$label.err" | tail -2 | tr '\n' ' ')"
  return 0
}
