"""Equation text of cubie's model language: the names it uses, roles inferred the way
the design does, and the model file (TOML) the engine's own parser reads.

The engine parses and checks the equations; this module only finds which names are
states (``dNAME = ...``), which right-hand-side names nobody declared (inferred as
parameters with a warning, an error under ``strict``), and writes the model text.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

FUNCTIONS = frozenset(
    "sin cos tan asin acos atan atan2 sinh cosh tanh exp log log10 sqrt abs pow min max "
    "floor ceil ifelse".split()
)
OPERATOR_WORDS = frozenset({"and", "or", "not"})

_NUMBER = r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_TOKEN = re.compile(rf"(?P<number>{_NUMBER})|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<other>\S)")


class InferredParameterWarning(UserWarning):
    """A name in the equations was not declared and became a parameter (default 0.0)."""


def split_lines(dxdt) -> List[str]:
    """The equation lines of a string (one assignment a line) or an iterable of strings."""
    if isinstance(dxdt, str):
        text = dxdt
    else:
        try:
            parts = list(dxdt)
        except TypeError:
            raise TypeError(
                f"dxdt: expected equation text, a list of equation lines or a function, "
                f"got {type(dxdt).__name__}"
            ) from None
        for i, p in enumerate(parts):
            if not isinstance(p, str):
                raise TypeError(f"dxdt[{i}]: expected a string, got {type(p).__name__}")
        text = "\n".join(parts)
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    # Drop leading and trailing blank lines (docstring-style indentation is common).
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _code(line: str) -> str:
    hash_at = line.find("#")
    return line if hash_at < 0 else line[:hash_at]


def assignments(lines: Sequence[str]) -> List[Tuple[int, str, List[str]]]:
    """(line number, assigned name, names used on the right) for each assignment line.

    Lines that are not ``NAME = ...`` are left to the engine's parser, which reports them
    with line and column.
    """
    out = []
    for number, line in enumerate(lines, start=1):
        code = _code(line)
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$", code)
        if not m:
            continue
        rhs_names = [t.group("name") for t in _TOKEN.finditer(m.group(2)) if t.group("name")]
        out.append((number, m.group(1), rhs_names))
    return out


def infer_roles(
    lines: Sequence[str],
    states: Optional[Dict[str, float]],
    parameters: Dict[str, float],
    constants: Dict[str, float],
    observables: Sequence[str],
    strict: bool,
    context: str,
    drivers: Sequence[str] = (),
) -> Tuple[Dict[str, float], Dict[str, float]]:
    """States (declared, or inferred from ``dNAME = ...``) and parameters (declared plus
    every undeclared right-hand-side name, with a warning; an error under ``strict``)."""
    parsed = assignments(lines)
    used = {name for _, _, names in parsed for name in names}
    if states is None:
        # dNAME defines state NAME when NAME is used somewhere, or when dNAME itself is
        # used nowhere and is not an observable (an auxiliary nobody reads is pointless).
        states = {}
        for _, lhs, _ in parsed:
            if len(lhs) > 1 and lhs[0] == "d" and lhs not in observables:
                base = lhs[1:]
                if base in parameters or base in constants:
                    continue
                if base in used or lhs not in used:
                    states.setdefault(base, 0.0)
        if not states:
            raise ValueError(
                f"{context}: no states: write each derivative as 'dNAME = ...' or declare states="
            )
    assigned = {lhs for _, lhs, _ in parsed}
    known = set(states) | set(parameters) | set(constants) | set(drivers) | assigned | FUNCTIONS | OPERATOR_WORDS | {"t"}
    undeclared = []
    for _, _, names in parsed:
        for n in names:
            if n not in known and n not in undeclared:
                undeclared.append(n)
    if undeclared and strict:
        raise ValueError(
            f"{context}: undeclared name{'s' if len(undeclared) > 1 else ''} "
            f"{', '.join(repr(n) for n in undeclared)} (strict=True); declare "
            f"{'them' if len(undeclared) > 1 else 'it'} in states=, parameters= or constants="
        )
    parameters = dict(parameters)
    if undeclared:
        warnings.warn(
            f"{context}: {', '.join(repr(n) for n in undeclared)} "
            f"{'were' if len(undeclared) > 1 else 'was'} not declared; inferred as "
            f"parameter{'s' if len(undeclared) > 1 else ''} with default 0.0 "
            "(declare them, or pass strict=True to make this an error)",
            InferredParameterWarning,
            stacklevel=4,
        )
        for n in undeclared:
            parameters[n] = 0.0
    return dict(states), parameters


def _toml_float(v: float) -> str:
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(v)


def _toml_key(name: str) -> str:
    return json.dumps(name)


def model_text(
    name: str,
    precision: str,
    equations: Sequence[str],
    states: Dict[str, float],
    parameters: Dict[str, float],
    constants: Dict[str, float],
    observables: Sequence[str],
    drivers: Sequence[str] = (),
    events: Optional[Mapping[str, Mapping[str, Any]]] = None,
) -> str:
    """A model file (TOML) for the engine's parser. The equations come first, so
    equation line k is file line k + 1 (see relocate_error). Drivers are declared with a
    placeholder signal: their samples come with each solve (Solver.solve(drivers=...))."""
    body = "\n".join(equations)
    if "'''" in body:
        raise ValueError("dxdt: equations must not contain three single quotes (''')")
    out = ["equations = '''", body, "'''"]
    out.append(f"name = {json.dumps(name)}")
    out.append(f"precision = {json.dumps(precision)}")
    out.append("observables = [" + ", ".join(json.dumps(o) for o in observables) + "]")
    for section, values in (("states", states), ("parameters", parameters), ("constants", constants)):
        out.append(f"[{section}]")
        for k, v in values.items():
            out.append(f"{_toml_key(k)} = {_toml_float(v)}")
    if drivers:
        out.append("[drivers]")
        out.append("dt = 1.0")
        for d in drivers:
            out.append(f"{_toml_key(d)} = [0.0, 0.0]")
    for name, spec in (events or {}).items():
        out.append(f"[events.{_toml_key(name)}]")
        for key, value in spec.items():
            out.append(f"{_toml_key(key)} = {json.dumps(value)}")
    return "\n".join(out) + "\n"


def relocate_error(message: str, source_name: str, n_equation_lines: int) -> str:
    """Rewrites the engine's FILE:LINE:COL for generated model text: equation lines
    become lines of the user's equations, anything else loses the meaningless line."""
    m = re.match(re.escape(source_name) + r":(\d+):(\d+): ", message)
    if not m:
        return message
    line = int(m.group(1)) - 1
    rest = message[m.end():]
    if 1 <= line <= n_equation_lines:
        # The quoted line's gutter carries the file's line number too.
        rest = re.sub(r"(?m)^(\s*)(\d+)( \| )", lambda g: f"{g.group(1)}{int(g.group(2)) - 1}{g.group(3)}", rest)
        return f"{source_name}, equation line {line}, column {m.group(2)}: {rest}"
    return f"{source_name}: {rest}"


