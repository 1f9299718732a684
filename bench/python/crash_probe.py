"""Localises a crash of the Python extension at system creation (seen on the H200 machine,
2026-12-04: Python 3.12, gcc 13, nanobind from its venv; not on the 2-core machine with
Python 3.11 and gcc 12). Each case prints before it starts, so the last "case" line names
the one that crashed; faulthandler prints the Python frames.

    PYTHONPATH=build/python python3 bench/python/crash_probe.py examples/lorenz.toml
"""
import faulthandler
import sys

faulthandler.enable()
import numpy as np  # noqa: E402

import cubie as qb  # noqa: E402

LORENZ = "dx = sigma * (y - x)\ndy = x * (rho - z) - y\ndz = x * y - beta * z\n"
STATES = {"x": 1.0, "y": 0.0, "z": 0.0}
CASES = [
    ("one_state", "dx = -k * x\n", dict(states={"x": 1.0}, parameters={"k": 1.0})),
    ("lorenz", LORENZ, dict(states=STATES, parameters={"rho": 28.0, "sigma": 10.0, "beta": 2.6})),
    ("constants", LORENZ, dict(states=STATES, parameters={"rho": 28.0}, constants={"sigma": 10.0, "beta": 2.6})),
    ("observables", LORENZ + "r2 = x^2 + y^2 + z^2\n",
     dict(states=STATES, parameters={"rho": 28.0, "sigma": 10.0, "beta": 2.6}, observables=["r2"])),
    ("np_float64", LORENZ, dict(states=STATES, parameters={"rho": 28.0, "sigma": 10.0, "beta": 2.6},
                                precision=np.float64)),
]
for name, text, kwargs in CASES:
    print("case", name, flush=True)
    qb.create_ODE_system(text, name="probe_" + name, **kwargs)
    print("  ok", flush=True)
if len(sys.argv) > 1:
    print("case load_model", sys.argv[1], flush=True)
    qb.load_model(sys.argv[1])
    print("  ok", flush=True)
