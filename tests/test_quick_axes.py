"""Quick axes (gradlab.widgets.quick_axes) and the explorer's layered figure, against
matplotlib's own drawing: the same pixels, pixel for pixel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.axis import Axis, Tick, YAxis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

import gradlab as gl
from gradlab.widgets import quick_axes
from gradlab.widgets.plotting import FunctionFigure
from gradlab.widgets.quick_axes import cached_layouts, draw_axis


def pixels(canvas) -> np.ndarray:
    return np.asarray(canvas.buffer_rgba()).copy()


def both_ways(plot: FunctionFigure) -> tuple[np.ndarray, np.ndarray]:
    """Every axis of the figure drawn over the same background by draw_axis, then by
    matplotlib's Axis.draw."""
    canvas = plot.canvas
    renderer = canvas.get_renderer()
    axes = [axis for ax in plot.axes.values() for axis in (ax.xaxis, ax.yaxis)]
    shown = [axis.get_visible() for axis in axes]
    for axis in axes:
        axis.set_visible(False)
    canvas.draw()
    background = canvas.copy_from_bbox(plot.figure.bbox)
    for axis, visible in zip(axes, shown):
        axis.set_visible(visible)
    drawn = []
    for draw in (draw_axis, lambda axis, r: axis.draw(r)):
        canvas.restore_region(background)
        for axis in axes:
            if axis.axes.get_visible():
                draw(axis, renderer)
        drawn.append(pixels(canvas))
    return drawn[0], drawn[1]


def a_figure(x_range, f_limits, d_limits, dpi=100, stamp_text=True, pinned=True) -> FunctionFigure:
    plot = FunctionFigure(orders=(0, 1), figsize=(6.8, 4.2), dpi=dpi, stamp_text=stamp_text)
    x = np.linspace(*x_range, 50)
    plot.set_curves(x, {0: np.sin(x), 1: np.cos(x)})
    plot.set_labels({0: "f", 1: "f′"})
    if pinned:
        plot.pin_x_labels()
    plot.set_limits(x_range, f_limits, d_limits)
    return plot


limits = st.tuples(st.floats(-1e7, 1e7), st.floats(1e-3, 1e5)).map(lambda t: (t[0], t[0] + t[1]))


@settings(max_examples=25, deadline=None)
@given(x_range=limits, f_limits=limits, d_limits=limits, dpi=st.sampled_from([72, 100, 130]),
       stamp_text=st.booleans(), pinned=st.booleans())
def test_draw_axis_draws_what_axis_draw_draws(x_range, f_limits, d_limits, dpi, stamp_text, pinned):
    # large values with small spans give an offset text ("1e6"): then Axis.draw does it all
    quick, slow = both_ways(a_figure(x_range, f_limits, d_limits, dpi, stamp_text, pinned))
    assert np.array_equal(quick, slow)


@pytest.mark.parametrize("change", ["minor ticks", "tick marks", "one grid line red", "y label right",
                                    "aligned y labels"])
def test_axes_it_does_not_draw_itself_go_to_matplotlib_and_look_the_same(change, monkeypatch):
    plot = a_figure((0, 7), (-1.2, 1.3), (-3, 40))
    top, bottom = plot.axes["f"], plot.axes["d"]
    if change == "minor ticks":
        bottom.minorticks_on()
    elif change == "tick marks":
        bottom.tick_params(axis="both", bottom=True, left=True, length=5, width=1.5)
    elif change == "one grid line red":
        bottom.yaxis.get_major_ticks()[1].gridline.set_color("red")
    elif change == "y label right":
        bottom.yaxis.set_label_position("right")
    else:
        plot.figure.align_ylabels([top, bottom])
    quick, slow = both_ways(plot)
    assert np.array_equal(quick, slow)
    # and matplotlib did draw what draw_axis handed on: count the calls draw_axis makes
    calls = []
    for target, name in [(Axis, "draw"), (YAxis, "_update_label_position"), (Tick, "draw")]:
        original = getattr(target, name)
        monkeypatch.setattr(target, name, lambda self, *a, _f=original, _n=f"{target.__name__}.{name}", **k:
                            (calls.append(_n), _f(self, *a, **k))[1])
    renderer = plot.canvas.get_renderer()
    draw_axis(bottom.xaxis, renderer)
    draw_axis(bottom.yaxis, renderer)
    expected = {"minor ticks": "Axis.draw", "tick marks": "Axis.draw", "one grid line red": "Tick.draw",
                "y label right": "YAxis._update_label_position",
                "aligned y labels": "YAxis._update_label_position"}[change]
    assert expected in calls, calls


