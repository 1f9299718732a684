#!/usr/bin/env bash
# bench/gpu/chain.sh: several session scripts in ONE device call, each under its own time limit
# and with its own output folder, so a session spends its minutes measuring rather than
# waiting between calls (a machine left idle is given back after 30 s and a fresh one needs a
# full build). The device tool returns only a few files, so everything under $OUT is packed
# into $OUT/chain.tar.gz at the end, and each script's summary.txt is printed.
#   bash bench/gpu/chain.sh 'NAME SECONDS COMMAND...' ...
# e.g. bash bench/gpu/chain.sh 'ring 220 bash bench/gpu/ring_f64_session.sh' \
#                              'auto 200 bash bench/gpu/auto_two_pass_session.sh'
# It packs $OUT itself and then removes the folders: never tar $OUT again after it in the same
# command (that overwrote chain.tar.gz with an empty archive on 2026-12-04 and lost a session's logs).
# Each COMMAND runs with OUT=$OUT/NAME and BUILD=${BUILD:-$PWD/build-h200}; a script that runs
# past its limit is stopped (its summary so far is kept) and the next one starts.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/chain}
export BUILD=${BUILD:-$ROOT/build-h200}
mkdir -p "$OUT"
cd "$ROOT"
for spec in "$@"; do
  read -r name seconds cmd <<<"$spec"
  mkdir -p "$OUT/$name"
  t0=$(date +%s)
  echo "==== $name: $cmd (limit ${seconds} s, $(date -u +%H:%M:%S))"
  OUT=$OUT/$name timeout -k 5 "$seconds" bash -c "$cmd" >"$OUT/$name/stdout.log" 2>&1
  rc=$?
  echo "==== $name: rc=$rc after $(($(date +%s) - t0)) s"
  for f in "$OUT/$name"/summary.txt "$OUT/$name"/*.txt; do
    [[ -f $f ]] && { echo "-- $f"; cat "$f"; break; }
  done
  [[ -f $OUT/$name/summary.txt || -n $(ls "$OUT/$name"/*.txt 2>/dev/null) ]] || tail -20 "$OUT/$name/stdout.log"
done
tar -czf "$OUT/../chain.tar.gz" -C "$OUT" . && mv "$OUT/../chain.tar.gz" "$OUT/chain.tar.gz"
find "$OUT" -mindepth 1 -maxdepth 1 ! -name chain.tar.gz -exec rm -rf {} +
