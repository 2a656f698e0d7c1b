"""The explorer and the descent widget, driven headless: set values, inspect lines and PNGs."""

import asyncio
import io
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from PIL import Image

import gradlab as gl
from gradlab.widgets import plotting
from gradlab.widgets.explorer import _as_the_page_snaps


def line_data(explorer, order):
    x, y = explorer._plot.lines[order].get_data()
    return np.asarray(x), np.asarray(y)


def png_size(data):
    return Image.open(io.BytesIO(data)).size


@pytest.fixture
def explorer():
    return gl.explore("a*sin(b*x)", x_range=(0, 2 * np.pi))


def test_public_parts_and_a_stable_repr(explorer):
    assert repr(explorer) == "Explorer(f='a*sin(b*x)', x_range=(0.0, 6.28))"
    assert isinstance(explorer.expression, gl.Expression)
    assert explorer.figure is explorer._plot.figure
    width, height = png_size(explorer.image.value)
    assert width >= 500 and height > 300
    assert "f'(x) = a b \\cos\\left(b x\\right)" in explorer.formulas.value


def test_parameter_sliders_follow_the_formula(explorer):
    assert list(explorer.parameter_sliders) == ["a", "b"]
    assert [s.description for s in explorer.parameter_box.children] == ["a", "b"]
    explorer.parameter_sliders["a"].value = 2.5
    explorer.text.value = "a*x^2 + c"
    assert list(explorer.parameter_sliders) == ["a", "c"]
    assert explorer.parameter_sliders["a"].value == 2.5  # kept: same name
    explorer.text.value = "sin(x)"
    assert explorer.parameter_sliders == {} and explorer.parameter_box.children == ()


def test_f_prime_line_is_the_known_derivative(explorer):
    explorer.parameter_sliders["a"].value = 2.0
    explorer.parameter_sliders["b"].value = 3.0
    x, y = line_data(explorer, 1)
    assert len(x) == 400 and x[0] == 0 and x[-1] == pytest.approx(2 * np.pi)
    np.testing.assert_allclose(y, 6 * np.cos(3 * x), atol=1e-12)
    x, y = line_data(explorer, 0)
    np.testing.assert_allclose(y, 2 * np.sin(3 * x), atol=1e-12)


def test_moves_change_the_png(explorer):
    before = explorer.image.value
    explorer.range_slider.value = (-1.0, 4.0)
    after_range = explorer.image.value
    assert after_range != before
    explorer.parameter_sliders["b"].value = 0.5
    assert explorer.image.value != after_range
    x, _ = line_data(explorer, 0)
    assert x[0] == -1.0 and x[-1] == 4.0


def test_parameter_and_tangent_moves_blit_and_keep_the_axes():
    # the kernel-side PNG path (the live default redraws these moves in the browser,
    # tests/test_live_plot.py)
    explorer = gl.explore("a*sin(b*x)", x_range=(0, 2 * np.pi), backend="png")
    renders = explorer.render_count
    y_limits = explorer._plot.axes["f"].get_ylim()
    explorer.parameter_sliders["a"].value = 0.5  # a smaller curve fits the current axes
    explorer.tangent_slider.value = 2.0
    assert explorer.render_count == renders and explorer.blit_count == 2
    assert explorer._plot.axes["f"].get_ylim() == y_limits
    explorer.parameter_sliders["a"].value = 4.0  # a taller curve: the axes grow once
    assert explorer.render_count == renders + 1
    low, high = explorer._plot.axes["f"].get_ylim()
    assert high > 4.0 * 1.3 and low < -4.0 * 1.3  # with headroom for more growth
    explorer.parameter_sliders["a"].value = 2.5  # and do not shrink back while sliding
    assert explorer._plot.axes["f"].get_ylim() == (low, high)
    assert explorer.render_count == renders + 1
    explorer.parameter_sliders["a"].value = 0.5  # until the curve uses under a quarter
    low, high = explorer._plot.axes["f"].get_ylim()
    assert 0.5 < high < 1.5 and -1.5 < low < -0.5


def _drag(slider, start, stop, steps=40):
    for value in np.linspace(start, stop, steps):
        slider.value = float(value)


