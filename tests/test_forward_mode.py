"""Forward mode: tangent rules, jvp/vjp, Jacobians, Hessians and Newton's method.

Independent references only:

* every op's tangent rule (and tangents of tangents, to order 3) against central
  differences of the op's *numpy* function;
* the duality of the two modes, ⟨u, J v⟩ computed forwards equals ⟨Jᵀ u, v⟩
  computed backwards, for random u and v (two different rule tables must agree);
* Jacobians against finite differences, Hessians and third derivatives against SymPy.

The structural ops (indexing, joins, sort, einsum, inv, det ...) are also checked in
forward mode by every case of ``tests/test_numpy_functions.py``.
"""

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradlab as gl
from gradlab.core.opdef import OPS
from test_op_gradients import BINARY, STENCILS, UNARY, relative_error
from test_sympy_oracle import build, trees

RNG = np.random.default_rng(11)


def test_every_op_with_a_reverse_rule_has_a_tangent_rule_for_the_same_inputs():
    missing = []
    for name, op in OPS.items():
        if op.grads is None:
            if op.tangents is not None:
                missing.append(f"{name}: tangent rules but no reverse rules")
            continue
        if op.tangents is None or len(op.tangents) != len(op.grads):
            missing.append(f"{name}: {op.tangents!r} for {len(op.grads)} reverse rules")
            continue
        for i, (g, t) in enumerate(zip(op.grads, op.tangents)):
            if (g is None) != (t is None):
                missing.append(f"{name} input {i}: reverse {g is not None}, forward {t is not None}")
    assert not missing, missing


# -- each op, orders 1 to 3, against central differences of numpy -------------------------
STEP = {1: 1e-6, 2: 1e-4, 3: 1e-3}
TOLERANCE = {1: 1e-6, 2: 1e-5, 3: 1e-4}


def forward_derivatives(builder, order):
    """f, f', ..., f^(order) at a placeholder x, each found by forward mode from the last."""
    x = gl.placeholder(gl.float64, name="x")
    nodes = [builder(x)]
    for _ in range(order):
        (t,) = gl.forward_gradients(nodes[-1], x, 1.0)
        nodes.append(t)
    return x, nodes


