"""cubie: batch integration of ODE initial-value problems on GPUs and CPUs.

    import cubie as qb
    lorenz = qb.create_ODE_system('''
        dx = sigma * (y - x)
        dy = x * (rho - z) - y
        dz = x * y - beta * z
        ''', states={"x": 1.0, "y": 0.0, "z": 0.0}, parameters={"rho": 28.0},
        constants={"sigma": 10.0, "beta": 8 / 3})
    result = qb.solve_ivp(lorenz, {"x": [1.0]}, {"rho": np.linspace(0, 50, 10_000)},
                          method="dormand_prince_54", duration=10.0, save_every=0.1)
    result.time_domain_array      # (n_saves, n_variables, n_runs), no copy

The interface follows the CuBIE design (create_ODE_system, Solver, solve_ivp,
SolveResult); the engine is cubie's C++/CUDA core, with models compiled at run time.
"""

from pathlib import Path as _Path

from . import _core

# A wheel carries the headers that run-time model compilation needs beside this file;
# point the engine at them ($CUBIE_INCLUDE_DIR, when set, still wins). A build-tree
# package has none here and uses the source tree's.
_headers = _Path(__file__).resolve().parent / "include"
if (_headers / "cubie" / "integrate" / "system.hpp").is_file():
    _core.set_include_dir(str(_headers))

from ._core import CubieError, DeviceError, InternalError, ModelError, OutOfMemoryError  # noqa: E402
from ._equations import InferredParameterWarning  # noqa: E402
from .cellml import load_cellml_model  # noqa: E402
from .result import (  # noqa: E402
    CUBIE_RESULT_CODES,
    DeviceArray,
    DeviceSolveResult,
    SolveResult,
    decode_status_codes,
)
from .solver import NotApplicableWarning, Solver, SolveFailedError, solve_ivp  # noqa: E402
from .system import ODESystem, SymbolicODE, create_ODE_system, load_model  # noqa: E402

import numpy as _np  # noqa: E402

__version__ = _core.__version__


def cuda_available() -> bool:
    """True when solves can run on a GPU here (CUDA backend built and a device usable)."""
    return _core.cuda_device_available()


def devices():
    """The GPUs this process can use, as dicts (empty without CUDA or a GPU)."""
    return _core.list_gpus()


def release_cached_memory() -> None:
    """Gives back the device and pinned host memory kept for reuse across solves, and the
    storage of dropped results kept for the next solve (see :func:`result_pool_info`)."""
    _core.release_result_pool()
    _core.release_cached_memory()


def result_pool_info() -> dict:
    """The pool of dropped results' storage: ``cached_bytes`` kept now and ``max_bytes``
    its bound, solves served from it (``hits``) or with fresh storage (``misses``), dropped
    results kept (``returned``) or freed (``dropped``), and the same for grid columns.

    A result enters the pool only when Python drops it and no array views it any more, so
    results (and arrays) you hold are never reused; a loop that solves and drops its
    results writes into warm pages instead of fresh ones."""
    return dict(_core.result_pool_stats())


def set_result_pool_bytes(max_bytes: int) -> None:
    """Bounds the storage of dropped results kept for reuse (0 keeps none). The default
    is the environment variable CUBIE_RESULT_POOL_BYTES (e.g. ``4G``), else 2 GiB but at
    most a quarter of the machine's memory."""
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, _np.integer)) or max_bytes < 0:
        raise ValueError(f"set_result_pool_bytes: max_bytes must be a whole number of bytes >= 0, got {max_bytes!r}")
    _core.set_result_pool_bytes(int(max_bytes))


def release_result_pool() -> None:
    """Frees the storage of dropped results kept for reuse."""
    _core.release_result_pool()


def method_names():
    """Every integration method's canonical name."""
    return list(_core.method_names())


__all__ = [
    "CUBIE_RESULT_CODES",
    "CubieError",
    "DeviceArray",
    "DeviceError",
    "DeviceSolveResult",
    "InferredParameterWarning",
    "InternalError",
    "ModelError",
    "NotApplicableWarning",
    "ODESystem",
    "OutOfMemoryError",
    "SolveFailedError",
    "SolveResult",
    "Solver",
    "SymbolicODE",
    "create_ODE_system",
    "cuda_available",
    "decode_status_codes",
    "devices",
    "load_cellml_model",
    "load_model",
    "method_names",
    "release_cached_memory",
    "release_result_pool",
    "result_pool_info",
    "set_result_pool_bytes",
    "solve_ivp",
]