@pytest.mark.parametrize("name, stop", [("a", 4.5), ("b", 3.0)])
def test_a_drag_that_grows_the_curves_rescales_a_few_times_not_every_step(name, stop):
    explorer = gl.explore("a*sin(b*x)*exp(-x/5) + x/4", x_range=(0, 2 * np.pi), backend="png")
    renders, blits = explorer.render_count, explorer.blit_count
    _drag(explorer.parameter_sliders[name], 1.0, stop)
    assert explorer.render_count - renders <= 6  # each rescale leaves headroom
    assert explorer.blit_count - blits >= 34
    for k, panel in ((0, "f"), (1, "d")):  # and every curve is inside its axes at the end
        low, high = explorer._plot.axes[panel].get_ylim()
        _, y = line_data(explorer, k)
        assert low <= np.nanmin(y) and np.nanmax(y) <= high


def test_an_x_range_drag_redraws_the_y_side_of_the_picture_rarely():
    explorer = gl.explore("sin(x) + x/10", x_range=(0, 2 * np.pi), backend="png")
    plot = explorer._plot
    layers, renders = plot.layer_count, explorer.render_count
    for hi in np.linspace(6.0, 9.0, 30):
        explorer.range_slider.value = (0.0, float(hi))
    assert explorer.render_count - renders == 30  # new x axes every time
    assert plot.layer_count - layers <= 3  # but the y side of it is reused
    x, _ = line_data(explorer, 0)
    assert x[-1] == 9.0


def test_tangent_line_has_slope_f_prime(explorer):
    explorer.parameter_sliders["b"].value = 2.0
    explorer.tangent_slider.value = 1.0
    xs, ys = explorer._plot.tangent.get_data()
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    assert slope == pytest.approx(2 * np.cos(2.0))
    (px,), (py,) = explorer._plot.point_d.get_data()
    assert (px, py) == (1.0, pytest.approx(2 * np.cos(2.0)))
    explorer.tangent_toggle.value = False
    assert len(explorer._plot.tangent.get_data()[0]) == 0


def test_invalid_text_keeps_the_last_plot_and_shows_the_error(explorer):
    good_png = explorer.image.value
    good_expression = explorer.expression
    explorer.text.value = "a*sine(b*x)"
    assert explorer.image.value == good_png
    assert explorer.expression is good_expression
    assert "did you mean &#x27;sin&#x27;" in explorer.message.value
    assert "^" in explorer.message.value
    explorer.text.value = "cos(x)"
    assert explorer.message.value == ""
    assert explorer.image.value != good_png


def test_undefined_regions_are_gaps_with_a_note():
    e = gl.explore("log(x)", x_range=(-2, 4))
    x, y = line_data(e, 0)
    assert np.isnan(y[x <= 0]).all() and np.isfinite(y[x > 0]).all()
    _, slope = line_data(e, 1)
    assert np.isnan(slope[x <= 0]).all()  # no slope where f is undefined
    assert "not defined for x in [-2.00, 0.00]" in e.message.value
    e.text.value = "sqrt(x - 10)"
    assert "not defined anywhere" in e.message.value


def test_order_toggles_and_presets():
    e = gl.explore("x^3")
    e.order_toggles[2].value = True
    x, y = line_data(e, 2)
    np.testing.assert_allclose(y, 6 * x)
    assert "f''(x) = 6 x" in e.formulas.value
    e.order_toggles[0].value = False
    assert not e._plot.axes["f"].get_visible()
    e.presets.value = gl.PRESETS["gaussian"]
    assert e.text.value == "exp(-x^2/2)" and e.presets.value == ""


def test_widening_the_range_slider():
    e = gl.explore("sin(x)", x_range=(0, 2))
    low, high = e.range_slider.min, e.range_slider.max
    e.widen_button.click()
    assert e.range_slider.min < low and e.range_slider.max > high
    e.range_slider.value = (e.range_slider.min, e.range_slider.max)
    assert line_data(e, 0)[0][0] == e.range_slider.min


def test_functions_of_tensors_and_bad_arguments():
    e = gl.explore(lambda t: gl.tanh(2 * t), x_range=(-2, 2))
    _, y = line_data(e, 1)
    x, _ = line_data(e, 1)
    np.testing.assert_allclose(y, 2 * (1 - np.tanh(2 * x) ** 2), atol=1e-12)
    with pytest.raises(gl.ExpressionError):
        gl.explore("sin(")
    with pytest.raises(ValueError, match="x_range"):
        gl.explore("x", x_range=(3, 1))