def normalize_values(values, what: str, context: str) -> Dict[str, float]:
    """A dict of name -> default from a dict, a list of names (defaults 0.0) or None."""
    if values is None:
        return {}
    if isinstance(values, str):
        raise TypeError(f"{context}: {what} must be a dict of name -> default or a list of names, not a string")
    if isinstance(values, dict):
        out = {}
        for k, v in values.items():
            if not isinstance(k, str):
                raise TypeError(f"{context}: {what} names must be strings, got {k!r}")
            try:
                out[k] = float(_first_value(v))
            except (TypeError, ValueError):
                raise TypeError(f"{context}: {what}[{k!r}] = {v!r} is not a number") from None
        return out
    try:
        names = list(values)
    except TypeError:
        raise TypeError(
            f"{context}: {what} must be a dict of name -> default or a list of names, "
            f"got {type(values).__name__}"
        ) from None
    out = {}
    for n in names:
        if not isinstance(n, str):
            raise TypeError(f"{context}: {what} names must be strings, got {n!r}")
        if n in out:
            raise ValueError(f"{context}: {what}: {n!r} is listed twice")
        out[n] = 0.0
    return out


def _first_value(v):
    """A default from a number or the first element of an array (design: solve_ivp dicts)."""
    try:
        import numpy as np

        a = np.asarray(v)
        if a.ndim == 0:
            return a.item()
        if a.size == 0:
            raise ValueError("empty")
        return a.flat[0]
    except ImportError:  # pragma: no cover - numpy is a dependency
        return v


def check_disjoint(groups: Iterable[Tuple[str, Iterable[str]]], context: str) -> None:
    """Each name has one role."""
    seen: Dict[str, str] = {}
    for role, names in groups:
        for n in names:
            if n in seen and seen[n] != role:
                raise ValueError(f"{context}: {n!r} is declared both as {seen[n]} and as {role}")
            seen[n] = role
