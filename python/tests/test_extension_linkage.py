"""The extension must share the process's C++ runtime: numpy loads libstdc++.so.6, and a module
carrying its own static libstdc++ crashed on the first locale-dependent call (model parsing)
on a machine whose compiler found only libstdc++.a (H200 machine, 2026-12-04)."""
import shutil
import subprocess
import sys

import numpy as np
import pytest

import cubie as qb
from cubie import _core


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF dynamic sections are Linux-only")
@pytest.mark.skipif(shutil.which("readelf") is None, reason="readelf (binutils) is not installed")
def test_extension_links_the_shared_cpp_runtime():
    out = subprocess.run(["readelf", "-d", _core.__file__], capture_output=True, text=True, check=True).stdout
    needed = [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]
    assert any(n.startswith(("libstdc++.so", "libc++.so")) for n in needed), (
        f"{_core.__file__} needs {needed}: no shared C++ runtime, so it carries a static copy"
    )


def test_parsing_floats_after_numpy_is_loaded():
    # numpy (imported above) has libstdc++ loaded; parsing model text reads floats through
    # the C++ runtime's number parsing.
    system = qb.create_ODE_system(
        "dx = sigma * (y - x)\ndy = x * (rho - z) - y\ndz = x * y - beta * z\n",
        states={"x": 1.5, "y": 0.25, "z": 1e-3},
        parameters={"rho": 28.0, "sigma": 10.0, "beta": 8.0 / 3.0},
        name="linkage_probe",
    )
    assert np.isclose(system.parameters["beta"], 8.0 / 3.0)
    assert system.states["z"] == pytest.approx(1e-3)
