"""Defining systems: equation text and lines, Python functions, model files, CellML."""

import warnings
from pathlib import Path

import numpy as np
import pytest

import cubie as qb

REPO = Path(__file__).resolve().parents[2]


def test_states_inferred_from_derivatives_and_undeclared_names_warned():
    with pytest.warns(qb.InferredParameterWarning, match="'a', 'b'"):
        s = qb.create_ODE_system("""
            dx = a*x - b*x*y
            dy = -c*y + d*x*y
            """, constants={"c": 0.3, "d": 0.01})
    assert list(s.states) == ["x", "y"] and list(s.parameters) == ["a", "b"]
    assert s.precision == np.float32  # the design's default
    assert s.parameters["a"] == 0.0


def test_list_of_lines_and_observables():
    s = qb.create_ODE_system(["speed = sqrt(v^2)", "dx = v", "dv = -x"], states={"x": 1.0, "v": 0.0},
                             observables=["speed"], precision=np.float64)
    r = qb.Solver(s, algorithm="rk4", dt=1e-3).solve({}, {}, duration=np.pi / 2, save_every=np.pi / 4)
    np.testing.assert_allclose(r.time_domain_array[-1, :, 0], [0.0, -1.0, 1.0], atol=1e-9)


def pendulum(t, y, g, length):
    """Scalar arguments bound to parameters by name (SciPy's args= style)."""
    theta, omega = y
    return [omega, -(g / length) * np.sin(theta)]


def test_scalar_arguments_and_unpacking():
    s = qb.create_ODE_system(pendulum, states={"theta": 0.1, "omega": 0.0}, parameters={"g": 9.81, "length": 1.0},
                             precision=np.float64)
    r = qb.Solver(s, algorithm="dormand_prince_54", atol=1e-11, rtol=1e-11).solve(
        {}, {"length": [1.0, 2.0]}, duration=1.0)
    scipy_integrate = pytest.importorskip("scipy.integrate")
    for run, length in enumerate([1.0, 2.0]):
        ref = scipy_integrate.solve_ivp(pendulum, (0, 1), [0.1, 0.0], args=(9.81, length), rtol=1e-12,
                                        atol=1e-12).y[:, -1]
        np.testing.assert_allclose(r.time_domain_array[-1, :, run], ref, rtol=1e-8)


def piecewise_rhs(t, y, p):
    if y.x > 0:
        rate = -p.k * y.x
    elif y.x < -1:
        rate = 1.0
    else:
        rate = 0.0
    drive = np.clip(t, 0.0, 1.0) + (2.0 if t > 5 else 0.0)
    total = rate + 0 * drive
    total += 0.0
    return {"x": total}


def test_if_elif_else_clip_and_dict_return():
    s = qb.create_ODE_system(piecewise_rhs, states={"x": 1.0}, parameters={"k": 2.0}, precision=np.float64)
    r = qb.Solver(s, algorithm="rk4", dt=1e-3).solve({"x": [1.0, -0.5, -2.0]}, {}, duration=0.5)
    np.testing.assert_allclose(r.time_domain_array[-1, 0, :], [np.exp(-1.0), -0.5, -1.5], rtol=1e-9)


def mu_function(t, y, mu):
    return [y[1], mu * (1 - y[0] ** 2) * y[1] - y[0]]


def test_function_and_text_give_the_same_numbers():
    f = qb.create_ODE_system(mu_function, states={"x": 2.0, "v": 0.0}, parameters={"mu": 1.0},
                             precision=np.float64)
    t = qb.create_ODE_system("dx = v\ndv = mu * (1 - x^2) * v - x", states={"x": 2.0, "v": 0.0},
                             parameters={"mu": 1.0}, precision=np.float64)
    rf = qb.Solver(f, algorithm="tsit5", atol=1e-10, rtol=1e-10).solve({}, {"mu": [0.5, 2.0]}, duration=3.0)
    rt = qb.Solver(t, algorithm="tsit5", atol=1e-10, rtol=1e-10).solve({}, {"mu": [0.5, 2.0]}, duration=3.0)
    np.testing.assert_allclose(rf.time_domain_array, rt.time_domain_array, rtol=1e-12, atol=1e-12)


SCALE = 3.0


def uses_global(t, y):
    return [-SCALE * y[0]]


def has_loop(t, y):
    for i in range(2):
        pass
    return [y[0]]


def wrong_count(t, y):
    return [y[0], y[0]]


def inferred(t, y, p):
    return [-p.k * y[0]]


@pytest.mark.parametrize(
    "func, kwargs, exc, match",
    [
        (uses_global, {"states": ["x"]}, NameError, "'SCALE' is not an argument.*declare 'SCALE'"),
        (has_loop, {"states": ["x"]}, ValueError, "For statements are not supported"),
        (wrong_count, {"states": ["x"]}, ValueError, "returns 2 derivatives for 1 states"),
        (inferred, {"states": ["x"], "strict": True}, ValueError, "'k' is not a declared parameter"),
    ],
)
def test_function_errors_name_the_line(func, kwargs, exc, match):
    with pytest.raises(exc, match=match) as info:
        qb.create_ODE_system(func, **kwargs)
    assert "test_systems.py:" in str(info.value)


def test_function_inference_warns():
    with pytest.warns(qb.InferredParameterWarning, match="'k'"):
        s = qb.create_ODE_system(inferred, states=["x"])
    assert list(s.parameters) == ["k"]


