"""The JavaScript translation of a plan agrees with numpy, run under node.

numpy is the ground truth; ``gradlab.compile.javascript`` writes the same plan as one
JavaScript loop. These tests run that JavaScript under node (one process for the whole
file) and compare every output with the numpy plan to 1e-12 relative: nan exactly where
numpy has nan (those become gaps in the explorer's plot), and the same infinities.

* Each entry of the translation table has a case below, at special points (signed
  zeros, infinities, nan, ties, the edges of log, sqrt and arcsin), with its
  derivatives; a test checks that together the cases exercise the whole table.
* Random formulas of every function the parser accepts, with random parameters
  (negative ones too), orders 0 to 3, on grids that cross the nan regions.
* What cannot run point by point is refused, with the op named.

Without node these tests fail (they never skip): CI has node.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from node_runner import JavaScriptError, Node

import gradlab as gl
from gradlab.compile.javascript import (
    TRANSLATIONS,
    JavaScriptPlan,
    NoJavaScript,
    javascript_plan,
)
from gradlab.compile.plan import Plan
from gradlab.core import ops
from gradlab.core.evaluate import evaluate
from gradlab.show.expr import FUNCTIONS, ExpressionError

RTOL = 1e-12
ATOL = 1e-14  # the absolute floor: rounding noise where terms of size 1 cancel to 0
WOBBLE = 2.0**-50  # 4 units in the last place: more than the libraries' sin, exp ... differ
LIBM = {"Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Tanh", "Asinh", "Acosh",
        "Atanh", "Exp", "Exp2", "Expm1", "Log", "Log2", "Log10", "Log1p", "Sigmoid", "Softplus",
        "Pow", "Atan2", "Hypot", "LogAddExp", "LogAddExp2"}
"""Ops computed by a maths library (numpy's and V8's may differ in the last bit); the others
(+ - * /, sqrt, comparisons, floor ...) are correctly rounded, or exact, in both."""


@pytest.fixture(scope="module")
def node():
    try:
        runner = Node()
    except RuntimeError as err:
        pytest.fail(str(err))  # never skip: CI has node
    yield runner
    runner.close()


def wobbled(fetches: list, feed: dict, signs: int) -> list:
    """The plan run by numpy with each maths-library result moved by WOBBLE: up (``signs``
    1), down (-1) or each point either way (0, 2, ...). How far the outputs move is how far
    two correct implementations of sin, exp ... may disagree at that point: little where
    the formula is well-conditioned, a lot where it cancels or sits on a tie."""
    plan = Plan(fetches, list(feed))
    slots = {**plan.consts, **dict(zip(plan.feed_slots, feed.values()))}
    random = np.random.default_rng(max(signs, 0))
    for step in plan.steps:
        value = step.fn(*[slots[a] for a in step.args])
        if step.node.op.name in LIBM:
            sign = signs if signs in (1, -1) else random.choice([-1.0, 1.0], np.shape(value))
            # (sigmoid is 0.5 * (tanh(x/2) + 1): the last bit of tanh counts at the scale of 1/2)
            value = value + sign * WOBBLE * np.maximum(np.abs(value), step.node.op.name == "Sigmoid" and 0.5)
        slots[step.out] = value
    return [np.asarray(slots[s], dtype=np.float64) for s in plan.fetch_slots]


def assert_agree(js: np.ndarray, reference: Any, label: str, wobbles: tuple = ()) -> None:
    """``js`` equals numpy's ``reference`` to RTOL, with nan and inf at the same points.

    With ``wobbles`` (numpy's outputs from :func:`wobbled` runs), the tolerance at each
    point also allows how far the wobbled outputs moved, and a point where a wobble changed
    nan or inf (a tie or a domain edge hit to the last bit) is not compared."""
    reference = np.broadcast_to(np.asarray(reference, dtype=np.float64), js.shape)
    spread, steady = np.zeros(js.shape), np.ones(js.shape, dtype=bool)
    for wobble in wobbles:
        wobble = np.broadcast_to(wobble, js.shape)
        steady &= (np.isnan(wobble) == np.isnan(reference)) & (np.isinf(wobble) == np.isinf(reference))
        with np.errstate(invalid="ignore"):
            steady &= ~np.isinf(reference) | (wobble == reference)
            spread = np.fmax(spread, np.abs(wobble - reference))
    nan, infinite = np.isnan(reference), np.isinf(reference)
    differ = (np.isnan(js) != nan) & steady
    assert not differ.any(), f"{label}: nan differs at x[{np.flatnonzero(differ)[:5]}]: js {js}, numpy {reference}"
    differ = infinite & steady & (js != reference) | ~infinite & np.isinf(js) & steady
    assert not differ.any(), f"{label}: inf differs at x[{np.flatnonzero(differ)[:5]}]: js {js}, numpy {reference}"
    finite = ~nan & ~infinite & steady
    with np.errstate(invalid="ignore"):
        error = np.abs(js - reference)[finite]
    bad = error > RTOL * np.abs(reference[finite]) + ATOL + 2 * spread[finite]
    assert not bad.any(), (f"{label}: js {js[finite][bad][:3]} but numpy {reference[finite][bad][:3]} "
                           f"(relative error {np.max(error[bad] / np.abs(reference[finite][bad])):.2g})")


def check(node: Node, fetches: list, feed: dict, label: str = "") -> JavaScriptPlan:
    """Translate, run under node and compare with numpy: the graph run node by node by the
    reference evaluator, which is what the plan's steps compute one by one."""
    feeds = list(feed)
    plan = javascript_plan(fetches, feeds)
    assert plan.inputs == tuple(t.name for t in feeds) and plan.outputs == len(fetches)
    with np.errstate(all="ignore"):
        expected = evaluate(fetches, feed)
        wobbles = list(zip(*(wobbled(fetches, feed, signs) for signs in (1, -1, 0, 2))))
    outputs = node.run(plan.source, [feed[t] for t in feeds])
    n = max([np.size(v) for v in feed.values() if np.ndim(v)], default=1)
    for k, (js, reference) in enumerate(zip(outputs, expected)):
        assert js.shape == (n,)
        assert_agree(js, reference, f"{label} output {k}", wobbles[k])
    return plan


def derivatives(y, x, orders: int = 3) -> list:
    """[y, dy/dx, ..., the derivative of order ``orders``]."""
    result = [y]
    for _ in range(orders):
        result.append(gl.gradients(result[-1], x)[0])
    return result


# -- one case per op of the table, at special points ----------------------------------
SPECIAL = np.array([-np.inf, -745.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, -1e-310, -0.0, 0.0,
                    1e-310, 1e-8, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 7.25, 710.5, 1e300, np.inf, np.nan])
GRID_X = np.repeat(SPECIAL, SPECIAL.size)  # every pair (x, y) of special points,
GRID_Y = np.tile(SPECIAL, SPECIAL.size)    # so ties and signed zeros meet each other

UNARY_CASES = {  # name -> (function, orders of derivative that exist)
    "sin": (gl.sin, 3), "cos": (gl.cos, 3), "tan": (gl.tan, 3), "arcsin": (gl.arcsin, 3),
    "arccos": (gl.arccos, 3), "arctan": (gl.arctan, 3), "sinh": (gl.sinh, 3), "cosh": (gl.cosh, 3),
    "tanh": (gl.tanh, 3), "arcsinh": (gl.arcsinh, 3), "arccosh": (gl.arccosh, 3),
    "arctanh": (gl.arctanh, 3), "exp": (gl.exp, 3), "exp2": (gl.exp2, 3), "expm1": (gl.expm1, 3),
    "log": (gl.log, 3), "log2": (gl.log2, 3), "log10": (gl.log10, 3), "log1p": (gl.log1p, 3),
    "sqrt": (gl.sqrt, 3), "square": (gl.square, 3), "reciprocal": (gl.reciprocal, 3),
    "abs": (gl.abs, 3), "sign": (lambda x: 1 / gl.sign(x), 0),  # (inf: numpy's sign(-0) is +0)
    "sigmoid": (gl.sigmoid, 3),
    "softplus": (gl.softplus, 3), "relu": (gl.relu, 3), "negative": (gl.negative, 3),
    "floor": (gl.floor, 1), "ceil": (gl.ceil, 1), "rint": (gl.rint, 1), "trunc": (gl.trunc, 1),
    "logical_not": (gl.logical_not, 0),
    "stop_gradient": (lambda x: gl.stop_gradient(x) * x, 2), "identity": (gl.identity, 1),
    "cast": (lambda x: gl.cast(x > 0.5, np.float64), 0), "ones_like": (ops.ones_like, 0),
    "reshape_like": (lambda x: ops.reshape_like(gl.sin(x), x), 1),
}
BINARY_CASES = {
    "add": (gl.add, 3), "subtract": (gl.subtract, 3), "multiply": (gl.multiply, 3),
    "divide": (gl.divide, 3), "pow": (gl.pow, 3), "maximum": (gl.maximum, 3),
    "minimum": (gl.minimum, 3), "fmax": (gl.fmax, 3), "fmin": (gl.fmin, 3),
    "arctan2": (gl.arctan2, 3), "hypot": (gl.hypot, 3), "logaddexp": (gl.logaddexp, 3),
    "logaddexp2": (gl.logaddexp2, 3), "mod": (gl.mod, 3), "fmod": (gl.fmod, 3),
    "floor_divide": (ops.floor_divide, 1),
    "less": (gl.less, 0), "less_equal": (gl.less_equal, 0), "greater": (gl.greater, 0),
    "greater_equal": (gl.greater_equal, 0), "equal": (gl.equal, 0), "not_equal": (gl.not_equal, 0),
    "logical_and": (gl.logical_and, 0), "logical_or": (gl.logical_or, 0),
    "logical_xor": (gl.logical_xor, 0), "where": (lambda x, y: gl.where(x > y, x * y, x - y), 3),
    "select_on_nan": (lambda x, y: gl.where(x * y, x, y), 0),  # nan is true, as in numpy
}


def _unary_case(name: str) -> tuple[list, dict]:
    x = gl.placeholder(gl.float64, name="x")
    function, orders = UNARY_CASES[name]
    return derivatives(function(x), x, orders), {x: SPECIAL}


def _binary_case(name: str) -> tuple[list, dict]:
    x, y = gl.placeholder(gl.float64, name="x"), gl.placeholder(gl.float64, name="y")
    function, orders = BINARY_CASES[name]
    fetches = derivatives(function(x, y), x, orders)
    if orders:
        fetches += gl.gradients(fetches[1], y)  # the mixed derivative, d/dy of d/dx
    return fetches, {x: GRID_X, y: GRID_Y}


def _shape_steps_case() -> tuple[list, dict]:
    """The engine's shape bookkeeping where it stays in a plan: between two grids whose
    shapes are only known to be equal when they are fed, and from a scalar to a grid."""
    x, y = gl.placeholder(gl.float64, name="x"), gl.placeholder(gl.float64, name="y")
    a = gl.placeholder(gl.float64, shape=(), name="a")
    f = (ops.reshape_like(gl.sin(x), y) + ops.sum_to_like(a * x, x, y)
         + ops.broadcast_like(a, x) * y)
    return derivatives(f * a, x, 2), {x: GRID_X, y: GRID_Y, a: -1.5}


CASES = {**{name: functools.partial(_unary_case, name) for name in UNARY_CASES},
         **{name: functools.partial(_binary_case, name) for name in BINARY_CASES},
         "shape_steps": _shape_steps_case}


@pytest.mark.parametrize("name", CASES)
def test_each_op_agrees_at_special_points(node, name):
    fetches, feed = CASES[name]()
    check(node, fetches, feed, name)


def plan_ops(fetches: list, feeds: list) -> set[str]:
    return {step.node.op.name for step in Plan(fetches, feeds).steps}


def test_every_translation_is_exercised_by_an_agreement_test():
    exercised = set()
    for build in CASES.values():
        fetches, feed = build()
        exercised |= plan_ops(fetches, list(feed))
    assert set(TRANSLATIONS) - exercised == set()


# -- the explorer's formulas: every function the parser accepts ------------------------
UNTRANSLATABLE_FUNCTIONS: dict[str, str] = {}
"""Parser functions with no JavaScript translation, and why (none so far: every one has)."""


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_every_parser_function_translates_and_agrees(node, function):
    text = f"{function}(a*x + b)" if FUNCTIONS[function][1] == 1 else f"{function}(a*x, b)"
    expr = gl.parse(text)
    fetches = [expr.derivative(k).tensor for k in range(4)]
    feed = {expr.x: explorer_grid(1.5, -0.5), **{p: 1.5 if name == "a" else -0.5
                                                 for name, p in expr._parameter_nodes.items()}}
    if function in UNTRANSLATABLE_FUNCTIONS:
        refused(fetches, list(feed))
    else:
        assert plan_ops(fetches, list(feed)) <= set(TRANSLATIONS)
        check(node, fetches, feed, text)  # a*x + b crosses 0 and 1 on the grid; a*x ties b at x = -1/3


PARAMETERS = st.one_of(st.sampled_from([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.0]),
                       st.floats(-3, 3, allow_nan=False).map(lambda v: round(v, 3)))
EXPONENTS = st.sampled_from(["2", "3", "-1", "-2", "0", "0.5", "1.5", "a", "b"])
LEAVES = st.sampled_from(["x", "x", "x", "a*x + b", "a", "b", "2", "0.5", "pi"])
UNARY = sorted(f for f, (_, arity) in FUNCTIONS.items() if arity == 1)


@st.composite
def formulas(draw: Any, depth: int = 3) -> str:
    """A formula of the parser's language, nested at most ``depth`` deep."""
    if depth == 0 or draw(st.integers(0, 4)) == 0:
        return draw(LEAVES)
    inner = formulas(depth - 1)
    kind = draw(st.sampled_from(["function", "function", "function", "extremum", "operator", "power"]))
    if kind == "function":
        return f"{draw(st.sampled_from(UNARY))}({draw(inner)})"
    if kind == "extremum":
        return f"{draw(st.sampled_from(['maximum', 'minimum']))}({draw(inner)}, {draw(inner)})"
    if kind == "operator":
        return f"({draw(inner)}) {draw(st.sampled_from('+-*/'))} ({draw(inner)})"
    return f"({draw(inner)})**{draw(EXPONENTS)}"


FORMULAS = formulas().filter(lambda text: re.search(r"\bx\b", text) is not None)


def explorer_grid(a: float, b: float) -> np.ndarray:
    """x from -3 to 3, with the points where formulas turn: 0, -0, +-1, the parameters, ..."""
    special = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -1 / 3, a, -a, b, -b, a * b, a + b, a - b]
    return np.concatenate([np.linspace(-3, 3, 31), special])


