"""Session.run, the plan cache, Variables, and the guard rails a learner hits first."""

import warnings

import numpy as np
import pytest

import gradlab as gl


def test_the_2017_post_runs_with_tf_bound_to_gradlab():
    """The seed's cells, verbatim apart from the import."""
    import gradlab as tf
    from math import pi

    x_ = np.linspace(0, pi * 2, 100)
    x = tf.placeholder(tf.float32)
    y = tf.sin(x)
    assert repr(x) == "<gl.Tensor 'Placeholder:0' shape=<unknown> dtype=float32>"
    assert repr(y) == "<gl.Tensor 'Sin:0' shape=<unknown> dtype=float32>"
    with tf.Session() as session:
        feed_dict = {x: x_}
        y_ = session.run(y, feed_dict=feed_dict)
        out = session.run(tf.gradients(y, x), feed_dict=feed_dict)
        gradient = out[0]
    assert y_.dtype == np.float32 and gradient.dtype == np.float32
    np.testing.assert_allclose(y_, np.sin(x_), atol=1e-6)
    np.testing.assert_allclose(gradient, np.cos(x_), atol=1e-6)
    # ...and the learner can now see what TensorFlow never showed:
    assert tf.formula(tf.gradients(y, x)[0]) == "cos(Placeholder)"


def test_repr_shows_names_shapes_and_dtypes_like_tensorflow():
    x = gl.placeholder(gl.float32, shape=(None,), name="x")
    gl.sin(x)
    y = gl.sin(x)
    assert repr(y) == "<gl.Tensor 'Sin_1:0' shape=(?,) dtype=float32>"
    W = gl.Variable(np.zeros((2, 3)), name="W")
    assert repr(W) == "<gl.Variable 'W:0' shape=(2, 3) dtype=float64>"
    assert repr(gl.reduce_sum(W, axis=0)) == "<gl.Tensor 'Sum:0' shape=(3,) dtype=float64>"
    assert repr(gl.group(W.initializer, name="init")) == "<gl.Operation 'init' type=Group>"


def test_fetch_structures_come_back_in_the_same_shape():
    x = gl.placeholder(name="x")
    y = x * 2
    with gl.Session() as session:
        got = session.run({"y": y, "pair": (x, [y, y + 1])}, feed_dict={x: 1.5})
    assert got["y"] == 3.0
    assert isinstance(got["pair"], tuple) and isinstance(got["pair"][1], list)
    assert got["pair"][1][1] == 4.0


def test_a_second_run_reuses_the_compiled_plan():
    x = gl.placeholder(name="x")
    y = gl.sin(x)
    (dy,) = gl.gradients(y, x)
    with gl.Session() as session:
        first = session.run([y, dy], {x: np.linspace(0, 1, 10)})
        assert session.compile_count == 1
        second = session.run([y, dy], {x: np.linspace(1, 2, 10)})
        assert session.compile_count == 1  # same fetches, same feed shape: no rebuild
        np.testing.assert_allclose(second[1], np.cos(np.linspace(1, 2, 10)))
        session.run([y, dy], {x: np.linspace(0, 1, 11)})
        assert session.compile_count == 2  # a new feed shape compiles a new plan
    assert not np.allclose(first[0], second[0])


def test_sin_and_its_derivative_compile_to_two_steps():
    x = gl.placeholder(name="x")
    y = gl.sin(x)
    with gl.Session() as session:
        plan = session.plan([y, gl.gradients(y, x)[0]], {x: np.zeros(100)})
    assert len(plan) == 2
    assert [s.node.op.name for s in plan.steps] == ["Sin", "Cos"]


def test_shared_subexpressions_are_computed_once():
    x = gl.placeholder(name="x")
    y = gl.sin(x) * gl.sin(x) + gl.sin(x)
    with gl.Session() as session:
        plan = session.plan(y, {x: np.zeros(3)})
    assert [s.node.op.name for s in plan.steps].count("Sin") == 1


def test_broadcast_bookkeeping_is_removed_once_shapes_are_known():
    x = gl.placeholder(name="x")  # shape unknown while building
    c = gl.placeholder(name="c")
    (dx,) = gl.gradients(x * c, x)
    with gl.Session() as session:
        same = session.plan(dx, {x: np.zeros(4), c: np.ones(4)})
        wider = session.plan(dx, {x: np.zeros(1), c: np.ones(4)})
        assert [s.node.op.name for s in same.steps] == []  # dx is just c
        assert len(wider) == 1  # one sum over the broadcast axis
        np.testing.assert_allclose(session.run(dx, {x: np.zeros(1), c: np.arange(4.0)}), [6.0])


def test_bool_of_a_tensor_points_to_where():
    x = gl.placeholder(name="x")
    with pytest.raises(TypeError, match=r"gl\.where"):
        if x > 0:
            pass


def test_a_missing_feed_names_the_placeholder():
    x = gl.placeholder(name="speed")
    with gl.Session() as session, pytest.raises(gl.FeedError, match="'speed'"):
        session.run(x * 2)