def central(f, points, order):
    h = STEP[order]
    offsets, weights = STENCILS[order]
    return sum(w * f(points + o * h) for o, w in zip(offsets, weights)) / h**order


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("name, builder, reference, domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_tangent_rules_match_central_differences(name, builder, reference, domain, order):
    lo, hi = domain
    points = np.random.default_rng(order).uniform(lo, hi, 7)
    points = np.concatenate([points, [lo + 0.1 * (hi - lo)]])
    x, nodes = forward_derivatives(builder, order)
    with gl.Session() as session:
        got = session.run(nodes[order], {x: points})
        # the same derivative from reverse mode: a different table of rules must agree
        reverse = nodes[0]
        for _ in range(order):
            (reverse,) = gl.gradients(reverse, x)
        backwards = session.run(reverse, {x: points})
    np.testing.assert_allclose(got, backwards, rtol=1e-9, atol=1e-9)
    want = central(reference, points, order)
    assert relative_error(got, want) < TOLERANCE[order], (name, got, want)


@pytest.mark.parametrize("name, builder, reference, dom_a, dom_b", BINARY, ids=[b[0] for b in BINARY])
def test_binary_tangent_rules_move_both_inputs(name, builder, reference, dom_a, dom_b):
    rng = np.random.default_rng(5)
    a0, b0 = rng.uniform(*dom_a, 6), rng.uniform(*dom_b, 6)
    ta, tb = rng.uniform(-1, 1, 6), rng.uniform(-1, 1, 6)
    a, b = gl.placeholder(name="a"), gl.placeholder(name="b")
    y = builder(a, b)
    (tangent,) = gl.forward_gradients(y, [a, b], [ta, tb])
    (only_a,) = gl.forward_gradients(y, [a, b], [ta, None])
    with gl.Session() as session:
        got, got_a = session.run([tangent, only_a], {a: a0, b: b0})
    h = 1e-6
    want = (reference(a0 + h * ta, b0 + h * tb) - reference(a0 - h * ta, b0 - h * tb)) / (2 * h)
    want_a = (reference(a0 + h * ta, b0) - reference(a0 - h * ta, b0)) / (2 * h)
    assert relative_error(got, want) < 1e-6
    assert relative_error(got_a, want_a) < 1e-6


def test_broadcasting_is_handled_by_the_engine():
    # a scalar s times a vector v: the tangent of s is spread over v's shape
    s, v = gl.placeholder(name="s"), gl.placeholder(shape=(3,), name="v")
    y = s * v + s
    (t,) = gl.forward_gradients(y, s, 1.0)
    with gl.Session() as session:
        got = session.run(t, {s: 2.0, v: np.array([1.0, 2.0, 3.0])})
    np.testing.assert_allclose(got, [2.0, 3.0, 4.0])
    assert got.shape == (3,)


def test_a_node_that_does_not_depend_on_x_gets_zeros_and_ints_carry_no_tangent():
    x, z = gl.placeholder(shape=(2,), name="x"), gl.placeholder(shape=(2,), name="z")
    k = gl.cast(gl.floor(x * 3), gl.int64)
    (tz, tk, tf) = gl.forward_gradients([gl.sin(z), k, gl.cast(k, gl.float64) * x], x, np.ones(2))
    with gl.Session() as session:
        vz, vk, vf = session.run([tz, tk, tf], {x: [0.5, 0.9], z: [1.0, 2.0]})
    np.testing.assert_array_equal(vz, 0.0)
    np.testing.assert_array_equal(vk, 0.0)
    assert vk.dtype == np.float64  # a tangent is a float, even for an integer node
    np.testing.assert_allclose(vf, [1.0, 2.0])  # floor(3x) is flat: only the factor x moves
    # rounding to an integer is flat too, even without floor: int(3x) does not move with x
    rounded = gl.cast(gl.cast(x * 3, gl.int64), gl.float64) * 2.0
    (tr,) = gl.forward_gradients(rounded, x, np.ones(2))
    with gl.Session() as session:
        np.testing.assert_array_equal(session.run(tr, {x: [0.5, 0.9]}), 0.0)


def test_tangent_errors_name_the_problem():
    x = gl.placeholder(shape=(3,), name="x")
    with pytest.raises(gl.ShapeError, match="tangent for 'x' has shape \\(2,\\)"):
        gl.forward_gradients(gl.sin(x), x, np.ones(2))
    with pytest.raises(ValueError, match="one per x"):
        gl.forward_gradients(gl.sin(x), [x], [1.0, 2.0])
    k = gl.placeholder(gl.int32, name="k")
    with pytest.raises(TypeError, match="'k'"):
        gl.forward_gradients(k * 2, k, 1)
    blocked = gl.register_op("NoRuleFwd", lambda v: v * 2.0)
    with pytest.raises(gl.NoGradientError, match="NoRuleFwd"):
        gl.forward_gradients(blocked(x), x, np.ones(3))


def test_a_registered_op_works_in_forward_mode_with_its_reverse_rules():
    cube = gl.register_op("CubeFwd", lambda v: v**3, [lambda g, out, v: g * (3 * v**2)])
    df = gl.jvp(lambda v: cube(v) * 2.0, (np.array([1.0, 2.0]),), (np.array([1.0, 1.0]),))[1]
    np.testing.assert_allclose(df, [6.0, 24.0])


# -- the two modes are transposes of each other -----------------------------------------
def _random_graph(seed):
    """A vector function R^4 -> R^3 mixing elementwise ops, broadcasting, reductions,
    matmul, indexing, joins and sort."""
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(3, 4))
    unary = [np.sin, np.tanh, lambda u: u * np.exp(-u**2 / 4), np.arctan, lambda u: u**3 / 3]
    pick = [unary[i] for i in rng.integers(0, len(unary), 4)]

    def f(x):
        h = pick[0](x) * x[::-1] + pick[1](x[0]) * x
        m = A @ pick[2](h) + np.sum(h**2) / 4
        z = np.concatenate([m[:2] * np.sort(x)[1:3], np.prod(pick[3](x[1:]))[None] + m[2:]])
        return z * np.cumsum(z)

    return f