@settings(max_examples=30, deadline=None)
@given(FORMULAS, PARAMETERS, PARAMETERS)
def test_random_formulas_agree_to_order_three(node, text, a, b):
    try:
        expr = gl.parse(text)
        fetches = [expr.derivative(k).tensor for k in range(4)]
    except ExpressionError:
        reject()  # a constant works out to inf, or the derivatives grow past their budget
    values = {"a": a, "b": b}
    feed = {expr.x: explorer_grid(a, b)}
    feed.update({node_: values[name] for name, node_ in expr._parameter_nodes.items()})
    check(node, fetches, feed, text)


def test_the_explorer_evaluation_agrees(node):
    """The numbers the explorer plots (``expr.evaluate``), and its tangent at x0 from a
    plan fed a single number."""
    expr = gl.parse("a*sin(b*x) + x**a - sqrt(x)")
    fetches = [expr.derivative(k).tensor for k in range(4)]
    plan = javascript_plan(fetches, [expr.x, expr._parameter_nodes["a"], expr._parameter_nodes["b"]])
    x = np.linspace(-2, 2, 101)
    with np.errstate(all="ignore"):
        expected = expr.evaluate(x, (0, 1, 2, 3), a=-2.0, b=1.5)
        at_x0 = expr.evaluate(0.75, (0, 1), a=-2.0, b=1.5)
    for k, js in enumerate(node.run(plan.source, [x, -2.0, 1.5])):
        assert_agree(js, expected[k], f"order {k}")
    tangent = node.run(plan.source, [0.75, -2.0, 1.5])
    assert [t.shape for t in tangent] == [(1,)] * 4
    assert_agree(np.concatenate(tangent[:2]), np.array(at_x0, dtype=float), "at x0")


