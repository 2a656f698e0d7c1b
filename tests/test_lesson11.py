"""Lesson 11, "Build your own engine": its solutions, its self-checks and gl.micro.

* The solution files pass the self-checks the notebook runs, on the notebook's own engine
  (its code cells tagged ``engine``, and ``forgetful`` for exercise 2, run here).
* Each self-check fails on the classic slips and on answers of the wrong kind, says what is
  wrong without the right numbers, says "not answered yet" for None, and never raises.
* ``gl.micro`` (gradlab/show/micro.py) is the notebook's engine, gives the gradients of
  central differences and of gradlab on many formulas, and handles a Value used twice and
  chains far deeper than Python's recursion limit.
"""

import ast
import doctest
import math
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import gradlab as gl
from gradlab.show import exercises, micro

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "11_build_your_own_engine.ipynb"
SOLUTIONS = ROOT / "notebooks" / "solutions"
CELLS = nbformat.read(NOTEBOOK, as_version=4).cells


def notebook(*tags):
    """A fresh namespace in which the notebook's code cells with these tags have run
    (a new Value class each time, so a test that adds methods to it changes no other test)."""
    namespace = {"math": math, "np": np, "gl": gl}
    for cell in CELLS:
        if cell.cell_type == "code" and set(cell.metadata.get("tags", ())) & set(tags):
            exec(compile(cell.source, "lesson 11 engine cell", "exec"), namespace)  # our own cells
    return namespace


def load(name, namespace):
    """Run a solution file the way %load + run would, in the notebook's namespace."""
    exec(compile((SOLUTIONS / name).read_text(), name, "exec"), namespace)  # our own files
    return namespace


def test_the_engine_cells_are_tagged():
    tags = [tuple(c.metadata.get("tags", ())) for c in CELLS if c.cell_type == "code"]
    assert tags.count(("engine",)) == 3 and tags.count(("forgetful",)) == 1
    value = notebook("engine")["Value"]
    for method in ("__add__", "__mul__", "__pow__", "__sub__", "__truediv__", "backward"):
        assert hasattr(value, method)
    assert not hasattr(value, "exp")  # left for exercise 1


# -- the solutions ---------------------------------------------------------------------------
def test_exp_tanh_solution_passes_on_the_notebook_engine():
    namespace = load("11_exp_tanh.py", notebook("engine"))
    verdict = exercises.lesson11_exp_tanh(namespace["my_value_class"])
    assert verdict, verdict.message


def test_fan_in_solution_passes_and_the_forgetful_engine_does_not():
    namespace = load("11_fan_in.py", notebook("engine", "forgetful"))
    verdict = exercises.lesson11_fan_in(namespace["my_fixed_class"])
    assert verdict, verdict.message
    assert not exercises.lesson11_fan_in(namespace["ForgetfulValue"])


def test_gl_micro_passes_both_checks():
    assert exercises.lesson11_exp_tanh(gl.micro.Value)
    assert exercises.lesson11_fan_in(gl.micro.Value)


# -- exercise 1: exp and tanh -----------------------------------------------------------------
def _right_numbers():
    """Every value and gradient the exp/tanh check compares with, six digits each, when
    that text is specific enough (five characters or more) to betray an answer."""
    texts = set()
    for _, names, f in exercises._LESSON11_EXP_TANH + exercises._LESSON11_ARITHMETIC:
        for point in exercises._LESSON11_POINTS:
            leaves = [micro.Value(v) for v in point[: len(names)]]
            out = f(exercises._ValueMath, *leaves)
            out.backward()
            texts |= {f"{v:.6g}" for v in [out.data] + [leaf.grad for leaf in leaves]}
    return {t for t in texts if len(t.lstrip("-")) >= 5}


def assert_no_right_number(message):
    """The message may quote the learner's own number ("yours is ..."), never a right one."""
    rest = re.sub(r"yours is -?[0-9.e+-]+", "yours is ...", message)
    secret = [t for t in _right_numbers() if t in rest]
    assert secret == [], (secret, message)


