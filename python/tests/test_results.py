"""SolveResult: legends, status decoding, NaN masking, conversions and result files."""

import json
import warnings

import numpy as np
import pytest

import cubie as qb


@pytest.fixture(scope="module")
def local_solver(lorenz64):
    # solve(**settings) changes the Solver (the design's behaviour): keep it local.
    return qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-10, rtol=1e-10)


@pytest.fixture(scope="module")
def sweep(local_solver):
    return local_solver.solve({"x": [1.0, 2.0]}, {"rho": [10.0, 20.0, 28.0]}, duration=0.5, save_every=0.25,
                               grid_type="combinatorial")


def test_legend_layout_and_inputs(sweep):
    assert sweep.time_domain_array.shape == (3, 4, 6)
    assert sweep.time_domain_legend == {0: "x", 1: "y", 2: "z", 3: "r2"}
    assert sweep.summaries_array.size == 0 and sweep.summaries_legend == {}
    inputs = sweep.inputs()
    # Combinatorial in C order: the last name (rho) varies fastest.
    np.testing.assert_array_equal(inputs["x"], [1, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(inputs["rho"], [10, 20, 28] * 2)
    np.testing.assert_array_equal(sweep.time_domain_array[0, 0, :], inputs["x"])
    assert sweep.state.shape == (3, 3, 6) and sweep.observables.shape == (3, 1, 6)
    assert np.all(sweep.steps_accepted > 0)
    np.testing.assert_array_equal(sweep.t_reached, 0.5)


def test_as_numpy_copies(sweep):
    d = sweep.as_numpy
    assert set(d) == {"time", "time_domain_array", "summaries_array", "time_domain_legend", "summaries_legend",
                      "iteration_counters"}
    assert not np.shares_memory(d["time_domain_array"], sweep.time_domain_array)
    np.testing.assert_array_equal(d["time_domain_array"], sweep.time_domain_array)
    assert "time_domain_array" in sweep.as_numpy_per_summary


def test_as_pandas(sweep):
    pytest.importorskip("pandas")
    frames = sweep.as_pandas
    td = frames["time_domain"]
    assert td.shape == (3, 6 * 4)
    assert td[("run_4", "z")].tolist() == sweep.time_domain_array[:, 2, 4].tolist()
    np.testing.assert_array_equal(td.index.values, sweep.time)


def test_as_xarray_has_named_dims_and_swept_coordinates(sweep):
    pytest.importorskip("xarray")
    ds = sweep.as_xarray()
    assert ds["time_domain"].dims == ("time", "variable", "run")
    np.testing.assert_array_equal(ds["rho"].values, [10, 20, 28, 10, 20, 28])
    sel = ds["time_domain"].sel(variable="r2").isel(time=-1)
    np.testing.assert_array_equal(sel.values, sweep.time_domain_array[-1, 3, :])
    assert "y" in ds.attrs and ds.attrs["y"] == 0.0  # a broadcast input is an attribute


def test_to_hdf5_writes_the_cubie_run_layout(sweep, tmp_path):
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "sweep.h5"
    sweep.to_hdf5(path)
    with h5py.File(path) as f:
        np.testing.assert_array_equal(f["time_domain"][...], sweep.time_domain_array)
        np.testing.assert_array_equal(f["time"][...], sweep.time)
        np.testing.assert_array_equal(f["status"][...], sweep.status_codes)
        assert [v.decode() if isinstance(v, bytes) else v for v in f.attrs["variables"]] == ["x", "y", "z", "r2"]
        assert f.attrs["complete"] == 1
        settings = json.loads(f.attrs["solver_settings"])
        assert settings["algorithm"] == "dormand_prince_54"
        assert "dx = sigma * (y - x)" in f.attrs["model"]
        params = f["inputs/parameters"][...]
        assert params.shape[-1] == 6
    assert not (tmp_path / "sweep.partial.h5").exists()


def test_failed_runs_are_flagged_and_nan_filled():
    blowup = qb.create_ODE_system("dx = x^2", states={"x": 1.0}, precision=np.float64, name="blowup")
    solver = qb.Solver(blowup, algorithm="dormand_prince_54", atol=1e-8, rtol=1e-8)
    x0 = np.array([0.1, 1.0])  # blows up at t = 1/x0: 10 (never here) and 1
    r = solver.solve({"x": x0}, duration=2.0, save_every=0.5)
    assert r.status_codes[0] == 0 and r.status_codes[1] != 0
    assert r.failed_runs == 1
    assert set(r.status_messages) == {1}
    assert "STEP_TOO_SMALL" in r.status_messages[1] or "NONFINITE_STATE" in r.status_messages[1]
    assert np.all(np.isnan(r.time_domain_array[:, 0, 1]))
    assert r.t_reached[0] == 2.0 and 0.99 < r.t_reached[1] < 1.01  # where the blow-up stopped it
    np.testing.assert_allclose(r.time_domain_array[:, 0, 0], 0.1 / (1 - 0.1 * r.time), rtol=1e-7)
    kept = solver.solve({"x": x0}, duration=2.0, save_every=0.5, nan_error_trajectories=False)
    assert kept.time_domain_array[0, 0, 1] == 1.0  # the initial value survives unmasked


def test_engine_warning_becomes_a_python_warning(decay64):
    with pytest.warns(UserWarning, match="needs an error estimate"):
        qb.Solver(decay64, algorithm="rk4", step_controller="pi")


def test_decode_status_codes():
    assert qb.decode_status_codes([0, 8, 8 | 512, 1024, 2048]) == {
        1: ["STEP_TOO_SMALL"], 2: ["STEP_TOO_SMALL", "NONFINITE_STATE"], 3: ["NOT_INTEGRATED"], 4: ["SINGULAR_MATRIX"]}


def test_output_selection(lorenz64):
    solver = qb.Solver(lorenz64, algorithm="rk4", dt=0.01, save_variables=["z", "r2"])
    r = solver.solve({}, {"rho": [28.0]}, duration=0.1)
    assert list(r.time_domain_legend.values()) == ["z", "r2"]
    only_states = qb.Solver(lorenz64, algorithm="rk4", dt=0.01, output_types=["state"])
    assert list(only_states.solve({}, {"rho": [28.0]}, duration=0.1).time_domain_legend.values()) == ["x", "y", "z"]
    by_index = qb.Solver(lorenz64, algorithm="rk4", dt=0.01, saved_state_indices=[2, 0], output_types=["state"])
    assert list(by_index.solve({}, {"rho": [28.0]}, duration=0.1).time_domain_legend.values()) == ["x", "z"]


def test_settling_and_t0(decay_solver):
    r = decay_solver.solve({"x": [1.0]}, {"k": [1.0]}, t0=2.0, settling_time=1.0, duration=1.0, save_every=0.5)
    np.testing.assert_allclose(r.time, [3.0, 3.5, 4.0])
    np.testing.assert_allclose(r.time_domain_array[:, 0, 0], np.exp(-(r.time - 2.0)), rtol=1e-9)


def test_build_grid_fast_path_matches_dict_path(lorenz_solver):
    inits, params = lorenz_solver.build_grid({"x": [1.0, 2.0]}, {"rho": [10.0, 28.0, 35.0]}, "combinatorial")
    assert inits.shape == (3, 6) and params.shape == (1, 6) and inits.dtype == np.float64
    fast = lorenz_solver.solve(inits, params, duration=0.2)
    slow = lorenz_solver.solve({"x": [1.0, 2.0]}, {"rho": [10.0, 28.0, 35.0]}, duration=0.2,
                               grid_type="combinatorial")
    np.testing.assert_array_equal(fast.time_domain_array, slow.time_domain_array)
    # Any real dtype is cast once: float32 and int inputs give the same runs.
    as32 = lorenz_solver.solve(inits.astype(np.float32), params.astype(np.float32), duration=0.2)
    np.testing.assert_array_equal(as32.time_domain_array, fast.time_domain_array)
    ints = lorenz_solver.solve({"x": np.array([1, 2])}, {"rho": np.array([10, 28, 35])}, duration=0.2,
                               grid_type="combinatorial")
    np.testing.assert_array_equal(ints.time_domain_array, fast.time_domain_array)


# ---- summary metrics ---------------------------------------------------------------


def test_summaries_match_numpy_on_the_saved_trajectory(lorenz64):
    """Every window's statistics against numpy on the trajectory saved at the sample times."""
    solver = qb.Solver(lorenz64, algorithm="dormand_prince_54", atol=1e-10, rtol=1e-10,
                       output_types=["state", "observables", "mean", "std", "max", "peaks[2]"],
                       summarise_variables=["x", "r2"],
                       save_every=0.01, summarise_every=0.25, sample_summaries_every=0.01)
    r = solver.solve({"x": [1.0, 2.0]}, {"rho": [10.0, 28.0]}, duration=1.0, grid_type="combinatorial")
    assert r.summaries_array.shape == (4, 2 * 5, 4)
    assert r.summaries_legend[0] == "x mean" and r.summaries_legend[9] == "r2 peaks_2"
    np.testing.assert_allclose(r.window_times, [0.25, 0.5, 0.75, 1.0], atol=1e-15)
    per = r.as_numpy_per_summary
    assert per["summary_legend"] == {0: "x", 1: "r2"}
    assert per["mean"].shape == (4, 2, 4)
    x = r.time_domain_array[:, 0, :]  # save 0 at t0 is the history value, samples 1..100
    r2 = r.time_domain_array[:, 3, :]  # the observable as saved
    for v, series in enumerate((x, r2)):
        for w in range(4):
            s = series[25 * w + 1: 25 * (w + 1) + 1]
            np.testing.assert_allclose(per["mean"][w, v], s.mean(axis=0), rtol=1e-12, atol=1e-12 * np.abs(s).max())
            np.testing.assert_allclose(per["std"][w, v], s.std(axis=0), rtol=1e-9, atol=1e-12 * np.abs(s).max())
            np.testing.assert_array_equal(per["max"][w, v], s.max(axis=0))


def test_summaries_alone_have_no_time_domain(lorenz32):
    solver = qb.Solver(lorenz32, algorithm="rk4", dt=1.0 / 1024, output_types=["max", "mean"],
                       summarise_variables=["x"], sample_summaries_every=1.0 / 1024)
    r = solver.solve({}, {"rho": np.linspace(0, 28, 100)}, duration=1.0)
    assert r.time_domain_array.shape[0] == 0 and r.n_saves == 0
    assert r.summaries_array.dtype == np.float32 and r.summaries_array.shape == (1, 2, 100)
    assert r.summaries_legend == {0: "x max", 1: "x mean"}
    assert np.all(r.summaries_array[0, 0] >= r.summaries_array[0, 1])
    assert r.active_outputs["state_summaries"] and not r.active_outputs["observable_summaries"]


def test_iteration_counters(lorenz64):
    # Per save: Newton and linear iterations (none for an explicit method), accepted and
    # rejected steps since the previous save, adding up to the per-run totals.
    solver = qb.Solver(lorenz64, algorithm="dormand_prince_54", output_types=["state", "iteration_counters"])
    r = solver.solve({"x": [1.0, 2.0]}, {"rho": [10.0, 28.0]}, duration=0.5, save_every=0.25)
    c = r.iteration_counters
    assert c.shape == (3, 4, 2) and c.dtype == np.uint32
    assert np.all(c[0] == 0)
    assert np.all(c[:, 0:2, :] == 0)
    np.testing.assert_array_equal(c[:, 2, :].sum(axis=0), r.steps_accepted)
    np.testing.assert_array_equal(c[:, 3, :].sum(axis=0), r.steps_rejected)
    assert np.all(c[1:, 2, :] > 0)
    d = r.as_numpy["iteration_counters"]
    assert not np.shares_memory(d, c)
    np.testing.assert_array_equal(d, c)
