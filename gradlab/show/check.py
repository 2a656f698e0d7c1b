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
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.2f}" if 0.01 <= abs(value) < 1e4 else f"{value:.3g}"


def check_derivative(student_fn: Callable[[np.ndarray], Any] | None, expr: Any,
                     x_range: tuple[float, float] = (-3.0, 3.0), n: int = 201,
                     rtol: float = 1e-6, atol: float = 1e-8) -> DerivativeCheck:
    """Does ``student_fn`` (your hand-written derivative, a numpy function) match the
    derivative of ``expr`` on ``x_range``?

    Returns a :class:`DerivativeCheck`: truthy when it matches, with a message such
    as ``"matches on [0, 6.28]"`` or ``"differs at x = 1.30: you have 0.27, expected 0.54"``,
    naming the point where yours is worst (relative to the tolerance). Points where the true
    derivative is not finite (outside the domain) are skipped.
    """
    lo, hi = float(x_range[0]), float(x_range[1])
    if not lo < hi:
        raise ValueError(f"x_range must go from low to high, got {x_range!r}")
    points = np.linspace(lo, hi, n)
    if student_fn is None:  # an exercise cell not filled in yet
        nothing = np.full_like(points, np.nan)
        return DerivativeCheck(False, "not answered yet: write your function in the cell above "
                               "(or load the solution with %load)", points, nothing, nothing)
    with np.errstate(all="ignore"):
        expected = _as_derivatives(expr)(points, 1)
        try:
            yours = np.asarray(student_fn(points), dtype=np.float64)
            yours = np.broadcast_to(yours, points.shape)
        except Exception as err:  # the learner's own code: report, do not crash the lesson
            message = f"your function raised {type(err).__name__}: {err}"
            nothing = np.full_like(points, np.nan)
            return DerivativeCheck(False, message, points, nothing, expected)
    where = f"[{_fmt(lo)}, {_fmt(hi)}]"
    valid = np.isfinite(expected)
    close = np.isclose(yours, expected, rtol=rtol, atol=atol) | ~valid
    if close.all():
        return DerivativeCheck(True, f"matches on {where}", points, yours, expected)
    error = np.where(close, 0.0, np.abs(yours - expected) / (atol + rtol * np.abs(expected)))
    i = int(np.argmax(np.where(np.isnan(error), np.inf, error)))  # the worst point
    message = (f"differs at x = {_fmt(points[i])}: you have {_fmt(yours[i])}, "
               f"expected {_fmt(expected[i])}")
    return DerivativeCheck(False, message, points, yours, expected)
