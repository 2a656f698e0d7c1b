"""What a hostile or careless student can do, and what gradlab does about it.

Each test is one item of the hardening pass: markup typed into text boxes, graphs
that grow exponentially, memory, compile time, the command line, and four places
where the engine used to give a wrong answer. Budgets are checked by node and step
counts, never by the clock.
"""

import re
import tracemalloc
from html.parser import HTMLParser

import ipywidgets as widgets
import numpy as np
import pytest

import gradlab as gl

MARKUP = '<img src=x onerror=alert(1)> <script>alert("x")</script>'


def _html_values(widget):
    """The value of every HTML and HTMLMath widget inside ``widget``."""
    found = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, (widgets.HTML, widgets.HTMLMath)):
            found.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return found


class _Tags(HTMLParser):
    """The tags and attribute names in a piece of HTML."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes = set(), set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def _typed_into(widget, text):
    widget.text.value = text
    return _html_values(widget)


@pytest.mark.slow
@pytest.mark.parametrize("make", [
    lambda: gl.explore("sin(x)"),
    lambda: gl.explore_descent("x**2"),
    lambda: gl.explore_taylor("sin(x)"),
], ids=["explorer", "descent", "taylor"])
def test_markup_typed_into_a_text_box_is_shown_as_text(make):
    widget = make()
    values = _typed_into(widget, MARKUP)
    joined = "\n".join(values)
    assert "&lt;img" in joined  # the message repeats what was typed, escaped
    for value in values:
        found = _Tags(value)
        assert found.tags <= {"pre", "span", "b"}, value
        assert found.attributes <= {"style"}, value


def test_a_self_check_escapes_the_message_of_a_students_exception():
    def yours(x):
        raise ValueError("<b>bold</b> & <script>alert(1)</script>")

    verdict = gl.check_derivative(yours, "x**2")
    html = verdict._repr_html_()
    assert "&lt;script&gt;" in html
    assert _Tags(html).tags == {"p", "b"}  # the check mark's own <b>, nothing typed


# -- budgets against exponential growth ---------------------------------------------------

@pytest.mark.slow
def test_derivatives_stay_within_the_node_budget_and_say_so():
    e = gl.parse("x**x")
    before = e.graph.node_count
    assert np.isfinite(e.derivative(8)(1.5))  # the 8th derivative is within the budget
    with pytest.raises(gl.ExpressionError, match=r"order 9 .* more than 50,000 graph nodes"):
        e.derivative(9)
    assert e.graph.node_count - before <= gl.show.expr.MAX_DERIVATIVE_NODES + 1


@pytest.mark.slow
def test_a_power_tower_is_refused_early_not_after_minutes():
    tower = gl.parse("x**x**x**x**x**x**x**x")
    with pytest.raises(gl.ExpressionError, match="graph nodes"):
        tower.derivative(8)
    assert tower.graph.node_count < gl.show.expr.MAX_DERIVATIVE_NODES + 500


@pytest.mark.slow
def test_the_taylor_widget_refuses_a_costly_order_and_keeps_its_plot():
    widget = gl.explore_taylor("x**x**x**x**x**x**x**x", x_range=(0.5, 1.5), order=2, center=1.0)
    png = widget.image.value
    widget.order.value = 8
    assert "graph nodes" in widget.message.value
    assert widget.image.value == png


def test_high_orders_need_no_recursion():
    assert float(gl.parse("x").derivative(2000)(1.0)) == 0.0
    assert float(gl.parse("sin(x)").derivative(2000)(0.5)) == pytest.approx(np.sin(0.5))


def test_the_node_budget_nests_and_restores():
    from gradlab.core.graph import node_budget

    x = gl.placeholder(name="x")
    with node_budget(10, "outer"):
        with node_budget(100, "inner"):  # never more than the outer one allows
            with pytest.raises(gl.GradlabError, match="inner"):
                for _ in range(20):
                    x = gl.sin(x)
    for _ in range(20):  # no budget afterwards
        x = gl.sin(x)


def test_formulas_of_shared_products_stop_after_a_bounded_amount_of_work():
    x = gl.placeholder(name="x")
    y = x
    for _ in range(26):
        y = y * y  # 2**26 factors if printed as a tree
    assert "too long" in gl.formula(y)
    assert y._repr_latex_() == r"$\mathrm{Mul\_25}$"


# -- memory and compile time --------------------------------------------------------------

@pytest.mark.slow
def test_the_first_run_frees_values_after_their_last_use():
    n = 2**17
    e = gl.parse("x**x**x**x**x**x**x**x")
    x = np.linspace(0.5, 1.5, n)
    for k in range(4):
        e.derivative(k)
    tracemalloc.start()
    with np.errstate(all="ignore"):
        values = e.evaluate(x, (0, 1, 2, 3))
    peak = tracemalloc.get_traced_memory()[1] / (n * 8)
    tracemalloc.stop()
    assert all(v.shape == (n,) for v in values)
    assert peak < 200, f"{peak:.0f} arrays alive at once"  # it was about 750


@pytest.mark.slow
def test_compiling_a_long_chain_is_linear():
    # the gradient of x**7001 written as a chain of 7000 products: over 20,000 steps
    x = gl.placeholder(name="x")
    y = x
    for _ in range(7000):
        y = y * x
    (dy,) = gl.gradients(y, x)
    with gl.Session() as session:
        value = session.run(dy, {x: np.float64(1.00001)})
        steps = len(session.plan(dy, {x: np.float64(1.00001)}))
    assert steps >= 20_000
    assert value == pytest.approx(7001 * 1.00001**7000, rel=1e-9)


# -- four wrong answers -----------------------------------------------------------------------

def test_the_derivative_of_x_to_the_zero_is_zero_at_zero():
    x = gl.placeholder(name="x")
    (d,) = gl.gradients(x**0, x)
    (d2,) = gl.gradients(d, x)
    with gl.Session() as session:
        got = session.run([d, d2], {x: np.array([0.0, 2.0])})
    assert np.array_equal(got[0], [0.0, 0.0]) and np.array_equal(got[1], [0.0, 0.0])


def test_equality_is_elementwise_and_tensors_stay_hashable():
    x = gl.placeholder(name="x")
    total = gl.reduce_sum((x != 2.0) * x)
    same = gl.reduce_sum(gl.where(x == 2.0, 1.0, 0.0))
    with gl.Session() as session:
        assert session.run([total, same], {x: [1.0, 2.0, 3.0]}) == [4.0, 1.0]
    assert isinstance(x == 1.0, gl.Tensor) and isinstance(x != x, gl.Tensor)
    assert (x == None) is False and (x != None) is True  # noqa: E711
    feeds = {x: 1.0}
    assert feeds[x] == 1.0 and x in {x} and x in feeds
    with pytest.raises(TypeError, match="gl.where"):
        bool(x == 1.0)


def test_the_gradient_of_where_has_a_number_dtype():
    x = gl.placeholder(name="x")
    (d,) = gl.gradients(gl.where(x > 0, x, 0.0), x)
    assert d.dtype == np.float64
    (r,) = gl.gradients(gl.relu(x), x)
    assert r.dtype == np.float64
    with gl.Session() as session:
        assert session.run(d, {x: [-1.0, 1.0]}).dtype == np.float64


def test_register_op_checks_the_shape_a_rule_returns():
    bad = gl.register_op("BadSin", np.sin,
                         [lambda g, out, x: gl.reduce_sum(g * gl.cos(x)) * gl.ones((3, 3))])
    known = gl.placeholder(shape=(3,), name="known")
    with pytest.raises(gl.ShapeError, match="'BadSin' for input 1 returned shape \\(3, 3\\)"):
        gl.gradients(bad(known), known)
    unknown = gl.placeholder(name="unknown")
    (d,) = gl.gradients(bad(unknown), unknown)
    with gl.Session() as session, pytest.raises(gl.ShapeError, match="BadSin"):
        session.run(d, {unknown: np.zeros(3)})


def test_register_op_names_the_op_when_its_rule_fails():
    def rule(g, out, x):
        raise ZeroDivisionError("oops")

    boom = gl.register_op("Boom", np.sin, [rule])
    x = gl.placeholder(name="x")
    with pytest.raises(gl.GradlabError, match="rule of op 'Boom' .* ZeroDivisionError: oops"):
        gl.gradients(boom(x), x)


def test_a_correct_custom_rule_costs_nothing_in_the_plan():
    cube = gl.register_op("Cube", lambda x: x**3, [lambda g, out, x: g * (3 * x**2)])
    x = gl.placeholder(name="x")
    (d,) = gl.gradients(cube(x), x)
    (d2,) = gl.gradients(d, x)
    assert gl.formula(d) == "3*x**2" and gl.formula(d2) == "6*x"
    with gl.Session() as session:
        got = session.run([d, d2], {x: np.array([1.0, 2.0])})
        assert len(session.plan([d, d2], {x: np.array([1.0, 2.0])})) == 3
    np.testing.assert_allclose(got, [[3.0, 12.0], [6.0, 12.0]])


# -- a student's names stay theirs -------------------------------------------------------------

def test_re_running_a_cell_keeps_the_printed_name():
    for _ in range(3):  # the same cell, run three times
        x = gl.placeholder(name="x")
        (d,) = gl.gradients(gl.sin(x), x)
    assert x.name == "x_2"  # TF1's unique node name
    assert gl.formula(d) == "cos(x)" and gl.to_latex(d) == r"\cos\left(x\right)"
    assert repr(x) == "<gl.Tensor 'x_2:0' shape=<unknown> dtype=float64>"


def test_two_nodes_with_one_name_are_told_apart():
    first = gl.placeholder(name="x")
    second = gl.placeholder(name="x")
    y = gl.sin(second) * first
    assert gl.formula(y) == "x*sin(x′)"
    assert gl.to_latex(y) == r"x \sin\left(x'\right)"
    trace = gl.trace(y, {first: 1.0, second: 2.0})
    assert {row.name for row in trace.rows if row.op == "Placeholder"} == {"x", "x′"}


# -- smaller items ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_huge_literal_constant_keeps_plot_limits_usable():
    f = "1e12**25*1e8*sin(x)"
    explorer = gl.explore(f)
    low, high = explorer._plot.axes["f"].get_ylim()
    assert np.isfinite(low) and np.isfinite(high)
    assert "too large" in explorer.message.value
    taylor = gl.explore_taylor(f)  # no ValueError escapes
    assert taylor.image.value[:4] == b"\x89PNG"


@pytest.mark.slow
def test_a_pole_is_a_gap_not_a_vertical_line():
    explorer = gl.explore("1/(x-1)", x_range=(0, 2))
    x, y = (np.asarray(a, dtype=float) for a in explorer._plot.lines[0].get_data())
    left, right = x < 1, x > 1
    assert np.isnan(y[left][-1]) and np.isnan(y[right][0])  # the two points beside the pole
    assert np.isfinite(y[left][:-1]).all() and np.isfinite(y[right][1:]).all()
    smooth = gl.explore("tanh(3*x)", x_range=(-2, 2))  # steep, but no pole: not broken
    assert np.isfinite(smooth._plot.lines[0].get_data()[1]).all()


@pytest.mark.slow
@pytest.mark.parametrize("kwargs, message", [
    (dict(n=-5), "number of points"),
    (dict(n=10**9), "number of points"),
    (dict(x_range=(-1e308, 1e308)), "x_range must be"),
    (dict(x_range=(1.0, 0.0)), "x_range must be"),
    (dict(orders=(0, 7)), "orders are 0"),
])
def test_the_explorer_refuses_bad_arguments_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gl.explore("sin(x)", **kwargs)


@pytest.mark.slow
def test_switching_every_order_off_says_what_to_do():
    explorer = gl.explore("sin(x)")
    for toggle in explorer.order_toggles.values():
        toggle.value = False
    assert "Nothing is switched on" in explorer.message.value
    explorer.tangent_slider.value = 2.0  # still no traceback
    explorer.order_toggles[0].value = True
    assert "Nothing" not in explorer.message.value


def test_a_flat_sum_of_many_terms_is_not_deep_nesting():
    assert gl.parse("+".join(["x"] * 41))(1.0) == 41.0
    assert gl.parse("*".join(["x"] * 200)).derivative()(1.0) == 200.0
    with pytest.raises(gl.ExpressionError, match="too many nested brackets"):
        gl.parse("sin(" * 41 + "x" + ")" * 41)


@pytest.mark.parametrize("text, hint", [("2x", "write 2*x"), ("x + 3sin(x)", "write 3*sin"),
                                        ("2.5x", "write 2.5*x")])
def test_a_missing_times_sign_gets_a_hint(text, hint):
    with pytest.raises(gl.ExpressionError, match=re.escape(hint)):
        gl.parse(text)


def test_a_descent_that_never_moved_does_not_claim_to_converge():
    result = gl.descent_path("sign(x)", 1.0, 0.1, 20)
    assert result.status == "stuck" and "did not move" in result.message
    assert gl.descent_path("x**2", 1.0, 0.1, 300).status == "converged"


# -- found by a review ------------------------------------------------------------------------

def test_parameters_may_share_names_with_arguments():
    assert gl.parse("orders*sin(x)")(0.5, orders=2.0) == pytest.approx(2 * np.sin(0.5))
    assert gl.taylor_coefficients("center*x", 0.0, 1, center=3.0)[1] == pytest.approx(3.0)
    descent = gl.explore_descent("steps*x^2")  # no TypeError from descent_path(steps=...)
    assert "converged" in descent.status.value or "moving" in descent.status.value
    explorer = gl.explore("orders*x + self*x")
    assert explorer.message.value == "" and set(explorer.parameter_sliders) == {"orders", "self"}


def test_the_explorer_goes_back_to_the_last_formula_when_a_new_one_fails(monkeypatch):
    explorer = gl.explore("a*sin(x)")
    png = explorer.image.value

    def refuse(*args, **kwargs):
        raise gl.ExpressionError("refused for this test")

    monkeypatch.setattr(explorer, "_redraw", refuse)
    explorer.text.value = "b*cos(x)"
    assert "refused for this test" in explorer.message.value
    assert explorer.expression.text == "a*sin(x)" and list(explorer.parameter_sliders) == ["a"]
    assert explorer.image.value == png


def test_comparisons_with_numpy_on_the_left_and_with_other_objects():
    x = gl.placeholder(name="x")
    assert isinstance(np.ones(3) != x, gl.Tensor) and isinstance(np.not_equal(x, 1.0), gl.Tensor)
    assert (x == object()) is False and (x != "text") is True


def test_node_names_stay_unique_when_a_student_picks_a_taken_one():
    names = [gl.placeholder(name=n).name for n in ["x", "x", "x_1", "x"]]
    assert len(set(names)) == 4
