"""The self-checks of the course's exercises, one function per exercise.

Each returns a :class:`~gradlab.show.check.DerivativeCheck`: truthy when the answer
is right, and otherwise a message that says what is wrong and, where it helps, which
way to go, without ever showing the right answer. The right answers are computed
here, not in the notebook, so that reading the check cell gives nothing away.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.autodiff import gradients
from ..core.graph import Graph
from ..core.opdef import placeholder
from ..core.ops import reduce_sum
from ..frontend.session import Session
from .check import DerivativeCheck, check_answer, check_formula, check_rule, forward_difference


def lesson1_exp_gradient(my_formula: Any) -> DerivativeCheck:
    """Lesson 1, exercise 2: the formula gradlab prints for the gradient of exp(x)."""
    return check_formula(my_formula, "exp(x)", order=1)


def lesson2_step(my_step: Any) -> DerivativeCheck:
    """Lesson 2, exercise 1: a step h whose forward difference of exp at 0 is within 1e-7
    of the derivative, 1. Says whether to try a smaller or a larger step."""
    nothing = np.full(1, np.nan)
    if my_step is None:
        return DerivativeCheck(False, "not answered yet: set my_step above", nothing, nothing, nothing)
    if not isinstance(my_step, (int, float, np.floating, np.integer)) or not np.isfinite(my_step) \
            or my_step <= 0:
        return DerivativeCheck(False, f"my_step must be a positive number, not {my_step!r}",
                               nothing, nothing, nothing)
    h = float(my_step)
    error = abs(float(forward_difference(np.exp, 0.0, h)) - 1.0)
    if error < 1e-7:
        return DerivativeCheck(True, f"well chosen: the error is {error:.1e}", nothing, nothing, nothing)
    # the error is about h/2 (truncation) + 1e-16/h (rounding): which one is to blame?
    way = "a smaller step" if h / 2 > np.finfo(float).eps / h else "a larger step"
    return DerivativeCheck(False, f"the error is {error:.1e}, above 1e-7: try {way}", nothing,
                           nothing, nothing)


def lesson3_fan_in(my_adjoint: Any) -> DerivativeCheck:
    """Lesson 3, exercise 2: the adjoint of x in y = x * x at x = 3."""
    graph = Graph()
    with graph.as_default():
        x = placeholder(name="x")
        (dx,) = gradients(x * x, x)
        right = Session(graph).run(dx, {x: 3.0})
    return check_answer(my_adjoint, right, "my_adjoint")


def lesson4_fourth_derivative(my_formula: Any) -> DerivativeCheck:
    """Lesson 4, exercise 2: the formula of the fourth derivative of x**5."""
    return check_formula(my_formula, "x^5", order=4)


def lesson5_matmul_gradient(my_expected: Any, x_value: Any) -> DerivativeCheck:
    """Lesson 5, exercise 1: the gradient of sum(W @ x) with respect to the 2 x 3 matrix W."""
    graph = Graph()
    with graph.as_default():
        W, v = placeholder(name="W"), placeholder(name="v")
        (dW,) = gradients(reduce_sum(W @ v), W)
        right = Session(graph).run(dW, {W: np.zeros((2, 3)), v: np.asarray(x_value, dtype=float)})
    return check_answer(my_expected, right, "my_expected")


def lesson8_rule(op: Any) -> DerivativeCheck:
    """Lesson 8, exercise 1: the rule of the registered softsign op, alone and inside sin."""
    return check_rule(op, np.linspace(-3, 3, 40) + 0.01, orders=(1, 2))
