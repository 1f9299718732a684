"""CellML 1.0/1.1/2.0 models as cubie systems, read with the ``libcellml`` package.

libcellml parses the file (resolving imports), validates it and analyses it into
states, constants, computed constants, algebraic variables and equations in a
computable order; this module writes those equations in cubie's equation language.
Variables with a differential equation become states (initial values from the file);
plain numbers become constants, or parameters when listed in ``parameters``; values
defined by expressions become auxiliaries, saved when listed in ``observables``.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ._equations import FUNCTIONS
from ._function_translator import LANGUAGE_RESERVED, constant_name_allowed
from .system import ODESystem, PrecisionLike, _from_parts, precision_name

# Below this |x| the removable singularity of x / (exp(x) - 1) is evaluated by its series
# (relative error x^3/24 < 5e-11 there; the direct form loses digits to cancellation).
_SERIES_BELOW = 1e-3


def _lib():
    try:
        import libcellml
    except ImportError:
        raise ImportError(
            "load_cellml_model needs the libcellml package: pip install libcellml (or pip install cubie[cellml])"
        ) from None
    return libcellml


def _issues(logger, what: str, path: str) -> None:
    errors = [logger.error(i).description() for i in range(logger.errorCount())]
    if errors:
        shown = "\n  ".join(errors[:10])
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        raise ValueError(f"load_cellml_model: {path}: {what} found {len(errors)} error(s):\n  {shown}{more}")


class _Expr:
    __slots__ = ("text", "cond")

    def __init__(self, text: str, cond: bool = False):
        self.text, self.cond = text, cond


class _Writer:
    """One libcellml AST node -> equation-language text."""

    def __init__(self, lib, names: Dict[int, str], voi, fix_singularities: bool, path: str):
        self.T = lib.AnalyserEquationAst.Type
        self.names = names  # id(variable key) -> our name
        self.voi = voi
        self.fix = fix_singularities
        self.path = path
        self.key = None  # set by the loader: variable -> key

    def num(self, e: _Expr) -> str:
        return f"ifelse({e.text}, 1, 0)" if e.cond else e.text

    def cond(self, e: _Expr) -> str:
        return e.text if e.cond else f"({e.text} != 0)"

    def n(self, node) -> str:
        return self.num(self.expr(node))

    def expr(self, node) -> _Expr:
        T = self.T
        t = node.type()
        L, R = node.leftChild(), node.rightChild()
        if t == T.CN:
            v = float(node.value())
            # Whole numbers as integers: integer powers then become multiplications.
            return _Expr(str(int(v)) if v.is_integer() and abs(v) < 2**31 else repr(v))
        if t == T.CI:
            var = node.variable()
            if self.voi is not None and self.key(var) == self.key(self.voi):
                return _Expr("t")
            name = self.names.get(self.key(var))
            if name is None:
                raise ValueError(f"load_cellml_model: {self.path}: variable {var.name()!r} has no value")
            return _Expr(name)
        if t == T.PLUS:
            return _Expr(self.n(L) if R is None else f"({self.n(L)} + {self.n(R)})")
        if t == T.MINUS:
            return _Expr(f"(-{self.n(L)})" if R is None else f"({self.n(L)} - {self.n(R)})")
        if t == T.TIMES:
            return _Expr(f"({self.n(L)} * {self.n(R)})")
        if t == T.DIVIDE:
            if self.fix:
                fixed = self.singular_division(L, R)
                if fixed is not None:
                    return _Expr(fixed)
            return _Expr(f"({self.n(L)} / {self.n(R)})")
        if t == T.POWER:
            return _Expr(f"({self.n(L)} ^ {self.n(R)})")
        if t == T.ROOT:
            if R is None:
                return _Expr(f"sqrt({self.n(L)})")
            degree = L.leftChild() if L.type() == T.DEGREE else L
            return _Expr(f"({self.n(R)} ^ (1.0 / {self.n(degree)}))")
        if t == T.ABS:
            return _Expr(f"abs({self.n(L)})")
        if t == T.EXP:
            return _Expr(f"exp({self.n(L)})")
        if t == T.LN:
            return _Expr(f"log({self.n(L)})")
        if t == T.LOG:
            if R is None:
                return _Expr(f"log10({self.n(L)})")
            base = L.leftChild() if L.type() == T.LOGBASE else L
            return _Expr(f"(log({self.n(R)}) / log({self.n(base)}))")
        if t == T.CEILING:
            return _Expr(f"ceil({self.n(L)})")
        if t == T.FLOOR:
            return _Expr(f"floor({self.n(L)})")
        if t in (T.MIN, T.MAX):
            f = "min" if t == T.MIN else "max"
            return _Expr(self.n(L) if R is None else f"{f}({self.n(L)}, {self.n(R)})")
        if t == T.REM:
            a, b = self.n(L), self.n(R)
            q = f"({a} / {b})"
            return _Expr(f"({a} - {b} * ifelse({q} < 0, ceil({q}), floor({q})))")
        simple = {T.SIN: "sin", T.COS: "cos", T.TAN: "tan", T.SINH: "sinh", T.COSH: "cosh", T.TANH: "tanh",
                  T.ASIN: "asin", T.ACOS: "acos", T.ATAN: "atan"}
        if t in simple:
            return _Expr(f"{simple[t]}({self.n(L)})")
        x = None if L is None else self.n(L)
        derived = {
            T.SEC: f"(1 / cos({x}))", T.CSC: f"(1 / sin({x}))", T.COT: f"(1 / tan({x}))",
            T.SECH: f"(1 / cosh({x}))", T.CSCH: f"(1 / sinh({x}))", T.COTH: f"(1 / tanh({x}))",
            T.ASEC: f"acos(1 / {x})", T.ACSC: f"asin(1 / {x})", T.ACOT: f"atan(1 / {x})",
            T.ASINH: f"log({x} + sqrt({x} ^ 2 + 1))", T.ACOSH: f"log({x} + sqrt({x} ^ 2 - 1))",
            T.ATANH: f"(0.5 * log((1 + {x}) / (1 - {x})))", T.ASECH: f"log((1 + sqrt(1 - {x} ^ 2)) / {x})",
            T.ACSCH: f"log(1 / {x} + sqrt(1 / {x} ^ 2 + 1))", T.ACOTH: f"(0.5 * log(({x} + 1) / ({x} - 1)))",
        }
        if t in derived:
            return _Expr(derived[t])
        compare = {T.EQ: "==", T.NEQ: "!=", T.LT: "<", T.LEQ: "<=", T.GT: ">", T.GEQ: ">="}
        if t in compare:
            return _Expr(f"({self.n(L)} {compare[t]} {self.n(R)})", cond=True)
        if t in (T.AND, T.OR):
            w = "and" if t == T.AND else "or"
            return _Expr(f"({self.cond(self.expr(L))} {w} {self.cond(self.expr(R))})", cond=True)
        if t == T.XOR:
            a, b = self.cond(self.expr(L)), self.cond(self.expr(R))
            return _Expr(f"(({a} and (not {b})) or ((not {a}) and {b}))", cond=True)
        if t == T.NOT:
            return _Expr(f"(not {self.cond(self.expr(L))})", cond=True)
        if t == T.TRUE:
            return _Expr("(0 < 1)", cond=True)
        if t == T.FALSE:
            return _Expr("(1 < 0)", cond=True)
        if t == T.PI:
            return _Expr(repr(math.pi))
        if t == T.E:
            return _Expr(repr(math.e))
        if t == T.NAN:
            return _Expr("sqrt(-1.0)")
        if t == T.PIECEWISE:
            return _Expr(self.piecewise(node))
        raise ValueError(f"load_cellml_model: {self.path}: MathML element {node.typeAsString()!r} is not supported")

    def piecewise(self, node) -> str:
        T = self.T
        t = node.type()
        if t == T.PIECEWISE:
            L, R = node.leftChild(), node.rightChild()
            if R is None:
                return self.piecewise(L)
            if L.type() == T.PIECE:
                value, cond = self.n(L.leftChild()), self.cond(self.expr(L.rightChild()))
                return f"ifelse({cond}, {value}, {self.piecewise(R)})"
            return self.piecewise(L)
        if t == T.PIECE:
            value, cond = self.n(node.leftChild()), self.cond(self.expr(node.rightChild()))
            return f"ifelse({cond}, {value}, sqrt(-1.0))"  # no otherwise: NaN, as MathML says
        if t == T.OTHERWISE:
            return self.n(node.leftChild())
        return self.n(node)

    def singular_division(self, num, den) -> Optional[str]:
        """N / (exp(X) - 1) and N / (1 - exp(X)) with X -> 0 (Goldman-Hodgkin-Katz rates):
        below |X| = 1e-3 the denominator is evaluated as X (1 + X/2 + X^2/6)."""
        T = self.T
        if den.type() != T.MINUS or den.rightChild() is None:
            return None
        a, b = den.leftChild(), den.rightChild()

        def is_one(node):
            return node.type() == T.CN and float(node.value()) == 1.0

        if a.type() == T.EXP and is_one(b):
            x, sign = self.n(a.leftChild()), ""
        elif is_one(a) and b.type() == T.EXP:
            x, sign = self.n(b.leftChild()), "-"
        else:
            return None
        n = self.n(num)
        series = f"({sign}({x}) * (1 + ({x}) / 2 + ({x}) ^ 2 / 6))"
        direct = f"({self.n(den)})"
        return f"({n} / ifelse(abs({x}) < {_SERIES_BELOW!r}, {series}, {direct}))"


def load_cellml_model(
    path,
    precision: PrecisionLike = np.float32,
    name: Optional[str] = None,
    parameters: Optional[Sequence[str]] = None,
    observables: Optional[Sequence[str]] = None,
    fix_singularities: bool = True,
    voltage_variable: Optional[str] = None,
    show_gui: bool = False,
) -> ODESystem:
    """Loads a CellML model (1.0, 1.1 or 2.0) as a system (the design's function).

    Parameters
    ----------
    path
        The ``.cellml`` file; imports are resolved relative to it.
    precision
        ``np.float32`` (default) or ``np.float64``.
    name
        The system's name; default the file name without its extension.
    parameters
        Names of constants to make parameters (values that may differ per run).
    observables
        Names of computed values (algebraic variables) to save with the states.
    fix_singularities
        Evaluate removable singularities ``N / (exp(X) - 1)`` by their series near X = 0.
    voltage_variable
        Accepted for the design's signature; the rewrite above needs no voltage name
        (a name that is not a variable of the model is an error).
    show_gui
        The design's interactive editor; not available (NotImplementedError).

    Names are the CellML variable names; a name used by several components becomes
    ``component_name``. Raises ValueError for parse, validation or analysis errors
    (libcellml's messages), DAE or algebraic-only models, and unknown names.
    """
    if show_gui:
        raise NotImplementedError("load_cellml_model: show_gui is not available in cubie")
    lib = _lib()
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"load_cellml_model: path must be a string or a path, got {type(path).__name__}")
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"load_cellml_model: no such file: '{p}'")
    text = p.read_text(encoding="utf-8")
    is_cellml2 = "http://www.cellml.org/cellml/2.0#" in text
    parser = lib.Parser(is_cellml2)
    model = parser.parseModel(text)
    _issues(parser, "parsing", str(p))
    if model.hasUnresolvedImports():
        importer = lib.Importer(is_cellml2)
        importer.resolveImports(model, str(p.parent.resolve()) + os.sep)
        _issues(importer, "resolving imports", str(p))
        model = importer.flattenModel(model)
    validator = lib.Validator()
    validator.validateModel(model)
    _issues(validator, "validation", str(p))
    analyser = lib.Analyser()
    analyser.analyseModel(model)
    _issues(analyser, "analysis", str(p))
    am = analyser.analyserModel()
    MT = lib.AnalyserModel.Type
    if am.type() != MT.ODE:
        raise ValueError(
            f"load_cellml_model: {p}: the model is {am.typeAsString(am.type()) if hasattr(am, 'typeAsString') else am.type()}"
            ", not a system of ODEs; cubie integrates ODE models (states with differential equations)"
        )

    def key(var):
        return (var.parent().name(), var.name())

    # Unique names: the variable's own, or component_variable when several share it.
    counts: Dict[str, int] = {}
    all_vars = []
    for av in list(am.states()) + list(am.constants()) + list(am.computedConstants()) + list(
        am.algebraicVariables()
    ):
        all_vars.append(av)
        counts[av.variable().name()] = counts.get(av.variable().name(), 0) + 1
    names: Dict[Tuple[str, str], str] = {}
    used = set()
    for av in all_vars:
        v = av.variable()
        base = v.name() if counts[v.name()] == 1 else f"{v.parent().name()}_{v.name()}"
        base = re.sub(r"[^A-Za-z0-9_]", "_", base)
        if not re.match(r"[A-Za-z]", base):
            base = "v_" + base
        if base in LANGUAGE_RESERVED or (av.type() == lib.AnalyserVariable.Type.CONSTANT
                                          and not constant_name_allowed(base)):
            base = "v_" + base.lstrip("_")
        candidate, k = base, 2
        while candidate in used:
            candidate, k = f"{base}_{k}", k + 1
        used.add(candidate)
        names[key(v)] = candidate
    # A derivative dNAME must not be mistaken for another variable: rename variables
    # that look like the derivative of a state.
    state_names = {names[key(av.variable())] for av in am.states()}
    for k_, n in list(names.items()):
        if n.startswith("d") and n[1:] in state_names and n not in state_names:
            new, k = n + "_", 2
            while new in used:
                new, k = f"{n}_{k}", k + 1
            used.add(new)
            names[k_] = new

    by_name = {names[key(av.variable())]: av for av in all_vars}
    cellml_name = {}
    for av in all_vars:
        cellml_name.setdefault(av.variable().name(), names[key(av.variable())])

    def resolve(n: str, what: str) -> str:
        if n in by_name:
            return n
        if n in cellml_name:
            return cellml_name[n]
        raise KeyError(
            f"load_cellml_model: {what}: {n!r} is not a variable of {p.name}; variables are "
            f"{', '.join(sorted(by_name))}"
        )

    param_names = [resolve(n, "parameters") for n in (parameters or [])]
    obs_names = [resolve(n, "observables") for n in (observables or [])]
    if voltage_variable is not None:
        resolve(voltage_variable, "voltage_variable")
    VT = lib.AnalyserVariable.Type
    for n in param_names:
        if by_name[n].type() != VT.CONSTANT:
            raise ValueError(
                f"load_cellml_model: parameters: {n!r} is computed by the model, not a number it sets; only "
                "constants can become parameters"
            )
    for n in obs_names:
        if by_name[n].type() == VT.STATE:
            raise ValueError(f"load_cellml_model: observables: {n!r} is a state (states are always saved)")
        if by_name[n].type() == VT.CONSTANT:
            raise ValueError(f"load_cellml_model: observables: {n!r} is a constant, not a computed value")

    def number(var) -> float:
        """A constant's value, following initial values that name another variable."""
        seen = set()
        while True:
            iv = var.initialValue()
            try:
                return float(iv)
            except ValueError:
                pass
            if not iv or key(var) in seen:
                raise ValueError(f"load_cellml_model: {p}: variable {var.name()!r} has no numeric initial value")
            seen.add(key(var))
            other = var.parent().variable(iv)
            if other is None:
                raise ValueError(f"load_cellml_model: {p}: initial value {iv!r} of {var.name()!r} is not a variable")
            var = other

    states: Dict[str, float] = {}
    for av in am.states():
        init = av.initialisingVariable() or av.variable()
        states[names[key(av.variable())]] = number(init)
    params: Dict[str, float] = {}
    consts: Dict[str, float] = {}
    for av in am.constants():
        n = names[key(av.variable())]
        (params if n in param_names else consts)[n] = number(av.variable())

    writer = _Writer(lib, names, am.voi().variable() if am.voi() is not None else None, fix_singularities, str(p))
    writer.key = key
    ET = lib.AnalyserEquation.Type
    aux_lines: List[str] = []
    deriv: Dict[str, str] = {}
    ET = lib.AnalyserEquation.Type
    equations = list(am.analyserEquations())
    # Auxiliaries in an order where each follows what it uses (the equation language
    # reads top to bottom); derivatives last.
    ordered, done, visiting = [], set(), set()

    def visit(eq):
        i = id_of(eq)
        if i in done:
            return
        if i in visiting:
            raise ValueError(f"load_cellml_model: {p}: the model's equations depend on each other in a cycle")
        visiting.add(i)
        for dep in eq.dependencies():
            if dep.type() in (ET.ALGEBRAIC, ET.COMPUTED_CONSTANT):
                visit(dep)
        visiting.discard(i)
        done.add(i)
        ordered.append(eq)

    def id_of(eq):
        a = eq.ast()
        lhs = a.leftChild()
        while lhs is not None and lhs.type() != writer.T.CI:
            lhs = lhs.rightChild() or lhs.leftChild()
        return (eq.type(), key(lhs.variable()) if lhs is not None else id(eq))

    for eq in equations:
        visit(eq)
    for eq in ordered:
        ast = eq.ast()
        lhs, rhs = ast.leftChild(), ast.rightChild()
        if eq.type() == ET.ODE:
            # d(state)/d(voi) = rhs: the state is the CI under DIFF.
            target = lhs.rightChild() if lhs.type() == writer.T.DIFF else lhs
            while target is not None and target.type() != writer.T.CI:
                target = target.rightChild() or target.leftChild()
            deriv[names[key(target.variable())]] = writer.n(rhs)
        elif eq.type() in (ET.ALGEBRAIC, ET.COMPUTED_CONSTANT):
            if lhs.type() != writer.T.CI:
                raise ValueError(f"load_cellml_model: {p}: an equation is not solved for a variable")
            aux_lines.append(f"{names[key(lhs.variable())]} = {writer.n(rhs)}")
        elif eq.type() == ET.CONSTANT:
            continue
        else:
            raise ValueError(
                f"load_cellml_model: {p}: equations of type {eq.typeAsString(eq.type())} (nonlinear algebraic "
                "systems, external variables) are not supported"
            )
    missing = [s for s in states if s not in deriv]
    if missing:
        raise ValueError(f"load_cellml_model: {p}: no differential equation for state(s) {', '.join(missing)}")
    lines = aux_lines + [f"d{s} = {deriv[s]}" for s in states]
    return _from_parts(
        name or re.sub(r"[^A-Za-z0-9_]", "_", p.stem), precision_name(precision), lines, states, params, consts,
        obs_names, "cellml",
    )