def _with(value_class, **methods):
    """A fresh notebook Value class with these methods attached, as a learner would."""
    for name, method in methods.items():
        setattr(value_class, name, method)
    return value_class


def _unary(forward, local, assign=False, returns_float=False):
    """A method that makes a one-parent Value: forward(x) and local(x, out) -> derivative."""
    def method(self):
        if returns_float:
            return forward(self.data)
        out = type(self)(forward(self.data), (self,))

        def _backward():
            contribution = local(self.data, out.data) * out.grad
            if assign:
                self.grad = contribution
            else:
                self.grad += contribution
        out._backward = _backward
        return out
    return method


RIGHT_EXP = _unary(math.exp, lambda x, out: out)
RIGHT_TANH = _unary(math.tanh, lambda x, out: 1 - out ** 2)

SLIPS = {
    "exp's rule uses x, not e^x": dict(exp=_unary(math.exp, lambda x, out: x), tanh=RIGHT_TANH),
    "tanh's rule is 1 - t": dict(exp=RIGHT_EXP, tanh=_unary(math.tanh, lambda x, out: 1 - out)),
    "tanh's rule has the wrong sign": dict(exp=RIGHT_EXP,
                                           tanh=_unary(math.tanh, lambda x, out: out ** 2 - 1)),
    "tanh assigns with =": dict(exp=RIGHT_EXP,
                                tanh=_unary(math.tanh, lambda x, out: 1 - out ** 2, assign=True)),
    "exp assigns with =": dict(exp=_unary(math.exp, lambda x, out: out, assign=True),
                               tanh=RIGHT_TANH),
    "exp's value is off": dict(exp=_unary(lambda x: math.exp(x) + 1, lambda x, out: out - 1),
                               tanh=RIGHT_TANH),
    "tanh is sinh": dict(exp=RIGHT_EXP, tanh=_unary(math.sinh, lambda x, out: math.cosh(x))),
}


def _forgets_out_grad():
    """exp whose rule adds e^x itself, not e^x times out.grad (right only when exp is last)."""
    def exp(self):
        out = type(self)(math.exp(self.data), (self,))

        def _backward():
            self.grad += out.data
        out._backward = _backward
        return out
    return exp


SLIPS["exp's rule forgets out.grad"] = dict(exp=_forgets_out_grad(), tanh=RIGHT_TANH)


@pytest.mark.parametrize("slip", sorted(SLIPS))
def test_exp_tanh_check_catches_the_classic_slips(slip):
    cls = _with(notebook("engine")["Value"], **SLIPS[slip])
    verdict = exercises.lesson11_exp_tanh(cls)
    assert not verdict, slip
    assert "is off" in verdict.message and " at a = " in verdict.message
    assert_no_right_number(verdict.message)


def _forgets_out_grad_tanh():
    """tanh whose rule adds 1 - t² itself, not times out.grad."""
    def tanh(self):
        out = type(self)(math.tanh(self.data), (self,))

        def _backward():
            self.grad += 1 - out.data ** 2
        out._backward = _backward
        return out
    return tanh


def _both_slips_exp():
    """exp whose rule sets self.grad = e^x: both out.grad and += forgotten."""
    def exp(self):
        out = type(self)(math.exp(self.data), (self,))

        def _backward():
            self.grad = out.data
        out._backward = _backward
        return out
    return exp


OUT_GRAD = "multiply by out.grad?"
PLUS_EQUALS = "does it add (+=) to the parent's grad"


