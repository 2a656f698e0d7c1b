"""Taylor polynomials from the derivatives gradlab computes.

Near a point ``a``, a smooth f is approximated by the polynomial

    T_k(x) = f(a) + f'(a) (x - a) + f''(a)/2! (x - a)^2 + ... + f^(k)(a)/k! (x - a)^k.

Every coefficient needs a derivative at ``a``, and gradlab's gradients are graphs,
so f^(k) is just ``expression.derivative(k)``: no new rules, however high k is.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .expr import as_expression

MAX_ORDER = 8


def taylor_coefficients(f: Any, center: float, order: int, /, **params: float) -> np.ndarray:
    """``[f(a), f'(a)/1!, f''(a)/2!, ..., f^(k)(a)/k!]`` for ``a = center``, ``k = order``."""
    expression = as_expression(f)
    if not 0 <= order <= MAX_ORDER:
        raise ValueError(f"order must be between 0 and {MAX_ORDER}, not {order!r}")
    with np.errstate(all="ignore"):
        values = expression.evaluate(np.float64(center), tuple(range(order + 1)), **params)
    return np.array([float(v) / math.factorial(k) for k, v in enumerate(values)])


def taylor_polynomial(coefficients: np.ndarray, center: float, x: Any) -> np.ndarray:
    """Evaluate ``sum_k c_k (x - center)^k``."""
    x = np.asarray(x, dtype=np.float64)
    return sum(c * (x - center) ** k for k, c in enumerate(coefficients))


def _term(k: int, c: float, center: float) -> str:
    shift = "x" if center == 0 else f"(x {'-' if center > 0 else '+'} {abs(center):.2f})"
    power = "" if k == 0 else shift if k == 1 else f"{shift}^{{{k}}}"
    return f"{abs(c):.3g}" + (f" {power}" if power else "")


def polynomial_latex(coefficients: np.ndarray, center: float) -> str:
    """The polynomial as LaTeX, skipping zero terms: ``x - 0.167 x^{3}``."""
    terms = [(k, c) for k, c in enumerate(coefficients) if abs(c) > 1e-12]
    if not terms:
        return "0"
    text = ""
    for i, (k, c) in enumerate(terms):
        sign = "-" if c < 0 else "+"
        text += (("-" if c < 0 else "") if i == 0 else f" {sign} ") + _term(k, c, center)
    return text.replace("1 x", "x") if text.startswith("1 x") else text
