"""The self-checks of the course's exercises, one function per exercise.

Each returns a :class:`~gradlab.show.check.DerivativeCheck`: truthy when the answer
is right, and otherwise a message that says what is wrong and, where it helps, which
way to go, without ever showing the right answer. The right answers are computed
here, not in the notebook, so that reading the check cell gives nothing away.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..core.autodiff import gradients
from ..core.graph import Graph, Tensor
from ..core.opdef import placeholder
from ..core.ops import reduce_sum
from ..frontend.datasets import course_dataset
from ..frontend.functional import grad
from ..frontend.jacobians import jvp, vjp
from ..frontend.networks import TwoLayerNetwork
from ..frontend.newton import newton
from ..frontend.session import Session
from .check import (DerivativeCheck, check_answer, check_derivative, check_formula, check_rule,
                    forward_difference)
from .micro import Value, topological_order


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


_LESSON9_PLAIN_NUMBERS = ("use np.tanh (or math.tanh) on x.value: gradlab's functions, such as "
                          "gl.tanh, build nodes of a graph, which hold no number until a Session "
                          "runs them, while a Dual computes with plain numbers")


def _lesson9_raised_in_gradlab(err: BaseException) -> bool:
    """Did the learner's function raise from inside gradlab (a gl.* call on a Dual or on a
    plain number), rather than in code of its own?"""
    tb = err.__traceback__.tb_next if err.__traceback__ is not None else None  # (this module)
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith("gradlab."):
            return True
        tb = tb.tb_next
    return False


def lesson9_dual_tanh(my_tanh: Any, dual_class: Any) -> DerivativeCheck:
    """Lesson 9, exercise 1: a ``tanh`` for the notebook's ``Dual`` class.

    ``my_tanh`` is called on ``dual_class(a, t)`` for a few values a and tangents t, and
    must return a Dual whose value is tanh(a) and whose tangent is the derivative of tanh
    at a *times the tangent t coming in* (the chain rule). The tangents are tried with
    t = 1 first, then with other t, so that a rule that forgets to multiply by t gets a
    hint of its own (it is right for t = 1 only). A tanh built from gradlab's ``gl.tanh`` (a
    graph node, not a number) and ``np.tanh`` applied to the Dual itself get hints of their
    own."""
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
                if _lesson9_raised_in_gradlab(err):
                    return fail(f"{call} raised {type(err).__name__} inside gradlab: "
                                f"{_LESSON9_PLAIN_NUMBERS}")
                if isinstance(err, TypeError) and "ufunc" in str(err) \
                        and dual_class.__name__ in str(err):
                    return fail(f"{call} raised {type(err).__name__}: numpy's functions work on "
                                "numbers, not on a Dual; apply np.tanh to x.value, and build the "
                                "Dual of the result yourself")
                return fail(f"{call} raised {type(err).__name__}: {err}")
            if isinstance(result, Tensor) or any(isinstance(getattr(result, part, None), Tensor)
                                                 for part in ("value", "tangent")):
                return fail(f"{call} returned a gradlab graph node, not numbers: "
                            f"{_LESSON9_PLAIN_NUMBERS}")
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


# -- lesson 11: the scalar engine a learner builds (a class of Values) -----------------------
# A formula is (text, names of its inputs, function). The function takes a namespace ``m``
# (m.exp, m.tanh) and the inputs, so the same code runs on the learner's Values and on plain
# floats; central differences of the float version are the independent witness.
_LESSON11_POINTS = [(0.5, -1.2), (-0.8, 0.7), (1.3, 0.4)]
_LESSON11_ARITHMETIC = [
    ("a*b + a/b - b**2", ("a", "b"), lambda m, a, b: a * b + a / b - b ** 2),
    ("(a - b)**3 / (2 + a*a)", ("a", "b"), lambda m, a, b: (a - b) ** 3 / (2 + a * a)),
]
_LESSON11_EXP_TANH = [
    ("exp(a)", ("a",), lambda m, a: m.exp(a)),
    ("tanh(a)", ("a",), lambda m, a: m.tanh(a)),
    ("exp(a) * b", ("a", "b"), lambda m, a, b: m.exp(a) * b),
    ("3 * tanh(a)", ("a",), lambda m, a: 3 * m.tanh(a)),
    ("tanh(a*b) - a", ("a", "b"), lambda m, a, b: m.tanh(a * b) - a),
    ("exp(a) * exp(b) / (1 + exp(a))", ("a", "b"),
     lambda m, a, b: m.exp(a) * m.exp(b) / (1 + m.exp(a))),
    ("tanh(exp(a) - b) * tanh(a)", ("a", "b"), lambda m, a, b: m.tanh(m.exp(a) - b) * m.tanh(a)),
    ("exp(tanh(a) * b) + a*b", ("a", "b"), lambda m, a, b: m.exp(m.tanh(a) * b) + a * b),
]
# (formula, which input is used more than once, or "")
_LESSON11_FAN_IN = [
    (("a*b + c", ("a", "b", "c"), lambda m, a, b, c: a * b + c), ""),
    (("(a + 1) * (b - 2) / c", ("a", "b", "c"), lambda m, a, b, c: (a + 1) * (b - 2) / c), ""),
    (("x * x", ("x",), lambda m, x: x * x), "x"),
    (("x + x", ("x",), lambda m, x: x + x), "x"),
    (("x * x * x - x", ("x",), lambda m, x: x * x * x - x), "x"),
    (("a**2 + a**3 / b", ("a", "b"), lambda m, a, b: a ** 2 + a ** 3 / b), "a"),
    (("u*u + u with u = a*b", ("a", "b"), lambda m, a, b: (lambda u: u * u + u)(a * b)), "u"),
    (("(a + b) * (a - b) * c", ("a", "b", "c"), lambda m, a, b, c: (a + b) * (a - b) * c), "a and b"),
]
_LESSON11_FAN_IN_POINTS = [(3.0, -1.5, 2.0), (-0.7, 1.2, 0.5)]


class _FloatMath:
    """exp and tanh of plain floats, for the central differences."""
    exp = staticmethod(np.exp)
    tanh = staticmethod(np.tanh)


class _ValueMath:
    """exp and tanh as the methods of the learner's Values."""

    @staticmethod
    def exp(v: Any) -> Any:
        return v.exp()

    @staticmethod
    def tanh(v: Any) -> Any:
        return v.tanh()


