"""Checks for learners: is autodiff right, and is *my* derivative right?

* :func:`check_gradients` compares gradlab's derivative of order k with a central
  difference, ``(f(x + h) - f(x - h)) / 2h``, of its derivative of order k - 1.
  Central differences are the independent witness: they use only values, never
  gradient rules. Use it to test an op you registered yourself.
* :func:`check_derivative` compares a derivative you wrote by hand with the one
  gradlab computes, and says where they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..core.ops import sin
from .expr import as_expression
from .markup import ERROR, GOOD, escape


def _as_derivatives(f: Any) -> Callable[[np.ndarray, int], np.ndarray]:
    """A function ``(points, k) -> f^(k)(points)`` for a string, Expression or function."""
    expression = as_expression(f)
    if expression.parameters:
        raise ValueError(f"give the parameters {expression.parameters} numbers first, e.g. "
                         f"lambda t: ... , or a formula without parameters")
    return lambda points, k: expression.derivative(k)(points)


def forward_difference(f: Callable[[np.ndarray], np.ndarray], x: Any, h: float) -> np.ndarray:
    """The slope of the line through (x, f(x)) and (x + h, f(x + h)): ``(f(x+h) - f(x)) / h``.

    Its error shrinks like h (truncation) until rounding, which grows like 1/h, takes over.
    """
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x)) / h


def central_difference(f: Callable[[np.ndarray], np.ndarray], x: Any, h: float) -> np.ndarray:
    """The slope through (x - h, f(x - h)) and (x + h, f(x + h)): ``(f(x+h) - f(x-h)) / 2h``.

    Symmetric, so the h-squared terms of the Taylor series cancel: the error shrinks like h**2.
    """
    x = np.asarray(x, dtype=np.float64)
    return (f(x + h) - f(x - h)) / (2 * h)


def check_gradients(f: Any, x: Any, order: int = 1, h: float | None = None) -> float:
    """The largest difference between gradlab's ``order``-th derivative of ``f`` and a central
    difference of its ``(order-1)``-th, at the points ``x`` (float64).

    ``f`` may be a formula (``"sin(x)**2"``), an :class:`Expression`, or a function of
    a tensor such as ``lambda t: gl.sin(t) ** 2``. A result near 1e-8 or below means
    the two agree; a wrong gradient rule shows up as a difference of order 1.
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"order must be 1, 2, 3, ..., not {order!r}")
    points = np.atleast_1d(np.asarray(x, dtype=np.float64))
    nth = _as_derivatives(f)
    step = h if h is not None else 1e-6 * np.maximum(1.0, np.abs(points))
    autodiff = nth(points, order)
    numeric = (nth(points + step, order - 1) - nth(points - step, order - 1)) / (2 * step)
    return float(np.max(np.abs(autodiff - numeric)))


@dataclass
class DerivativeCheck:
    """The verdict of :func:`check_derivative`: truthy when the derivatives match."""

    ok: bool
    message: str
    x: np.ndarray
    yours: np.ndarray
    expected: np.ndarray

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return ("✓ " if self.ok else "✗ ") + self.message

    def _repr_html_(self) -> str:
        colour = GOOD if self.ok else ERROR
        mark = "✓" if self.ok else "✗"
        return f'<p style="color:{colour}"><b>{mark}</b> {escape(self.message)}</p>'


def _fmt(value: float) -> str:
    """Six significant digits: enough to see a difference in the fourth."""
    return f"{value:.6g}"


def _shape_problem(raw: Any, points: np.ndarray) -> tuple[np.ndarray | None, str]:
    """The learner's answer as floats of the points' shape, or None and what is wrong with it.
    A single number stands for the same value at every point (a constant derivative)."""
    try:
        array = np.asarray(raw)
    except Exception as err:  # a tensor, say: it has no value until it runs
        return None, f"your function returned something that is not numbers ({type(err).__name__}: {err})"
    if array.dtype.kind not in "fiu":
        what = {"b": "True/False values", "c": "complex numbers"}.get(array.dtype.kind, f"{array.dtype} values")
        return None, f"your function returned {what}; return real numbers, one per point of x"
    if array.ndim and array.shape != points.shape:
        return None, (f"your function returned an array of shape {array.shape}, but x has shape "
                      f"{points.shape}: return one value per point of x")
    return np.broadcast_to(array.astype(np.float64), points.shape), ""


