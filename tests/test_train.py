"""Optimizers: the linear regression of "the gentlest introduction to TensorFlow"."""

import numpy as np
import pytest

import gradlab as gl


def regression_data(seed=0, n=100):
    rng = np.random.default_rng(seed)
    xs = rng.uniform(0, 1, (n, 1))
    ys = 3 * xs + 2 + rng.normal(0, 0.1, (n, 1))
    return xs, ys


def least_squares(xs, ys):
    design = np.hstack([xs, np.ones_like(xs)])
    return np.linalg.lstsq(design, ys, rcond=None)[0].ravel()


def linear_model():
    x = gl.placeholder(gl.float32, shape=(None, 1), name="x")
    y_ = gl.placeholder(gl.float32, shape=(None, 1), name="y_")
    W = gl.Variable(gl.zeros([1, 1]), name="W")
    b = gl.Variable(gl.zeros([1]), name="b")
    y = gl.matmul(x, W) + b
    cost = gl.reduce_mean((y_ - y) ** 2)
    return x, y_, W, b, cost


def train(optimizer, steps):
    xs, ys = regression_data()
    x, y_, W, b, cost = linear_model()
    train_step = optimizer.minimize(cost)
    with gl.Session() as session:
        session.run(gl.global_variables_initializer())
        first = session.run(cost, {x: xs, y_: ys})
        for _ in range(steps):
            session.run(train_step, feed_dict={x: xs, y_: ys})
        w, bias, last = session.run([W, b, cost], {x: xs, y_: ys})
    return float(w[0, 0]), float(bias[0]), first, last, least_squares(xs, ys)


def test_gradient_descent_finds_w_3_and_b_2():
    w, b, first, last, (w_ls, b_ls) = train(gl.train.GradientDescentOptimizer(0.5), 1000)
    assert abs(w - 3) < 0.1 and abs(b - 2) < 0.1
    assert abs(w - w_ls) < 1e-3 and abs(b - b_ls) < 1e-3  # the least-squares answer
    assert last < first / 100


@pytest.mark.parametrize("optimizer", [
    gl.train.MomentumOptimizer(0.1, momentum=0.9),
    gl.train.AdamOptimizer(0.1),
], ids=["momentum", "adam"])
def test_momentum_and_adam_converge_to_least_squares(optimizer):
    w, b, first, last, (w_ls, b_ls) = train(optimizer, 1500)
    assert abs(w - w_ls) < 1e-2 and abs(b - b_ls) < 1e-2


def test_one_gradient_descent_step_by_hand():
    W = gl.Variable([1.0, -2.0], name="W")
    cost = gl.reduce_sum(W**2)  # gradient 2W
    step = gl.train.GradientDescentOptimizer(0.1).minimize(cost)
    with gl.Session() as session:
        session.run(gl.global_variables_initializer())
        session.run(step)
        np.testing.assert_allclose(session.run(W), [1.0 - 0.2, -2.0 + 0.4])


def test_adam_first_step_moves_each_weight_by_the_learning_rate():
    # With bias correction, Adam's first step is lr * sign(gradient) (up to epsilon).
    W = gl.Variable([1.0, -3.0, 0.5], name="W")
    step = gl.train.AdamOptimizer(0.01).minimize(gl.reduce_sum(W**3))
    with gl.Session() as session:
        session.run(gl.global_variables_initializer())
        session.run(step)
        np.testing.assert_allclose(session.run(W), [0.99, -3.01, 0.49], atol=1e-7)


def test_compute_and_apply_gradients_separately():
    W = gl.Variable(4.0, name="W")
    frozen = gl.Variable(1.0, name="frozen")
    cost = (W * frozen - 1.0) ** 2
    optimizer = gl.train.GradientDescentOptimizer(0.1)
    pairs = optimizer.compute_gradients(cost, var_list=[W])
    assert [v for _, v in pairs] == [W]
    step = optimizer.apply_gradients(pairs)
    with gl.Session() as session:
        session.run(gl.global_variables_initializer())
        (g,) = session.run([pairs[0][0]])
        assert g == 2 * (4.0 - 1.0)
        session.run(step)
        assert session.run(W) == pytest.approx(4.0 - 0.1 * 6.0)
        assert session.run(frozen) == 1.0


def test_minimize_without_variables_explains():
    with pytest.raises(ValueError, match="no Variables"):
        gl.train.GradientDescentOptimizer(0.1).minimize(gl.constant(1.0) * 2)


def test_all_updates_read_the_old_values():
    a = gl.Variable(1.0, name="a")
    b = gl.Variable(2.0, name="b")
    cost = a * b  # d/da = b, d/db = a
    step = gl.train.GradientDescentOptimizer(1.0).minimize(cost)
    with gl.Session() as session:
        session.run(gl.global_variables_initializer())
        session.run(step)
        assert session.run([a, b]) == [-1.0, 1.0]
