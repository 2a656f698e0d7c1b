"""Control flow: Python's if/while inside gl.grad (traces with values), and the graph ops
cond / while_loop (TF1), with derivatives of every order.

References: central differences on both sides of every branch, and closed forms
(``x**n`` by a loop has derivative ``n x**(n-1)``).
"""

import warnings

import numpy as np
import pytest

import gradlab as gl
import gradlab as tf
from gradlab.core import control_flow


def central(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


# -- 1. Python control flow inside gl.grad --------------------------------------------------
def piecewise(x):
    if x > 1.0:
        return np.sin(x) * x
    elif x > -1.0:
        return x**3
    return -2.0 * x


@pytest.mark.parametrize("x0", [-2.5, -1.2, -0.8, 0.3, 0.9, 1.1, 2.7])
def test_a_python_if_takes_the_branch_of_the_value(x0):
    assert np.isclose(gl.grad(piecewise)(x0), central(piecewise, x0), rtol=1e-7)
    second = gl.grad(gl.grad(piecewise))(x0)
    assert np.isclose(second, central(gl.grad(piecewise), x0), rtol=1e-6, atol=1e-8)


def doubling(a):
    """d2l's example: double until the norm passes 1000, then an if on the sign."""
    b = a * 2
    while np.linalg.norm(b) < 1000:
        b = b * 2
    if np.sum(b) > 0:
        c = b
    else:
        c = 100 * b
    return c


@pytest.mark.parametrize("a0", [0.7, -0.7, 3.1, -260.0])
def test_a_while_on_a_norm_and_an_if_on_a_sign(a0):
    grad = gl.grad(lambda a: doubling(a))(np.array(a0))
    # the function is linear in a on each side: d = f(a) / a
    assert np.isclose(grad, doubling(a0) / a0, rtol=1e-12)
    assert np.isclose(grad, central(doubling, a0, 1e-7), rtol=1e-6)


def test_a_while_on_a_vector():
    a = np.array([0.3, -0.1, 0.2])
    g = gl.grad(lambda v: np.sum(doubling(v)))(a)
    scale = doubling(a)[0] / a[0]
    np.testing.assert_allclose(g, scale * np.ones(3), rtol=1e-12)


def halving(x):
    """A recursion whose depth depends on x: halve until below 2, then triple back up."""
    if x < 2.0:
        return np.sin(x)
    return 3.0 * halving(x / 2.0)


@pytest.mark.parametrize("x0", [1.5, 1.99, 2.01, 3.9, 4.1, 7.5, 17.0])
def test_a_recursion_whose_depth_depends_on_x(x0):
    assert np.isclose(gl.grad(halving)(x0), central(halving, x0), rtol=1e-6)


def test_forward_mode_jacobians_and_hessians_take_ifs_too():
    def f(v):
        return v[0] ** 2 * v[1] if v[0] > 0 else v[1] ** 3 + v[0]

    for point, want in (([1.0, 2.0], [[4.0, 2.0], [2.0, 0.0]]), ([-1.0, 2.0], [[0.0, 0.0], [0.0, 12.0]])):
        np.testing.assert_allclose(gl.hessian(f)(np.array(point)), want)
    assert np.isclose(gl.jvp(piecewise, (2.0,), (1.0,))[1], central(piecewise, 2.0), rtol=1e-7)
    y, pullback = gl.vjp(piecewise, -3.0)
    assert y == 6.0 and pullback(1.0) == (-2.0,)
    np.testing.assert_allclose(gl.jacfwd(lambda v: v * 2 if v[0] < 0 else v**2)(np.array([1.0, 3.0])),
                               np.diag([2.0, 6.0]))


def test_an_inner_grad_inside_an_outer_trace_knows_the_values_too():
    def outer(x):
        return gl.grad(piecewise)(x) * x  # the inner trace asks for the outer x's value

    for x0 in (-2.0, 0.5, 2.0):
        assert np.isclose(gl.grad(outer)(x0), central(outer, x0), rtol=1e-6)


def test_counts_min_and_boolean_operators_work_on_values():
    def f(x, y):
        total = 0.0
        for k in range(int(x) + 1):  # a count from a value: flat in x
            total = total + y ** k
        return min(x, y) * total if (x > 0 and y > 0) else x * y

    for x0, y0 in ((2.5, 1.5), (1.2, 0.7), (-1.0, 2.0)):
        gx, gy = gl.grad(f, argnums=(0, 1))(x0, y0)
        assert np.isclose(gx, central(lambda v: f(v, y0), x0), rtol=1e-6)
        assert np.isclose(gy, central(lambda v: f(x0, v), y0), rtol=1e-6)


def test_a_function_that_never_asks_is_traced_once_and_one_that_asks_every_call():
    calls = {"plain": 0, "asks": 0}

    def plain(x):
        calls["plain"] += 1
        return np.sin(x) * x

    def asks(x):
        calls["asks"] += 1
        return x**2 if x > 0 else -x

    d_plain, d_asks = gl.grad(plain), gl.grad(asks)
    for x0 in (0.5, 1.0, -2.0, 3.0):
        d_plain(x0)
        d_asks(x0)
    assert calls == {"plain": 1, "asks": 4}
    assert d_asks(-2.0) == -1.0 and d_asks(3.0) == 6.0


def test_the_errors_say_what_to_do():
    x = gl.placeholder(name="x")
    with pytest.raises(TypeError, match="gl.cond"):
        bool(x > 0)  # a graph: no values
    with pytest.raises(TypeError, match="a Python if works"):
        if x > 0:
            pass
    with pytest.raises(ValueError, match="ambiguous"):
        gl.grad(lambda v: np.sum(v) if v > 0 else v)(np.array([1.0, -1.0]))
    with pytest.raises(TypeError, match="cut its derivative"):
        gl.grad(lambda v: float(v) * v)(1.0)


# -- 2. cond and while_loop in graphs ------------------------------------------------------
def run(fetches, feed):
    with gl.Session() as session:
        compiled = session.run(fetches, feed)
    plain = gl.evaluate(fetches if isinstance(fetches, list) else [fetches], feed)
    for a, b in zip(compiled if isinstance(fetches, list) else [compiled], plain):
        np.testing.assert_allclose(a, b, rtol=1e-12)  # compiled plan = reference evaluator
    return compiled


def test_cond_runs_only_the_chosen_branch_so_no_nan_leaks_into_the_gradient():
    x = tf.placeholder(tf.float64, name="x")
    y = tf.cond(x > 0, lambda: tf.sqrt(x), lambda: tf.constant(0.0))
    (dy,) = tf.gradients(y, x)
    (d2y,) = tf.gradients(dy, x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not even an "invalid value in sqrt" warning
        assert run([y, dy, d2y], {x: -1.0}) == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(run([y, dy, d2y], {x: 4.0}), [2.0, 0.25, -1 / 32])
    # the same written with where: the untaken branch's nan reaches the gradient
    w = tf.where(x > 0, tf.sqrt(x), tf.zeros_like(x))
    with np.errstate(all="ignore"):
        assert np.isnan(run(tf.gradients(w, x)[0], {x: -1.0}))


@pytest.mark.parametrize("n", [0, 1, 3, 6])
def test_x_to_the_n_by_a_loop_has_derivative_n_x_to_the_n_minus_1(n):
    x = tf.placeholder(tf.float64, name="x")  # shape unknown: vectors work too
    i, p = tf.while_loop(lambda i, p: i < n, lambda i, p: (i + 1, p * x), [0, 1.0])
    (dp,) = tf.gradients(p, x)
    (d2p,) = tf.gradients(dp, x)
    (tp,) = tf.forward_gradients(p, x, 1.0)
    (t2p,) = tf.forward_gradients(tp, x, 1.0)
    values = np.array([1.5, -0.5, 2.0])
    got = run([i, p, dp, d2p, tp, t2p], {x: values})
    assert got[0] == n
    np.testing.assert_allclose(got[1], values**n)
    np.testing.assert_allclose(got[2], n * values ** max(n - 1, 0) if n else 0.0)
    np.testing.assert_allclose(got[3], n * (n - 1) * values ** max(n - 2, 0) if n > 1 else 0.0)
    np.testing.assert_allclose(got[4], got[2])
    np.testing.assert_allclose(got[5], got[3])


def test_a_loop_whose_number_of_passes_depends_on_its_start():
    y0 = tf.placeholder(tf.float64, name="y0")
    c = tf.placeholder(tf.float64, name="c")
    y = tf.while_loop(lambda y: y < 100.0, lambda y: y * c + 1.0, [y0])
    (dy0, dc) = tf.gradients(y, [y0, c])

    def closed(start, rate):
        v = start
        while v < 100.0:
            v = v * rate + 1.0
        return v

    for start, rate in ((3.0, 2.0), (0.5, 3.5), (150.0, 2.0)):
        got = run([y, dy0, dc], {y0: start, c: rate})
        assert np.isclose(got[0], closed(start, rate))
        assert np.isclose(got[1], central(lambda s: closed(s, rate), start), rtol=1e-6)
        assert np.isclose(got[2], central(lambda r: closed(start, r), rate), rtol=1e-6)


def test_a_variable_in_a_loop_is_trained_by_minimize():
    w = tf.Variable(1.5, name="w")
    x = tf.placeholder(tf.float64, name="x")
    _, y = tf.while_loop(lambda k, v: k < 3, lambda k, v: (k + 1, v * w), [0, x])  # x w**3
    loss = (y - 8.0) ** 2
    step = tf.train.GradientDescentOptimizer(0.003).minimize(loss)
    with tf.Session() as session:
        session.run(tf.global_variables_initializer())
        for _ in range(200):
            session.run(step, {x: 1.0})
        assert np.isclose(session.run(w), 2.0, atol=1e-3)


def test_nested_control_flow_and_structures():
    x = tf.placeholder(tf.float64, name="x")
    pair = tf.cond(x > 0, lambda: (x * 2.0, {"sq": x**2}), lambda: (x * 0.0, {"sq": -x}))
    assert isinstance(pair, tuple) and set(pair[1]) == {"sq"}
    # a loop inside a branch, a cond inside a loop body
    y = tf.cond(x > 1, lambda: tf.while_loop(lambda v: v < 50.0, lambda v: v * x, [x]), lambda: x)
    z = tf.while_loop(lambda k, s: k < 4,
                      lambda k, s: (k + 1, tf.cond(s > 1.0, lambda: s / 2.0, lambda: s * x)), [0, x])[1]
    got = run([pair[0], pair[1]["sq"], y, tf.gradients(y, x)[0], z, tf.gradients(z, x)[0]], {x: 3.0})
    np.testing.assert_allclose(got[:4], [6.0, 9.0, 81.0, 4 * 27.0])

    def z_of(v):
        s = v
        for _ in range(4):
            s = s / 2.0 if s > 1.0 else s * v
        return s

    assert np.isclose(got[4], z_of(3.0)) and np.isclose(got[5], central(z_of, 3.0), rtol=1e-6)


def test_case_and_the_tf1_signatures():
    x = tf.placeholder(tf.float64, name="x")
    c = tf.case([(x < 0, lambda: -x), (x < 1, lambda: x * 2.0)], default=lambda: x**2)
    dc = tf.gradients(c, x)[0]
    for x0, want in ((-1.0, [1.0, -1.0]), (0.5, [1.0, 2.0]), (3.0, [9.0, 6.0])):
        np.testing.assert_allclose(run([c, dc], {x: x0}), want)
    old = tf.cond(x > 0, fn1=lambda: x, fn2=lambda: -x)  # pre-1.0 names
    assert run(old, {x: -2.0}) == 2.0
    single = tf.while_loop(lambda v: v < 10, lambda v: v + 3, [1])
    assert isinstance(single, tf.Tensor) and run(single, {}) == 10
    same = tf.while_loop(lambda v: v < 10, lambda v: [v + 3], [1], return_same_structure=True)
    assert isinstance(same, list)
    limited = tf.while_loop(lambda v: v < 1e9, lambda v: v * 2.0, [1.0], maximum_iterations=5)
    assert run(limited, {}) == 32.0
    grow = tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v], 0), [tf.ones([1])],
                         shape_invariants=[tf.TensorShape([None])])
    assert run(grow, {}).shape == (8,)
    with pytest.raises(tf.ShapeError, match="shape_invariants"):
        tf.while_loop(lambda v: tf.size(v) < 8, lambda v: tf.concat([v, v], 0), [tf.ones([1])])
    with pytest.raises(ValueError, match="same number"):
        tf.cond(x > 0, lambda: [x, x], lambda: [x])
    assert tf.cond(tf.constant(True), lambda: x, lambda: -x) is x  # known now: no cond


