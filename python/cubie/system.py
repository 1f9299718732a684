"""ODE systems: from equation text, a Python function, a model file or CellML.

Every system becomes the same thing: model text in cubie's equation language, read by
the engine's own parser and compiled at run time (host compiler for the CPU, NVRTC for
GPUs) behind the on-disk compile cache. ``create_ODE_system`` and ``load_model`` are
the entry points; ``ODESystem`` (alias ``SymbolicODE``, the design's name) is what they
return.
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _core
from ._equations import (
    check_disjoint,
    infer_roles,
    model_text,
    normalize_values,
    relocate_error,
    split_lines,
)
from ._function_translator import translate_function

PrecisionLike = Union[str, type, np.dtype]


def precision_name(precision: PrecisionLike, field: str = "precision") -> str:
    """'float32' or 'float64' from a numpy dtype, a type or a name."""
    if isinstance(precision, str):
        p = precision.strip().lower()
        if p in ("float32", "single", "float", "f4"):
            return "float32"
        if p in ("float64", "double", "f8"):
            return "float64"
        raise ValueError(f"{field}: unknown precision {precision!r}; use np.float32 or np.float64")
    try:
        dt = np.dtype(precision)
    except TypeError:
        raise TypeError(f"{field}: expected np.float32 or np.float64, got {precision!r}") from None
    if dt == np.float32:
        return "float32"
    if dt == np.float64:
        return "float64"
    raise ValueError(f"{field}: {dt} is not supported; use np.float32 or np.float64")


class ODESystem:
    """A system of ODEs ready to compile: names in order, defaults, and its model text.

    Attributes
    ----------
    name : str
    precision : numpy.dtype
        ``float32`` or ``float64``; the default arithmetic of solvers built on it.
    states, parameters, constants : dict[str, float]
        Names in order, with their default values.
    observables : list[str]
        Auxiliary values saved with the states.
    equations : str
        The right-hand side in cubie's equation language (for a Python function: its
        translation).
    """

    def __init__(self, definition: "_core.ModelDefinition", text: str, source: str, n_equation_lines: int = 0,
                 driver_samples: Optional[Dict[str, Any]] = None):
        self._definition = definition
        self._text = text
        self._source = source
        self._n_equation_lines = n_equation_lines
        self._driver_samples = driver_samples
        self._compiled: Dict[Tuple, Any] = {}
        self._lock = threading.Lock()

    # ---- what the model says ----------------------------------------------------
    @property
    def name(self) -> str:
        return self._definition.name

    @property
    def precision(self) -> np.dtype:
        return np.dtype(self._definition.precision)

    @property
    def states(self) -> Dict[str, float]:
        return dict(self._definition.states)

    @property
    def parameters(self) -> Dict[str, float]:
        return dict(self._definition.parameters)

    @property
    def constants(self) -> Dict[str, float]:
        return dict(self._definition.constants)

    @property
    def observables(self) -> List[str]:
        return list(self._definition.observables)

    @property
    def equations(self) -> str:
        return self._definition.equations_text

    @property
    def drivers(self) -> List[str]:
        """Interpolated signals the equations read (their samples come with each solve, or
        from the model file)."""
        return list(self._definition.drivers)

    @property
    def events(self) -> List[str]:
        """Event names, in order: what ``SolveResult.event_ids`` index."""
        return list(self._definition.events)

    @property
    def driver_samples(self) -> Optional[Dict[str, Any]]:
        """The drivers dict given to create_ODE_system (the design's format), used when a
        solve gives none; None when it gave names only."""
        return self._driver_samples

    @property
    def num_states(self) -> int:
        return len(self._definition.states)

    @property
    def num_parameters(self) -> int:
        return len(self._definition.parameters)

    @property
    def num_constants(self) -> int:
        return len(self._definition.constants)

    @property
    def num_observables(self) -> int:
        return len(self._definition.observables)

    @property
    def model_text(self) -> str:
        """The model file (TOML) the engine read: stored in result files."""
        return self._text

    @property
    def source(self) -> str:
        """Where the system came from: 'equations', 'function', 'file' or 'cellml'."""
        return self._source

    @property
    def file_settings(self):
        """A model file's [solver]/[memory] settings (``_core.SolverSettings``), or None."""
        return self._definition.settings if self._source == "file" else None

    @property
    def file_spec(self):
        """A model file's time span and save settings (``_core.SolveSpec``), or None."""
        return self._definition.spec if self._source == "file" else None

    @property
    def sweep(self) -> Tuple[Dict[str, np.ndarray], Dict[str, np.ndarray], str]:
        """A model file's [sweep] as (initial_values, parameters, grid_type) for solve().

        Solver.solve orders a combinatorial grid states first, then parameters;
        ``Solver.solve_sweep`` keeps the file's axis order exactly, as ``cubie run`` does.
        """
        states, params = {}, {}
        for name, values in self._definition.sweep_axes:
            (states if name in self.states else params)[name] = np.asarray(values, dtype=np.float64)
        return states, params, self._definition.sweep_grid

    def __repr__(self) -> str:
        return (
            f"ODESystem({self.name!r}, precision={self.precision.name}, states={list(self.states)}, "
            f"parameters={list(self.parameters)}, constants={list(self.constants)}, "
            f"observables={self.observables})"
        )

    def __str__(self) -> str:
        lines = [repr(self), "equations:"]
        lines += ["    " + line for line in self.equations.strip().splitlines()]
        return "\n".join(lines)

    # ---- compiling --------------------------------------------------------------
    def compile(
        self,
        method: str,
        precision: Optional[str] = None,
        *,
        cpu: bool = True,
        gpu: str = "if_available",
        cache: Union[bool, str, os.PathLike] = True,
        verbosity: int = 0,
        nvrtc_options: Sequence[str] = (),
        summary_groups: int = 0,
    ):
        """Compiles the system for ``method`` (or loads it from the cache).

        Returns the engine's compiled system; kept on this object for later solvers.
        ``cache``: True (the default cache folder), False (a fresh folder that is
        thrown away: always compiles), or a folder. ``summary_groups``: the summary
        accumulator groups to build entry points for (``_core.summary_groups_for(spec)``;
        0: none).
        """
        precision = precision or self._definition.precision
        key = (_core.find_method(method)["name"], precision, cpu, gpu, str(cache), tuple(nvrtc_options), summary_groups)
        with self._lock:
            hit = self._compiled.get(key)
            if hit is not None:
                return hit
            tmp = None
            if cache is True:
                cache_dir = ""
            elif cache is False:
                tmp = tempfile.TemporaryDirectory(prefix="cubie-nocache-")
                cache_dir = tmp.name
            else:
                cache_dir = os.fspath(cache)
            try:
                compiled, report = _core.compile_model(
                    self._definition, [method], precision, cpu, gpu, cache_dir, verbosity, list(nvrtc_options),
                    summary_groups,
                )
            finally:
                if tmp is not None:
                    # The loaded library stays mapped after its file is removed.
                    tmp.cleanup()
            self._compiled[key] = (compiled, report)
            return compiled, report

    def with_constants(self, **values: float) -> "ODESystem":
        """A copy with some constants changed (constants are compiled in: a new compile)."""
        unknown = [k for k in values if k not in self.constants]
        if unknown:
            raise KeyError(
                f"with_constants: {', '.join(map(repr, unknown))} "
                f"{'are not constants' if len(unknown) > 1 else 'is not a constant'}; "
                f"constants are {', '.join(self.constants) or '(none)'}"
            )
        constants = self.constants
        constants.update({k: float(v) for k, v in values.items()})
        return _from_parts(
            self.name, self._definition.precision, split_lines(self.equations), self.states, self.parameters,
            constants, self.observables, self._source,
        )


SymbolicODE = ODESystem


def _from_parts(name, precision, lines, states, parameters, constants, observables, source, drivers=(), events=None,
                driver_samples=None) -> ODESystem:
    text = model_text(name, precision, lines, states, parameters, constants, observables, drivers, events)
    source_name = f"<{name}>"
    try:
        definition = _core.parse_model(text, source_name)
    except _core.ModelError as e:
        raise _core.ModelError(relocate_error(str(e), source_name, len(lines))) from None
    return ODESystem(definition, text, source, len(lines), driver_samples)


DRIVER_SETTING_KEYS = ("time", "dt", "t0", "order", "wrap", "boundary_condition")


def _driver_names(drivers, context: str) -> Tuple[List[str], Optional[Dict[str, Any]]]:
    """Names (a list of names, or the design's dict: settings keys plus one array per
    driver) and the dict itself when it holds samples."""
    if drivers is None:
        return [], None
    if isinstance(drivers, str):
        raise TypeError(f"{context}: drivers must be a list of names or a dict of samples, not a string")
    if isinstance(drivers, dict):
        names = [k for k in drivers if k not in DRIVER_SETTING_KEYS]
        return names, dict(drivers)
    names = list(drivers)
    for n in names:
        if not isinstance(n, str):
            raise TypeError(f"{context}: driver names must be strings, got {n!r}")
    return names, None


def _events_of(events, context: str) -> Optional[Dict[str, Dict[str, str]]]:
    """{name: {condition, direction, action, reset}} as [events.NAME] tables."""
    if events is None:
        return None
    if not isinstance(events, dict):
        raise TypeError(f"{context}: events must be a dict of name -> {{'condition': ..., 'direction': ..., "
                        f"'action': ..., 'reset': ...}}")
    out = {}
    for name, spec in events.items():
        if isinstance(spec, str):
            spec = {"condition": spec}
        if not isinstance(spec, dict):
            raise TypeError(f"{context}: event {name!r} must be a dict (condition, direction, action, reset) "
                            f"or a condition string")
        allowed = {"condition", "direction", "action", "reset"}
        for key, value in spec.items():
            if key not in allowed:
                raise KeyError(f"{context}: event {name!r}: unknown key {key!r}; valid keys are {sorted(allowed)}")
            if not isinstance(value, str):
                raise TypeError(f"{context}: event {name!r}: {key} must be a string, got {value!r}")
        out[name] = dict(spec)
    return out


def create_ODE_system(
    dxdt: Union[str, Iterable[str], Callable],
    precision: PrecisionLike = np.float32,
    states: Optional[Union[Dict[str, float], Iterable[str]]] = None,
    observables: Optional[Iterable[str]] = None,
    parameters: Optional[Union[Dict[str, float], Iterable[str]]] = None,
    constants: Optional[Union[Dict[str, float], Iterable[str]]] = None,
    drivers: Optional[Union[Iterable[str], Dict[str, Any]]] = None,
    user_functions: Optional[Dict[str, Callable]] = None,
    name: Optional[str] = None,
    strict: bool = False,
    events: Optional[Dict[str, Any]] = None,
) -> ODESystem:
    """Creates a system of ODEs from equations or a Python function.

    Parameters
    ----------
    dxdt
        Equation text in cubie's model language (one assignment a line: ``dx = ...``
        for the derivative of state ``x``, ``name = ...`` for an auxiliary), a list of
        such lines, or a Python function ``f(t, y, p)`` / ``f(t, y, a, b, ...)``
        returning the derivatives in state order (translated from its source; see
        :mod:`cubie._function_translator` for what it understands).
    precision
        ``np.float32`` (the default, as in the design) or ``np.float64``.
    states
        Names with default initial values (dict) or names (list; defaults 0.0). Equation
        text may leave them out: every ``dNAME = ...`` then defines state ``NAME``.
    observables
        Auxiliary values to save with the states.
    parameters
        Values that may differ per run (dict of defaults, or names).
    constants
        Values fixed for the whole batch, compiled into the code.
    drivers
        Interpolated signals the equations read like ``t``: a list of names (the
        samples then come with each solve: ``Solver.solve(drivers=...)``), or the design's
        dict with the samples (``{"time": t or "dt": .., "t0": .., "order": 3, "wrap":
        True, "boundary_condition": .., "u": samples, ...}``; a 2-D array (samples, runs)
        gives each run its own signal), used when a solve gives none.
    events
        ``{name: {"condition": "h", "direction": "down", "action": "reset",
        "reset": "v = -0.9 * v"}}``: the event happens where the condition crosses zero
        in the direction (up, down, both); its action is record (the default), terminate
        or reset (assignments to states, one a line). Every occurrence is logged
        (``SolveResult.event_times``).
    user_functions
        Your own callables inside equations: not in this engine (NotImplementedError).
    name
        The system's name (in result files and the compile cache); default from the
        function's name, else ``"ode_system"``.
    strict
        When True an undeclared name is an error; otherwise it becomes a parameter with
        default 0.0 and a warning (:class:`cubie.InferredParameterWarning`).

    Raises
    ------
    ModelError (a ValueError)
        The engine's parser rejected the equations; the message gives the equation
        line and column.
    """
    context = "create_ODE_system"
    driver_names, driver_samples = _driver_names(drivers, context)
    event_specs = _events_of(events, context)
    if driver_names and callable(dxdt) and not isinstance(dxdt, str):
        raise NotImplementedError(
            "create_ODE_system: drivers with a Python function are not translated; write the equations as text, "
            "where a driver reads like t"
        )
    if user_functions:
        raise NotImplementedError(
            "create_ODE_system: user_functions are not supported; the equation language has "
            "sin cos tan asin acos atan atan2 sinh cosh tanh exp log log10 sqrt abs pow min max floor ceil ifelse"
        )
    prec = precision_name(precision)
    if not isinstance(strict, bool):
        raise TypeError(f"{context}: strict must be True or False, got {strict!r}")
    state_values = None if states is None else normalize_values(states, "states", context)
    param_values = normalize_values(parameters, "parameters", context)
    const_values = normalize_values(constants, "constants", context)
    if observables is None:
        obs = []
    elif isinstance(observables, str):
        raise TypeError(f"{context}: observables must be a list of names, not a string")
    else:
        obs = list(observables)
        for o in obs:
            if not isinstance(o, str):
                raise TypeError(f"{context}: observable names must be strings, got {o!r}")
    check_disjoint(
        [("a state", state_values or {}), ("a parameter", param_values), ("a constant", const_values),
         ("an observable", obs)],
        context,
    )

    if callable(dxdt) and not isinstance(dxdt, str):
        result = translate_function(
            dxdt, None if state_values is None else list(state_values), list(param_values), list(const_values),
            obs, strict,
        )
        if state_values is None:
            state_values = {s: 0.0 for s in result.states}
        for p in result.inferred:
            param_values[p] = 0.0
        lines = result.lines
        source = "function"
        default_name = getattr(dxdt, "__name__", "ode_system")
    else:
        lines = split_lines(dxdt)
        if not lines:
            raise ValueError(f"{context}: dxdt holds no equations")
        state_values, param_values = infer_roles(
            lines, state_values, param_values, const_values, obs, strict, context, driver_names
        )
        source = "equations"
        default_name = "ode_system"
    if name is None:
        name = default_name if default_name.isidentifier() and default_name != "<lambda>" else "ode_system"
    if not isinstance(name, str) or not name:
        raise TypeError(f"{context}: name must be a non-empty string, got {name!r}")
    return _from_parts(name, prec, lines, state_values, param_values, const_values, obs, source, driver_names,
                       event_specs, driver_samples)


def load_model(path: Union[str, os.PathLike]) -> ODESystem:
    """Reads a cubie model file (TOML: equations, states, parameters, constants,
    [solver], [memory], [sweep]); a Solver built on it starts from the file's settings.

    Raises
    ------
    ModelError (a ValueError)
        With FILE:LINE:COL, the line and a caret, as ``cubie check`` prints.
    FileNotFoundError
        The file does not exist.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"load_model: no such file: '{p}'")
    definition = _core.load_model(p)
    return ODESystem(definition, definition.source_text, "file")
