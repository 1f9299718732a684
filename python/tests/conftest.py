"""Shared systems and markers for cubie's Python tests.

Systems are built once per session: each distinct (model, method, precision) compiles
once (about 2 s with g++ here) and then comes from the compile cache.
"""

import numpy as np
import pytest

import cubie as qb

LORENZ = """
dx = sigma * (y - x)
dy = x * (rho - z) - y
dz = x * y - beta * z
r2 = x^2 + y^2 + z^2
"""

requires_gpu = pytest.mark.skipif(
    not qb.cuda_available(), reason="no CUDA device here: " + qb._core.cuda_unavailable_reason()
)


@pytest.fixture(scope="session")
def lorenz64():
    return qb.create_ODE_system(
        LORENZ, states={"x": 1.0, "y": 0.0, "z": 0.0}, parameters={"rho": 28.0},
        constants={"sigma": 10.0, "beta": 8.0 / 3.0}, observables=["r2"], name="lorenz_py", precision=np.float64,
    )


@pytest.fixture(scope="session")
def lorenz32():
    return qb.create_ODE_system(
        LORENZ, states={"x": 1.0, "y": 0.0, "z": 0.0}, parameters={"rho": 28.0},
        constants={"sigma": 10.0, "beta": 8.0 / 3.0}, observables=["r2"], name="lorenz_py",
    )


@pytest.fixture(scope="session")
def decay64():
    return qb.create_ODE_system("dx = -k * x", states={"x": 1.0}, parameters={"k": 1.0}, precision=np.float64,
                                name="decay")


@pytest.fixture(scope="session")
def lorenz_solver(lorenz64):
    return qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-10, rtol=1e-10)


@pytest.fixture(scope="session")
def decay_solver(decay64):
    return qb.Solver(decay64, algorithm="dormand_prince_54", atol=1e-10, rtol=1e-10)


@pytest.fixture(scope="session")
def data_dir():
    from pathlib import Path

    return Path(__file__).parent / "data"


@pytest.fixture()
def pool():
    """A fresh, bounded result pool for one test (its bound restored afterwards)."""
    from cubie import _core

    before = _core.result_pool_stats()["max_bytes"]
    _core.release_result_pool()
    _core.set_result_pool_bytes(256 << 20)
    yield
    _core.release_result_pool()
    _core.set_result_pool_bytes(before)


@pytest.fixture(scope="module")
def own_solver(lorenz64):
    """A Lorenz Solver per test file: a solve with save_every changes its Solver's settings,
    so files that pass it leave the session's shared lorenz_solver as the others expect it."""
    return qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-10, rtol=1e-10)
