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


def lesson9_dual_tanh(my_tanh: Any, dual_class: Any) -> DerivativeCheck:
    """Lesson 9, exercise 1: a ``tanh`` for the notebook's ``Dual`` class.

    ``my_tanh`` is called on ``dual_class(a, t)`` for a few values a and tangents t, and
    must return a Dual whose value is tanh(a) and whose tangent is the derivative of tanh
    at a *times the tangent t coming in* (the chain rule). The tangents are tried with
    t = 1 first, then with other t, so that a rule that forgets to multiply by t gets a
    hint of its own (it is right for t = 1 only)."""
    nothing = np.full(1, np.nan)

    def fail(message: str) -> DerivativeCheck:
        return DerivativeCheck(False, message, nothing, nothing, nothing)

    if my_tanh is None:
        return fail("not answered yet: define my_tanh above (or load the solution with %load)")
    if not callable(my_tanh):
        return fail(f"my_tanh must be a function that takes a Dual and returns a Dual, not "
                    f"{type(my_tanh).__name__}")
    if not isinstance(dual_class, type):
        return fail("give the Dual class of this notebook as the second argument: "
                    "lesson9_dual_tanh(my_tanh, Dual)")
    values = (-1.7, -0.4, 0.3, 1.2)
    only_with_unit_tangent = False
    for t in (1.0, 2.5, -0.5):
        for a in values:
            call = f"my_tanh(Dual({a}, {t}))"
            try:
                result = my_tanh(dual_class(a, t))
            except Exception as err:  # the learner's own code: report it, keep the lesson going
                return fail(f"{call} raised {type(err).__name__}: {err}")
            if not (hasattr(result, "value") and hasattr(result, "tangent")):
                return fail(f"{call} returned {type(result).__name__}, not a Dual: return "
                            "Dual(value, tangent)")
            value = check_answer(result.value, np.tanh(a), f"the value of {call}")
            if not value:
                return fail(value.message + " (the value part is tanh of the value coming in)")
            slope = check_answer(result.tangent, (1 - np.tanh(a) ** 2) * t, f"the tangent of {call}")
            if not slope:
                if t != 1.0 and only_with_unit_tangent:
                    return fail(slope.message + "; your rule is right when the tangent coming "
                                "in is 1 and wrong otherwise: does it multiply by that tangent "
                                "(the chain rule)?")
                return fail(slope.message)
        only_with_unit_tangent = True
    return DerivativeCheck(True, "your tanh is right: its value, and its tangent for every "
                           "tangent coming in", nothing, nothing, nothing)


def _lesson9_h(p: Any) -> Any:
    """The function of lesson 9, exercise 2: R³ → R², h(p) = (p0² p1, p1 + sin p2)."""
    return np.stack([p[0] ** 2 * p[1], p[1] + np.sin(p[2])])  # numpy calls on tensors build nodes


def lesson9_jvp(my_jvp: Any) -> DerivativeCheck:
    """Lesson 9, exercise 2: the Jacobian-vector product J v of h(p) = (p0² p1, p1 + sin p2)
    at p = (1, 2, 0) along v = (3, -1, 2), worked out by hand (two numbers, one per output)."""
    from ..frontend.jacobians import jvp  # (show may use the front ends; kept here, at the end)

    p, v = np.array([1.0, 2.0, 0.0]), np.array([3.0, -1.0, 2.0])
    _, right = jvp(_lesson9_h, (p,), (v,))
    shape = np.shape(my_jvp) if my_jvp is not None and not callable(my_jvp) else None
    result = check_answer(my_jvp, right, "my_jvp")
    if not result and shape == (2, 3):
        result.message += " (that is the whole Jacobian J: multiply it by v)"
    elif not result and shape == (3,):
        result.message += " (J v has one entry per output of h, and h has two)"
    return result


_LESSON9_FORWARD = {"forward", "forward mode", "fwd", "jacfwd", "jvp"}
_LESSON9_REVERSE = {"reverse", "reverse mode", "rev", "jacrev", "backward", "backwards", "vjp"}


def lesson9_choose_mode(my_choose_mode: Any) -> DerivativeCheck:
    """Lesson 9, exercise 3: a function ``my_choose_mode(n_inputs, n_outputs)`` that returns
    ``"forward"`` or ``"reverse"``, whichever computes a whole Jacobian in fewer passes.

    It is tried on cases where one mode needs at least three times fewer passes than the
    other; where the two need the same number of passes, either answer is accepted (then
    the constant factors decide, and only a measurement can tell)."""
    nothing = np.full(1, np.nan)

    def fail(message: str) -> DerivativeCheck:
        return DerivativeCheck(False, message, nothing, nothing, nothing)

    if my_choose_mode is None:
        return fail("not answered yet: define my_choose_mode above (or load the solution with "
                    "%load)")
    if not callable(my_choose_mode):
        return fail(f"my_choose_mode must be a function of (n_inputs, n_outputs), not "
                    f"{type(my_choose_mode).__name__}")
    cases = [(1_000_000, 1), (1, 3), (784, 10), (10, 784), (3, 1), (1, 1000), (5000, 20),
             (2, 600), (1, 1), (50, 50)]
    wrong = []
    for n, m in cases:
        try:
            answer = my_choose_mode(n, m)
        except Exception as err:
            return fail(f"my_choose_mode({n}, {m}) raised {type(err).__name__}: {err}")
        word = answer.strip().lower() if isinstance(answer, str) else None
        if word in _LESSON9_FORWARD:
            mode = "forward"
        elif word in _LESSON9_REVERSE:
            mode = "reverse"
        else:
            return fail(f"my_choose_mode({n}, {m}) returned {answer!r:.40}; return the text "
                        "'forward' or 'reverse'")
        if n != m and (mode == "forward") != (n < m):
            wrong.append((n, m, mode))
    if not wrong:
        return DerivativeCheck(True, f"your choice is right in all {len(cases)} cases (and a tie "
                               "may go either way)", nothing, nothing, nothing)
    n, m, mode = wrong[0]
    plural = lambda k, word: f"{k:,} {word}" + ("" if k == 1 else "s")  # noqa: E731
    return fail(f"{len(wrong)} of {len(cases)} cases are wrong; for example, for "
                f"{plural(n, 'input')} and {plural(m, 'output')} you chose {mode} mode: count the "
                "passes each mode needs for that Jacobian")