def test_the_kernel_and_the_browser_agree_at_the_edge_of_arcsin(node):
    """1/sqrt(1 - x**2) is +inf at x = 1 in the JavaScript, in the reference evaluator and
    in the Session's optimised plan. (The optimiser once computed that sum as -(x**2 - 1),
    which is -0 at x = 1, and so gave -inf.)"""
    expr = gl.parse("arcsin(x)")
    plan = javascript_plan([expr.derivative(1).tensor], [expr.x])
    x = np.array([-1.0, 0.0, 1.0])
    with np.errstate(all="ignore"):
        assert_agree(node.run(plan.source, [x])[0], expr.evaluate(x, (1,))[0], "arcsin'")


def test_a_power_of_one_half_is_a_square_root_as_in_numpy(node):
    """numpy computes x**0.5 as sqrt(x) when the exponent is one number (not an array):
    (-inf)**0.5 is nan and (-0)**0.5 is -0 then, but inf and +0 for an array of 0.5s."""
    x, y = gl.placeholder(gl.float64, name="x"), gl.placeholder(gl.float64, name="y")
    plan = javascript_plan([x**0.5, x**y], [x, y])
    bases = np.array([-np.inf, -0.0, 4.0])
    for feed in ({x: bases, y: np.full(3, 0.5)}, {x: -np.inf, y: 0.5}, {x: -0.0, y: 0.5}):
        with np.errstate(all="ignore"):
            expected = [np.broadcast_to(v, np.shape(feed[x]) or (1,)) for v in evaluate([x**0.5, x**y], feed)]
        outputs = node.run(plan.source, list(feed.values()))
        assert [o.tobytes() for o in outputs] == [e.tobytes() for e in expected], (feed, outputs, expected)


