"""Reads a file written by `cubie run` with h5py (and xarray, when installed): the
layout a Python user relies on. Usage: read_result_h5py.py CUBIE MODEL.toml SCRATCH_DIR.
Exits 77 (skipped) when h5py is not installed."""
import os
import subprocess
import sys

try:
    import h5py
    import numpy as np
except ImportError:
    print("h5py is not installed: skipped")
    sys.exit(77)

cubie, model, scratch = sys.argv[1:4]
os.makedirs(scratch, exist_ok=True)
out = os.path.join(scratch, "lorenz.h5")
subprocess.run([cubie, "run", model, "--backend", "cpu", "--quiet", "--force", "--out", out], check=True)

with h5py.File(out, "r") as f:
    assert f.attrs["complete"] == 1
    variables = [str(v) for v in f.attrs["variables"]]
    assert variables == ["x", "y", "z", "r2"], variables
    x = f["time_domain"]
    assert x.shape == (101, 4, 2000), x.shape
    assert x.dtype == np.float32
    assert [d.label or list(d.keys())[0] for d in x.dims] == ["time", "variable", "run"], [d.keys() for d in x.dims]
    assert list(f["variable"].asstr()[:]) == variables
    t = f["time"][:]
    assert t[0] == 0.0 and abs(t[-1] - 1.0) < 1e-12
    status = f["status"][:]
    assert status.dtype == np.uint32 and (status == 0).all()
    rho = f["inputs/parameters"][0]
    assert rho[0] == 0.0 and rho[-1] == 21.0
    # r2 is x^2 + y^2 + z^2 at every save of every run (float32 rounding aside).
    r2 = x[:, 0, :] ** 2 + x[:, 1, :] ** 2 + x[:, 2, :] ** 2
    assert np.allclose(r2, x[:, 3, :], rtol=1e-5), "r2 does not match the states"
    assert "lorenz" in f.attrs["model"]

try:
    import xarray as xr
    ds = xr.open_dataset(out, engine="h5netcdf")
    assert ds["time_domain"].dims == ("time", "variable", "run"), ds["time_domain"].dims
    assert ds["time_domain"].sel(variable="x").shape == (101, 2000)
    print("xarray: named dimensions ok")
except ImportError:
    print("xarray/h5netcdf not installed: named dimensions checked with h5py only")

print("h5py read-back ok")
