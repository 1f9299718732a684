#!/usr/bin/env python3
"""The slowest build steps of a Ninja build dir, from its .ninja_log: where CI's build time goes.

    python3 bench/ci/slowest_objects.py build [--top 25]

Ninja logs each step's start and end (ms since the build began); a step built again appears
again and the last entry counts. Times are wall clock per step: on a machine shared with other
builds they overstate CPU time, and a ccache hit shows as a near-zero step (for true compile
costs build with CMAKE_CXX_COMPILER_LAUNCHER unset, or CCACHE_DISABLE=1). The total is the sum
of the steps (the CPU-seconds the build asks for when every step keeps one core busy)."""

import argparse
import os
import sys


def last_entries(log_path):
    steps = {}
    with open(log_path) as f:
        header = f.readline()
        if not header.startswith("# ninja log"):
            sys.exit(f"{log_path}: not a ninja log (first line {header.strip()!r})")
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4:
                continue
            start, end, output = int(cols[0]), int(cols[1]), cols[3]
            steps[output] = (end - start) / 1000.0
    return steps


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("build", help="a Ninja build directory")
    ap.add_argument("--top", type=int, default=25, help="rows to print (default 25)")
    args = ap.parse_args()
    log = os.path.join(args.build, ".ninja_log")
    if not os.path.isfile(log):
        sys.exit(f"{log}: no such file (build with the Ninja generator first)")
    steps = last_entries(log)
    total = sum(steps.values())
    objects = {k: v for k, v in steps.items() if k.endswith(".o")}
    print(f"{len(steps)} steps, {total:.0f} s in all; {len(objects)} objects, {sum(objects.values()):.0f} s")
    print(f"{'seconds':>8s} {'share':>6s}  step")
    for out, sec in sorted(steps.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"{sec:8.1f} {100 * sec / total:5.1f}%  {out}")


if __name__ == "__main__":
    main()