def _lesson11_where(names: tuple[str, ...], point: tuple[float, ...]) -> str:
    return ", ".join(f"{name} = {value:g}" for name, value in zip(names, point))


def _lesson11_central(f: Any, point: tuple[float, ...], i: int) -> float:
    """The central difference of the float formula along input i."""
    h = 1e-6 * max(1.0, abs(point[i]))
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (f(_FloatMath, *up) - f(_FloatMath, *down)) / (2 * h)


def _lesson11_try(value_class: type, formula: tuple, point: tuple[float, ...]) -> str | None:
    """None when the learner's class gets the value and every gradient of one formula right
    at one point; otherwise what went wrong, in words, without the right numbers."""
    text, names, f = formula
    point = point[: len(names)]
    where = _lesson11_where(names, point)
    cls = getattr(value_class, "__name__", "your class")
    try:
        leaves = [value_class(v) for v in point]
    except Exception as err:
        return (f"{cls}({point[0]:g}) raised {type(err).__name__}: {err}; the class must make an "
                "input from one number")
    try:
        out = f(_ValueMath, *leaves)
    except Exception as err:
        return f"computing {text} with your {cls} raised {type(err).__name__}: {err}"
    if not callable(getattr(out, "backward", None)):
        return (f"{text} gave a {type(out).__name__}, not a Value with a backward() method: does "
                "every operation return a new Value?")
    try:
        out.backward()
    except Exception as err:
        return f"backward() of {text} raised {type(err).__name__}: {err}"
    try:
        data = float(out.data)
        grads = [float(leaf.grad) for leaf in leaves]
    except Exception as err:
        return f"reading .data and .grad after {text} raised {type(err).__name__}: {err}"
    with np.errstate(all="ignore"):
        verdict = check_answer(data, f(_FloatMath, *point), f"the value (.data) of {text} at {where}")
        if not verdict:
            return verdict.message
        for i, (name, grad) in enumerate(zip(names, grads)):
            verdict = check_answer(grad, _lesson11_central(f, point, i),
                                   f"d/d{name} of {text} at {where}", rtol=1e-5, atol=1e-7)
            if not verdict:
                return verdict.message
    return None


def _lesson11_class_problem(value_class: Any, what: str) -> str | None:
    """What is wrong with the answer before any formula is run (None: it is a class)."""
    if value_class is None:
        return f"not answered yet: set {what} above (or load the solution with %load)"
    if not isinstance(value_class, type):
        if callable(getattr(value_class, "backward", None)):
            return (f"{what} is one Value ({type(value_class).__name__}); give the class itself, "
                    f"such as {what} = {type(value_class).__name__}")
        return (f"{what} should be a class of Values, such as Value, not an object of type "
                f"{type(value_class).__name__}")
    return None


def _lesson11_probe(value_class: type, method: str, build: Any) -> float | None:
    """d out/d a for out = build(a, a.method()) at a = 0.5 with the learner's class, or None
    when anything about it fails (the formula checks report that in words)."""
    try:
        a = value_class(0.5)
        out = build(a, getattr(a, method)())
        out.backward()
        slope = float(a.grad)
    except Exception:
        return None
    return slope if np.isfinite(slope) else None


def _lesson11_rule_hint(value_class: type) -> str:
    """A hint for the two classic slips in a local backward function of exp or tanh, found
    by comparing the learner's own gradients with each other (never with the right ones):

    * forgetting out.grad: the gradient of m(a) * 3 is the gradient of m(a) alone, where it
      should be three times as large;
    * ``=`` in place of ``+=``: in m(a) + a the sum's contribution to a (1) is overwritten,
      so the gradient is that of m(a) alone, where it should be 1 more."""
    for method in ("exp", "tanh"):
        alone = _lesson11_probe(value_class, method, lambda a, m: m)
        if alone is None or alone == 0:
            continue
        scaled = _lesson11_probe(value_class, method, lambda a, m: m * 3)
        if scaled is not None and np.isclose(scaled, alone, rtol=1e-9, atol=0):
            return (f"; the gradient through your {method} does not change when its result is "
                    f"multiplied by 3 afterwards: does {method}'s _backward multiply by out.grad?")
        shared = _lesson11_probe(value_class, method, lambda a, m: m + a)
        if shared is not None and np.isclose(shared, alone, rtol=1e-9, atol=1e-12):
            return (f"; in {method}(a) + a, the gradient that the sum passes to a is lost when "
                    f"{method}'s _backward runs: does it add (+=) to the parent's grad, rather than "
                    "set it with =?")
    return ""


