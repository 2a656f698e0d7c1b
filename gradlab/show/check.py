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
    way = "too large" if abs(yours) > abs(expected) else "too small"
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
    too small by 0.5 (relative)"``); it never shows the right answer. Points where the true
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
        valid = np.isfinite(expected)
        ratio = np.abs(yours - expected) / (atol + rtol * np.abs(expected))
        bad = valid & ~(ratio <= 1)  # (a nan of yours is bad too)
    where = f"[{_fmt(lo)}, {_fmt(hi)}]"
    if not bad.any():
        return DerivativeCheck(True, f"matches on {where}", points, yours, expected)
    i = int(np.argmax(np.where(bad, np.nan_to_num(ratio, nan=np.inf), -1.0)))  # the worst point
    message = (f"differs at {int(bad.sum())} of {n} points of {where}; worst at "
               f"x = {_fmt(points[i])}: {_how_far(yours[i], expected[i])}")
    return DerivativeCheck(False, message, points, yours, expected)
