"""Prints the SciPy figures pleiades_scipy_test.cpp compares with (SciPy's solve_ivp, DOP853 and
RK45, rtol = atol = tol): accepted steps and the end state's error against DOP853 at 1e-13.

    python3 tests/integrate/make_pleiades_references.py

The problem is examples/pleiades.toml (Hairer, Norsett & Wanner I, II.10, m_j = j) with m1
swept as the GPU ODE benchmark sweeps it, linspace(0.5, 2, 64); run 2 is m1 = 0.547619...
"""
import numpy as np
import scipy.integrate
from scipy.integrate import solve_ivp

X0 = np.array([3, 3, -1, -3, 2, -2, 2, 3, -3, 2, 0, 0, -4, 4,
               0, 0, 0, 0, 0, 1.75, -1.5, 0, 0, 0, -1.25, 1, 0, 0], float)


def pleiades(t, s, m):
    x, y, u, v = s[0:7], s[7:14], s[14:21], s[21:28]
    dx = x[None, :] - x[:, None]
    dy = y[None, :] - y[:, None]
    r = dx * dx + dy * dy
    np.fill_diagonal(r, 1.0)
    q = 1 / (r * np.sqrt(r))
    np.fill_diagonal(q, 0)
    return np.concatenate([u, v, (m[None, :] * dx * q).sum(1), (m[None, :] * dy * q).sum(1)])


def solve(m1, t_end, method, tol):
    m = np.array([m1, 2, 3, 4, 5, 6, 7.0])
    return solve_ivp(pleiades, (0, t_end), X0, method=method, rtol=tol, atol=tol, args=(m,))


m1s = np.linspace(0.5, 2, 64)
ref = solve(m1s[2], 1.4, "DOP853", 1e-13)
print("run 2 at t = 1.4, DOP853 at 1e-13 (%d steps):" % (len(ref.t) - 1))
print(",\n".join(", ".join(repr(float(v)) for v in ref.y[i:i + 4, -1]) for i in range(0, 28, 4)))
for method in ("DOP853", "RK45"):
    for tol in (1e-6, 1e-8, 1e-10):
        r = solve(m1s[2], 1.4, method, tol)
        err = np.max(np.abs(r.y[:, -1] - ref.y[:, -1]) / (1 + np.abs(ref.y[:, -1])))
        m = np.array([m1s[2], 2, 3, 4, 5, 6, 7.0])
        first = getattr(scipy.integrate, method)(lambda t, s: pleiades(t, s, m), 0, X0, 1.4, rtol=tol, atol=tol).h_abs
        print("run 2 to 1.4 %s tol %g: first step %r, %d accepted steps, error %.2f tol" %
              (method, tol, float(first), len(r.t) - 1, err / tol))
r = solve(m1s[2], 3.0, "DOP853", 1e-10)
print("run 2 to 3, DOP853 tol 1e-10: status %d, %d accepted steps" % (r.status, len(r.t) - 1))
accepted = trials = 0
for m1 in m1s:
    r = solve(m1, 3.0, "DOP853", 1e-8)
    accepted += len(r.t) - 1
    trials += (r.nfev - 2) // 12  # f at t0, one for the first step's guess, 12 per trial
print("64 runs to 3, DOP853 tol 1e-8: %d accepted, %d rejected steps" % (accepted, trials - accepted))