def lesson11_exp_tanh(my_value_class: Any) -> DerivativeCheck:
    """Lesson 11, exercise 1: ``exp`` and ``tanh`` added to the notebook's ``Value`` class.

    The class must make an input from one number (``Value(0.5)``), support the arithmetic
    of the lesson (``+ - * / **``) and have methods ``exp()`` and ``tanh()`` that return new
    Values; ``backward()`` fills in ``.grad``. The check computes formulas such as
    ``exp(a) * b`` and ``tanh(a*b) - a`` at several points and compares ``.data`` and each
    input's ``.grad`` with the formula's value and central differences. A formula in which
    exp or tanh is not the last step catches a rule that forgets ``out.grad``; one that uses
    an input twice catches ``=`` in place of ``+=``; either slip then gets a hint of its own
    ("does it multiply by out.grad?", "does it add (+=) to the parent's grad?"). Any error
    raised by the class is reported in words, never as a traceback."""
    nothing = np.full(1, np.nan)
    problem = _lesson11_class_problem(my_value_class, "my_value_class")
    if problem:
        return DerivativeCheck(False, problem, nothing, nothing, nothing)
    for formula in _LESSON11_ARITHMETIC:
        problem = _lesson11_try(my_value_class, formula, _LESSON11_POINTS[0])
        if problem:
            return DerivativeCheck(False, "before exp and tanh, the arithmetic of sections 1-3 is "
                                   f"off (re-run those cells?): {problem}", nothing, nothing, nothing)
    name = my_value_class.__name__
    for method in ("exp", "tanh"):
        if not callable(getattr(my_value_class, method, None)):
            return DerivativeCheck(False, f"{name} has no method {method} yet: write def "
                                   f"{method}(self): ... and attach it with {name}.{method} = "
                                   f"{method}", nothing, nothing, nothing)
    for formula in _LESSON11_EXP_TANH:
        for point in _LESSON11_POINTS:
            problem = _lesson11_try(my_value_class, formula, point)
            if problem:
                hint = _lesson11_rule_hint(my_value_class) if problem.startswith("d/d") else ""
                return DerivativeCheck(False, problem + hint, nothing, nothing, nothing)
    count = len(_LESSON11_EXP_TANH) * len(_LESSON11_POINTS)
    return DerivativeCheck(True, f"exp and tanh are right: values and gradients agree with central "
                           f"differences in all {count} cases", nothing, nothing, nothing)


def lesson11_fan_in(my_fixed_class: Any) -> DerivativeCheck:
    """Lesson 11, exercise 2: a corrected copy of the notebook's ``ForgetfulValue``.

    The class is tried on formulas in which every input is used once (``a*b + c``; the
    broken engine gets these right) and on formulas in which a Value is used twice or more
    (``x * x``, ``x + x``, ``u*u + u``), where a Value's ``grad`` must collect one
    contribution per use. Gradients are compared with central differences; a failure names
    the formula, the point and which way the gradient is off, and says which Value is used
    more than once."""
    nothing = np.full(1, np.nan)
    problem = _lesson11_class_problem(my_fixed_class, "my_fixed_class")
    if problem:
        return DerivativeCheck(False, problem, nothing, nothing, nothing)
    for formula, shared in _LESSON11_FAN_IN:
        for point in _LESSON11_FAN_IN_POINTS:
            problem = _lesson11_try(my_fixed_class, formula, point)
            if problem:
                verb = "are" if " and " in shared else "is"
                hint = f" ({shared} {verb} used more than once in this formula)" if shared else ""
                return DerivativeCheck(False, problem + hint, nothing, nothing, nothing)
    count = len(_LESSON11_FAN_IN) * len(_LESSON11_FAN_IN_POINTS)
    return DerivativeCheck(True, f"fixed: gradients agree with central differences in all {count} "
                           "cases, Values used once, twice and more", nothing, nothing, nothing)


# -- lesson 13: a static graph, a tape, a trace ----------------------------------------------
_LESSON13_KINDS = {"A": "graph", "B": "tape", "C": "trace", "D": "tape", "E": "trace", "F": "tape"}
_LESSON13_KIND_WORDS = {
    "graph": "graph", "static graph": "graph", "static": "graph", "a static graph": "graph",
    "tape": "tape", "a tape": "tape",
    "trace": "trace", "tracing": "trace", "traced": "trace", "a trace": "trace",
}
_LESSON13_OP_WORDS = {"add": "+", "plus": "+", "addbackward0": "+", "mul": "*", "multiply": "*",
                      "times": "*", "mulbackward0": "*", "tanhbackward0": "tanh"}
_LESSON13_NOT_RECORDED = {"<", ">", "<=", ">=", "if", "while", "else", "data", "y.data", "=",
                          "value", "input", "x"}


def _lesson13_verdict(ok: bool, message: str) -> DerivativeCheck:
    nothing = np.full(1, np.nan)
    return DerivativeCheck(ok, message, nothing, nothing, nothing)


