"""A Python right-hand side ``f(t, y, p)`` turned into cubie's equation language.

cubie never calls the function: it reads its source (``inspect``), walks the syntax
tree and writes one equation line per intermediate value and one ``dNAME = ...`` per
returned derivative, which the engine's parser and code generator then compile like a
model file. What is understood:

- arguments: time first, the state second, then either one container of named values
  (``p.a``, ``p["a"]``, ``p[0]`` in parameter order) or scalars bound by name to declared
  parameters or constants (SciPy's ``args=`` style: ``f(t, y, mu)``);
- states by attribute ``y.x``, name ``y["x"]`` or index ``y[0]`` (negative too);
- assignments (also ``a, b = e1, e2`` and ``x += e``), ``if``/``elif``/``else`` blocks
  (both sides computed, chosen per run with ``ifelse``), ``a if c else b``;
- arithmetic ``+ - * / ** // %``, comparisons, ``and or not``, numbers, ``math``/``numpy``
  constants and functions (``np.sin``, ``math.exp``, ``np.where``, ``np.clip``, ...);
- ``return [dx, dy]`` (list, tuple, ``np.array([...])``) in state order, or a dict keyed
  by state name.

Anything else (loops, calls of your own functions, closures, globals) is an error that
names the line of your function and what to do instead.
"""

from __future__ import annotations

import ast
import inspect
import math
import textwrap
import warnings
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ._equations import FUNCTIONS, OPERATOR_WORDS, InferredParameterWarning

# numpy/math names -> (language function, arity or None for any)
_CALLS = {
    "sin": "sin", "cos": "cos", "tan": "tan",
    "arcsin": "asin", "asin": "asin", "arccos": "acos", "acos": "acos",
    "arctan": "atan", "atan": "atan", "arctan2": "atan2", "atan2": "atan2",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "exp": "exp", "log": "log", "log10": "log10", "sqrt": "sqrt",
    "abs": "abs", "fabs": "abs", "absolute": "abs",
    "pow": "pow", "power": "pow",
    "floor": "floor", "ceil": "ceil",
    "min": "min", "minimum": "min", "fmin": "min",
    "max": "max", "maximum": "max", "fmax": "max",
}
_MODULES = {"np", "numpy", "math"}
_MODULE_CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}

# Names the generated C++ uses or reserves for constants (kept in step with
# src/models/model_names.cpp); auxiliaries avoid them too, to stay readable.
_CONSTANT_RESERVED = set(
    """alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
    char32_t class compl concept const consteval constexpr constinit const_cast continue co_await
    co_return co_yield decltype default delete do double dynamic_cast else enum explicit export
    extern false float for friend goto if inline int long mutable namespace new noexcept not not_eq
    nullptr operator or or_eq private protected public register reinterpret_cast requires return
    short signed sizeof static static_assert static_cast struct switch template this thread_local
    throw true try typedef typeid typename union unsigned using virtual void volatile wchar_t while
    xor xor_eq NULL NAN INFINITY HUGE_VAL EOF errno S y p dydt out rhs observables name n_states
    n_parameters n_observables state_names parameter_names observable_names mask_and mask_or
    mask_not select cubie""".split()
)
# Names no variable may take: the time and the equation language's own words.
LANGUAGE_RESERVED = {"t"} | set(FUNCTIONS) | set(OPERATOR_WORDS)
_RESERVED = _CONSTANT_RESERVED | LANGUAGE_RESERVED


def constant_name_allowed(name: str) -> bool:
    """Whether the engine accepts `name` for a constant (a C++ member of generated code)."""
    return not (
        name in _RESERVED or name.startswith("_") or "__" in name or name.startswith("M_")
        or name.startswith("CUBIE_")
    )


class _Expr:
    """A translated expression: its text and whether it is a number or a condition."""

    __slots__ = ("text", "cond", "leaf")

    def __init__(self, text: str, cond: bool = False, leaf: bool = False):
        self.text, self.cond, self.leaf = text, cond, leaf


class TranslationResult:
    def __init__(self, lines, states, inferred, observables_found):
        self.lines: List[str] = lines
        self.states: Dict[str, float] = states
        self.inferred: List[str] = inferred
        self.observables_found: List[str] = observables_found


