#!/usr/bin/env python3
"""Writes the 1-D Brusselator reaction-diffusion model file (Hairer & Wanner, Solving ODEs II,
IV.10, problem BRUSS) for any number of grid cells: 2 * cells states, u and v per cell.

    u_i' = A + u_i^2 v_i - (B + 1) u_i + alpha (N+1)^2 (u_{i-1} - 2 u_i + u_{i+1})
    v_i' = B u_i - u_i^2 v_i           + alpha (N+1)^2 (v_{i-1} - 2 v_i + v_{i+1})

with A = 1, B = 3, boundary values u = 1, v = 3 and u_i(0) = 1 + sin(2 pi x_i), v_i(0) = 3,
x_i = i / (N + 1). The diffusion makes it stiff: the largest eigenvalue of its Jacobian grows
as 4 alpha (N+1)^2 (about 2e2 for alpha = 0.02 and 50 cells, 2e3 for alpha = 0.2).

    python3 examples/stiff/make_brusselator.py 50 > examples/stiff/brusselator_1d.toml
"""
import math
import sys


def model(cells: int) -> str:
    n1sq = (cells + 1) ** 2
    lines = []
    for i in range(1, cells + 1):
        ul = f"u{i - 1}" if i > 1 else "uL"
        ur = f"u{i + 1}" if i < cells else "uR"
        vl = f"v{i - 1}" if i > 1 else "vL"
        vr = f"v{i + 1}" if i < cells else "vR"
        lines.append(f"du{i} = A + u{i}^2 * v{i} - (B + 1) * u{i} + c * ({ul} - 2 * u{i} + {ur})")
        lines.append(f"dv{i} = B * u{i} - u{i}^2 * v{i} + c * ({vl} - 2 * v{i} + {vr})")
    states = []
    for i in range(1, cells + 1):
        x = i / (cells + 1)
        states.append(f"u{i} = {1.0 + math.sin(2.0 * math.pi * x)!r}")
        states.append(f"v{i} = 3.0")
    return f'''# The 1-D Brusselator with diffusion (Hairer & Wanner II, IV.10, BRUSS) on {cells} cells:
# {2 * cells} states, a banded Jacobian. Written by examples/stiff/make_brusselator.py {cells};
# the stiff test and benchmark of the Newton-Krylov path (linear_solver = bicgstab, gmres, ...).
#   cubie run examples/stiff/brusselator_1d.toml --out bruss.h5
#   cubie run examples/stiff/brusselator_1d.toml --set solver.linear_solver=direct --out bruss.h5
name = "brusselator_1d"
precision = "float64"
equations = """
c = alpha * n1sq
{chr(10).join(lines)}
"""

[states]
{chr(10).join(states)}

[parameters]
alpha = 0.02

[constants]
A = 1.0
B = 3.0
uL = 1.0
uR = 1.0
vL = 3.0
vR = 3.0
n1sq = {float(n1sq)!r}

[solver]
algorithm = "kvaerno5"
linear_solver = "gmres"
atol = 1e-6
rtol = 1e-6
duration = 10.0
save_every = 1.0
'''


if __name__ == "__main__":
    sys.stdout.write(model(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