@pytest.mark.parametrize("methods, hint, method", [
    (dict(exp=_forgets_out_grad(), tanh=RIGHT_TANH), OUT_GRAD, "exp"),
    (dict(exp=RIGHT_EXP, tanh=_forgets_out_grad_tanh()), OUT_GRAD, "tanh"),
    (dict(exp=_both_slips_exp(), tanh=RIGHT_TANH), OUT_GRAD, "exp"),
    (SLIPS["exp assigns with ="], PLUS_EQUALS, "exp"),
    (SLIPS["tanh assigns with ="], PLUS_EQUALS, "tanh"),
])
def test_exp_tanh_the_two_classic_slips_get_hints_of_their_own(methods, hint, method):
    verdict = exercises.lesson11_exp_tanh(_with(notebook("engine")["Value"], **methods))
    assert not verdict and hint in verdict.message, verdict.message
    assert f"{method}'s _backward" in verdict.message
    assert "is off" in verdict.message  # the failing formula is still named
    assert_no_right_number(verdict.message)


@pytest.mark.parametrize("slip", ["exp's rule uses x, not e^x", "tanh's rule is 1 - t",
                                  "tanh's rule has the wrong sign", "exp's value is off",
                                  "tanh is sinh"])
def test_exp_tanh_other_slips_get_neither_hint(slip):
    verdict = exercises.lesson11_exp_tanh(_with(notebook("engine")["Value"], **SLIPS[slip]))
    assert not verdict
    assert OUT_GRAD not in verdict.message and PLUS_EQUALS not in verdict.message


def test_exp_tanh_check_says_which_way_and_which_formula():
    forgetful = _with(notebook("engine")["Value"], exp=_forgets_out_grad(), tanh=RIGHT_TANH)
    message = exercises.lesson11_exp_tanh(forgetful).message
    assert message.startswith("d/da of exp(a) * b at a = 0.5, b = -1.2 is off")
    assert "(relative)" in message or "wrong sign" in message
    wrong_value = _with(notebook("engine")["Value"], **SLIPS["exp's value is off"])
    message = exercises.lesson11_exp_tanh(wrong_value).message
    assert message.startswith("the value (.data) of exp(a) at a = 0.5 is off") and "too large" in message


def test_exp_tanh_check_accepts_any_right_way_of_writing_the_rules():
    other_way = _with(notebook("engine")["Value"],
                      exp=_unary(math.exp, lambda x, out: math.exp(x)),
                      tanh=_unary(math.tanh, lambda x, out: 1 / math.cosh(x) ** 2))
    assert exercises.lesson11_exp_tanh(other_way)


def test_exp_tanh_check_answers_of_the_wrong_kind():
    value = notebook("engine")["Value"]
    assert exercises.lesson11_exp_tanh(None).message.startswith("not answered yet")
    assert "has no method exp" in exercises.lesson11_exp_tanh(value).message
    only_exp = _with(value, exp=RIGHT_EXP)
    assert "has no method tanh" in exercises.lesson11_exp_tanh(only_exp).message
    one_value = exercises.lesson11_exp_tanh(value(1.0))
    assert not one_value and "give the class itself" in one_value.message
    assert "not an object of type int" in exercises.lesson11_exp_tanh(3).message
    assert "not an object of type function" in exercises.lesson11_exp_tanh(RIGHT_EXP).message


def _raising(self):
    raise NotImplementedError("not yet")


def _endless_backward(self):
    return _endless_backward(self)


@pytest.mark.parametrize("make, words", [
    (lambda V: _with(V, exp=_raising, tanh=RIGHT_TANH), "raised NotImplementedError: not yet"),
    (lambda V: _with(V, exp=_unary(math.exp, None, returns_float=True), tanh=RIGHT_TANH),
     "gave a float, not a Value"),
    (lambda V: _with(V, exp=RIGHT_EXP, tanh=RIGHT_TANH, backward=_endless_backward),
     "backward() of a*b + a/b - b**2 raised RecursionError"),
    (lambda V: _with(V, exp=RIGHT_EXP, tanh=RIGHT_TANH,
                     __init__=lambda self, data, parents: None), "must make an input from one number"),
    (lambda V: _with(V, exp=RIGHT_EXP, tanh=RIGHT_TANH,
                     __mul__=lambda self, other: V(0.0)), "the arithmetic of sections 1-3 is off"),
    (lambda V: _with(V, exp=RIGHT_EXP, tanh=RIGHT_TANH, data=property(lambda self: "two",
                                                                      lambda self, v: None)),
     "raised"),
])
def test_exp_tanh_check_reports_a_broken_class_in_words(make, words):
    verdict = exercises.lesson11_exp_tanh(make(notebook("engine")["Value"]))  # must not raise
    assert not verdict and words in verdict.message, verdict.message