class _Translator:
    def __init__(self, func, tree, states, parameters, constants, observables, strict, where):
        self.func = func
        self.tree = tree
        self.where = where  # (filename, first line) for messages
        self.states = states  # list of names or None (synthesised from indices)
        self.parameters = list(parameters)
        self.constants = list(constants)
        self.observables = list(observables)
        self.strict = strict
        self.inferred: List[str] = []
        self.lines: List[str] = []
        self.env: Dict[str, object] = {}  # local -> _Expr or list of _Expr
        self.emitted: set = set()
        self.max_state_index = -1

    # ---- messages ---------------------------------------------------------------
    def fail(self, node, message, exc=ValueError):
        filename, first = self.where
        line = getattr(node, "lineno", None)
        at = f"{filename}:{first + line - 1}" if line is not None else filename
        raise exc(f"{at}: in {self.func.__name__}(): {message}")

    # ---- names ------------------------------------------------------------------
    def declared(self) -> set:
        return set(self.states or []) | set(self.parameters) | set(self.constants) | set(self.inferred)

    def taken(self, name: str) -> bool:
        states = self.states or []
        return (
            name in self.emitted
            or name in _RESERVED
            or name in self.declared()
            or (name.startswith("d") and name[1:] in states)
            or (name in self.observables)
        )

    def fresh(self, base: str) -> str:
        if not self.taken(base):
            return base
        k = 2
        while self.taken(f"{base}_{k}"):
            k += 1
        return f"{base}_{k}"

    def emit(self, base: str, value: _Expr, name: Optional[str] = None) -> _Expr:
        if value.cond or value.leaf:
            return value  # conditions cannot be auxiliaries; leaves are cheaper inline
        name = name or self.fresh(base)
        self.emitted.add(name)
        self.lines.append(f"{name} = {value.text}")
        return _Expr(name, leaf=True)

    def named_value(self, node, key: str) -> _Expr:
        if key in self.parameters or key in self.constants or key in self.inferred:
            return _Expr(key, leaf=True)
        if self.states and key in self.states:
            self.fail(node, f"{key!r} is a state; read it from the state argument")
        if self.strict:
            self.fail(node, f"{key!r} is not a declared parameter or constant (strict=True); declare it")
        self.inferred.append(key)
        return _Expr(key, leaf=True)

    def state(self, node, key) -> _Expr:
        if isinstance(key, int) and not isinstance(key, bool):
            if self.states is None:
                if key < 0:
                    self.fail(node, "negative state index with no states= to count from; declare states=")
                self.max_state_index = max(self.max_state_index, key)
                return _Expr(f"y{key}", leaf=True)
            n = len(self.states)
            if not -n <= key < n:
                self.fail(node, f"state index {key} is out of range for {n} states {self.states}", IndexError)
            return _Expr(self.states[key], leaf=True)
        if isinstance(key, str):
            if self.states is None:
                self.fail(node, f"state {key!r} accessed by name, but no states= were declared")
            if key not in self.states:
                self.fail(node, f"unknown state {key!r}; states are {', '.join(self.states)}", KeyError)
            return _Expr(key, leaf=True)
        self.fail(node, "a state index must be a constant integer or name")

    # ---- expressions ------------------------------------------------------------
    def num(self, e: _Expr) -> str:
        return f"ifelse({e.text}, 1, 0)" if e.cond else e.text

    def cond(self, e: _Expr) -> str:
        return e.text if e.cond else f"({e.text} != 0)"

    def expr(self, node) -> _Expr:
        m = getattr(self, "x_" + type(node).__name__, None)
        if m is None:
            self.fail(node, f"{type(node).__name__} expressions are not supported in an ODE right-hand side")
        return m(node)

    def x_Constant(self, node):
        v = node.value
        if isinstance(v, bool):
            return _Expr("(0 < 1)" if v else "(1 < 0)", cond=True)
        if isinstance(v, int):
            return _Expr(str(v) if abs(v) < 2**53 else repr(float(v)), leaf=True)
        if isinstance(v, float):
            if not math.isfinite(v):
                self.fail(node, f"the number {v} is not finite")
            return _Expr(repr(v), leaf=True)
        self.fail(node, f"the constant {v!r} is not a number")

    def x_Name(self, node):
        n = node.id
        if n in self.env:
            v = self.env[n]
            if isinstance(v, list):
                self.fail(node, f"{n!r} is a list; index it with a constant or return it")
            return v
        if n == self.t_name:
            return _Expr("t", leaf=True)
        if n in self.scalar_args:
            return self.named_value(node, n)
        if n in self.container_args or n == self.y_name:
            self.fail(node, f"{n!r} is used whole; read one value from it ({n}.name, {n}['name'] or {n}[0])")
        if self.states and n in self.states:
            return _Expr(n, leaf=True)
        if n in self.parameters or n in self.constants:
            return _Expr(n, leaf=True)
        self.fail(
            node,
            f"{n!r} is not an argument, a local value or a declared name; cubie reads the function's "
            f"source, not its closure or globals: declare {n!r} in parameters= or constants=",
            NameError,
        )

    def _module_attr(self, node) -> Optional[str]:
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in _MODULES:
            if node.value.id not in self.env and node.value.id not in self.arg_names:
                return node.attr
        return None

    def x_Attribute(self, node):
        const = self._module_attr(node)
        if const is not None:
            if const in _MODULE_CONSTANTS:
                return _Expr(repr(_MODULE_CONSTANTS[const]), leaf=True)
            self.fail(node, f"{node.value.id}.{const} is not a constant cubie knows (pi, e, tau)")
        if isinstance(node.value, ast.Name):
            base = node.value.id
            if base == self.y_name:
                return self.state(node, node.attr)
            if base in self.container_args:
                return self.named_value(node, node.attr)
        self.fail(node, "attribute access other than state.NAME, values.NAME or np.pi is not supported")

    def x_Subscript(self, node):
        key_node = node.slice
        if not isinstance(node.value, ast.Name):
            self.fail(node, "only the state and value arguments can be indexed")
        base = node.value.id
        key = None
        if isinstance(key_node, ast.Constant) and isinstance(key_node.value, (int, str)):
            key = key_node.value
        elif isinstance(key_node, ast.UnaryOp) and isinstance(key_node.op, ast.USub) and isinstance(
            key_node.operand, ast.Constant
        ) and isinstance(key_node.operand.value, int):
            key = -key_node.operand.value
        if key is None:
            self.fail(node, "an index must be a constant integer or a name in quotes")
        if base == self.y_name:
            return self.state(node, key)
        if base in self.container_args:
            if isinstance(key, str):
                return self.named_value(node, key)
            if not -len(self.parameters) <= key < len(self.parameters):
                self.fail(
                    node,
                    f"{base}[{key}] is out of range: values are indexed in parameter order "
                    f"({', '.join(self.parameters) or 'no parameters'})",
                    IndexError,
                )
            return _Expr(self.parameters[key], leaf=True)
        if base in self.env and isinstance(self.env[base], list) and isinstance(key, int):
            items = self.env[base]
            if not -len(items) <= key < len(items):
                self.fail(node, f"{base}[{key}] is out of range ({len(items)} items)", IndexError)
            return items[key]
        self.fail(node, f"{base!r} cannot be indexed")

    def x_BinOp(self, node):
        a, b = self.num(self.expr(node.left)), self.num(self.expr(node.right))
        op = type(node.op)
        if op is ast.Add:
            return _Expr(f"({a} + {b})")
        if op is ast.Sub:
            return _Expr(f"({a} - {b})")
        if op is ast.Mult:
            return _Expr(f"({a} * {b})")
        if op is ast.Div:
            return _Expr(f"({a} / {b})")
        if op is ast.Pow:
            return _Expr(f"({a} ^ {b})")
        if op is ast.FloorDiv:
            return _Expr(f"floor({a} / {b})")
        if op is ast.Mod:
            return _Expr(f"({a} - {b} * floor({a} / {b}))")
        self.fail(node, f"the operator {op.__name__} is not supported")

    def x_UnaryOp(self, node):
        v = self.expr(node.operand)
        if isinstance(node.op, ast.USub):
            return _Expr(f"(-{self.num(v)})")
        if isinstance(node.op, ast.UAdd):
            return v
        if isinstance(node.op, ast.Not):
            return _Expr(f"(not {self.cond(v)})", cond=True)
        self.fail(node, "bitwise inversion (~) is not supported")

    _COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}

    def x_Compare(self, node):
        parts = []
        left = self.num(self.expr(node.left))
        for op, right_node in zip(node.ops, node.comparators):
            sym = self._COMPARE.get(type(op))
            if sym is None:
                self.fail(node, f"the comparison {type(op).__name__} is not supported")
            right = self.num(self.expr(right_node))
            parts.append(f"({left} {sym} {right})")
            left = right
        text = parts[0] if len(parts) == 1 else "(" + " and ".join(parts) + ")"
        return _Expr(text, cond=True)

    def x_BoolOp(self, node):
        word = "and" if isinstance(node.op, ast.And) else "or"
        return _Expr("(" + f" {word} ".join(self.cond(self.expr(v)) for v in node.values) + ")", cond=True)

    def x_IfExp(self, node):
        c = self.cond(self.expr(node.test))
        return _Expr(f"ifelse({c}, {self.num(self.expr(node.body))}, {self.num(self.expr(node.orelse))})")

    def x_Call(self, node):
        if node.keywords:
            self.fail(node, "keyword arguments in calls are not supported")
        fname = None
        if isinstance(node.func, ast.Name) and node.func.id not in self.env:
            fname = node.func.id
        else:
            fname = self._module_attr(node.func)
        if fname is None:
            self.fail(node, "only math and numpy functions can be called (np.sin, math.exp, abs, min, ...)")
        args = [self.expr(a) for a in node.args]
        nums = lambda: [self.num(a) for a in args]  # noqa: E731

        def arity(n):
            if len(args) != n:
                self.fail(node, f"{fname}() takes {n} argument{'s' if n != 1 else ''}, got {len(args)}")

        if fname in ("min", "max", "minimum", "maximum", "fmin", "fmax"):
            if len(args) < 2:
                self.fail(node, f"{fname}() needs at least two arguments (it is per run, not over an array)")
            f = _CALLS[fname]
            vals = nums()
            text = vals[0]
            for v in vals[1:]:
                text = f"{f}({text}, {v})"
            return _Expr(text)
        if fname in ("float",):
            arity(1)
            return _Expr(nums()[0])
        if fname == "where":
            arity(3)
            return _Expr(f"ifelse({self.cond(args[0])}, {self.num(args[1])}, {self.num(args[2])})")
        if fname == "clip":
            arity(3)
            x, lo, hi = nums()
            return _Expr(f"min(max({x}, {lo}), {hi})")
        if fname == "square":
            arity(1)
            return _Expr(f"({nums()[0]} ^ 2)")
        if fname in ("exp2",):
            arity(1)
            return _Expr(f"pow(2, {nums()[0]})")
        if fname == "log2":
            arity(1)
            return _Expr(f"(log({nums()[0]}) / {repr(math.log(2.0))})")
        if fname == "hypot":
            arity(2)
            a, b = nums()
            return _Expr(f"sqrt({a} ^ 2 + {b} ^ 2)")
        if fname == "sign":
            arity(1)
            x = nums()[0]
            return _Expr(f"ifelse({x} > 0, 1, ifelse({x} < 0, -1, 0))")
        if fname in _CALLS:
            f = _CALLS[fname]
            arity(2 if f in ("atan2", "pow") else 1)
            return _Expr(f"{f}({', '.join(nums())})")
        self.fail(node, f"{fname}() is not a function cubie knows; the equation language has "
                        f"{', '.join(sorted(FUNCTIONS - {'ifelse'}))} (numpy/math spellings too)")

    def x_List(self, node):
        self.fail(node, "a list can only be assigned to a name or returned")

    x_Tuple = x_List

    # ---- statements -------------------------------------------------------------
    def assign(self, node, name: str, value):
        if name in (self.t_name, self.y_name) or name in self.arg_names:
            self.fail(node, f"cannot assign to the argument {name!r}")
        if isinstance(value, list):
            self.env[name] = value
            return
        if name in self.observables:
            self.env[name] = self.emit(name, value, name=self.fresh(name + "_value"))
        else:
            self.env[name] = self.emit(name, value)

    def value_of(self, node):
        """An expression, or a list of them for list/tuple/np.array literals."""
        if isinstance(node, ast.Name) and node.id == self.y_name and node.id not in self.env:
            if self.states is None:
                self.fail(node, f"unpacking {node.id} needs states= to know how many there are")
            return [_Expr(s, leaf=True) for s in self.states]
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.expr(e) for e in node.elts]
        if (
            isinstance(node, ast.Call)
            and self._module_attr(node.func) in ("array", "asarray", "hstack", "stack")
            and len(node.args) == 1
            and isinstance(node.args[0], (ast.List, ast.Tuple))
        ):
            return [self.expr(e) for e in node.args[0].elts]
        return self.expr(node)

    def block(self, body) -> Optional[list]:
        """Runs statements; returns the derivatives if the block returns."""
        for i, st in enumerate(body):
            if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant) and isinstance(st.value.value, str):
                continue  # docstring or string statement
            if isinstance(st, ast.Pass):
                continue
            if isinstance(st, ast.Return):
                if i != len(body) - 1:
                    self.fail(body[i + 1], "code after return")
                if st.value is None:
                    self.fail(st, "return the derivatives, in state order (a list) or by state name (a dict)")
                return self.derivatives(st.value)
            if isinstance(st, ast.Assign):
                value = self.value_of(st.value)
                for target in st.targets:
                    self.assign_target(st, target, value)
                continue
            if isinstance(st, ast.AnnAssign):
                if st.value is None or not isinstance(st.target, ast.Name):
                    self.fail(st, "an annotation without a value assigns nothing")
                self.assign(st, st.target.id, self.value_of(st.value))
                continue
            if isinstance(st, ast.AugAssign):
                if not isinstance(st.target, ast.Name):
                    self.fail(st, "augmented assignment works on plain names only")
                current = ast.copy_location(ast.Name(id=st.target.id, ctx=ast.Load()), st)
                binop = ast.copy_location(ast.BinOp(left=current, op=st.op, right=st.value), st)
                self.assign(st, st.target.id, self.expr(binop))
                continue
            if isinstance(st, ast.If):
                result = self.if_block(st)
                if result is not None:
                    if i != len(body) - 1:
                        self.fail(body[i + 1], "code after an if/else whose branches both return")
                    return result
                continue
            self.fail(
                st,
                f"{type(st).__name__} statements are not supported (use assignments, if/else and return; "
                "loops and function calls of your own cannot become equations)",
            )
        return None

    def assign_target(self, node, target, value):
        if isinstance(target, ast.Name):
            self.assign(node, target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            if not isinstance(value, list) or len(value) != len(target.elts):
                self.fail(node, "unpacking needs as many values as names (a, b = e1, e2)")
            for t, v in zip(target.elts, value):
                self.assign_target(node, t, v)
        else:
            self.fail(node, "only plain names can be assigned")

    def if_block(self, node):
        c = self.cond(self.expr(node.test))
        before = dict(self.env)
        r_body = self.block(node.body)
        env_body = self.env
        self.env = dict(before)
        r_else = self.block(node.orelse) if node.orelse else None
        env_else = self.env
        if (r_body is None) != (r_else is None):
            self.fail(node, "return in one branch of an if/else only: return in both or after the if")
        merged = dict(before)
        for name in dict.fromkeys(list(env_body) + list(env_else)):
            a, b = env_body.get(name), env_else.get(name)
            if a is b:
                merged[name] = a
                continue
            if a is None or b is None:
                self.fail(node, f"{name!r} is assigned in only one branch and has no value before the if")
            if isinstance(a, list) or isinstance(b, list):
                self.fail(node, f"{name!r} is a list in a branch; assign numbers in branches")
            if a.cond and b.cond:
                merged[name] = _Expr(f"(({c} and {a.text}) or ((not {c}) and {b.text}))", cond=True)
            else:
                v = _Expr(f"ifelse({c}, {self.num(a)}, {self.num(b)})")
                merged[name] = v if name in self.observables else self.emit(name, v)
        self.env = merged
        if r_body is not None:
            return [ifelse_expr(c, a, b, self) for a, b in zip(r_body, r_else)]
        return None

    def derivatives(self, node):
        if isinstance(node, ast.Dict):
            out = {}
            for k, v in zip(node.keys, node.values):
                if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                    self.fail(node, "a returned dict must be keyed by state names in quotes")
                if self.states is None or k.value not in self.states:
                    self.fail(node, f"{k.value!r} is not a state ({', '.join(self.states or [])})", KeyError)
                out[k.value] = self.expr(v)
            missing = [s for s in self.states if s not in out]
            if missing:
                self.fail(node, f"no derivative returned for {', '.join(missing)}")
            return [out[s] for s in self.states]
        value = self.value_of(node)
        if not isinstance(value, list):
            self.fail(node, "return a list (or tuple, or dict) of the derivatives")
        return value

    # ---- the whole function -----------------------------------------------------
    def run(self) -> TranslationResult:
        fdef = self.tree
        a = fdef.args
        if a.vararg or a.kwarg or a.kwonlyargs:
            self.fail(fdef, "*args, **kwargs and keyword-only arguments are not supported: name each value")
        names = [x.arg for x in a.posonlyargs + a.args]
        if len(names) < 2:
            self.fail(fdef, "the function must take (t, y, ...): time, then the state")
        self.arg_names = set(names)
        self.t_name, self.y_name = names[0], names[1]
        extra = names[2:]
        used_as_container = set()
        for node in ast.walk(fdef):
            if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name):
                used_as_container.add(node.value.id)
        self.container_args = [n for n in extra if n in used_as_container]
        self.scalar_args = [n for n in extra if n not in used_as_container]
        for n in self.scalar_args:
            self.named_value(fdef, n)  # bound by name; inferred (with a warning) if undeclared

        derivs = self.block(fdef.body)
        if derivs is None:
            self.fail(fdef, "the function never returns the derivatives")
        if self.states is None:
            self.states = [f"y{i}" for i in range(max(len(derivs), self.max_state_index + 1))]
        if len(derivs) != len(self.states):
            self.fail(
                fdef,
                f"returns {len(derivs)} derivatives for {len(self.states)} states ({', '.join(self.states)})",
            )
        for name in self.observables:
            v = self.env.get(name)
            if v is None or isinstance(v, list):
                self.fail(fdef, f"observable {name!r} is not a value assigned in the function")
            if v.cond:
                v = _Expr(self.num(v))
            self.emitted.add(name)
            self.lines.append(f"{name} = {v.text}")
        for s, d in zip(self.states, derivs):
            self.lines.append(f"d{s} = {self.num(d)}")
        return TranslationResult(self.lines, self.states, self.inferred, list(self.observables))