def test_grid_lines_are_drawn_as_one_path(monkeypatch):
    plot = a_figure((0, 7), (-1.2, 1.3), (-3, 40))
    renderer = plot.canvas.get_renderer()
    paths = []
    draw_path = renderer.draw_path
    monkeypatch.setattr(renderer, "draw_path", lambda gc, path, *a: (paths.append(len(path.vertices)),
                                                                        draw_path(gc, path, *a)))
    draw_axis(plot.axes["d"].xaxis, renderer)
    ticks = len(plot.axes["d"].xaxis._update_ticks())
    assert ticks >= 4 and paths == [2 * ticks]  # one path, two vertices per grid line


TEXTS = ["0", "-0.25", "1.0", "f′(x)", "derivatives", "two\nlines", "Wg"]


@settings(max_examples=40, deadline=None)
@given(text=st.sampled_from(TEXTS), size=st.sampled_from([7.0, 9.0, 12.5]),
       ha=st.sampled_from(["left", "center", "right"]), va=st.sampled_from(["top", "center", "baseline"]),
       rotation=st.sampled_from([0.0, 30.0, 90.0]), dpi=st.sampled_from([72, 100]))
def test_a_cached_layout_is_the_layout_matplotlib_computes(text, size, ha, va, rotation, dpi):
    figure = Figure(dpi=dpi)
    renderer = FigureCanvasAgg(figure).get_renderer()
    label = Text(0.3, 0.4, text, fontsize=size, ha=ha, va=va, rotation=rotation)
    label.set_figure(figure)
    plain = Text(0.3, 0.4, "placeholder")
    plain.set_figure(figure)
    with cached_layouts([label]):
        for _ in range(2):  # made, then looked up
            plain.update_from(label)
            plain.set_text(label.get_text())
            cached, fresh = label._get_layout(renderer), Text._get_layout(plain, renderer)
            assert np.array_equal(cached[0].get_points(), fresh[0].get_points())
            assert cached[1:] == fresh[1:]
        label.set_fontsize(size + 3)  # a new style is a new layout
        plain.update_from(label)
        assert np.array_equal(label._get_layout(renderer)[0].get_points(),
                              Text._get_layout(plain, renderer)[0].get_points())
    assert "_get_layout" not in vars(label)  # afterwards matplotlib lays it out as ever


def test_math_and_wrapped_texts_are_laid_out_as_matplotlib_does():
    figure = Figure()
    renderer = FigureCanvasAgg(figure).get_renderer()
    texts = [figure.text(0.1, 0.5, "tangent at $x_0$"), figure.text(0.1, 0.5, "a long line " * 8, wrap=True)]
    with cached_layouts(texts):
        for text in texts:
            text.get_window_extent(renderer)
    assert not quick_axes._layouts.get(renderer)  # never put in the table


def steps(explorer):
    """A student's session: x-range moves, new formulas (new y-limits, wider labels, a
    panel hidden), new orders (new legends), a rescale by a parameter."""
    yield lambda: setattr(explorer.range_slider, "value", (-0.5, 7.0))
    yield lambda: setattr(explorer.text, "value", "1000*sin(x)")
    yield lambda: setattr(explorer.range_slider, "value", (-0.5, 9.5))
    yield lambda: setattr(explorer.order_toggles[2], "value", True)
    yield lambda: setattr(explorer.order_toggles[0], "value", False)
    yield lambda: setattr(explorer.order_toggles[0], "value", True)
    yield lambda: setattr(explorer.text, "value", "a*x^2/1e6 + 1e6")
    yield lambda: setattr(explorer.parameter_sliders["a"], "value", 4.5)
    yield lambda: setattr(explorer.text, "value", "0.001*sin(x)")


@pytest.mark.parametrize("backend", ["png", "live"])
def test_the_layered_picture_is_the_picture_matplotlib_draws(backend):
    explorer = gl.explore("a*sin(b*x)", x_range=(0, 2 * np.pi), backend=backend)
    plot = explorer._plot
    for step in steps(explorer):
        step()
        assert "<pre" not in explorer.message.value, explorer.message.value
        plot.draw_static()
        layered = pixels(plot.canvas)
        plot.canvas.draw()  # everything at once (the moving artists are animated in both)
        assert np.array_equal(layered, pixels(plot.canvas))


