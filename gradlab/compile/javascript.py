"""A compiled plan written out as JavaScript, so a browser can redraw without the kernel.

The explorer's plans are *elementwise*: f, f', f'' and f''' of a formula such as
``a*sin(b*x)`` are built from ops that compute output point ``i`` from input point ``i``
alone (plus a few parameters, which are the same at every point). So the whole plan
can run as **one loop over the points**, with one line of scalar math per plan step::

    for (let i = 0; i < n; i++) {
      const s0 = g0[i];                 // x at point i
      const s3 = s2 * s0;               // Mul(b, x)
      const s4 = Math.sin(s3);          // Sin
      const s5 = s1 * s4;               // Mul(a, Sin)
      out0[i] = s5;
    }

That is the same plan that :mod:`gradlab.compile.plan` builds for numpy (duplicates
merged, only the needed nodes, stopped at the feeds); here each step becomes a line
instead of a numpy call. numpy stays the ground truth: each translation copies numpy's
conventions, also where ``Math`` differs (``pow(1, nan)`` is 1, ``x**0.5`` with one
number 0.5 is ``sqrt(x)``, ``sign(-0)`` is 0, ``rint`` rounds halves to even, ``mod`` takes
the sign of the divisor). The tests run the JavaScript under node and compare it with numpy
to 1e-12, nan and inf exactly; the two maths libraries may differ only in the last bit of
``sin``, ``exp``, ..., which matters only where a formula cancels.

Elementwise is a promise about shapes, and it is checked, not assumed. Every value is
either a *scalar* (shape ``()``: a parameter, a constant) or has the *grid* shape that
all array inputs share. An elementwise op keeps that true; the engine's shape
bookkeeping (``sum_to_like``, ``broadcast_like``, ``reshape_like``, ``ones_like``) is an
identity per point exactly when it keeps a value's kind, and a ``sum_to_like`` from the
grid to a scalar is a real sum over the points. Anything else (a reduction, a matmul,
a random op, control flow, a ``register_op`` op whose only definition is numpy code)
raises :class:`NoJavaScript` naming the ops, and the explorer redraws in the kernel.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.errors import GradlabError
from ..core.graph import Tensor, format_shape
from ..core.opdef import OPS
from .plan import Plan
from .step import Step


class NoJavaScript(GradlabError):
    """A plan holds ops that cannot run point by point in JavaScript; ``ops`` names them."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.ops: tuple[str, ...] = tuple(problems)
        parts = "; ".join(f"op '{op}' ({reason})" for op, reason in problems.items())
        super().__init__(f"no JavaScript for {parts}: the explorer redraws in the kernel instead")


@dataclass(frozen=True)
class JavaScriptPlan:
    """The text of one JavaScript function expression, ``(function (inputs) { ... })``.

    Call it with one entry per feed (in the order of ``inputs``): a number for a scalar,
    a ``Float64Array`` of the grid's length ``n`` for an array. It returns one
    ``Float64Array`` of length ``n`` per fetch (``n`` is 1 when no input is an array).
    """

    source: str
    inputs: tuple[str, ...]  # the names of the fed tensors, in order
    outputs: int  # the number of fetches
    steps: int  # lines of math in the loop, one per plan step that computes something


