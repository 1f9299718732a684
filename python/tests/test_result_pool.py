"""The result pool: storage of results Python dropped is reused by later solves (warm
pages), storage of results still held (or still viewed by any array) never is, and the
pool keeps within its bound."""

import gc

import numpy as np
import pytest

import cubie as qb
from cubie import _core


def _address(result):
    return result.time_domain_array.__array_interface__["data"][0]


def _stats():
    return _core.result_pool_stats()


def _solve(solver, rho):
    return solver.solve({}, {"rho": rho}, duration=0.3, save_every=0.1)


def test_held_results_never_change(own_solver, pool):
    rho_a = np.linspace(1, 30, 20000)
    held = _solve(own_solver, rho_a)
    expected = np.array(held.time_domain_array, copy=True)
    expected_status = np.array(held.status_codes, copy=True)
    view = held.summaries_array  # another view of the same result
    addresses = set()
    for k in range(6):
        # Later solves of the same shape with other inputs, each dropped: they cycle through
        # the pool, never through the held result's storage.
        r = _solve(own_solver, np.linspace(2 + k, 40, 20000))
        addresses.add(_address(r))
        assert not np.array_equal(r.time_domain_array, expected)
        del r
        gc.collect()
    assert _address(held) not in addresses
    np.testing.assert_array_equal(held.time_domain_array, expected)
    np.testing.assert_array_equal(held.status_codes, expected_status)
    assert view.shape[-1] == 20000


def test_dropped_results_are_reused(own_solver, pool):
    rho = np.linspace(1, 30, 20000)
    first = _solve(own_solver, rho)
    address = _address(first)
    reference = np.array(first.time_domain_array, copy=True)
    s0 = _stats()
    del first
    gc.collect()
    s1 = _stats()
    assert s1["returned"] == s0["returned"] + 1
    assert s1["cached_bytes"] > s0["cached_bytes"]
    second = _solve(own_solver, rho)
    s2 = _stats()
    assert s2["hits"] == s1["hits"] + 1
    assert _address(second) == address, "the dropped result's storage was not reused"
    # Reused storage holds this solve's values, not stale ones (same inputs: same answers).
    np.testing.assert_array_equal(second.time_domain_array, reference)
    # A different-input solve into reused storage matches the same solve into fresh storage.
    del second
    gc.collect()
    other_rho = np.linspace(5, 25, 20000)
    reused = _solve(own_solver, other_rho)
    assert _address(reused) == address
    got = np.array(reused.time_domain_array, copy=True)
    del reused
    gc.collect()
    _core.set_result_pool_bytes(0)  # nothing kept: the next solve gets fresh storage
    fresh = _solve(own_solver, other_rho)
    np.testing.assert_array_equal(fresh.time_domain_array, got)


def test_a_surviving_view_keeps_the_storage_out_of_the_pool(own_solver, pool):
    rho = np.linspace(1, 30, 20000)
    r = _solve(own_solver, rho)
    arr = r.time_domain_array
    expected = np.array(arr, copy=True)
    address = _address(r)
    s0 = _stats()
    del r
    gc.collect()
    assert _stats()["returned"] == s0["returned"], "a result still viewed by an array entered the pool"
    for k in range(3):
        other = _solve(own_solver, np.linspace(3 + k, 33, 20000))
        assert _address(other) != address
        del other
        gc.collect()
    np.testing.assert_array_equal(arr, expected)
    del arr
    gc.collect()
    assert _stats()["returned"] > s0["returned"]


def test_grid_columns_are_reused(own_solver, pool):
    rho = np.linspace(1, 30, 100000)  # 800 kB of float64: pooled
    r = _solve(own_solver, rho)
    del r
    gc.collect()
    s = _stats()
    assert s["cached_columns"] >= 1
    r = _solve(own_solver, rho)
    assert _stats()["column_hits"] == s["column_hits"] + 1
    # The grid built over reused column storage holds this call's values.
    np.testing.assert_array_equal(r._r.grid.column(3), rho)


def test_bound_is_kept_and_zero_keeps_nothing(own_solver, pool):
    rho = np.linspace(1, 30, 20000)
    results = [_solve(own_solver, rho + k) for k in range(4)]
    one = results[0].time_domain_array.nbytes + results[0].status_codes.nbytes
    _core.set_result_pool_bytes(2 * one + one // 2)  # room for two results' storage
    del results
    gc.collect()
    s = _stats()
    assert s["cached_bytes"] <= s["max_bytes"]
    assert s["returned"] >= 2
    _core.set_result_pool_bytes(0)
    assert _stats()["cached_bytes"] == 0
    r = _solve(own_solver, rho)
    hits = _stats()["hits"]
    del r
    gc.collect()
    assert _stats()["cached_bytes"] == 0
    _solve(own_solver, rho)
    assert _stats()["hits"] == hits


def test_small_solve_does_not_take_a_large_block(own_solver, pool):
    big = _solve(own_solver, np.linspace(1, 30, 200000))
    big_address = _address(big)
    del big
    gc.collect()
    small = _solve(own_solver, np.linspace(1, 30, 1000))
    assert _address(small) != big_address


def test_public_functions(pool):
    info = qb.result_pool_info()
    assert info["max_bytes"] == 256 << 20
    qb.set_result_pool_bytes(1 << 20)
    assert qb.result_pool_info()["max_bytes"] == 1 << 20
    qb.release_result_pool()
    assert qb.result_pool_info()["cached_bytes"] == 0
    with pytest.raises(ValueError, match="bytes"):
        qb.set_result_pool_bytes(-1)