def test_an_endless_loop_stops_with_a_message(monkeypatch):
    monkeypatch.setattr(control_flow, "MAX_ITERATIONS", 50)
    forever = tf.while_loop(lambda v: v > 0, lambda v: v + 1.0, [1.0])
    with pytest.raises(gl.GradlabError, match="ran 50 times"):
        run(forever, {})


def test_formulas_drawings_and_traces_show_control_flow():
    x = tf.placeholder(tf.float64, name="x")
    y = tf.cond(x > 0, lambda: tf.log(x), lambda: 0.0)
    assert gl.formula(y) == "cond(x > 0, log(x), 0)"
    assert gl.formula(tf.gradients(y, x)[0]) == "cond(x > 0, 1/x, 0)"
    assert r"\operatorname{cond}" in gl.to_latex(y)
    i, p = tf.while_loop(lambda i, p: i < 5, lambda i, p: (i + 1, p * x), [0, 1.0])
    assert gl.formula(p) == "while_loop(i < 5; i <- i + 1, p <- p*x; start i = 0, p = 1).p"
    assert r"\text{start}" in gl.to_latex(p)
    for t in (y, p, tf.gradients(p, x)[0]):
        gl.draw_graph(t, {x: 2.0}, adjoints=True)
        rows = gl.trace(t, {x: 2.0}).rows
        assert rows[-1].value is not None