# The translation table: one line of JavaScript per op, with {0}, {1}, {2} for its
# inputs. Comparisons give 1 or 0 (numpy's True and False, as numbers), and a condition
# holds where it is not 0 (nan counts as true, as in numpy).
TRANSLATIONS: dict[str, str] = {
    "Add": "{0} + {1}", "Sub": "{0} - {1}", "Mul": "{0} * {1}", "Div": "{0} / {1}",
    "Neg": "-{0}", "Pow": "pow({0}, {1}, {2})", "Square": "{0} * {0}", "Reciprocal": "1.0 / {0}",
    "Sin": "Math.sin({0})", "Cos": "Math.cos({0})", "Tan": "Math.tan({0})",
    "Asin": "Math.asin({0})", "Acos": "Math.acos({0})", "Atan": "Math.atan({0})",
    "Sinh": "Math.sinh({0})", "Cosh": "Math.cosh({0})", "Tanh": "Math.tanh({0})",
    "Asinh": "Math.asinh({0})", "Acosh": "Math.acosh({0})", "Atanh": "Math.atanh({0})",
    "Exp": "Math.exp({0})", "Exp2": "2.0 ** {0}", "Expm1": "Math.expm1({0})",
    "Log": "Math.log({0})", "Log2": "Math.log2({0})", "Log10": "Math.log10({0})",
    "Log1p": "Math.log1p({0})", "Sqrt": "Math.sqrt({0})", "Abs": "Math.abs({0})",
    "Sign": "sign({0})", "Sigmoid": "0.5 * (Math.tanh(0.5 * {0}) + 1.0)",  # as gradlab's numpy
    "Softplus": "logaddexp(0.0, {0})", "Relu": "maximum({0}, 0.0)",
    "Atan2": "Math.atan2({0}, {1})", "Hypot": "Math.hypot({0}, {1})",
    "LogAddExp": "logaddexp({0}, {1})", "LogAddExp2": "logaddexp2({0}, {1})",
    "Maximum": "maximum({0}, {1})", "Minimum": "minimum({0}, {1})",
    "Fmax": "fmax({0}, {1})", "Fmin": "fmin({0}, {1})",
    "Floor": "Math.floor({0})", "Ceil": "Math.ceil({0})", "Trunc": "Math.trunc({0})",
    "Rint": "rint({0})", "Mod": "mod({0}, {1})", "Fmod": "{0} % {1}",  # % is C's fmod
    "FloorDiv": "floordiv({0}, {1})",
    "Less": "+({0} < {1})", "LessEqual": "+({0} <= {1})", "Greater": "+({0} > {1})",
    "GreaterEqual": "+({0} >= {1})", "Equal": "+({0} === {1})", "NotEqual": "+({0} !== {1})",
    "LogicalAnd": "+({0} !== 0 && {1} !== 0)", "LogicalOr": "+({0} !== 0 || {1} !== 0)",
    "LogicalXor": "+(({0} !== 0) !== ({1} !== 0))", "LogicalNot": "+({0} === 0)",
    "Select": "{0} !== 0 ? {1} : {2}",
    # Per point these pass a value on, or are a constant: they need no line of their own.
    "Identity": "{0}", "StopGradient": "{0}", "Cast": "{0}", "BroadcastLike": "{0}",
    "SumToLike": "{0}", "ReshapeLike": "{0}", "OnesLike": "1.0", "ZerosLike": "0.0",
}

HELPERS: dict[str, str] = {  # numpy's conventions where JavaScript's Math differs
    "pow": "const pow = (a, b, single) => single && b === 0.5 ? Math.sqrt(a) "
           ": a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : a ** b;",
    "sign": "const sign = (a) => a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : NaN;",
    "maximum": "const maximum = (a, b) => a > b || a !== a ? a : b;",
    "minimum": "const minimum = (a, b) => a < b || a !== a ? a : b;",
    "fmax": "const fmax = (a, b) => a >= b || b !== b ? a : b;",
    "fmin": "const fmin = (a, b) => a <= b || b !== b ? a : b;",
    "rint": "const rint = (a) => { const r = Math.round(a); return r - a === 0.5 && r % 2 !== 0 ? r - 1 : r; };",
    "logaddexp": "const logaddexp = (a, b) => { if (a === b) return a + Math.LN2; const d = a - b; "
                 "return d > 0 ? a + Math.log1p(Math.exp(-d)) : d <= 0 ? b + Math.log1p(Math.exp(d)) : d; };",
    "logaddexp2": "const logaddexp2 = (a, b) => { if (a === b) return a + 1; const d = a - b; return d > 0 "
                  "? a + Math.LOG2E * Math.log1p(2 ** -d) : d <= 0 ? b + Math.LOG2E * Math.log1p(2 ** d) : d; };",
    "mod": "const mod = (a, b) => { const m = a % b; if (b === 0) return m; "  # Python's a % b
           "return m === 0 ? (b < 0 ? -0 : 0) : (b < 0) !== (m < 0) ? m + b : m; };",
    "floordiv": "const floordiv = (a, b) => { if (b === 0) return a / b; const m = a % b; "
                "let d = (a - m) / b; if (m !== 0 && (b < 0) !== (m < 0)) d -= 1; "
                "if (d === 0) { const q = a / b; return q < 0 || 1 / q < 0 ? -0 : 0; } "
                "const f = Math.floor(d); return d - f > 0.5 ? f + 1 : f; };",
}