# -- exercise 2: fan-in -----------------------------------------------------------------------
def _partly_fixed(namespace, fixed):
    """ForgetfulValue with only the methods in ``fixed`` taken from the solution."""
    solution = load("11_fan_in.py", namespace)["FixedValue"]
    return type("HalfFixed", (namespace["ForgetfulValue"],),
                {name: solution.__dict__[name] for name in fixed})


def test_fan_in_check_on_the_forgetful_engine():
    namespace = notebook("engine", "forgetful")
    verdict = exercises.lesson11_fan_in(namespace["ForgetfulValue"])
    assert not verdict
    assert verdict.message.startswith("d/dx of x * x at x = 3 is off: yours is 3, too small")
    assert "x is used more than once" in verdict.message
    assert "6" not in verdict.message


@pytest.mark.parametrize("fixed", [("__add__",), ("__mul__", "__rmul__"),
                                   ("__add__", "__radd__", "__mul__", "__rmul__")])
def test_fan_in_check_wants_every_rule_fixed(fixed):
    verdict = exercises.lesson11_fan_in(_partly_fixed(notebook("engine", "forgetful"), fixed))
    assert not verdict and "used more than once" in verdict.message


def test_fan_in_check_catches_a_grad_counted_twice():
    namespace = notebook("engine", "forgetful")
    solution = load("11_fan_in.py", namespace)["FixedValue"]

    def __add__(self, other):  # adds each contribution twice
        other = other if isinstance(other, namespace["Value"]) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad += 2 * out.grad
            other.grad += 2 * out.grad
        out._backward = _backward
        return out
    greedy = type("Greedy", (solution,), {"__add__": __add__, "__radd__": __add__})
    verdict = exercises.lesson11_fan_in(greedy)
    assert not verdict and "too far from 0" in verdict.message
    assert "used more than once" not in verdict.message  # a*b + c is wrong already


def test_fan_in_check_answers_of_the_wrong_kind():
    namespace = notebook("engine", "forgetful")
    assert exercises.lesson11_fan_in(None).message.startswith("not answered yet: set my_fixed_class")
    one_value = exercises.lesson11_fan_in(namespace["ForgetfulValue"](3.0))
    assert not one_value and "give the class itself" in one_value.message
    assert not exercises.lesson11_fan_in("FixedValue")
    verdict = exercises.lesson11_fan_in(_with(namespace["Value"], backward=_raising))
    assert not verdict and "raised NotImplementedError" in verdict.message


