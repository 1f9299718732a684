#!/usr/bin/env python3
"""One warp's latency per step of cubie's adaptive step loop, read from the SASS (no GPU):
each instruction's control bits (the stall count ptxas encodes for fixed-latency results,
and the scoreboards that variable-latency ones - local, shared and global loads, MUFU,
conversions - set and later instructions wait on) are replayed in program order through the
step loop with nominal latencies, as one warp alone on its scheduler would issue them.
Static and in-order: it ignores the FP64 pipe's throughput (16 lanes per scheduler: a warp's
DFMA holds it 2 cycles) and other warps, so it is a lower bound on one warp's cycles per step,
and its differences between variants estimate the latency cuts. Attributes the cycles to the
step's parts by the -lineinfo locations (compile with --option=-lineinfo).

  sass_latency.py CUBIN [--source K.cu] [--json OUT]
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "backends"))
import sass_check as sc  # noqa: E402

# Nominal variable latencies (cycles from issue to the scoreboard's release) on sm_90: L1 hits
# for local and global loads, shared loads, MUFU and the conversions/ALU ops that take a
# scoreboard. Read barriers (a store's or operand's release) take a few cycles.
LATENCY = {"LDL": 32, "LDG": 34, "LD": 34, "LDS": 30, "LDC": 14, "MUFU": 18, "F2F": 10, "I2F": 10, "F2I": 10,
           "DSETP": 6, "DADD": 8, "DMUL": 8, "DFMA": 8, "DMNMX": 8, "FRND": 10, "S2R": 20, "S2UR": 20,
           "SHFL": 20, "POPC": 10, "FLO": 10, "BREV": 10, "LDSM": 30, "ATOMS": 30}
READ_RELEASE = 4
INSTR = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;\s*/\* (0x[0-9a-f]{16}) \*/")
HI = re.compile(r"^\s*/\* (0x[0-9a-f]{16}) \*/\s*$")
LOC = re.compile(r'//## File "([^"]+)", line (\d+)(?: inlined at "([^"]+)", line (\d+))?')
LABEL = re.compile(r"^(\.L_x_\d+):")
TARGET = re.compile(r"`\((\.L_x_\d+)\)")
FUNC = re.compile(r"\.text\.(\S+):")


def disassemble(cubin):
    nvdisasm = sc.find_tool("nvdisasm", "NVDISASM")
    out = subprocess.run([nvdisasm, "-hex", "-gi", cubin], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("nvdisasm failed: " + out.stderr)
    return out.stdout


def parse(text):
    """{function: [dict(addr, op, args, pred, loc, stall, yld, wbar, rbar, wait, target)]}:
    the control bits from the instruction's upper 64 bits (stall count, yield, write and read
    scoreboards, wait mask), loc the -lineinfo frames joined by '|' (innermost first), target
    the address a branch goes to (None elsewhere)."""
    funcs = collections.OrderedDict()
    cur, pending, locs, fresh = None, None, [], False
    labels, want = {}, []
    for line in text.splitlines():
        m = LABEL.match(line)
        if m:
            want.append(m.group(1))
            continue
        m = FUNC.search(line)
        if m and not line.lstrip().startswith("/*"):
            cur = m.group(1)
            funcs.setdefault(cur, [])
            continue
        m = LOC.search(line)
        if m:
            if fresh:
                locs, fresh = [], False
            locs.append(line.split('//## File ', 1)[1])
            continue
        m = INSTR.search(line)
        if m and cur is not None:
            body = m.group(2).strip()
            pred = ""
            if body.startswith("@"):
                pred, body = body.split(None, 1)
            parts = body.split(None, 1)
            for lab in want:
                labels[lab] = int(m.group(1), 16)
            want = []
            pending = {"addr": int(m.group(1), 16), "op": parts[0], "args": parts[1] if len(parts) > 1 else "",
                       "pred": pred, "loc": "|".join(locs)}
            fresh = True
            continue
        m = HI.match(line)
        if m and pending is not None:
            hi = int(m.group(1), 16)
            ctrl = hi >> 41
            pending.update(stall=ctrl & 0xF, yld=(ctrl >> 4) & 1, wbar=(ctrl >> 5) & 7, rbar=(ctrl >> 8) & 7,
                           wait=(ctrl >> 11) & 0x3F)
            funcs[cur].append(pending)
            pending = None
    for instrs in funcs.values():
        for i in instrs:
            m = TARGET.search(i["args"])
            i["target"] = labels.get(m.group(1)) if m and i["op"].startswith("BRA") else None
    return funcs


def step_loop(instrs):
    tuples = [(i["addr"], i["op"], i["args"]) for i in instrs]
    back = sorted({(i["target"], i["addr"]) for i in instrs if i["target"] is not None and i["target"] < i["addr"]},
                  key=lambda r: r[1] - r[0])
    best, best_fp = None, -1
    for rng in back:
        b = [t for t in tuples if rng[0] <= t[0] <= rng[1]]
        if not any(sc.base(op) == "DSETP" for _, op, _ in b):
            continue
        fp = sum(1 for _, op, _ in b if sc.base(op) in ("DFMA", "DMUL", "DADD", "FFMA", "FMUL", "FADD"))
        if fp > best_fp:
            best, best_fp = rng, fp
    return best


def part_of(loc, source_funcs):
    """The step's part an instruction belongs to, from its location chain."""
    names = []
    for one in loc.split("|"):
        m = LOC.search('//## File ' + one)
        if m:
            names.append((os.path.basename(m.group(1)), int(m.group(2))))
    for f, n in names:
        if f.endswith(".cu") and source_funcs:
            for start, name in reversed(source_funcs):
                if n >= start:
                    return "model:" + name
        if f in ("error_norm.hpp", "step_controller.hpp", "shared_factor_slices.hpp"):
            return f.replace(".hpp", "")
        if f == "rosenbrock_stepper.hpp":
            return "rosenbrock_stepper:%d" % n
        if f == "integrate_run.hpp":
            return "integrate_run:%d" % n
    return names[0][0] + ":%d" % names[0][1] if names else "?"


