"""cubie against scipy.integrate.solve_ivp at tight tolerance, on several models and
through every way of defining a system (text, Python function, CellML, model file)."""

import numpy as np
import pytest

import cubie as qb

scipy_integrate = pytest.importorskip("scipy.integrate")


def assert_close(got, ref, tol):
    """|got - ref| <= tol * (1 + |ref|) everywhere, with the worst case in the message."""
    err = np.max(np.abs(got - ref) / (1 + np.abs(ref)))
    assert err <= tol, f"max |got - ref| / (1 + |ref|) = {err:.3g} > {tol:.3g}"


def scipy_solution(f, y0, t_eval, args=(), method="DOP853", rtol=1e-12, atol=1e-12):
    sol = scipy_integrate.solve_ivp(f, (t_eval[0], t_eval[-1]), y0, method=method, t_eval=t_eval, args=args,
                                    rtol=rtol, atol=atol)
    assert sol.success, sol.message
    return sol.y  # (n_states, n_times)


def lorenz_rhs(t, y, rho, sigma=10.0, beta=8.0 / 3.0):
    return [sigma * (y[1] - y[0]), y[0] * (rho - y[2]) - y[1], y[0] * y[1] - beta * y[2]]


def test_lorenz_sweep_matches_scipy(lorenz_solver):
    rho = np.array([0.5, 10.0, 21.0, 28.0, 35.0])
    result = lorenz_solver.solve({"x": [1.0], "y": [0.5], "z": [0.2]}, {"rho": rho}, duration=2.0, save_every=0.25)
    assert result.status_codes.tolist() == [0] * rho.size
    t = result.time
    np.testing.assert_allclose(t, np.arange(9) * 0.25, rtol=0, atol=1e-15)
    for run, r in enumerate(rho):
        ref = scipy_solution(lorenz_rhs, [1.0, 0.5, 0.2], t, args=(r,))
        got = result.time_domain_array[:, :3, run].T
        # Chaotic over 2 time units: differences grow by e^(0.9 t); 1e-10 tolerances.
        assert_close(got, ref, 1e-6)
        r2 = result.time_domain_array[:, 3, run]
        np.testing.assert_allclose(r2, np.sum(got**2, axis=0), rtol=1e-13)


def test_exponential_decay_against_analytic(decay_solver):
    k = np.linspace(0.1, 3.0, 7)
    result = decay_solver.solve({"x": [2.0]}, {"k": k}, duration=3.0, save_every=0.5)
    expected = 2.0 * np.exp(-np.outer(result.time, k))
    assert_close(result.time_domain_array[:, 0, :], expected, 1e-9)


def van_der_pol(t, y, mu):
    return [y[1], mu * (1 - y[0] ** 2) * y[1] - y[0]]


def test_python_function_van_der_pol_matches_scipy():
    # The design's "coming from SciPy" port: the same function object in both.
    result = qb.solve_ivp(van_der_pol, y0={"x": [2.0], "v": [0.0]}, parameters={"mu": [0.5, 1.5, 3.0]},
                          method="ode45", duration=6.0, save_every=0.5, atol=1e-11, rtol=1e-11,
                          precision=np.float64)
    assert result.time_domain_legend == {0: "x", 1: "v"}
    for run, mu in enumerate([0.5, 1.5, 3.0]):
        ref = scipy_solution(van_der_pol, [2.0, 0.0], result.time, args=(mu,))
        np.testing.assert_allclose(result.time_domain_array[:, :, run].T, ref, rtol=0, atol=1e-8)


def lotka_volterra(t, y, p):
    dx = p.a * y.x - p.b * y.x * y.y
    dy = -p.c * y.y + p.d * y["x"] * y[1]
    return [dx, dy]


def test_lotka_volterra_function_with_containers_matches_scipy():
    lv = qb.create_ODE_system(lotka_volterra, constants={"a": 1.1, "c": 0.4}, parameters={"b": 0.4, "d": 0.1},
                              states={"x": 10.0, "y": 5.0}, precision=np.float64)
    b = np.array([0.3, 0.4])
    d = np.array([0.05, 0.1, 0.2])
    result = qb.solve_ivp(lv, {"x": 10.0, "y": 5.0}, {"b": b, "d": d}, method="tsit5", duration=10.0,
                          save_every=1.0, atol=1e-11, rtol=1e-11)
    assert result.n_runs == 6  # combinatorial by default: d varies fastest
    for run in range(6):
        bb, dd = b[run // 3], d[run % 3]
        ref = scipy_solution(lambda t, y: [1.1 * y[0] - bb * y[0] * y[1], -0.4 * y[1] + dd * y[0] * y[1]],
                             [10.0, 5.0], result.time)
        np.testing.assert_allclose(result.time_domain_array[:, :, run].T, ref, rtol=1e-8)


def test_float32_lorenz_within_float32_accuracy(lorenz32):
    solver = qb.Solver(lorenz32, algorithm="dormand_prince_54", atol=1e-6, rtol=1e-6)
    result = solver.solve({}, {"rho": [10.0, 28.0]}, duration=0.5, save_every=0.1)
    assert result.time_domain_array.dtype == np.float32
    for run, rho in enumerate([10.0, 28.0]):
        ref = scipy_solution(lorenz_rhs, [1.0, 0.0, 0.0], result.time, args=(rho,))
        assert_close(result.time_domain_array[:, :3, run].T, ref, 2e-4)


def test_fixed_step_rk4_converges_at_fourth_order(decay64):
    errors = []
    for dt in (0.1, 0.05):
        solver = qb.Solver(decay64, algorithm="rk4", dt=dt)
        r = solver.solve({"x": [1.0]}, {"k": [1.0]}, duration=2.0)
        errors.append(abs(r.time_domain_array[-1, 0, 0] - np.exp(-2.0)))
    order = np.log2(errors[0] / errors[1])
    assert 3.8 < order < 4.2, order


def test_robertson_cellml_matches_scipy_radau(data_dir):
    pytest.importorskip("libcellml")
    system = qb.load_cellml_model(data_dir / "robertson.cellml", observables=["total"], precision=np.float64)
    solver = qb.Solver(system, algorithm="dormand_prince_54", atol=1e-12, rtol=1e-10, dt_max=0.1)
    result = solver.solve({}, {}, duration=1.0, save_every=0.25)
    assert result.status_codes[0] == 0

    def rob(t, y):
        return [-0.04 * y[0] + 1e4 * y[1] * y[2], 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2, 3e7 * y[1] ** 2]

    ref = scipy_solution(rob, [1.0, 0.0, 0.0], result.time, method="Radau", rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.time_domain_array[:, :3, 0].T, ref, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(result.time_domain_array[:, 3, 0], 1.0, rtol=1e-12)  # conserved total