def _how_far(yours: float, expected: float) -> str:
    """How yours is off at one point, without giving the right value away."""
    if not np.isfinite(yours):
        return f"yours is {yours}, where the derivative is a finite number"
    if yours * expected < 0:
        return f"yours is {_fmt(yours)}, which has the wrong sign"
    # "too large" of a negative number would be ambiguous (-0.42 is smaller than -0.33, and
    # larger in size): below zero the message says which way from 0 instead
    if expected > 0 or (expected == 0 and yours > 0):
        way = "too large" if abs(yours) > abs(expected) else "too small"
    else:
        way = "too far from 0" if abs(yours) > abs(expected) else "too close to 0"
    if expected == 0:
        return f"yours is {_fmt(yours)}, {way} by {abs(yours):.2g}"
    return f"yours is {_fmt(yours)}, {way} by {abs(yours - expected) / abs(expected):.2g} (relative)"


def check_derivative(student_fn: Callable[[np.ndarray], Any] | None, expr: Any,
                     x_range: tuple[float, float] = (-3.0, 3.0), n: int = 201,
                     rtol: float = 1e-6, atol: float = 1e-8) -> DerivativeCheck:
    """Does ``student_fn`` (your hand-written derivative, a numpy function) match the
    derivative of ``expr`` at ``n`` evenly spaced points of ``x_range``?

    A point matches when yours is within ``atol + rtol * |derivative|`` of the
    derivative gradlab computes. Your function must return one value per point (an
    array of x's shape), or a single number for a constant derivative. Returns a
    :class:`DerivativeCheck`, truthy when every point matches. Its message names the
    point where yours is worst, with yours to six digits and which way it is off
    (``"differs at 12 of 201 points of [1.3, 2]; worst at x = 1.5695: yours is -0.999997,
    too close to 0 by 0.5 (relative)"``; below zero it says "too far from 0" or "too close to
    0", above it "too large" or "too small"); it never shows the right answer. Points where the true
    derivative is not finite (outside the domain) are skipped.
    """
    lo, hi = float(x_range[0]), float(x_range[1])
    if not lo < hi:
        raise ValueError(f"x_range must go from low to high, got {x_range!r}")
    points = np.linspace(lo, hi, n)
    nothing = np.full_like(points, np.nan)
    if student_fn is None:  # an exercise cell not filled in yet
        return DerivativeCheck(False, "not answered yet: write your function in the cell above "
                               "(or load the solution with %load)", points, nothing, nothing)
    with np.errstate(all="ignore"):
        expected = _as_derivatives(expr)(points, 1)
        try:
            raw = student_fn(points)
        except Exception as err:  # the learner's own code: report, do not crash the lesson
            return DerivativeCheck(False, f"your function raised {type(err).__name__}: {err}",
                                   points, nothing, expected)
        yours, problem = _shape_problem(raw, points)
        if yours is None:
            return DerivativeCheck(False, problem, points, nothing, expected)
    message = _compare_on_points(yours, expected, points, rtol, atol)
    where = f"[{_fmt(lo)}, {_fmt(hi)}]"
    if message is None:
        return DerivativeCheck(True, f"matches on {where}", points, yours, expected)
    return DerivativeCheck(False, message.format(where=where), points, yours, expected)


def _mismatch(yours: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
              valid: Any) -> tuple[np.ndarray, int | None]:
    """Which entries (of 1-D arrays) are off by more than ``atol + rtol * |expected|``, among
    the ``valid`` ones, and the worst of them (None when none is off)."""
    with np.errstate(all="ignore"):
        ratio = np.abs(yours - expected) / (atol + rtol * np.abs(expected))
        bad = valid & ~(ratio <= 1)  # (a nan of yours is bad too)
    if not bad.any():
        return bad, None
    return bad, int(np.argmax(np.where(bad, np.nan_to_num(ratio, nan=np.inf), -1.0)))


def _compare_on_points(yours: np.ndarray, expected: np.ndarray, points: np.ndarray, rtol: float,
                       atol: float) -> str | None:
    """None when yours matches wherever the right values are finite; else how many points
    differ and the worst one ("{where}" is left for the caller to fill in)."""
    bad, i = _mismatch(yours, expected, rtol, atol, np.isfinite(expected))
    if i is None:
        return None
    return (f"differs at {int(bad.sum())} of {len(points)} points of {{where}}; worst at "
            f"x = {_fmt(points[i])}: {_how_far(yours[i], expected[i])}")