def test_plot_makes_a_seaborn_figure_without_touching_global_style():
    import matplotlib

    before = dict(matplotlib.rcParams)
    figure = gl.plot("sin(x)*exp(-x/5)", (0, 6), orders=(0, 1, 2))
    assert dict(matplotlib.rcParams) == before
    top, bottom = figure.axes
    labels = [t.get_text() for t in bottom.get_legend().get_texts()]
    assert labels[1] == "$f''(x)$" or labels[1].startswith("$f''(x) =")
    assert top.get_facecolor() != (1.0, 1.0, 1.0, 1.0)  # darkgrid's grey background
    x, y = top.get_lines()[0].get_data()
    np.testing.assert_allclose(y, np.sin(x) * np.exp(-x / 5))


def test_plot_onto_an_existing_axes_with_parameters():
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    gl.plot("a*x^2", (-1, 1), orders=(1,), ax=ax, a=3)
    x, y = ax.get_lines()[0].get_data()
    np.testing.assert_allclose(y, 6 * x)
    with pytest.raises(ValueError, match="orders"):
        gl.plot("x", orders=(5,))


@pytest.mark.parametrize("rate, status", [(0.01, "still moving"), (0.3, "converged"), (2.5, "diverged")])
def test_descent_verdicts(rate, status):
    result = gl.descent_path("x^2/2 + sin(3*x)/4", -3.0, rate, 20)
    assert result.status == status


def test_descent_path_is_gradient_descent():
    result = gl.descent_path("x^2", 1.0, 0.1, 5)
    np.testing.assert_allclose(result.path, 0.8 ** np.arange(6))  # x <- x - 0.1 * 2x


def test_descent_widget_redraws_and_reports():
    d = gl.explore_descent()
    assert repr(d) == "DescentExplorer('x^2/2 + sin(3*x)/4', learning_rate=0.3)"
    first = d.image.value
    d.learning_rate.value = 3.0
    assert d.result.status == "diverged" and "diverged" in d.status.value
    assert d.image.value != first
    d.text.value = "x^2 +"
    assert "not a formula" in d.status.value or "^" in d.status.value


def test_descent_widget_on_the_regression_cost():
    d = gl.explore_descent(problem="regression", learning_rate=0.5, steps=150, start=0.0)
    w, b = d.result.path[-1]
    assert abs(w - 3) < 0.1 and abs(b - 2) < 0.1
    compiled = d.regression.session.compile_count
    d.learning_rate.value = 0.05
    d.learning_rate.value = 0.02
    assert d.regression.session.compile_count == compiled  # one graph serves every rate
    assert d.result.status == "still moving"


def test_taylor_coefficients_and_widget():
    np.testing.assert_allclose(gl.taylor_coefficients("exp(x)", 0.0, 4),
                               [1, 1, 1 / 2, 1 / 6, 1 / 24])
    np.testing.assert_allclose(gl.taylor_coefficients("sin(x)", 0.0, 5),
                               [0, 1, 0, -1 / 6, 0, 1 / 120], atol=1e-15)
    t = gl.explore_taylor("sin(x)", order=3)
    assert repr(t) == "TaylorExplorer(f='sin(x)', order=3, center=0.0)"
    assert t.formula.value == "$T_{3}(x) = x - 0.167 x^{3}$"
    first = t.image.value
    t.order.value = 5
    assert t.image.value != first and "0.00833 x^{5}" in t.formula.value
    x, y = t._t_line.get_data()
    np.testing.assert_allclose(y, x - x**3 / 6 + x**5 / 120, atol=1e-12)
    t.text.value = "a*x"  # parameters are not allowed here: message, old plot kept
    assert "no parameters" in t.message.value and t.expression.text == "sin(x)"
    with pytest.raises(ValueError, match="order"):
        gl.taylor_coefficients("sin(x)", 0.0, 99)


def test_slider_moves_rerun_the_compiled_plan_and_text_changes_rebuild(explorer):
    session = explorer.expression._session
    explorer.tangent_slider.value = 0.2  # the first x0 move compiles the plan for one point
    compiled = session.compile_count
    for value in (0.5, 1.5, 2.5):
        explorer.parameter_sliders["a"].value = value
        explorer.tangent_slider.value = value
    assert session.compile_count == compiled  # no new plans: the cached ones re-ran
    explorer.text.value = "a*cos(b*x)"
    assert explorer.expression._session is not session  # a new formula: a new graph


