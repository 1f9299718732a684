"""Python overhead, first call and SciPy comparison for cubie's Python package.

Prints three tables (markdown) for bench/RESULTS.md:
  1. the Lorenz ensemble of examples/bench_lorenz.toml (N runs, rho = linspace(0, 21, N),
     dormand_prince_54 atol = rtol = 1e-5, and rk4 dt = 1/1024; final state) solved
     through Python (Solver.solve: dict inputs, a SolveResult with its numpy views) against
     the same Solver::solve called from C++ on the same Solver object (a fresh result each
     call), in interleaved pairs (the order alternating; the previous result dropped before
     each solve on both sides). For each method: the ratio Python / C++ as the median of the
     per-pair ratios with a bootstrap 95% interval (pairs resampled), the median per-pair
     difference in ms with its interval, a verdict against --goal (met: the interval's top
     is under it; not met: its bottom is over it; else undecided: run more pairs), and each
     side's parts per call (medians), timed inside the same calls:
       C++     grid (batch_grid::build), setup (prepared batch, result storage), run, drop
       Python  inputs (argument checks, dict to float64 columns), grid (_core.build_grid:
               columns into the engine's grid), setup and run (inside _core.solve, the same
               two parts as C++), call (the rest of _core.solve: the watcher thread, GIL,
               metadata), wrap (the SolveResult), and the result pool's hits;
  2. a first call in a fresh interpreter: import, load + compile from the cache, solve;
  3. scipy.integrate.solve_ivp looping over runs (RK45, LSODA; same tolerances) against
     cubie per run.

    PYTHONPATH=build/python python3 bench/python/python_overhead.py [--runs N] [--backend cpu|cuda]
        [--repeats PAIRS] [--json FILE] [--skip-first-call] [--skip-scipy]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import cubie as qb
import cubie.solver as solver_module
from cubie import _core

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "examples" / "bench_lorenz.toml"

METHODS = (
    ("dormand_prince_54 atol=rtol=1e-5", {}),
    ("classical_rk4 dt=1/1024 (B1)", {"algorithm": "classical_rk4", "dt": 1.0 / 1024}),
)


class TimedCore:
    """Stands in for cubie._core inside cubie.solver: times build_grid and solve (the two
    calls into the extension a Solver.solve makes) and forwards everything else."""

    def __init__(self, core):
        self._core = core
        self.marks = {}

    def __getattr__(self, name):
        return getattr(self._core, name)

    def build_grid(self, *args):
        t = time.perf_counter()
        g = self._core.build_grid(*args)
        self.marks["grid"] = (t, time.perf_counter())
        return g

    def solve(self, *args):
        t = time.perf_counter()
        out = self._core.solve(*args)
        self.marks["core"] = (t, time.perf_counter())
        return out


def bootstrap(values, stat=np.median, n=4000, seed=12):
    """The 2.5% and 97.5% points of `stat` over pairs resampled with replacement."""
    v = np.asarray(values, dtype=float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(v), size=(n, len(v)))
    s = stat(v[idx], axis=1)
    return float(np.percentile(s, 2.5)), float(np.percentile(s, 97.5))


def python_call(solver, rho, timed, duration=None):
    """One Solver.solve in parts (ms). The result is dropped after the clock stops, before
    the next solve, as the C++ side drops its own."""
    before = _core.result_pool_stats()
    t0 = time.perf_counter()
    r = solver.solve({}, {"rho": rho}, duration=duration)
    t1 = time.perf_counter()
    after = _core.result_pool_stats()
    g0, g1 = timed.marks["grid"]
    c0, c1 = timed.marks["core"]
    st = r.statistics
    ms = lambda a, b: (b - a) * 1e3  # noqa: E731
    parts = {
        "total_ms": ms(t0, t1),
        "inputs_ms": ms(t0, g0),
        "grid_ms": ms(g0, g1),
        "setup_ms": st["setup_ms"],
        "run_ms": st["wall_ms"] - st["setup_ms"],
        "call_ms": ms(g1, c1) - st["wall_ms"],
        "wrap_ms": ms(c1, t1),
        "result_from_pool": after["hits"] - before["hits"],
        "column_from_pool": after["column_hits"] - before["column_hits"],
        "chunks": st["chunks"],
    }
    assert r.failed_runs == 0
    del r
    return parts


def overhead(runs, backend, repeats, goal, json_path=None, duration=None):
    system = qb.load_model(MODEL)
    rho = np.linspace(0.0, 21.0, runs)
    timed = TimedCore(_core)
    solver_module._core = timed
    summary, raw = [], {}
    try:
        for label, settings in METHODS:
            settings = dict(settings)
            algorithm = settings.pop("algorithm", None)
            solver = qb.Solver(system, algorithm=algorithm, backend=backend, **settings)
            spec = solver._spec_base.copy()
            if duration is not None:
                spec.duration = duration
            cols = [("rho", np.ascontiguousarray(rho))]
            for _ in range(3):  # warm up both paths (kernels, pools, pinned staging)
                python_call(solver, rho, timed, duration)
                _core.time_engine_solve_parts(solver._core, [], cols, spec)
            py, cpp = [], []
            for i in range(repeats):
                # A pair: both solves back to back, the order alternating, so drift (the
                # host, clocks, other processes) hits both alike; the ratio is per pair.
                if i % 2 == 0:
                    c = _core.time_engine_solve_parts(solver._core, [], cols, spec)
                    p = python_call(solver, rho, timed, duration)
                else:
                    p = python_call(solver, rho, timed, duration)
                    c = _core.time_engine_solve_parts(solver._core, [], cols, spec)
                py.append(p)
                cpp.append(c)
            raw[label] = {"python": py, "cpp": cpp}
            summary.append((label, solver.backend, py, cpp))
            solver.close()
    finally:
        solver_module._core = _core

    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    print(f"\n{runs:,} runs, backend {summary[0][1]}, {repeats} interleaved pairs per method (ms: medians over the "
          f"pairs; ratio: median of the per-pair Python / C++ ratios, bootstrap 95% interval):\n")
    print("| method | C++ Solver::solve ms | Python Solver.solve ms | ratio | 95% interval | Python - C++ ms "
          f"(95% interval) | goal {goal}x |")
    print("| --- | ---: | ---: | ---: | --- | --- | --- |")
    for label, _, py, cpp in summary:
        ratios = [p["total_ms"] / c["total_ms"] for p, c in zip(py, cpp)]
        diffs = [p["total_ms"] - c["total_ms"] for p, c in zip(py, cpp)]
        lo, hi = bootstrap(ratios)
        dlo, dhi = bootstrap(diffs)
        verdict = "met" if hi < goal else ("not met" if lo > goal else "undecided")
        print(f"| {label} | {med(cpp, 'total_ms'):.2f} | {med(py, 'total_ms'):.2f} | {statistics.median(ratios):.3f} | "
              f"{lo:.3f}-{hi:.3f} | {statistics.median(diffs):+.2f} ({dlo:+.2f} to {dhi:+.2f}) | {verdict} |")
    print("\nParts per call (ms, medians over the pairs; each side timed inside its own calls):\n")
    print("| method | side | inputs | grid | setup | run | call | wrap | total | result drop | chunks | pool hits "
          "(result, column) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for label, _, py, cpp in summary:
        print(f"| {label} | C++ | - | {med(cpp, 'grid_ms'):.2f} | {med(cpp, 'setup_ms'):.2f} | {med(cpp, 'run_ms'):.2f} "
              f"| - | - | {med(cpp, 'total_ms'):.2f} | {med(cpp, 'drop_ms'):.2f} | {med(cpp, 'chunks'):.0f} | - |")
        hits = sum(p["result_from_pool"] for p in py), sum(p["column_from_pool"] for p in py)
        print(f"| | Python | {med(py, 'inputs_ms'):.2f} | {med(py, 'grid_ms'):.2f} | {med(py, 'setup_ms'):.2f} | "
              f"{med(py, 'run_ms'):.2f} | {med(py, 'call_ms'):.2f} | {med(py, 'wrap_ms'):.2f} | {med(py, 'total_ms'):.2f} "
              f"| (pool) | {med(py, 'chunks'):.0f} | {hits[0]}/{len(py)}, {hits[1]}/{len(py)} |")
        # Per-pair differences of the parts both sides have: where the gap is.
        d = {k: statistics.median(p[k] - c[k] for p, c in zip(py, cpp)) for k in ("grid_ms", "setup_ms", "run_ms")}
        print(f"| | Python - C++ (median per pair) | | {d['grid_ms']:+.2f} | {d['setup_ms']:+.2f} | {d['run_ms']:+.2f} "
              "| | | | | | |")
    if json_path:
        Path(json_path).write_text(json.dumps({"runs": runs, "backend": summary[0][1], "pairs": raw}, indent=1))
    return summary


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
    ap.add_argument("--repeats", type=int, default=61, help="interleaved pairs per method")
    ap.add_argument("--goal", type=float, default=1.05)
    ap.add_argument("--json", default=None, help="also write every pair's parts to this file")
    ap.add_argument("--skip-first-call", action="store_true")
    ap.add_argument("--duration", type=float, default=None,
                    help="shorter than the model's 1.0 (e.g. 1/1024: one rk4 step) so that the per-call parts stand "
                    "out (offline, on a small CPU)")
    ap.add_argument("--scipy-runs", type=int, default=200)
    ap.add_argument("--skip-scipy", action="store_true")
    args = ap.parse_args()
    print(f"cubie {qb.__version__}; {_core.include_dir()}; backend {args.backend}; {os.cpu_count()} CPUs")
    overhead(args.runs, args.backend, args.repeats, args.goal, args.json, args.duration)
    if not args.skip_first_call:
        first_call(args.runs, args.backend)
    if not args.skip_scipy:
        scipy_comparison(args.runs, args.backend, args.scipy_runs)


if __name__ == "__main__":
    main()