@pytest.mark.parametrize("seed", range(6))
def test_forward_and_reverse_agree_as_transposes(seed):
    f = _random_graph(seed)
    x0 = np.random.default_rng(100 + seed).uniform(-1.2, 1.2, 4)
    u, v = np.random.default_rng(200 + seed).normal(size=(2, 4))
    u = u[:3]
    y, jv = gl.jvp(f, (x0,), (v,))
    y2, pullback = gl.vjp(f, x0)
    (jtu,) = pullback(u)
    np.testing.assert_allclose(y, f(x0), rtol=1e-12)
    np.testing.assert_allclose(y2, y, rtol=1e-12)
    assert np.isclose(u @ jv, jtu @ v, rtol=1e-10, atol=1e-12)
    h = 1e-6
    np.testing.assert_allclose(jv, (f(x0 + h * v) - f(x0 - h * v)) / (2 * h), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", range(6))
def test_jacfwd_equals_jacrev_equals_finite_differences(seed):
    f = _random_graph(seed)
    x0 = np.random.default_rng(300 + seed).uniform(-1.2, 1.2, 4)
    forward, backward = gl.jacfwd(f)(x0), gl.jacrev(f)(x0)
    assert forward.shape == backward.shape == (3, 4)
    np.testing.assert_allclose(forward, backward, rtol=1e-10, atol=1e-12)
    h = 1e-6
    columns = [(f(x0 + h * e) - f(x0 - h * e)) / (2 * h) for e in np.eye(4)]
    np.testing.assert_allclose(forward, np.stack(columns, axis=-1), rtol=1e-6, atol=1e-8)


def test_jacobian_shapes_follow_output_then_input():
    def f(m, s):
        return np.sin(m) * s  # (2, 3) from a (2, 3) matrix and a scalar

    m0 = np.arange(6.0).reshape(2, 3) / 5
    J = gl.jacfwd(f)(m0, 2.0)
    assert J.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(J.reshape(6, 6), np.diag(2.0 * np.cos(m0).ravel()), atol=1e-15)
    Jm, Js = gl.jacrev(f, argnums=(0, 1))(m0, 2.0)
    assert Jm.shape == (2, 3, 2, 3) and Js.shape == (2, 3)
    np.testing.assert_allclose(Js, np.sin(m0))
    assert gl.jacobian is gl.jacrev
    scalar = gl.jacfwd(lambda t: np.stack([np.cos(t), np.sin(t), t]))(0.5)
    np.testing.assert_allclose(scalar, [-np.sin(0.5), np.cos(0.5), 1.0])


def test_a_jacobian_is_one_plan_whose_size_grows_with_the_passes():
    # jacfwd of a function of n inputs makes n tangent passes; jacrev of a scalar makes one
    def f(x):
        return np.sum(np.sin(x) * x)

    sizes = {}
    for n in (2, 8):
        x0 = np.linspace(0.1, 1.0, n)
        forward, backward = gl.jacfwd(f), gl.jacrev(f)
        np.testing.assert_allclose(forward(x0), backward(x0), rtol=1e-12)
        steps = [len(forward.plan(x0)), len(backward.plan(x0))]
        sizes[n] = steps
    assert sizes[8][0] > 2 * sizes[2][0]  # forward: grows with n
    assert sizes[8][1] == sizes[2][1]  # reverse: one pass whatever n


# -- Hessians and third derivatives against SymPy ------------------------------------------
SYMBOLS = sp.symbols("x0 x1 x2", real=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n_vars=st.integers(2, 3), data=st.data())
def test_hessian_matches_sympy(n_vars, data):
    tree = data.draw(trees(6, n_vars))
    point = np.array(data.draw(st.lists(st.floats(-1.5, 1.5), min_size=n_vars, max_size=n_vars)))
    symbols = SYMBOLS[:n_vars]

    def f(v):
        return build(tree, v, symbols)[0] + 0.0 * v[0]  # (every variable takes part)

    expr = build(tree, [gl.placeholder(name=f"p{i}") for i in range(n_vars)], symbols)[1]
    want = np.array(sp.lambdify(symbols, sp.hessian(expr, symbols), "numpy")(*point), dtype=float)
    got = gl.hessian(f)(point)
    assert got.shape == (n_vars, n_vars)
    np.testing.assert_allclose(got, want, rtol=1e-8, atol=1e-8)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees(6), x0=st.floats(-1.5, 1.5))