# -- found by a review that tried to break the new functions -------------------------------
def test_higher_derivatives_through_a_loop_stay_cheap_for_a_scalar_and_are_bounded_otherwise():
    x = tf.placeholder(tf.float64, shape=[], name="x")  # a known scalar: tangent loops
    p = tf.while_loop(lambda i, p: i < 3, lambda i, p: (i + 1, p * x), [0, 1.0])[1]
    orders = [p]
    for _ in range(5):
        orders.append(tf.gradients(orders[-1], x)[0])
    np.testing.assert_allclose(run(orders, {x: 2.0}), [8.0, 12.0, 12.0, 6.0, 0.0, 0.0])
    (tangent,) = tf.forward_gradients(orders[2], x, 1.0)
    assert run(tangent, {x: 2.0}) == 6.0


def test_a_run_that_needs_too_many_loop_passes_stops_with_a_message(monkeypatch):
    monkeypatch.setattr(control_flow, "MAX_PASSES", 200)
    xu = tf.placeholder(tf.float64, name="xu")  # unknown shape: the backward loop
    p = tf.while_loop(lambda i, p: i < 10, lambda i, p: (i + 1, p * xu), [0, 1.0])[1]
    second = tf.gradients(tf.gradients(p, xu)[0], xu)[0]
    with pytest.raises(gl.GradlabError, match="forward mode"):
        run(second, {xu: 1.1})


