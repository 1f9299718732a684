"""Summary metrics from `cubie run`, checked with numpy against the trajectory saved at the
same times in the same file, read with h5py (and xarray when installed): every metric,
several windows, the HDF5 layout (dataset, dimension scales, attributes); a summaries-only
run (no time domain) and the CSV files.
Usage: summaries_numpy_check.py CUBIE EXAMPLES_DIR SCRATCH_DIR. Exits 77 without h5py."""
import csv
import os
import subprocess
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    print("h5py is not installed: skipped")
    sys.exit(77)

cubie, examples, scratch = sys.argv[1:4]
BACKEND = os.environ.get("CUBIE_TEST_BACKEND", "cpu")  # the GPU session runs it with cuda
os.makedirs(scratch, exist_ok=True)

METRICS = ["mean", "std", "rms", "max", "min", "max_magnitude", "peaks[3]", "negative_peaks[2]", "dxdt_max",
           "dxdt_min", "d2xdt2_max", "d2xdt2_min"]
DT, M, WINDOWS = 0.01, 25, 4  # samples every 0.01, 25 per window of 0.25, over duration 1


def run(model, out, *sets):
    args = [cubie, "run", model, "--backend", BACKEND, "--quiet", "--force", "--out", out]  # --force: reruns replace
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True)


def reference(x, t, n_peaks, n_negative):
    """numpy's statistics of one series x[0..N] (x[0]: the span's start, history only)."""
    out = {}
    d1 = np.diff(x)            # d1[j-1] = x[j] - x[j-1]
    d2 = np.diff(x, n=2)       # d2[j-2] = (x[j] - x[j-1]) - (x[j-1] - x[j-2])
    for w in range(WINDOWS):
        j = np.arange(w * M + 1, (w + 1) * M + 1)
        s = x[j]
        r = {"mean": s.mean(), "std": s.std(), "rms": np.sqrt(np.mean(s * s)), "max": s.max(), "min": s.min(),
             "max_magnitude": np.abs(s).max(), "dxdt_max": d1[j - 1].max() / DT, "dxdt_min": d1[j - 1].min() / DT}
        j2 = j[j >= 2]
        r["d2xdt2_max"] = d2[j2 - 2].max() / DT**2 if j2.size else np.nan
        r["d2xdt2_min"] = d2[j2 - 2].min() / DT**2 if j2.size else np.nan
        # A peak at sample p is confirmed by sample p + 1, and counted in that sample's window.
        peaks = [t[k - 1] for k in j2 if x[k - 2] < x[k - 1] > x[k]][:n_peaks]
        troughs = [t[k - 1] for k in j2 if x[k - 2] > x[k - 1] < x[k]][:n_negative]
        for i in range(n_peaks):
            r["peaks_%d" % (i + 1)] = peaks[i] if i < len(peaks) else np.nan
        for i in range(n_negative):
            key = "negative_peaks_%d" % (i + 1) if n_negative > 1 else "negative_peaks"
            r[key] = troughs[i] if i < len(troughs) else np.nan
        out[w] = r
    return out


# ---- every metric against numpy, float64 ---------------------------------------------------
h5 = os.path.join(scratch, "lorenz_summaries.h5")
types = '["state", "observables", ' + ", ".join('"%s"' % m for m in METRICS) + "]"
run(os.path.join(examples, "lorenz.toml"), h5, "precision=float64", "solver.output_types=" + types,
    "solver.summarise_every=0.25", "solver.sample_summaries_every=0.01", "solver.atol=1e-10", "solver.rtol=1e-10")
