"""Broadcasting, reductions and matmul: gradients against closed forms and finite differences."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import gradlab as gl


def numeric_gradient(f, value, h=1e-6):
    """Central differences of the scalar f with respect to every element of value."""
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        step = np.zeros_like(value)
        step[index] = h
        grad[index] = (f(value + step) - f(value - step)) / (2 * h)
    return grad


@settings(max_examples=40, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       seed=st.integers(0, 2**16))
def test_broadcasting_gradients_have_the_input_shapes_and_match_finite_differences(shapes, seed):
    shape_a, shape_b = shapes.input_shapes
    rng = np.random.default_rng(seed)
    a0 = rng.uniform(0.5, 2.0, shape_a)
    b0 = rng.uniform(0.5, 2.0, shape_b)
    a = gl.placeholder(name="a")  # shapes unknown while building: the engine must cope
    b = gl.placeholder(name="b")
    y = gl.reduce_sum(gl.sin(a) * b + a / (1 + b**2) - gl.maximum(a, 1.5) * b)
    da, db = gl.gradients(y, [a, b])

    def f(av, bv):
        return np.sum(np.sin(av) * bv + av / (1 + bv**2) - np.maximum(av, 1.5) * bv)

    with gl.Session() as session:
        ga, gb = session.run([da, db], {a: a0, b: b0})
    assert ga.shape == shape_a and gb.shape == shape_b
    np.testing.assert_allclose(ga, numeric_gradient(lambda v: f(v, b0), a0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gb, numeric_gradient(lambda v: f(a0, v), b0), rtol=1e-5, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
def test_gradient_of_a_sum_counts_every_broadcast_copy(shapes):
    """d/da sum(a + b) is the number of copies of each element of a."""
    shape_a, shape_b = shapes.input_shapes
    a, b = gl.placeholder(name="a"), gl.placeholder(name="b")
    (da,) = gl.gradients(a + b, a)  # no reduce_sum: gradients sum over ys themselves
    with gl.Session() as session:
        got = session.run(da, {a: np.zeros(shape_a), b: np.zeros(shape_b)})
    copies = np.prod(shapes.result_shape, dtype=int) / max(np.prod(shape_a, dtype=int), 1)
    np.testing.assert_array_equal(got, np.full(shape_a, copies))


def test_reduce_sum_and_mean_gradients_closed_form():
    x = gl.placeholder(shape=(2, 3, 4), name="x")
    value = np.arange(24.0).reshape(2, 3, 4)
    weights = np.random.default_rng(0).normal(size=(2, 4))
    cases = [
        (gl.reduce_sum(x), np.ones((2, 3, 4))),
        (gl.reduce_mean(x), np.full((2, 3, 4), 1 / 24)),
        (gl.reduce_sum(x, axis=1) * weights, np.broadcast_to(weights[:, None, :], (2, 3, 4))),
        (gl.reduce_mean(x, axis=1) * weights, np.broadcast_to(weights[:, None, :] / 3, (2, 3, 4))),
        (gl.reduce_sum(x, axis=(0, -1), keepdims=True) * 2.0, np.full((2, 3, 4), 2.0)),
        (gl.reduce_mean(x, axis=-1, keepdims=True) * weights[:, None, :1],
         np.broadcast_to(weights[:, None, :1] / 4, (2, 3, 4))),
    ]
    with gl.Session() as session:
        for y, want in cases:
            np.testing.assert_allclose(session.run(gl.gradients(y, x)[0], {x: value}), want)


def test_reduce_sum_static_shapes():
    x = gl.placeholder(shape=(None, 3), name="x")
    assert gl.reduce_sum(x).shape == ()
    assert gl.reduce_sum(x, axis=0).shape == (3,)
    assert gl.reduce_mean(x, axis=1, keepdims=True).shape == (None, 1)


def test_matmul_gradients_closed_form():
    rng = np.random.default_rng(1)
    A0, B0, G0 = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=(4, 5))
    A, B = gl.placeholder(name="A"), gl.placeholder(name="B")
    dA, dB = gl.gradients(A @ B, [A, B], grad_ys=G0)
    with gl.Session() as session:
        gA, gB = session.run([dA, dB], {A: A0, B: B0})
    np.testing.assert_allclose(gA, G0 @ B0.T)
    np.testing.assert_allclose(gB, A0.T @ G0)


def test_batched_matmul_sums_the_gradient_of_a_shared_matrix():
    rng = np.random.default_rng(2)
    A0, B0 = rng.normal(size=(6, 4, 3)), rng.normal(size=(3, 2))
    A, B = gl.placeholder(name="A"), gl.placeholder(name="B")
    dA, dB = gl.gradients(gl.reduce_sum(gl.matmul(A, B) ** 2), [A, B])
    with gl.Session() as session:
        gA, gB = session.run([dA, dB], {A: A0, B: B0})
    out = A0 @ B0
    np.testing.assert_allclose(gA, 2 * out @ B0.T)
    np.testing.assert_allclose(gB, np.einsum("bik,bij->kj", A0, 2 * out))


def test_reshape_and_transpose_gradients():
    rng = np.random.default_rng(3)
    x0, w = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 3, 2))
    x = gl.placeholder(name="x")
    y1 = gl.reduce_sum(gl.transpose(x) * w)
    y2 = gl.reduce_sum(gl.transpose(x, (2, 0, 1)) * w.reshape(4, 2, 3))
    y3 = gl.reduce_sum(gl.reshape(x, (6, 4)) * w.reshape(6, 4))
    with gl.Session() as session:
        g1, g2, g3 = session.run([gl.gradients(y, x)[0] for y in (y1, y2, y3)], {x: x0})
    np.testing.assert_allclose(g1, w.transpose())
    np.testing.assert_allclose(g2, np.transpose(w.reshape(4, 2, 3), (1, 2, 0)))
    np.testing.assert_allclose(g3, w.reshape(2, 3, 4))


def test_grad_ys_weights_each_output_and_lists_of_ys_are_summed():
    x = gl.placeholder(name="x")
    value = np.array([0.5, 1.0, 2.0])
    with gl.Session() as session:
        (g,) = session.run(gl.gradients(x**2, x, grad_ys=np.array([1.0, 10.0, 100.0])), {x: value})
        np.testing.assert_allclose(g, [1.0, 20.0, 400.0])
        (g,) = session.run(gl.gradients([x**2, gl.sin(x)], x), {x: value})
        np.testing.assert_allclose(g, 2 * value + np.cos(value))


def test_a_node_used_twice_receives_both_gradients():
    x = gl.placeholder(name="x")
    u = gl.sin(x)
    y = u * u + u  # fan-in: u feeds three uses
    with gl.Session() as session:
        (g,) = session.run(gl.gradients(y, x), {x: 0.7})
    np.testing.assert_allclose(g, 2 * np.sin(0.7) * np.cos(0.7) + np.cos(0.7))


@pytest.mark.parametrize("shape_a, shape_b", [
    ((2, 3), (3,)), ((3,), (3, 2)), ((3,), (3,)), ((5, 2, 3), (3,)), ((3,), (4, 3, 2)),
    ((4, 3), (3, 2)), ((2, 4, 3), (3, 5)), ((1, 4, 3), (6, 3, 2)),
])
def test_matmul_gradients_with_vectors_and_batches_match_finite_differences(shape_a, shape_b):
    """np.matmul treats a vector on the left as a row and on the right as a column."""
    rng = np.random.default_rng(len(shape_a) * 10 + len(shape_b))
    a0, b0 = rng.normal(size=shape_a), rng.normal(size=shape_b)
    a, b = gl.placeholder(name="a"), gl.placeholder(name="b")
    da, db = gl.gradients(gl.reduce_sum(gl.sin(a @ b)), [a, b])
    with gl.Session() as session:
        ga, gb = session.run([da, db], {a: a0, b: b0})
    f = lambda u, v: np.sum(np.sin(u @ v))  # noqa: E731
    np.testing.assert_allclose(ga, numeric_gradient(lambda v: f(v, b0), a0), atol=1e-7)
    np.testing.assert_allclose(gb, numeric_gradient(lambda v: f(a0, v), b0), atol=1e-7)
