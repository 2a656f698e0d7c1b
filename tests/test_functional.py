"""gl.grad and gl.value_and_grad: the functional face of the same engine."""

import numpy as np
import pytest

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


# -- the autograd- and JAX-shaped API --------------------------------------------------------

def _central(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[k] += eps
        down[k] -= eps
        out[k] = (f(up) - f(down)) / (2 * eps)
    return out


def loss(w, b, x):
    return np.sum(np.tanh(np.dot(x, w) + b) ** 2)


W, B, X = np.array([0.3, -0.2, 0.5]), 0.1, np.array([[1.0, 2.0, -1.0], [0.5, -0.3, 0.2]])


def test_argnum_picks_the_argument_and_argnums_gives_a_tuple():
    np.testing.assert_allclose(gl.grad(loss)(W, B, X), _central(lambda w: loss(w, B, X), W), rtol=1e-6)
    np.testing.assert_allclose(gl.grad(loss, argnum=2)(W, B, X), _central(lambda x: loss(W, B, x), X),
                               rtol=1e-6)
    gw, gb = gl.grad(loss, argnums=(0, 1))(W, B, X)
    np.testing.assert_allclose(gw, _central(lambda w: loss(w, B, X), W), rtol=1e-6)
    np.testing.assert_allclose(gb, _central(lambda b: loss(W, b, X), np.array(B)), rtol=1e-6)
    assert gl.grad(lambda x, y: x * y, argnum=1)(2.0, 3.0) == 2.0
    assert gl.grad(lambda x, y: x * y, argnums=-1)(2.0, 3.0) == 2.0


def test_gradients_come_back_in_the_structure_of_the_argument():
    params = {"w": W, "b": B, "layers": [np.ones(2), (np.full(3, 0.5),)]}

    def f(p, x):
        hidden = np.tanh(np.dot(x, p["w"]) + p["b"])
        return np.sum(hidden * p["layers"][0]) + np.sum(p["layers"][1][0] ** 3)

    g = gl.grad(f)(params, X)
    assert set(g) == {"w", "b", "layers"} and isinstance(g["layers"], list)
    assert isinstance(g["layers"][1], tuple) and g["layers"][1][0].shape == (3,)
    np.testing.assert_allclose(g["w"], _central(lambda w: f({**params, "w": w}, X), W), rtol=1e-6)
    np.testing.assert_allclose(g["layers"][1][0], 3 * 0.5**2 * np.ones(3))
    np.testing.assert_allclose(g["layers"][0], np.tanh(X @ W + B))


def test_value_and_grad_with_aux_and_grad_and_aux():
    def f(x):
        return np.sum(x**2), {"mean": np.mean(x), "note": "kept as it is"}

    (value, aux), g = gl.value_and_grad(f, has_aux=True)(np.array([1.0, 2.0]))
    assert value == 5.0 and aux["mean"] == 1.5 and aux["note"] == "kept as it is"
    np.testing.assert_allclose(g, [2.0, 4.0])
    g2, aux2 = gl.grad_and_aux(f)(np.array([1.0, 2.0]))
    np.testing.assert_allclose(g2, [2.0, 4.0])
    assert aux2["mean"] == 1.5
    with pytest.raises(TypeError, match="pair"):
        gl.grad(lambda x: x**2, has_aux=True)(1.0)


def test_elementwise_grad_is_the_derivative_at_every_point():
    xs = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(gl.elementwise_grad(np.tanh)(xs), 1 - np.tanh(xs) ** 2, rtol=1e-12)


def test_an_inner_grad_may_close_over_the_outer_variable():
    def f(x):
        inner = gl.grad(lambda y: x * y**2 + np.sin(x * y))  # d/dy = 2xy + x cos(xy)
        return inner(1.5)

    def f_exact(x):
        return 2 * x * 1.5 + x * np.cos(1.5 * x)

    for x in (0.3, 2.0):
        assert np.isclose(f(x), f_exact(x))
        np.testing.assert_allclose(gl.grad(f)(x), _central(f_exact, np.array(x)), rtol=1e-6)
    np.testing.assert_allclose(gl.grad(f)(np.array([0.3, 2.0])),
                               _central(lambda v: np.sum(f_exact(v)), np.array([0.3, 2.0])), rtol=1e-6)


def test_python_ints_that_are_not_differentiated_stay_ints():
    def power(x, n):
        out = 1.0
        for _ in range(n):  # n must be a real int here
            out = out * x
        return out

    dp = gl.grad(power)
    assert dp(2.0, 3) == 12.0 and dp(2.0, 4) == 32.0
    assert gl.grad(power)(2.0, 3) == 12.0


def test_a_plan_is_reused_for_calls_of_the_same_shapes():
    calls = []

    def f(x, scale):
        calls.append(1)
        return np.sum(x**2) * scale

    df = gl.grad(f, argnums=(0, 1))
    for k in range(4):
        df(np.ones(3) * k, 2.0)
    assert len(calls) == 1
    df(np.ones(4), 2.0)
    assert len(calls) == 2


def test_bad_argnums_and_arguments_say_what_is_wrong():
    with pytest.raises(IndexError, match="argnum 2"):
        gl.grad(lambda x, y: x * y, argnum=2)(1.0, 2.0)
    with pytest.raises(TypeError, match="cannot differentiate"):
        gl.grad(lambda s: 1.0)("text")


def test_a_list_of_numbers_is_a_list_of_arguments_and_the_error_says_so():
    np.testing.assert_allclose(gl.grad(lambda p: p[0] * p[1])([2.0, 3.0]), [3.0, 2.0])
    with pytest.raises(TypeError, match=r"np\.array\(\[\.\.\.\]\)"):
        gl.grad(gl.sin)([0.0, 1.0])
    np.testing.assert_allclose(gl.grad(gl.sin)(np.array([0.0, 1.0])), np.cos([0.0, 1.0]))
