#!/usr/bin/env python3
"""Local-memory traffic of cubie's integration kernels, read from their SASS (no GPU needed):
for each kernel in a CUBIN or executable, the registers and stack frame (cuobjdump -res-usage),
and in the adaptive step loop (the loop that holds the most fp64/fp32 arithmetic and compares
times) the instructions, fp arithmetic, local loads/stores (LDL/STL) and shared ones (LDS/STS:
per-thread slices in shared memory) with their bytes. Static counts of straight-line code: a
Rosenbrock step has no data-dependent branches besides
the save and restart paths, so the loop's counts are per-step counts to within those.

  kernel_local_memory.py BINARY [--json OUT]
Uses tests/backends/sass_check.py's parser and its cuobjdump/nvdisasm lookup.
"""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "backends"))
import sass_check as sc  # noqa: E402

WIDTH = re.compile(r"\.(64|128|U8|S8|U16|S16)\b")


def access_bytes(op):
    m = WIDTH.search(op)
    if not m:
        return 4
    return {"64": 8, "128": 16, "U8": 1, "S8": 1, "U16": 2, "S16": 2}[m.group(1)]


def arith(instrs):
    c = {"fp64": 0, "fp32": 0, "ldl": 0, "stl": 0, "ldl_bytes": 0, "stl_bytes": 0, "lds": 0, "sts": 0,
         "lds_bytes": 0, "sts_bytes": 0, "ldg": 0, "all": 0}
    for _, op, _ in instrs:
        b = sc.base(op)
        c["all"] += 1
        if b in ("DFMA", "DMUL", "DADD"):
            c["fp64"] += 1
        elif b in ("FFMA", "FMUL", "FADD"):
            c["fp32"] += 1
        elif b == "LDL":
            c["ldl"] += 1
            c["ldl_bytes"] += access_bytes(op)
        elif b == "STL":
            c["stl"] += 1
            c["stl_bytes"] += access_bytes(op)
        elif b == "LDS":
            c["lds"] += 1
            c["lds_bytes"] += access_bytes(op)
        elif b == "STS":
            c["sts"] += 1
            c["sts_bytes"] += access_bytes(op)
        elif b in ("LDG", "LD"):
            c["ldg"] += 1
    return c


def step_loop(instrs):
    """The loop with the most floating-point arithmetic among those that compare times
    (DSETP: the adaptive loop updates a double-precision time)."""
    best, best_fp = None, -1
    for rng in sc.loops(instrs):
        b = sc.body(instrs, rng)
        if not any(sc.base(op) == "DSETP" for _, op, _ in b):
            continue
        c = arith(b)
        fp = c["fp64"] + c["fp32"]
        if fp > best_fp:
            best, best_fp = rng, fp
    return best


def resources(binary):
    out = subprocess.run([sc.find_tool("cuobjdump", "CUOBJDUMP"), "-res-usage", binary], capture_output=True, text=True)
    res, current = {}, None
    for line in out.stdout.splitlines():
        m = re.search(r"Function (\S+):", line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r"REG:(\d+) STACK:(\d+)", line)
        if m and current:
            res[current] = (int(m.group(1)), int(m.group(2)))
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary")
    p.add_argument("--json")
    a = p.parse_args()
    funcs = sc.parse(sc.disassemble(a.binary))
    res = resources(a.binary)
    report = {}
    for name, instrs in funcs.items():
        if "integrate_kernel" not in name and "integrate_path_kernel" not in name:
            continue
        regs, stack = res.get(name, (None, None))
        entry = {"registers": regs, "stack_bytes": stack, "kernel": arith(instrs)}
        rng = step_loop(instrs)
        if rng:
            entry["step_loop"] = arith(sc.body(instrs, rng))
        label = sc.kernel_label(name) or name
        report[label] = entry
        k, s = entry["kernel"], entry.get("step_loop")
        print("%s: %s registers, %s bytes stack; kernel %d instructions, %d fp64, %d fp32, LDL %d / STL %d"
              % (label, regs, stack, k["all"], k["fp64"], k["fp32"], k["ldl"], k["stl"]))
        if s:
            print("  step loop: %d instructions, %d fp64 + %d fp32 arithmetic, LDL %d (%d B), STL %d (%d B): "
                  "%d B of local traffic per step" % (s["all"], s["fp64"], s["fp32"], s["ldl"], s["ldl_bytes"], s["stl"],
                                                      s["stl_bytes"], s["ldl_bytes"] + s["stl_bytes"]))
            if s["lds"] or s["sts"]:
                print("  step loop shared memory: LDS %d (%d B), STS %d (%d B)" % (s["lds"], s["lds_bytes"], s["sts"],
                                                                                 s["sts_bytes"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