def ifelse_expr(c: str, a: _Expr, b: _Expr, tr: _Translator) -> _Expr:
    return _Expr(f"ifelse({c}, {tr.num(a)}, {tr.num(b)})")


def translate_function(
    func: Callable,
    states: Optional[Sequence[str]],
    parameters: Sequence[str],
    constants: Sequence[str],
    observables: Sequence[str],
    strict: bool,
) -> TranslationResult:
    """Translates ``func`` into equation lines (see the module docstring)."""
    try:
        source = inspect.getsource(func)
        filename = inspect.getsourcefile(func) or "<function>"
        _, first_line = inspect.getsourcelines(func)
    except (OSError, TypeError) as e:
        raise ValueError(
            f"cannot read the source of {getattr(func, '__name__', func)!r} ({e}); cubie translates the "
            "function's source, so define it in a file or a notebook cell (not with exec or python -c), "
            "or pass the equations as text"
        ) from None
    tree = ast.parse(textwrap.dedent(source))
    fdef = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))), None)
    if isinstance(fdef, ast.Lambda) or fdef is None:
        raise ValueError(
            f"{filename}:{first_line}: lambdas cannot be translated reliably; write the right-hand side with def"
        )
    tr = _Translator(
        func, fdef, list(states) if states is not None else None, parameters, constants, observables, strict,
        (filename, first_line),
    )
    result = tr.run()
    if result.inferred:
        warnings.warn(
            f"{func.__name__}(): {', '.join(repr(n) for n in result.inferred)} "
            f"{'were' if len(result.inferred) > 1 else 'was'} not declared; inferred as "
            f"parameter{'s' if len(result.inferred) > 1 else ''} with default 0.0 "
            "(declare them, or pass strict=True to make this an error)",
            InferredParameterWarning,
            stacklevel=4,
        )
    return result
