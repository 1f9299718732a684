"""The design's settings groups and keyword routing, onto the engine's settings.

``Solver`` takes ``step_control_settings``, ``algorithm_settings``, ``output_settings``,
``memory_settings`` and ``loop_settings`` dicts, and every key of every group as a flat
keyword too. A key no group knows is a ``KeyError`` that names it (with the closest
valid key); a key in the wrong dict is a ``KeyError`` naming the group it belongs to.
"""

from __future__ import annotations

import difflib
from typing import Any, Dict, Iterable, Mapping, Optional, Set, Tuple

STEP_CONTROL_KEYS = frozenset(
    {
        "step_controller", "dt", "dt_min", "dt_max", "atol", "rtol", "safety", "min_gain", "max_gain",
        "kp", "ki", "kd", "deadband_min", "deadband_max", "newton_target_iters", "max_steps",
    }
)
# Options of implicit methods (Newton/Krylov), accepted as the design does. The Newton keys
# configure the Newton families (dirk, firk); linear_solver and KRYLOV_KEYS the Newton-Krylov
# solves of KRYLOV_FAMILIES; DESIGN_ONLY_KEYS are the design's and read by no method here.
# Solver._report_not_applicable says which of those given a method does not use.
ALGORITHM_KEYS = frozenset(
    {
        "newton_atol", "newton_rtol", "newton_max_iters", "linear_solver", "krylov_atol", "krylov_rtol",
        "krylov_max_iters", "krylov_residual_reduction", "krylov_residual_floor", "linear_correction_type",
        "preconditioner_type", "preconditioner_order", "beta", "gamma", "auto_passes",
    }
)
# The engine's Krylov settings (solver_settings.hpp), used where the linear solver is not the LU.
KRYLOV_KEYS = frozenset({"krylov_atol", "krylov_rtol", "krylov_max_iters", "preconditioner_type", "preconditioner_order"})
DESIGN_ONLY_KEYS = frozenset({"krylov_residual_reduction", "krylov_residual_floor", "linear_correction_type", "beta", "gamma"})
# The families whose Newton iterations can solve through a Krylov method (the engine's rule:
# resolve_newton in src/batch/step_control.cpp refuses another linear_solver elsewhere).
KRYLOV_FAMILIES = ("dirk", "firk")
OUTPUT_KEYS = frozenset(
    {
        "output_types", "save_variables", "summarise_variables", "saved_state_indices",
        "saved_observable_indices", "summarised_state_indices", "summarised_observable_indices",
        "save_counters", "max_events", "save_event_states",
    }
)
LOOP_KEYS = frozenset(
    {"save_every", "summarise_every", "sample_summaries_every", "save_last", "save_initial", "land_on_samples",
     "event_tolerance"}
)
MEMORY_KEYS = frozenset(
    {
        "allocator", "mem_proportion", "stream_group", "pinned_pool_bytes", "host_budget_bytes",
        "min_chunks", "max_chunk_runs", "pinned_results", "staging_ring", "devices", "host_staging",
    }
)
# cubie's own: where and how the engine runs.
ENGINE_KEYS = frozenset({"backend", "cpu_threads", "precision", "max_registers", "auto_memory"})

GROUPS = {
    "step_control_settings": STEP_CONTROL_KEYS,
    "algorithm_settings": ALGORITHM_KEYS,
    "output_settings": OUTPUT_KEYS,
    "loop_settings": LOOP_KEYS,
    "memory_settings": MEMORY_KEYS,
}
ALL_KEYS = frozenset().union(*GROUPS.values(), ENGINE_KEYS)

RENAMED = {"dt_save": "save_every", "dt_summarise": "summarise_every", "dt_update_summaries": "sample_summaries_every"}

# The design's summary metrics: requested through output_types.
SUMMARY_METRICS = frozenset(
    {
        "mean", "std", "rms", "max", "min", "extrema", "max_magnitude", "peaks", "negative_peaks",
        "dxdt_max", "dxdt_min", "dxdt_extrema", "d2xdt2_max", "d2xdt2_min", "d2xdt2_extrema",
        "mean_std", "std_rms", "mean_std_rms",
    }
)
TIME_DOMAIN_OUTPUTS = frozenset({"state", "observables", "time", "iteration_counters"})