def test_nested_jvp_to_third_order_matches_sympy(tree, x0):
    def f(x):
        return build(tree, x)[0] + 0.0 * x

    def d(g):
        return lambda x: gl.jvp(g, (x,), (1.0,))[1]

    expr = build(tree, gl.placeholder(name="p"))[1]
    (X,) = expr.free_symbols or {SYMBOLS[0]}
    for order, fn in ((1, d(f)), (2, d(d(f))), (3, d(d(d(f))))):
        want = float(sp.lambdify(X, sp.diff(expr, X, order), "numpy")(x0))
        np.testing.assert_allclose(fn(x0), want, rtol=1e-8, atol=1e-8)


def test_hvp_is_the_hessian_times_a_vector():
    def f(v):
        return np.sum(np.sin(v) * v[::-1]) + v[0] ** 2 * v[2]

    x0, w = np.array([0.3, -0.7, 1.1]), np.array([0.5, 1.0, -2.0])
    np.testing.assert_allclose(gl.hvp(f, (x0,), (w,)), gl.hessian(f)(x0) @ w, rtol=1e-12)


def test_jvp_and_vjp_take_pytrees_and_check_shapes():
    def f(params):
        return params["w"] * params["b"] ** 2

    p = {"w": np.array([1.0, 2.0]), "b": 3.0}
    t = {"w": np.array([1.0, 0.0]), "b": 1.0}
    y, jv = gl.jvp(f, (p,), (t,))
    np.testing.assert_allclose(jv, [9.0 + 6.0, 12.0])
    _, pullback = gl.vjp(f, p)
    (ct,) = pullback(np.array([1.0, 1.0]))
    assert set(ct) == {"w", "b"}
    np.testing.assert_allclose(ct["b"], 2 * 3.0 * 3.0)
    with pytest.raises(ValueError, match="tangent of argument 0"):
        gl.jvp(np.sin, (np.ones(3),), (np.ones(2),))
    with pytest.raises(ValueError, match="one tangent per argument"):
        gl.jvp(np.sin, (1.0,), ())
    with pytest.raises(ValueError, match="cotangent has shape"):
        gl.vjp(np.sin, np.ones(3))[1](np.ones(2))


