"""Tutorial: a Lorenz bifurcation diagram from one sweep.

Sweep rho over 0..200 (4,000 runs), let each run settle for 50 time units, record 30 more
every 0.005, then plot every local maximum of z against rho: fixed points (no maxima),
chaos (a cloud), and the periodic windows near rho = 100 and above 150 (a few lines).

    python3 docs/python/lorenz_bifurcation.py [out.png]
"""

import sys
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import cubie as qb  # noqa: E402

# 1. The system, in cubie's equation language (a Python function works too).
lorenz = qb.create_ODE_system(
    """
    dx = sigma * (y - x)
    dy = x * (rho - z) - y
    dz = x * y - beta * z
    """,
    states={"x": 1.0, "y": 1.0, "z": 1.0},
    parameters={"rho": 28.0},
    constants={"sigma": 10.0, "beta": 8.0 / 3.0},
    name="lorenz",
    precision=np.float64,
)

# 2. One Solver (compiled once, or taken from the compile cache), one sweep.
solver = qb.Solver(lorenz, algorithm="dormand_prince_54", atol=1e-8, rtol=1e-8, save_variables=["z"])
rho = np.linspace(0.0, 200.0, 4000)
t0 = time.perf_counter()
result = solver.solve({"x": [1.0], "y": [1.0], "z": [1.0]}, {"rho": rho},
                      settling_time=50.0, duration=30.0, save_every=0.005, progress=True)
print(f"{result.n_runs} runs on {result.backend} in {time.perf_counter() - t0:.1f} s; "
      f"{result.failed_runs} failed")
assert np.all(result.status_codes == 0), result.status_messages

# 3. Local maxima of z along time, per run (vectorised over the run axis).
z = result.time_domain_array[:, 0, :]            # (n_saves, n_runs), no copy
peak = (z[1:-1] > z[:-2]) & (z[1:-1] >= z[2:])
save_idx, run_idx = np.nonzero(peak)
peak_rho, peak_z = rho[run_idx], z[1:-1][save_idx, run_idx]

# 4. The picture.
fig, ax = plt.subplots(figsize=(9, 5.5), dpi=150)
ax.scatter(peak_rho, peak_z, s=0.05, c="k", alpha=0.4, linewidths=0)
ax.set_xlabel(r"$\rho$")
ax.set_ylabel(r"local maxima of $z$")
ax.set_title(f"Lorenz system: {result.n_runs:,} runs, one cubie solve ({result.backend})")
ax.set_xlim(0, 200)
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else "lorenz_bifurcation.png"
fig.savefig(out)
print("wrote", out)
