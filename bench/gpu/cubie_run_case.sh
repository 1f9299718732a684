# bench/gpu/cubie_run_case.sh: sourced by the GPU session scripts that time `cubie run` as a user
# runs it (a fresh process per case, the model compiled once before into the cache).
#   cubie_run_case NAME OUTFILE ARGS...
# runs "$CUBIE" run ARGS --backend cuda --json [--out OUTFILE] (OUTFILE "" for in-memory), and
# notes one line: the process wall time and the solve's own JSON timings. Needs CUBIE, LOG and a
# note function from the caller; the JSON and stderr stay in $LOG/run_NAME.{json,err}.
cubie_run_case() {
  local name=$1 out=$2
  shift 2
  local o=()
  [[ -n $out ]] && { rm -f "$out"; o=(--out "$out"); }
  local t0 t1
  t0=$(date +%s%N)
  timeout 120 "$CUBIE" run "$@" --backend cuda --json "${o[@]}" >"$LOG/run_$name.json" 2>"$LOG/run_$name.err"
  local rc=$?
  t1=$(date +%s%N)
  note "$(printf '%-34s rc=%d wall %7.0f ms  ' "$name" $rc "$(awk -v ns=$((t1 - t0)) 'BEGIN{print ns/1e6}')")$(python3 -c "
import json,sys
try:
    d=json.load(open('$LOG/run_$name.json')); t=d['timings_ms']
    print('compile %.0f solve %.1f write %.1f kernel %.1f d2h %.1f wait %.1f | failed %d bytes %d | %s' % (t['compile'], t['solve'], t['write'], t.get('kernel',0), t.get('d2h',0), t.get('staging_wait',0), d['failed']['count'], d['output_bytes'], d.get('kernel','')))
except Exception as e: print('no JSON:', open('$LOG/run_$name.err').read()[-300:].replace(chr(10),' '))
")"
  [[ -n $out ]] && rm -f "$out"
  return 0
}