def test_tf_hessians_on_a_placeholder_vector():
    x = gl.placeholder(gl.float32, shape=[3], name="x")
    y = gl.reduce_sum(x**3) + x[0] * x[1]
    (H,) = gl.hessians(y, x)
    assert H.shape == (3, 3)
    x0 = np.array([1.0, -2.0, 0.5], np.float32)
    with gl.Session() as session:
        got = session.run(H, {x: x0})
    want = np.diag(6 * x0) + np.array([[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    assert got.dtype == np.float32


# -- Newton's method ---------------------------------------------------------------------
def test_newton_converges_quadratically_to_a_minimum():
    result = gl.newton(lambda x: np.cosh(x - 1.0) + 0.5 * x, 2.5, steps=30)
    # the minimum: sinh(x - 1) = -0.5
    assert result.converged and result.kind == "minimum"
    np.testing.assert_allclose(result.x, 1.0 + np.arcsinh(-0.5), rtol=1e-12)
    errors = np.abs(result.path - result.x)[:-1]
    errors = errors[errors > 1e-12]
    # quadratic: each error is at most a constant times the square of the last
    assert all(e2 <= 2.0 * e1**2 for e1, e2 in zip(errors[1:-1], errors[2:]))
    assert result.values.shape == (len(result.path),)


def test_newton_in_two_variables_reaches_the_rosenbrock_minimum():
    result = gl.newton(lambda v: (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2,
                       np.array([-1.2, 1.0]), steps=50)
    assert result.converged and result.kind == "minimum"
    np.testing.assert_allclose(result.x, [1.0, 1.0], atol=1e-10)
    assert result.path.shape == (result.steps + 1, 2)


def test_newton_says_what_kind_of_point_it_found_and_where_it_fails():
    maximum = gl.newton(np.cos, 0.4)
    assert maximum.converged and maximum.kind == "maximum" and "maximum" in maximum.verdict
    saddle = gl.newton(lambda v: v[0] ** 2 - v[1] ** 2, np.array([1.0, 2.0]))
    assert saddle.kind == "saddle point"
    flat = gl.newton(lambda x: x - x**3 / 3, 0.0)
    assert not flat.converged and "flat spot" in flat.verdict
    runaway = gl.newton(np.exp, 0.0, steps=10)  # slopes shrink, but there is no minimum
    assert not runaway.converged and "no convergence in 10 steps" in runaway.verdict
    outside = gl.newton(np.log, -1.0)
    assert not outside.converged and "not finite" in outside.verdict
    degenerate = gl.newton(lambda x: x**4, 0.0)
    assert degenerate.converged and degenerate.kind == ""
    with pytest.raises(ValueError, match="steps"):
        gl.newton(np.cos, 0.4, steps=-1)
    with pytest.raises(ValueError, match="number or a vector"):
        gl.newton(np.cos, np.ones((2, 2)))


# -- found by a review that tried to break the new functions -------------------------------
def test_jvp_vjp_and_hvp_see_a_global_that_changed_between_calls():
    state = {"W": np.eye(2)}

    def f(x):
        return state["W"] @ x

    x0, v = np.ones(2), np.array([1.0, 0.0])
    np.testing.assert_allclose(gl.jvp(f, (x0,), (v,))[1], [1.0, 0.0])
    state["W"] = 3 * np.eye(2)
    np.testing.assert_allclose(gl.jvp(f, (x0,), (v,))[1], [3.0, 0.0])
    np.testing.assert_allclose(gl.vjp(f, x0)[0], [3.0, 3.0])
    data = {"d": 1.0}
    for d in (1.0, 2.0, 3.0):
        data["d"] = d
        assert gl.hvp(lambda w: (w * data["d"] - 1) ** 2, (0.5,), (1.0,)) == 2 * d * d


def test_jvp_refuses_tangents_of_another_structure_and_primals_that_are_not_a_tuple():
    with pytest.raises(ValueError, match="structure of the primals"):
        gl.jvp(lambda d: d["a"] * 10 + d["b"], ({"a": 1.0, "b": 2.0},), ({"b": 1.0, "c": 0.0},))
    with pytest.raises(TypeError, match="as tuples"):
        gl.jvp(np.sin, 1.0, 1.0)


def test_newton_verdicts_do_not_depend_on_the_scale_of_f():
    for scale in (1e-13, 1e-5, 1.0, 1e6):
        result = gl.newton(lambda x, s=scale: s * (x - 3) ** 2, 0.0)
        assert result.converged and result.kind == "minimum" and np.isclose(result.x, 3.0), scale
    stretched = gl.newton(lambda v: 1e6 * v[0] ** 2 + 1e-3 * v[1] ** 2, np.array([1.0, 1.0]))
    assert stretched.kind == "minimum"
    runaway = gl.newton(lambda x: np.sqrt(1 + x**2), 2.0)  # each step overshoots further
    assert not runaway.converged and "diverged" in runaway.verdict
    with pytest.raises(ValueError, match="one number"):
        gl.newton(lambda v: v * 2, np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="steps"):
        gl.newton(np.cos, 1.0, steps=True)


def test_numpy_integers_stay_integers_and_integer_arrays_are_built_in():
    def power(x, n):
        s = x**0
        for _ in range(n):
            s = s * x
        return s

    assert gl.grad(power)(2.0, np.int64(3)) == 12.0 == gl.grad(power)(2.0, 3)
    picked = gl.grad(lambda x, idx: np.sum(x[idx] ** 2))(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 2]))
    np.testing.assert_allclose(picked, [2.0, 0.0, 12.0])
    assert gl.grad(lambda x: np.sum(x**2) if np.any(x > 1) else np.sum(x))(np.array([0.5, 2.0]))[1] == 4.0
    assert gl.grad(lambda x: np.sum(x) if (x > 1).all() else 0.0 * x[0])(np.array([0.5, 2.0]))[0] == 0.0


def test_tf_hessians_on_a_vector_of_unknown_length_loops_over_its_rows():
    x = gl.placeholder(gl.float32, shape=[None], name="x")
    y = gl.reduce_sum(x**3) + x[0] * x[1]
    (H,) = gl.hessians(y, x)
    with gl.Session() as session:
        for x0 in (np.array([1.0, -2.0, 0.5], np.float32), np.array([2.0, 1.0], np.float32)):
            got = session.run(H, {x: x0})
            want = np.diag(6 * x0)
            want[0, 1] = want[1, 0] = 1
            np.testing.assert_allclose(got, want, rtol=1e-6)
    with pytest.raises(gl.ShapeError, match="vector"):
        gl.hessians(gl.reduce_sum(gl.placeholder(shape=[None, None], name="m") ** 3),
                    gl.placeholder(shape=[None, None], name="m2"))


def test_tangents_keep_float32_and_several_tangents_for_one_x_add_up():
    x = gl.placeholder(gl.float32, shape=(3,), name="x")
    y = gl.sin(x) * x
    (t,) = gl.forward_gradients(y, x, np.ones(3, np.float32))
    (twice,) = gl.forward_gradients(y, [x, x], [np.full(3, 0.25), np.full(3, 0.75)])
    with gl.Session() as session:
        x0 = np.array([0.5, 1.0, 2.0], np.float32)
        got, got_twice = session.run([t, twice], {x: x0})
    assert got.dtype == np.float32 and got_twice.dtype == np.float32
    np.testing.assert_allclose(got, np.cos(x0) * x0 + np.sin(x0), rtol=1e-6)
    np.testing.assert_allclose(got_twice, got, rtol=1e-6)  # moving x by 1/4 and by 3/4: by 1


@pytest.mark.parametrize("f, x0, kind", [
    (lambda x: x**3, 1.0, ""),                       # an inflection point, reached linearly
    (lambda x: x**3, -1.0, ""),
    (lambda x: x**4, 1.0, ""),                       # a minimum the second-derivative test cannot see
    (lambda v: v[0] ** 3 + v[1] ** 2, np.array([1.0, 1.0]), ""),  # singular in one direction
    (lambda x: x**4 / 4 + x**2 / 2, 1e6, "minimum"),  # far away: long linear phase, then quadratic
    (lambda x: (x - 2) ** 2 + 1, 10.0, "minimum"),   # exact in one step
    (lambda x: -np.cosh(x), 1.0, "maximum"),
    (lambda v: v[0] ** 2 - v[1] ** 2 + v[0] * v[1] ** 3, np.array([0.3, 0.2]), "saddle point"),
])
def test_newton_names_the_kind_of_point_only_when_the_curvature_there_is_not_zero(f, x0, kind):
    result = gl.newton(f, x0, steps=100)
    assert result.converged and result.kind == kind, result.verdict
    if kind == "":
        assert "cannot tell" in result.verdict