def test_a_feed_of_the_wrong_shape_names_the_placeholder_and_both_shapes():
    x = gl.placeholder(shape=(None, 3), name="points")
    with gl.Session() as session, pytest.raises(gl.FeedError) as err:
        session.run(x * 2, {x: np.zeros((4, 2))})
    message = str(err.value)
    assert "'points'" in message and "(4, 2)" in message and "(?, 3)" in message


def test_an_op_without_a_gradient_rule_names_the_op_and_the_line_that_built_it():
    floor = gl.register_op("Staircase", np.floor)
    x = gl.placeholder(name="x")
    y = floor(x) * 2  # the line the error must point to
    with pytest.raises(gl.NoGradientError) as err:
        gl.gradients(y, x)
    message = str(err.value)
    assert "'Staircase'" in message
    assert "test_session.py" in message and "y = floor(x) * 2" in message


def test_integer_feeds_become_floats():
    x = gl.placeholder(name="x")
    with gl.Session() as session:
        got = session.run(x / 2, {x: [1, 2, 3]})
    assert got.dtype == np.float64
    np.testing.assert_array_equal(got, [0.5, 1.0, 1.5])


def test_numpy_arrays_mixed_with_tensors_make_tensors():
    x = gl.placeholder(name="x")
    for y in (np.ones(3) * x, np.arange(3.0) + x, np.sin(x), np.float64(2.0) * x):
        assert isinstance(y, gl.Tensor)
    with gl.Session() as session:
        np.testing.assert_allclose(session.run(np.ones(3) * x, {x: 2.0}), [2.0, 2.0, 2.0])


def test_shape_errors_at_build_time_name_the_op():
    a = gl.constant(np.zeros(3))
    b = gl.placeholder(shape=(4,), name="b")
    with pytest.raises(gl.ShapeError, match="Add"):
        a + b


def test_nan_and_inf_flow_through_without_flooding_warnings():
    x = gl.placeholder(name="x")
    y = gl.log(x)
    (dy,) = gl.gradients(y, x)
    with gl.Session() as session, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        for _ in range(2):
            got, slope = session.run([y, dy], {x: [-1.0, 0.0, 1.0]})
        after_two = len(caught)
        for _ in range(50):
            session.run([y, dy], {x: [-1.0, 0.0, 1.0]})
    assert np.isnan(got[0]) and got[1] == -np.inf and got[2] == 0.0
    assert np.isinf(slope[1])
    assert all(issubclass(w.category, RuntimeWarning) for w in caught)
    assert 0 < after_two <= 6
    assert len(caught) == after_two  # warnings are shown once per place, never once per run


def test_variables_keep_state_in_the_session_and_assign_updates_it():
    counter = gl.Variable(0.0, name="counter")
    step = counter.assign_add(1.0)
    with gl.Session() as session:
        with pytest.raises(gl.UninitializedVariableError, match="global_variables_initializer"):
            session.run(counter)
        session.run(gl.global_variables_initializer())
        for _ in range(3):
            session.run(step)
        assert session.run(counter) == 3.0
    with gl.Session() as other:  # a new session has its own state
        other.run(gl.global_variables_initializer())
        assert other.run(counter) == 0.0


def test_assign_checks_shapes():
    W = gl.Variable(np.zeros(3), name="W")
    with pytest.raises(gl.ShapeError, match="'W'"):
        W.assign(np.zeros(4))
    v = gl.placeholder(name="v")
    with gl.Session() as session:
        session.run(W.initializer)
        session.run(W.assign(v), {v: 2.0})  # a scalar broadcasts
        np.testing.assert_array_equal(session.run(W), [2.0, 2.0, 2.0])
        with pytest.raises(gl.ShapeError, match="'W'"):
            session.run(W.assign(v), {v: np.zeros(5)})


def test_outputs_are_fresh_writable_arrays():
    x = gl.placeholder(name="x")
    (g,) = gl.gradients(3 * x, x)  # a broadcast constant
    data = np.zeros(4)
    with gl.Session() as session:
        out = session.run([g, x], {x: data})
    out[0][0] = 10.0
    out[1][0] = 10.0
    assert data[0] == 0.0


def test_eval_uses_the_default_session():
    x = gl.placeholder(name="x")
    with gl.Session():
        assert (x * 3).eval({x: 2.0}) == 6.0
    with pytest.raises(RuntimeError, match="default session"):
        (x * 3).eval({x: 2.0})


def test_runtime_errors_name_the_node_and_line():
    a = gl.placeholder(name="a")
    b = gl.placeholder(name="b")
    c = a @ b  # inner sizes only known when fed
    with gl.Session() as session, pytest.raises(gl.ShapeError) as err:
        session.run(c, {a: np.zeros((2, 3)), b: np.zeros((4, 2))})
    assert "MatMul" in str(err.value) and "c = a @ b" in str(err.value)


@pytest.mark.slow
def test_deep_graphs_need_no_recursion():
    x = gl.placeholder(name="x")
    y = x
    for _ in range(5000):
        y = gl.sin(y) * 0.5 + y
    (dy,) = gl.gradients(y, x)
    with gl.Session() as session:
        value, slope = session.run([y, dy], {x: 0.1})
    assert np.isfinite(value) and np.isfinite(slope)
