#!/usr/bin/env python3
"""Reads the SASS of cubie's integration kernels (cuobjdump -sass; no GPU needed).

  check  compiles tests/backends/sass_kernels.cu for sm_90 and checks that the float32
         Lorenz kernels (both loop paths in one kernel, and each path's kernel alone, as
         model files get them) carry no fp64 arithmetic beyond the double-precision time update
         and the save-time comparisons, and that the float32 kernels of a system driven by
         an interpolated signal evaluate it in float (fp64 only in per-step time and landing
         code); prints registers and stack frame from ptxas -v.
  count  prints, for every integration kernel in a binary (a cubin or an executable with
         embedded device code), the SASS instructions of its step loop per step (less the
         save recording, which runs once per save): the benchmarks' kernel floor.

cuobjdump and nvdisasm come with a full CUDA toolkit, or from PyPI:
    pip install nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm
which install them as <site-packages>/nvidia/cu13/bin/{cuobjdump,nvdisasm} (older wheels:
nvidia/cuda_cuobjdump/bin). They are looked up in $CUOBJDUMP, on PATH, in /usr/local/cuda/bin
and in those site-packages folders. Without them `check` exits 77 (ctest: skipped).
"""
import argparse
import collections
import glob
import json
import os
import re
import shutil
import site
import subprocess
import sys

SKIP = 77

# ---- tools --------------------------------------------------------------------------------


def candidate_dirs():
    dirs = []
    roots = []
    try:
        roots += site.getsitepackages()
    except AttributeError:
        pass
    try:
        roots.append(site.getusersitepackages())
    except AttributeError:
        pass
    roots += [p for p in sys.path if p.endswith("site-packages") or p.endswith("dist-packages")]
    for root in roots:
        dirs += sorted(glob.glob(os.path.join(root, "nvidia", "*", "bin")))
    dirs.append("/usr/local/cuda/bin")
    return dirs