_SHAPE_STEPS = {"SumToLike": (2, 1), "ReshapeLike": (0, 1)}  # kept per point if these agree
_BOOLEAN_OPS = {"Less", "LessEqual", "Greater", "GreaterEqual", "Equal", "NotEqual", "LogicalAnd",
                "LogicalOr", "LogicalXor", "LogicalNot", "Select", "Identity", "StopGradient",
                "BroadcastLike", "SumToLike", "ReshapeLike", "OnesLike", "ZerosLike"}
_FLOAT64, _BOOL = np.dtype(np.float64), np.dtype(np.bool_)
_TABLE = {OPS[name]: template for name, template in TRANSLATIONS.items()}  # gradlab's own ops
_REASONS = {
    "CheckGradientShape": "checks the shape of a register_op gradient at run time",
    "Variable": "its value lives in the Session", "Cond": "control flow",
    "WhileLoop": "control flow", "Size": "the number of points is not a per-point value",
}


def javascript_plan(fetches: Sequence[Tensor], feeds: Sequence[Tensor]) -> JavaScriptPlan:
    """Translate the plan computing ``fetches`` from ``feeds`` into one JavaScript function.

    Raises :class:`NoJavaScript` naming every op that cannot be computed point by point.
    """
    plan = Plan(list(fetches), list(feeds))
    problems: dict[str, str] = {}
    text: dict[int, str] = {}  # slot -> a JavaScript name or number
    grid: dict[int, bool] = {}  # slot -> has the grid's shape (else a scalar)
    for node, slot in zip(feeds, plan.feed_slots):
        text[slot], grid[slot] = f"s{slot}", node.shape != ()
        if node.dtype not in (_FLOAT64, _BOOL):
            problems[node.op.name] = f"fed as {node.dtype}; JavaScript computes in float64"
    for slot, node in plan.variables:
        problems[node.op.name] = _REASONS["Variable"]

    def argument(slot: int) -> str:
        if slot not in text and slot in plan.consts:
            value = np.asarray(plan.consts[slot])
            text[slot], grid[slot] = _number(value.flat[0]), False
            if value.ndim != 0:
                problems["Const"] = f"an array of shape {format_shape(value.shape)}, not one number"
        return text.get(slot, "NaN")

    lines = []
    for step in plan.steps:
        node, args = step.node, [argument(a) for a in step.args]
        template, name = _TABLE.get(node.op), node.op.name
        reason = _refusal(step, template, grid)
        if reason:
            problems.setdefault(name, reason)
        if reason or any(a not in grid for a in step.args):  # (an input refused: named already)
            continue
        grid[step.out] = any(grid.get(a, True) for a in step.args)
        if name in _SHAPE_STEPS:
            grid[step.out] = grid[step.args[_SHAPE_STEPS[name][0]]]
        if name == "Pow":  # numpy takes x**0.5 as sqrt(x) when the 0.5 is one number
            args.append("single" if grid[step.args[1]] else "true")
        expression = template.format(*args)
        if template in ("{0}", "1.0", "0.0"):
            text[step.out] = expression
        else:
            text[step.out] = f"s{step.out}"
            lines.append(f"const s{step.out} = {expression};")
    fetched = [argument(s) if s is not None else "NaN" for s in plan.fetch_slots]
    if None in plan.fetch_slots:
        problems["Group"] = "an operation with no value"
    if problems:
        raise NoJavaScript(problems)
    source = _function(plan, grid, lines, fetched)
    return JavaScriptPlan(source, tuple(t.name for t in feeds), len(fetched), len(lines))


