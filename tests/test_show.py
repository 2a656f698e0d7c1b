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
    assert "sin\n= 0.8415\ngrad 0.8187" in texts  # value sin(1) and adjoint exp(-1/5)
    assert "x\n= 1\ngrad 0.3046" in texts  # dy/dx at 1
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


def test_check_derivative_verdicts():
    right = gl.check_derivative(lambda x: 2 * np.cos(2 * x), "sin(2*x)", (0, 2 * np.pi))
    assert right and right.ok and right.message == "matches on [0, 6.28]"
    wrong = gl.check_derivative(lambda x: np.cos(2 * x), "sin(2*x)", (1.3, 2))
    assert not wrong
    assert wrong.message == "differs at x = 1.57: you have -1.00, expected -2.00"  # the worst x
    outside = gl.check_derivative(lambda x: 1 / x, "log(x)", (-1, 3))
    assert outside.ok  # points outside log's domain are skipped
    broken = gl.check_derivative(lambda x: x.nope, "x^2", (0, 1))
    assert not broken and "AttributeError" in broken.message
    assert repr(right).startswith("✓") and "✗" in broken._repr_html_()
