"""algorithm="auto" in one kernel or two passes: the ``auto_passes`` setting (keyword,
algorithm_settings, model file), its precedence over CUBIE_AUTO_PASSES, its checks, and
the statistics that say which path ran (``auto_passes``, ``second_pass_runs``, as the C++
statistics and ``cubie run --json`` carry them)."""

import textwrap
import warnings

import numpy as np
import pytest

import cubie as qb
from conftest import requires_gpu

VDP = "dx = y\ndy = mu * (1 - x^2) * y - x\n"
MUS = np.logspace(-1, 3, 48)


@pytest.fixture(scope="module")
def vdp64():
    return qb.create_ODE_system(VDP, states={"x": 2.0, "y": 0.0}, parameters={"mu": 1.0}, name="vdp_auto",
                                precision=np.float64)


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv("CUBIE_AUTO_PASSES", raising=False)


def sweep(solver, duration=20.0):
    n = MUS.size
    return solver.solve({"x": np.full(n, 2.0), "y": np.zeros(n)}, {"mu": MUS}, duration=duration)


def test_statistics_say_which_path_ran_on_the_cpu(vdp64):
    r = sweep(qb.Solver(vdp64, algorithm="auto", backend="cpu", atol=1e-6, rtol=1e-6))
    assert r.failed_runs == 0
    # One kernel on the CPU by default; nothing handed to a second pass.
    assert r.statistics["auto_passes"] == 1
    assert r.statistics["second_pass_runs"] == 0
    # The one kernel ran both methods: the stiff end of the sweep switched, the mild end never did.
    assert r.stiff_switches[-1] > 0 and r.stiff_steps[-1] > 0 and 0 < r.t_first_stiff[-1] < 20
    assert r.stiff_switches[0] == 0 and r.stiff_steps[0] == 0 and np.isnan(r.t_first_stiff[0])
    other = sweep(qb.Solver(vdp64, algorithm="dormand_prince_54", backend="cpu", atol=1e-6, rtol=1e-6), 1.0)
    assert other.statistics["auto_passes"] == 0 and other.statistics["second_pass_runs"] == 0
    assert other.stiff_switches is None and other.t_first_stiff is None and other.stiff_steps is None
    # The kernel's resources are reported as on the GPU, 0 on the CPU.
    assert other.statistics["kernel_registers"] == 0 and other.statistics["staging_peak_bytes"] == 0


@pytest.mark.parametrize(
    "bad, error, message",
    [
        (3, ValueError, r"auto_passes = 3 is not allowed: use 1 \(one kernel\), 2 \(an explicit pass"),
        (0, ValueError, r"auto_passes = 0 is not allowed: use 1 .* or \"default\""),
        ("two", ValueError, r"auto_passes = 'two' is not allowed: use 1"),
        (1.5, ValueError, r"auto_passes: expected an integer, got 1.5"),
        (True, TypeError, r"auto_passes: expected an integer, got True"),
    ],
)
def test_bad_values_name_the_setting_and_what_is_allowed(vdp64, bad, error, message):
    with pytest.raises(error, match=message):
        qb.Solver(vdp64, algorithm="auto", backend="cpu", auto_passes=bad)
    with pytest.raises(error, match=message):
        qb.Solver(vdp64, algorithm="auto", backend="cpu", algorithm_settings={"auto_passes": bad})


def test_the_setting_wins_over_the_environment(vdp64, monkeypatch):
    # An unusable CUBIE_AUTO_PASSES is never read when the setting picks...
    monkeypatch.setenv("CUBIE_AUTO_PASSES", "3")
    r = sweep(qb.Solver(vdp64, algorithm="auto", backend="cpu", auto_passes=1), 1.0)
    assert r.statistics["auto_passes"] == 1
    # ...and is read (and refused, by name) when the setting leaves the choice to it.
    for default in ("default", None):
        s = qb.Solver(vdp64, algorithm="auto", backend="cpu", auto_passes=default)
        with pytest.raises(ValueError, match="CUBIE_AUTO_PASSES = '3'"):
            sweep(s, 1.0)


def test_two_passes_without_a_cpu_first_pass_warn(vdp64):
    # Model files build the first pass for the GPU only: asked for two passes on the CPU,
    # the Solver says so, and the statistics report the one kernel that ran.
    with pytest.warns(UserWarning, match="auto_passes = 2: system 'vdp_auto' has no first-pass entry point for the CPU"):
        s = qb.Solver(vdp64, algorithm="auto", backend="cpu", auto_passes=2)
    assert s.settings["auto_passes"] == 2
    assert sweep(s, 1.0).statistics["auto_passes"] == 1


def test_other_methods_report_it_not_applicable(vdp64):
    with pytest.warns(qb.NotApplicableWarning, match="auto_passes=2 configures algorithm='auto'"):
        s = qb.Solver(vdp64, algorithm="dormand_prince_54", backend="cpu", auto_passes=2)
    assert "auto_passes" in s.not_applicable
    with warnings.catch_warnings():
        warnings.simplefilter("error", qb.NotApplicableWarning)
        qb.Solver(vdp64, algorithm="auto", backend="cpu", auto_passes=1)


def test_the_model_file_key_reaches_the_solver(tmp_path):
    path = tmp_path / "vdp.toml"
    path.write_text(textwrap.dedent("""\
        equations = '''
        dx = y
        dy = mu * (1 - x^2) * y - x
        '''
        [states]
        x = 2.0
        y = 0.0
        [parameters]
        mu = 1.0
        [solver]
        algorithm = "auto"
        auto_passes = 1
        """))
    solver = qb.Solver(qb.load_model(path), backend="cpu")
    assert solver.settings["auto_passes"] == 1
    # A keyword overrides the file; "default" clears it (0, left out of the settings).
    assert qb.Solver(qb.load_model(path), backend="cpu", auto_passes="default").settings.get("auto_passes") is None
    path.write_text(path.read_text().replace("auto_passes = 1", "auto_passes = 4"))
    with pytest.raises(qb.ModelError, match=r"solver.auto_passes = 4 is not allowed"):
        qb.load_model(path)


@requires_gpu
def test_one_kernel_and_two_passes_on_the_gpu(vdp64, monkeypatch):
    # The environment asks for the other path each time: the setting must win.
    results = {}
    for passes, env in ((1, "2"), (2, "1")):
        monkeypatch.setenv("CUBIE_AUTO_PASSES", env)
        s = qb.Solver(vdp64, algorithm="auto", backend="cuda", atol=1e-6, rtol=1e-6, auto_passes=passes)
        results[passes] = sweep(s)
    one, two = results[1], results[2]
    assert one.statistics["auto_passes"] == 1 and one.statistics["second_pass_runs"] == 0
    assert two.statistics["auto_passes"] == 2
    # The stiff end of the sweep went on to the second pass, the mild end did not; the same
    # runs switched either way.
    assert 0 < two.statistics["second_pass_runs"] < MUS.size
    assert two.statistics["second_pass_runs"] >= np.count_nonzero(two.stiff_steps)
    np.testing.assert_array_equal(one.stiff_switches > 0, two.stiff_switches > 0)
    assert one.failed_runs == 0 and two.failed_runs == 0
    a, b = two.time_domain_array[-1], one.time_domain_array[-1]
    np.testing.assert_array_less(np.abs(a - b), 100 * (1e-6 + 1e-6 * np.abs(b)))