def lesson13_kinds(my_kinds: Any) -> DerivativeCheck:
    """Lesson 13, exercise 1: a dict giving, for each of the snippets A to F, the idea it
    uses: ``"graph"`` (a static graph), ``"tape"`` or ``"trace"``. Letters may be any case
    and answers may say ``"static graph"``; a wrong answer is named by its letter only."""
    if my_kinds is None:
        return _lesson13_verdict(False, "not answered yet: set my_kinds above")
    if not isinstance(my_kinds, dict):
        return _lesson13_verdict(False, "my_kinds should be a dictionary such as "
                                 f"{{'A': 'graph', ...}}, not a {type(my_kinds).__name__}")
    answers = {str(key).strip().upper(): value for key, value in my_kinds.items()}
    missing = sorted(set(_LESSON13_KINDS) - set(answers))
    if missing:
        return _lesson13_verdict(False, f"my_kinds has no answer for {', '.join(missing)}: give "
                                 "one for each letter A to F")
    extra = sorted(set(answers) - set(_LESSON13_KINDS))
    if extra:
        return _lesson13_verdict(False, f"my_kinds names {', '.join(extra)}, which is not one of "
                                 "the snippets A to F")
    words = {}
    for letter in sorted(answers):
        value = answers[letter]
        word = _LESSON13_KIND_WORDS.get(value.strip().lower()) if isinstance(value, str) else None
        if word is None:
            return _lesson13_verdict(False, f"the answer for {letter} is {value!r}: write 'graph', "
                                     "'tape' or 'trace'")
        words[letter] = word
    wrong = [letter for letter in sorted(_LESSON13_KINDS) if words[letter] != _LESSON13_KINDS[letter]]
    if wrong:
        verb = "is" if len(wrong) == 1 else "are"
        return _lesson13_verdict(False, f"{len(wrong)} of {len(_LESSON13_KINDS)} {verb} not right: "
                                 f"look again at {', '.join(wrong)}. Ask of each: is the graph "
                                 "written down before any number exists (graph), noted down while "
                                 "real numbers are computed (tape), or obtained by calling a Python "
                                 "function on stand-ins (trace)?")
    return _lesson13_verdict(True, "all six right: A builds then runs, B, D and F record while "
                             "running, C and E trace a function")


def _lesson13_loop_tape(start: float) -> list[str]:
    """What lesson 11's Value records for the loop of lesson 13, exercise 2."""
    y = Value(start)
    while y.data < 5:
        if y.data < 1:
            y = y + 1
        else:
            y = y * 2
    z = y.tanh()
    return [v.op for v in topological_order(z) if v.op]


def lesson13_tape(my_tape: Any) -> DerivativeCheck:
    """Lesson 13, exercise 2: the operations lesson 11's ``Value`` records for the loop of
    the exercise started at x = 0.9, in the order they run, as ``Value`` writes them
    (``"+"``, ``"*"``, ``"tanh"``; ``"add"``, ``"mul"`` and PyTorch's ``"MulBackward0"`` are
    understood too). Says whether the tape is longer or shorter, which entry first differs,
    and recognises the tape written in backward order and comparisons listed as steps."""
    right = _lesson13_loop_tape(0.9)
    if my_tape is None:
        return _lesson13_verdict(False, "not answered yet: set my_tape above")
    if isinstance(my_tape, str) or not isinstance(my_tape, (list, tuple)):
        return _lesson13_verdict(False, "my_tape should be a list of operation names such as "
                                 f"['*', 'tanh'], not a {type(my_tape).__name__}")
    yours = []
    for i, entry in enumerate(my_tape):
        if not isinstance(entry, str):
            return _lesson13_verdict(False, f"entry {i} of my_tape is {entry!r}: write each "
                                     "operation as text, such as '*'")
        word = entry.strip().lower()
        if word in _LESSON13_NOT_RECORDED:
            return _lesson13_verdict(False, f"entry {i} of my_tape is {entry!r}, but the loop's "
                                     "tests read y.data, a plain number: the tape records only "
                                     "operations that make new Values")
        yours.append(_LESSON13_OP_WORDS.get(word, word))
    if yours == right:
        return _lesson13_verdict(True, f"right: {len(right)} operations, in the order they ran")
    if yours == right[::-1]:
        return _lesson13_verdict(False, "that is the order in which backward() replays the tape; "
                                 "the tape itself holds the operations in the order they ran")
    if len(yours) != len(right):
        way = "more" if len(right) > len(yours) else "fewer"
        count = f"{len(yours)} operation" + ("" if len(yours) == 1 else "s")
        return _lesson13_verdict(False, f"your tape has {count}, but the loop "
                                 f"records {way}: follow y from 0.9 through the loop, pass by pass, "
                                 "and count")
    i = next(k for k, (a, b) in enumerate(zip(yours, right)) if a != b)
    where = ("the last one comes after the loop" if i == len(right) - 1
             else "which branch of the if runs on that pass?")
    return _lesson13_verdict(False, f"entry {i} ({my_tape[i]!r}) is not what runs there: {where}")


