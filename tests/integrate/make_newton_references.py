#!/usr/bin/env python3
"""Reference solutions for dirk_solve_test.cpp: SciPy's Radau at rtol 1e-12 with the exact
Jacobian. Prints C++ constants; run with `python3 tests/integrate/make_newton_references.py`."""
import numpy as np
import scipy
from scipy.integrate import solve_ivp


def hires(t, y):
    r = 280.0 * y[5] * y[7]
    return [
        -1.71 * y[0] + 0.43 * y[1] + 8.32 * y[2] + 0.0007,
        1.71 * y[0] - 8.75 * y[1],
        -10.03 * y[2] + 0.43 * y[3] + 0.035 * y[4],
        8.32 * y[1] + 1.71 * y[2] - 1.12 * y[3],
        -1.745 * y[4] + 0.43 * y[5] + 0.43 * y[6],
        -r + 0.69 * y[3] + 1.71 * y[4] - 0.43 * y[5] + 0.69 * y[6],
        r - 1.81 * y[6],
        -r + 1.81 * y[6],
    ]


def hires_jac(t, y):
    J = np.zeros((8, 8))
    J[0, :3] = [-1.71, 0.43, 8.32]
    J[1, :2] = [1.71, -8.75]
    J[2, 2:5] = [-10.03, 0.43, 0.035]
    J[3, 1:4] = [8.32, 1.71, -1.12]
    J[4, 4:7] = [-1.745, 0.43, 0.43]
    J[5, 3:8] = [0.69, 1.71, -0.43 - 280.0 * y[7], 0.69, -280.0 * y[5]]
    J[6, 5:8] = [280.0 * y[7], -1.81, 280.0 * y[5]]
    J[7, 5:8] = [-280.0 * y[7], 1.81, -280.0 * y[5]]
    return J


y0 = [1, 0, 0, 0, 0, 0, 0, 0.0057]
sol = solve_ivp(hires, (0, 321.8122), y0, method="Radau", rtol=1e-12, atol=1e-16, jac=hires_jac)
print(f"// SciPy {scipy.__version__} Radau, rtol 1e-12, atol 1e-16, exact Jacobian")
print("constexpr double hires_321[8] = {" + ", ".join(repr(float(v)) for v in sol.y[:, -1]) + "};")