def _refusal(step: Step, template: str | None, grid: dict[int, bool]) -> str | None:
    """Why ``step`` cannot be a line of the per-point loop, or None if it can.

    Booleans are numbers in JavaScript (1 and 0), which is right wherever numpy mixes them
    with floats; an op that gives booleans from booleans (True + True is True) is refused."""
    node, name = step.node, step.node.op.name
    if template is None:
        if name in _REASONS or name.startswith("Random"):
            return _REASONS.get(name, "random numbers: numpy's generator is not JavaScript's")
        if node.op.broadcasting:
            return "a register_op op: gradlab knows only its numpy function"
        return "not elementwise: an output point needs more than its own input point"
    if name in _SHAPE_STEPS:
        value, like = (grid.get(step.args[i]) for i in _SHAPE_STEPS[name])
        if None not in (value, like) and value != like:
            return ("sums over the grid (a gradient with respect to a scalar)" if name == "SumToLike"
                    else "changes a value's shape")
    if node.dtype not in (_FLOAT64, _BOOL) or (node.dtype == _BOOL and name not in _BOOLEAN_OPS):
        return f"computes in {node.dtype} in numpy; JavaScript computes in float64"
    return None


def _number(value: Any) -> str:
    """A number as JavaScript source that reads back as exactly the same float64."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "(-Infinity)"
    return f"({value!r})" if math.copysign(1.0, value) < 0 else repr(value)


def _function(plan: Plan, grid: dict[int, bool], lines: list[str], fetched: list[str]) -> str:
    """The function around the loop: helpers, checks of the inputs, the loop, the outputs.

    The source holds only slot numbers, numbers and the fixed texts of the tables
    above: nothing a student typed (not even a parameter's name) reaches it.
    """
    body = "\n".join(lines)
    used = [code for name, code in HELPERS.items() if re.search(rf"\b{name}\(", body)]
    count = len(plan.feed_slots)
    head = ['"use strict";', *used,
            (f'if (inputs.length !== {count}) throw new TypeError("this plan takes {count} '
             f'inputs, not " + inputs.length);')]
    arrays = []
    for k, slot in enumerate(plan.feed_slots):
        if grid[slot]:  # a number stands for a grid of one point
            head.append(f'const g{k} = typeof inputs[{k}] === "number" ? [inputs[{k}]] : inputs[{k}];')
            arrays.append(k)
        else:
            head += [f"const s{slot} = inputs[{k}];",
                     f'if (typeof s{slot} !== "number") throw new TypeError("input {k} must be a number");']
    head.append(f"const n = {f'g{arrays[0]}.length' if arrays else '1'};")
    if arrays and "single)" in body:  # every value is a single number, not an array
        head.append(f'const single = typeof inputs[{arrays[0]}] === "number";')
    for k in arrays[1:]:  # numpy would broadcast a scalar against the grid, and sum it back
        head.append(f'if (g{k}.length !== n || typeof inputs[{k}] !== typeof inputs[{arrays[0]}]) '
                    'throw new TypeError("the array inputs must all be arrays of one length, '
                    'or all numbers");')
    outputs = ", ".join(f"out{j}" for j in range(len(fetched)))
    if fetched:
        head.append("const " + ", ".join(f"out{j} = new Float64Array(n)" for j in range(len(fetched))) + ";")
    loop = [f"const s{plan.feed_slots[k]} = g{k}[i];" for k in arrays] + lines
    loop += [f"out{j}[i] = {value};" for j, value in enumerate(fetched)]
    indent = "\n    "
    return ("(function (inputs) {\n  " + "\n  ".join(head)
            + "\n  for (let i = 0; i < n; i++) {" + indent + indent.join(loop) + "\n  }"
            + f"\n  return [{outputs}];\n}})")