def test_ipympl_backend_gives_a_zoomable_canvas():
    e = gl.explore("a*sin(b*x)", backend="ipympl")
    assert type(e.image).__name__ == "Canvas" and e.figure.canvas is e.image
    renders = e.render_count
    e.parameter_sliders["a"].value = 2.0
    e.text.value = "cos(x)"
    assert e.render_count > renders and e.message.value == ""
    with pytest.raises(ValueError, match="backend"):
        gl.explore("x", backend="svg")


def test_descent_and_taylor_say_when_f_is_undefined_at_the_start():
    result = gl.descent_path("log(x)", -3.0, 0.3, 20)
    assert result.status == "undefined" and "not defined at x = -3.00" in result.message
    t = gl.explore_taylor("log(x)", x_range=(-1, 3), center=0.0)
    assert t.formula.value == "" and "not defined at a = 0.00" in t.message.value
    assert len(t._t_line.get_data()[0]) == 0
    t.center.value = 1.0
    assert t.message.value == "" and t.formula.value.startswith("$T_{3}(x) = ")


def test_the_tangent_point_follows_the_range():
    e = gl.explore("sin(x)", x_range=(0, 6))
    e.tangent_slider.value = 1.0
    e.range_slider.value = (3.0, 6.0)  # x0 = 1 is out of view now
    assert e.tangent_slider.value == pytest.approx(4.5)
    e.tangent_slider.value = 5.0
    e.range_slider.value = (2.0, 6.0)  # still in view: it stays
    assert e.tangent_slider.value == 5.0


# What the page's slider (noUiSlider 15.4.0, the one ipywidgets 8.1 bundles) made of a
# value when its min, max and step were set: run in node with jsdom on 2026-12-04, by
# noUiSlider.create / updateOptions({start, range, step}) and .get(). An independent
# reference: none of these came from gradlab's function.
SNAPPED_BY_NOUISLIDER = [
    ((2 * math.pi / 3, 0.0, 2 * math.pi, 2 * math.pi / 400), 2.089159114637213),
    ((4.4854089111628275, 0.5811946409141129, 2 * math.pi, 0.014254976665663683), 4.487058247305962),
    ((4.48, -0.15707963267948877, 2 * math.pi, 0.016100662349647687), 4.479911124019045),
    ((0.1, -3.0, 3.0, 0.015), 0.10499999999999998),  # not 0.105: its sums, bit for bit
    ((-1.2345678, -10.0, -1.0, 0.0225), -1.2249999999999996),
    ((123456.789, 1e5, 2e5, 250.0), 123500.0),
    ((1e-3 / 3, 0.0, 1e-3, 2.5e-06), 0.0003325),
    ((2.5, 1.0, 4.0, 0.0075), 2.5),
]


@pytest.mark.parametrize("args, page", SNAPPED_BY_NOUISLIDER)
def test_x0_is_snapped_as_the_pages_slider_snaps_it(args, page):
    """An x-range move gives the x0 slider new bounds; were x0 off the page's grid by a
    bit, the page would send its own value back on every move of the drag."""
    assert _as_the_page_snaps(*args) == page
    assert _as_the_page_snaps(page, *args[1:]) == page  # and the page keeps it


@given(lo=st.floats(-1e6, 1e6), span=st.floats(1e-6, 1e6), where=st.floats(0, 1))
@settings(max_examples=200, deadline=None)
def test_snapping_stays_within_half_a_step_and_in_range_and_is_stable(lo, span, where):
    hi = lo + span
    assume(hi > lo)
    step = (hi - lo) / 400
    value = min(lo + where * (hi - lo), hi)
    snapped = _as_the_page_snaps(value, lo, hi, step)
    assert lo <= snapped <= hi
    assert abs(snapped - value) <= step / 2 * (1 + 1e-6) + 4 * np.spacing(max(abs(lo), abs(hi)))
    assert _as_the_page_snaps(snapped, lo, hi, step) == snapped


