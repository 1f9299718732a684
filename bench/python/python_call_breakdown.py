"""Where a Python solve's time goes beyond the engine's solve (issue 12).

At N runs of examples/bench_lorenz.toml (rho = linspace(0, 21, N), final state) this times,
each as the median of --repeats calls, the parts of ``Solver.solve({}, {"rho": rho})``:
  inputs   the dict's values as float64 columns (solver._columns)
  grid     the columns copied into the engine's grid (_core.build_grid)
  core     _core.solve on that grid: result storage, the solve, the GIL released
  wrap     the SolveResult around the core result (numpy views, legends)
  total    Solver.solve end to end, the previous result dropped first
  engine   Solver::solve from C++ on the same inputs (a fresh result each call)
and, apart, what fresh result pages cost: np.empty(bytes) filled (fresh) against the same
buffer filled again (warm), at the size of the solve's outputs.

    PYTHONPATH=build/python python3 bench/python/python_call_breakdown.py [--runs N] [--backend cpu]
"""

import argparse
import gc
import os
import statistics
import time
from pathlib import Path

import numpy as np

import cubie as qb
from cubie import _core

MODEL = Path(__file__).resolve().parents[2] / "examples" / "bench_lorenz.toml"


def ms(f, repeats):
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        out.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=4194304)
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--algorithm", default="classical_rk4")
    ap.add_argument("--duration", type=float, default=None,
                    help="shorter than the model's 1.0 to make the solve itself small (rk4 with duration = dt: one "
                         "step) so that the per-call costs stand out")
    args = ap.parse_args()
    system = qb.load_model(MODEL)
    kw = {"dt": 1.0 / 1024} if args.algorithm == "classical_rk4" else {}
    solver = qb.Solver(system, algorithm=args.algorithm, backend=args.backend, **kw)
    rho = np.linspace(0.0, 21.0, args.runs)
    spec = solver._spec_base.copy()
    if args.duration is not None:
        spec.duration = args.duration
    dur = {} if args.duration is None else {"duration": args.duration}
    for _ in range(2):
        solver.solve({}, {"rho": rho}, **dur)
    pool = getattr(_core, "result_pool_stats", None)
    print(f"cubie {qb.__version__}; backend {solver.backend}; {args.runs:,} runs; {args.algorithm}; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; result pool: "
          f"{pool() if pool else 'none'}")
    parts = {}
    parts["inputs"] = ms(lambda: solver._columns({}, {"rho": rho}), args.repeats)
    inits, params, _ = solver._columns({}, {"rho": rho})
    parts["grid"] = ms(lambda: _core.build_grid(solver._core, inits, params, "verbatim"), args.repeats)
    grid = _core.build_grid(solver._core, inits, params, "verbatim")

    def core():
        res, _, _ = _core.solve(solver._core, grid, spec, None, True, True, system.name, system.model_text)
        return res

    def core_dropped():
        core()  # dropped at once, as a loop that keeps nothing does

    parts["core"] = ms(core_dropped, args.repeats)
    res = core()
    parts["wrap"] = ms(lambda: qb.SolveResult(res, system, {"algorithm": args.algorithm}), args.repeats)
    del res

    def total():
        r = solver.solve({}, {"rho": rho}, **dur)
        del r

    parts["total"] = ms(total, args.repeats)
    cols = [("rho", np.ascontiguousarray(rho))]
    parts["engine"] = statistics.median(_core.time_engine_solves(solver._core, [], cols, spec, args.repeats))
    out_bytes = args.runs * 4 * (3 + 1)  # float32 final state x, y, z and the uint32 status
    gc.collect()

    def fresh():
        a = np.empty(out_bytes, dtype=np.uint8)
        a.fill(1)

    keep = np.empty(out_bytes, dtype=np.uint8)
    keep.fill(1)
    parts["fresh pages"] = ms(fresh, args.repeats)
    parts["warm pages"] = ms(lambda: keep.fill(2), args.repeats)
    # The pool's effect in pairs within this process: a solve whose storage (result and grid
    # column) comes from the pool against one made afresh (bound 0), the order alternating.
    bound = _core.result_pool_stats()["max_bytes"] or (2 << 30)
    on, off, ratio = [], [], []
    for i in range(args.repeats):
        def pooled():
            _core.set_result_pool_bytes(bound)
            total()  # leaves its storage in the pool
            t0 = time.perf_counter()
            total()
            return (time.perf_counter() - t0) * 1e3

        def unpooled():
            _core.set_result_pool_bytes(0)
            t0 = time.perf_counter()
            total()
            return (time.perf_counter() - t0) * 1e3

        a, b = (pooled(), unpooled()) if i % 2 == 0 else tuple(reversed((unpooled(), pooled())))
        on.append(a)
        off.append(b)
        ratio.append(a / b)
    _core.set_result_pool_bytes(bound)
    parts["total, pool on (pairs)"] = statistics.median(on)
    parts["total, pool off (pairs)"] = statistics.median(off)
    parts["on / off, median of pair ratios"] = statistics.median(ratio)
    print("| part | ms |\n| --- | ---: |")
    for k, v in parts.items():
        print(f"| {k} | {v:.2f} |")
    print(f"| total - engine | {parts['total'] - parts['engine']:.2f} |")


if __name__ == "__main__":
    main()
