"""Every argument's bad values: the right exception type, and a message that names the
argument, the value and what is allowed."""

import math

import numpy as np
import pytest

import cubie as qb

# ---- Solver settings --------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"atoll": 1e-6}, KeyError, "unknown setting 'atoll'; did you mean 'atol'"),
        ({"dt_save": 0.1}, KeyError, "'dt_save' was renamed: use 'save_every'"),
        ({"memory_settings": {"atol": 1e-6}}, KeyError, "'atol' belongs in step_control_settings"),
        ({"memory_settings": {"allocatr": "pool"}}, KeyError, "memory_settings: unknown setting 'allocatr'"),
        ({"memory_settings": "pool"}, TypeError, "memory_settings must be a dict"),
        ({"algorithm": "rk99"}, ValueError, "rk99"),
        ({"algorithm": 4}, TypeError, "algorithm: expected a method name"),
        ({"atol": -1.0}, ValueError, "atol = -1; tolerances must be finite and >= 0"),
        ({"atol": [1e-6, 1e-6]}, ValueError, r"atol: give one value or one per state \(3\)"),
        ({"rtol": "tight"}, TypeError, "rtol: expected a number or one number per state"),
        ({"rtol": math.nan}, ValueError, "rtol = nan"),
        ({"algorithm": "tsit5", "dt_min": 1.0, "dt_max": 0.1}, ValueError, "dt_min = 1 > dt_max = 0.1"),
        ({"algorithm": "tsit5", "dt_max": -1.0}, ValueError, "dt_max = -1"),
        ({"algorithm": "rk4", "dt": 0.0}, ValueError, "dt = 0.0; it must be a finite number > 0"),
        ({"step_controller": "pd"}, ValueError, "unknown controller 'pd'; valid names are fixed, i, pi, pid, gustafsson"),
        ({"max_steps": 0}, ValueError, "max_steps = 0"),
        ({"max_steps": 2.5}, ValueError, "max_steps: expected an integer"),
        ({"min_gain": 2.0}, ValueError, r"min_gain = 2; it must be in \(0, 1\]"),
        ({"newton_target_iters": 0}, ValueError, "newton_target_iters = 0"),
        ({"allocator": "fancy"}, ValueError, "fancy"),
        ({"mem_proportion": 1.5}, ValueError, "mem_proportion"),
        ({"mem_proportion": "most"}, TypeError, "mem_proportion: expected a number"),
        ({"max_chunk_runs": -5}, ValueError, "max_chunk_runs = -5"),
        ({"devices": "most"}, ValueError, "devices = 'most'; use \"all\" or a list of device numbers"),
        ({"devices": [0, 0]}, ValueError, "devices: device 0 is listed twice"),
        ({"devices": [-1]}, ValueError, "devices: device numbers start at 0, got -1"),
        ({"devices": [0.5]}, TypeError, "devices: device numbers are integers"),
        ({"devices": []}, ValueError, "devices = \\[\\]; give \"all\" or at least one device number"),
        ({"backend": "tpu"}, ValueError, "backend: unknown value 'tpu'"),
        ({"precision": "float16"}, ValueError, "precision: unknown precision 'float16'"),
        ({"precision": np.int32}, ValueError, "int32 is not supported"),
        ({"output_types": ["state", "median"]}, ValueError, "unknown output 'median'"),
        ({"output_types": ["peaks"]}, ValueError, "peaks needs the number of peaks"),
        ({"output_types": ["mean"], "summarise_variables": ["q"]}, KeyError, "'q' is neither a state nor an observable"),
        ({"output_types": ["stat"]}, ValueError, "unknown output 'stat'"),
        ({"save_variables": ["w"]}, KeyError, "'w' is neither a state nor an observable"),
        ({"saved_state_indices": [5]}, IndexError, r"saved_state_indices: index 5 is outside \[0, 3\)"),
        ({"saved_state_indices": [0.5]}, TypeError, "integer indices"),
        ({"save_every": "often"}, TypeError, "save_every: expected a number"),
        ({"save_initial": 1}, TypeError, "save_initial: expected True or False"),
        ({"time_logging_level": "loud"}, ValueError, "time_logging_level: unknown value 'loud'"),
        ({"cache": 3}, TypeError, "cache: expected True, False or a folder"),
        ({"cpu_threads": -1}, ValueError, "cpu_threads = -1"),
        ({"summarise_every": -1.0}, ValueError, "summarise_every = -1.0"),
    ],
)
def test_solver_rejects(lorenz64, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        qb.Solver(lorenz64, **kwargs)


def test_summary_windows_are_checked_against_the_solve(lorenz64):
    # Windows depend on the duration, which solve() may change: checked when solving.
    solver = qb.Solver(lorenz64, algorithm="rk4", dt=0.01, output_types=["mean"], summarise_every=0.5,
                       sample_summaries_every=0.3)
    with pytest.raises(ValueError, match="summarise_every = 0.5 is not a whole multiple of sample_summaries_every"):
        solver.solve({}, {"rho": [28.0]}, duration=1.0)
    solver = qb.Solver(lorenz64, algorithm="rk4", dt=0.01, output_types=["mean"], summarise_every=2.0)
    with pytest.raises(ValueError, match="summarise_every = 2 exceeds duration = 1"):
        solver.solve({}, {"rho": [28.0]}, duration=1.0)
    assert solver.solve({}, {"rho": [28.0]}, duration=4.0).summaries_array.shape == (2, 4, 1)


def test_solver_needs_a_system():
    with pytest.raises(TypeError, match="system must be an ODESystem"):
        qb.Solver("dx = -x")


def test_rejected_update_leaves_solver_usable(lorenz64):
    solver = qb.Solver(lorenz64, algorithm="rk4", dt=0.01)
    with pytest.raises(ValueError, match="atol"):
        solver.update(atol=-1, step_controller="pi")
    with pytest.raises(KeyError, match="unknown setting 'bogus'"):
        solver.update(bogus=1)
    assert solver.update({"bogus": 1}, silent=True) == set()
    r = solver.solve({}, {"rho": [28.0]}, duration=0.1)
    assert r.status_codes[0] == 0


# ---- solve() ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        (({"w": [1.0]}, {}), {}, KeyError, "initial_values: 'w' is not a state of this system; states are x, y, z"),
        (({}, {"sigma": [1.0]}), {}, KeyError, "'sigma' is not a parameter"),
        (({}, {"rho": "a lot"}), {}, TypeError, r"parameters\['rho'\]: expected numbers"),
        (({}, {"rho": [1 + 2j]}), {}, TypeError, "complex values are not supported"),
        (({}, {"rho": [True]}), {}, TypeError, "booleans"),
        (({}, {"rho": []}), {}, ValueError, r"parameters\['rho'\]: empty array"),
        (({}, {"rho": [[1.0, 2.0]]}), {}, ValueError, r"expected a number or a 1-D array, got shape \(1, 2\)"),
        (({}, {"rho": [1.0, np.nan]}), {}, ValueError, "rho"),
        (({"x": [1.0, 2.0]}, {"rho": [1.0, 2.0, 3.0]}), {}, ValueError, "rho|x"),
        ((np.ones((2, 4)), None), {}, ValueError, r"shape \(n_states=3, n_runs\); got shape \(2, 4\)"),
        ((np.ones(2), None), {}, ValueError, "one value per state"),
        ((np.ones((3, 4)), np.ones((1, 5))), {}, ValueError, "initial_values has 4 runs but parameters has 5"),
        ((np.ones((3, 0)), None), {}, ValueError, "no runs"),
        (({}, {"rho": [1.0]}), {"duration": 0.0}, ValueError, "duration = 0; it must be a finite number > 0"),
        (({}, {"rho": [1.0]}), {"duration": "long"}, TypeError, "duration: expected a number"),
        (({}, {"rho": [1.0]}), {"settling_time": -1.0}, ValueError, "settling_time = -1"),
        (({}, {"rho": [1.0]}), {"t0": math.inf}, ValueError, "t0 is inf"),
        (({}, {"rho": [1.0]}), {"save_every": 5.0}, ValueError, "save_every = 5 exceeds duration = 1"),
        (({}, {"rho": [1.0]}), {"grid_type": "cartesian"}, ValueError, "grid_type: unknown value 'cartesian'"),
        (({}, {"rho": [1.0]}), {"drivers": {"u": [1.0]}}, KeyError, "has no driver 'u'; its drivers are"),
        (({}, {"rho": [1.0]}), {"nan_error_trajectories": "yes"}, TypeError, "nan_error_trajectories"),
        (({}, {"rho": [1.0]}), {"blocksize": 0}, ValueError, "blocksize: expected a positive integer"),
        (({}, {"rho": [1.0]}), {"progress": "bar"}, TypeError, "progress: expected True, False or a callable"),
        (({}, {"rho": [1.0]}), {"bogus": 1}, KeyError, "unknown setting 'bogus'"),
    ],
)
def test_solve_rejects(lorenz_solver, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        lorenz_solver.solve(*args, **kwargs)
    # A rejected solve leaves the solver usable.
    assert lorenz_solver.solve({}, {"rho": [28.0]}, duration=0.01).status_codes[0] == 0


@pytest.mark.skipif(qb.cuda_available(), reason="checks the message where there is no GPU")
def test_on_device_without_a_gpu_says_why(lorenz_solver):
    with pytest.raises(ValueError, match="on_device=True needs a CUDA device"):
        lorenz_solver.solve({}, {"rho": [1.0]}, on_device=True)


# ---- create_ODE_system -------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs, exc, match",
    [
        (("dx = -x",), {"precision": "half"}, ValueError, "precision: unknown precision 'half'"),
        (("dx = -x",), {"states": "x"}, TypeError, "states must be a dict"),
        (("dx = -x",), {"states": {"x": "one"}}, TypeError, r"states\['x'\] = 'one' is not a number"),
        (("dx = -x",), {"states": ["x", "x"]}, ValueError, "'x' is listed twice"),
        (("dx = -k*x",), {"states": ["x"], "parameters": ["k"], "constants": ["k"]}, ValueError,
         "'k' is declared both as a parameter and as a constant"),
        (("dx = -x",), {"drivers": "u"}, TypeError, "drivers must be a list of names or a dict"),
        (("dx = -x",), {"user_functions": {"f": abs}}, NotImplementedError, "user_functions"),
        (("dx = -x",), {"strict": "yes"}, TypeError, "strict must be True or False"),
        (("dx = -x",), {"observables": "r"}, TypeError, "observables must be a list"),
        (("dx = -x",), {"name": ""}, TypeError, "name must be a non-empty string"),
        ((42,), {}, TypeError, "dxdt: expected equation text"),
        (("",), {}, ValueError, "dxdt holds no equations"),
        (("y = 2",), {}, ValueError, "no states"),
        (("dx = -k*x",), {"states": ["x"], "strict": True}, ValueError, "undeclared name 'k' \\(strict=True\\)"),
        (("dx = -x'''",), {"states": ["x"]}, ValueError, "three single quotes"),
    ],
)
def test_create_rejects(args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        qb.create_ODE_system(*args, **kwargs)


def test_model_errors_point_at_the_equation_line():
    with pytest.raises(qb.ModelError) as info:
        qb.create_ODE_system("dx = v\ndv = -x * (1 + ", states=["x", "v"])
    msg = str(info.value)
    assert "equation line 2" in msg and "dv = -x * (1 +" in msg
    assert isinstance(info.value, ValueError)


def test_load_model_missing_file():
    with pytest.raises(FileNotFoundError, match="no such file"):
        qb.load_model("/nonexistent/model.toml")