def lesson13_translate(my_df: Any) -> DerivativeCheck:
    """Lesson 13, exercise 3: a function (made with ``gl.grad``) giving d/dx of
    exp(-x**2 / 2) * sin(3 x) at every point of a numpy array. Compared with gradlab's
    derivative at 201 points of [-3, 3]; an array instead of a function, a tensor, and the
    function y itself instead of its derivative each get their own message."""

    formula = "exp(-x^2/2)*sin(3*x)"
    if my_df is None:
        return _lesson13_verdict(False, "not answered yet: set my_df above")
    if isinstance(my_df, Tensor):
        return _lesson13_verdict(False, "my_df is a graph node, which has no numbers until a Session "
                                 "runs it; give a function made with gl.grad, which returns numbers")
    if isinstance(my_df, (np.ndarray, np.generic, int, float, list, tuple)):
        return _lesson13_verdict(False, "my_df holds numbers; give the function itself, such as "
                                 "gl.grad(f), not its values at some points")
    if not callable(my_df):
        return _lesson13_verdict(False, f"my_df should be a function, not a {type(my_df).__name__}")
    try:
        probe = my_df(np.linspace(-1.0, 1.0, 3))
    except Exception:  # check_derivative below says what went wrong
        probe = None
    if isinstance(probe, Tensor):
        return _lesson13_verdict(False, "my_df returns a graph node, not numbers: is it the function "
                                 "y itself? gl.grad of it returns numbers")
    verdict = check_derivative(my_df, formula, x_range=(-3.0, 3.0))
    if verdict:
        made_by_grad = hasattr(my_df, "__wrapped__")
        return _lesson13_verdict(True, "right: the same derivative, with no placeholder and no Session"
                                 + ("" if made_by_grad else " (now try it with gl.grad)"))
    values = verdict.yours
    with np.errstate(all="ignore"):
        y = np.exp(-verdict.x ** 2 / 2) * np.sin(3 * verdict.x)
    if np.all(np.isfinite(values)) and np.allclose(values, y, rtol=1e-6, atol=1e-9):
        return _lesson13_verdict(False, "my_df gives the values of y itself, not its slope: wrap "
                                 "your function in gl.grad")
    return _lesson13_verdict(False, verdict.message)


# -- lesson 10: Jacobians, Hessians and Newton's method ------------------------------------
_LESSON10_J = np.array([[1.0, -2.0, 0.0], [3.0, 1.0, 4.0]])
_LESSON10_U = np.array([2.0, -1.0])


def _lesson10_fail(message: str) -> DerivativeCheck:
    nothing = np.full(1, np.nan)
    return DerivativeCheck(False, message, nothing, nothing, nothing)


def _lesson10_shape(yours: Any) -> tuple[int, ...] | None:
    """The shape of an answer, or None for text, functions and ragged lists."""
    if yours is None or callable(yours) or isinstance(yours, str):
        return None
    try:
        return np.shape(yours)
    except ValueError:
        return None


def _lesson10_checked(yours: Any, right: np.ndarray, what: str) -> DerivativeCheck:
    """:func:`check_answer`, with the size of the miss left out of the message: for an answer
    of a few small whole numbers, "yours is 5, too large by 4 (relative)" would give the right
    value away. Which entry is off, and which way, stays."""

    result = check_answer(yours, right, what)
    if not result:
        result.message = re.sub(r",? (too (?:large|small|far from 0|close to 0)) by [^ ]+"
                                r"(?: \(relative\))?", r", \1", result.message)
    return result


