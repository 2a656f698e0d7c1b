"""Every op's derivatives of order 1, 2 and 3 against central differences (float64).

Two independent checks per op and order k:

* against finite differences of the *numpy* function itself (a fixed stencil for
  each order, so gradlab's answer is compared with nothing gradlab computed);
* against a central difference of gradlab's own order k-1 derivative, which is
  much more precise and catches small errors in higher-order rules.
"""

import zlib

import numpy as np
import pytest

import gradlab as gl

# name, gradlab builder, numpy reference, domain (lo, hi) for random points
UNARY = [
    ("sin", gl.sin, np.sin, (-3, 3)),
    ("cos", gl.cos, np.cos, (-3, 3)),
    ("tan", gl.tan, np.tan, (-1.2, 1.2)),
    ("arcsin", gl.arcsin, np.arcsin, (-0.8, 0.8)),
    ("arccos", gl.arccos, np.arccos, (-0.8, 0.8)),
    ("arctan", gl.arctan, np.arctan, (-3, 3)),
    ("sinh", gl.sinh, np.sinh, (-2, 2)),
    ("cosh", gl.cosh, np.cosh, (-2, 2)),
    ("tanh", gl.tanh, np.tanh, (-2, 2)),
    ("exp", gl.exp, np.exp, (-2, 2)),
    ("log", gl.log, np.log, (0.3, 4)),
    ("log1p", gl.log1p, np.log1p, (-0.6, 4)),
    ("sqrt", gl.sqrt, np.sqrt, (0.3, 4)),
    ("square", gl.square, np.square, (-3, 3)),
    ("abs", gl.abs, np.abs, (0.2, 3)),
    ("abs-negative", gl.abs, np.abs, (-3, -0.2)),
    ("sign", gl.sign, np.sign, (0.2, 3)),
    ("sigmoid", gl.sigmoid, lambda v: 1 / (1 + np.exp(-v)), (-4, 4)),
    ("softplus", gl.softplus, lambda v: np.log(1 + np.exp(v)), (-4, 4)),
    ("relu", gl.relu, lambda v: np.maximum(v, 0), (0.2, 3)),
    ("relu-negative", gl.relu, lambda v: np.maximum(v, 0), (-3, -0.2)),
    ("negative", gl.negative, np.negative, (-3, 3)),
    ("identity", gl.identity, lambda v: v, (-3, 3)),
    ("reciprocal", lambda t: 1 / t, lambda v: 1 / v, (0.5, 3)),
    ("cube", lambda t: t**3, lambda v: v**3, (-2, 2)),
    ("power of a tensor base", lambda t: 2.5**t, lambda v: 2.5**v, (-2, 2)),
    ("x to the x", lambda t: t**t, lambda v: v**v, (0.5, 2)),
]

# name, builder, numpy reference, domain for the first and second argument
BINARY = [
    ("add", gl.add, np.add, (-3, 3), (-3, 3)),
    ("subtract", gl.subtract, np.subtract, (-3, 3), (-3, 3)),
    ("multiply", gl.multiply, np.multiply, (-3, 3), (-3, 3)),
    ("divide", gl.divide, np.divide, (-3, 3), (0.5, 3)),
    ("pow", gl.pow, np.power, (0.5, 3), (-2, 2)),
    ("maximum", gl.maximum, np.maximum, (1, 2), (-2, 0)),
    ("minimum", gl.minimum, np.minimum, (1, 2), (-2, 0)),
]

# Central-difference stencils for d^k f / dx^k: (offsets, weights), error O(h^2).
STENCILS = {
    1: ([-1, 1], [-0.5, 0.5]),
    2: ([-1, 0, 1], [1, -2, 1]),
    3: ([-2, -1, 1, 2], [-0.5, 1, -1, 0.5]),
}
STEP = {1: 1e-6, 2: 1e-4, 3: 1e-3}
TOLERANCE = {1: 1e-6, 2: 1e-5, 3: 1e-4}


def finite_difference(f, points, order):
    h = STEP[order]
    offsets, weights = STENCILS[order]
    return sum(w * f(points + o * h) for o, w in zip(offsets, weights)) / h**order


def derivatives(builder, order):
    """Nodes for f, f', ..., f^(order) of builder at a placeholder x."""
    x = gl.placeholder(gl.float64, name="x")
    nodes = [builder(x)]
    for _ in range(order):
        nodes.append(gl.gradients(nodes[-1], x)[0])
    return x, nodes


