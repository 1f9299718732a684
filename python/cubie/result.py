"""Solve results: numpy arrays over the engine's own result memory, the design's
legends and status decoding, and conversions (pandas, xarray, HDF5).

``time_domain_array`` is not a copy: it views the buffer the engine wrote, and the array
keeps that buffer alive after the SolveResult and the Solver are gone.
"""

from __future__ import annotations

import os
from enum import IntFlag
from typing import Any, Dict, List, Optional

import numpy as np

from . import _core


class CUBIE_RESULT_CODES(IntFlag):
    """Per-run status bits, OR'd together; 0 is success. Values below 512 are the
    design's (and mean the same); 512, 1024, 2048 and 4096 are cubie's."""

    SUCCESS = 0
    MAX_NEWTON_ITERATIONS_EXCEEDED = 2
    MAX_LINEAR_ITERATIONS_EXCEEDED = 4
    STEP_TOO_SMALL = 8
    DT_EFF_EFFECTIVELY_ZERO = 16
    MAX_LOOP_ITERS_EXCEEDED = 32
    STAGNATION = 64
    BICGSTAB_BREAKDOWN = 128
    NEWTON_DIVERGENCE = 256
    NONFINITE_STATE = 512
    NOT_INTEGRATED = 1024
    SINGULAR_MATRIX = 2048  # an implicit method's iteration matrix was singular or not finite
    # Beside a failure flag: an explicit method's steps were held by its stability limit
    # (the problem is stiff there; use a Rosenbrock method such as "rodas5p").
    STABILITY_LIMITED = 4096


def decode_status_codes(status_codes) -> Dict[int, List[str]]:
    """{run: [flag names]} for every run whose status is not 0."""
    if status_codes is None:
        return {}
    codes = np.asarray(status_codes)
    flags = [f for f in CUBIE_RESULT_CODES if f.value != 0]
    out = {}
    for run in np.flatnonzero(codes):
        c = int(codes[run])
        names = [f.name for f in flags if c & f.value == f.value]
        unknown = c & ~sum(f.value for f in flags)
        if unknown:
            names.append(f"UNKNOWN_{unknown}")
        out[int(run)] = names
    return out