def find_tool(name, env=None):
    if env and os.environ.get(env):
        return os.environ[env]
    found = shutil.which(name)
    if found:
        return found
    for d in candidate_dirs():
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def disassemble(binary):
    cuobjdump = find_tool("cuobjdump", "CUOBJDUMP")
    nvdisasm = find_tool("nvdisasm", "NVDISASM")
    if not cuobjdump or not nvdisasm:
        missing = [n for n, p in (("cuobjdump", cuobjdump), ("nvdisasm", nvdisasm)) if not p]
        print("SKIP: %s not found (pip install nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm, or a full CUDA "
              "toolkit); looked on PATH, in $CUOBJDUMP/$NVDISASM, /usr/local/cuda/bin and "
              "<site-packages>/nvidia/*/bin" % " and ".join(missing))
        sys.exit(SKIP)
    env = dict(os.environ)
    # cuobjdump runs nvdisasm for SASS; it finds it on PATH.
    env["PATH"] = os.path.dirname(nvdisasm) + os.pathsep + env.get("PATH", "")
    out = subprocess.run([cuobjdump, "-sass", binary], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("cuobjdump failed: " + out.stderr)
    return out.stdout


# ---- parsing ------------------------------------------------------------------------------

INSTR = re.compile(r"^\s+/\*([0-9a-f]{4,})\*/\s+(?:@!?U?P[T0-9]+\s+)?([A-Z0-9_.]+)\s*([^;]*);")
FUNC = re.compile(r"Function : (\S+)")
BRANCH_TARGET = re.compile(r"0x([0-9a-f]+)\s*$")

FP64_ARITH = {"DADD", "DMUL", "DFMA"}
FP64_OTHER = {"DSETP", "DSET", "DMNMX", "DMMA"}
FP32_ARITH = {"FADD", "FMUL", "FFMA", "FMNMX", "FSETP", "FSEL", "MUFU", "FCHK", "FSET"}


def base(op):
    return op.split(".")[0]


def is_fp64(op):
    b = base(op)
    if b in FP64_ARITH or b in FP64_OTHER:
        return True
    if b == "MUFU" and "64" in op:
        return True
    if b in ("F2F", "I2F", "F2I", "FRND") and "F64" in op:
        return True
    return False


def parse(sass):
    """{function: [(addr, opcode, operands)]} in address order."""
    funcs = collections.OrderedDict()
    current = None
    for line in sass.splitlines():
        m = FUNC.search(line)
        if m:
            current = m.group(1)
            funcs[current] = []
            continue
        m = INSTR.match(line)
        if m and current is not None:
            funcs[current].append((int(m.group(1), 16), m.group(2), m.group(3).strip()))
    return funcs


def loops(instrs):
    """Backward branches as (start, end) address ranges, innermost-first by size."""
    found = []
    for addr, op, args in instrs:
        if base(op) == "BRA":
            m = BRANCH_TARGET.search(args)
            if m:
                target = int(m.group(1), 16)
                if target < addr:
                    found.append((target, addr))
    return sorted(set(found), key=lambda r: r[1] - r[0])


def body(instrs, rng):
    return [i for i in instrs if rng[0] <= i[0] <= rng[1]]


def census(instrs):
    c = collections.Counter()
    for _, op, _ in instrs:
        c["all"] += 1
        if is_fp64(op):
            c["fp64"] += 1
            if base(op) in FP64_ARITH | FP64_OTHER:
                c[base(op)] += 1
            elif base(op) in ("F2F", "I2F", "F2I", "FRND"):
                c["fp64_conversions"] += 1
        elif base(op) in FP32_ARITH:
            c["fp32"] += 1
    return c


COUNTER_STEP = re.compile(r"(U?R\d+), (?:U?P\d+, )?\1, (-?0x[0-9a-f]+)")


def unroll_factor(instrs):
    """Steps per trip of a counted loop: the largest small increment of an integer that the
    loop adds to itself (the step counter, unrolled k times, moves by k)."""
    best = 1
    for _, op, args in instrs:
        if base(op) in ("IADD3", "UIADD3"):
            m = COUNTER_STEP.search(args)
            if m:
                k = abs(int(m.group(2), 16))
                if 1 < k <= 16:
                    best = max(best, k)
    return best


def without_saves(instrs, rng):
    """The loop body less the code a step skips unless it records a save: the ranges that a
    forward branch inside the loop jumps over and that hold global stores (STG). Every step
    that saves nothing executes at least the rest (the step, the error norm, the controller)."""
    skipped = set()
    for addr, op, args in instrs:
        if rng[0] <= addr <= rng[1] and base(op) == "BRA":
            m = BRANCH_TARGET.search(args)
            if m:
                target = int(m.group(1), 16)
                if addr < target <= rng[1]:
                    region = [i for i in instrs if addr < i[0] < target]
                    if any(base(o) == "STG" for _, o, _ in region):
                        skipped.update(i[0] for i in region)
    return [i for i in body(instrs, rng) if i[0] not in skipped]


def _mangled_name(text, pos):
    """(name, end) of the <length><identifier> at text[pos:]."""
    m = re.match(r"(\d+)", text[pos:])
    if not m:
        return None, pos
    n = int(m.group(1))
    start = pos + len(m.group(1))
    return text[start:start + n], start + n


PATH_NAMES = {"1": "general", "2": "fixed_count"}  # cubie::loop_paths


def kernel_label(mangled):
    """system/method<float|double>[ summaries=G][ path=P] of an integrate_kernel or an
    integrate_path_kernel: the system is a class template in cubie:: (cubie::systems::lorenz,
    cubie::sass_test::driven_oscillator, ...) or at global scope (generated models); then the
    summary accumulator groups (Lj<G>E; 0: none) and, for a path kernel, its loop path
    (LNS_10loop_pathsE<P>E: general or fixed_count)."""
    m = re.search(r"integrate_(?:path_)?kernelINS_7methods", mangled)
    if not m:
        return None
    method, pos = _mangled_name(mangled, m.end())
    if not method or not mangled.startswith("E", pos):
        return None
    pos += 1
    if mangled.startswith("NS_", pos):  # cubie::<namespace>::<system>
        _, pos = _mangled_name(mangled, pos + 3)
        system, pos = _mangled_name(mangled, pos)
        pos += 1  # the nested name's E
    else:
        system, pos = _mangled_name(mangled, pos)
    rest = re.match(r"([fd])(?:Lj(\d+)E)?(?:LNS_10loop_pathsE(\d)E)?EE", mangled[pos:])
    if not system or not rest:
        return None
    label = "%s/%s<%s>" % (system, method, "float" if rest.group(1) == "f" else "double")
    if rest.group(2) and rest.group(2) != "0":
        label += " summaries=%s" % rest.group(2)
    if rest.group(3):
        label += " path=%s" % PATH_NAMES.get(rest.group(3), rest.group(3))
    return label


def step_loops(instrs, fixed_forms_time=False):
    """The kernel's step loops: those whose body holds a whole step of fp32 (or fp64) work.
    Returns (fixed_count, general): the counted loop free of fp64 (the fixed-step path; None
    when there is none) and the loop with the most arithmetic that compares times (the
    general loop). fixed_forms_time: the fixed-count loop forms each step's time in double
    (systems that read t, such as driven ones), so it holds that and no time comparison."""
    fixed, general = None, None
    for rng in loops(instrs):
        b = body(instrs, rng)
        c = census(b)
        if c["fp32"] + c["DFMA"] < 20:
            continue  # a copy or save loop, not a step
        if c["fp64"] == 0 or (fixed_forms_time and c["DSETP"] == 0):
            if fixed is None or c["fp32"] > census(body(instrs, fixed))["fp32"]:
                fixed = rng
        elif c["DSETP"] > 0:
            if general is None or c["all"] > census(body(instrs, general))["all"]:
                general = rng
    return fixed, general


# ---- check --------------------------------------------------------------------------------

# What the float32 loops may hold in fp64, from include/cubie/integrate/integrate_run.hpp. Per
# trip of the general (saving / adaptive) loop:
#   remaining = t_target - t                      DADD
#   land = remaining <= double(dt) * (1 + 1e-6)   F2F.F64.F32, DMUL, DSETP
#   h = float(remaining) on landing               F2F.F32.F64
#   t_new = t + double(h); stalled = t_new == t   F2F.F64.F32, DADD, DSETP
#   t_target = fma(save_every, k, t_save0)        I2F.F64.S64, DFMA (saves only)
# nvcc recomputes the landing test once more on the accept path (a second DADD, DMUL and
# DSETPs): hence the bounds below. The stage arithmetic (k_i, y + h sum a_ij k_j, error
# estimate, controller) is float: one stage of Lorenz alone is ~10 FFMA/FMUL, so fp64 stages
# would show as dozens of DFMA/DMUL, far above these bounds.
GENERAL_LOOP_BOUNDS = {"DADD": 4, "DMUL": 2, "DFMA": 1, "DSETP": 6, "fp64_conversions": 6}
# The fixed-count loop (fixed steps, no intermediate saves) counts steps with integers and
# never forms t (Lorenz does not read it): no fp64 at all.
# Outside the loops (set-up and run summary) a few more: the initial save time, and the step
# budget converted through double.
KERNEL_FP64_ARITH_BOUND = 12

# Kernels of systems driven by interpolated signals (integrate/drivers.hpp). Their drivers
# are evaluated in float at each stage (position, piece, polynomial); what is double is per
# step: each step's time, and the landing on driver samples (next_sample's knot search,
# begin_step's grid position), compiled in though taken only with land_on_samples. Bounds:
# the counts measured on 2026-12-04 (nvcc 13.0, sm_90; rk4 / dopri54: DADD 13/13, DMUL 4/5,
# DFMA 7/7, DSETP 20/23, conversions 10/11) plus one; an fp64 operation in the per-stage
# evaluation would add one per stage (4 with rk4, 6 with dopri54) and exceed them.
DRIVEN_GENERAL_LOOP_BOUNDS = {"DADD": 14, "DMUL": 6, "DFMA": 8, "DSETP": 24, "fp64_conversions": 12}
# The fixed-count loop of a driven kernel forms t = t_begin + i dt in double once per step
# (I2F.F64.S64, DFMA, F2F.F32.F64) and nothing else in fp64.
DRIVEN_FIXED_LOOP_BOUNDS = {"DADD": 0, "DMUL": 0, "DFMA": 1, "DSETP": 0, "fp64_conversions": 2}
# Set-up, the landing code's copies for the first step and the run summary (measured 83 and
# 98 DADD/DMUL/DFMA in the whole kernel); the loops' bounds above are the sharp test.
DRIVEN_KERNEL_FP64_ARITH_BOUND = 110
DRIVEN_SYSTEMS = ("driven_oscillator",)

# algorithm = "auto" (sass_auto_kernels.cu): the same time update, plus what its loop does
# with t per accepted step: the first pass keeps the time its stiffness test fired
# (F2F.F32.F64) and leaves the loop on a hand-off, which recomputes the landing test once more
# (a fifth DADD); the one kernel holding both methods also converts the loop-invariant step
# budget and save count (I2F.F64.S64, F2I.S64.F64) where ptxas keeps them in the loop. Measured
# on 2026-12-04 (nvcc 13.0, sm_90): DADD 5, DMUL 1, DFMA 1, DSETP 6, conversions 5 (first pass)
# and 10 (one kernel); 9 and 12 fp64 DADD/DMUL/DFMA in the kernels. The stiffness estimate,
# its counts and the Rosenbrock stages are float: fp64 there would add one per stage or state.
AUTO_GENERAL_LOOP_BOUNDS = {"DADD": 5, "DMUL": 2, "DFMA": 1, "DSETP": 6, "fp64_conversions": 10}
AUTO_KERNEL_FP64_ARITH_BOUND = 16
DEFAULT_EXPECTED = ("lorenz/classical_rk4<float>", "lorenz/dormand_prince_54<float>",
                    "driven_oscillator/classical_rk4<float>", "driven_oscillator/dormand_prince_54<float>",
                    "lorenz/classical_rk4<float> path=general", "lorenz/classical_rk4<float> path=fixed_count")


def check(args):
    os.makedirs(args.workdir, exist_ok=True)
    cubin = os.path.join(args.workdir, "sass_kernels.cubin")
    cmd = [args.nvcc, "-std=c++20", "-arch=sm_90", "-cubin", "-O3", "--fmad=true", "--expt-relaxed-constexpr",
           "-Xptxas", "-v", "-I", args.include, args.source, "-o", cubin]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        print(out.stdout + out.stderr)
        sys.exit("nvcc failed")
    ptxas = parse_ptxas(out.stdout + out.stderr)
    funcs = parse(disassemble(cubin))
    failures = []
    seen = set()
    for name, instrs in funcs.items():
        label = kernel_label(name)
        if not label:
            continue
        seen.add(label)
        driven = label.split("/")[0] in DRIVEN_SYSTEMS
        general_bounds = DRIVEN_GENERAL_LOOP_BOUNDS if driven else GENERAL_LOOP_BOUNDS
        kernel_bound = DRIVEN_KERNEL_FP64_ARITH_BOUND if driven else KERNEL_FP64_ARITH_BOUND
        if "/auto_switch" in label:
            general_bounds, kernel_bound = AUTO_GENERAL_LOOP_BOUNDS, AUTO_KERNEL_FP64_ARITH_BOUND
        whole = census(instrs)
        fixed, general = step_loops(instrs, fixed_forms_time=driven)
        regs, stack = ptxas.get(name, ("?", "?"))
        print("%-40s %5d instructions, %s registers, %s bytes stack; fp64 in kernel: %s" %
              (label, whole["all"], regs, stack, dict((k, whole[k]) for k in sorted(whole) if k not in ("all", "fp32"))))
        # A fixed-count path kernel (integrate_path_kernel) holds no general loop: only its
        # fixed-count loop and the kernel-wide bound apply.
        fixed_only = label.endswith(" path=fixed_count")
        if general is None and not fixed_only:
            failures.append("%s: no general step loop found (a loop with fp32 work and a DSETP)" % label)
            continue
        if not fixed_only:
            g = census(body(instrs, general))
            print("  general loop [%#x, %#x]: %d instructions, %d fp32, fp64 %s" %
                  (general[0], general[1], g["all"], g["fp32"],
                   {k: g[k] for k in ("DADD", "DMUL", "DFMA", "DSETP", "fp64_conversions")}))
            for k, bound in general_bounds.items():
                if g[k] > bound:
                    failures.append("%s: %d %s in the general loop, more than the time update's %d" % (label, g[k], k, bound))
            other = [op for _, op, _ in body(instrs, general) if is_fp64(op) and base(op) in ("DMNMX", "DSET", "MUFU", "DMMA")]
            if other:
                failures.append("%s: fp64 %s in the general loop: not part of a time update" % (label, sorted(set(other))))
        arith = sum(whole[k] for k in FP64_ARITH)
        if arith > kernel_bound:
            failures.append("%s: %d fp64 DADD/DMUL/DFMA in the kernel, bound %d" % (label, arith, kernel_bound))
        if "classical_rk4" in label and not label.endswith(" path=general"):
            if fixed is None:
                failures.append("%s: no fixed-count step loop found (%s)" %
                                (label, "fp64 beyond the step's time" if driven else "fp64-free"))
            else:
                f = census(body(instrs, fixed))
                print("  fixed-count loop [%#x, %#x]: %d instructions, %d fp32, %d fp64, %d steps per trip" %
                      (fixed[0], fixed[1], f["all"], f["fp32"], f["fp64"], unroll_factor(body(instrs, fixed))))
                if driven:
                    for k, bound in DRIVEN_FIXED_LOOP_BOUNDS.items():
                        if f[k] > bound:
                            failures.append("%s: %d %s in the fixed-count loop, more than the step time's %d" %
                                            (label, f[k], k, bound))
                    other = [op for _, op, _ in body(instrs, fixed) if is_fp64(op) and base(op) in ("DMNMX", "DSET", "MUFU", "DMMA")]
                    if other:
                        failures.append("%s: fp64 %s in the fixed-count loop" % (label, sorted(set(other))))
    for want in (args.expect or DEFAULT_EXPECTED):
        if want not in seen:
            failures.append("kernel %s not found in the cubin" % want)
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("OK: fp64 only in the time update and save-time comparisons")


def parse_ptxas(text):
    """{mangled: (registers, stack bytes)} from ptxas -v."""
    result = {}
    current = None
    for line in text.splitlines():
        m = re.search(r"Function properties for (\S+)", line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r"Compiling entry function '(\S+)'", line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r"(\d+) bytes stack frame", line)
        if m and current:
            regs, _ = result.get(current, ("?", "?"))
            result[current] = (regs, m.group(1))
        m = re.search(r"Used (\d+) registers", line)
        if m and current:
            _, stack = result.get(current, ("?", "?"))
            result[current] = (m.group(1), stack)
    return result


# ---- count --------------------------------------------------------------------------------


def count(args):
    funcs = parse(disassemble(args.binary))
    report = {}
    for name, instrs in funcs.items():
        label = kernel_label(name)
        if not label:
            continue
        fixed, general = step_loops(instrs)
        entry = {"instructions": len(instrs)}
        for key, rng in (("fixed_count", fixed), ("general", general)):
            if rng is None:
                continue
            b = body(instrs, rng)
            unroll = unroll_factor(b) if key == "fixed_count" else 1
            step = len(without_saves(instrs, rng))
            entry[key] = {"loop_instructions": len(b), "without_saves": step, "steps_per_trip": unroll,
                          "per_step_all": round(len(b) / unroll, 1), "per_step": round(step / unroll, 1),
                          "fp32_per_step": round(census(b)["fp32"] / unroll, 1)}
        report[label] = entry
    if args.kv:
        # "label loop per_step" lines, read by bench/gpu/gpu_bench.cpp (--sass): the loop's
        # instructions per step less the save recording, which runs once per save, not per step.
        text = "\n".join("%s %s %s" % (label, loop, entry[loop]["per_step"])
                         for label, entry in sorted(report.items())
                         for loop in ("fixed_count", "general") if loop in entry)
    else:
        text = json.dumps(report, indent=1, sort_keys=True)
    if args.output:
        with open(args.output, "w") as f:
            f.write(text + "\n")
    print(text)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("check")
    c.add_argument("--nvcc", required=True)
    c.add_argument("--source", required=True)
    c.add_argument("--include", required=True)
    c.add_argument("--workdir", required=True)
    c.add_argument("--expect", action="append", default=[],
                   help="a kernel label (system/method<float>) the cubin must hold (repeatable; default: "
                        "sass_kernels.cu's four)")
    n = sub.add_parser("count")
    n.add_argument("binary")
    n.add_argument("--output")
    n.add_argument("--kv", action="store_true", help="plain 'label loop per_step' lines instead of JSON")
    a = p.parse_args()
    check(a) if a.command == "check" else count(a)


if __name__ == "__main__":
    main()