def relative_error(got, want):
    return np.max(np.abs(got - want) / (1 + np.abs(want)))


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("name, builder, reference, domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_derivative_matches_central_differences(name, builder, reference, domain, order):
    rng = np.random.default_rng(zlib.crc32(name.encode()) + order)
    lo, hi = domain
    margin = 3 * STEP[order] * 2
    points = rng.uniform(lo + margin, hi - margin, size=25)
    x, nodes = derivatives(builder, order)
    with gl.Session() as session:
        values = session.run(nodes, feed_dict={x: points})
        lower = lambda p: session.run(nodes[order - 1], feed_dict={x: p})  # noqa: E731
        precise = (lower(points + 1e-6) - lower(points - 1e-6)) / 2e-6
    assert values[order].shape == points.shape
    assert relative_error(values[order], finite_difference(reference, points, order)) < TOLERANCE[order]
    assert relative_error(values[order], precise) < 1e-6


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("argument", [0, 1])
@pytest.mark.parametrize("name, builder, reference, dom_a, dom_b", BINARY, ids=[b[0] for b in BINARY])
def test_binary_partial_derivatives_match_central_differences(name, builder, reference, dom_a,
                                                              dom_b, argument, order):
    rng = np.random.default_rng(zlib.crc32(name.encode()) + 10 * order + argument)
    a = rng.uniform(*dom_a, size=20)
    b = rng.uniform(*dom_b, size=20)
    other = b if argument == 0 else a
    if argument == 0:
        f = lambda t: builder(t, other)  # noqa: E731
        ref = lambda v: reference(v, other)  # noqa: E731
        points = a
    else:
        f = lambda t: builder(other, t)  # noqa: E731
        ref = lambda v: reference(other, v)  # noqa: E731
        points = b
    x, nodes = derivatives(f, order)
    with gl.Session() as session:
        got = session.run(nodes[order], feed_dict={x: points})
    assert relative_error(got, finite_difference(ref, points, order)) < TOLERANCE[order]


def test_third_derivative_of_sin_is_minus_cos():
    x, nodes = derivatives(gl.sin, 3)
    points = np.linspace(-4, 4, 50)
    with gl.Session() as session:
        np.testing.assert_allclose(session.run(nodes[3], {x: points}), -np.cos(points), atol=1e-15)
    assert gl.formula(nodes[3]) == "-cos(x)"


def test_ties_in_maximum_split_the_gradient():
    a, b = gl.placeholder(name="a"), gl.placeholder(name="b")
    da, db = gl.gradients(gl.maximum(a, b), [a, b])
    with gl.Session() as session:
        got = session.run([da, db], {a: [1.0, 2.0, 3.0], b: [2.0, 2.0, 2.0]})
    np.testing.assert_array_equal(got[0], [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(got[1], [1.0, 0.5, 0.0])


def test_subgradient_conventions_at_zero():
    x = gl.placeholder(name="x")
    grads = gl.gradients([gl.abs(x), gl.relu(x), gl.sign(x)], x)
    with gl.Session() as session:
        (g,) = session.run(grads, {x: [0.0]})
    assert g[0] == 0.0  # abs: 0, relu: 0, sign: 0


def test_pow_conventions_at_zero_base():
    x, p = gl.placeholder(name="x"), gl.placeholder(name="p")
    dx, dp = gl.gradients(x**p, [x, p])
    with gl.Session() as session, np.errstate(divide="ignore", invalid="ignore"):
        # 0**-1 is computed (and then not chosen) on the way: the warnings are expected
        got = session.run([dx, dp], {x: [0.0, 0.0, 2.0], p: [0.0, 2.0, 3.0]})
    # d/dx x**0 = 0 even at x = 0; d/dp 0**p = 0 (not 0 * log 0 = nan)
    np.testing.assert_allclose(got[0], [0.0, 0.0, 12.0])
    np.testing.assert_allclose(got[1], [0.0, 0.0, 8 * np.log(2)])


def test_where_sends_the_gradient_to_the_chosen_branch():
    x = gl.placeholder(name="x")
    y = gl.where(x > 0, x**2, 3 * x)
    (g,) = gl.gradients(y, x)
    with gl.Session() as session:
        np.testing.assert_allclose(session.run(g, {x: [-2.0, -1.0, 1.0, 2.0]}), [3, 3, 2, 4])


def test_stop_gradient_blocks_and_unconnected_inputs_get_zeros():
    x = gl.placeholder(shape=(3,), name="x")
    z = gl.placeholder(shape=(2, 2), name="z")
    y = gl.sin(x) + gl.stop_gradient(x**2)
    dx, dz = gl.gradients(y, [x, z])
    with gl.Session() as session:
        gx, gz = session.run([dx, dz], {x: [0.0, 1.0, 2.0], z: np.ones((2, 2))})
    np.testing.assert_allclose(gx, np.cos([0.0, 1.0, 2.0]))
    np.testing.assert_array_equal(gz, np.zeros((2, 2)))


def test_casts_pass_the_gradient_to_floats_and_none_to_integers():
    x = gl.placeholder(gl.float64, name="x")
    through_float32 = gl.cast(gl.cast(x, gl.float32) * 3.0, gl.float64) * x
    through_int = gl.cast(gl.cast(x * 3.0, gl.int64), gl.float64) * x
    (d_float,) = gl.gradients(through_float32, x)
    (d_int,) = gl.gradients(through_int, x)
    values = np.array([0.5, 1.25, 2.0])
    with gl.Session() as session:
        got_float, got_int = session.run([d_float, d_int], {x: values})
    np.testing.assert_allclose(got_float, 6 * values, rtol=1e-6)  # d(3x*x) = 6x
    np.testing.assert_allclose(got_int, np.floor(3 * values))  # int(3x) is flat: only the factor x


def test_named_nodes_and_round_with_decimals():
    x = gl.placeholder(gl.float64, name="x")
    assert gl.sin(x, name="wave").name == "wave" and gl.sin(x).name != "wave"
    values = np.array([0.123456, -2.71828, 10.555])
    with gl.Session() as session:
        np.testing.assert_allclose(session.run(np.round(x, 2), {x: values}), np.round(values, 2))
        np.testing.assert_allclose(session.run(np.round(x, 1), {x: values}), np.round(values, 1))