def test_an_x_range_move_sends_the_canvas_its_x0_before_the_x0_slider_gets_bounds_then_value(monkeypatch):
    """The order the page needs to send nothing back: the canvas has x0 before the x0
    slider's message sets it (else the link in the page would set it, and send it), and
    the slider's bounds come before its value (else it is snapped on the old bounds)."""
    e = gl.explore("a*sin(b*x)", x_range=(0, 6))
    sent = []
    for widget in (e.live, e.tangent_slider):
        def record(msg, buffers=None, widget=widget, send=widget._send):
            sent.append((widget, list(msg.get("state", {}))))
            send(msg, buffers)
        monkeypatch.setattr(widget, "_send", record)
    e.range_slider.value = (3.0, 6.0)  # x0 = 2 falls out of view: it moves to the middle
    assert e.tangent_slider.value == 4.5
    assert [w for w, _ in sent] == [e.live, e.tangent_slider]
    assert "x0" in sent[0][1] and e.live.x0 == e.tangent_slider.value
    keys = sent[1][1]
    assert set(keys) == {"min", "step", "value"} and keys[-1] == "value"
    sent.clear()
    e.tangent_slider.send_state(["value", "max", "min", "step"])  # whatever order a set gives
    assert sent[0][1] == ["max", "min", "step", "value"]


def test_values_from_the_page_are_drawn_after_the_reply_and_those_that_queue_once():
    """A value the page sent is drawn just after the kernel answers (so the next value
    travels meanwhile); two values before the drawing get one drawing, of the newer; a
    value set from Python is drawn at once, as a cell expects."""
    e = gl.explore("a*sin(b*x)", x_range=(0, 6))

    async def drag() -> None:
        renders = e.render_count
        e.range_slider.set_state({"value": [1.0, 6.0]})  # as ipywidgets applies a page message
        e.range_slider.set_state({"value": [2.0, 6.0]})
        assert e.render_count == renders and e.live.x_range == [0.0, 6.0]  # not yet
        await asyncio.sleep(0)  # the kernel's loop runs the waiting drawing
        assert e.render_count == renders + 1 and e.live.x_range == [2.0, 6.0]
        assert e.tangent_slider.min == 2.0
        x_before = line_data(e, 0)[1].copy()
        e.parameter_sliders["a"].set_state({"value": 3.0})
        assert np.array_equal(line_data(e, 0)[1], x_before)  # not yet
        await asyncio.sleep(0)
        x = line_data(e, 0)[0]
        np.testing.assert_allclose(line_data(e, 0)[1], 3.0 * np.sin(x))
        e.range_slider.value = (3.0, 6.0)  # from Python: at once
        assert e.render_count == renders + 2 and e.live.x_range == [3.0, 6.0]

    asyncio.run(drag())
    e.range_slider.set_state({"value": [1.0, 5.0]})  # no event loop (a script): at once
    assert e.live.x_range == [1.0, 5.0]


def test_a_single_undefined_point_is_named_as_a_point_and_the_tangent_starts_where_f_is_defined():
    e = gl.explore("log(x)", x_range=(0, 2 * np.pi))
    assert "not defined at x = 0.00: shown as a gap" in e.message.value
    started = gl.explore("log(x)", x_range=(-2, 4))  # x0 would start at 0, where log is undefined
    assert started.tangent_slider.value > 0
    started.text.value = "sqrt(x - 1)"  # a new formula: x0 moves to where it is defined
    assert started.tangent_slider.value >= 1
    started.tangent_slider.value = -1.0  # a student may still drag it into the gap
    assert started.tangent_slider.value == -1.0


@pytest.mark.parametrize("c", [2.2, 2.205, 2.2475, 2.3, 2.4])
def test_the_tangent_starts_on_the_defined_side_of_a_gap_edge_on_the_pages_grid(c):
    """x0 starts at 2.09 on (0, 2π), inside the gap of sqrt(x - c). It moves to the
    first point where f and f' are defined, on the page's slider grid (the step of that
    grid can carry a point of the curve's grid back over the edge), and the tangent
    drawn is the one at that x0."""
    e = gl.explore(f"sqrt(x - {c})")
    slider = e.tangent_slider
    x0 = slider.value
    assert x0 > c and x0 - c < 2 * slider.step
    assert _as_the_page_snaps(x0, slider.min, slider.max, slider.step) == x0  # no echo
    px, py = e._plot.point_f.get_data()
    assert px[0] == x0 and py[0] == pytest.approx(math.sqrt(x0 - c), rel=1e-12)
    lx, ly = e._plot.tangent.get_data()
    slope = (ly[1] - ly[0]) / (lx[1] - lx[0])
    assert slope == pytest.approx(0.5 / math.sqrt(x0 - c), rel=1e-9)  # f'(x0), by hand