# -- gl.micro ---------------------------------------------------------------------------------
def test_gl_micro_is_exported_and_imports_only_math():
    assert gl.micro is micro and "micro" in gl.__all__
    tree = ast.parse(Path(micro.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"math"}


def test_micro_docstring_example_runs():
    assert doctest.testmod(micro).failed == 0


def _central(f, point, i):
    h = 1e-6 * max(1.0, abs(point[i]))
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (f(FLOATS, *up) - f(FLOATS, *down)) / (2 * h)


class FLOATS:
    exp, log, tanh = math.exp, math.log, math.tanh
    relu = staticmethod(lambda v: max(v, 0.0))


class VALUES:
    exp, log, tanh, relu = micro.Value.exp, micro.Value.log, micro.Value.tanh, micro.Value.relu


class TENSORS:
    exp, log, tanh, relu = gl.exp, gl.log, gl.tanh, gl.relu


def micro_gradient(f, point):
    leaves = [micro.Value(v) for v in point]
    out = f(VALUES, *leaves)
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


FORMULAS = [
    (lambda m, a, b: a * b + a / b - b ** 2, (0.7, -1.3)),
    (lambda m, a, b: 2 - a + 3 / b - (a - b) / 4, (0.7, -1.3)),
    (lambda m, x, y: x * x, (3.0, 0.0)),
    (lambda m, x, y: x + x + x, (3.0, 0.0)),
    (lambda m, x, y: (lambda u: u * u + u / (1 + u * u))(x * y), (0.8, -0.6)),
    (lambda m, a, b: m.exp(a) * m.tanh(b) - m.log(1 + a * a), (0.4, 1.1)),
    (lambda m, a, b: m.tanh(m.exp(-a * b)) ** 3, (-0.5, 0.9)),
    (lambda m, a, b: m.relu(a - b) * a + m.relu(b - a) * b, (1.5, 0.2)),
    (lambda m, a, b: m.relu(a - b) * a + m.relu(b - a) * b, (0.2, 1.5)),
    (lambda m, a, b: (a ** 2 + b ** 2) ** 0.5, (3.0, 4.0)),
    (lambda m, a, b: m.log(m.exp(a) + m.exp(b)), (0.3, -2.0)),
]


@pytest.mark.parametrize("f, point", FORMULAS)
def test_micro_matches_central_differences_and_gradlab(f, point):
    data, grads = micro_gradient(f, point)
    assert data == pytest.approx(f(FLOATS, *point), rel=1e-12)
    for i, grad in enumerate(grads):
        assert grad == pytest.approx(_central(f, point, i), rel=1e-6, abs=1e-8), i
    right = gl.grad(lambda a, b: f(TENSORS, a, b), argnums=(0, 1))(*point)
    np.testing.assert_allclose(grads, np.array(right, dtype=float), rtol=1e-12, atol=1e-14)


def test_relu_has_slope_zero_at_zero_like_gradlab():
    x = micro.Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0 == float(gl.grad(gl.relu)(0.0))


def test_a_value_used_twice_collects_both_contributions():
    x = micro.Value(3.0)
    (x * x).backward()
    assert x.grad == 6.0
    x = micro.Value(3.0)
    (x + x).backward()
    assert x.grad == 2.0
    a, b = micro.Value(2.0), micro.Value(-3.0)
    u = a * b
    (u * u + u).backward()  # d/da = (2u + 1) b
    assert (a.grad, b.grad) == ((2 * -6.0 + 1) * -3.0, (2 * -6.0 + 1) * 2.0)


def test_grads_add_up_over_backward_passes_until_reset():
    a, b = micro.Value(2.0), micro.Value(-3.0)
    y = a * b
    y.backward()
    y.backward()
    assert a.grad == -6.0
    a.grad = b.grad = 0.0
    y.backward()
    assert a.grad == -3.0


@pytest.mark.parametrize("module", ["micro", "notebook"])
def test_backward_through_a_chain_deeper_than_the_recursion_limit(module):
    value = micro.Value if module == "micro" else notebook("engine")["Value"]
    steps = 5 * sys.getrecursionlimit()
    x = value(0.5)
    z = x
    for _ in range(steps):
        z = (z * 0.999).tanh() if module == "micro" else z * 0.999 + 0.0
    z.backward()
    if module == "notebook":
        assert x.grad == pytest.approx(0.999 ** steps, rel=1e-9)
    else:  # d/dx of tanh(0.999 z) chained: the product of 0.999 (1 - tanh**2) at each step
        expected, v = 1.0, 0.5
        for _ in range(steps):
            v = math.tanh(0.999 * v)
            expected *= 0.999 * (1 - v * v)
        assert x.grad == pytest.approx(expected, rel=1e-9)


def test_topological_order_puts_parents_first_and_each_value_once():
    a, b = micro.Value(1.0), micro.Value(2.0)
    u = a * b
    v = u + a
    w = (u * v - b).tanh()
    order = micro.topological_order(w)
    assert len(order) == len({id(n) for n in order}) and order[-1] is w
    place = {id(n): i for i, n in enumerate(order)}
    assert all(place[id(p)] < place[id(n)] for n in order for p in n._parents)
    assert {id(a), id(b), id(u), id(v)} <= set(place)


def test_micro_refuses_a_value_as_exponent_and_prints_plainly():
    with pytest.raises(TypeError, match="plain numbers only"):
        micro.Value(2.0) ** micro.Value(3.0)
    assert repr(micro.Value(2.5)) == "Value(data=2.5, grad=0)"


# -- random programs: gl.micro against gradlab, central differences and the notebook ----------
ARITHMETIC = ["add", "sub", "mul", "div", "square", "cube", "neg", "rsub", "rdiv"]
FUNCTIONS = ["tanh", "exp", "log"]


def run_program(program, m, inputs):
    """Each step makes a new value from earlier ones (so values get reused: fan-in)."""
    values = list(inputs)
    for op, i, j in program:
        a, b = values[i % len(values)], values[j % len(values)]
        values.append({
            "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
            "div": lambda: a / (1 + b * b), "square": lambda: a ** 2, "cube": lambda: a ** 3,
            "neg": lambda: -a, "rsub": lambda: 2 - a, "rdiv": lambda: 1 / (2 + a * a),
            "tanh": lambda: m.tanh(a), "exp": lambda: m.exp(m.tanh(a) + b / (1 + b * b)),
            "log": lambda: m.log(1 + a * a),
        }[op]())
    return values[-1] + values[-2] * values[0]


def moderate(program, point):
    """Does every step of the program stay finite and below 1000 in size, in plain floats?
    (Cubes of cubes overflow; such programs test overflow, not gradients.)"""
    try:
        return all(abs(run_program(program[:k], FLOATS, point)) < 1e3
                   for k in range(1, len(program) + 1))
    except (OverflowError, ZeroDivisionError, ValueError):
        return False


def programs(ops):
    step = st.tuples(st.sampled_from(ops), st.integers(0, 20), st.integers(0, 20))
    return st.lists(step, min_size=1, max_size=8)


POINTS = st.tuples(*[st.floats(-1.5, 1.5, allow_nan=False)] * 3)


@settings(max_examples=30, deadline=None)
@given(programs(ARITHMETIC + FUNCTIONS), POINTS)
def test_micro_on_random_programs(program, point):
    assume(moderate(program, point))
    leaves = [micro.Value(v) for v in point]
    out = run_program(program, VALUES, leaves)
    out.backward()
    grads = [leaf.grad for leaf in leaves]
    right = gl.grad(lambda *xs: run_program(program, TENSORS, xs), argnums=(0, 1, 2))(*point)
    np.testing.assert_allclose(grads, np.array(right, dtype=float), rtol=1e-9, atol=1e-9)
    f = lambda m, *xs: run_program(program, m, xs)  # noqa: E731
    numeric = [_central(f, point, i) for i in range(3)]
    np.testing.assert_allclose(grads, numeric, rtol=1e-4, atol=1e-5)


@settings(max_examples=30, deadline=None)
@given(programs(ARITHMETIC), POINTS)
def test_the_notebook_engine_and_micro_give_the_same_gradients(program, point):
    assume(moderate(program, point))
    results = []
    for value in (notebook("engine")["Value"], micro.Value):
        leaves = [value(v) for v in point]
        out = run_program(program, None, leaves)
        out.backward()
        results.append((out.data, [leaf.grad for leaf in leaves]))
    assert results[0] == results[1]  # the same arithmetic in the same order: the same bits
