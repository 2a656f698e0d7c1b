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
    from ..frontend.jacobians import jvp  # (a front end, a layer below show: allowed)

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
    (("a*b / a + a**2", ("a", "b"), lambda m, a, b: a * b / a + a ** 2), "a"),
    (("u*u + u with u = a*b", ("a", "b"), lambda m, a, b: (lambda u: u * u + u)(a * b)), "u"),
    (("(a + b) * (a - b) * c", ("a", "b", "c"), lambda m, a, b, c: (a + b) * (a - b) * c), "a"),
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


def lesson11_exp_tanh(my_value_class: Any) -> DerivativeCheck:
    """Lesson 11, exercise 1: ``exp`` and ``tanh`` added to the notebook's ``Value`` class.

    The class must make an input from one number (``Value(0.5)``), support the arithmetic
    of the lesson (``+ - * / **``) and have methods ``exp()`` and ``tanh()`` that return new
    Values; ``backward()`` fills in ``.grad``. The check computes formulas such as
    ``exp(a) * b`` and ``tanh(a*b) - a`` at several points and compares ``.data`` and each
    input's ``.grad`` with the formula's value and central differences. A formula in which
    exp or tanh is not the last step catches a rule that forgets ``out.grad``; one that uses
    an input twice catches ``=`` in place of ``+=``. Any error raised by the class is reported
    in words, never as a traceback."""
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
                return DerivativeCheck(False, problem, nothing, nothing, nothing)
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
                hint = f" ({shared} is used more than once in this formula)" if shared else ""
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
    from .micro import Value, topological_order  # (lesson 11's engine, in this layer)

    y = x = Value(start)
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
        return _lesson13_verdict(False, f"your tape has {len(yours)} operations, but the loop "
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
    from ..core.graph import Tensor
    from .check import check_derivative

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
