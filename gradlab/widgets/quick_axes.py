"""Axes drawn quickly, for a figure that redraws its axes on every slider move.

When the x range moves, the explorer draws its x axes again: grid lines, tick labels and
the axis label. matplotlib's ``Axis.draw`` does more than that on each call. It measures
the box of every tick label (to place an offset text such as ``1e6``, which is almost
always empty, and, unless the label is pinned, the axis label); it sends each grid line
and label through the full artist machinery; and each label's layout (its width, and
where its baseline sits) is worked out again from the font's tables, although it depends
only on the text and its style. On our 2-core test machine that was 5 ms per axis, a
third of an x-range move.

:func:`draw_axis` draws the same pixels with less of that:

* the ticks are matplotlib's own (``Axis._update_ticks``: its locator, its formatter,
  its tick positions), so the numbers shown never differ;
* the grid lines of an axis share one style, so they are drawn as one path, with the
  graphics context and transform each line would have had. Agg snaps each vertical (or
  horizontal) segment to the pixel grid the same way in one path as in several;
* tick labels and the axis label are drawn by their own ``Text.draw``, but their layout
  comes from :func:`cached_layouts`, computed once per text and style;
* the labels' boxes are measured only when something needs them: a y label, placed left
  of them from the ticks just drawn, or an offset text (then ``Axis.draw`` does it all).

Where an axis has anything else (minor ticks, visible tick marks, an offset text, a
non-rectilinear projection) it is drawn by ``Axis.draw`` unchanged; grid lines that differ
from each other are drawn tick by tick by ``Tick.draw``. The tests compare whole figures
drawn both ways, pixel by pixel.
"""

from __future__ import annotations

import contextlib
import functools
import weakref
from typing import Any, Iterator

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.ticker import NullLocator

MAX_LAYOUTS = 5000
"""Text layouts remembered per renderer; beyond that they are forgotten and worked out anew."""
_layouts: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # renderer -> {key: layout}


def _layout_key(text: Text, renderer: Any) -> tuple | None:
    """Everything ``Text._get_layout`` reads, or None when the layout cannot be shared
    (wrapped text, math, TeX, text turned with its transform)."""
    if (text.get_wrap() or text.get_usetex() or text.get_transform_rotates_text()
            or text._preprocess_math(text.get_text())[1]):
        return None
    # the font by its hash, as matplotlib's own text-metrics cache compares fonts
    return (text.get_text(), hash(text.get_fontproperties()),
            text.get_figure(root=True).dpi, text.get_rotation(), text.get_rotation_mode(),
            text.get_horizontalalignment(), text.get_verticalalignment(), text._get_multialignment(),
            text._linespacing, mpl.rcParams["text.hinting"], mpl.rcParams["text.hinting_factor"])


def _cached_layout(text: Text, renderer: Any) -> tuple:
    key = _layout_key(text, renderer)
    if key is None:
        return Text._get_layout(text, renderer)
    table = _layouts.setdefault(renderer, {})  # per renderer, as matplotlib keeps metrics
    layout = table.get(key)
    if layout is None:
        if len(table) >= MAX_LAYOUTS:
            table.clear()
        layout = table[key] = Text._get_layout(text, renderer)
    bbox, lines, box = layout
    return bbox.frozen(), lines, box  # a copy of the box: callers may move theirs


@contextlib.contextmanager
def cached_layouts(texts: Any) -> Iterator[None]:
    """While the ``with`` block runs, these ``Text`` artists take their layout from a table.

    ``Text._get_layout`` (the text's size, and where each of its lines sits relative to
    its anchor) depends on the string, the font, the alignment, the rotation and the dpi,
    never on where the text is. So within the block it is looked up in a table kept per
    renderer and keyed by those. Only these instances change, and only for the block:
    afterwards they, and every other text, are laid out by matplotlib as ever.
    """
    patched = [text for text in texts if "_get_layout" not in vars(text)]
    for text in patched:
        text._get_layout = functools.partial(_cached_layout, text)
    try:
        yield
    finally:
        for text in patched:
            del text._get_layout


MAX_GRID_LINES = 256
"""More grid lines than this are drawn one by one: Agg snaps a path to the pixel grid only
when it has at most 1024 vertices."""


def _line_style(line: Any) -> tuple | None:
    """What drawing a plain solid line depends on, or None if the line is not plain."""
    if (not line.get_visible() or line.get_linestyle() != "-" or line.get_marker() not in (None, "", "None", " ")
            or line.get_path_effects() or line.get_sketch_params() is not None
            or line.get_rasterized() or line.get_url() is not None or line.get_gid() is not None):
        return None
    box = line.clipbox
    clip_path = line.get_clip_path()
    return (id(line.get_transform()), line.get_clip_on(),
            None if box is None else tuple(box.get_points().ravel()),
            None if clip_path is None else id(clip_path),
            mcolors.to_rgba(line.get_color(), line.get_alpha()), line.get_linewidth(),
            line.get_antialiased(), line.get_solid_capstyle(), line.get_solid_joinstyle(), line.get_snap())