@pytest.mark.parametrize("backend", ["png", "live"])
def test_a_picture_composed_from_cached_layers_equals_one_drawn_whole(backend):
    explorer = gl.explore("a*sin(b*x)*exp(-x/5) + x/4", x_range=(0, 2 * np.pi), backend=backend)
    plot = explorer._plot
    for hi in (6.5, 7.0, 7.5):
        explorer.range_slider.value = (-0.5, hi)
    explorer.parameter_sliders["b"].value = 1.3
    layers = plot.layer_count
    cached = explorer.image.value
    plot._layer = None  # forget the cached pixels: the next redraw draws everything
    explorer._render()
    assert plot.layer_count == layers + 1
    explorer._live_png_cache = None
    assert explorer.image.value == cached


def test_typed_formulas_keep_every_y_label_inside_the_picture_without_a_full_layout():
    explorer = gl.explore("sin(x)", x_range=(0, 2 * np.pi), backend="png")
    plot = explorer._plot
    layouts = plot.relayout_count
    for text in ["1000*x", "sin(x)/100", "-25000*x^2", "x/7", "exp(x)", "0.001*x"]:
        explorer.text.value = text
        assert "<pre" not in explorer.message.value
        renderer = plot.canvas.get_renderer()
        lefts = [ax.yaxis.label.get_window_extent(renderer).x0 for ax in plot.axes.values()]
        ticks = [t.get_window_extent(renderer).x0 for ax in plot.axes.values()
                 for t in ax.get_yticklabels() if t.get_visible() and t.get_text()]
        assert min(lefts + ticks) >= 0, text  # nothing cut off at the left edge
        assert min(lefts) < 10 + plotting.MARGIN_SLACK, text  # and no wide empty margin
    assert plot.relayout_count == layouts  # the same panels and legends: margins moved only
    explorer.order_toggles[2].value = True  # a new legend entry: a full layout
    assert plot.relayout_count == layouts + 1


def test_pinned_x_labels_sit_where_matplotlib_would_place_them(monkeypatch):
    """The x labels are measured once and pinned below their panels (placing them anew
    costs a quarter of each x-axis draw). After new ranges, formulas and panels, the
    picture must be the one matplotlib's own placement gives."""
    def picture():
        explorer = gl.explore("a*sin(b*x)*exp(-x/5) + x/4", backend="png")
        explorer.range_slider.value = (-3.0, 12.0)
        explorer.text.value = "x**3 + 100*a"
        explorer.order_toggles[2].value = True  # a new legend row: a full layout
        explorer.range_slider.value = (-1.0, 2.5)
        explorer._plot.canvas.draw()
        return np.asarray(explorer._plot.canvas.buffer_rgba()).copy()

    pinned = picture()
    monkeypatch.setattr(plotting.FunctionFigure, "pin_x_labels", lambda self: None)
    placed = picture()
    np.testing.assert_array_equal(pinned, placed)


@pytest.mark.parametrize("dpi", [72, 150])
def test_pinned_x_labels_follow_the_dpi_and_a_new_size(dpi):
    def picture(pin):
        plot = plotting.FunctionFigure(orders=(0, 1), dpi=dpi)
        if pin:
            plot.pin_x_labels()
        x = np.linspace(-2, 2, 50)
        plot.set_curves(x, {0: x**3, 1: 3 * x**2})
        plot.set_limits((-2.0, 2.0), (-9.0, 9.0), (-1.0, 13.0))
        plot.figure.set_size_inches(6.5, 4.5)
        plot.relayout()
        plot.canvas.draw()
        return np.asarray(plot.canvas.buffer_rgba()).copy()

    np.testing.assert_array_equal(picture(True), picture(False))


def test_a_figure_from_plot_keeps_its_x_label_clear_of_larger_tick_labels():
    figure = gl.plot("sin(x)")
    bottom = figure.axes[-1]
    bottom.tick_params(labelsize=20)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    label = bottom.xaxis.label.get_window_extent(renderer)
    ticks = [t.get_window_extent(renderer) for t in bottom.get_xticklabels() if t.get_text()]
    assert label.y1 <= min(t.y0 for t in ticks) + 0.5
