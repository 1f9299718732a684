"""Drivers and events from Python: the design's drivers dict (time or dt/t0, order, wrap,
boundary_condition, one signal per run), SciPy's CubicSpline as the reference for what
the equations see, events from create_ODE_system against analytic times and SciPy's
solve_ivp(events=...), and the errors for missing or unknown drivers."""

import numpy as np
import pytest

import cubie as qb

interpolate = pytest.importorskip("scipy.interpolate")
scipy_integrate = pytest.importorskip("scipy.integrate")


@pytest.fixture(scope="module")
def integrator():
    # x' = u(t): x is the integral of the interpolated driver; u_now shows it.
    return qb.create_ODE_system("u_now = u\ndx = u", states={"x": 0.0}, drivers=["u"], observables=["u_now"],
                                name="py_integrated_driver", precision=np.float64)


def test_driver_values_match_scipy_cubic_spline(integrator):
    t_samples = np.linspace(0.0, 2.0, 11)
    u = np.sin(3.0 * t_samples) + 0.5 * t_samples
    solver = qb.Solver(integrator, algorithm="dormand_prince_54", atol=1e-12, rtol=1e-12, backend="cpu")
    result = solver.solve({"x": [0.0]}, drivers={"time": t_samples, "wrap": False, "boundary_condition": "natural",
                                                 "u": u}, duration=2.0, save_every=0.05)
    spline = interpolate.CubicSpline(t_samples, u, bc_type="natural")
    t = result.time
    np.testing.assert_allclose(result.time_domain_array[:, 1, 0], spline(t), rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.time_domain_array[:, 0, 0], [spline.integrate(0.0, s) for s in t], rtol=0,
                               atol=1e-10)


def test_one_signal_per_run_and_dt_t0(integrator):
    n_runs = 5
    samples = np.outer(np.array([0.0, 1.0, 4.0, 9.0, 16.0]), np.arange(1, n_runs + 1))  # (samples, runs)
    solver = qb.Solver(integrator, algorithm="dormand_prince_54", atol=1e-12, rtol=1e-12, backend="cpu")
    result = solver.solve({"x": np.zeros(n_runs)}, drivers={"dt": 0.5, "t0": 0.0, "wrap": False,
                                                              "boundary_condition": "not-a-knot", "u": samples},
                          duration=2.0)
    # Not-a-knot through samples of 4 t^2 reproduces it: x(2) = (run + 1) * 4 * 8 / 3.
    np.testing.assert_allclose(result.time_domain_array[-1, 0, :], np.arange(1, n_runs + 1) * 32.0 / 3.0,
                               rtol=1e-11)


def test_missing_and_unknown_drivers_are_errors(integrator):
    solver = qb.Solver(integrator, backend="cpu")
    with pytest.raises(ValueError, match="reads the drivers u; give their samples"):
        solver.solve({"x": [0.0]})
    with pytest.raises(KeyError, match="has no driver 'w'"):
        solver.solve({"x": [0.0]}, drivers={"dt": 0.1, "u": [0.0, 1.0, 0.0], "w": [1.0, 1.0]})
    with pytest.raises(ValueError, match="first and last samples equal"):
        solver.solve({"x": [0.0]}, drivers={"dt": 0.1, "u": [0.0, 1.0]})
    with pytest.raises(ValueError, match="sample 1 is nan"):
        solver.solve({"x": [0.0]}, drivers={"dt": 0.1, "wrap": False, "u": [0.0, np.nan, 1.0]})


def test_bouncing_ball_events_are_analytic():
    ball = qb.create_ODE_system(
        "dh = v\ndv = -g", states={"h": 1.0, "v": 0.0}, parameters={"e": 0.8}, constants={"g": 9.81},
        events={"floor": {"condition": "h", "direction": "down", "action": "reset", "reset": "v = -e * v"}},
        name="py_bouncing_ball", precision=np.float64,
    )
    assert ball.events == ["floor"]
    h0 = np.array([1.0, 2.0, 3.0])
    result = qb.Solver(ball, algorithm="dormand_prince_54", atol=1e-10, rtol=1e-10, backend="cpu",
                       max_events=8).solve({"h": h0}, {"e": [0.8]}, duration=3.0)
    assert result.event_names == ["floor"]
    assert result.event_times.shape == (8, 3)
    assert result.event_states.shape == (8, 2, 3)
    for r, h in enumerate(h0):
        t1 = np.sqrt(2.0 * h / 9.81)
        flights = 2.0 * 0.8 ** np.arange(1, 8) * 9.81 * t1 / 9.81
        expected = t1 + np.concatenate(([0.0], np.cumsum(flights)))
        n = int(result.event_count[r])
        assert n == int(np.sum(expected <= 3.0)) or n > 8
        k = min(n, 8)
        np.testing.assert_allclose(result.event_times[:k, r], expected[:k], rtol=1e-10)
        assert np.all(result.event_ids[:k, r] == 0)


def test_van_der_pol_events_match_solve_ivp():
    vdp = qb.create_ODE_system(
        "dx = y\ndy = mu * (1 - x^2) * y - x", states={"x": 2.0, "y": 0.0}, parameters={"mu": 1.0},
        events={"x_zero": "x", "stop": {"condition": "t - 9.5", "direction": "up", "action": "terminate"}},
        name="py_vdp_events", precision=np.float64,
    )
    result = qb.Solver(vdp, algorithm="dormand_prince_54", atol=1e-11, rtol=1e-11, backend="cpu",
                       max_events=16).solve({"x": [2.0]}, {"mu": [1.0, 2.0]}, duration=20.0)
    for r, mu in enumerate([1.0, 2.0]):
        def f(t, z):
            return [z[1], mu * (1 - z[0] ** 2) * z[1] - z[0]]

        def x_zero(t, z):
            return z[0]

        ref = scipy_integrate.solve_ivp(f, (0.0, 9.5), [2.0, 0.0], method="DOP853", rtol=1e-13, atol=1e-13,
                                        events=[x_zero])
        expected = ref.t_events[0]
        n = len(expected)
        np.testing.assert_allclose(result.event_times[:n, r], expected, atol=1e-8)
        assert result.event_ids[n, r] == 1  # the terminating event is logged too
        assert result.event_terminated[r] == pytest.approx(9.5, abs=1e-12)
        assert result.status_codes[r] == 0
