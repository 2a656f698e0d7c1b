"""TF1-style programs, written the way the 2016-2018 tutorials wrote them, run on gradlab.

Each test is a small program in that style (``import gradlab as tf``) and checks its
result against an independent answer: a least-squares solution, a closed-form
gradient, finite differences, or what the data was made from.
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import gradlab as tf

RNG = np.random.default_rng(11)


def test_linear_regression_reaches_the_least_squares_solution():
    xs = RNG.uniform(-1, 1, (200, 3))
    ys = xs @ np.array([[1.5], [-2.0], [0.5]]) + 0.7 + RNG.normal(0, 0.05, (200, 1))
    x = tf.placeholder(tf.float32, [None, 3])
    y_ = tf.placeholder(tf.float32, [None, 1])
    W = tf.Variable(tf.zeros([3, 1]))
    b = tf.Variable(tf.zeros([1]))
    y = tf.matmul(x, W) + b
    cost = tf.reduce_mean(tf.square(y_ - y))
    train_step = tf.train.GradientDescentOptimizer(0.5).minimize(cost)
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        for _ in range(500):
            sess.run(train_step, feed_dict={x: xs, y_: ys})
        W_, b_ = sess.run([W, b])
    design = np.hstack([xs, np.ones((200, 1))])
    exact = np.linalg.lstsq(design, ys, rcond=None)[0]
    np.testing.assert_allclose(np.vstack([W_, b_[:, None]]), exact, atol=1e-4)


def _blobs(n_per_class, classes, features, seed):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 3, (classes, features))
    xs = np.vstack([rng.normal(c, 1.0, (n_per_class, features)) for c in centres])
    labels = np.repeat(np.arange(classes), n_per_class)
    return xs.astype(np.float32), np.eye(classes, dtype=np.float32)[labels], labels


def test_softmax_classifier_with_an_interactive_session_and_run():
    xs, ys, labels = _blobs(60, 4, 784 // 28, seed=1)  # MNIST-shaped in spirit: rows of pixels
    x = tf.placeholder(tf.float32, [None, xs.shape[1]])
    y_ = tf.placeholder(tf.float32, [None, 4])
    W = tf.Variable(tf.zeros([xs.shape[1], 4]))
    b = tf.Variable(tf.zeros([4]))
    y = tf.nn.softmax(tf.matmul(x, W) + b)
    cross_entropy = tf.reduce_mean(-tf.reduce_sum(y_ * tf.log(y), reduction_indices=[1]))
    train_step = tf.train.GradientDescentOptimizer(0.1).minimize(cross_entropy)
    sess = tf.InteractiveSession()
    try:
        tf.global_variables_initializer().run()
        for i in range(100):
            batch = slice((i * 40) % 240, (i * 40) % 240 + 40)
            train_step.run(feed_dict={x: xs[batch], y_: ys[batch]})
        correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        score = accuracy.eval(feed_dict={x: xs, y_: ys})
    finally:
        sess.close()
    assert isinstance(score, np.floating) and score.dtype == np.float32
    assert score > 0.95


def test_two_layer_network_with_random_init_cross_entropy_and_accuracy():
    tf.set_random_seed(3)
    xs, ys, _ = _blobs(50, 3, 5, seed=2)
    x = tf.placeholder(tf.float32, [None, 5])
    y_ = tf.placeholder(tf.float32, [None, 3])
    W1 = tf.Variable(tf.random_normal([5, 16], stddev=0.5))
    b1 = tf.Variable(tf.zeros([16]))
    W2 = tf.Variable(tf.truncated_normal([16, 3], stddev=0.5))
    b2 = tf.Variable(tf.constant(0.1, shape=[3]))
    hidden = tf.nn.relu(tf.matmul(x, W1) + b1)
    logits = tf.matmul(hidden, W2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
    train_step = tf.train.AdamOptimizer(0.01).minimize(loss)
    accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y_, 1)), tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y_: ys})
        for _ in range(300):
            sess.run(train_step, {x: xs, y_: ys})
        last, acc = sess.run([loss, accuracy], {x: xs, y_: ys})
    assert last < first / 5 and acc > 0.95


def test_softmax_cross_entropy_gradient_is_softmax_minus_labels_and_stable_at_1000():
    logits = tf.placeholder(tf.float64, [None, 3])
    labels = tf.placeholder(tf.float64, [None, 3])
    loss = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    (g,) = tf.gradients(tf.reduce_sum(loss), logits)
    z = np.array([[1000.0, -1000.0, 0.0], [0.5, 0.2, -0.3], [-1000.0, -1000.0, -999.0]])
    y = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    softmax = shifted / shifted.sum(axis=1, keepdims=True)
    log_softmax = z - z.max(axis=1, keepdims=True) - np.log(shifted.sum(axis=1, keepdims=True))
    with tf.Session() as sess:
        got_loss, got_g = sess.run([loss, g], {logits: z, labels: y})
    np.testing.assert_allclose(got_loss, -(y * log_softmax).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(got_g, softmax - y, atol=1e-12)
    assert np.isfinite(got_loss).all() and got_loss[0] == pytest.approx(2000.0)


def test_sparse_and_sigmoid_cross_entropy():
    z = np.array([[2.0, -1.0, 0.5], [1000.0, 0.0, -1000.0]])
    classes = np.array([2.0, 0.0])
    logits = tf.placeholder(tf.float64, [None, 3])
    sparse = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=classes, logits=logits)
    dense = tf.nn.softmax_cross_entropy_with_logits(labels=np.eye(3)[[2, 0]], logits=logits)
    sig = tf.nn.sigmoid_cross_entropy_with_logits(labels=np.array([[1.0, 0.0, 0.5]] * 2),
                                                  logits=logits)
    (dsig,) = tf.gradients(tf.reduce_sum(sig), logits)
    with tf.Session() as sess:
        s, d, sg, dg = sess.run([sparse, dense, sig, dsig], {logits: z})
    np.testing.assert_allclose(s, d, rtol=1e-12)
    p = 0.5 * (1 + np.tanh(z / 2))  # the sigmoid, without overflow
    targets = np.array([[1.0, 0.0, 0.5]] * 2)
    np.testing.assert_allclose(sg[0], -(targets[0] * np.log(p[0]) + (1 - targets[0]) * np.log(1 - p[0])))
    assert np.isfinite(sg).all() and sg[1, 2] == pytest.approx(500.0)
    np.testing.assert_allclose(dg, p - targets, atol=1e-12)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(np.eye(3), z)


def test_logistic_regression_finds_the_separating_direction():
    xs = RNG.normal(0, 1, (300, 2))
    ys = (xs @ np.array([2.0, -1.0]) > 0).astype(float)[:, None]
    x = tf.placeholder(tf.float64, [None, 2])
    y_ = tf.placeholder(tf.float64, [None, 1])
    w = tf.get_variable("w", [2, 1], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [1], initializer=tf.constant_initializer(0.0))
    logits = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y_, logits=logits))
    step = tf.train.GradientDescentOptimizer(1.0).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(300):
            sess.run(step, {x: xs, y_: ys})
        w_ = sess.run(w)[:, 0]
    cosine = w_ @ np.array([2.0, -1.0]) / np.linalg.norm(w_) / np.sqrt(5)
    assert cosine > 0.99


def test_get_variable_in_variable_scopes_and_reuse():
    def layer(x, size):
        w = tf.get_variable("w", [x.shape[1], size], initializer=tf.random_normal_initializer(seed=1))
        b = tf.get_variable("b", [size], initializer=tf.zeros_initializer())
        return tf.matmul(x, w) + b

    x = tf.placeholder(tf.float64, [2, 3])
    with tf.variable_scope("encoder"):
        first = layer(x, 4)
    with tf.variable_scope("encoder", reuse=True):
        again = layer(x, 4)
    with tf.variable_scope("other") as scope:
        layer(x, 2)
        scope.reuse_variables()
        layer(x, 2)
    names = [v.name for v in tf.global_variables()]
    assert names == ["encoder/w", "encoder/b", "other/w", "other/b"]
    with pytest.raises(ValueError, match="already exists"):
        with tf.variable_scope("encoder"):
            layer(x, 4)
    with pytest.raises(ValueError, match="does not exist"):
        with tf.variable_scope("nowhere", reuse=True):
            layer(x, 4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([first, again], {x: np.ones((2, 3))})
    np.testing.assert_array_equal(a, b)
    with tf.name_scope("loss"):
        assert tf.reduce_sum(x).name.startswith("loss/")


def test_initializers_have_their_distributions():
    tf.set_random_seed(0)
    shapes = (200, 300)
    inits = {
        "glorot": tf.get_variable("g", shapes),
        "uniform": tf.get_variable("u", shapes, initializer=tf.random_uniform_initializer(-2, 2)),
        "trunc": tf.get_variable("t", shapes, initializer=tf.truncated_normal_initializer(0, 0.5)),
        "ones": tf.get_variable("o", [3], initializer=tf.ones_initializer()),
    }
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v = {k: sess.run(t) for k, t in inits.items()}
    limit = np.sqrt(6 / (200 + 300))
    assert np.abs(v["glorot"]).max() <= limit and np.abs(v["glorot"]).max() > 0.99 * limit
    assert -2 <= v["uniform"].min() and v["uniform"].max() < 2 and abs(v["uniform"].mean()) < 0.05
    assert np.abs(v["trunc"]).max() <= 1.0 and abs(v["trunc"].std() - 0.5 * 0.88) < 0.01
    np.testing.assert_array_equal(v["ones"], np.ones(3))


def test_random_ops_are_new_each_run_and_reproducible_with_seeds():
    def program():
        tf.reset_default_graph()
        tf.set_random_seed(42)
        r = tf.random_normal([3])
        u = tf.random_uniform([3], seed=7)
        with tf.Session() as sess:
            return [sess.run([r, u]) for _ in range(2)]

    first, second = program(), program()
    np.testing.assert_array_equal(first[0][0], second[0][0])
    np.testing.assert_array_equal(first[1][1], second[1][1])
    assert not np.array_equal(first[0][0], first[1][0])  # a new sample every run
    assert not np.array_equal(tf.Session().run(tf.random_normal([3])),
                              tf.Session().run(tf.random_normal([3])))


def test_variables_with_computed_initial_values_and_initialized_value():
    tf.set_random_seed(5)
    W = tf.Variable(tf.random_normal([4, 3]), name="W")
    W2 = tf.Variable(W.initialized_value() * 2, name="W2")
    with tf.Session() as sess:
        sess.run(tf.variables_initializer([W, W2]))
        w, w2 = sess.run([W, W2])
        W.initializer.run(session=sess)
        assert not np.array_equal(sess.run(W), w)  # initialising again draws again
    np.testing.assert_array_equal(w2, 2 * w)


def test_saver_round_trip_is_bit_for_bit(tmp_path):
    W = tf.Variable(tf.random_normal([3, 2]), name="W")
    b = tf.Variable(tf.zeros([2]), name="b")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(b.assign([0.1, 1 / 3]))
        before = sess.run([W, b])
        path = saver.save(sess, str(tmp_path / "model.ckpt"))
    with tf.Session() as sess:
        saver.restore(sess, path)
        after = sess.run([W, b])
    for x, y in zip(before, after):
        assert x.tobytes() == y.tobytes()


@pytest.mark.parametrize("make", [
    lambda: tf.train.AdagradOptimizer(0.5),
    lambda: tf.train.RMSPropOptimizer(0.05),
    lambda: tf.train.RMSPropOptimizer(0.02, momentum=0.5),
], ids=["adagrad", "rmsprop", "rmsprop momentum"])
def test_adagrad_and_rmsprop_reach_the_minimum(make):
    w = tf.Variable([3.0, -2.0])
    loss = tf.reduce_sum((w - [1.0, 0.5]) ** 2)
    step = make().minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(400):
            sess.run(step)
        np.testing.assert_allclose(sess.run(w), [1.0, 0.5], atol=2e-2)


def test_adagrad_first_step_follows_its_formula():
    w = tf.Variable([2.0])
    step = tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.1).minimize(w * w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        g = 4.0
        np.testing.assert_allclose(sess.run(w), 2.0 - 0.3 * g / np.sqrt(0.1 + g * g))


def test_tf_math_and_shape_functions():
    a = np.arange(6.0).reshape(2, 3)
    x = tf.placeholder(tf.float64, [2, 3])
    outputs = {
        "reduce_max": (tf.reduce_max(x, reduction_indices=1, keep_dims=True), a.max(1, keepdims=True)),
        "reduce_prod": (tf.reduce_prod(x + 1, 0), (a + 1).prod(0)),
        "argmin": (tf.argmin(x, dimension=1), a.argmin(1)),
        "add_n": (tf.add_n([x, x, x]), 3 * a),
        "rsqrt": (tf.rsqrt(x + 1), 1 / np.sqrt(a + 1)),
        "clip": (tf.clip_by_value(x, 1.0, 4.0), np.clip(a, 1, 4)),
        "stack": (tf.stack([x, x], axis=1), np.stack([a, a], 1)),
        "concat": (tf.concat([x, x], 1), np.concatenate([a, a], 1)),
        "expand": (tf.expand_dims(x, 0), a[None]),
        "squeeze": (tf.squeeze(tf.expand_dims(x, 2), [2]), a),
        "tile": (tf.tile(x, [2, 1]), np.tile(a, (2, 1))),
        "shape": (tf.shape(x), np.array([2, 3])),
        "rank": (tf.rank(x), 2),
        "fill": (tf.fill([2, 2], 7.0), np.full((2, 2), 7.0)),
        "range": (tf.range(0, 10, 3), np.arange(0, 10, 3)),
        "linspace": (tf.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5)),
        "one_hot": (tf.one_hot([0, 2], 3), np.eye(3)[[0, 2]]),
        "gather": (tf.gather(x, [1, 1, 0]), a[[1, 1, 0]]),
        "logical": (tf.logical_and(x > 1, tf.logical_not(x > 4)), (a > 1) & ~(a > 4)),
        "any": (tf.reduce_any(x > 4, axis=1), (a > 4).any(1)),
        "logsumexp": (tf.reduce_logsumexp(x, 1), np.log(np.exp(a).sum(1))),
        "to_int32": (tf.to_int32(x * 1.5), (a * 1.5).astype(np.int32)),
        "inverse": (tf.matrix_inverse(tf.eye(2) * 2), np.eye(2) / 2),
    }
    unstacked = tf.unstack(x, axis=1)
    with tf.Session() as sess:
        for name, (tensor, expected) in outputs.items():
            np.testing.assert_allclose(sess.run(tensor, {x: a}), expected, err_msg=name)
        assert [list(v) for v in sess.run(unstacked, {x: a})] == [list(c) for c in a.T]
    assert tf.to_int32(x).dtype == np.int32 and tf.argmax(x, 1).dtype == np.int64


def test_gather_with_runtime_indices_adds_repeated_rows_in_the_gradient():
    params = tf.placeholder(tf.float64, [4, 2])
    indices = tf.placeholder(tf.float64, [None])
    (g,) = tf.gradients(tf.reduce_sum(tf.gather(params, indices) * [[1.0, 2.0]]), params)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {params: np.zeros((4, 2)), indices: [3, 0, 3]}),
                                   [[1, 2], [0, 0], [0, 0], [2, 4]])


def test_matrix_inverse_and_determinant_gradients_match_finite_differences():
    m = tf.placeholder(tf.float64, [3, 3])
    f = tf.matrix_determinant(m) + tf.reduce_sum(tf.matrix_inverse(m) * [[1.0, 2, 3]])
    (g,) = tf.gradients(f, m)
    (h,) = tf.gradients(tf.reduce_sum(g * np.arange(9.0).reshape(3, 3)), m)
    value = np.eye(3) * 2 + RNG.uniform(-0.3, 0.3, (3, 3))

    def numpy_f(v):
        return np.linalg.det(v) + (np.linalg.inv(v) * [[1.0, 2, 3]]).sum()

    eps = 1e-6
    expected = np.zeros((3, 3))
    for k in np.ndindex(3, 3):
        up, down = value.copy(), value.copy()
        up[k] += eps
        down[k] -= eps
        expected[k] = (numpy_f(up) - numpy_f(down)) / (2 * eps)
    with tf.Session() as sess:
        got, second = sess.run([g, h], {m: value})
        d = np.arange(9.0).reshape(3, 3)
        up, down = (sess.run(g, {m: value + 1e-5 * d}), sess.run(g, {m: value - 1e-5 * d}))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    np.testing.assert_allclose(second, (up - down) / 2e-5, rtol=1e-5, atol=1e-6)


def test_dropout_keeps_the_expected_value_and_a_new_mask_each_run():
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float64, [None, 1000])
    dropped = tf.nn.dropout(x, keep_prob=0.8)
    with tf.Session() as sess:
        a = sess.run(dropped, {x: np.ones((5, 1000))})
        b = sess.run(dropped, {x: np.ones((5, 1000))})
    assert set(np.unique(a)) <= {0.0, 1.25} and abs(a.mean() - 1.0) < 0.05
    assert not np.array_equal(a, b)


def test_l2_loss_and_scalar_results_are_numpy_scalars():
    with tf.Session() as sess:
        value = sess.run(tf.nn.l2_loss(tf.constant([1.0, 2.0, 3.0])))
    assert value == 7.0 and isinstance(value, np.float64)


def test_app_run_parses_flags_and_calls_main(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent("""
        import gradlab as tf

        flags = tf.app.flags
        flags.DEFINE_integer("steps", 10, "how many steps")
        flags.DEFINE_float("rate", 0.5, "learning rate")
        flags.DEFINE_string("name", "run", "a name")
        flags.DEFINE_boolean("fast", False, "go fast")
        FLAGS = flags.FLAGS

        def main(argv):
            print(FLAGS.steps, FLAGS.rate, FLAGS.name, FLAGS.fast, argv[1:])

        if __name__ == "__main__":
            tf.app.run()
    """))
    result = subprocess.run([sys.executable, str(script), "--steps", "3", "--fast", "--name=x",
                             "extra"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "0.5", "x", "True", "['extra']"]


def test_integer_constants_placeholders_and_arithmetic_stay_integers():
    from invariants import assert_static_facts_hold

    with tf.Session() as sess:
        answer = sess.run(tf.constant(42))
        assert answer == 42 and isinstance(answer, np.integer) and str(answer) == "42"
        k = tf.placeholder(tf.int32, [None], name="k")
        ints = [k + 1, k * 2 - k, k // 2, k % 3, tf.maximum(k, 1), k[1:]]
        floats = [k / 2, tf.sqrt(tf.cast(k, tf.float64)), tf.reduce_mean(k), tf.exp(k)]
        feed = {k: [1, 2, 3]}
        for t, value in zip(ints, sess.run(ints, feed)):
            assert t.dtype == np.int32 and value.dtype == np.int32, t
        for t, value in zip(floats, sess.run(floats, feed)):
            assert t.dtype.kind == "f" and np.asarray(value).dtype == t.dtype, t
        np.testing.assert_array_equal(sess.run(k // 2, feed), [0, 1, 1])
        total = tf.reduce_sum(k)  # as numpy does, sums of small integers are 64-bit
        assert total.dtype == np.int64 and sess.run(total, feed) == 6
        count = tf.reduce_sum(tf.cast(k > 1, tf.int32)) + tf.reduce_sum(k > 2)
        assert sess.run(count, feed) == 3
        assert_static_facts_hold(ints + floats + [count], feed)


def test_differentiating_with_respect_to_integers_is_a_clear_error():
    k = tf.placeholder(tf.int64, [None], name="labels")
    x = tf.placeholder(tf.float64, [None], name="x")
    with pytest.raises(TypeError, match="'labels'.*int64"):
        tf.gradients(tf.reduce_sum(tf.cast(k, tf.float64) * x), k)
    (through_cast,) = tf.gradients(tf.reduce_sum(tf.cast(tf.to_int32(x * 3), tf.float64)), x)
    with tf.Session() as sess:  # rounding to integers is flat: no gradient, as in TF
        np.testing.assert_array_equal(sess.run(through_cast, {x: [0.2, 1.7]}), [0.0, 0.0])


def test_sparse_labels_fed_as_integers_train_a_classifier():
    xs, _, labels = _blobs(40, 3, 4, seed=5)
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int64, [None])
    W = tf.Variable(tf.zeros([4, 3]))
    logits = tf.matmul(x, W)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    step = tf.train.GradientDescentOptimizer(0.2).minimize(loss)
    correct = tf.equal(tf.argmax(logits, 1), y)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(100):
            sess.run(step, {x: xs, y: labels})
        accuracy = sess.run(tf.reduce_mean(tf.cast(correct, tf.float32)), {x: xs, y: labels})
    assert accuracy > 0.95


def test_summaries_and_the_graph_are_read_back_by_tensorboards_own_reader(tmp_path):
    from tensorboard.backend.event_processing import event_accumulator

    tf.set_random_seed(2)
    x = tf.placeholder(tf.float64, [None], name="x")
    with tf.name_scope("model"):
        W = tf.Variable(tf.random_normal([3]), name="W")
        loss = tf.reduce_sum((x - W) ** 2)
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    tf.summary.scalar("loss", loss)
    tf.summary.histogram("weights", W)
    merged = tf.summary.merge_all()
    losses = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        for i in range(4):
            summary, value, _ = sess.run([merged, loss, step], {x: [1.0, 2.0, 3.0]})
            writer.add_summary(summary, i)
            losses.append(value)
        writer.close()
    events = event_accumulator.EventAccumulator(str(tmp_path))
    events.Reload()
    assert events.Tags()["scalars"] == ["loss"] and events.Tags()["histograms"] == ["weights"]
    np.testing.assert_allclose([s.value for s in events.Scalars("loss")], losses, rtol=1e-6)
    assert [s.step for s in events.Scalars("loss")] == [0, 1, 2, 3]
    assert events.Histograms("weights")[0].histogram_value.num == 3
    nodes = {n.name: n for n in events.Graph().node}
    assert nodes["model/W"].op == "Variable" and "x" in nodes
    assert any(n.op == "Cast" or "Mul" in n.op for n in nodes.values())  # the gradient's nodes
    assert tf.summary.merge_all() is not None and tf.summary.scalar("a", 1.0).op.name == "ScalarSummary"


def test_file_writer_refuses_what_is_not_a_summary(tmp_path):
    writer = tf.summary.FileWriter(str(tmp_path))
    with pytest.raises(TypeError, match="run the op first"):
        writer.add_summary(tf.summary.scalar("loss", 1.0), 0)
    writer.close()


def test_out_of_scope_names_say_so():
    for get, words in [(lambda: tf.data, "input pipelines"), (lambda: tf.nn.conv2d, "convolutions"),
                       (lambda: tf.contrib, "contrib")]:
        with pytest.raises(AttributeError, match=words):
            get()
    ids = tf.placeholder(tf.int32, [None])
    with tf.Session() as sess:
        got = sess.run(tf.nn.embedding_lookup(np.eye(3), ids), {ids: [2, 0]})
    np.testing.assert_array_equal(got, np.eye(3)[[2, 0]])


def test_global_step_learning_rate_decay_and_checkpoints(tmp_path):
    global_step = tf.Variable(0, trainable=False, name="global_step")
    assert global_step.dtype == np.int32
    rate = tf.train.exponential_decay(0.5, global_step, decay_steps=10, decay_rate=0.5, staircase=True)
    w = tf.Variable([4.0])
    step = tf.train.GradientDescentOptimizer(rate).minimize(tf.reduce_sum(w * w), global_step=global_step)
    saver = tf.train.Saver(max_to_keep=2)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(25):
            if i % 10 == 0:
                assert sess.run(rate) == pytest.approx(0.5 * 0.5 ** (i // 10))
            sess.run(step)
            if i % 5 == 4:
                saver.save(sess, str(tmp_path / "model.ckpt"), global_step=global_step)
        assert sess.run(global_step) == 25
    latest = tf.train.latest_checkpoint(str(tmp_path))
    assert latest.endswith("model.ckpt-25")
    assert sorted(p.name for p in tmp_path.glob("*.npz")) == ["model.ckpt-20.npz", "model.ckpt-25.npz"]
    with tf.Session() as sess:
        saver.restore(sess, latest)
        assert sess.run(global_step) == 25


def test_more_tf1_names_and_idioms():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    a = np.arange(8.0, dtype=np.float32).reshape(2, 4) - 3
    assert x.get_shape().as_list() == [None, 4] and x.get_shape()[1].value == 4
    checks = {
        "batch size": (tf.shape(x)[0], 2),
        "size": (tf.size(x), 8),
        "matmul transpose_b": (tf.matmul(x, x, transpose_b=True), a @ a.T),
        "old concat order": (tf.concat(1, [x, x]), np.concatenate([a, a], 1)),
        "mul sub neg": (tf.neg(tf.sub(tf.mul(x, 2.0), x)), -a),
        "pack": (tf.pack([x, x]), np.stack([a, a])),
        "cumsum exclusive": (tf.cumsum(x, axis=1, exclusive=True), np.cumsum(a, 1) - a),
        "split": (tf.split(x, [1, 3], 1)[1], a[:, 1:]),
        "slice": (tf.slice(x, [0, 1], [-1, 2]), a[:, 1:3]),
        "reverse": (tf.reverse(x, [1]), a[:, ::-1]),
        "count_nonzero": (tf.count_nonzero(x), np.count_nonzero(a)),
        "boolean_mask": (tf.boolean_mask(x, np.array([False, True])), a[1:]),
        "elu": (tf.nn.elu(x), np.where(a > 0, a, np.expm1(np.minimum(a, 0)))),
        "leaky_relu": (tf.nn.leaky_relu(x, 0.1), np.where(a > 0, a, 0.1 * a)),
        "l2_normalize": (tf.nn.l2_normalize(x, 1), a / np.linalg.norm(a, axis=1, keepdims=True)),
        "in_top_k": (tf.nn.in_top_k(x, [3, 0], 2), [True, False]),
        "relu6": (tf.nn.relu6(x * 3), np.clip(a * 3, 0, 6)),
        "assign ops": (tf.assign_add(tf.Variable([1.0]), [2.0]), [3.0]),
    }
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for name, (tensor, expected) in checks.items():
            np.testing.assert_allclose(sess.run(tensor, {x: a}), expected, rtol=1e-6, err_msg=name)


def test_name_arguments_name_nodes_and_unsupported_arguments_are_refused():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.name_scope("layer"):
        y = tf.nn.relu(tf.matmul(x, x, transpose_b=True, name="product"), name="activation")
    named = [y, tf.reduce_mean(y, name="loss"), tf.concat([x, x], 1, name="joined"),
             tf.multiply(x, 1, name="same"), tf.nn.softmax(x, name="p")]
    assert [t.name for t in named] == ["layer/activation", "loss", "joined", "same", "p"]
    with pytest.raises(TypeError, match="regularizer"):
        tf.get_variable("w", [2], regularizer=tf.nn.l2_loss)
    with pytest.raises(TypeError, match="grad_loss"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(tf.Variable([1.0])), grad_loss=2.0)
    tf.Variable([1.0], validate_shape=False, collections=None)  # arguments that change nothing here


def test_hessians_of_a_quadratic_form_and_of_a_matrix_argument():
    x = tf.placeholder(tf.float64, [3], name="x")
    A = np.array([[1.0, 2.0, 0.0], [0.0, 3.0, 1.0], [4.0, 0.0, 2.0]])
    y = tf.reduce_sum(x * tf.matmul(A, tf.reshape(x, (3, 1)))[:, 0]) + tf.reduce_sum(tf.sin(x))
    (H,) = tf.hessians(y, x)
    W = tf.placeholder(tf.float64, [2, 2], name="W")
    (HW,) = tf.hessians(tf.reduce_sum(tf.exp(W)) * tf.reduce_sum(W), [W])
    value = np.array([0.1, -0.2, 0.3])
    w = np.array([[0.1, 0.2], [-0.3, 0.4]])
    with tf.Session() as sess:
        got, got_w = sess.run([H, HW], {x: value, W: w})
    np.testing.assert_allclose(got, A + A.T - np.diag(np.sin(value)), atol=1e-12)
    assert got_w.shape == (2, 2, 2, 2)

    def grad_w(v):  # d/dW of sum(exp(W)) * sum(W), written out
        return np.exp(v) * v.sum() + np.exp(v).sum()

    eps = 1e-6
    for k in np.ndindex(2, 2):
        step = np.zeros((2, 2))
        step[k] = eps
        np.testing.assert_allclose(got_w[k], (grad_w(w + step) - grad_w(w - step)) / (2 * eps),
                                   rtol=1e-6)