def _lesson10_same(yours: Any, values: np.ndarray) -> bool:
    """Is ``yours`` (any array-like) numerically ``values``? False for anything unreadable."""
    try:
        array = np.asarray(yours, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return array.shape == values.shape and bool(np.allclose(array, values, rtol=1e-9, atol=1e-12))


def lesson10_vjp(my_vjp: Any) -> DerivativeCheck:
    """Lesson 10, exercise 1: the vector-Jacobian product uᵀJ for the 2 × 3 matrix
    J = [[1, -2, 0], [3, 1, 4]] and the weights u = (2, -1), worked out by hand.

    The right answer comes from reverse mode (``gl.vjp`` of the linear map p ↦ J p, whose
    Jacobian is J everywhere). Besides the shape and the worst entry, the check recognises
    the classic slips: the rows added with weights 1 (``grad_ys``'s default, not u), one
    weighted row alone, and a result with one entry per output instead of per input."""

    J, u = _LESSON10_J, _LESSON10_U
    _, pullback = vjp(lambda p: J @ p, np.zeros(3))
    (right,) = pullback(u)
    shape = _lesson10_shape(my_vjp)
    if shape is not None:
        if shape in ((2, 3), (3, 2)):
            return _lesson10_fail(f"my_vjp has shape {shape}, a matrix: uᵀJ is a vector, the rows "
                                  "of J weighted by the entries of u and added up")
        if shape == (2,):
            return _lesson10_fail("my_vjp has 2 entries, one per output (per row of J); uᵀJ has one "
                                  "entry per input, that is per column of J")
        if _lesson10_same(my_vjp, np.ones(2) @ J):
            return _lesson10_fail("my_vjp is the sum of J's rows, the vjp for the weights (1, 1) "
                                  "(what grad_ys gives when it is left out): weight row i by u_i")
        for i in range(2):
            if _lesson10_same(my_vjp, u[i] * J[i]):
                return _lesson10_fail(f"my_vjp is row {i} of J times u_{i} alone: uᵀJ adds the "
                                      "weighted rows of both outputs")
    return _lesson10_checked(my_vjp, right, "my_vjp")


def _lesson10_f(x: Any) -> Any:
    """The function of lesson 10's Newton sections: f(x) = x⁴/4 − x² + x/2."""
    return x ** 4 / 4 - x ** 2 + x / 2


def lesson10_newton_start(my_start: Any) -> DerivativeCheck:
    """Lesson 10, exercise 2: a start x₀ > 0 from which Newton's method on
    f(x) = x⁴/4 − x² + x/2 converges to the minimum on the *left* (near x = −1.5).

    The check runs ``gl.newton`` from ``my_start`` (at most 50 steps), so every start that
    works passes. A start that fails is told where Newton went instead (the right-hand
    minimum, the maximum, a flat spot), with a hint about the first step, never a start
    that works."""

    if my_start is None:
        return _lesson10_fail("not answered yet: set my_start above")
    if isinstance(my_start, bool) or not isinstance(my_start, (int, float, np.integer, np.floating)):
        return _lesson10_fail(f"my_start must be one number, the start x₀, not "
                              f"{type(my_start).__name__}")
    x0 = float(my_start)
    if not np.isfinite(x0):
        return _lesson10_fail(f"my_start must be a finite number, not {x0}")
    if x0 <= 0:
        return _lesson10_fail(f"my_start = {x0:g} is not positive: the exercise asks for a start "
                              "x₀ > 0")
    result = newton(_lesson10_f, x0, steps=50)
    # f' = x³ - 2x + 1/2 is zero at about -1.526 (a minimum), 0.259 (the maximum) and 1.267 (a
    # minimum): where Newton ended says which it found (its verdict's kind is not needed)
    end = float(result.x)
    if result.converged and end < -1:
        steps = f"{result.steps} step" + ("" if result.steps == 1 else "s")
        return DerivativeCheck(True, f"from x₀ = {x0:g}, Newton converged to the left minimum at "
                               f"x = {end:.6g} in {steps}", np.full(1, np.nan),
                               np.full(1, np.nan), np.full(1, np.nan))
    jump = (" Newton's first step is -f'(x₀)/f''(x₀): to land far to the left it has to be a "
            "long step, so look where the curvature f''(x₀) is close to 0.")
    if not result.converged and "flat spot" in result.verdict:
        return _lesson10_fail(f"from x₀ = {x0:g}: {result.verdict}. Near this point the step is "
                              "long, and the side you start on decides which way it goes.")
    if not result.converged:
        return _lesson10_fail(f"from x₀ = {x0:g}: {result.verdict}.{jump}")
    if end > 1:
        return _lesson10_fail(f"from x₀ = {x0:g}, Newton converged to the minimum on the right, at "
                              f"x = {end:.6g}.{jump}")
    why = ("the parabola at your start opens downwards (f''(x₀) < 0), so Newton climbs towards a "
           "top" if 3 * x0 ** 2 - 2 < 0 else "Newton looks for any point where f' = 0, and this "
           "one is the top of the hill")
    return _lesson10_fail(f"from x₀ = {x0:g}, Newton converged to the maximum at x = {end:.6g}: "
                          f"{why}.{jump}")


def _lesson10_quadratic(v: Any) -> Any:
    """The quadratic of lesson 10, exercise 3: f(x, y) = 2x² + xy + y² − 3x + y."""
    x, y = v[0], v[1]
    return 2 * x ** 2 + x * y + y ** 2 - 3 * x + y


_LESSON10_QUADRATIC_START = np.array([5.0, -7.0])


def lesson10_newton_step(my_point: Any) -> DerivativeCheck:
    """Lesson 10, exercise 3: where one Newton step from (5, −7) lands on the quadratic
    f(x, y) = 2x² + xy + y² − 3x + y (a point, two numbers).

    The right answer is one step of ``gl.newton``. Slips with a hint of their own: the start
    itself (no step taken), one step of gradient descent with rate 1, and the point found
    when the mixed term xy is forgotten."""

    start = _LESSON10_QUADRATIC_START
    right = newton(_lesson10_quadratic, start, steps=1).path[1]
    if _lesson10_shape(my_point) == (2,):
        if _lesson10_same(my_point, start):
            return _lesson10_fail("my_point is the start (5, -7) itself: take the step, "
                                  "x₁ = x₀ − H⁻¹ ∇f(x₀)")
        if _lesson10_same(my_point, start - grad(_lesson10_quadratic)(start)):
            return _lesson10_fail("my_point is a gradient-descent step x₀ − ∇f(x₀): Newton's step "
                                  "multiplies the gradient by the inverse Hessian, H⁻¹ ∇f(x₀)")
        no_mixed_term = np.array([3.0 / 4.0, -1.0 / 2.0])
        if _lesson10_same(my_point, no_mixed_term):
            return _lesson10_fail("my_point is where the gradient would vanish without the mixed "
                                  "term xy: it appears in both partial derivatives (and off the "
                                  "diagonal of the Hessian)")
    return _lesson10_checked(my_point, right, "my_point")


# -- lesson 12: a neural network from scratch ------------------------------------------------
def _lesson12_parameter_count(h: int) -> int:
    """Weights and biases of a 2-h-h-1 network: each unit has one weight per input, and a bias."""
    return (2 * h + h) + (h * h + h) + (h + 1)


_LESSON12_SIZES = list(range(1, 41)) + [64, 100, 256]


def _lesson12_nothing(ok: bool, message: str) -> DerivativeCheck:
    nothing = np.full(1, np.nan)
    return DerivativeCheck(ok, message, nothing, nothing, nothing)


_LESSON12_BY_LAYER = ("Count layer by layer: a layer from n_in units to n_out units has n_in × n_out "
                      "weights and n_out biases, and this network has three layers, 2 → h, h → h "
                      "and h → 1")


def _lesson12_count_hint(sizes: list[int], yours: list[float]) -> str:
    """Which kind of slip a wrong count looks like, from how it grows with h (never the answer)."""
    h = np.asarray(sizes[:40], dtype=np.float64)  # 1, 2, ..., 40: evenly spaced
    short = np.array([_lesson12_parameter_count(int(k)) for k in h]) - np.asarray(yours[:40])
    growth = np.diff(np.asarray(yours[:40]), 2)  # second differences: 2 * (the factor of h²)
    if np.all(short == short[0]):
        if short[0] == 1:
            return " (one short for every h: did you count the bias of the output unit?)"
        return (f" (off by {abs(short[0]):g} for every h: a part of the count that does not depend "
                "on h is off)")
    if np.all(growth == 0):
        return (" (yours grows in proportion to h, but every unit of the first hidden layer is "
                "joined to every unit of the second, and those weights grow like h²)")
    if np.all(growth == growth[0]) and growth[0] != 2:
        return (" (the h² part of yours is off: the two hidden layers are joined by one matrix of "
                "weights, h rows by h columns)")
    if np.all(np.diff(short, 2) == 0) and np.all(short > 0):
        if short[1] - short[0] > 2:  # more per unit of h than the two hidden layers' biases
            return (" (short for every h, by more than the biases alone could explain: some "
                    f"weights are missing too. {_LESSON12_BY_LAYER})")
        return (" (short for every h, by an amount that grows with h: did you count a bias for "
                f"every unit, in both hidden layers and in the output? {_LESSON12_BY_LAYER})")
    return f" ({_LESSON12_BY_LAYER})"


def lesson12_weight_count(my_weight_count: Any) -> DerivativeCheck:
    """Lesson 12, exercise 1: a function ``my_weight_count(h)``, the number of parameters
    (weights and biases) of a network with 2 inputs, two hidden layers of ``h`` units each,
    and 1 output.

    It is tried for h = 1 to 40, 64, 100 and 256 and must give a whole number each time. A
    wrong count is reported at the smallest h where it is off, with which way, and a hint
    from how the error grows with h (a constant: a bias; like h: the biases of the hidden
    layers, or, when it grows faster than those could explain, weights of the first or the
    last layer; no h² at all: the weights between the hidden layers). Where weights may be
    missing, or no pattern fits, the hint says how to count layer by layer, never the count."""
    if my_weight_count is None:
        return _lesson12_nothing(False, "not answered yet: define my_weight_count above (or load "
                                 "the solution with %load)")
    if not callable(my_weight_count):
        if isinstance(my_weight_count, (int, float, np.integer, np.floating)):
            return _lesson12_nothing(False, f"my_weight_count is one number, {my_weight_count!r}; "
                                     "make it a function of h (def my_weight_count(h): ...), so "
                                     "that it works for every size h")
        return _lesson12_nothing(False, "my_weight_count should be a function of h, not "
                                 f"{type(my_weight_count).__name__}")
    yours = []
    for h in _LESSON12_SIZES:
        try:
            value = my_weight_count(h)
        except Exception as err:  # the learner's own code: report it, keep the lesson going
            return _lesson12_nothing(False, f"my_weight_count({h}) raised {type(err).__name__}: {err}")
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                         np.floating)):
            return _lesson12_nothing(False, f"my_weight_count({h}) returned {value!r:.40}; return "
                                     "one whole number (a count)")
        if not (np.isfinite(value) and float(value) == round(float(value))):
            return _lesson12_nothing(False, f"my_weight_count({h}) returned {value!r}, which is not "
                                     "a whole number; a count of weights is")
        yours.append(float(value))
    for h, value in zip(_LESSON12_SIZES, yours):
        right = _lesson12_parameter_count(h)
        if value != right:
            way = "too small" if value < right else "too large"
            return _lesson12_nothing(False, f"for h = {h} yours gives {value:g}, which is {way}"
                                     + _lesson12_count_hint(_LESSON12_SIZES, yours))
    return _lesson12_nothing(True, f"right for all {len(_LESSON12_SIZES)} sizes tried, from h = 1 "
                             f"to h = {_LESSON12_SIZES[-1]}")