# -- the generated function ------------------------------------------------------------
def test_numbers_round_trip_exactly(node):
    x = gl.placeholder(gl.float64, name="x")
    numbers = [0.1, 1 / 3, -2.5e-7, 5e-324, -0.0, 1e300, -1.7976931348623157e308, np.inf, -np.inf,
               np.nan, 2**53 + 2.0, 6.02214076e23]
    plan = javascript_plan([gl.constant(v) for v in numbers] + [gl.constant(True)], [x])
    outputs = node.run(plan.source, [np.zeros(2)])
    assert [o.tobytes() for o in outputs] == [np.full(2, v).tobytes() for v in [*numbers, 1.0]]


def test_scalars_only_give_one_point_and_scalar_outputs_broadcast(node):
    x, a = gl.placeholder(gl.float64, name="x"), gl.placeholder(gl.float64, shape=(), name="a")
    plan = javascript_plan([gl.sin(a * x), a * 2, x], [x, a])
    assert [o.tolist() for o in node.run(plan.source, [0.5, 3.0])] == [[np.sin(1.5)], [6.0], [0.5]]
    assert node.run(plan.source, [np.arange(3.0), 3.0])[1].tolist() == [6.0] * 3
    assert plan.steps == 3 and plan.outputs == 3 and plan.inputs == ("x", "a")


