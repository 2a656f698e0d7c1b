"""Stamped text (gradlab.widgets.text_stamps) against matplotlib's own text drawing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties
from matplotlib.text import Text

from gradlab.widgets import plotting
from gradlab.widgets.text_stamps import StampCanvas, StampRenderer

WIDTH, HEIGHT = 160, 120


def canvas_with(renderer_class, draw, **kwargs):
    """A renderer filled with a seaborn-like panel colour, after ``draw(renderer, gc)``."""
    args = (WIDTH, HEIGHT, kwargs.pop("dpi", 100))
    renderer = renderer_class(*args, {}) if renderer_class is StampRenderer else renderer_class(*args)
    background = np.empty((HEIGHT, WIDTH, 4), np.uint8)
    background[...] = (234, 234, 242, 255)
    renderer.draw_image(renderer.new_gc(), 0, 0, background)
    gc = renderer.new_gc()
    gc.set_foreground(kwargs.pop("color", "#262626"))
    for name, value in kwargs.items():
        getattr(gc, f"set_{name}")(value)
    draw(renderer, gc)
    return renderer, np.asarray(renderer.buffer_rgba()).copy()


TEXTS = ["0", "-0.25", "1.0", "f′(x)", "derivatives", "tangent at $x_0$", "$\\frac{1}{2}$", "Wg"]


@settings(max_examples=40, deadline=None)
@given(text=st.sampled_from(TEXTS), x=st.floats(30, 130), y=st.floats(30, 90),
       angle=st.sampled_from([0.0, 90.0]), size=st.sampled_from([7.0, 9.0, 12.5]),
       dpi=st.sampled_from([72, 100, 150]))
def test_a_stamp_is_exactly_the_text_drawn_at_the_rounded_anchor(text, x, y, angle, size, dpi):
    font = FontProperties(size=size)
    ismath = text.count("$") >= 2

    def draw_at(px, py):
        return lambda r, gc: r.draw_text(gc, px, py, text, font, angle, ismath=ismath)

    _, plain = canvas_with(RendererAgg, draw_at(math.floor(x + 0.5), math.floor(y + 0.5)), dpi=dpi)
    renderer, stamped = canvas_with(StampRenderer, draw_at(x, y), dpi=dpi)
    assert renderer.stamp_count == 1
    # equal, but for a colour level or two of rounding where two letters' pixels overlap
    assert np.abs(stamped.astype(int) - plain).max() <= 2
    assert (stamped != plain).any(axis=-1).sum() <= 5
    assert (plain != plain[0, 0]).any()  # something was drawn at all


def test_the_same_text_again_is_copied_not_drawn_again():
    font = FontProperties(size=9)
    stamps: dict = {}
    renderer = StampRenderer(WIDTH, HEIGHT, 100, stamps)
    gc = renderer.new_gc()
    for x in (10.2, 50.7, 90.0):
        renderer.draw_text(gc, x, 40.4, "0.5", font, 0.0)
    assert renderer.stamp_count == 1 and len(stamps) == 1
    renderer.draw_text(gc, 10.0, 80.0, "0.5", FontProperties(size=10), 0.0)  # a new size
    gc.set_foreground("#c44e52")
    renderer.draw_text(gc, 10.0, 100.0, "0.5", font, 0.0)  # a new colour
    assert renderer.stamp_count == 3
    ink = np.asarray(renderer.buffer_rgba())[..., 3] > 0
    columns = np.flatnonzero(ink[30:45].any(axis=0))  # the three copies on one row
    assert columns.min() < 20 and 50 <= columns[len(columns) // 2] and columns.max() > 90


def test_clipped_text_is_drawn_as_matplotlib_draws_it():
    from matplotlib.transforms import Bbox

    def draw(r, gc):
        r.draw_text(gc, 40, 60, "derivatives", FontProperties(size=14), 0.0)

    clip = Bbox.from_extents(50, 0, 80, HEIGHT)
    _, plain = canvas_with(RendererAgg, draw, clip_rectangle=clip)
    renderer, stamped = canvas_with(StampRenderer, draw, clip_rectangle=clip)
    assert renderer.stamp_count == 0  # drawn as matplotlib draws it
    np.testing.assert_array_equal(stamped, plain)


@pytest.mark.parametrize("angle, alpha", [(0.0, 0.5), (37.5, 1.0)])
def test_translucent_or_slanted_text_is_drawn_as_matplotlib_draws_it(angle, alpha):
    def draw(r, gc):
        r.draw_text(gc, 40.3, 60.6, "0.25", FontProperties(size=12), angle)

    renderer, stamped = canvas_with(StampRenderer, draw, alpha=alpha)
    _, plain = canvas_with(RendererAgg, draw, alpha=alpha)
    assert renderer.stamp_count == 0
    np.testing.assert_array_equal(stamped, plain)


def _figure_picture(stamp_text):
    plot = plotting.FunctionFigure(orders=(0, 1, 2), stamp_text=stamp_text)
    x = np.linspace(-2.3, 3.1, 200)
    plot.set_curves(x, {0: np.sin(3 * x) * x, 1: 3 * x * np.cos(3 * x) + np.sin(3 * x), 2: -x})
    plot.set_labels({0: "x \\sin(3x)", 1: "f'", 2: "f''"})
    plot.set_limits((-2.3, 3.1), (-3.3, 3.4), (-9.5, 9.9))
    plot.relayout()
    plot.canvas.draw()
    return plot, np.asarray(plot.canvas.buffer_rgba()).astype(int)


def test_a_stamped_figure_differs_from_matplotlibs_only_inside_its_texts():
    plain_plot, plain = _figure_picture(False)
    stamped_plot, stamped = _figure_picture(True)
    assert isinstance(stamped_plot.canvas, StampCanvas) and len(stamped_plot.canvas.stamps) > 10
    renderer = plain_plot.canvas.get_renderer()
    height = plain.shape[0]
    inside = np.zeros(plain.shape[:2], bool)  # every text's box, and 2 pixels around it
    for text in plain_plot.figure.findobj(Text):
        if text.get_visible() and text.get_text():
            box = text.get_window_extent(renderer)
            rows = slice(max(0, int(height - box.y1) - 2), int(height - box.y0) + 2)
            inside[rows, max(0, int(box.x0) - 2): int(box.x1) + 2] = True
    differs = (plain != stamped).any(axis=-1)
    assert differs.any()  # the anchors did move by a fraction of a pixel somewhere
    assert not (differs & ~inside).any()  # lines, grid and panels are untouched


@pytest.mark.parametrize("stamp_text", [False, True])
def test_function_figure_draws_text_as_asked(stamp_text):
    plot = plotting.FunctionFigure(stamp_text=stamp_text)
    assert isinstance(plot.canvas, StampCanvas) == stamp_text