def _draw_lines_as_one(lines: list, renderer: Any) -> bool:
    """Draw straight two-point lines of one style as a single path, with the graphics
    context that ``Line2D.draw`` gives each of them. False (nothing drawn) if they differ."""
    styles = {_line_style(line) for line in lines}
    if not lines or len(styles) != 1 or None in styles:
        return not lines
    vertices = []
    for line in lines:
        # a tick's grid line keeps one x (or y) and the span [0, 1], broadcast as Line2D does
        x, y = np.broadcast_arrays(np.asarray(line.get_xdata(orig=True), dtype=float),
                                   np.asarray(line.get_ydata(orig=True), dtype=float))
        if x.shape != (2,):
            return False
        vertices += [(x[0], y[0]), (x[1], y[1])]
    codes = np.tile(np.array([Path.MOVETO, Path.LINETO], dtype=Path.code_type), len(lines))
    path = Path(np.asarray(vertices, dtype=float), codes)
    first = lines[0]
    transform = first.get_transform()
    path, affine = transform.transform_path_non_affine(path), transform.get_affine()
    gc = renderer.new_gc()
    first._set_gc_clip(gc)
    gc.set_antialiased(first.get_antialiased())
    gc.set_linewidth(first.get_linewidth())
    gc.set_joinstyle(first.get_solid_joinstyle())
    gc.set_capstyle(first.get_solid_capstyle())
    gc.set_snap(first.get_snap())
    gc.set_foreground(mcolors.to_rgba(first.get_color(), first.get_alpha()), isRGBA=True)
    gc.set_dashes(0, None)  # solid
    renderer.draw_path(gc, path, affine.frozen())
    gc.restore()
    for line in lines:
        line.stale = False
    return True


def _plain_axis(axis: Any) -> bool:
    """An axis this module draws itself: rectilinear, major ticks only, no tick marks."""
    return (axis.axes.name == "rectilinear"
            and (isinstance(axis.get_minor_locator(), NullLocator)
                 or not axis._tick_group_visible(axis._minor_tick_kw))
            and not axis.get_rasterized() and not axis.get_path_effects())


def _place_left_label(axis: Any, ticks: list, renderer: Any) -> bool:
    """Place a y axis label left of its tick labels, as ``YAxis._update_label_position``
    does, from the boxes of the ticks just drawn (matplotlib computes the ticks twice more
    for it: once for the labels, once for the spine). False if this is not that case: a
    label on the right, labels aligned across panels (``align_ylabels``), or no left spine."""
    axes = axis.axes
    group = axes.get_figure(root=False)._align_label_groups.get("y")
    spine = axes.spines.get("left")
    if (axis.axis_name != "y" or not axis._autolabelpos or axis.get_label_position() != "left"
            or spine is None or group is None or list(group.get_siblings(axes)) != [axes]):
        return False
    spine._adjust_location()
    # the spine's own box: its ticks would widen it, but they are hidden (see draw_axis)
    edges = [Patch.get_window_extent(spine, renderer).xmin]
    edges += [tick.label1.get_window_extent(renderer).xmin for tick in ticks
              if tick.label1.get_visible() and tick.label1.get_in_layout()]
    x, y = axis.label.get_position()
    axis.label.set_position((min(edges) - axis.labelpad * axes.get_figure(root=True).dpi / 72, y))
    return True


def draw_axis(axis: Any, renderer: Any) -> None:
    """Draw a matplotlib ``Axis`` (ticks, grid lines, tick labels, axis label) as
    ``Axis.draw`` draws it, faster (see the module's docstring)."""
    if not axis.get_visible():
        return
    if not _plain_axis(axis):
        axis.draw(renderer)
        return
    placed = axis._update_ticks()  # the label is placed from all of them, as matplotlib does
    ticks = [tick for tick in placed if tick.get_visible()]  # Tick.draw draws only these
    if axis.major.formatter.get_offset() or any(
            tick.tick1line.get_visible() or tick.tick2line.get_visible() for tick in ticks):
        axis.draw(renderer)  # an offset text is placed from the labels' boxes: all of it
        return
    with cached_layouts([axis.label, *(label for tick in placed for label in (tick.label1, tick.label2))]):
        _draw_ticks_and_label(axis, ticks, placed, renderer)
    axis.offsetText.set_text("")  # what Axis.draw shows there: the formatter's empty offset
    axis.stale = False


def _draw_ticks_and_label(axis: Any, ticks: list, placed: list, renderer: Any) -> None:
    grid = [tick.gridline for tick in ticks if tick.gridline.get_visible()]
    if len(grid) <= MAX_GRID_LINES and _draw_lines_as_one(grid, renderer):
        for tick in ticks:  # grid lines lie inside the axes, the labels outside them
            for label in (tick.label1, tick.label2):
                if label.get_visible():
                    label.draw(renderer)
            tick.stale = False
    else:
        for tick in ticks:
            tick.draw(renderer)
    if not _place_left_label(axis, placed, renderer):
        axis._update_label_position(renderer)  # nothing to do for a pinned label
    axis.label.draw(renderer)
