"""The reference evaluator is the ground truth; compiled plans must agree with it.

``gl.evaluate`` runs a graph node by node with each op's numpy function and nothing
else: no merging, no reordering, no factor or sum rewriting. The Session runs
compiled plans, which do all of that. Random graphs (each new node may reuse any
earlier one, so nodes are shared) over three placeholders of different shapes
(broadcasting), with reductions, are run both ways, together with their gradients
with respect to every input and second derivatives (gradients of gradients, mixed
ones included).

The evaluator itself is checked against closed forms written with numpy.
"""

import os
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradlab as gl

X = np.linspace(-1.5, 1.5, 7)            # x: shape (7,)
P = np.array([[0.3], [-0.8], [1.1]])     # p: shape (3, 1), broadcasts against x
Q = np.float64(0.7)                      # q: a scalar


def build(op, a, b, x):
    return {
        "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "neg": lambda: -a,
        "div": lambda: a / (1 + b**2), "sin": lambda: gl.sin(a), "cos": lambda: gl.cos(a),
        "tanh": lambda: gl.tanh(a), "exp": lambda: gl.exp(gl.tanh(a)),
        "square": lambda: gl.square(a), "cube": lambda: a**3, "scale": lambda: 2.5 * a,
        "sqrt": lambda: gl.sqrt(1 + a**2), "log": lambda: gl.log(1 + a**2),
        "maximum": lambda: gl.maximum(a, b), "where": lambda: gl.where(a > b, a * b, a - b),
        "sigmoid": lambda: gl.sigmoid(a),
        "sum": lambda: gl.reduce_sum(a, keepdims=True),
        "rowsum": lambda: gl.reduce_sum(a * b + x, axis=-1, keepdims=True),  # x: never 0-d
        "mean": lambda: gl.reduce_mean(a),
    }[op]()


OPS = ["add", "sub", "mul", "neg", "div", "sin", "cos", "tanh", "exp", "square", "cube",
       "scale", "sqrt", "log", "maximum", "where", "sigmoid", "sum", "rowsum", "mean", "add", "mul"]
programs = st.lists(st.tuples(st.sampled_from(OPS), st.integers(0, 99), st.integers(0, 99)),
                    min_size=1, max_size=10)


def _close(got, want, size):
    np.testing.assert_allclose(np.broadcast_to(got, np.shape(want)), want,
                               rtol=1e-9, atol=1e-11 * size)


@settings(max_examples=int(os.environ.get("GRADLAB_EXAMPLES", 60)), deadline=None)
@given(program=programs)
def test_compiled_plans_agree_with_the_reference_evaluator(program):
    x = gl.placeholder(name="x")
    p = gl.placeholder(name="p")
    q = gl.placeholder(name="q")
    nodes = [x, p, q]
    for op, i, j in program:
        node = build(op, nodes[i % len(nodes)], nodes[j % len(nodes)], x)
        nodes.append(gl.tanh(node) if op in ("cube", "square", "mul") else node)  # stay bounded
    y = nodes[-1]
    dx, dp, dq = gl.gradients(y, [x, p, q])
    second = gl.gradients(dx, [x, q]) + gl.gradients(dp * dq, [p])  # second and mixed
    fetches = [y, dx, dp, dq, *second, nodes[len(nodes) // 2]]
    feeds = {x: X, p: P, q: Q}
    want = gl.evaluate(fetches, feeds)
    with gl.Session() as session:
        first = session.run(fetches, feeds)
        again = session.run(fetches, feeds)  # the fast path
    size = max(1.0, *(float(np.max(np.abs(w))) for w in want))
    for got, repeat, reference in zip(first, again, want):
        assert np.shape(got) == np.shape(reference)
        _close(got, reference, size)
        np.testing.assert_array_equal(got, repeat)


def test_evaluate_matches_closed_forms():
    x = gl.placeholder(name="x")
    y = gl.sin(3 * x) * gl.exp(-x / 5)
    (dy,) = gl.gradients(y, x)
    (ddy,) = gl.gradients(dy, x)
    f, df, ddf = gl.evaluate([y, dy, ddy], {x: X})
    s, c, e = np.sin(3 * X), np.cos(3 * X), np.exp(-X / 5)
    np.testing.assert_allclose(f, s * e, rtol=1e-14)
    np.testing.assert_allclose(df, e * (3 * c - s / 5), rtol=1e-13)
    np.testing.assert_allclose(ddf, e * (-9 * s - 1.2 * c + s / 25), rtol=1e-12, atol=1e-14)


def test_evaluate_broadcasts_and_reduces():
    x = gl.placeholder(name="x")
    p = gl.placeholder(name="p")
    y = gl.reduce_sum(p * x**2)
    dx, dp = gl.gradients(y, [x, p])
    got_dx, got_dp = gl.evaluate([dx, dp], {x: X, p: P})
    np.testing.assert_allclose(got_dx, 2 * X * P.sum(), rtol=1e-14)
    np.testing.assert_allclose(got_dp, np.full((3, 1), np.sum(X**2)), rtol=1e-14)


def test_evaluate_reads_variables_and_names_a_missing_feed():
    w = gl.Variable([1.0, 2.0], name="w")
    x = gl.placeholder(name="needs_a_value")
    assert np.array_equal(gl.evaluate(w * 3), [np.array([3.0, 6.0])])
    assert np.array_equal(gl.evaluate(w, variables={w: np.array([5.0, 6.0])})[0], [5.0, 6.0])
    with pytest.raises(gl.FeedError, match="needs_a_value"):
        gl.evaluate(x + w)


def test_evaluate_forgets_values_after_their_last_use():
    # a chain of 12 steps on 10**6 points: only a few arrays are alive at any time
    n = 10**6
    x = gl.placeholder(name="x")
    y = x
    for _ in range(12):
        y = gl.sin(y) + 1.0
    tracemalloc.start()
    tracemalloc.reset_peak()
    (value,) = gl.evaluate(y, {x: np.zeros(n)})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert value.shape == (n,)
    assert peak < 4 * n * 8, f"peak {peak / (n * 8):.1f} arrays"


def test_the_evaluator_converts_feeds_to_the_placeholders_dtype():
    x = gl.placeholder(gl.float32, name="x")
    (value,) = gl.evaluate([x * 2], {x: [1, 2]})  # integers fed to a float32 placeholder
    assert value.dtype == np.float32
    np.testing.assert_array_equal(value, [2.0, 4.0])
