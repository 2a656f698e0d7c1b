"""The plan optimiser changes how values are computed, never which values.

The passes in gradlab/optimize.py rewrite sums, scalings and products (factors carried
along, sums collected into linear combinations, shared factors pulled out). Their hard
cases are values used by several consumers: a sum one step needs as it is and another
step negates, or a product that is also fetched. The formulas below are random graphs
(not trees: each new node may reuse any earlier node), evaluated three ways:

* by gradlab's compiled plan, for a value, its first and second derivative and an
  intermediate node, all fetched together, on 9 points and on 16385 (where plans are
  also reordered to keep fewer arrays alive and write into dead buffers);
* by plain numpy, step by step in the order written, with the derivatives carried
  along by forward-mode dual numbers written out here (independent of gradlab's
  gradient rules). ``maximum`` brings in comparisons: its derivative sums boolean
  masks, which must stay numbers (True + True is True in numpy).

Tolerances are relative to the largest intermediate value, because reassociating a
sum moves rounding errors around but never by more than a few units of that size.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gradlab as gl
from gradlab.compile.plan import _step_name

POINTS = np.linspace(-2.0, 2.0, 9)
BIG = np.linspace(-2.0, 2.0, 2**14 + 1)  # large enough for the memory passes; contains POINTS
SMALL_IN_BIG = np.searchsorted(BIG, POINTS)
assert np.array_equal(BIG[SMALL_IN_BIG], POINTS)
COEFFICIENTS = [-3.0, -2.0, -1.0, -0.5, 0.2, 0.5, 2.0, 3.0]


def apply(op, c, a, b):
    """One instruction on gradlab tensors or on numpy triples (value, d/dx, d²/dx²)."""
    if isinstance(a, gl.Tensor):
        return {
            "add": lambda: a + b, "sub": lambda: a - b, "neg": lambda: -a,
            "scale": lambda: c * a, "divide": lambda: a / c, "shift": lambda: a + c,
            "mul": lambda: a * b, "sin": lambda: gl.sin(a), "tanh": lambda: gl.tanh(a),
            "square": lambda: a**2, "maximum": lambda: gl.maximum(a, b),
        }[op]()
    (v, d, dd), (w, e, ee) = a, b
    if op == "add":
        return v + w, d + e, dd + ee
    if op == "sub":
        return v - w, d - e, dd - ee
    if op == "neg":
        return -v, -d, -dd
    if op == "scale":
        return c * v, c * d, c * dd
    if op == "divide":
        return v / c, d / c, dd / c
    if op == "shift":
        return v + c, d, dd
    if op == "mul":
        return v * w, d * w + v * e, dd * w + 2 * d * e + v * ee
    if op == "sin":
        return np.sin(v), np.cos(v) * d, np.cos(v) * dd - np.sin(v) * d * d
    if op == "tanh":
        t = np.tanh(v)
        return t, (1 - t * t) * d, (1 - t * t) * dd - 2 * t * (1 - t * t) * d * d
    if op == "square":
        return v * v, 2 * v * d, 2 * d * d + 2 * v * dd
    if op == "maximum":  # the larger one's derivatives; at a tie, their mean
        def pick(p, q):
            return np.where(v > w, p, np.where(v < w, q, (p + q) / 2))
        return np.maximum(v, w), pick(d, e), pick(dd, ee)
    raise ValueError(op)


instructions = st.lists(
    st.tuples(st.sampled_from(["add", "sub", "neg", "scale", "divide", "shift", "mul", "sin",
                               "tanh", "square", "maximum", "add", "sub", "scale"]),
              st.sampled_from(COEFFICIENTS), st.integers(0, 1000), st.integers(0, 1000)),
    min_size=1, max_size=14)


@settings(max_examples=150, deadline=None)
@given(program=instructions, pick=st.integers(0, 1000))
def test_optimised_plans_agree_with_numpy_on_random_graphs_with_shared_nodes(program, pick):
    x = gl.placeholder(name="x")
    tensors = [x]
    reference = [(BIG, np.ones_like(BIG), np.zeros_like(BIG))]
    for op, c, i, j in program:
        a, b = i % len(tensors), j % len(tensors)
        tensors.append(apply(op, c, tensors[a], tensors[b]))
        reference.append(apply(op, c, reference[a], reference[b]))
        if np.max(np.abs(reference[-1][0])) > 1e3:  # products of squares grow fast: squash
            tensors[-1] = gl.tanh(tensors[-1])
            reference[-1] = apply("tanh", c, reference[-1], reference[-1])
    y = tensors[-1]
    dy = gl.gradients(y, x)[0]
    ddy = gl.gradients(dy, x)[0]
    middle = pick % len(tensors)
    fetches = [y, dy, ddy, tensors[middle]]
    want = [*reference[-1], reference[middle][0]]
    size = max(1.0, *(float(np.max(np.abs(part))) for triple in reference for part in triple))
    # 9 points: the plain plan; 16385 points: reordered steps, out= buffers and early release
    for points, where in [(POINTS, SMALL_IN_BIG), (BIG, slice(None))]:
        with gl.Session() as session:
            got = session.run(fetches, {x: points})
            again = session.run(fetches, {x: points})  # the fast path
        for name, g, h, w in zip(["f", "f'", "f''", "intermediate"], got, again, want):
            np.testing.assert_allclose(np.broadcast_to(g, points.shape), w[where], rtol=1e-9,
                                       atol=1e-12 * size * len(program), err_msg=name)
            np.testing.assert_array_equal(g, h)


def test_a_sum_used_twice_keeps_its_sign_where_it_is_negated():
    # u = 1 - x**2 is computed once (a product needs it) and negated again later.
    x = gl.placeholder(name="x")
    u = 1 - x**2
    y = gl.sin(x) * u + (-u) / (1 + x**2)
    with gl.Session() as session:
        got = session.run(y, {x: POINTS})
    u_ = 1 - POINTS**2
    np.testing.assert_allclose(got, np.sin(POINTS) * u_ - u_ / (1 + POINTS**2), rtol=1e-13)


def test_sums_are_collected_into_one_linear_combination():
    # 3a - 0.2b + 0.2(c + 10a) + 1.5 = 5a + 0.2(c - b) + 1.5: equal coefficients first
    x = gl.placeholder(name="x")
    a, b, c = gl.sin(x), gl.cos(x), gl.tanh(x)
    y = 3 * a - 0.2 * b + 0.2 * (c + 10 * a) + 1.5
    with gl.Session() as session:
        plan = session.plan(y, {x: POINTS})
        got = session.run(y, {x: POINTS})
    want = 5 * np.sin(POINTS) + 0.2 * (np.tanh(POINTS) - np.cos(POINTS)) + 1.5
    np.testing.assert_allclose(got, want, rtol=1e-13)
    # sin, cos, tanh; c - b; scaled by 0.2/5 and added to a; + 1.5/5; the factor 5 at last
    assert [_step_name(s) for s in plan.steps][3:] == ["Sub", "Mul", "Add", "Add", "Mul"]


def test_derivatives_built_from_comparisons_stay_numbers():
    # d/dx minimum(-x, x) sums the masks x < -x, x == -x and so on, with equal coefficients
    x = gl.placeholder(name="x")
    dy = gl.gradients(-gl.minimum(-x, x), x)[0]
    with gl.Session() as session:
        got = session.run(dy, {x: np.array([-1.0, 0.0, 2.0])})
    np.testing.assert_array_equal(got, [-1.0, 0.0, 1.0])


def _values_and_gradients_match(x, cases, values, atol_value, atol_gradient):
    """Each (build, reference): the plan's value, and its gradient of sum(y) against central
    differences of the numpy reference, one element of x at a time."""
    eps = 1e-6
    for build, reference in cases:
        y = build(x)
        (g,) = gl.gradients(y, x)
        with gl.Session() as session:
            got_y, got_g = session.run([y, g], {x: values})
        expected_g = np.array([(np.sum(reference(values + eps * e)) - np.sum(reference(values - eps * e)))
                               / (2 * eps) for e in np.eye(values.size)])
        np.testing.assert_allclose(got_y, reference(values), rtol=1e-12, atol=atol_value)
        np.testing.assert_allclose(got_g, expected_g, rtol=1e-6, atol=atol_gradient)


def test_sizes_known_only_when_the_plan_runs_combine_with_carried_factors():
    # With unknown shapes a mean's 1/n is a Size ratio, which becomes a constant only when
    # the plan is specialised for the fed shape; it then meets factors carried from
    # scalings and negations (-2 * ..., / 3) on both sides of a product.
    x = gl.placeholder(name="x")
    values = np.linspace(-1.0, 2.5, 7)
    cases = [
        (lambda t: gl.reduce_mean(-2.0 * gl.sin(t)), lambda v: np.mean(-2.0 * np.sin(v))),
        (lambda t: -gl.reduce_mean(gl.sin(t) / 3.0) * 0.5, lambda v: -np.mean(np.sin(v) / 3.0) * 0.5),
        (lambda t: gl.reduce_mean((-3.0 * t) * (2.0 * gl.cos(t))), lambda v: np.mean(-6.0 * v * np.cos(v))),
        (lambda t: 2.0 * gl.reduce_mean(-t) - gl.reduce_mean(t * 0.5),
         lambda v: 2.0 * np.mean(-v) - np.mean(v * 0.5)),
    ]
    _values_and_gradients_match(x, cases, values, atol_value=1e-14, atol_gradient=1e-9)


def test_pulled_out_factors_and_constants_of_expanded_sums_keep_their_values():
    # p*q + p*s = p*(q + s), where q is a scaled sum with a constant term that only this
    # product used: its terms, constant and carried factor all move inside the bracket.
    # A size known only when the plan runs is a constant of the plan, with a factor of
    # its own when scaled.
    x = gl.placeholder(name="x")
    values = np.linspace(-1.0, 2.5, 7)
    n = values.size
    cases = [
        (lambda t: t * (2.0 * (t + 1.0)) + t * gl.sin(t), lambda v: v * 2 * (v + 1) + v * np.sin(v)),
        (lambda t: gl.cos(t) * (-3.0 * (t - 2.0)) - gl.cos(t) * t,
         lambda v: np.cos(v) * -3 * (v - 2) - np.cos(v) * v),
        (lambda t: t * ((t + 0.5) / 4.0) + t * (3.0 * (1.0 - t)),
         lambda v: v * (v + 0.5) / 4 + v * 3 * (1 - v)),
        (lambda t: t + 2.0 * gl.size(t), lambda v: v + 2.0 * n),
        (lambda t: t - 3.0 * gl.size(t) / 2.0, lambda v: v - 1.5 * n),
    ]
    _values_and_gradients_match(x, cases, values, atol_value=1e-12, atol_gradient=1e-8)


def test_integer_arithmetic_is_left_out_of_the_factor_algebra():
    # (k*3 + k*5) // 2 on int32: the algebra that regroups floats must not touch integers
    k = gl.placeholder(gl.int32, name="k")
    y = (k * 3 + k * 5 - (k * 2) * 4 + 7 * k) // 2 + (k * k * 2 - k * 2 * k)
    values = np.array([1, 2, -3, 40000, 2**20], np.int32)
    with gl.Session() as session:
        got = session.run(y, {k: values})
    want = gl.evaluate(y, {k: values})[0]
    assert got.dtype == np.int32 == want.dtype
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, (values * 7) // 2)
