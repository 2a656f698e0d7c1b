"""The course's second-half widgets, driven headless: the 2-D landscape explorer, the
Newton widget and the training widget, with the pieces under them (formulas of two
variables, the optimisers' paths, the datasets, the small network).

Every number is checked against an independent reference: closed forms, central
differences, or the update rules written out again in numpy.
"""

from io import BytesIO

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import gradlab as gl
from gradlab.widgets.plotting import canvas_png
from gradlab.widgets.surface import contour_levels

pytestmark = pytest.mark.slow  # matplotlib drawing: left out of mutation runs


def central(f, x, y, h=1e-6):
    return (f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)


# -- formulas of two variables ------------------------------------------------------
SURFACES = [
    ("x^2 + 10*y^2", lambda x, y: x**2 + 10 * y**2),
    ("(1 - x)^2 + 100*(y - x^2)^2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("sin(x)*cos(y) + x*y/3", lambda x, y: np.sin(x) * np.cos(y) + x * y / 3),
    ("exp(-(x^2 + y^2))", lambda x, y: np.exp(-(x**2 + y**2))),
    ("log(1 + x^2 + y^4)", lambda x, y: np.log(1 + x**2 + y**4)),
]


@pytest.mark.parametrize("text, reference", SURFACES)
def test_a_surface_and_its_gradient_match_numpy_and_central_differences(text, reference):
    f = gl.parse_surface(text)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1.5, 1.5, (2, 7, 5))
    value, fx, fy = f.value_and_gradient(x, y)
    np.testing.assert_allclose(value, reference(x, y), rtol=1e-12, atol=1e-12)
    dx, dy = central(reference, x, y)
    np.testing.assert_allclose(fx, dx, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(fy, dy, rtol=1e-6, atol=1e-6)
    assert value.shape == fx.shape == fy.shape == (7, 5)
    np.testing.assert_allclose(f(x, y), value)
    np.testing.assert_allclose(np.stack(f.gradient(x, y)), np.stack([fx, fy]))


@settings(max_examples=25, deadline=None)
@given(a=st.floats(-3, 3), b=st.floats(0.1, 3), x=st.floats(-2, 2), y=st.floats(-2, 2))
def test_parameters_of_a_surface(a, b, x, y):
    f = gl.parse_surface("a*x*y + b*y^2")
    assert f.parameters == ["a", "b"]
    value, fx, fy = f.value_and_gradient(x, y, a=a, b=b)
    assert np.isclose(value, a * x * y + b * y**2)
    assert np.isclose(fx, a * y) and np.isclose(fy, a * x + 2 * b * y)


def test_a_partial_derivative_that_is_constant_takes_the_shape_of_the_grid():
    f = gl.parse_surface("3*x + y^2")
    X, Y = np.meshgrid(np.linspace(0, 1, 4), np.linspace(0, 1, 3))
    _, fx, fy = f.value_and_gradient(X, Y)
    assert fx.shape == (3, 4) and np.all(fx == 3)
    np.testing.assert_allclose(fy, 2 * Y)


def test_surface_errors_say_what_is_wrong():
    with pytest.raises(gl.ExpressionError, match="not a formula"):
        gl.parse_surface("x + y +")
    with pytest.raises(gl.ExpressionError, match="different names"):
        gl.parse_surface("x*y", ("x", "x"))
    with pytest.raises(gl.ExpressionError, match="two variables"):
        gl.parse_surface("x*y", ("x",))
    with pytest.raises(gl.ExpressionError, match="function name"):
        gl.parse_surface("x*y", ("x", "sin"))
    with pytest.raises(TypeError, match="string"):
        gl.parse_surface(3.0)
    f = gl.parse_surface("a*x + y")
    with pytest.raises(gl.ExpressionError, match="'a' needs a value"):
        f(1.0, 2.0)
    with pytest.raises(gl.ExpressionError, match="did you mean 'a'"):
        f(1.0, 2.0, a=1, aa=2)
    with pytest.raises(ValueError, match="same shape"):
        f(np.zeros(3), np.zeros(4), a=1)


def test_other_variable_names_and_constants():
    f = gl.parse_surface("u^2 + e*v + pi", ("u", "v"))
    assert f.parameters == []
    assert np.isclose(f(2.0, 1.0), 4 + np.e + np.pi)
    g = gl.parse_surface("e*x", ("e", "x"))  # a variable named e is not the constant
    assert np.isclose(g(2.0, 3.0), 6.0)


def test_one_variable_formulas_still_refuse_a_second_free_name_as_a_variable():
    f = gl.parse("x*y")
    assert f.parameters == ["y"]


# -- the optimisers' paths -----------------------------------------------------------
def reference_paths(grad, start, steps, rate, beta, adam_rate):
    """The three update rules written out again, with an analytic gradient."""
    out = {}
    p = np.array(start, float)
    path = [p.copy()]
    for _ in range(steps):
        p = p - rate * grad(p)
        path.append(p.copy())
    out["gradient descent"] = np.array(path)
    p, z = np.array(start, float), np.zeros(2)
    path = [p.copy()]
    for _ in range(steps):
        z = beta * z + grad(p)
        p = p - rate * z
        path.append(p.copy())
    out["momentum"] = np.array(path)
    p, m, v = np.array(start, float), np.zeros(2), np.zeros(2)
    path = [p.copy()]
    for t in range(1, steps + 1):
        g = grad(p)
        m = beta * m + (1 - beta) * g
        v = 0.999 * v + 0.001 * g * g
        p = p - adam_rate * (m / (1 - beta**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        path.append(p.copy())
    out["Adam"] = np.array(path)
    return out


def test_the_three_optimisers_follow_their_update_rules():
    grad = lambda p: np.array([p[0] / 10, 4 * p[1]])  # noqa: E731  (of x^2/20 + 2*y^2)
    paths = gl.descend_surface("x^2/20 + 2*y^2", (-9.0, 2.0), 40, 0.45, 0.5, 0.3)
    expected = reference_paths(grad, (-9.0, 2.0), 40, 0.45, 0.5, 0.3)
    for method, path in paths.items():
        np.testing.assert_allclose(path.points, expected[method], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(path.values, path.points[:, 0] ** 2 / 20 + 2 * path.points[:, 1] ** 2)


def test_gradient_descent_on_a_bowl_shrinks_by_the_known_factor():
    paths = gl.descend_surface("x^2 + 3*y^2", (1.0, 1.0), 10, 0.1, methods=("gradient descent",))
    path = paths["gradient descent"].points
    k = np.arange(11)
    np.testing.assert_allclose(path[:, 0], 0.8**k)  # 1 - 2 * 0.1
    np.testing.assert_allclose(path[:, 1], 0.4**k)  # 1 - 6 * 0.1


def test_momentum_is_faster_than_gradient_descent_along_the_narrow_valley():
    preset = gl.SURFACE_PRESETS["narrow valley"]
    paths = gl.descend_surface(preset.formula, preset.start, preset.steps, preset.learning_rate,
                               preset.momentum, preset.adam_rate)
    assert paths["momentum"].values[-1] < paths["gradient descent"].values[-1] / 100
    # gradient descent's path zig-zags across the valley: y changes sign step after step
    y = paths["gradient descent"].points[:8, 1]
    assert np.all(np.sign(y[1:]) != np.sign(y[:-1]))


def test_verdicts_converged_diverged_and_undefined():
    paths = gl.descend_surface("x^2 + y^2", (1.0, 1.0), 200, 0.3)
    assert paths["gradient descent"].status == "converged"
    paths = gl.descend_surface("x^2 + y^2", (1.0, 1.0), 200, 1.5, momentum=0.0)
    assert paths["gradient descent"].status == "diverged"
    assert np.all(np.isfinite(paths["gradient descent"].points))
    paths = gl.descend_surface("log(x) + y^2", (-1.0, 1.0), 10, 0.1)
    assert {p.status for p in paths.values()} == {"undefined"}
    assert all(len(p.points) == 1 for p in paths.values())
    paths = gl.descend_surface("x^2 + y^2", (1.0, 1.0), 3, 0.01)
    assert paths["gradient descent"].status == "still moving"


def test_descend_surface_refuses_bad_settings():
    with pytest.raises(ValueError, match="unknown method"):
        gl.descend_surface("x^2 + y^2", (1, 1), 3, 0.1, methods=("newton",))
    with pytest.raises(ValueError, match="momentum"):
        gl.descend_surface("x^2 + y^2", (1, 1), 3, 0.1, momentum=1.0)


def test_contour_levels_cover_equal_areas_whatever_the_scale():
    values = np.random.default_rng(0).lognormal(0, 3, 10_000)
    levels = contour_levels(values, 11)
    counts = np.histogram(values, levels)[0]
    assert counts.min() > 0.8 * counts.max()
    assert contour_levels(np.full(5, np.nan)).size == 2
    assert contour_levels(np.ones(5)).size == 2


# -- the landscape explorer ------------------------------------------------------------
@pytest.fixture(scope="module")
def landscape():
    return gl.explore_surface()


def test_the_explorer_draws_the_paths_it_computed(landscape):
    w = landscape
    w.preset.value = "narrow valley"
    preset = gl.SURFACE_PRESETS["narrow valley"]
    assert w.text.value == preset.formula and (w.start_x.value, w.start_y.value) == preset.start
    expected = gl.descend_surface(preset.formula, preset.start, preset.steps, preset.learning_rate,
                                  preset.momentum, preset.adam_rate)
    for method, line in w.path_lines.items():
        x, y = line.get_data()
        np.testing.assert_allclose(np.column_stack([x, y]), expected[method].points)
    assert w.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert "gradient descent" in w.status.value and "momentum" in w.status.value
    assert repr(w) == f"SurfaceExplorer({preset.formula!r})"


def test_slider_moves_rerun_the_plans_without_rebuilding(landscape):
    w = landscape
    w.preset.value = "bowl"
    session = w.surface._session
    compiled, nodes = session.compile_count, w.surface.graph.node_count
    before = w.image.value
    w.learning_rate.value = 0.05
    w.start_x.value = 1.0
    w.momentum.value = 0.7
    assert w.image.value != before
    assert session.compile_count == compiled and w.surface.graph.node_count == nodes


def test_every_preset_starts_inside_its_ranges_and_runs(landscape):
    w = landscape
    for name, preset in gl.SURFACE_PRESETS.items():
        w.preset.value = name
        assert w.start_x.min == preset.x_range[0] and w.start_x.max == preset.x_range[1]
        assert w.start_y.min == preset.y_range[0] and w.start_y.max == preset.y_range[1]
        assert w.x_range == preset.x_range and (w._ax.get_xlim(), w._ax.get_ylim()) == (preset.x_range, preset.y_range)
        assert all(p.status != "diverged" for p in w.paths.values()), name


def test_a_typo_keeps_the_last_picture_and_the_message_is_escaped(landscape):
    w = landscape
    w.text.value = "x^2 + y^2"
    before, lines = w.image.value, w.path_lines["Adam"].get_data()
    w.text.value = "x^2 + <img src=x onerror=alert(1)>"
    assert w.image.value == before
    assert "<img" not in w.status.value and "&lt;img" in w.status.value
    assert np.array_equal(w.path_lines["Adam"].get_data()[0], lines[0])
    w.text.value = "x^2 + 4*y^2"  # a good formula is drawn again
    assert w.image.value != before and w.preset.value == "(typed)"


def test_methods_can_be_hidden(landscape):
    w = landscape
    w.text.value = "x^2 + y^2"
    w.shown["Adam"].value = False
    assert len(w.path_lines["Adam"].get_data()[0]) == 0 and "Adam" not in w.paths
    w.shown["Adam"].value = True
    assert "Adam" in w.paths


def test_a_landscape_with_negative_values_gets_a_linear_loss_axis(landscape):
    w = landscape
    w.preset.value = "saddle"
    assert w._ax_loss.get_yscale() == "linear"
    w.preset.value = "bowl"
    assert w._ax_loss.get_yscale() == "log"


def test_undefined_regions_are_left_blank_and_paths_stop_there():
    w = gl.explore_surface("log(x) + y^2", start=(-1.0, 0.5))
    assert all(p.status == "undefined" for p in w.paths.values())
    assert "f is not defined at the start (-1.000, 0.500)" in w.status.value
    assert "f is not defined on 50% of the view" in w.status.value
    paths = gl.descend_surface("log(x) + y^2", (0.5, 0.5), 40, 0.4, momentum=0.0,
                               methods=("gradient descent",))
    assert paths["gradient descent"].status == "undefined"  # it stepped across x = 0
    assert len(paths["gradient descent"].points) > 1


def test_a_name_other_than_x_and_y_is_refused_not_set_to_1():
    with pytest.raises(gl.ExpressionError, match="did you mean 'Rosenbrock'"):
        gl.explore_surface("Rosenbrok")
    with pytest.raises(gl.ExpressionError, match="'a' is neither x nor y"):
        gl.explore_surface("a*x^2 + y^2")
    w = gl.explore_surface("bowl")
    before = w.image.value
    w.text.value = "z^2 + x"
    assert w.image.value == before and "&#x27;z&#x27; is neither x nor y" in w.status.value
    w = gl.explore_newton()
    before = w.image.value
    w.text.value = "x^2 + y"
    assert w.image.value == before and "no parameter sliders" in w.status.value


def test_a_saddle_and_an_overflow_are_not_called_converged():
    preset = gl.SURFACE_PRESETS["saddle"]
    paths = gl.descend_surface(preset.formula, (-2.0, 0.0), 200, 0.05, 0.8, 0.05)
    assert {p.status for p in paths.values()} == {"saddle"}  # on the ridge y = 0
    w = gl.explore_surface("saddle", start=(-2.0, 0.0))
    assert "stuck at a saddle point" in w.status.value
    paths = gl.descend_surface("x^1000 + y^2", (-1.5, 1.5), 20, 0.01, methods=("Adam",))
    assert paths["Adam"].status == "overflow"
    w = gl.explore_surface("x^2 + y^2", learning_rate=1.9, steps=1)
    assert "after 1 step<" in w.status.value and "1 steps" not in w.status.value
    w = gl.explore_surface("x^2 + y^2", learning_rate=1.99, steps=5, momentum=0.0)
    w.learning_rate.value = 1.995
    w.start_x.value, w.start_y.value = 2.0, 2.0
    paths = gl.descend_surface("x^2 + y^2", (2.0, 2.0), 5, 1e6, methods=("gradient descent",))
    assert paths["gradient descent"].status == "diverged" and len(paths["gradient descent"].points) == 1


def test_settings_outside_the_sliders_are_refused_not_clamped():
    for wrong in ({"learning_rate": 0.0}, {"learning_rate": 5.0}, {"momentum": 1.0},
                  {"steps": 0}, {"steps": 501}, {"start": (5.0, 0.0)}):
        with pytest.raises(ValueError):
            gl.explore_surface("bowl", **wrong)
    for wrong in ({"hidden": 0}, {"hidden": 64}, {"learning_rate": 5.0}, {"learning_rate": 0.0}):
        with pytest.raises(ValueError):
            gl.explore_training(**wrong)
    with pytest.raises(ValueError, match="start"):
        gl.explore_newton(start=10.0)


def test_bad_ranges_are_refused():
    with pytest.raises(ValueError, match="x_range"):
        gl.explore_surface("x^2 + y^2", x_range=(1, -1))


# -- Newton ------------------------------------------------------------------------------
def test_newton_path_is_newtons_method_on_the_formula():
    result = gl.newton_path("x^4/4 - x^2 + x/2", 2.0, 8)
    reference = gl.newton(lambda x: x**4 / 4 - x**2 + x / 2, 2.0, 8)
    np.testing.assert_allclose(result.path, reference.path)
    assert result.verdict == reference.verdict and result.kind == "minimum"
    x = 2.0
    for k in range(3):  # the update written out: x - f'(x) / f''(x)
        x = x - (x**3 - 2 * x + 0.5) / (3 * x**2 - 2)
        assert np.isclose(result.path[k + 1], x)


def test_newton_widget_parabolas_touch_f_and_have_their_vertex_at_the_next_point():
    w = gl.explore_newton("x^4/4 - x^2 + x/2", start=2.0, steps=6)
    f = lambda x: x**4 / 4 - x**2 + x / 2  # noqa: E731
    path = w.result.path
    drawn = [line for line in w.parabolas if len(line.get_xdata())]
    assert len(drawn) == min(len(path) - 1, len(w.parabolas))
    for k, line in enumerate(drawn):
        xs, ys = map(np.asarray, line.get_data())
        coefficients = np.polyfit(xs, ys, 2)  # the drawn curve is a parabola ...
        q = np.poly1d(coefficients)
        assert np.isclose(q(path[k]), f(path[k]))  # ... through (x_k, f(x_k)) ...
        vertex = -coefficients[1] / (2 * coefficients[0])
        assert np.isclose(vertex, path[k + 1])  # ... with its vertex at x_{k+1}
    assert "minimum" in w.status.value


def test_newton_widget_verdicts_for_a_maximum_a_flat_spot_and_the_domain():
    w = gl.explore_newton()
    w.start.value = 0.0
    assert w.result.kind == "maximum" and "maximum" in w.status.value
    w.text.value = "x^3"
    w.start.value = 0.0
    assert "flat" in w.result.verdict or w.result.kind == ""
    w.text.value = "log(x)"
    w.start.value = -1.0
    assert "not finite" in w.result.verdict


def test_newton_widget_keeps_the_last_picture_on_a_typo_and_escapes():
    w = gl.explore_newton()
    before = w.image.value
    w.text.value = "x^2 + <b>oops</b>"
    assert w.image.value == before and "&lt;b&gt;" in w.status.value
    w.text.value = "cosh(x)"
    assert w.image.value != before and w.result.kind == "minimum"
    assert repr(w).startswith("NewtonExplorer('cosh(x)'")


def test_newton_widget_start_moves_reuse_the_plan():
    w = gl.explore_newton()
    session = w.expression._session
    compiled = session.compile_count
    for start in (1.5, 1.0, -1.0, -2.0):
        w.start.value = start
    assert session.compile_count == compiled


# -- datasets and the training widget --------------------------------------------------------
@pytest.mark.parametrize("make", [gl.datasets.two_moons, gl.datasets.spirals])
def test_datasets_are_balanced_seeded_and_shaped(make):
    X, y = make(101, noise=0.05, seed=3)
    assert X.shape == (101, 2) and y.shape == (101,) and X.dtype == y.dtype == np.float64
    assert set(np.unique(y)) == {0.0, 1.0} and abs(y.sum() - 50) <= 1
    X2, y2 = make(101, noise=0.05, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(X, make(101, noise=0.05, seed=4)[0])
    with pytest.raises(ValueError, match="n must be"):
        make(1)
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=-1.0)


def test_two_moons_without_noise_lie_on_their_circles():
    X, y = gl.datasets.two_moons(200, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert np.all(upper[:, 1] >= 0) and np.all(lower[:, 1] <= 0.5)


def numpy_forward(weights, X):
    W1, b1, W2, b2, W3, b3 = weights
    h = np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2)
    return (h @ W3 + b3).ravel()


def test_the_network_computes_what_its_weights_say_and_its_gradient_is_right():
    net = gl.TwoLayerNetwork(hidden=5, seed=2)
    X, y = gl.datasets.two_moons(40, seed=1)
    weights = net.session.run(net.weights)
    logits = numpy_forward(weights, X)
    np.testing.assert_allclose(net.predict(X), 1 / (1 + np.exp(-logits)), rtol=1e-12)
    loss = lambda z: np.mean(np.logaddexp(0, z) - z * y)  # noqa: E731
    feed = {net.points: X, net.labels: y}
    assert np.isclose(net.session.run(net.loss, feed), loss(logits))
    (g,) = net.session.run(gl.gradients(net.loss, [net.weights[2]]), feed)
    h = 1e-6
    for index in [(0, 0), (1, 3), (4, 2)]:  # central differences on three weights of W2
        up, down = [w.copy() for w in weights], [w.copy() for w in weights]
        up[2][index] += h
        down[2][index] -= h
        numeric = (loss(numpy_forward(up, X)) - loss(numpy_forward(down, X))) / (2 * h)
        assert np.isclose(g[index], numeric, rtol=1e-5, atol=1e-9)


def test_training_lowers_the_loss_and_learns_the_moons():
    w = gl.explore_training(steps=400)
    before = w.image.value
    losses = w.train(400)
    assert len(losses) == 400 and losses[-1] < losses[0] / 5
    assert w.network.accuracy(w.X, w.y) > 0.95
    assert w.progress.value == 400 and w.image.value != before
    assert w.train(10) == []  # the progress bar is full
    assert "step 400 of 400" in w.status.value


def test_the_button_trains_to_the_end_without_an_event_loop_and_reset_starts_over():
    w = gl.explore_training(steps=60)
    w.run_button.value = True
    assert w.run_button.value is False and len(w.losses) == 60
    assert w.run_button.description == "▶ train"
    first = w.losses[0]
    w.reset_button.click()
    assert w.losses == [] and w.progress.value == 0
    w.train(5)
    assert w.losses[0] == first  # the same seed: the same fresh network


def test_a_learning_rate_move_takes_effect_without_a_new_graph():
    w = gl.explore_training(steps=100)
    w.train(20)
    graph, nodes = w.network.graph, w.network.graph.node_count
    w.learning_rate.value = 0.3
    w.train(20)
    assert w.network.graph is graph and graph.node_count == nodes and len(w.losses) == 40


def test_hidden_units_and_dataset_changes_make_a_new_network():
    w = gl.explore_training(steps=50)
    w.train(20)
    w.hidden.value = 3
    assert w.network.hidden == 3 and w.losses == []
    w.dataset.value = "spirals"
    assert w.losses == [] and w.X.shape == (200, 2)
    assert "3 units per hidden layer, 25 weights" in w.status.value  # 2*3+3 + 3*3+3 + 3+1
    assert repr(w) == "TrainingExplorer('spirals', hidden=3, steps=0)"


def test_training_refuses_bad_settings():
    with pytest.raises(ValueError, match="dataset"):
        gl.explore_training("circles")
    with pytest.raises(ValueError, match="hidden"):
        gl.TwoLayerNetwork(0)
    with pytest.raises(ValueError, match="steps"):
        gl.explore_training(steps=0)


def test_a_slider_move_shows_the_same_pixels_as_a_full_draw():
    # the landscape panel is restored from a saved rendering on slider moves
    w = gl.explore_surface("Rosenbrock")
    for rate in (0.0002, 0.0008):
        w.learning_rate.value = rate
        w.start_y.value = 1.5
        fast = np.asarray(Image.open(BytesIO(w.image.value)))
        w.figure.canvas.draw()
        full = np.asarray(Image.open(BytesIO(canvas_png(w.figure.canvas))))
        assert np.array_equal(fast, full)