_LESSON12_STEPS, _LESSON12_NEEDED, _LESSON12_POINTS = 50, 198, 200


def _lesson12_train(hidden: int, learning_rate: float, steps: int) -> tuple[list[float], int]:
    """Train the network of the lesson and of ``gl.explore_training`` (the same data, seed,
    initial weights, graph and Adam) for ``steps`` steps: the loss before each step, and how
    many of the 200 points end up on the right side of the boundary."""
    X, y = course_dataset("two moons")
    network = TwoLayerNetwork(hidden, seed=0)
    with np.errstate(all="ignore"):
        losses = network.step(X, y, learning_rate, steps)
        right = int(np.sum((network.predict(X) > 0.5) == (y > 0.5)))
    return losses, right


def lesson12_fast_training(my_settings: Any) -> DerivativeCheck:
    """Lesson 12, exercise 2: settings ``{"hidden": units, "learning_rate": rate}`` with which
    the lesson's network (Adam, on the 200 points of two moons, seeded as in the widget)
    puts at least 198 of the 200 points on the right side within 50 steps.

    The check trains exactly what ``gl.explore_training(hidden=..., learning_rate=...,
    steps=50)`` trains when you press ▶ train, so the widget's status line shows the same
    count. A failure says how many points are right, how the loss went (from where to
    where, and in how many steps it rose), and which way to go: more units when there are
    very few, a larger rate when it is small (Adam moves each weight by about the rate per
    step), a smaller one when it is large (the steps overshoot)."""
    example = '{"hidden": 4, "learning_rate": 0.01}'
    if my_settings is None:
        return _lesson12_nothing(False, "not answered yet: set my_settings above (or load the "
                                 "solution with %load)")
    if not isinstance(my_settings, dict):
        return _lesson12_nothing(False, f"my_settings should be a dict such as {example}, not "
                                 f"{type(my_settings).__name__}")
    keys = set(my_settings)
    if keys != {"hidden", "learning_rate"}:
        missing = sorted({"hidden", "learning_rate"} - keys)
        extra = sorted(map(repr, keys - {"hidden", "learning_rate"}))
        what = (f"it has no {' and no '.join(repr(k) for k in missing)}" if missing
                else f"it has keys it should not: {', '.join(extra)}")
        return _lesson12_nothing(False, f"my_settings needs exactly the keys 'hidden' and "
                                 f"'learning_rate' ({what}), as in {example}")
    hidden, rate = my_settings["hidden"], my_settings["learning_rate"]
    if isinstance(hidden, (bool, np.bool_)) or not isinstance(hidden, (int, np.integer)) \
            or not 1 <= hidden <= 32:
        return _lesson12_nothing(False, f"hidden must be a whole number of units from 1 to 32 (the "
                                 f"widget's slider), not {hidden!r}")
    if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, (int, float, np.integer,
                                                                   np.floating)) \
            or not (np.isfinite(rate) and 0 < rate <= 1):
        return _lesson12_nothing(False, f"learning_rate must be a number above 0 and at most 1, not "
                                 f"{rate!r}")
    losses, right = _lesson12_train(int(hidden), float(rate), _LESSON12_STEPS)
    steps, total = _LESSON12_STEPS, _LESSON12_POINTS
    if not np.all(np.isfinite(losses)):
        return _lesson12_nothing(False, f"the loss stopped being a number within {steps} steps: the "
                                 "learning rate is far too large")
    if right >= _LESSON12_NEEDED:
        return _lesson12_nothing(True, f"after {steps} steps {right} of the {total} points are on "
                                 "the right side of the boundary")
    rises = int(np.sum(np.diff(losses) > 0))
    story = (f"the loss went from {losses[0]:.3g} to {losses[-1]:.3g} and rose in {rises} of the "
             f"{steps} steps")
    if hidden <= 4:
        hint = "with so few hidden units the boundary bends slowly: try more units"
    elif rate < 0.08:
        hint = ("Adam moves each weight by about the learning rate per step, and 50 steps that "
                "small do not get far: try a larger learning rate")
    elif rate > 0.25:
        hint = "steps this large overshoot (the loss jumps up and down): try a smaller learning rate"
    else:
        hint = "close: try more hidden units, or a slightly different learning rate"
    return _lesson12_nothing(False, f"after {steps} steps only {right} of the {total} points are on "
                             f"the right side (at least {_LESSON12_NEEDED} are needed); {story}; "
                             f"{hint}")