def walk(body):
    """The instructions one pass through the loop issues when every conditional branch falls
    through (the slow paths of exp, sin and division, the save and failure paths are reached by
    conditional branches) and unconditional forward branches are taken (over those paths)."""
    at = {i["addr"]: k for k, i in enumerate(body)}
    out, k = [], 0
    while k < len(body):
        ins = body[k]
        out.append(ins)
        if ins["op"].startswith("BRA") and not ins["pred"] and ins["target"] in at and ins["target"] > ins["addr"]:
            k = at[ins["target"]]
        else:
            k += 1
    return out


def simulate(body):
    """In-order issue of one warp: cycle of each instruction's issue; returns total cycles and
    per-instruction cycles charged (the gap from its issue to the next one's)."""
    ready = [0] * 6  # scoreboard release cycles
    t = 0
    charged = []
    for ins in body:
        start = t
        for b in range(6):
            if ins["wait"] >> b & 1:
                start = max(start, ready[b])
        base = sc.base(ins["op"])
        if ins["wbar"] < 6:
            ready[ins["wbar"]] = start + LATENCY.get(base, 12)
        if ins["rbar"] < 6:
            ready[ins["rbar"]] = max(ready[ins["rbar"]], start + READ_RELEASE)
        nxt = start + max(ins["stall"], 1)
        charged.append(nxt - t)
        t = nxt
    return t, charged


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("cubin")
    p.add_argument("--source", help="the NVRTC source (names the generated functions by line)")
    p.add_argument("--json")
    p.add_argument("--parts", type=int, default=25, help="parts to print, most cycles first")
    a = p.parse_args()
    source_funcs = []
    if a.source:
        for n, line in enumerate(open(a.source), 1):
            m = re.search(r"CUBIE_FORCEINLINE (?:void|auto) (\w+)\(", line)
            if m:
                source_funcs.append((n, m.group(1)))
    funcs = parse(disassemble(a.cubin))
    report = {}
    for name, instrs in funcs.items():
        if "integrate_kernel" not in name or not instrs:
            continue
        rng = step_loop(instrs)
        if not rng:
            continue
        body = walk([i for i in instrs if rng[0] <= i["addr"] <= rng[1]])
        total, charged = simulate(body)
        stalls = sum(max(i["stall"], 1) for i in body)
        parts = collections.defaultdict(lambda: [0, 0])
        for ins, c in zip(body, charged):
            k = part_of(ins["loc"], source_funcs)
            parts[k][0] += 1
            parts[k][1] += c
        label = sc.kernel_label(name) or name
        report[label] = {"instructions": len(body), "stall_cycles": stalls, "cycles": total,
                         "parts": {k: v for k, v in parts.items()}}
        print("%s: step loop %d instructions, %d cycles of encoded stalls, %d cycles simulated "
              "(one warp, in order, nominal latencies)" % (label, len(body), stalls, total))
        for k, (n, c) in sorted(parts.items(), key=lambda kv: -kv[1][1])[: a.parts]:
            print("  %-34s %6d instructions %7d cycles" % (k, n, c))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(report, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