def test_cond_returns_its_dtype_whichever_branch_runs():
    x = tf.placeholder(tf.float32, name="x")
    y = tf.cond(x > 0, lambda: x**2, lambda: 0.0)
    with tf.Session() as session:
        assert session.run(y, {x: -1.0}).dtype == np.float32 == session.run(y, {x: 2.0}).dtype


def test_an_if_on_a_random_number_and_a_float_body_for_an_int_variable_are_refused():
    def f(x):
        u = gl.random_uniform([])
        return x * (u * 10 if u > 0.5 else u)

    with pytest.raises(TypeError, match="random number"):
        gl.value_and_grad(f)(1.0)
    with pytest.raises(TypeError, match="holds int64"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 0.5, [0])
    m = tf.ones([2])
    assert run(tf.concat([m, m], axis=0), {}).shape == (4,)


def test_an_if_on_any_computed_value_works_and_counts_must_be_integers():
    def f(x):
        return np.sin(x) * x if np.sin(x) > 0 else x**2  # an if on a computed value

    for x0 in (1.0, 4.0):
        assert np.isclose(gl.grad(f)(x0), central(f, x0), rtol=1e-6)
    with pytest.raises(TypeError, match="only integer tensors"):
        gl.grad(lambda x: sum(x for _ in range(x)))(2.0)  # range() of a float tensor
    with pytest.raises(TypeError, match="one number"):
        gl.grad(lambda x: x * len(range(gl.cast(gl.stack([x, x]), gl.int64))))(1.0)


