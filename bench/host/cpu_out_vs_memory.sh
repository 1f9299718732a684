#!/usr/bin/env bash
# bench/host/cpu_out_vs_memory.sh
# Issue 11's CPU goal: `cubie run --out F.h5` on the CPU backend within 1.2x of its in-memory
# solve plus the write. Measured in one run, fresh processes, compile cache warm: the same
# sweep solved without --out (in memory: the solve alone) and with --out (streamed through the
# staging ring to HDF5), and the file's bytes written by dd (page cache, and with fdatasync),
# interleaved REPS times; prints every run and the medians with the ratios
# out-solve / (memory-solve + dd write) and out-wall / (memory-wall + dd write).
#
#   bash bench/host/cpu_out_vs_memory.sh CUBIE [N_RUNS] [REPS]     (defaults 65536, 3)
# The case: examples/bench_lorenz.toml, classical_rk4, dt = 1/1024, save_every = 0.01 (101
# saves of x, y, z: 1,212 bytes a run), rho = linspace(0, 21, N_RUNS), float32.
set -uo pipefail
CUBIE=${1:?usage: cpu_out_vs_memory.sh CUBIE [N_RUNS] [REPS]}
N=${2:-65536}
REPS=${3:-3}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SCRATCH=${SCRATCH:-$(mktemp -d /tmp/cubie-cpu-out.XXXXXX)}
mkdir -p "$SCRATCH"
export CUBIE_CACHE_DIR=${CUBIE_CACHE_DIR:-$SCRATCH/cache}
args=("$ROOT/examples/bench_lorenz.toml" --backend cpu --json --set solver.algorithm=classical_rk4
  --set solver.dt=0.0009765625 --set solver.save_every=0.01 --set "sweep.rho={linspace=[0,21,$N]}")
echo "cpu --out against in memory: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), N = $N"
echo "command: $CUBIE run ${args[*]} [--out $SCRATCH/out.h5]"
"$CUBIE" run "${args[@]}" --set 'sweep.rho={linspace=[0,21,64]}' >/dev/null 2>&1  # compile once (cache)

ms_now() { date +%s%N; }
one() { # one LABEL [--out FILE]: prints "LABEL wall solve write bytes"
  local label=$1
  shift
  rm -f "$SCRATCH/out.h5"
  local t0 t1
  t0=$(ms_now)
  "$CUBIE" run "${args[@]}" "$@" >"$SCRATCH/$label.json" 2>"$SCRATCH/$label.err"
  local rc=$?
  t1=$(ms_now)
  python3 - "$SCRATCH/$label.json" "$label" $((t1 - t0)) "$rc" "$SCRATCH/out.h5" <<'PY'
import json, os, sys
path, label, ns, rc, h5 = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
try:
    t = json.load(open(path))["timings_ms"]
    size = os.path.getsize(h5) if label.startswith("out") and os.path.exists(h5) else 0
    print(f"{label} {ns / 1e6:.1f} {t['solve']:.1f} {t['write']:.1f} {size}")
except Exception as e:
    print(f"{label} rc={rc} failed: {e}", file=sys.stderr)
PY
}
dd_write() { # dd_write BYTES FLAGS...: ms to write BYTES of zeros
  local bytes=$1
  shift
  local t0 t1
  t0=$(ms_now)
  dd if=/dev/zero of="$SCRATCH/dd.bin" bs=1M count=$(((bytes + 1048575) / 1048576)) "$@" status=none
  t1=$(ms_now)
  rm -f "$SCRATCH/dd.bin"
  awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e6 }'
}

results=$SCRATCH/results.txt
: >"$results"
for ((r = 1; r <= REPS; ++r)); do
  one memory | tee -a "$results"
  one out --out "$SCRATCH/out.h5" | tee -a "$results"
  bytes=$(awk '$1 == "out" { b = $5 } END { print b + 0 }' "$results")
  echo "dd $(dd_write "$bytes") $(dd_write "$bytes" conv=fdatasync) $bytes" | tee -a "$results"
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def med(label, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == label)
mw, ms = med("memory", 1), med("memory", 2)
ow, os_, owr = med("out", 1), med("out", 2), med("out", 3)
dd_cache, dd_sync = med("dd", 1), med("dd", 2)
size = med("out", 4)
print(f"medians (ms): in memory: wall {mw:.0f}, solve {ms:.0f}; --out: wall {ow:.0f}, solve {os_:.0f}, "
      f"write (overlapped) {owr:.0f}; file {size / 1e6:.1f} MB; dd: {dd_cache:.0f} page cache, {dd_sync:.0f} with fdatasync")
print(f"--out solve / (memory solve + dd page cache) = {os_ / (ms + dd_cache):.2f}; with fdatasync {os_ / (ms + dd_sync):.2f}")
print(f"--out wall / (memory wall + dd page cache) = {ow / (mw + dd_cache):.2f}; with fdatasync {ow / (mw + dd_sync):.2f}")
PY
