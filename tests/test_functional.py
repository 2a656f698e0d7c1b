"""gl.grad and gl.value_and_grad: the functional face of the same engine."""

import numpy as np

import gradlab as gl


def f(t):
    return gl.sin(3 * t) * gl.exp(-t / 5)


def f_numpy(v):
    return np.sin(3 * v) * np.exp(-v / 5)


def df_exact(v):
    return np.exp(-v / 5) * (3 * np.cos(3 * v) - np.sin(3 * v) / 5)


def test_grad_gives_the_elementwise_derivative():
    xs = np.linspace(0, 6, 50)
    np.testing.assert_allclose(gl.grad(f)(xs), df_exact(xs), atol=1e-12)


def test_grad_composes_for_higher_orders():
    xs = np.linspace(0, 6, 50)
    d2 = gl.grad(gl.grad(f))(xs)
    h = 1e-5
    np.testing.assert_allclose(d2, (df_exact(xs + h) - df_exact(xs - h)) / (2 * h), atol=1e-8)
    d3 = gl.grad(gl.grad(gl.grad(gl.sin)))(xs)
    np.testing.assert_allclose(d3, -np.cos(xs), atol=1e-14)


def test_value_and_grad_and_scalars():
    value, slope = gl.value_and_grad(f)(1.0)
    assert value == f_numpy(1.0) and np.isclose(slope, df_exact(1.0))
    assert np.ndim(value) == 0


def test_grad_of_a_reduction_is_the_gradient_vector():
    g = gl.grad(lambda w: gl.reduce_sum(w**2))(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(g, [2.0, 4.0, 6.0])


def test_grad_accepts_numpy_functions_and_integer_inputs():
    g = gl.grad(lambda t: np.sin(t) * t)(np.arange(3))
    v = np.arange(3.0)
    np.testing.assert_allclose(g, np.cos(v) * v + np.sin(v))


def test_grad_traces_once_per_shape():
    calls = []

    def traced(t):
        calls.append(1)
        return t**3

    df = gl.grad(traced)
    for _ in range(5):
        df(np.ones(4))
    df(np.ones(7))
    assert len(calls) == 2