def test_cond_promotes_two_strong_dtypes_as_numpy_does():
    x32 = tf.placeholder(tf.float32, name="x32")
    x64 = tf.placeholder(tf.float64, name="x64")
    y = tf.cond(x32 > 0, lambda: x32 * 2, lambda: x64 * 2)
    assert y.dtype == np.float64
    with tf.Session() as session:
        assert session.run(y, {x32: 1.0, x64: 3.0}).dtype == np.float64


def test_the_pass_budget_is_per_run_not_per_session(monkeypatch):
    monkeypatch.setattr(control_flow, "MAX_PASSES", 200)
    n = tf.placeholder(tf.int64, shape=[], name="n")
    total = tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + 1.0), [0, 0.0])[1]
    with tf.Session() as session:
        for _ in range(5):  # 150 passes each: five runs are fine, one run of 250 is not
            assert session.run(total, {n: 150}) == 150.0
        with pytest.raises(gl.GradlabError, match="more than 200 passes"):
            session.run(total, {n: 250})
        assert session.run(total, {n: 150}) == 150.0


def test_inside_grad_a_question_about_an_outside_graph_value_says_so():
    w = gl.Variable(2.0, name="w")
    with pytest.raises(TypeError, match="Pass that value into the function"):
        gl.grad(lambda x: x * w if w > 0 else x)(1.0)
    # an integer count computed from the argument works as a range
    assert gl.grad(lambda x: sum(x for _ in range(gl.cast(x * 0 + 3, gl.int64))))(1.0) == 3.0


def test_loop_variables_are_named_after_the_bodys_parameters_only_when_they_match():
    x = tf.placeholder(tf.float64, name="x")
    named_loop = tf.while_loop(lambda k, p: k < 2, lambda k, p: (k + 1, p * x), [0, 1.0])[1]
    assert "k <- k + 1" in gl.formula(named_loop)
    star = tf.while_loop(lambda *v: v[0] < 2.0, lambda *v: [v[0] * x], [1.0])
    assert "v0 <- v0*x" in gl.formula(star)  # *v has no name per variable


def test_loop_gradients_for_a_known_vector_and_for_each_start_of_an_unknown_shape():
    # a known 3-vector: one tangent loop per element, joined into the gradient
    v = tf.placeholder(tf.float64, shape=[3], name="v")
    out = tf.while_loop(lambda k, s: k < 3, lambda k, s: (k + 1, s * v + 1.0), [0, tf.ones([3])])[1]
    (dv,) = tf.gradients(tf.reduce_sum(out * np.array([1.0, 2.0, 3.0])), v)
    v0 = np.array([0.5, -1.0, 2.0])
    want = np.array([1.0, 2.0, 3.0]) * (3 * v0**2 + 2 * v0 + 1)  # s3 = v^3 + v^2 + v + 1
    np.testing.assert_allclose(run(dv, {v: v0}), want)
    # unknown shapes and two float loop variables: the backward loop, for each start value
    a0, b0 = tf.placeholder(tf.float64, name="a0"), tf.placeholder(tf.float64, name="b0")
    _, a, b = tf.while_loop(lambda k, a, b: k < 2, lambda k, a, b: (k + 1, a * b, b + a), [0, a0, b0])
    da0, db0 = tf.gradients(a + 10 * b, [a0, b0])

    def closed(x, y):
        for _ in range(2):
            x, y = x * y, y + x
        return x + 10 * y

    got = run([da0, db0], {a0: 1.5, b0: 0.5})
    assert np.isclose(got[0], central(lambda t: closed(t, 0.5), 1.5), rtol=1e-6)
    assert np.isclose(got[1], central(lambda t: closed(1.5, t), 0.5), rtol=1e-6)