def test_load_model_uses_the_files_settings():
    system = qb.load_model(REPO / "examples" / "lorenz.toml")
    assert system.source == "file" and system.precision == np.float32
    solver = qb.Solver(system)
    assert solver.algorithm == "dormand_prince_54"
    r = solver.solve_sweep()
    assert r.n_runs == 2000 and r.failed_runs == 0
    # The file's order: rho (1000 values) then x (2 values, fastest).
    inputs = r.inputs()
    np.testing.assert_array_equal(inputs["x"][:4], [1.0, 2.0, 1.0, 2.0])
    np.testing.assert_array_equal(inputs["rho"][:4], [0.0, 0.0, 21.0 / 999, 21.0 / 999])
    inits, params, grid = system.sweep
    same = solver.solve(inits, params, grid_type=grid)  # states first: x slowest
    np.testing.assert_array_equal(same.time_domain_array[:, :, 1000], r.time_domain_array[:, :, 1])


def test_cellml_lorenz_matches_the_equation_text(data_dir):
    pytest.importorskip("libcellml")
    cell = qb.load_cellml_model(data_dir / "lorenz.cellml", parameters=["rho"], observables=["r2"],
                                precision=np.float64)
    assert list(cell.states) == ["x", "y", "z"] and list(cell.parameters) == ["rho"]
    assert cell.constants == {"sigma": 10.0, "beta": 2.6666666666666665}
    text = qb.create_ODE_system("dx = sigma * (y - x)\ndy = x * (rho - z) - y\ndz = x * y - beta * z\n"
                                "r2 = x^2 + y^2 + z^2", states=cell.states, parameters=["rho"],
                                constants=cell.constants, observables=["r2"], precision=np.float64)
    kw = dict(algorithm="dormand_prince_54", atol=1e-10, rtol=1e-10)
    a = qb.Solver(cell, **kw).solve({}, {"rho": [15.0, 28.0]}, duration=1.0, save_every=0.5)
    b = qb.Solver(text, **kw).solve({}, {"rho": [15.0, 28.0]}, duration=1.0, save_every=0.5)
    np.testing.assert_allclose(a.time_domain_array, b.time_domain_array, rtol=1e-9, atol=1e-9)


def test_cellml_errors(data_dir, tmp_path):
    pytest.importorskip("libcellml")
    with pytest.raises(KeyError, match="'kappa' is not a variable of lorenz.cellml"):
        qb.load_cellml_model(data_dir / "lorenz.cellml", parameters=["kappa"])
    with pytest.raises(ValueError, match="'r2' is computed by the model"):
        qb.load_cellml_model(data_dir / "lorenz.cellml", parameters=["r2"])
    with pytest.raises(FileNotFoundError):
        qb.load_cellml_model(tmp_path / "none.cellml")
    bad = tmp_path / "bad.cellml"
    bad.write_text("<model xmlns='http://www.cellml.org/cellml/2.0#' name='m'><component name='c'>"
                   "<variable name='x' units='dimensionless' initial_value='1'/></component></model>")
    with pytest.raises(ValueError, match="bad.cellml"):
        qb.load_cellml_model(bad)
    with pytest.raises(NotImplementedError, match="show_gui"):
        qb.load_cellml_model(data_dir / "lorenz.cellml", show_gui=True)


def test_cellml_removable_singularity(tmp_path):
    pytest.importorskip("libcellml")
    # dx = a * u / (exp(u / 10) - 1): finite (10 a) at u = 0, where the direct form is 0/0.
    path = tmp_path / "ghk.cellml"
    path.write_text("""<?xml version="1.0"?>
<model xmlns="http://www.cellml.org/cellml/2.0#" xmlns:cellml="http://www.cellml.org/cellml/2.0#" name="ghk">
  <component name="c">
    <variable name="t" units="dimensionless"/>
    <variable name="x" units="dimensionless" initial_value="0"/>
    <variable name="u" units="dimensionless" initial_value="0"/>
    <variable name="a" units="dimensionless" initial_value="0.5"/>
    <math xmlns="http://www.w3.org/1998/Math/MathML">
      <apply><eq/><apply><diff/><bvar><ci>t</ci></bvar><ci>x</ci></apply>
        <apply><divide/><apply><times/><ci>a</ci><ci>u</ci></apply>
          <apply><minus/><apply><exp/><apply><divide/><ci>u</ci><cn cellml:units="dimensionless">10</cn></apply></apply>
            <cn cellml:units="dimensionless">1</cn></apply></apply></apply>
    </math>
  </component>
</model>""")
    # Near u = 0 in float32 exp(u / 10) - 1 keeps few digits (at u = 1e-5, 19% off);
    # the series keeps them all.
    u = np.array([1e-5, 3e-4, 5.0])
    expected = 0.5 * u / np.expm1(u / 10)
    fixed = qb.load_cellml_model(path, parameters=["u"])
    r = qb.Solver(fixed, algorithm="rk4", dt=0.1).solve({}, {"u": u}, duration=1.0)
    np.testing.assert_allclose(r.time_domain_array[-1, 0, :], expected, rtol=2e-6)
    raw = qb.load_cellml_model(path, parameters=["u"], fix_singularities=False, name="ghk_raw")
    r = qb.Solver(raw, algorithm="rk4", dt=0.1).solve({}, {"u": u}, duration=1.0)
    assert abs(r.time_domain_array[-1, 0, 0] / expected[0] - 1) > 0.01
