"""Formulas as LaTeX, graph drawings, trace tables and the learner checks."""

import io

import numpy as np
import pytest
from PIL import Image

import gradlab as gl

# f, then the LaTeX of f' exactly as a notebook shows it
DERIVATIVE_TABLE = [
    ("sin(x)", r"\cos\left(x\right)"),
    ("cos(x)", r"-\sin\left(x\right)"),
    ("x^3", "3 x^{2}"),
    ("x^2/10", "0.2 x"),
    ("a*sin(b*x)", r"a b \cos\left(b x\right)"),
    ("exp(2*x)", "2 e^{2 x}"),
    ("e^x", "e^{x}"),
    ("log(x)", r"\frac{1}{x}"),
    ("1/x", r"-\frac{1}{x^{2}}"),
    ("sqrt(x)", r"\frac{1}{2 \sqrt{x}}"),
    ("tanh(x)", r"1 - \tanh^{2}\left(x\right)"),
    ("sin(x)^2", r"2 \sin\left(x\right) \cos\left(x\right)"),
    ("sin(x)/x", r"\frac{\cos\left(x\right)}{x} - \frac{\sin\left(x\right)}{x^{2}}"),
    ("arctan(x)", r"\frac{1}{1 + x^{2}}"),
    ("abs(x)", r"\operatorname{sign}\left(x\right)"),
    ("sigmoid(x)", r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)"),
    ("pi*x^2", r"2 \pi x"),
    ("a*x + b", "a"),
]


@pytest.mark.parametrize("text, latex", DERIVATIVE_TABLE, ids=[t for t, _ in DERIVATIVE_TABLE])
def test_latex_of_derivatives(text, latex):
    assert gl.parse(text).derivative().to_latex() == latex


def test_latex_never_contains_identity_clutter():
    for text, _ in DERIVATIVE_TABLE:
        for order in (1, 2, 3):
            latex = gl.parse(text).derivative(order).to_latex()
            for clutter in (r"1 \cdot", "+ 0", "- -", "--", "+ -"):
                assert clutter not in latex, (text, order, latex)


def png_size(data):
    return Image.open(io.BytesIO(data)).size


def test_draw_graph_with_values_and_adjoints_makes_a_png():
    x = gl.placeholder(name="x")
    y = gl.sin(x) * gl.exp(-x / 5)
    drawing = gl.draw_graph(y, feed_dict={x: 1.0}, adjoints=True)
    assert repr(drawing) == "GraphDrawing(7 nodes in 5 layers)"
    width, height = png_size(drawing._repr_png_())
    assert width > 300 and height > 100
    texts = [t.get_text() for t in drawing.figure.axes[0].texts]
    assert "sin\n= 0.8415\nadjoint 0.8187" in texts  # value sin(1) and adjoint exp(-1/5)
    assert "x\n= 1\nadjoint 0.3046" in texts  # dy/dx at 1
    arrows = drawing.figure.axes[0].patches
    assert len(arrows) == 7  # one per edge


def test_draw_graph_of_a_gradient_and_of_an_expression_without_feeds():
    x = gl.placeholder(name="x")
    (g,) = gl.gradients(gl.sin(x) ** 2, x)
    assert gl.draw_graph(g).nodes == 6  # 2, x, sin, cos and two products
    assert gl.draw_graph(gl.parse("a*sin(b*x)").derivative()).nodes == 7
    with pytest.raises(ValueError, match="feed_dict"):
        gl.draw_graph(g, adjoints=True)


def test_trace_lists_values_and_adjoints_in_evaluation_order():
    x = gl.placeholder(name="x")
    y = gl.sin(x) * gl.exp(-x / 5)
    t = gl.trace(y, {"x": 1.0})
    assert [r.op for r in t.rows][-1] == "Mul"
    assert t["Sin"].value == pytest.approx(np.sin(1.0))
    assert t["Sin"].adjoint == pytest.approx(np.exp(-0.2))  # dy/dsin = exp(-x/5)
    assert t["x"].adjoint == pytest.approx(np.exp(-0.2) * (np.cos(1.0) - np.sin(1.0) / 5))
    assert t["Mul"].adjoint == 1.0
    text = repr(t)
    assert text.splitlines()[0].startswith("y = sin(x)*exp(-x/5)")
    assert "0.8415" in text and "sin(x)" in text
    assert t._repr_html_().startswith('<table class="gradlab-trace">')
    with pytest.raises(KeyError, match="no placeholder named 'z'"):
        gl.trace(y, {"z": 1.0})


def test_trace_shows_fan_in():
    x = gl.placeholder(name="x")
    u = gl.sin(x)
    t = gl.trace(u * u, {x: 0.5})
    # u is used twice: its adjoint is the sum of both uses, 2u
    assert t["Sin"].adjoint == pytest.approx(2 * np.sin(0.5))