def test_the_function_checks_its_inputs(node):
    x, y = gl.placeholder(gl.float64, name="x"), gl.placeholder(gl.float64, name="y")
    a = gl.placeholder(gl.float64, shape=(), name="a")
    source = javascript_plan([x * y + a], [x, y, a]).source
    for inputs, message in [([np.ones(2), np.ones(2)], "takes 3 inputs"),
                            ([np.ones(2), np.ones(2), np.ones(2)], "input 2 must be a number"),
                            ([np.ones(2), np.ones(3), 1.0], "all be arrays of one length"),
                            ([np.ones(2), 1.0, 1.0], "all be arrays of one length")]:
        with pytest.raises(JavaScriptError, match=message):
            node.run(source, inputs)


def test_no_text_from_the_graph_reaches_the_source():
    x = gl.placeholder(gl.float64, name='x"); globalThis.hacked = 1; ("')
    plan = javascript_plan([gl.sin(x)], [x])
    assert "hacked" not in plan.source and plan.inputs == (x.name,)
    assert plan.source.startswith("(function (inputs) {") and plan.source.endswith("})")


# -- what has no translation -----------------------------------------------------------
def refused(fetches: list, feeds: list) -> NoJavaScript:
    with pytest.raises(NoJavaScript) as info:
        javascript_plan(fetches, feeds)
    assert "the explorer redraws in the kernel instead" in str(info.value)
    return info.value