def _suggest(key: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, sorted(valid), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown_key_error(key: str, where: str, valid: Iterable[str]) -> KeyError:
    if key in RENAMED:
        return KeyError(f"{where}: {key!r} was renamed: use {RENAMED[key]!r}")
    return KeyError(f"{where}: unknown setting {key!r}{_suggest(key, valid)}")


def route(
    kwargs: Mapping[str, Any], groups: Mapping[str, Optional[Mapping[str, Any]]], where: str
) -> Dict[str, Any]:
    """One flat dict of every setting given, from the group dicts and loose keywords.

    A loose keyword wins over the same key in a dict (it is the more specific call)."""
    merged: Dict[str, Any] = {}
    for group, values in groups.items():
        if values is None:
            continue
        if not isinstance(values, Mapping):
            raise TypeError(f"{where}: {group} must be a dict, got {type(values).__name__}")
        valid = GROUPS[group]
        for k, v in values.items():
            if k not in valid:
                owner = next((g for g, keys in GROUPS.items() if k in keys), None)
                if owner is not None:
                    raise KeyError(f"{where}: {k!r} belongs in {owner}, not {group}")
                raise unknown_key_error(k, f"{where}: {group}", valid)
            merged[k] = v
    for k, v in kwargs.items():
        if k not in ALL_KEYS:
            raise unknown_key_error(k, where, ALL_KEYS)
        merged[k] = v
    return merged


def group_of(key: str) -> str:
    for g, keys in GROUPS.items():
        if key in keys:
            return g
    return "engine"


# ---- value checks: what and where ----------------------------------------------
def as_devices(key: str, v: Any) -> list:
    """``"all"`` (every visible GPU: ``[]`` for the engine) or a list of device numbers."""
    if isinstance(v, str):
        if v.strip().lower() != "all":
            raise ValueError(f"{key} = {v!r}; use \"all\" or a list of device numbers such as [0, 1]")
        return []
    if isinstance(v, bool) or isinstance(v, (int, float)):
        v = [v]
    try:
        items = list(v)
    except TypeError:
        raise TypeError(f"{key}: expected \"all\" or a list of device numbers, got {v!r}") from None
    if not items:
        raise ValueError(f"{key} = []; give \"all\" or at least one device number")
    out = []
    for d in items:
        if isinstance(d, bool) or not float(d).is_integer():
            raise TypeError(f"{key}: device numbers are integers, got {d!r}")
        d = int(d)
        if d < 0:
            raise ValueError(f"{key}: device numbers start at 0, got {d}")
        if d in out:
            raise ValueError(f"{key}: device {d} is listed twice")
        out.append(d)
    return out



def as_float(key: str, v: Any, *, allow_none: bool = False) -> Optional[float]:
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or v is None:
        raise TypeError(f"{key}: expected a number, got {v!r}")
    try:
        return float(v)
    except (TypeError, ValueError):
        raise TypeError(f"{key}: expected a number, got {v!r}") from None


def as_int(key: str, v: Any) -> int:
    if isinstance(v, bool):
        raise TypeError(f"{key}: expected an integer, got {v!r}")
    try:
        f = float(v)
        i = int(v)
    except (TypeError, ValueError):
        raise TypeError(f"{key}: expected an integer, got {v!r}") from None
    if f != i:
        raise ValueError(f"{key}: expected an integer, got {v!r}")
    return i


def as_tolerance(key: str, v: Any, n_states: int):
    import numpy as np

    if isinstance(v, bool) or v is None:
        raise TypeError(f"{key}: expected a number or one number per state, got {v!r}")
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{key}: expected a number or one number per state, got {v!r}") from None
    if a.ndim == 0:
        return [float(a)]
    if a.ndim != 1 or a.size not in (1, n_states):
        raise ValueError(f"{key}: give one value or one per state ({n_states}); got shape {a.shape}")
    return [float(x) for x in a]


def as_bool(key: str, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    try:
        import numpy as np

        if isinstance(v, np.bool_):
            return bool(v)
    except ImportError:  # pragma: no cover
        pass
    raise TypeError(f"{key}: expected True or False, got {v!r}")


def as_auto_passes(key: str, v: Any) -> int:
    """1, 2, or ``"default"`` / None (0 for the engine: CUBIE_AUTO_PASSES, else 2 on CUDA and
    1 on the CPU)."""
    allowed = '1 (one kernel), 2 (an explicit pass, then the runs that turned stiff) or "default"'
    if v is None or (isinstance(v, str) and v == "default"):
        return 0
    if isinstance(v, str):
        raise ValueError(f"{key} = {v!r} is not allowed: use {allowed}")
    n = as_int(key, v)
    if n not in (1, 2):
        raise ValueError(f"{key} = {n} is not allowed: use {allowed}")
    return n


def as_str(key: str, v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError(f"{key}: expected a string, got {v!r}")
    return v


def as_names(key: str, v: Any) -> Tuple[str, ...]:
    if isinstance(v, str):
        return (v,)
    try:
        names = tuple(v)
    except TypeError:
        raise TypeError(f"{key}: expected a list of names, got {v!r}") from None
    for n in names:
        if not isinstance(n, str):
            raise TypeError(f"{key}: expected names (strings), got {n!r}")
    return names


def as_indices(key: str, v: Any, n: int) -> Tuple[int, ...]:
    import numpy as np

    try:
        a = np.asarray(v)
    except (TypeError, ValueError):
        raise TypeError(f"{key}: expected a list of integer indices, got {v!r}") from None
    if a.ndim == 0:
        a = a.reshape(1)
    if a.size and not np.issubdtype(a.dtype, np.integer):
        raise TypeError(f"{key}: expected integer indices, got {v!r}")
    out = []
    for i in a.tolist():
        if not 0 <= i < n:
            raise IndexError(f"{key}: index {i} is outside [0, {n})")
        out.append(int(i))
    return tuple(out)


def changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> Set[str]:
    return {k for k in set(old) | set(new) if old.get(k, _MISSING) is not new.get(k, _MISSING)}


_MISSING = object()
