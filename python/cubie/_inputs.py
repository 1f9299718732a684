"""Solve inputs: dicts of named values, pre-built (n_variables, n_runs) arrays, and
arrays that live on a GPU (DLPack or ``__cuda_array_interface__``).

Every value becomes one float64 column (numpy casts each input once; a float64
contiguous input is not copied here), and the engine builds the grid from the columns.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from . import _core

Columns = List[Tuple[str, np.ndarray]]


def is_device_array(x: Any) -> bool:
    """True for arrays whose memory is on a GPU (CuPy, PyTorch CUDA tensors, Numba)."""
    if isinstance(x, np.ndarray):
        return False
    if hasattr(x, "__cuda_array_interface__"):
        return True
    dev = getattr(x, "__dlpack_device__", None)
    if dev is not None:
        try:
            kind, _ = dev()
        except Exception:  # noqa: BLE001 - a foreign object's protocol method
            return False
        return int(kind) in (2, 3, 13)  # kDLCUDA, kDLCUDAHost, kDLCUDAManaged
    return False


def device_to_host(x: Any, field: str) -> np.ndarray:
    """A host copy of a GPU array (the engine stages inputs from host memory)."""
    cai = getattr(x, "__cuda_array_interface__", None)
    if cai is None:
        # DLPack-only producers (PyTorch): ask them for a contiguous CUDA array interface
        # through their own API, which every DLPack producer with CUDA memory has.
        for attr in ("contiguous",):
            if hasattr(x, attr):
                x = getattr(x, attr)()
        cai = getattr(x, "__cuda_array_interface__", None)
    if cai is None:
        raise TypeError(
            f"{field}: a GPU array without __cuda_array_interface__; pass a CuPy array, a Numba device "
            "array or a PyTorch CUDA tensor"
        )
    shape = tuple(int(s) for s in cai["shape"])
    dtype = np.dtype(cai["typestr"])
    strides = cai.get("strides")
    if strides is not None and tuple(strides) != _c_strides(shape, dtype.itemsize):
        raise ValueError(f"{field}: the GPU array is not C-contiguous; make it contiguous first")
    host = np.empty(shape, dtype=dtype)
    ptr = int(cai["data"][0])
    if host.nbytes:
        _core.copy_device_to_host(ptr, host)
    return host


def _c_strides(shape, itemsize):
    strides, acc = [], itemsize
    for s in reversed(shape):
        strides.append(acc)
        acc *= s
    return tuple(reversed(strides))


def as_float_array(x: Any, field: str) -> np.ndarray:
    """float64 values of any real numeric input (cast once); clear errors otherwise."""
    if is_device_array(x):
        x = device_to_host(x, field)
    try:
        a = np.asarray(x)
    except Exception as e:  # noqa: BLE001
        raise TypeError(f"{field}: cannot read {type(x).__name__} as numbers ({e})") from None
    if a.dtype == object or a.dtype.kind in "USVMm":
        raise TypeError(f"{field}: expected numbers, got values of type {a.dtype}")
    if a.dtype.kind == "c":
        raise TypeError(f"{field}: complex values are not supported")
    if a.dtype.kind == "b":
        raise TypeError(f"{field}: expected numbers, got booleans")
    return np.ascontiguousarray(a, dtype=np.float64)


def named_columns(
    values: Any, names: Sequence[str], defaults: Mapping[str, float], field: str, what: str
) -> Tuple[Columns, Optional[int]]:
    """Columns from a dict (named) or a pre-built (n_names, n_runs) array.

    Returns the columns and, for an array, its run count (None for a dict)."""
    if values is None:
        return [], None
    if isinstance(values, Mapping):
        cols = []
        for k, v in values.items():
            if not isinstance(k, str):
                raise TypeError(f"{field}: names must be strings, got {k!r}")
            if k not in names:
                raise KeyError(
                    f"{field}: {k!r} is not a {what} of this system; {what}s are "
                    f"{', '.join(names) if names else '(none)'}"
                )
            a = as_float_array(v, f"{field}[{k!r}]")
            if a.ndim == 0:
                a = a.reshape(1)
            if a.ndim != 1:
                raise ValueError(f"{field}[{k!r}]: expected a number or a 1-D array, got shape {a.shape}")
            if a.size == 0:
                raise ValueError(f"{field}[{k!r}]: empty array; give at least one value")
            cols.append((k, a))
        return cols, None
    a = as_float_array(values, field)
    n = len(names)
    if a.ndim == 1:
        if a.size != n:
            raise ValueError(
                f"{field}: a 1-D array must hold one value per {what} ({n}: {', '.join(names)}); got {a.size}"
            )
        a = a.reshape(n, 1)
    if a.ndim != 2 or a.shape[0] != n:
        raise ValueError(
            f"{field}: expected a dict of {what} name -> values, or an array of shape (n_{what}s={n}, n_runs); "
            f"got shape {a.shape}"
        )
    if a.shape[1] == 0:
        raise ValueError(f"{field}: the array has no runs (shape {a.shape})")
    return [(names[i], a[i]) for i in range(n)], a.shape[1]