def test_an_x_range_drag_redraws_no_y_axes_and_a_new_formula_no_legends():
    explorer = gl.explore("sin(x)", x_range=(0, 2 * np.pi), backend="png")
    plot = explorer._plot
    explorer.text.value = "0.6*sin(x)"  # kept axes, and the curves well inside them
    layers, y_layers = plot.layer_count, plot.y_layer_count
    y_limits = [ax.get_ylim() for ax in plot.axes.values()]
    for hi in np.linspace(6.0, 6.5, 10):
        explorer.range_slider.value = (0.0, float(hi))
    assert [ax.get_ylim() for ax in plot.axes.values()] == y_limits  # the curves stayed inside
    assert (plot.layer_count, plot.y_layer_count) == (layers, y_layers)
    explorer.text.value = "40*sin(x)"  # new y-limits, and wider tick labels: a new margin
    assert plot.layer_count == layers and plot.y_layer_count == y_layers + 1
    explorer.order_toggles[2].value = True  # a new legend entry
    assert plot.layer_count == layers + 1


def test_artists_added_to_the_figure_are_drawn_where_matplotlib_draws_them():
    explorer = gl.explore("sin(x)", x_range=(0, 2 * np.pi), backend="png")
    plot = explorer._plot
    top = plot.axes["f"]
    top.axvspan(1.0, 2.0, color="red", alpha=0.3)
    top.text(3.0, 0.5, "a note", color="blue")
    for step in (lambda: setattr(explorer.range_slider, "value", (0.0, 7.0)),
                 lambda: setattr(explorer.order_toggles[2], "value", True),
                 lambda: setattr(explorer.text, "value", "3*sin(x)")):
        step()
        plot.draw_static()
        layered = pixels(plot.canvas)
        plot.canvas.draw()
        assert np.array_equal(layered, pixels(plot.canvas))
    red = (layered[..., 0] > 200) & (layered[..., 1] < 200) & (layered[..., 2] < 200)
    blue = (layered[..., 2] > 200) & (layered[..., 0] < 100)
    assert red.sum() > 1000 and blue.sum() > 50  # the span and the note are on the picture


def test_a_new_dpi_with_the_same_pixel_size_is_a_new_picture():
    explorer = gl.explore("sin(x)", x_range=(0, 2 * np.pi), backend="png")
    plot = explorer._plot
    width, height = plot.figure.get_size_inches()
    plot.figure.set_dpi(200)
    plot.figure.set_size_inches(width / 2, height / 2)  # still 680 x 420 pixels
    plot.draw_static()
    layered = pixels(plot.canvas)
    plot.canvas.draw()
    assert np.array_equal(layered, pixels(plot.canvas))


def test_a_function_that_reduces_over_the_grid_is_drawn_right():
    explorer = gl.explore(lambda t: t - gl.reduce_mean(t), x_range=(0, 1), n=5)
    assert not explorer.live_active  # no JavaScript for a mean over the grid
    x, y = explorer._plot.lines[0].get_data()
    assert np.allclose(y, x - 0.5)  # the mean of the grid, not of the grid and x0


def test_the_page_gets_the_orders_it_draws_and_links_that_outlive_a_formula():
    from node_runner import Node
    explorer = gl.explore("a*sin(b*x)", x_range=(0, 2 * np.pi))
    live = explorer.live
    link = explorer._parameter_links[0]
    explorer.text.value = "a*cos(b*x)"  # the same parameters: the same links
    assert explorer._parameter_links[0] is link
    node = Node()
    try:
        x = np.linspace(0, 2 * np.pi, 7)
        assert live.orders == [0, 1] and len(node.run(live.source, [x, 2.0, 3.0])) == 2
        explorer.order_toggles[3].value = True  # the third derivative switched on: the plan gains it
        outputs = node.run(live.source, [x, 2.0, 3.0])
        assert live.orders == [0, 1, 3] and len(outputs) == 4
        assert np.allclose(outputs[3], 2 * 27 * np.sin(3 * x))  # of a cos(bx): a b^3 sin(bx)
        explorer.order_toggles[3].value = False  # off again: the plan, which has it, stays
        assert live.orders == [0, 1] and len(node.run(live.source, [x, 2.0, 3.0])) == 4
    finally:
        node.close()
