"""Plan size as a test: the number of compiled steps for the benchmark's W2 function.

Time is measured in bench/, never here; the step count is what a regression would
change, and it does not depend on the machine. Bounds, and what they were before the
plan optimisations (and then before sums were collected into linear combinations):
f 13 (14, 13), f and f' 27 (31, 28), f'' 32 (45, 38), all three 46 (61, 53).
"""

import tracemalloc

import numpy as np
import pytest

import gradlab as gl

POINTS = np.linspace(0.1, 6.0, 100)


def w2(t):
    return gl.sin(3 * t) * gl.exp(-t / 5) + t**2 / 10 - gl.log(1 + t**2) * gl.tanh(t)


def w2_fetches(x, orders):
    """The nodes of W2's derivatives of these orders (0 is W2 itself)."""
    nodes = [w2(x)]
    for _ in range(max(orders)):
        nodes.append(gl.gradients(nodes[-1], x)[0])
    return [nodes[k] for k in orders]


def w2_derivatives(v):
    """f, f', f'' of W2 written out by hand."""
    t, e, s, c, q = np.tanh(v), np.exp(-v / 5), np.sin(3 * v), np.cos(3 * v), 1 + v * v
    f = s * e + v * v / 10 - np.log(q) * t
    d1 = e * (3 * c - s / 5) + v / 5 - 2 * v * t / q - np.log(q) * (1 - t * t)
    u = 1 - t * t
    d2 = (e * (-8.96 * s - 1.2 * c) + 0.2
          - (2 * (1 - v * v) / (q * q) * t + 4 * v / q * u - 2 * np.log(q) * t * u))
    return f, d1, d2


@pytest.mark.parametrize("orders, bound", [((0,), 13), ((0, 1), 27), ((2,), 32), ((0, 1, 2), 46)])
def test_w2_plan_steps_stay_under_their_bounds_and_compute_the_right_values(orders, bound):
    x = gl.placeholder(name="x")
    fetches = w2_fetches(x, orders)
    with gl.Session() as session:
        plan = session.plan(fetches, {x: POINTS})
        values = session.run(fetches, {x: POINTS})
        assert session.run(fetches, {x: POINTS + 1})[0].shape == POINTS.shape  # the fast path
    assert len(plan) <= bound
    want = w2_derivatives(POINTS)
    for k, got in zip(orders, values):
        np.testing.assert_allclose(got, want[k], rtol=1e-12, atol=1e-12)


def test_sin_and_cos_need_exactly_two_steps():
    x = gl.placeholder(name="x")
    with gl.Session() as session:
        assert len(session.plan([gl.sin(x), gl.gradients(gl.sin(x), x)[0]], {x: POINTS})) == 2


def test_large_arrays_reuse_buffers_and_release_values_early():
    x = gl.placeholder(name="x")
    d1 = gl.gradients(w2(x), x)[0]
    big = np.linspace(0.1, 6.0, 100_000)
    with gl.Session() as session:
        small_plan = session.plan(d1, {x: POINTS})
        big_plan = session.plan(d1, {x: big})
        np.testing.assert_allclose(session.run(d1, {x: big}), w2_derivatives(big)[1], rtol=1e-12,
                                   atol=1e-12)
    assert "out=" not in small_plan.source and "del " not in small_plan.source
    assert "out=" in big_plan.source and "del " in big_plan.source


def test_factors_and_signs_cost_no_steps():
    x = gl.placeholder(name="x")
    y = -(3 * (2 * gl.sin(x)) * gl.cos(-x)) / 4  # = -1.5 sin(x) cos(x)
    with gl.Session() as session:
        plan = session.plan(y, {x: POINTS})
        np.testing.assert_allclose(session.run(y, {x: POINTS}), -1.5 * np.sin(POINTS) * np.cos(POINTS))
    assert sorted(s.node.op.name for s in plan.steps) == ["Cos", "Mul", "Mul", "Sin"]


@pytest.mark.parametrize("orders, most", [((0, 1), 7), ((2,), 5)])
def test_large_arrays_keep_few_values_alive(orders, most):
    """Peak memory, counted in arrays of the input's size (tracemalloc sees numpy's
    allocations; like a step count it does not depend on the machine). Hand-written
    numpy needs 10 for f and f' and 9 for f''; gradlab needed 9 and 9 before its steps
    were reordered for memory."""
    x = gl.placeholder(name="x")
    fetches = w2_fetches(x, orders)
    big = np.linspace(0.1, 6.0, 2**15)
    with gl.Session() as session:
        session.run(fetches, {x: big})  # compile first: the plan's own run is measured
        tracemalloc.start()
        try:
            session.run(fetches, {x: big})
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak / big.nbytes < most + 0.5
