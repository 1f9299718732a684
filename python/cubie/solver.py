"""The design's solving interface over cubie's engine: ``Solver`` and ``solve_ivp``.

A Solver compiles its system once (or takes it from the compile cache) for its
algorithm and precision, and solves batches on a GPU when one is present, else on every
CPU core. A solve releases the GIL; Ctrl-C stops it after the chunk in flight and
raises KeyboardInterrupt with the finished runs in ``exc.partial_result``.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from . import _settings as S
from ._inputs import named_columns
from .result import DeviceSolveResult, SolveResult
from .system import ODESystem, create_ODE_system, precision_name

# CPU solves are cut into chunks of at most this many runs unless max_chunk_runs is set:
# Ctrl-C and progress act between chunks, and a chunk this size costs nothing measurable
# in hand-over (bench/python: 65,536 Lorenz runs solve as one chunk).
CPU_CHUNK_RUNS = 1 << 16


class NotApplicableWarning(UserWarning):
    """A setting was accepted but does nothing where this Solver runs (GPU memory
    settings on the CPU, implicit-method options with an explicit method, ...)."""


class SolveFailedError(_core.CubieError):
    """A solve failed part-way (a device error in a chunk). ``partial_result`` holds the
    runs that finished; the others have status NOT_INTEGRATED (1024)."""

    def __init__(self, message: str, partial_result: SolveResult, sticky: bool):
        super().__init__(message)
        self.partial_result = partial_result
        self.sticky = sticky


_TIME_LOGGING = {None: 0, "None": 0, "default": 1, "verbose": 2, "debug": 3}


class Solver:
    """Solves batches of runs of one system.

    Parameters
    ----------
    system
        An :class:`ODESystem` (``create_ODE_system``, ``load_model``,
        ``load_cellml_model``).
    algorithm
        Method name or alias (``"euler"``, ``"rk4"``, ``"dormand_prince_54"`` /
        ``"ode45"``, ``"tsit5"``, ``"vern7"``, ``"dop853"``, ...). Default: the model
        file's ``[solver] algorithm`` for a loaded file, else ``"euler"`` (the design's
        default).
    step_control_settings, algorithm_settings, output_settings, memory_settings, loop_settings
        Dicts of settings by group; every key may also be passed as a keyword argument.
        Step control: ``step_controller`` (fixed, i, pi, pid), ``dt``, ``dt_min``,
        ``dt_max``, ``atol``, ``rtol`` (a number or one per state), ``safety``,
        ``min_gain``, ``max_gain``, ``kp``, ``ki``, ``kd``, ``deadband_min``,
        ``deadband_max``, ``max_steps``. Output: ``output_types`` (``"state"``,
        ``"observables"``, ``"time"``), ``save_variables``, ``saved_state_indices``,
        ``saved_observable_indices``, ``save_counters``. Loop: ``save_every``,
        ``save_initial``. Memory: ``allocator`` (default, pool, async; aliases cupy,
        cupy_async), ``mem_proportion`` (per GPU), ``stream_group``, ``pinned_pool_bytes``,
        ``host_budget_bytes``, ``min_chunks``, ``max_chunk_runs``, ``devices`` (``"all"``,
        the default: every visible GPU shares each solve; or a list of device numbers;
        ``result.statistics["devices"]`` says which did what).
    time_logging_level
        None (quiet), ``"default"`` (one line per compile and solve), ``"verbose"`` (with
        statistics) or ``"debug"`` (with the compiler's command and warnings).
    cache
        True (the compile cache, ``$CUBIE_CACHE_DIR`` or ``~/.cache/cubie``), False
        (always compile), or a folder.
    lineinfo
        GPU kernels with source-line information for profilers.
    **kwargs
        Any setting above, plus ``auto_passes`` (``algorithm="auto"``: 1 runs one kernel
        holding both methods, 2 an explicit pass and then the runs that turned stiff,
        ``"default"`` or None the environment's ``CUBIE_AUTO_PASSES``, else 2 on CUDA and 1
        on the CPU; ``result.statistics["auto_passes"]`` says which ran), ``backend``
        ("auto", "cpu", "cuda"), ``cpu_threads``,
        ``precision`` (np.float32 / np.float64; default the system's),
        ``max_registers`` (GPU register cap).

    Raises
    ------
    KeyError
        A setting no group knows (the message names it and the closest valid key).
    ValueError, TypeError
        A bad value (the message names the setting, the value and what is allowed).
    """

    def __init__(
        self,
        system: ODESystem,
        algorithm: Optional[str] = None,
        step_control_settings: Optional[Mapping[str, Any]] = None,
        algorithm_settings: Optional[Mapping[str, Any]] = None,
        output_settings: Optional[Mapping[str, Any]] = None,
        memory_settings: Optional[Mapping[str, Any]] = None,
        loop_settings: Optional[Mapping[str, Any]] = None,
        time_logging_level: Optional[str] = None,
        cache: Union[bool, str, os.PathLike] = True,
        lineinfo: Optional[bool] = None,
        **kwargs: Any,
    ) -> None:
        if not isinstance(system, ODESystem):
            raise TypeError(
                f"Solver: system must be an ODESystem (from create_ODE_system, load_model or "
                f"load_cellml_model), got {type(system).__name__}"
            )
        self._system = system
        if time_logging_level not in _TIME_LOGGING:
            raise ValueError(
                f"time_logging_level: unknown value {time_logging_level!r}; valid values are None, 'default', "
                "'verbose', 'debug'"
            )
        self._log_level = _TIME_LOGGING[time_logging_level]
        if not (isinstance(cache, (bool, str)) or isinstance(cache, os.PathLike)):
            raise TypeError(f"cache: expected True, False or a folder, got {cache!r}")
        self._cache = cache
        if lineinfo is not None and not isinstance(lineinfo, bool):
            raise TypeError(f"lineinfo: expected True, False or None, got {lineinfo!r}")
        self._lineinfo = bool(lineinfo) if lineinfo is not None else os.environ.get("CUBIE_LINEINFO") == "1"
        if algorithm is None:
            fs = system.file_settings
            algorithm = fs.algorithm if fs is not None else "euler"
        if not isinstance(algorithm, str):
            raise TypeError(f"algorithm: expected a method name, got {algorithm!r}")
        config = S.route(
            kwargs,
            {
                "step_control_settings": step_control_settings,
                "algorithm_settings": algorithm_settings,
                "output_settings": output_settings,
                "memory_settings": memory_settings,
                "loop_settings": loop_settings,
            },
            "Solver",
        )
        config["algorithm"] = algorithm
        self._config: Dict[str, Any] = {}
        self._core: Optional[_core.Solver] = None
        self._reported: set = set()
        self._apply(config)

    # ---- configuration ----------------------------------------------------------
    def _apply(self, config: Dict[str, Any]) -> None:
        """Builds settings, compiles (or hits the cache) and makes the engine's Solver;
        on any error the Solver stays as it was."""
        settings = self._engine_settings(config)
        spec_template = self._spec_template(config)
        algorithm = config["algorithm"]
        method = _core.find_method(algorithm)["name"]
        backend = settings.backend
        gpu = {"auto": "if_available", "cuda": "required", "cpu": "off"}.get(backend.lower())
        if gpu is None:
            raise ValueError(f"backend: unknown value {backend!r}; valid values are auto, cpu, cuda")
        nvrtc = []
        if config.get("max_registers") is not None:
            nvrtc.append(f"--maxrregcount={S.as_int('max_registers', config['max_registers'])}")
        if self._lineinfo:
            nvrtc.append("-lineinfo")
        # Only the backend the solves run on: "auto" runs on the GPU wherever it can compile
        # there (as `cubie run`), so the CPU library is built only where it cannot.
        cpu = backend.lower() == "cpu" or (backend.lower() == "auto" and _core.gpu_compile_unavailable_reason() != "")
        t0 = time.perf_counter()
        compiled, report = self._system.compile(
            method,
            settings.precision,
            cpu=cpu,
            gpu=gpu,
            cache=self._cache,
            verbosity=2 if self._log_level >= 3 else 0,
            nvrtc_options=nvrtc,
            # Summary metrics run in entry points compiled with their accumulators.
            summary_groups=_core.summary_groups_for(spec_template),
        )
        compile_ms = (time.perf_counter() - t0) * 1e3
        core = _core.Solver(compiled, settings)
        auto_chunks = core.backend == "cpu" and settings.memory.max_chunk_runs == 0
        if auto_chunks:
            settings.memory.max_chunk_runs = CPU_CHUNK_RUNS
            core = _core.Solver(compiled, settings)
        self._core, self._compiled, self._settings = core, compiled, settings
        self._auto_chunks = auto_chunks
        self._spec_base, self._config = spec_template, dict(config)
        self._compile_report = report
        for w in core.warnings:
            warnings.warn(f"cubie: {w}", UserWarning, stacklevel=4)
        self._report_not_applicable()
        if self._log_level:
            side = "gpu" if core.backend == "cuda" else "cpu"
            r = report[side]
            how = "cache hit" if r["cache_hit"] else f"compiled in {r['compile_ms']:.0f} ms"
            print(
                f"cubie: {self._system.name}: {method} {settings.precision} on {core.backend} "
                f"({how}; {compile_ms:.0f} ms)",
                file=sys.stderr,
            )

    def _engine_settings(self, c: Dict[str, Any]) -> "_core.SolverSettings":
        fs = self._system.file_settings
        s = fs.copy() if fs is not None else _core.SolverSettings()
        s.algorithm = c["algorithm"]
        s.precision = precision_name(c["precision"]) if "precision" in c else self._system.precision.name
        n = self._system.num_states
        adaptive = _core.find_method(c["algorithm"])["adaptive"]
        controller = c.get("step_controller")
        if controller is not None:
            s.step_controller = S.as_str("step_controller", controller)
        fixed = (controller or ("pi" if adaptive else "fixed")).lower() == "fixed" or not adaptive
        dt = S.as_float("dt", c.get("dt"), allow_none=True)
        dt_min = S.as_float("dt_min", c.get("dt_min"), allow_none=True)
        dt_max = S.as_float("dt_max", c.get("dt_max"), allow_none=True)
        if fixed:
            # The design: a fixed step is the first of dt, dt_min, dt_max given.
            step = next((v for v in (dt, dt_min, dt_max) if v is not None), None)
            if step is not None:
                s.dt = step
                if not (step > 0 and math.isfinite(step)):
                    raise ValueError(f"dt = {step!r}; it must be a finite number > 0")
        else:
            # The design: dt alone sets the bounds to dt/100 and 100 dt.
            if dt is not None:
                s.dt = dt
                if dt_min is None and dt > 0:
                    dt_min = dt / 100
                if dt_max is None and dt > 0:
                    dt_max = dt * 100
            if dt_min is not None:
                s.dt_min = dt_min
            if dt_max is not None:
                s.dt_max = dt_max
        if "atol" in c:
            s.atol = S.as_tolerance("atol", c["atol"], n)
        if "rtol" in c:
            s.rtol = S.as_tolerance("rtol", c["rtol"], n)
        for key in ("safety", "min_gain", "max_gain", "kp", "ki", "kd", "deadband_min", "deadband_max"):
            if key in c:
                setattr(s, key, S.as_float(key, c[key], allow_none=True))
        for key in ("newton_atol", "newton_rtol"):
            if key in c:
                setattr(s, key, S.as_float(key, c[key], allow_none=True))
        for key in ("newton_max_iters", "newton_target_iters", "krylov_max_iters", "preconditioner_order"):
            if key in c:
                setattr(s, key, None if c[key] is None else S.as_int(key, c[key]))
        for key in ("krylov_atol", "krylov_rtol"):
            if key in c:
                setattr(s, key, S.as_float(key, c[key], allow_none=True))
        for key in ("linear_solver", "preconditioner_type"):
            if key in c:
                setattr(s, key, None if c[key] is None else S.as_str(key, c[key]))
        if "max_steps" in c:
            s.max_steps = S.as_int("max_steps", c["max_steps"])
        if "auto_passes" in c:
            s.auto_passes = S.as_auto_passes("auto_passes", c["auto_passes"])
        if "backend" in c:
            s.backend = S.as_str("backend", c["backend"])
        if "cpu_threads" in c:
            s.cpu_threads = S.as_int("cpu_threads", c["cpu_threads"])
        m = s.memory
        if "allocator" in c:
            m.allocator = S.as_str("allocator", c["allocator"])
        if "mem_proportion" in c:
            m.mem_proportion = S.as_float("mem_proportion", c["mem_proportion"], allow_none=True)
        if "stream_group" in c:
            m.stream_group = S.as_str("stream_group", c["stream_group"])
        if "pinned_results" in c:
            m.pinned_results = S.as_bool("pinned_results", c["pinned_results"])
        if "staging_ring" in c:
            m.staging_ring = S.as_bool("staging_ring", c["staging_ring"])
        if c.get("host_staging") is not None:
            m.host_staging = S.as_str("host_staging", c["host_staging"])
        if "devices" in c:
            m.devices = S.as_devices("devices", c["devices"])
        for key in ("pinned_pool_bytes", "host_budget_bytes", "min_chunks", "max_chunk_runs"):
            if key in c:
                v = S.as_int(key, c[key])
                if v < 0:
                    raise ValueError(f"{key} = {v}; it must be >= 0")
                setattr(m, key, v)
        for key in S.ALGORITHM_KEYS:
            if key in c and c[key] is not None and key in ("newton_max_iters", "krylov_max_iters",
                                                           "preconditioner_order"):
                S.as_int(key, c[key])
        if "auto_memory" in c:
            S.as_bool("auto_memory", c["auto_memory"])
        return s

    def _spec_template(self, c: Dict[str, Any]) -> "_core.SolveSpec":
        fsp = self._system.file_spec
        spec = fsp.copy() if fsp is not None else _core.SolveSpec()
        if "save_every" in c:
            spec.save_every = S.as_float("save_every", c["save_every"], allow_none=True)
        if "save_initial" in c:
            spec.save_initial = S.as_bool("save_initial", c["save_initial"])
        if "save_last" in c:
            S.as_bool("save_last", c["save_last"])  # the final state is always saved
        if "save_counters" in c:
            spec.save_counters = S.as_bool("save_counters", c["save_counters"])
        if "land_on_samples" in c:
            spec.land_on_samples = S.as_bool("land_on_samples", c["land_on_samples"])
        if "max_events" in c:
            spec.max_events = S.as_int("max_events", c["max_events"])
        if "event_tolerance" in c:
            spec.event_tolerance = S.as_float("event_tolerance", c["event_tolerance"])
        if "save_event_states" in c:
            spec.save_event_states = S.as_bool("save_event_states", c["save_event_states"])
        states, observables = self._saved_variables(c, spec)
        spec.saved_states = states
        spec.saved_observables = observables
        summarised = self._summarised_variables(c)
        if summarised is not None:
            spec.summarise_variables = summarised
        for key in ("summarise_every", "sample_summaries_every"):
            if c.get(key) is not None:
                v = S.as_float(key, c[key])
                if not (v > 0 and math.isfinite(v)):
                    raise ValueError(f"{key} = {v!r}; it must be a finite number > 0")
                setattr(spec, key, v)
        return spec

    def _saved_variables(self, c, spec) -> Tuple[Optional[list], Optional[list]]:
        sys_states = list(self._system.states)
        sys_obs = list(self._system.observables)
        types = c.get("output_types")
        if types is not None:
            types = S.as_names("output_types", types)
            for t in types:
                if t not in S.TIME_DOMAIN_OUTPUTS and t.split("[")[0].strip() not in S.SUMMARY_METRICS:
                    raise ValueError(
                        f"output_types: unknown output {t!r}; valid outputs are state, observables, time, iteration_counters and "
                        f"the summary metrics {', '.join(sorted(S.SUMMARY_METRICS))} (peaks[n], negative_peaks[n])"
                    )
            # The engine decides what each entry records (and checks peaks[n] and the like).
            spec.output_types = list(types)
        names = c.get("save_variables")
        state_idx = c.get("saved_state_indices")
        obs_idx = c.get("saved_observable_indices")
        if names is None and state_idx is None and obs_idx is None:
            if types is None and spec.saved_states is not None:
                return list(spec.saved_states), list(spec.saved_observables or [])  # the model file's choice
            # Every variable: output_types picks what goes into the time domain, and the
            # summaries default to the same variables.
            return None, None
        states, observables = [], []
        if names is not None:
            for n in S.as_names("save_variables", names):
                if n in sys_states:
                    states.append(n)
                elif n in sys_obs:
                    observables.append(n)
                else:
                    raise KeyError(
                        f"save_variables: {n!r} is neither a state nor an observable; states are "
                        f"{', '.join(sys_states)}; observables are {', '.join(sys_obs) or '(none)'}"
                    )
        if state_idx is not None:
            for i in S.as_indices("saved_state_indices", state_idx, len(sys_states)):
                if sys_states[i] not in states:
                    states.append(sys_states[i])
        if obs_idx is not None:
            for i in S.as_indices("saved_observable_indices", obs_idx, len(sys_obs)):
                if sys_obs[i] not in observables:
                    observables.append(sys_obs[i])
        # Keep the system's order along the variable axis, as the design does.
        states = [s for s in sys_states if s in states]
        observables = [o for o in sys_obs if o in observables]
        return states, observables

    def _summarised_variables(self, c) -> Optional[list]:
        """summarise_variables and the summarised_*_indices as names (system order), or
        None: the saved variables, as the design defaults."""
        names = c.get("summarise_variables")
        state_idx = c.get("summarised_state_indices")
        obs_idx = c.get("summarised_observable_indices")
        if names is None and state_idx is None and obs_idx is None:
            return None
        sys_states = list(self._system.states)
        sys_obs = list(self._system.observables)
        chosen = set(S.as_names("summarise_variables", names)) if names is not None else set()
        for n in chosen:
            if n not in sys_states and n not in sys_obs:
                raise KeyError(
                    f"summarise_variables: {n!r} is neither a state nor an observable; states are "
                    f"{', '.join(sys_states)}; observables are {', '.join(sys_obs) or '(none)'}"
                )
        if state_idx is not None:
            chosen |= {sys_states[i] for i in S.as_indices("summarised_state_indices", state_idx, len(sys_states))}
        if obs_idx is not None:
            chosen |= {sys_obs[i] for i in S.as_indices("summarised_observable_indices", obs_idx, len(sys_obs))}
        return [v for v in sys_states + sys_obs if v in chosen]

    def _report_not_applicable(self) -> None:
        c = self._config
        notes = {}
        if self._core.backend == "cpu":
            why = _core.cuda_unavailable_reason() or "backend = 'cpu'"
            for key in ("allocator", "mem_proportion", "stream_group", "pinned_pool_bytes", "pinned_results", "staging_ring",
                        "host_staging", "min_chunks", "max_registers", "devices"):
                if c.get(key) is not None:
                    notes[key] = f"manages the GPU; this Solver runs on the CPU ({why})"
            if self._lineinfo:
                notes["lineinfo"] = f"applies to GPU kernels; this Solver runs on the CPU ({why})"
        else:
            if c.get("host_budget_bytes"):
                notes["host_budget_bytes"] = "is the CPU backend's budget; this Solver runs on the GPU"
        family = _core.find_method(self.algorithm)["family"]
        newton_keys = ("newton_atol", "newton_rtol", "newton_max_iters", "newton_target_iters")
        # The linear solver the engine resolves (step_control.cpp): the one named, else the LU
        # where one is built for this system, else bicgstab.
        linear = c.get("linear_solver")
        if linear is None:
            linear = "direct" if self._compiled.direct_linear_solver else "bicgstab"
        krylov = family in S.KRYLOV_FAMILIES and str(linear).lower() != "direct"
        for key in tuple(S.ALGORITHM_KEYS) + ("newton_target_iters",):
            if c.get(key) is None:
                continue
            if key == "auto_passes":
                if family != "auto_switch":
                    notes[key] = f"configures algorithm='auto'; {self.algorithm} ({family}) does not switch"
            elif key in newton_keys:
                if family not in ("dirk", "firk"):
                    notes[key] = f"configures Newton iterations; {self.algorithm} ({family}) does not iterate"
            elif family == "explicit_rk":
                notes[key] = f"configures implicit methods; {self.algorithm} is explicit"
            elif key in S.DESIGN_ONLY_KEYS:
                notes[key] = ("is not read by cubie's Krylov solvers (their settings: linear_solver, "
                              f"{', '.join(sorted(S.KRYLOV_KEYS))})")
            elif family not in S.KRYLOV_FAMILIES:
                if key != "linear_solver":
                    notes[key] = f"configures Newton-Krylov solves, which {self.algorithm} ({family}) does not use"
            elif key in S.KRYLOV_KEYS and not krylov:
                notes[key] = (f"configures the Krylov linear solvers; {self.algorithm} solves with the LU here "
                              "(linear_solver resolves to 'direct')")
        if c.get("auto_memory") is not None:
            notes["auto_memory"] = "cubie keeps every per-run buffer in registers or local memory"
        self.not_applicable: Dict[str, str] = notes
        fresh = {k: v for k, v in notes.items() if (k, repr(c.get(k))) not in self._reported}
        if fresh:
            self._reported |= {(k, repr(c.get(k))) for k in fresh}
            text = "; ".join(f"{k}={c.get(k, True)!r} {v}" for k, v in fresh.items())
            warnings.warn(f"cubie: accepted but not applicable: {text}", NotApplicableWarning, stacklevel=4)

    def update(self, updates_dict: Optional[Mapping[str, Any]] = None, silent: bool = False, **kwargs: Any):
        """Changes settings (any key of any group); recompiles only when the algorithm
        or precision changes. Returns the set of keys applied. Unknown keys raise
        KeyError unless ``silent``; a rejected update leaves the Solver as it was."""
        changes = dict(updates_dict or {})
        changes.update(kwargs)
        if not changes:
            return set()
        applied = {}
        for k, v in changes.items():
            if k == "algorithm" or k in S.ALL_KEYS:
                applied[k] = v
            elif not silent:
                raise S.unknown_key_error(k, "Solver.update", S.ALL_KEYS | {"algorithm"})
        if not applied:
            return set()
        config = dict(self._config)
        config.update(applied)
        self._apply(config)
        return set(applied)

    # ---- what it is -------------------------------------------------------------
    @property
    def system(self) -> ODESystem:
        return self._system

    @property
    def algorithm(self) -> str:
        return self._core.method

    @property
    def precision(self) -> np.dtype:
        return np.dtype(self._settings.precision)

    @property
    def backend(self) -> str:
        """'cpu' or 'cuda': where this Solver's solves run."""
        return self._core.backend

    @property
    def controller(self) -> Dict[str, Any]:
        return self._core.controller

    @property
    def settings(self) -> Dict[str, Any]:
        """Every setting in force, by the engine's names (as result files store them)."""
        import json

        return json.loads(_core.settings_json(self._settings, self._spec_base))

    @property
    def memory_settings(self) -> Dict[str, Any]:
        m = self._settings.memory
        return {
            "allocator": m.allocator,
            "mem_proportion": m.mem_proportion,
            "stream_group": m.stream_group,
            "pinned_pool_bytes": m.pinned_pool_bytes,
            "host_budget_bytes": m.host_budget_bytes,
            "min_chunks": m.min_chunks,
            "max_chunk_runs": m.max_chunk_runs,
            "host_staging": m.host_staging or "(environment: CUBIE_HOST_STAGING, else first_pageable)",
            "applies_to": "gpu" if self.backend == "cuda" else "cpu",
        }

    @property
    def compile_report(self) -> Dict[str, Any]:
        """What compiling cost: per backend, cache hit, compile time, cache key and paths."""
        return self._compile_report

    def __repr__(self) -> str:
        return f"Solver({self._system.name!r}, algorithm={self.algorithm!r}, {self.precision.name}, {self.backend})"

    def close(self) -> None:
        """Releases the engine's solver (results already returned stay valid)."""
        self._core = None

    def __enter__(self) -> "Solver":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- solving ----------------------------------------------------------------
    def _columns(self, initial_values, parameters):
        sys_ = self._system
        inits, n_i = named_columns(initial_values, list(sys_.states), sys_.states, "initial_values", "state")
        params, n_p = named_columns(parameters, list(sys_.parameters), sys_.parameters, "parameters", "parameter")
        if n_i is not None and n_p is not None and n_i != n_p and 1 not in (n_i, n_p):
            raise ValueError(
                f"initial_values has {n_i} runs but parameters has {n_p}; pre-built arrays must have the same "
                "number of runs (or one run, which is repeated)"
            )
        fast = n_i is not None or n_p is not None
        return inits, params, fast

    def build_grid(
        self, initial_values=None, parameters=None, grid_type: str = "verbatim"
    ) -> Tuple[np.ndarray, np.ndarray]:
        """Every run's initial values and parameters as (n_states, n_runs) and
        (n_parameters, n_runs) arrays in the system's precision: pass them to
        :meth:`solve` to skip grid construction (the design's fast path)."""
        grid = self._grid(initial_values, parameters, grid_type)
        n = grid.n_runs
        ns = grid.n_states
        cols = [np.broadcast_to(grid.column(i), (n,)) for i in range(len(grid.names))]
        dtype = self.precision
        inits = np.array(cols[:ns], dtype=dtype).reshape(ns, n)
        params = np.array(cols[ns:], dtype=dtype).reshape(len(cols) - ns, n)
        return inits, params

    def _grid(self, initial_values, parameters, grid_type):
        if self._core is None:
            raise RuntimeError("Solver: this solver was closed")
        if grid_type not in ("verbatim", "combinatorial"):
            raise ValueError(f"grid_type: unknown value {grid_type!r}; valid values are verbatim, combinatorial")
        inits, params, fast = self._columns(initial_values, parameters)
        return _core.build_grid(self._core, inits, params, "verbatim" if fast else grid_type)

    def solve(
        self,
        initial_values=None,
        parameters=None,
        drivers: Optional[Mapping[str, Any]] = None,
        duration: Optional[float] = None,
        settling_time: Optional[float] = None,
        t0: Optional[float] = None,
        blocksize: int = 256,
        grid_type: str = "verbatim",
        nan_error_trajectories: bool = True,
        on_device: bool = False,
        progress: bool = False,
        **kwargs: Any,
    ) -> Union[SolveResult, DeviceSolveResult]:
        """Solves a batch.

        Parameters
        ----------
        initial_values, parameters
            Dicts of name -> value(s) (length-1 values broadcast; names left out take
            the system's defaults), or pre-built arrays of shape (n_states, n_runs) /
            (n_parameters, n_runs) (the fast path: runs paired column by column). Any
            real dtype; arrays on a GPU (CuPy, PyTorch, Numba) are accepted.
        drivers
            The samples of the system's drivers, in the design's dict: ``"time"`` (the
            sample times, evenly spaced) or ``"dt"`` and ``"t0"``; optionally ``"order"``
            (0, 1 or 3; default 3), ``"wrap"`` (default True: the signal repeats; False:
            zero outside the samples) and ``"boundary_condition"`` ("natural",
            "clamped", "not-a-knot", "periodic"; default periodic when wrapping, else
            clamped); then one array per driver: (n_samples,) shared by every run, or
            (n_samples, n_runs) one signal per run. A value may also be a dict of its own
            settings with the samples under "samples". Default: the dict given to
            create_ODE_system, or the model file's [drivers].
        duration, settling_time, t0
            Recorded span, unrecorded lead-in, start time (defaults 1.0, 0.0, 0.0, or
            the model file's).
        grid_type
            "verbatim" (element-wise) or "combinatorial" (every combination, the last
            name varying fastest); dict inputs only.
        nan_error_trajectories
            Failed runs' saved values become NaN.
        on_device
            Return a :class:`DeviceSolveResult` whose arrays are in GPU memory.
        progress
            Show a progress bar (tqdm when installed, else a line on stderr), or pass a
            callable ``f(done_runs, total_runs)``.
        **kwargs
            Settings changes, applied to this Solver as :meth:`update` does (the
            design's behaviour).

        Raises
        ------
        KeyboardInterrupt
            Ctrl-C during the solve, after the chunk in flight; ``exc.partial_result``
            holds the finished runs (``exc.partial_result.finished_runs`` of them).
        SolveFailedError
            A chunk failed on the device; ``partial_result`` as above.
        """
        if kwargs:
            # The design applies solve()'s settings to the Solver; a solve they make
            # invalid puts the previous settings back.
            previous = dict(self._config)
            self.update(kwargs)
            try:
                return self.solve(initial_values, parameters, drivers, duration, settling_time, t0, blocksize,
                                  grid_type, nan_error_trajectories, on_device, progress)
            except (ValueError, TypeError, KeyError, NotImplementedError):
                self._apply(previous)
                raise
        if self._core is None:
            raise RuntimeError("Solver: this solver was closed")
        if not isinstance(nan_error_trajectories, (bool, np.bool_)):
            raise TypeError(f"nan_error_trajectories: expected True or False, got {nan_error_trajectories!r}")
        if not isinstance(on_device, (bool, np.bool_)):
            raise TypeError(f"on_device: expected True or False, got {on_device!r}")
        if isinstance(blocksize, bool) or not isinstance(blocksize, (int, np.integer)) or blocksize <= 0:
            raise ValueError(f"blocksize: expected a positive integer, got {blocksize!r}")
        if on_device and not _core.cuda_device_available():
            raise ValueError(f"on_device=True needs a CUDA device: {_core.cuda_unavailable_reason()}")
        spec = self._spec_base.copy()
        self._set_drivers(spec, drivers)
        if duration is not None:
            spec.duration = S.as_float("duration", duration)
        if settling_time is not None:
            spec.settling_time = S.as_float("settling_time", settling_time)
        if t0 is not None:
            spec.t0 = S.as_float("t0", t0)
        grid = self._grid(initial_values, parameters, grid_type)
        return self._solve_grid(grid, spec, bool(nan_error_trajectories), bool(on_device), progress)

    def _set_drivers(self, spec, drivers: Optional[Mapping[str, Any]]) -> None:
        """The driver signals of a solve onto spec (see solve())."""
        names = self._system.drivers
        if drivers is None:
            drivers = self._system.driver_samples
            if drivers is None:
                if names and self._system.file_spec is None:
                    raise ValueError(
                        f"solve: system '{self._system.name}' reads the drivers {', '.join(names)}; give their samples: "
                        f"solve(..., drivers={{'dt': ..., {names[0]!r}: samples}})"
                    )
                return
        if not isinstance(drivers, Mapping):
            raise TypeError(f"drivers: expected a dict (the design's format), got {type(drivers).__name__}")
        shared = {k: drivers[k] for k in ("time", "dt", "t0", "order", "wrap", "boundary_condition") if k in drivers}
        given = [k for k in drivers if k not in shared]
        for k in given:
            if k not in names:
                raise KeyError(f"drivers: system '{self._system.name}' has no driver {k!r}; its drivers are "
                               f"{', '.join(names) if names else '(none)'}")
        for name in names:
            if name not in given:
                raise KeyError(f"drivers: no samples for the driver {name!r} (given: {', '.join(given) or 'none'})")
        spec.clear_drivers()
        for name in names:
            value = drivers[name]
            settings = dict(shared)
            if isinstance(value, Mapping):
                unknown = set(value) - set(shared) - {"samples", "time", "dt", "t0", "order", "wrap", "boundary_condition"}
                if unknown:
                    raise KeyError(f"drivers[{name!r}]: unknown keys {sorted(unknown)}")
                settings.update({k: v for k, v in value.items() if k != "samples"})
                value = value.get("samples")
            samples = np.ascontiguousarray(np.asarray(value, dtype=np.float64))
            time = settings.get("time")
            if time is not None:
                time = np.ascontiguousarray(np.asarray(time, dtype=np.float64))
                if time.ndim != 1:
                    raise ValueError(f"drivers: 'time' must be 1-D, got shape {time.shape}")
            dt = settings.get("dt")
            spec.add_driver(
                name, samples, time, None if dt is None else S.as_float("dt", dt),
                S.as_float("t0", settings.get("t0", 0.0)), S.as_int("order", settings.get("order", 3)),
                S.as_bool("wrap", settings.get("wrap", True)),
                None if settings.get("boundary_condition") is None else S.as_str("boundary_condition",
                                                                                  settings["boundary_condition"]),
            )

    def solve_sweep(self, progress: bool = False, **kwargs: Any) -> SolveResult:
        """Solves a model file's [sweep] exactly as ``cubie run`` does (the file's axis
        order, grid type and time span)."""
        if self._system.file_settings is None:
            raise ValueError("solve_sweep: this system was not loaded from a model file")
        if kwargs:
            self.update(kwargs)
        values = [(n, np.asarray(v, dtype=np.float64)) for n, v in self._system._definition.sweep_axes]
        grid = _core.build_grid_ordered(self._core, values, self._system._definition.sweep_grid)
        return self._solve_grid(grid, self._spec_base.copy(), True, False, progress)

    def _solve_grid(self, grid, spec, nan_fill, on_device, progress):
        core = self._core
        callback, close = _progress_callback(progress, grid.n_runs)
        if callback is not None and self._auto_chunks:
            # A bar moves at commits: about 64 chunks, none below 4,096 runs.
            settings = self._settings.copy()
            settings.memory.max_chunk_runs = min(CPU_CHUNK_RUNS, max(4096, -(-grid.n_runs // 64)))
            core = _core.Solver(self._compiled, settings)
        main = threading.current_thread() is threading.main_thread()
        try:
            res, pending, failure = _core.solve(
                core, grid, spec, callback, main, nan_fill, self._system.name, self._system.model_text
            )
        finally:
            if close is not None:
                close()
        result = SolveResult(res, self._system, {"algorithm": self.algorithm, "backend": core.backend})
        if pending is not None:
            pending.partial_result = result
            raise pending
        if failure is not None:
            message, sticky = failure
            raise SolveFailedError(message, result, sticky)
        if self._log_level:
            st = result.statistics
            print(
                f"cubie: {self._system.name}: {grid.n_runs} runs on {st['backend']} in {st['wall_ms']:.1f} ms "
                f"({st['chunks']} chunk{'s' if st['chunks'] != 1 else ''}; {result.failed_runs} failed)",
                file=sys.stderr,
            )
            if self._log_level >= 2:
                print(f"cubie: statistics: {st}", file=sys.stderr)
        if on_device:
            return DeviceSolveResult(result)
        return result


def _progress_callback(progress, total) -> Tuple[Optional[Callable], Optional[Callable]]:
    if progress is None or progress is False:
        return None, None
    if callable(progress):
        return progress, None
    if progress is not True:
        raise TypeError(f"progress: expected True, False or a callable f(done, total), got {progress!r}")
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    if tqdm is not None:
        bar = tqdm(total=int(total), unit="run", desc="cubie")
        state = {"done": 0}

        def update(done, _total):
            bar.update(int(done) - state["done"])
            state["done"] = int(done)

        return update, bar.close

    def line(done, total_):
        print(f"\rcubie: {done}/{total_} runs ({100.0 * done / total_:.0f}%)", end="", file=sys.stderr, flush=True)

    return line, lambda: print(file=sys.stderr)


def solve_ivp(
    system: Union[ODESystem, str, Callable, Sequence[str]],
    y0,
    parameters=None,
    drivers: Optional[Mapping[str, Any]] = None,
    method: str = "euler",
    duration: float = 1.0,
    settling_time: float = 0.0,
    t0: float = 0.0,
    save_variables: Optional[Sequence[str]] = None,
    summarise_variables: Optional[Sequence[str]] = None,
    grid_type: str = "combinatorial",
    time_logging_level: Optional[str] = None,
    nan_error_trajectories: bool = True,
    **kwargs: Any,
) -> SolveResult:
    """Solves a batch in one call (the design's ``solve_ivp``).

    ``system`` is an :class:`ODESystem` or, as in the design, raw equations (text, a list
    of lines, or a Python function), then built with state names and defaults from the
    ``y0`` dict and parameter names and defaults from the ``parameters`` dict (plus
    ``constants=``, ``observables=``, ``precision=`` keywords). The grid is
    combinatorial by default. Other keywords go to :class:`Solver`; ``progress`` goes
    to :meth:`Solver.solve`.
    """
    progress = kwargs.pop("progress", False)
    if not isinstance(system, ODESystem):
        if parameters is not None and not isinstance(parameters, Mapping):
            raise TypeError(
                "solve_ivp: with raw equations, parameters must be a dict of name -> values so the system's "
                "parameters can be declared"
            )
        create = {k: kwargs.pop(k) for k in ("precision", "constants", "observables", "name", "strict") if k in kwargs}
        states = None
        if isinstance(y0, Mapping):
            states = {k: float(np.asarray(v, dtype=np.float64).flat[0]) for k, v in y0.items()}
        elif y0 is not None:
            a = np.asarray(y0, dtype=np.float64)
            n = a.shape[0] if a.ndim >= 1 else 1
            states = {f"y{i}": 0.0 for i in range(n)}
        params = None
        if isinstance(parameters, Mapping):
            params = {k: float(np.asarray(v, dtype=np.float64).flat[0]) for k, v in parameters.items()}
        system = create_ODE_system(system, states=states, parameters=params, drivers=drivers, **create)
    if save_variables is not None:
        kwargs.setdefault("save_variables", save_variables)
    if summarise_variables is not None:
        kwargs.setdefault("summarise_variables", summarise_variables)
    with Solver(system, algorithm=method, time_logging_level=time_logging_level, **kwargs) as solver:
        return solver.solve(
            y0,
            parameters,
            drivers=drivers,
            duration=duration,
            settling_time=settling_time,
            t0=t0,
            grid_type=grid_type,
            nan_error_trajectories=nan_error_trajectories,
            progress=progress,
        )