# The tiny network of exercise 3: z = w2 * tanh(w1 * x + b1) + b2, loss = log(1 + e^z) - y z.
_LESSON12_TINY = {"x": 0.5, "y": 1.0, "w1": 2.0, "b1": -0.5, "w2": 1.5, "b2": 0.25}


def _lesson12_tiny_loss(b1: Any) -> Any:
    t = _LESSON12_TINY
    z = t["w2"] * np.tanh(t["w1"] * t["x"] + b1) + t["b2"]
    return np.logaddexp(0.0, z) - t["y"] * z


def lesson12_bias_gradient(my_gradient: Any) -> DerivativeCheck:
    """Lesson 12, exercise 3: dL/db1 for the one-hidden-unit network
    ``z = w2 * tanh(w1 * x + b1) + b2``, ``L = log(1 + e^z) - y z``, at x = 0.5, y = 1,
    w1 = 2, b1 = -0.5, w2 = 1.5, b2 = 0.25, worked out with the chain rule.

    One number, right to three significant digits (within half a percent: a hand
    calculation may round).
    The right value is gradlab's (computed here, out of sight). A wrong number that matches
    a classic slip gets a hint: the slope of tanh left out or written 1 - a², w2 left out,
    sigmoid(z) in place of sigmoid(z) - y, the gradient of b2 or of w1 instead of b1."""

    t = _LESSON12_TINY
    right = float(grad(_lesson12_tiny_loss)(t["b1"]))
    result = check_answer(my_gradient, right, "my_gradient", rtol=5e-3, atol=1e-9)
    if result.ok or my_gradient is None or np.ndim(my_gradient) != 0:
        return result
    try:
        yours = float(my_gradient)
    except (TypeError, ValueError):
        return result
    a = t["w1"] * t["x"] + t["b1"]
    hidden = np.tanh(a)
    z = t["w2"] * hidden + t["b2"]
    p = 1.0 / (1.0 + np.exp(-z))
    slips = [
        ((p - t["y"]) * t["w2"], "the slope of tanh, 1 - tanh(a)² at a = w1 x + b1, is missing"),
        ((p - t["y"]) * t["w2"] * (1 - a ** 2), "the slope of tanh at a is 1 - tanh(a)², not 1 - a²"),
        ((p - t["y"]) * t["w2"] * (1 - hidden), "the slope of tanh at a is 1 - tanh(a)² (squared)"),
        ((p - t["y"]) * (1 - hidden ** 2), "w2 is missing: z depends on the hidden unit through w2"),
        (p * t["w2"] * (1 - hidden ** 2), "dL/dz is sigmoid(z) - y, not sigmoid(z): the -y z "
         "term of the loss has a derivative too"),
        ((t["y"] - p) * t["w2"] * (1 - hidden ** 2), "dL/dz is sigmoid(z) - y, not y - sigmoid(z)"),
        (p - t["y"], "that is dL/db2, the output's bias; b1 is one layer further back"),
        (right * t["x"], "that is dL/dw1: w1 is multiplied by x, but b1 is added, so da/db1 = 1"),
    ]
    for value, hint in slips:
        if np.isclose(yours, value, rtol=5e-3, atol=1e-9):
            result.message += f" ({hint})"
            break
    return result
