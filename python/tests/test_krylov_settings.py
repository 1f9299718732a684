"""The Newton-Krylov settings reach the engine, and the applicability report says which of
them a method uses: the DIRK family reads linear_solver and the krylov_* / preconditioner_*
settings (when its linear solver is a Krylov method); Rosenbrock and explicit methods, and a
DIRK solving with its LU, do not."""

import math
import warnings

import numpy as np
import pytest

import cubie as qb

KRYLOV = {"krylov_atol": 1e-12, "krylov_rtol": 1e-12, "krylov_max_iters": 20, "preconditioner_type": "jacobi",
          "preconditioner_order": 2}


@pytest.fixture(scope="module")
def stiff_pair():
    # x decays at rate k, y at 1000: a mildly stiff linear pair with x(1) = exp(-k).
    return qb.create_ODE_system("dx = -k * x + y\ndy = -1000 * y", states={"x": 1.0, "y": 0.0},
                                parameters={"k": 1.0}, precision=np.float64, name="stiff_pair")


def notes_of(system, **settings):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        solver = qb.Solver(system, backend="cpu", atol=1e-10, rtol=1e-10, **settings)
    texts = [str(w.message) for w in caught if issubclass(w.category, qb.NotApplicableWarning)]
    return solver, texts


def test_dirk_with_a_krylov_solver_uses_the_krylov_settings(stiff_pair):
    solver, texts = notes_of(stiff_pair, algorithm="kvaerno5", linear_solver="gmres", **KRYLOV)
    assert solver.not_applicable == {} and texts == []
    r = solver.solve({}, {"k": [1.0, 2.0]}, duration=1.0)
    assert list(r.status_codes) == [0, 0]
    x = r.state[-1, 0, :]  # (time, variable, run): x at the end
    assert x == pytest.approx([math.exp(-1.0), math.exp(-2.0)], rel=1e-7)


def test_settings_reach_the_engine(stiff_pair):
    # The engine validates what it receives: values it refuses prove the keys are forwarded.
    with pytest.raises(ValueError, match="linear_solver: unknown value 'nope'"):
        qb.Solver(stiff_pair, algorithm="kvaerno5", backend="cpu", linear_solver="nope")
    with pytest.raises(ValueError, match="preconditioner_type: unknown value 'ilu'"):
        qb.Solver(stiff_pair, algorithm="kvaerno5", backend="cpu", linear_solver="bicgstab", preconditioner_type="ilu")
    with pytest.raises(ValueError, match="krylov_max_iters = 0"):
        qb.Solver(stiff_pair, algorithm="kvaerno5", backend="cpu", linear_solver="bicgstab", krylov_max_iters=0)
    with pytest.raises(ValueError, match="the Krylov solvers serve the dirk and firk families"):
        qb.Solver(stiff_pair, algorithm="rodas5p", backend="cpu", linear_solver="gmres")


def test_dirk_solving_with_its_lu_reports_the_krylov_settings(stiff_pair):
    # Two states: the LU is built and is the default linear solver.
    solver, texts = notes_of(stiff_pair, algorithm="kvaerno5", **KRYLOV)
    assert set(solver.not_applicable) == set(KRYLOV)
    assert "linear_solver resolves to 'direct'" in solver.not_applicable["krylov_atol"]
    assert len(texts) == 1
    solver, _ = notes_of(stiff_pair, algorithm="kvaerno5", linear_solver="direct", krylov_rtol=1e-9)
    assert set(solver.not_applicable) == {"krylov_rtol"}


def test_other_families_report_them_not_applicable(stiff_pair):
    solver, _ = notes_of(stiff_pair, algorithm="rodas5p", **KRYLOV)
    assert set(solver.not_applicable) == set(KRYLOV)
    assert "does not use" in solver.not_applicable["krylov_max_iters"]
    solver, _ = notes_of(stiff_pair, algorithm="dormand_prince_54", linear_solver="direct", krylov_atol=1e-9)
    assert set(solver.not_applicable) == {"linear_solver", "krylov_atol"}
    assert "is explicit" in solver.not_applicable["krylov_atol"]


def test_design_keys_cubie_does_not_read_are_reported(stiff_pair):
    solver, _ = notes_of(stiff_pair, algorithm="kvaerno5", linear_solver="gmres", krylov_residual_floor=1e-12)
    assert set(solver.not_applicable) == {"krylov_residual_floor"}
    assert "not read by cubie's Krylov solvers" in solver.not_applicable["krylov_residual_floor"]