def test_a_register_op_op_is_refused_by_name():
    cube = gl.register_op("CubeForJs", lambda v: v**3, [lambda g, out, v: g * (3 * v**2)])
    expr = gl.show.expr.as_expression(lambda t: gl.sin(cube(t)))
    err = refused([expr.tensor, expr.derivative(1).tensor], [expr.x])
    assert err.ops[0] == "CubeForJs" and "op 'CubeForJs' (a register_op op" in str(err)


@pytest.mark.parametrize("build, op", [
    (lambda x, a: gl.reduce_sum(x) * x, "Sum"),
    (lambda x, a: gl.reduce_mean(gl.sin(x)), "Mean"),
    (lambda x, a: gl.matmul(gl.reshape(x, (1, -1)), gl.reshape(x, (-1, 1))), "MatMul"),
    (lambda x, a: gl.gradients(a * gl.sin(x), a)[0], "SumToLike"),  # a real sum over x
    (lambda x, a: x + gl.random_normal(()), "RandomNormal"),
    (lambda x, a: gl.cond(a > 0, lambda: x, lambda: -x), "Cond"),
    (lambda x, a: x + np.array([1.0, 2.0]), "Const"),
    (lambda x, a: gl.cast(x, np.int32) + 1, "Add"),  # numpy computes it in int32
    (lambda x, a: gl.cast(x, np.float32) * 2, "Mul"),
    (lambda x, a: (x > a) + (x < a), "Add"),  # True + True is True in numpy, 2 in JavaScript
])
def test_what_is_not_elementwise_is_refused_by_name(build, op):
    x, a = gl.placeholder(gl.float64, name="x"), gl.placeholder(gl.float64, shape=(), name="a")
    err = refused([build(x, a)], [x, a])
    assert op in err.ops and f"op '{op}'" in str(err)


def test_every_refused_op_is_named_at_once():
    x = gl.placeholder(gl.float64, name="x")
    err = refused([gl.reduce_sum(x), gl.reduce_max(x) + gl.random_uniform(())], [x])
    assert set(err.ops) == {"Sum", "Max", "RandomUniform"}