def test_check_gradients_is_tiny_for_correct_rules_and_large_for_wrong_ones():
    points = np.linspace(0.2, 3, 30)
    for order in (1, 2, 3):
        assert gl.check_gradients("sin(x)*exp(-x/5)", points, order=order) < 1e-6
    assert gl.check_gradients(lambda t: gl.tanh(t) ** 2, points) < 1e-8
    wrong = gl.register_op("WrongSin", np.sin, [lambda g, out, x: g * gl.sin(x)])
    assert gl.check_gradients(wrong, points) > 0.5


def test_check_gradients_scales_its_step_with_x_so_it_stays_accurate_far_out():
    # at x = 1000 a step of 1e-6 would lose about five digits to rounding (f = e**10)
    assert gl.check_gradients("exp(x/100)", [1000.0]) < 1e-7
    assert gl.check_gradients("exp(x/100)", [1000.0], h=1e-9) > 1e-4


def test_check_gradients_refuses_orders_that_are_not_whole_positive_numbers():
    for order in (0, -1, 1.5, "2"):
        with pytest.raises(ValueError, match="order must be 1, 2, 3"):
            gl.check_gradients("sin(x)", [0.5], order=order)


def test_check_derivative_verdicts():
    right = gl.check_derivative(lambda x: 2 * np.cos(2 * x), "sin(2*x)", (0, 2 * np.pi))
    assert right and right.ok and right.message == "matches on [0, 6.28319]"
    wrong = gl.check_derivative(lambda x: np.cos(2 * x), "sin(2*x)", (1.3, 2))
    assert not wrong
    # the worst x (where the right answer, -2 cos(2x), is largest), yours to six digits, and
    # which way it is off; never the right answer
    assert wrong.message == ("differs at 201 of 201 points of [1.3, 2]; worst at x = 1.5695: yours "
                             "is -0.999997, too close to 0 by 0.5 (relative)")
    outside = gl.check_derivative(lambda x: 1 / x, "log(x)", (-1, 3))
    assert outside.ok  # points outside log's domain are skipped
    broken = gl.check_derivative(lambda x: x.nope, "x^2", (0, 1))
    assert not broken and "AttributeError" in broken.message
    assert repr(right).startswith("✓") and "✗" in broken._repr_html_()


