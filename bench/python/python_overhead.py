"""Python overhead, first call and SciPy comparison for cubie's Python package.

Prints three tables (markdown) for bench/RESULTS.md:
  1. the Lorenz ensemble of examples/bench_lorenz.toml (N runs, rho = linspace(0, 21, N),
     dormand_prince_54 atol = rtol = 1e-5, and rk4 dt = 1/1024; final state) solved
     through Python (Solver.solve: dict inputs, a fresh SolveResult) against the same
     Solver::solve called from C++ on the same compiled system (a fresh result each
     call); interleaved pairs (the order alternating), the ratio's median over the pairs;
  2. a first call in a fresh interpreter: import, load + compile from the cache, solve;
  3. scipy.integrate.solve_ivp looping over runs (RK45, LSODA; same tolerances) against
     cubie per run.

    PYTHONPATH=build/python python3 bench/python/python_overhead.py [--runs N] [--backend cpu|cuda]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import cubie as qb
from cubie import _core

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "examples" / "bench_lorenz.toml"


def overhead(runs, backend, repeats):
    system = qb.load_model(MODEL)
    rho = np.linspace(0.0, 21.0, runs)
    rows = []
    for label, settings in (
        ("dormand_prince_54 atol=rtol=1e-5", {}),
        ("classical_rk4 dt=1/1024", {"algorithm": "classical_rk4", "dt": 1.0 / 1024}),
    ):
        algorithm = settings.pop("algorithm", None)
        solver = qb.Solver(system, algorithm=algorithm, backend=backend, **settings)
        spec = solver._spec_base.copy()
        cols = [("rho", np.ascontiguousarray(rho))]
        for _ in range(2):  # warm up both paths
            solver.solve({}, {"rho": rho})
            _core.time_engine_solves(solver._core, [], cols, spec, 1)
        py, cpp, ratios = [], [], []

        def python_solve():
            t0 = time.perf_counter()
            r = solver.solve({}, {"rho": rho})
            ms = (time.perf_counter() - t0) * 1e3
            assert r.failed_runs == 0
            return ms  # r dropped here, as the C++ loop drops each result before the next solve

        def cpp_solve():
            return _core.time_engine_solves(solver._core, [], cols, spec, 1)[0]

        for i in range(repeats):
            # A pair: both solves back to back, the order alternating, so drift (the shared
            # host, clocks, other processes) hits both alike; the ratio is taken per pair.
            if i % 2 == 0:
                c, p = cpp_solve(), python_solve()
            else:
                p, c = python_solve(), cpp_solve()
            py.append(p)
            cpp.append(c)
            ratios.append(p / c)
        mp, mc = statistics.median(py), statistics.median(cpp)
        q = statistics.quantiles(ratios, n=4) if len(ratios) >= 4 else [min(ratios), 0, max(ratios)]
        rows.append((label, runs, solver.backend, mc, mp, statistics.median(ratios), q[0], q[2]))
    print(f"\n| method | runs | backend | C++ Solver::solve ms | Python Solver.solve ms | ratio (median of {repeats} pairs) "
          "| quartiles |")
    print("| --- | ---: | --- | ---: | ---: | ---: | --- |")
    for label, n, be, mc, mp, ratio, q1, q3 in rows:
        print(f"| {label} | {n:,} | {be} | {mc:.2f} | {mp:.2f} | {ratio:.3f} | {q1:.3f}-{q3:.3f} |")
    return rows


FIRST_CALL = r"""
import time
t0 = time.perf_counter()
import numpy as np
import cubie as qb
t1 = time.perf_counter()
system = qb.load_model(MODEL)
solver = qb.Solver(system, backend=BACKEND)
t2 = time.perf_counter()
r = solver.solve({}, {"rho": np.linspace(0.0, 21.0, RUNS)})
t3 = time.perf_counter()
side = "gpu" if solver.backend == "cuda" else "cpu"
print((t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, solver.compile_report[side]["cache_hit"])
"""


def first_call(runs, backend):
    code = FIRST_CALL.replace("MODEL", repr(str(MODEL))).replace("BACKEND", repr(backend)).replace("RUNS", str(runs))
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)  # fills the cache
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    imp, comp, solve = map(float, out[:3])
    print("\n| fresh interpreter | import cubie ms | load + compile (cache hit: %s) ms | first solve ms | total ms |"
          % out[3])
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| {runs:,} runs | {imp:.1f} | {comp:.1f} | {solve:.1f} | {imp + comp + solve:.1f} |")


def scipy_comparison(runs, backend, scipy_runs):
    from scipy.integrate import solve_ivp

    system = qb.load_model(MODEL)
    solver = qb.Solver(system, backend=backend)
    rho = np.linspace(0.0, 21.0, runs)
    solver.solve({}, {"rho": rho})
    t0 = time.perf_counter()
    r = solver.solve({}, {"rho": rho})
    cubie_ms = (time.perf_counter() - t0) * 1e3
    per_run_cubie = cubie_ms / runs

    def lorenz(t, y, rho):
        return [10.0 * (y[1] - y[0]), y[0] * (rho - y[2]) - y[1], y[0] * y[1] - 8.0 / 3.0 * y[2]]

    print(f"\n| solver | runs | ms per run | total for {runs:,} runs (s) | cubie speed-up |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print(f"| cubie dormand_prince_54 ({solver.backend}, float32) | {runs:,} | {per_run_cubie:.5f} | "
          f"{cubie_ms / 1e3:.3f} | 1 |")
    sample = np.linspace(0.0, 21.0, scipy_runs)
    for method in ("RK45", "LSODA"):
        t0 = time.perf_counter()
        final = []
        for rr in sample:
            sol = solve_ivp(lorenz, (0.0, 1.0), [1.0, 0.0, 0.0], method=method, args=(rr,), rtol=1e-5, atol=1e-5)
            final.append(sol.y[:, -1])
        ms = (time.perf_counter() - t0) * 1e3 / scipy_runs
        # Same answers, to the tolerances: compare the final states of the sampled runs.
        idx = np.searchsorted(rho, sample).clip(0, runs - 1)
        got = r.time_domain_array[-1, :, idx].T
        err = np.max(np.abs(np.array(final).T - got) / (1 + np.abs(got)))
        print(f"| scipy solve_ivp {method} (loop, float64) | {scipy_runs} timed | {ms:.4f} | {ms * runs / 1e3:.1f} "
              f"| {ms / per_run_cubie:.0f}x (max rel. diff {err:.1e}) |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=65536)
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--scipy-runs", type=int, default=200)
    ap.add_argument("--skip-scipy", action="store_true")
    args = ap.parse_args()
    print(f"cubie {qb.__version__}; {_core.include_dir()}; backend {args.backend}; {os.cpu_count()} CPUs")
    overhead(args.runs, args.backend, args.repeats)
    first_call(args.runs, args.backend)
    if not args.skip_scipy:
        scipy_comparison(args.runs, args.backend, args.scipy_runs)


if __name__ == "__main__":
    main()