class SolveResult:
    """One solve's results.

    Attributes (the design's)
    -------------------------
    time_domain_array : ndarray, (n_saves, n_variables, n_runs)
        Saved states, then saved observables, in the system's precision. A view of the
        engine's result buffer (no copy).
    time_domain_legend : dict[int, str]
        Variable index -> name.
    time : ndarray, (n_saves,)
        Save times.
    status_codes : ndarray of int32, (n_runs,)
        Status bits per run (0 = success); see :class:`CUBIE_RESULT_CODES`.
    status_messages : dict[int, list[str]]
        Decoded flags of the runs that failed.
    summaries_array : ndarray, (n_windows, n_summaries, n_runs)
        Summary metrics per window, rows variable-major ("x mean", "x max", "y mean", ...);
        a view of the engine's buffer. Shape (0, 0, n_runs) when none were asked for.
    summaries_legend : dict[int, str]
        Row index -> "<variable> <metric>" ("x mean", "x peaks_1").
    window_times : ndarray, (n_windows,)
        The time of each summary window's last sample.
    iteration_counters : ndarray of uint32, (n_saves, 4, n_runs) or None
        Per save: Newton iterations, linear iterations, accepted steps and rejected steps
        since the previous save (``[:, 0, :]`` .. ``[:, 3, :]``); None unless output_types
        lists ``"iteration_counters"``.
    """

    def __init__(self, core_result: "_core.Result", system, solver_info: Dict[str, Any]):
        self._r = core_result
        self._system = system
        self._info = solver_info
        self.time_domain_array: np.ndarray = core_result.time_domain
        self.status_codes: np.ndarray = core_result.status
        self.time: np.ndarray = core_result.times
        self.time_domain_legend: Dict[int, str] = {i: v for i, v in enumerate(core_result.variables)}
        self.summaries_array: np.ndarray = core_result.summaries
        self.summaries_legend: Dict[int, str] = {i: v for i, v in enumerate(core_result.summary_legend)}
        self.window_times: np.ndarray = core_result.window_times
        self.iteration_counters: Optional[np.ndarray] = core_result.iteration_counters
        self.solve_settings: Dict[str, Any] = dict(solver_info)

    # ---- ours ----------------------------------------------------------------------
    @property
    def steps_accepted(self) -> Optional[np.ndarray]:
        """Accepted steps per run (uint32), or None when counters were not kept."""
        return self._r.steps_accepted

    @property
    def steps_rejected(self) -> Optional[np.ndarray]:
        """Rejected steps per run (uint32), or None when counters were not kept."""
        return self._r.steps_rejected

    @property
    def t_reached(self) -> Optional[np.ndarray]:
        """The time each run reached: the end time when it succeeded, where it stopped when
        it failed, NaN when it was never integrated (None without counters)."""
        return self._r.t_reached

    @property
    def dt_last(self) -> Optional[np.ndarray]:
        """The step size each run's controller held when it ended (None without counters)."""
        return self._r.dt_last

    # ---- events ------------------------------------------------------------------------
    @property
    def event_names(self) -> List[str]:
        """The system's events, in order: what ``event_ids`` index."""
        return list(self._r.event_names)

    @property
    def event_count(self) -> Optional[np.ndarray]:
        """Events that happened in each run, logged or not (uint32, (n_runs,)); None
        without events."""
        return self._r.event_count

    @property
    def event_times(self) -> Optional[np.ndarray]:
        """Time of each logged event, (max_events, n_runs), in order; NaN past event_count."""
        return self._r.event_times

    @property
    def event_ids(self) -> Optional[np.ndarray]:
        """Which event each logged one is (index into event_names); 4294967295 past
        event_count."""
        return self._r.event_ids

    @property
    def event_states(self) -> Optional[np.ndarray]:
        """The state at each logged event (before a reset), (max_events, n_states, n_runs)."""
        return self._r.event_states

    @property
    def event_terminated(self) -> Optional[np.ndarray]:
        """Where a terminating event ended each run (NaN where none did), or None."""
        return self._r.event_terminated

    # ---- algorithm="auto" -------------------------------------------------------------
    @property
    def stiff_switches(self) -> Optional[np.ndarray]:
        """Switches between the explicit and the stiff method per run (uint32, (n_runs,));
        None unless the algorithm is "auto"."""
        return self._r.stiff_switches

    @property
    def t_first_stiff(self) -> Optional[np.ndarray]:
        """When each run first switched to the stiff method (NaN if it never did); None
        unless the algorithm is "auto"."""
        return self._r.t_first_stiff

    @property
    def stiff_steps(self) -> Optional[np.ndarray]:
        """Accepted steps of the stiff method per run (uint32; the rest of steps_accepted
        were the explicit method's); None unless the algorithm is "auto"."""
        return self._r.stiff_steps

    @property
    def statistics(self) -> Dict[str, Any]:
        """What the solve cost: chunks, bytes moved, device memory, per-phase times (ms),
        the GPU kernel's resources, and for ``algorithm="auto"`` ``auto_passes`` (1: one
        kernel, 2: two passes; 0 for other methods) and ``second_pass_runs``."""
        return self._r.statistics

    @property
    def variables(self) -> List[str]:
        return list(self._r.variables)

    @property
    def n_runs(self) -> int:
        return self._r.n_runs

    @property
    def n_saves(self) -> int:
        return self._r.n_saves

    @property
    def finished_runs(self) -> int:
        """Runs [0, finished_runs) are final; after an interrupt the rest have status 1024."""
        return self._r.committed_runs

    @property
    def backend(self) -> str:
        return self._r.backend

    @property
    def failed_runs(self) -> int:
        return int(np.count_nonzero(self.status_codes))

    @property
    def status_messages(self) -> Dict[int, List[str]]:
        return decode_status_codes(self.status_codes)

    def failure_summary(self) -> str:
        """The failed runs in words: counts per status flag and, when an explicit method
        failed at its stability limit (flag 4096), that the problem is stiff and which
        method to use instead. '' when every run succeeded."""
        return self._r.failure_summary(str(self._info.get("algorithm", "")))

    @property
    def active_outputs(self) -> Dict[str, bool]:
        n_states = self._r.n_saved_states
        n_vars = len(self._r.variables)
        return {
            "state": n_states > 0,
            "observables": n_vars > n_states,
            "time": True,
            "iteration_counters": self.iteration_counters is not None,
            "state_summaries": bool(set(self._r.summarised_variables) & set(self._system.states)),
            "observable_summaries": bool(set(self._r.summarised_variables) - set(self._system.states)),
            "status_codes": True,
        }

    @property
    def state(self) -> np.ndarray:
        """The saved states (a view)."""
        return self.time_domain_array[:, : self._r.n_saved_states, :]

    @property
    def observables(self) -> np.ndarray:
        """The saved observables (a view)."""
        return self.time_domain_array[:, self._r.n_saved_states :, :]

    def inputs(self) -> Dict[str, np.ndarray]:
        """Every run's initial values and parameters: name -> (n_runs,) array."""
        grid = self._r.grid
        out = {}
        for i, name in enumerate(grid.names):
            col = grid.column(i)
            out[name] = np.broadcast_to(col, (grid.n_runs,)) if col.size == 1 else col
        return out

    # ---- the design's conversions --------------------------------------------------
    @property
    def as_numpy(self) -> Dict[str, Any]:
        """Copies of the arrays and legends (the design's keys)."""
        return {
            "time": np.array(self.time, copy=True),
            "time_domain_array": np.array(self.time_domain_array, copy=True),
            "summaries_array": np.array(self.summaries_array, copy=True),
            "time_domain_legend": dict(self.time_domain_legend),
            "summaries_legend": dict(self.summaries_legend),
            "iteration_counters": None if self.iteration_counters is None else np.array(self.iteration_counters, copy=True),
        }

    @property
    def per_summary_arrays(self) -> Dict[str, Any]:
        """Summaries split by metric: {"mean": (n_windows, n_variables, n_runs), ...}
        (copies), plus "summary_legend": {variable index: name}. Empty without summaries."""
        values = list(self._r.summary_outputs)
        if not values:
            return {}
        variables = list(self._r.summarised_variables)
        s = self.summaries_array
        split = s.reshape(s.shape[0], len(variables), len(values), s.shape[2])
        out: Dict[str, Any] = {v: np.array(split[:, :, k, :], copy=True) for k, v in enumerate(values)}
        out["summary_legend"] = {i: v for i, v in enumerate(variables)}
        return out

    @property
    def as_numpy_per_summary(self) -> Dict[str, Any]:
        """As :attr:`as_numpy`, with one array per summary metric instead of one array."""
        out = {
            "time": np.array(self.time, copy=True),
            "time_domain_array": np.array(self.time_domain_array, copy=True),
            "time_domain_legend": dict(self.time_domain_legend),
            "iteration_counters": None if self.iteration_counters is None else np.array(self.iteration_counters, copy=True),
        }
        out.update(self.per_summary_arrays)
        return out

    @property
    def as_pandas(self) -> Dict[str, Any]:
        """{'time_domain': DataFrame, 'summaries': DataFrame}: the design's layout, one
        column block per run (MultiIndex (run_i, variable)), indexed by time."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("as_pandas needs pandas: pip install pandas") from None
        td = self.time_domain_array
        n_saves, n_vars, n_runs = td.shape
        names = [self.time_domain_legend[i] for i in range(n_vars)]
        # (n_saves, n_runs, n_vars) flattened: each run's variables side by side.
        block = np.ascontiguousarray(np.transpose(td, (0, 2, 1))).reshape(n_saves, n_runs * n_vars)
        columns = pd.MultiIndex.from_product([[f"run_{r}" for r in range(n_runs)], names])
        frame = pd.DataFrame(block, columns=columns, index=pd.Index(np.array(self.time), name="time"))
        summaries = pd.DataFrame()
        if self.summaries_legend:
            sa = self.summaries_array
            n_windows, n_rows, _ = sa.shape
            labels = [self.summaries_legend[i] for i in range(n_rows)]
            block = np.ascontiguousarray(np.transpose(sa, (0, 2, 1))).reshape(n_windows, n_runs * n_rows)
            summaries = pd.DataFrame(
                block,
                columns=pd.MultiIndex.from_product([[f"run_{r}" for r in range(n_runs)], labels]),
                index=pd.Index(np.array(self.window_times), name="window_end"),
            )
        return {"time_domain": frame, "summaries": summaries}

    def as_xarray(self):
        """An ``xarray.Dataset``: time_domain (time, variable, run) with coordinates for
        the times, the variable names and every input that varies across the runs
        (coordinates along ``run``), plus status and step counts per run."""
        try:
            import xarray as xr
        except ImportError:
            raise ImportError("as_xarray needs xarray: pip install xarray") from None
        coords: Dict[str, Any] = {
            "time": np.array(self.time),
            "variable": list(self.time_domain_legend.values()),
            "run": np.arange(self.n_runs),
        }
        for name, values in self.inputs().items():
            if values.strides == (0,):
                continue  # a broadcast value: an attribute, not a coordinate
            coords[name] = ("run", np.asarray(values))
        data = {
            "time_domain": (("time", "variable", "run"), self.time_domain_array),
            "status": (("run",), self.status_codes),
        }
        if self.summaries_legend:
            coords["window"] = np.array(self.window_times)
            coords["summary"] = list(self.summaries_legend.values())
            data["summaries"] = (("window", "summary", "run"), self.summaries_array)
        if self.steps_accepted is not None:
            data["steps_accepted"] = (("run",), self.steps_accepted)
            data["steps_rejected"] = (("run",), self.steps_rejected)
            data["t_reached"] = (("run",), self.t_reached)
        attrs = {"model": self._system.name, "backend": self.backend, "solver_settings": self._r.settings_json}
        for name, values in self.inputs().items():
            if values.strides == (0,):
                attrs[name] = float(values[0])
        return xr.Dataset(data, coords=coords, attrs=attrs)

    def to_hdf5(self, path, compression_level: int = 0) -> None:
        """Writes the file ``cubie run --out FILE.h5`` writes: datasets time_domain,
        time, status, steps_accepted/rejected, inputs/..., with the model text and the
        settings as attributes."""
        self._r.write_hdf5(os.fspath(path), compression_level)

    def __repr__(self) -> str:
        summaries = (
            f", {self.summaries_array.shape[0]} windows x {len(self.summaries_legend)} summaries"
            if self.summaries_legend
            else ""
        )
        return (
            f"SolveResult({self.n_runs} runs x {self.n_saves} saves x {len(self.time_domain_legend)} variables"
            f"{summaries}, "
            f"{self.time_domain_array.dtype}, backend={self.backend}, failed={self.failed_runs})"
        )


class DeviceArray:
    """An array in GPU memory owned by cubie: hand it to CuPy (``cupy.asarray``,
    ``cupy.from_dlpack``) or PyTorch (``torch.from_dlpack``) without a copy."""

    def __init__(self, host: np.ndarray, device_id: int = 0):
        self._a, self._ptr = _core.to_device(np.ascontiguousarray(host), device_id)
        self.shape = tuple(host.shape)
        self.dtype = host.dtype
        self.device_id = device_id

    def __dlpack__(self, *args, **kwargs):
        return self._a.__dlpack__(*args, **kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()

    @property
    def __cuda_array_interface__(self):
        return {
            "shape": self.shape,
            "typestr": self.dtype.str,
            "data": (int(self._ptr), False),
            "version": 3,
            "strides": None,
        }

    def copy_to_host(self) -> np.ndarray:
        host = np.empty(self.shape, dtype=self.dtype)
        if host.nbytes:
            _core.copy_device_to_host(int(self._ptr), host)
        return host

    def __repr__(self) -> str:
        return f"DeviceArray(shape={self.shape}, dtype={self.dtype})"


class DeviceSolveResult:
    """A solve's outputs in GPU memory (``solve(on_device=True)``): ``state``,
    ``observables``, ``status_codes`` as :class:`DeviceArray` objects (DLPack and
    ``__cuda_array_interface__``), plus the host-side legend and times.

    The engine's pipeline copies results to pinned host memory as chunks finish, so
    these arrays are that result copied back to the GPU once (``bytes_to_device`` in
    ``statistics`` counts it); they stay valid for as long as you hold them.
    """

    def __init__(self, host: SolveResult, device_id: int = 0):
        self._host = host
        td = host.time_domain_array
        n_states = host._r.n_saved_states
        self.state = DeviceArray(td[:, :n_states, :], device_id)
        self.observables = DeviceArray(td[:, n_states:, :], device_id) if td.shape[1] > n_states else None
        self.status_codes = DeviceArray(host.status_codes, device_id)
        self.state_summaries = None
        self.observable_summaries = None
        self.iteration_counters = (DeviceArray(host.iteration_counters, device_id)
                                   if host.iteration_counters is not None else None)
        self.stream = None
        self.time = host.time
        self.time_domain_legend = host.time_domain_legend
        stats = dict(host.statistics)
        stats["bytes_to_device"] = stats.get("bytes_to_device", 0) + td.nbytes + host.status_codes.nbytes
        self.statistics = stats

    def __repr__(self) -> str:
        return f"DeviceSolveResult(state={self.state}, observables={self.observables})"