def _no_answer_in(message, expected, points):
    """No number in the message is a value of the right derivative (other than the
    x positions, counts and range ends, which are not answers)."""
    import re

    numbers = [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", message)]
    allowed = set(np.round(points, 6)) | {len(points)}
    for number in numbers:
        if number in allowed or round(number) == number and number <= len(points):
            continue
        assert not np.any(np.isclose(number, expected, rtol=1e-5, atol=0)), (number, message)


def test_a_derivative_off_by_1e_4_fails_and_names_the_worst_point():
    # off by 1e-4 relative everywhere: the worst point is where the derivative is largest
    check = gl.check_derivative(lambda x: 3 * x**2 * (1 + 1e-4), "x**3", (-1, 2))
    assert not check and "worst at x = 2:" in check.message and "too large by 0.0001" in check.message
    _no_answer_in(check.message, check.expected, check.x)
    bump = gl.check_derivative(lambda x: 3 * x**2 + 1e-3 * (np.abs(x - 0.5) < 0.01), "x**3", (-1, 2))
    assert not bump and "differs at 1 of 201" in bump.message and "x = 0.5:" in bump.message


def test_the_documented_tolerances_hold_exactly_at_their_edges():
    # rtol = 1e-6 and atol = 1e-8: inside passes, just outside fails
    exp = lambda k: (lambda x: np.exp(x) * (1 + k))  # noqa: E731
    assert gl.check_derivative(exp(0.5e-6), "exp(x)", (1, 2))
    assert not gl.check_derivative(exp(1.5e-6), "exp(x)", (1, 2))
    assert gl.check_derivative(lambda x: 0.5e-8 + 0 * x, "7", (0, 1))
    nonzero = gl.check_derivative(lambda x: 1.5e-8 + 0 * x, "7", (0, 1))
    assert not nonzero and nonzero.message.endswith("yours is 1.5e-08, too large by 1.5e-08")


def test_check_derivative_checks_shape_and_type_and_says_what_is_wrong():
    constant = gl.check_derivative(lambda x: 3, "3*x - 1")  # a number: the same at every x
    assert constant and len(constant.x) == 201 and constant.x[0] == -3 and constant.x[-1] == 3
    one = gl.check_derivative(lambda x: np.array([2.0]), "2*x")  # would pass by broadcasting
    assert not one and "shape (1,)" in one.message and "(201,)" in one.message
    column = gl.check_derivative(lambda x: (2 * x)[:, None] * 0 + 2, "2*x")
    assert not column and "shape (201, 1)" in column.message
    truth = gl.check_derivative(lambda x: x > 0, "abs(x)")
    assert not truth and "True/False" in truth.message
    tensor = gl.check_derivative(lambda x: gl.constant(2.0) * x, "x**2")
    assert not tensor and "not numbers" in tensor.message
    sign = gl.check_derivative(lambda x: np.sin(x), "cos(x)", (0.5, 1.5))
    assert not sign and "wrong sign" in sign.message
    _no_answer_in(sign.message, sign.expected, sign.x)
    gap = gl.check_derivative(lambda x: np.sqrt(x - 1), "x**2", (0, 3))
    assert not gap and "yours is nan" in gap.message
    with pytest.raises(ValueError, match="low to high"):
        gl.check_derivative(lambda x: x, "x", (1, 1))


def _random_graph(seed):
    """A random formula graph: shared nodes, long edges skipping layers, several inputs."""
    rng = np.random.default_rng(seed)
    leaves = [gl.placeholder(name=name) for name in "xyz"[: rng.integers(1, 4)]]
    pool = list(leaves)
    unary = [gl.sin, gl.exp, gl.tanh, lambda t: -t, gl.square]
    binary = [lambda a, b: a * b, lambda a, b: a + b, lambda a, b: a / (1 + b * b), lambda a, b: a - b]
    for _ in range(rng.integers(3, 10)):
        if rng.random() < 0.4:
            node = unary[rng.integers(len(unary))](pool[rng.integers(len(pool))])
        else:  # reach far back now and then: an edge that skips layers
            a, b = pool[rng.integers(len(pool))], pool[rng.integers(max(0, len(pool) - 2), len(pool))]
            node = binary[rng.integers(len(binary))](a, b)
        pool.append(node)
    return pool[-1], leaves


def _distance_to_box(point, box):
    (px, py), (x0, y0, x1, y1) = point, box
    return np.hypot(max(x0 - px, 0.0, px - x1), max(y0 - py, 0.0, py - y1))


@pytest.mark.parametrize("seed", range(12))
def test_edges_never_run_through_or_graze_a_box_and_arrowheads_meet_borders(seed):
    y, leaves = _random_graph(seed)
    drawing = gl.draw_graph(y, {leaf: 0.5 for leaf in leaves}, adjoints=bool(seed % 2))
    assert drawing.edges
    for source, target, points in drawing.edges:
        # the path starts on the source's border and ends on the target's
        assert _distance_to_box(points[0], drawing.boxes[source]) < 1e-9
        assert _distance_to_box(points[-1], drawing.boxes[target]) < 1e-9
        assert np.isclose(points[0][0], drawing.boxes[source][2])  # its right side
        assert np.isclose(points[-1][0], drawing.boxes[target][0])  # its left side
        for (ax_, ay), (bx, by) in zip(points, points[1:]):
            for t in np.linspace(0, 1, 60):
                sample = (ax_ + t * (bx - ax_), ay + t * (by - ay))
                for node, box in drawing.boxes.items():
                    if node is source or node is target:
                        continue
                    assert _distance_to_box(sample, box) > 0.05, (source.name, target.name, node.name)


def test_the_lesson_3_drawing_routes_sin_around_the_division():
    x = gl.placeholder(name="x")
    drawing = gl.draw_graph(gl.sin(x) * gl.exp(-x / 5), {x: 1.0}, adjoints=True)
    labels = {node.op.name: node for node in drawing.boxes}
    (path,) = [p for s, t, p in drawing.edges if s is labels["Sin"] and t is labels["Mul"]]
    assert len(path) > 4  # it bends through the empty slots of the layers it skips


def test_a_zero_answer_is_too_small_not_of_the_wrong_sign():
    zero = gl.check_derivative(lambda x: 0 * x, "exp(x)", (0, 1))
    assert not zero and "too small by 1 (relative)" in zero.message
    flat = gl.check_derivative(lambda x: 0 * x + 1e-3, "3*x", (0, 1))
    assert not flat and "too small" in flat.message and "wrong sign" not in flat.message


def test_the_worst_point_is_found_among_the_failing_ones_even_when_they_barely_fail():
    # only the last point fails, by 1.5 times the tolerance; the passing ones must not win
    barely = gl.check_derivative(lambda x: np.exp(x) * (1 + 1.5e-6 * (x > 1.999)), "exp(x)", (1, 2))
    assert not barely and "differs at 1 of 201" in barely.message and "worst at x = 2:" in barely.message
    # exactly at the tolerance passes: the bound is "within", not "strictly within"
    assert gl.check_derivative(lambda x: 1e-8 + 0 * x, "7", (0, 1))
