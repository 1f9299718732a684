"""No aliasing between a solve's inputs, its results and later solves (issue 12): results
and their arrays that the user keeps never change after later solves (whatever storage the
result pool hands those), on the CPU and on the GPU (pageable and pinned results); the
caller's input arrays are not kept (changing one after a solve changes neither the held
result's inputs nor anything but the next solve); and pooled storage never leaks a
previous solve's values into a new result."""

import gc

import numpy as np
import pytest

import cubie as qb
from cubie import _core

from conftest import requires_gpu

N = 20000



def _solve(solver, rho):
    return solver.solve({}, {"rho": rho}, duration=0.3, save_every=0.1)


def _address(a):
    return a.__array_interface__["data"][0]


SOLVERS = [
    pytest.param({"backend": "cpu"}, id="cpu"),
    pytest.param({"backend": "cuda"}, id="cuda-pageable", marks=requires_gpu),
    pytest.param({"backend": "cuda", "memory_settings": {"pinned_results": True}}, id="cuda-pinned", marks=requires_gpu),
]


@pytest.mark.parametrize("where", SOLVERS)
def test_kept_arrays_survive_later_solves_and_dropped_storage_is_reused(lorenz64, where, pool):
    solver = qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-9, rtol=1e-9, **where)
    rho = np.linspace(1.0, 30.0, N)
    r = _solve(solver, rho)
    # The user keeps two arrays of the result and drops the SolveResult itself.
    states, status = r.time_domain_array, r.status_codes
    expected_states, expected_status = states.copy(), status.copy()
    kept = {_address(states), _address(status)}
    del r
    gc.collect()
    hits = _core.result_pool_stats()["hits"]
    seen = set()
    for k in range(4):
        other = _solve(solver, np.linspace(2.0 + k, 40.0, N))
        seen.add(_address(other.time_domain_array))
        assert not np.array_equal(other.time_domain_array, expected_states)
        del other
        gc.collect()
    assert not (seen & kept), "a later solve wrote into storage an array still views"
    np.testing.assert_array_equal(states, expected_states)
    np.testing.assert_array_equal(status, expected_status)
    # The dropped results (not the kept one) were reused: all four later solves but the
    # first took storage from the pool (the first found none there).
    assert _core.result_pool_stats()["hits"] - hits >= 3
    assert len(seen) == 1


@pytest.mark.parametrize("where", SOLVERS)
def test_results_from_pooled_storage_equal_results_from_fresh_storage(lorenz64, where, pool):
    solver = qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-9, rtol=1e-9, **where)
    inputs = [np.linspace(1.0 + k, 30.0 + 2 * k, N) for k in range(3)]
    # A failed run (NaN-filled, status != 0) in the middle solve: its NaNs must not stay in
    # the storage the next solve reuses.
    solver_fail = qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-9, rtol=1e-9, max_steps=40, **where)
    pooled = []
    for k, rho in enumerate(inputs):
        r = _solve(solver_fail if k == 1 else solver, rho)
        pooled.append((r.time_domain_array.copy(), r.status_codes.copy()))
        del r
        gc.collect()
    assert np.any(pooled[1][1] != 0) and np.all(pooled[2][1] == 0)
    _core.set_result_pool_bytes(0)
    _core.release_result_pool()
    for k, rho in enumerate(inputs):
        fresh = _solve(solver_fail if k == 1 else solver, rho)
        np.testing.assert_array_equal(fresh.time_domain_array, pooled[k][0])
        np.testing.assert_array_equal(fresh.status_codes, pooled[k][1])


def test_changing_the_input_array_after_a_solve(own_solver, pool):
    lorenz_solver = own_solver
    rho = np.linspace(1.0, 30.0, N)
    given = rho.copy()
    held = _solve(lorenz_solver, rho)
    held_states = held.time_domain_array.copy()
    rho *= 0.5  # the caller reuses its array in place for the next sweep
    # The held result's inputs are the values it was solved with, not the array's new ones.
    np.testing.assert_array_equal(held.inputs()["rho"], given)
    np.testing.assert_array_equal(held.time_domain_array, held_states)
    # The next solve reads the new values (nothing cached by the array's identity).
    again = _solve(lorenz_solver, rho)
    np.testing.assert_array_equal(again.inputs()["rho"], given * 0.5)
    reference = _solve(lorenz_solver, np.array(given * 0.5))
    np.testing.assert_array_equal(again.time_domain_array, reference.time_domain_array)
    np.testing.assert_array_equal(held.time_domain_array, held_states)


def test_float32_and_strided_inputs_give_the_float64_contiguous_answer(own_solver, pool):
    lorenz_solver = own_solver
    base = np.linspace(1.0, 30.0, 2 * N)
    strided = base[::2]  # not contiguous: copied once into a column
    assert not strided.flags["C_CONTIGUOUS"]
    reference = _solve(lorenz_solver, np.ascontiguousarray(strided))
    np.testing.assert_array_equal(_solve(lorenz_solver, strided).time_domain_array, reference.time_domain_array)
    as32 = strided.astype(np.float32)
    np.testing.assert_array_equal(
        _solve(lorenz_solver, as32).time_domain_array,
        _solve(lorenz_solver, as32.astype(np.float64)).time_domain_array,
    )