with h5py.File(h5, "r") as f:
    td = f["time_domain"][:]
    t = f["time"][:]
    s = f["summaries"]
    assert [list(d.keys())[0] for d in s.dims] == ["window", "summary", "run"], [list(d.keys()) for d in s.dims]
    variables = [str(v) for v in s.attrs["summarised_variables"]]
    values = [str(v) for v in s.attrs["summary_values"]]
    legend = list(f["summary"].asstr()[:])
    assert variables == ["x", "y", "z", "r2"], variables
    assert legend == ["%s %s" % (v, k) for v in variables for k in values], legend[:6]
    assert values[6:9] == ["peaks_1", "peaks_2", "peaks_3"] and values[9:11] == ["negative_peaks_1", "negative_peaks_2"]
    windows = f["window"][:]
    assert np.allclose(windows, [0.25, 0.5, 0.75, 1.0], atol=1e-15), windows
    summaries = s[:]
    assert summaries.shape == (WINDOWS, 4 * len(values), td.shape[2]), summaries.shape
    assert np.allclose(t[:101], np.arange(101) * DT, atol=1e-15)
    # The design's per-metric split: (window, variable, value, run).
    per = summaries.reshape(WINDOWS, len(variables), len(values), -1)
    checked = 0
    for v in range(len(variables)):
        for run_index in range(0, td.shape[2], 97):
            ref = reference(td[:, v, run_index], t, 3, 2)
            for w in range(WINDOWS):
                for k, name in enumerate(values):
                    got, want = per[w, v, k, run_index], ref[w][name]
                    scale = np.abs(td[:, v, run_index]).max() + 1e-300
                    tol = 1e-12 * scale / (DT**2 if name.startswith("d2") else DT if name.startswith("dxdt") else 1)
                    if np.isnan(want):
                        assert np.isnan(got), (variables[v], name, w, run_index, got)
                    else:
                        assert abs(got - want) <= tol, (variables[v], name, w, run_index, got, want)
                    checked += 1
    print("numpy reference: %d summaries agree" % checked)

try:
    import xarray as xr
    ds = xr.open_dataset(h5, engine="h5netcdf")
    assert ds["summaries"].dims == ("window", "summary", "run"), ds["summaries"].dims
    assert ds["summaries"].sel(summary="x mean").shape == (WINDOWS, td.shape[2])
    print("xarray: named dimensions ok")
except ImportError:
    print("xarray/h5netcdf not installed: named dimensions checked with h5py only")

# ---- summaries alone: no time domain --------------------------------------------------------
sir = os.path.join(scratch, "sir.h5")
run(os.path.join(examples, "sir_peaks.toml"), sir, "sweep.beta={ linspace = [0.05, 0.6, 20] }",
    "sweep.gamma={ linspace = [0.05, 0.2, 10] }")
with h5py.File(sir, "r") as f:
    assert "time_domain" not in f and "time" not in f, list(f.keys())
    legend = list(f["summary"].asstr()[:])
    assert legend == ["i max", "i peaks", "recovered max", "recovered peaks"], legend
    s = f["summaries"][:]
    assert s.shape == (1, 4, 200), s.shape
    beta, gamma = f["inputs/parameters"][0], f["inputs/parameters"][1]
    r0 = beta / gamma
    peak_day = s[0, 1]
    epidemic = r0 > 1.5
    assert np.all((peak_day[epidemic] > 0) & (peak_day[epidemic] < 365)), peak_day[epidemic]
    assert np.all(np.isnan(peak_day[r0 < 1])), "no epidemic, no interior peak"
    assert np.all(np.isnan(s[0, 3])), "recovered only grows: no peak"
    # Where the epidemic is over within the year (growth rate beta - gamma above 0.1 a day),
    # the final size z = max(recovered) solves z = 1 - s0 exp(-R0 z) (Kermack-McKendrick).
    over = (beta - gamma) > 0.1
    z = s[0, 2][over]
    resid = z - (1 - 0.999 * np.exp(-r0[over] * z))
    assert over.sum() > 20 and np.all(np.abs(resid) < 1e-4), np.abs(resid).max()  # i(365) is not quite 0
print("summaries-only file ok")

# ---- CSV: the time domain and the summaries side by side ------------------------------------
out_csv = os.path.join(scratch, "lorenz.csv")
run(os.path.join(examples, "lorenz.toml"), out_csv, 'solver.output_types=["state", "max", "peaks[2]"]',
    'solver.summarise_variables=["x"]', "sweep.rho=[10.0, 28.0]", "sweep.x=[1.0]")
with open(os.path.join(scratch, "lorenz_summaries.csv")) as fh:
    rows = list(csv.reader(fh))
assert rows[0] == ["run", "status", "t_reached", "dt_last", "rho", "x_0", "y_0", "z_0", "window", "t_window", "x max", "x peaks_1", "x peaks_2"], rows[0]
assert len(rows) == 3, len(rows)
print("CSV ok")
