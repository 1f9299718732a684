"""Result arrays view the engine's memory, keep it alive, and nothing leaks."""

import gc
import tracemalloc

import numpy as np
import pytest

import cubie as qb


def test_time_domain_array_is_the_engines_buffer(lorenz_solver):
    result = lorenz_solver.solve({}, {"rho": np.linspace(1, 30, 100)}, duration=0.5, save_every=0.1)
    arr = result.time_domain_array
    # The array's data pointer is the address of the engine's buffer: no copy was made.
    assert arr.__array_interface__["data"][0] == result._r.time_domain_address
    assert not arr.flags.owndata
    # A write through the array is seen by a fresh view of the engine's buffer.
    arr[0, 0, 0] = 12345.0
    assert result._r.time_domain[0, 0, 0] == 12345.0
    assert result.status_codes.__array_interface__["data"][0] != 0


def test_array_outlives_result_and_solver(lorenz64):
    solver = qb.Solver(lorenz64, algorithm="rk4", dt=1e-3)
    result = solver.solve({}, {"rho": [10.0, 20.0, 28.0]}, duration=0.2, save_every=0.05)
    arr = result.time_domain_array
    status = result.status_codes
    expected = np.array(arr, copy=True)
    address = arr.__array_interface__["data"][0]
    del result, solver
    gc.collect()
    # Fill freed memory with other data: a dangling view would now read garbage.
    junk = [np.full(arr.size, -7.0) for _ in range(50)]
    assert arr.__array_interface__["data"][0] == address
    np.testing.assert_array_equal(arr, expected)
    assert status.tolist() == [0, 0, 0]
    del junk


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


@pytest.mark.slow
def test_no_leak_over_1000_solves(decay64):
    solver = qb.Solver(decay64, algorithm="rk4", dt=0.01)
    k = np.linspace(0.5, 1.5, 256)

    def solve_once():
        r = solver.solve({"x": [1.0]}, {"k": k}, duration=1.0, save_every=0.1)
        assert r.status_codes[0] == 0
        return r.statistics

    for _ in range(50):  # warm up caches and allocator pools
        solve_once()
    gc.collect()
    tracemalloc.start()
    before_py = tracemalloc.take_snapshot()
    rss_before = _rss_bytes()
    stats = [solve_once() for _ in range(1000)]
    gc.collect()
    after_py = tracemalloc.take_snapshot()
    rss_after = _rss_bytes()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after_py.compare_to(before_py, "filename"))
    # Python objects: the stats list kept here (1000 small dicts) and nothing else.
    assert grown < 2_500_000, f"Python allocations grew by {grown} bytes over 1000 solves"
    # Each result holds 11 x 1 x 256 doubles (22 kB) + status: 1000 leaked results would
    # be > 25 MB of resident memory.
    assert rss_after - rss_before < 8_000_000, f"resident memory grew by {rss_after - rss_before} bytes"
    # The engine's own accounting: nothing held on the device after any solve.
    assert all(s["current_device_bytes"] == stats[0]["current_device_bytes"] for s in stats)