def _verdict(yours: Any, expected: np.ndarray, what: str, rtol: float, atol: float) -> DerivativeCheck:
    """Compare an answer with the right values: None, type and shape first, then the worst
    entry, named by its index, with which way it is off (never the right value)."""
    expected = np.asarray(expected, dtype=np.float64)
    nothing = np.full(expected.shape, np.nan)
    if yours is None:
        return DerivativeCheck(False, f"not answered yet: set {what} above", nothing, nothing, expected)
    try:
        array = np.asarray(yours)
    except Exception as err:
        return DerivativeCheck(False, f"{what} is not numbers ({type(err).__name__}: {err})",
                               nothing, nothing, expected)
    if array.dtype.kind not in "fiu":
        return DerivativeCheck(False, f"{what} holds {array.dtype} values; it should hold real numbers",
                               nothing, nothing, expected)
    if array.shape != expected.shape:
        return DerivativeCheck(False, f"{what} has shape {array.shape}, but the answer has shape "
                               f"{expected.shape}", nothing, nothing, expected)
    array = array.astype(np.float64)
    bad, flat = _mismatch(array.ravel(), expected.ravel(), rtol, atol, True)
    if flat is None:
        return DerivativeCheck(True, f"{what} is right", nothing, array, expected)
    index = np.unravel_index(flat, expected.shape) if expected.shape else ()
    where = f" at index {list(map(int, index))}" if expected.shape else ""
    count = f"{int(bad.sum())} of {expected.size} entries differ; " if expected.size > 1 else ""
    message = f"{count}{what} is off{where}: {_how_far(float(array[index]), float(expected[index]))}"
    return DerivativeCheck(False, message, nothing, array, expected)


def check_answer(yours: Any, expected: Any, what: str = "your answer", rtol: float = 1e-6,
                 atol: float = 1e-8) -> DerivativeCheck:
    """Is ``yours`` (a number or an array a learner computed) equal to ``expected``?

    Checks, in order, that there is an answer, that it holds real numbers, that its
    shape is the answer's shape (no broadcasting: a (3,) answer for a (2, 3) gradient is
    wrong), and then the values. A failure names the worst entry and says which way it
    is off, and never shows the right value."""
    return _verdict(yours, np.asarray(expected, dtype=np.float64), what, rtol, atol)


def check_formula(yours: Any, expr: Any, order: int = 0, x_range: tuple[float, float] = (-3.0, 3.0),
                  n: int = 61) -> DerivativeCheck:
    """Is the formula ``yours`` (text, such as ``"120*x"``) equal to the ``order``-th derivative
    of ``expr``? They are compared as functions, at ``n`` points of ``x_range``, so any way of
    writing the same function passes."""
    lo, hi = float(x_range[0]), float(x_range[1])
    points = np.linspace(lo, hi, n)
    nothing = np.full_like(points, np.nan)
    with np.errstate(all="ignore"):
        expected = np.broadcast_to(_as_derivatives(expr)(points, order), points.shape)
    if yours is None:
        return DerivativeCheck(False, "not answered yet: write your formula above", points, nothing,
                               expected)
    try:
        with np.errstate(all="ignore"):
            values = np.broadcast_to(np.asarray(_as_derivatives(yours)(points, 0), dtype=np.float64),
                                     points.shape)
    except Exception as err:  # a typo: say what is wrong and keep the lesson going
        return DerivativeCheck(False, f"your formula could not be used: {err}", points, nothing,
                               expected)
    message = _compare_on_points(values, expected, points, 1e-6, 1e-8)
    if message is None:
        return DerivativeCheck(True, "your formula is right", points, values, expected)
    return DerivativeCheck(False, "your formula " + message.format(where=f"[{_fmt(lo)}, {_fmt(hi)}]"),
                           points, values, expected)


def check_rule(op: Callable, points: Any, orders: tuple[int, ...] = (1, 2)) -> DerivativeCheck:
    """Is the gradient rule of a registered op right, alone *and* inside other functions?

    The rule is checked on ``op(x)`` and on ``sin(op(x))``: a rule that forgets to multiply
    by ``g`` (the gradient arriving from above) is right alone, where g is 1, and wrong
    the moment the op sits inside anything else."""
    points = np.asarray(points, dtype=np.float64)
    nothing = np.full_like(points, np.nan)
    if op is None:
        return DerivativeCheck(False, "not answered yet: register the op above", points, nothing, nothing)
    for name, build in (("op(x)", op), ("sin(op(x))", lambda t: sin(op(t)))):
        for k in orders:
            try:
                error = check_gradients(build, points, order=k)
            except Exception as err:
                return DerivativeCheck(False, f"{name} failed: {type(err).__name__}: {err}",
                                       points, nothing, nothing)
            if not error < 1e-6:
                hint = (" (right alone, wrong inside another function: does your rule multiply "
                        "by g?)" if name != "op(x)" else "")
                return DerivativeCheck(False, f"derivative {k} of {name} is off by {error:.2g}{hint}",
                                       points, nothing, nothing)
    return DerivativeCheck(True, "your rule is right, alone and inside sin(...), for orders "
                           + ", ".join(map(str, orders)), points, nothing, nothing)
