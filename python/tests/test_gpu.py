"""GPU tests: skipped with the reason where no CUDA device is usable; run on the H200 with
`PYTHONPATH=build/python python3 -m pytest python/tests/test_gpu.py -v`."""

import numpy as np
import pytest

import cubie as qb

from conftest import requires_gpu

pytestmark = requires_gpu


def test_gpu_matches_cpu(lorenz64):
    rho = np.linspace(0.0, 40.0, 4113)
    kw = dict(algorithm="dormand_prince_54", atol=1e-9, rtol=1e-9)
    gpu = qb.Solver(lorenz64, backend="cuda", **kw).solve({}, {"rho": rho}, duration=1.0, save_every=0.1)
    cpu = qb.Solver(lorenz64, backend="cpu", **kw).solve({}, {"rho": rho}, duration=1.0, save_every=0.1)
    assert gpu.backend == "cuda" and cpu.backend == "cpu"
    err = np.max(np.abs(gpu.time_domain_array - cpu.time_domain_array) / (1 + np.abs(cpu.time_domain_array)))
    assert err < 1e-6, err  # README: adaptive runs agree to their tolerance across backends


def test_gpu_result_is_zero_copy_and_outlives_solver(lorenz32):
    solver = qb.Solver(lorenz32, algorithm="rk4", dt=1e-3, backend="cuda")
    r = solver.solve({}, {"rho": np.linspace(0, 30, 1000)}, duration=0.1)
    arr = r.time_domain_array
    assert arr.__array_interface__["data"][0] == r._r.time_domain_address
    copy = arr.copy()
    del r, solver
    np.testing.assert_array_equal(arr, copy)


def test_on_device_result_via_dlpack(lorenz32):
    solver = qb.Solver(lorenz32, algorithm="rk4", dt=1e-3, backend="cuda")
    host = solver.solve({}, {"rho": np.linspace(0, 30, 512)}, duration=0.1)
    dev = solver.solve({}, {"rho": np.linspace(0, 30, 512)}, duration=0.1, on_device=True)
    assert isinstance(dev, qb.DeviceSolveResult)
    np.testing.assert_array_equal(dev.state.copy_to_host(), host.time_domain_array[:, :3, :])
    np.testing.assert_array_equal(dev.status_codes.copy_to_host(), host.status_codes)
    assert dev.state.__dlpack_device__()[0] == 2  # kDLCUDA
    cupy = pytest.importorskip("cupy")
    on_gpu = cupy.from_dlpack(dev.state)
    np.testing.assert_array_equal(cupy.asnumpy(on_gpu), host.time_domain_array[:, :3, :])


def test_gpu_inputs_are_accepted(lorenz32):
    cupy = pytest.importorskip("cupy")
    solver = qb.Solver(lorenz32, algorithm="rk4", dt=1e-3, backend="cuda")
    rho = np.linspace(0, 30, 256)
    a = solver.solve({}, {"rho": rho}, duration=0.1)
    b = solver.solve({}, {"rho": cupy.asarray(rho)}, duration=0.1)
    np.testing.assert_array_equal(a.time_domain_array, b.time_domain_array)


def test_no_device_memory_leak_over_solves(lorenz32):
    solver = qb.Solver(lorenz32, algorithm="rk4", dt=1e-3, backend="cuda", memory_settings={"allocator": "pool"})
    held = []
    for _ in range(200):
        r = solver.solve({}, {"rho": np.linspace(0, 30, 10_000)}, duration=0.05)
        held.append(r.statistics["current_device_bytes"])
    assert max(held[10:]) == min(held[10:]), (min(held), max(held))
