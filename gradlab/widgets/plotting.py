"""Seaborn-styled figures of f and its derivatives.

:class:`FunctionFigure` owns one matplotlib ``Figure`` (made without pyplot, so it
never piles up in pyplot's list of open figures) and redraws it by moving line
data with ``set_data``. :func:`plot` makes one for a single picture; the explorer
keeps one alive and redraws it on every slider move.

Styling comes from seaborn's "darkgrid" theme, applied only while gradlab draws
(:func:`gradlab_style`), so your own matplotlib settings are never changed.
"""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any, Iterator, Sequence

import matplotlib
import numpy as np
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from ..show.expr import Expression, as_expression
from .png import encode_png
from .quick_axes import draw_axis
from .text_stamps import StampCanvas

ORDER_LATEX = {0: "f", 1: "f'", 2: "f''", 3: "f'''"}
PLAIN_NAMES = {0: "f", 1: "f′", 2: "f″", 3: "f‴"}
LEGEND_FORMULA_LIMIT = 60  # longer formulas get a short legend entry


def legend_label(order: int, latex: str) -> str:
    """``$f'(x) = 3 x^{2}$``, or just ``$f'(x)$`` when the formula is too long for a legend."""
    name = ORDER_LATEX[order]
    if len(latex) > LEGEND_FORMULA_LIMIT:
        return f"${name}(x)$"
    # matplotlib's mathtext, unlike LaTeX, puts no space before \cos in "a \cos(x)"
    spaced = re.sub(r"(?<=[\w}]) \\(?=[a-z]{2,})", r"\\, \\", latex)
    return f"${name}(x) = {spaced}$"


def evaluate_curves(expression: Expression, x: np.ndarray, orders: Sequence[int], /,
                    **params: float) -> dict[int, np.ndarray]:
    """f and its derivatives on ``x``; derivatives are blanked where f itself is undefined
    (the slope of log(x) means nothing for x <= 0). Infinities become nan (gaps)."""
    wanted = tuple(sorted(set(orders) | {0}))
    with np.errstate(all="ignore"):
        values = dict(zip(wanted, expression.evaluate(x, wanted, **params)))
    undefined = ~np.isfinite(values[0])
    result = {}
    for k in orders:
        v = np.asarray(values[k], dtype=float)
        result[k] = np.where(undefined | ~np.isfinite(v), np.nan, v)
    return result


@contextlib.contextmanager
def gradlab_style() -> Iterator[None]:
    """Seaborn's darkgrid look and the "deep" palette, for the duration of a ``with`` block."""
    palette = sns.color_palette("deep")
    with sns.axes_style("darkgrid"), sns.plotting_context("notebook", font_scale=0.9), \
            matplotlib.rc_context({"axes.prop_cycle": matplotlib.cycler(color=palette)}):
        yield


def undefined_regions(x: np.ndarray, y: np.ndarray) -> list[tuple[float, float]]:
    """The x intervals where ``y`` is nan or infinite (shown as gaps in the plot)."""
    bad = ~np.isfinite(y)
    if not bad.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[False], bad, [False]]).astype(int)))
    return [(float(x[start]), float(x[stop - 1])) for start, stop in zip(edges[::2], edges[1::2])]


PLOT_LIMIT = 1e100
"""Values this large cannot be told apart on a screen; limits ignore them (differences of
numbers near 1e308 would overflow), so ``1e12**25*sin(x)`` still gets usable axes."""


def curve_extent(*arrays: np.ndarray) -> tuple[float, float] | None:
    """The y span the curves need: their lowest and highest values, ignoring nan/inf and
    the spikes near a pole (a flat curve gets a band around its value); None if there
    is nothing to draw."""
    values = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.zeros(1)
    values = values[np.abs(values) < PLOT_LIMIT]  # also drops nan and inf
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    p_lo, p_hi = np.percentile(values, [2, 98])
    if hi - lo > 20 * max(p_hi - p_lo, 1e-12):  # a pole: keep the body of the curve in view
        lo, hi = float(p_lo), float(p_hi)
    if hi - lo < 1e-9 * max(1.0, abs(lo), abs(hi)):  # flat: a band around the value
        pad = max(1.0, 0.1 * max(abs(lo), abs(hi)))
        lo, hi = lo - pad, hi + pad
    return lo, hi


def padded_limits(extent: tuple[float, float] | None) -> tuple[float, float]:
    """y-limits for curves of this :func:`curve_extent`, with 8% to spare on each side."""
    if extent is None:
        return -1.0, 1.0
    lo, hi = extent
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


def robust_limits(*arrays: np.ndarray) -> tuple[float, float]:
    """y-limits that show the curves (:func:`curve_extent`) with 8% to spare on each side."""
    return padded_limits(curve_extent(*arrays))


HEADROOM = 0.5
"""When a curve leaves its axes, the new y-limits leave this much of the curves' span free
on each side, so that a steady drag rescales a few times, not on every step (the same
rule as the browser's, in ``live_plot.js``)."""
SHRINK_BELOW = 0.25
"""The axes shrink only when the curves use less than this fraction of them."""
MARGIN_SLACK = 12.0
"""Pixels of room to spare beside the y tick labels before the left margin shrinks."""


def kept_limits(current: tuple[float, float], span: tuple[float, float], fill: float) -> bool:
    """Whether axes with y-limits ``current`` can stay for curves spanning ``span``: the
    span lies inside them and covers at least the fraction ``fill`` of them."""
    (old_lo, old_hi), (lo, hi) = current, span
    return old_lo <= lo and hi <= old_hi and hi - lo >= fill * (old_hi - old_lo)


def settled_limits(current: tuple[float, float] | None,
                   fitted: tuple[float, float]) -> tuple[float, float]:
    """y-limits for curves whose :func:`robust_limits` are ``fitted``, given the axes now.

    The axes stay as they are while the curves fit inside and use at least
    ``SHRINK_BELOW`` of them (hysteresis: a redraw that keeps its axes is cheap, and a
    student sees the curve move, not the axes). Otherwise they are refitted with
    ``HEADROOM`` to spare on each side.
    """
    lo, hi = fitted
    if current is not None and kept_limits(current, fitted, SHRINK_BELOW):
        return current
    room = HEADROOM * (hi - lo)
    return lo - room, hi + room


def break_jumps(y: np.ndarray, limits: tuple[float, float]) -> np.ndarray:
    """``y`` with a gap where it jumps across a pole, such as that of ``1/(x-1)``: between
    two neighbouring points the curve changes sign by more than half the view, and on
    both sides it was growing fast towards the jump (or it leaves beyond one edge of the
    axes and comes back beyond the other). Joining those two points would draw a false
    vertical line; the gap is what the function does."""
    lo, hi = limits
    with np.errstate(invalid="ignore"):
        a, b = y[:-1], y[1:]
        jump = ((a > hi) & (b < lo)) | ((a < lo) & (b > hi))
        if y.size >= 4:
            size = np.abs(y)
            growing = np.zeros_like(jump)
            growing[1:-1] = (size[1:-2] > 1.5 * size[:-3]) & (size[2:-1] > 1.5 * size[3:])
            jump |= (np.sign(a) * np.sign(b) < 0) & (np.abs(b - a) > 0.5 * (hi - lo)) & growing
    if not jump.any():
        return y
    y = y.copy()
    y[:-1][jump] = np.nan
    y[1:][jump] = np.nan
    return y


class NotebookFigure(Figure):
    """A matplotlib Figure that shows itself as a picture in a notebook, with no
    ``%matplotlib`` step (its ``_repr_png_``); everything else is a plain Figure."""

    def _repr_png_(self) -> bytes:
        return render_png(self)


class FunctionFigure:
    """A persistent figure of f (top panel) and its derivatives (bottom panel).

    ``set_curves``, ``set_tangent`` and ``set_limits`` move the lines and axes;
    ``draw_static`` renders what does not move; ``png()`` encodes. With
    ``stamp_text=True`` text is drawn by :class:`~gradlab.widgets.text_stamps.StampCanvas`
    (each label rendered once, at a whole-pixel anchor), for figures redrawn many times.
    """

    def __init__(self, orders: Sequence[int] = (0, 1), figsize: tuple[float, float] = (8, 5),
                 dpi: int = 100, formula_legend: bool = True, stamp_text: bool = False) -> None:
        self.formula_legend = formula_legend
        with gradlab_style():
            self.figure = NotebookFigure(figsize=figsize, dpi=dpi, layout="constrained")
            # stamp_text: each text is rendered once and copied after (see text_stamps)
            self.canvas = (StampCanvas if stamp_text else FigureCanvasAgg)(self.figure)
            top, bottom = self.figure.subplots(2, 1, sharex=True, height_ratios=(1, 1))
        self.axes = {"f": top, "d": bottom}
        colors = sns.color_palette("deep")
        self.lines = {}
        for k in range(4):
            ax = top if k == 0 else bottom
            (self.lines[k],) = ax.plot([], [], color=colors[k], lw=2 if k < 2 else 1.6,
                                       ls="-" if k < 2 else "--")
        self.zero_lines = [ax.axhline(0, color="#555555", lw=0.8, zorder=1) for ax in (top, bottom)]
        (self.tangent,) = top.plot([], [], color=colors[3], lw=1.4, ls=":")
        (self.point_f,) = top.plot([], [], "o", color=colors[0], ms=7, mec="white")
        (self.point_d,) = bottom.plot([], [], "o", color=colors[1], ms=7, mec="white")
        self.markers = [bottom.axvline(np.nan, color="#888888", lw=0.8, ls=":"),
                        top.axvline(np.nan, color="#888888", lw=0.8, ls=":")]
        for ax in (top, bottom):
            ax.yaxis.set_major_locator(MaxNLocator(5))
        top.set_ylabel("f(x)")
        bottom.set_ylabel("derivatives")
        bottom.set_xlabel("x")
        self.orders = tuple(orders)
        self._legend_key: tuple | None = None  # what the legends show (set_labels)
        self._layout_key: tuple | None = None  # what the margins were fitted to (relayout)
        self._generation = 0  # bumped whenever legends or the layout change (not the left margin)
        self._layer: Any = None  # draw_static's cached pixels: the legends on the figure,
        self._layer_key: tuple | None = None
        self._legend_boxes: tuple = (None, [])  # (layout key, where the legends are in pixels)
        self._faces: Any = None  # with the panels' faces drawn over them,
        self._faces_key: tuple | None = None
        self._y_layer: Any = None  # and with the y axes over those
        self._y_layer_key: tuple | None = None
        self._widest_for: tuple = (None, 0.0)  # _widest_ytick's last answer, by y-limits
        self._text_widths: dict[tuple, float] = {}  # (tick label, font) -> width in pixels
        self._static: Any = None  # draw_static's last whole picture, and what it showed
        self._static_key: tuple | None = None
        self.layer_count = 0  # how often draw_static drew the figure's legends (the rest reuse them)
        self.y_layer_count = 0  # how often it drew the y axes over the base
        self.relayout_count = 0  # how often the margins were fitted (constrained layout)
        self.relayout()
        self.dynamic = [*self.lines.values(), self.tangent, self.point_f, self.point_d, *self.markers]
        self._own_lines = {id(line) for line in [*self.dynamic, *self.zero_lines]}

    def legends(self) -> list:
        """The legends currently on the figure."""
        return [ax.get_legend() for ax in self.axes.values()
                if ax.get_legend() is not None and ax.get_visible()]

    def relayout(self) -> None:
        """Fit the margins to the current labels once, then freeze them.

        Constrained layout costs hundreds of milliseconds per draw, far too slow for a
        slider, so it runs only when asked (a new formula), not on every redraw.
        """
        self.figure.set_layout_engine("constrained")
        self.figure.get_layout_engine().execute(self.figure)
        self.figure.set_layout_engine("none")
        self._layout_key = self._layout_content()
        self._margin = (self._left_edge(), self._widest_ytick())
        self._generation += 1
        self.relayout_count += 1

    def pin_x_labels(self) -> None:
        """Fix each x label at the distance below its panel that matplotlib chose for it.

        Left to itself, matplotlib places an x label on every draw by measuring every
        tick label of the axis: a quarter of the time an x-range move spends drawing
        the x axes. But x tick labels are one line high whatever numbers they show, so
        the distance never changes. It is measured once here, in points, and the label
        then rides on the panel's own coordinates, following it through every later
        layout and margin move. The explorer pins its labels; :func:`plot` does not,
        since a figure it returns may get larger tick labels (``tick_params``) later.
        """
        renderer = self.canvas.get_renderer()
        for ax in self.axes.values():
            ax.xaxis.get_tightbbox(renderer)  # places the label for the current layout
            below = (ax.bbox.y0 - ax.xaxis.label.get_position()[1]) * 72 / self.figure.dpi
            x = ax.xaxis.label.get_position()[0]
            ax.xaxis.set_label_coords(x, 0.0, transform=offset_copy(
                ax.transAxes, self.figure, y=-below, units="points"))

    def _layout_content(self) -> tuple:
        """What a full layout depends on besides tick labels: the legends and the panels."""
        return self._legend_key, tuple(ax.get_visible() for ax in self.axes.values())

    def _left_edge(self) -> float:
        """The panels' left edge, in pixels from the figure's left (both panels share it)."""
        return self.axes["f"].get_position().x0 * self.figure.bbox.width

    def _y_state(self) -> tuple:
        """Which panels are shown, and their y-limits: what the y tick labels depend on."""
        return tuple((ax.get_visible(), ax.get_ylim()) for ax in self.axes.values())

    def _widest_ytick(self) -> float:
        """The width in pixels of the widest y tick label of the shown panels at the current
        limits, read off the locator, the formatter and the font (nothing is drawn)."""
        key = self._y_state()
        if key == self._widest_for[0]:
            return self._widest_for[1]
        renderer = self.canvas.get_renderer()
        widest = 0.0
        for ax in self.axes.values():
            if not ax.get_visible():
                continue
            lo, hi = sorted(ax.get_ylim())
            locs = [v for v in ax.yaxis.get_majorticklocs() if lo <= v <= hi]
            font = ax.yaxis.get_major_ticks()[0].label1.get_fontproperties()
            for text in ax.yaxis.get_major_formatter().format_ticks(locs) if locs else []:
                # a label's width depends on its text and font only: measured once
                # (laying out text is slow, and labels such as "0.5" come back often)
                label = (text, hash(font), self.figure.dpi)
                if label not in self._text_widths:
                    width, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
                    self._text_widths[label] = width
                widest = max(widest, self._text_widths[label])
        self._widest_for = (key, widest)
        return widest

    def fit_layout(self) -> bool:
        """Keep the margins fitted to what is shown, cheaply. Call it after :meth:`set_limits`.

        New legends or panels need a full :meth:`relayout` (constrained layout: tens of
        milliseconds). New y-limits only change the width of the y tick labels, so then
        the panels' left edge moves by as much as the widest label grew, in a few
        microseconds, and only when it grew, or shrank by more than ``MARGIN_SLACK``
        pixels (hysteresis: a margin a little too wide is fine, a jumping one is not).
        Returns True if the margins moved.
        """
        if self._layout_key != self._layout_content():
            self.relayout()
            return True
        left, widest_then = self._margin
        widest = self._widest_ytick()
        if widest_then - MARGIN_SLACK <= widest <= widest_then:
            return False
        width = self.figure.bbox.width
        new_left = left + widest - widest_then
        for ax in self.axes.values():
            box = ax.get_position()
            ax.set_position([new_left / width, box.y0, box.x1 - new_left / width, box.height])
        self._margin = (new_left, widest)  # draw_static sees the new left edge itself
        return True

    def draw_static(self) -> None:
        """Render everything but the moving artists (which must be ``animated``) onto the
        canvas, redrawing only what changed.

        The picture is composed in four layers, each kept as pixels:

        1. the legends on the white figure, drawn by matplotlib with everything else
           hidden; redrawn only when the legends, the layout or the canvas change;
        2. the panels' grey faces over that: only these move when :meth:`fit_layout`
           moves the left margin for wider y tick labels;
        3. the y axes (horizontal grid lines, y tick labels, y labels), drawn by
           :func:`~gradlab.widgets.quick_axes.draw_axis`; redrawn when the y-limits
           change (a new formula, a rescale);
        4. the x axes, the zero lines and the spines (the panels' edges) over that, on
           every call that changes the x range.

        Within a panel this is matplotlib's own order, but for two swaps that change no
        pixel: the legends lie outside the panels, and the x and y grid lines are opaque
        lines of one colour, so which of them comes first does not matter. So the picture
        is the one ``canvas.draw()`` makes (the tests compare them pixel by pixel), and it
        does not depend on what was cached. The composed picture is kept as well: when
        nothing it shows changed since the last call (a new formula whose curves fit the
        axes it has), it is put back as it was.

        Anything added to the figure from outside (``explorer.figure.axes[0].axvspan(...)``,
        a text), or a legend that reaches into a panel, would fall between those layers, so
        then the whole figure is drawn by matplotlib on every call, slower but right.
        """
        canvas = self.canvas
        renderer = canvas.get_renderer()
        axes = list(self.axes.values())
        shown = [ax for ax in axes if ax.get_visible()]
        spines = [spine for ax in axes for spine in ax.spines.values()]
        boxes = [ax.get_position() for ax in shown]
        legends_key = (self._generation, canvas.get_width_height(), self.figure.dpi,
                       tuple(ax.get_legend() is not None and ax.get_legend().get_visible() for ax in axes),
                       tuple(ax.get_visible() for ax in axes),
                       tuple((round(b.x1, 9), b.y0, b.y1) for b in boxes))  # legends sit top right
        if legends_key != self._legend_boxes[0]:  # where the legends are: measured once per layout
            self._legend_boxes = (legends_key, [
                legend.get_window_extent(renderer).padded(1.0) for legend in
                (ax.get_legend() for ax in shown) if legend is not None and legend.get_visible()])
        if self._has_added_artists() or any(box.overlaps(ax.bbox) for box in self._legend_boxes[1]
                                            for ax in shown):
            # something lies between the layers: an added artist, or a legend reaching into
            # a panel (margins not fitted since a new size, say); matplotlib draws it all
            self._static_key = None
            canvas.draw()  # the moving artists are animated: not drawn here either
            self._static = canvas.copy_from_bbox(self.figure.bbox)
            self.layer_count += 1
            return
        faces_key = (legends_key, tuple(b.x0 for b in boxes))
        y_key = (faces_key, self._y_state(), tuple(ax.yaxis.get_visible() for ax in shown))
        shown_key = (y_key, self.axes["f"].get_xlim(), tuple(ax.xaxis.get_visible() for ax in shown),
                     tuple(artist.get_visible() for artist in [*self.zero_lines, *spines]))
        if shown_key == self._static_key and self._layer is not None:
            canvas.restore_region(self._static)  # a new formula that kept its axes, say
            return
        if legends_key != self._layer_key or self._layer is None:
            self._draw_hiding([artist for ax in axes for artist in (ax.patch, ax.xaxis, ax.yaxis)]
                              + self.zero_lines + spines)
            self._layer, self._layer_key = canvas.copy_from_bbox(self.figure.bbox), legends_key
            self._faces_key = None
            self.layer_count += 1
        if faces_key != self._faces_key:
            canvas.restore_region(self._layer)
            for ax in shown:  # the face first, as Axes.draw does; the legend lies outside it
                ax.patch.draw(renderer)
            self._faces, self._faces_key = canvas.copy_from_bbox(self.figure.bbox), faces_key
            self._y_layer_key = None
        if y_key != self._y_layer_key:
            canvas.restore_region(self._faces)
            for ax in shown:
                draw_axis(ax.yaxis, renderer)
            self._y_layer, self._y_layer_key = canvas.copy_from_bbox(self.figure.bbox), y_key
            self.y_layer_count += 1
        else:
            canvas.restore_region(self._y_layer)
        for ax in shown:
            draw_axis(ax.xaxis, renderer)
        for ax, line in zip(axes, self.zero_lines):
            if ax.get_visible():  # in matplotlib's order: the zero line (zorder 1), the spines
                line.draw(renderer)
                for spine in ax.spines.values():
                    spine.draw(renderer)
        self._static, self._static_key = canvas.copy_from_bbox(self.figure.bbox), shown_key

    def _draw_hiding(self, hidden: list) -> None:
        """``canvas.draw()`` with these artists hidden for the while."""
        visible = [artist.get_visible() for artist in hidden]
        for artist in hidden:
            artist.set_visible(False)
        try:
            self.canvas.draw()
        finally:
            for artist, was in zip(hidden, visible):
                artist.set_visible(was)

    def _has_added_artists(self) -> bool:
        """Whether the figure holds artists it did not make itself (see :meth:`draw_static`)."""
        figure = self.figure
        if (figure.texts or figure.patches or figure.lines or figure.images or figure.artists
                or figure.legends or len(figure.axes) != 2 or figure.subfigs):
            return True
        return any(ax.patches or ax.texts or ax.collections or ax.images or ax.tables or ax.artists
                   or ax.child_axes or any(id(line) not in self._own_lines for line in ax.lines)
                   for ax in self.axes.values())

    @property
    def static_key(self) -> tuple | None:
        """What the last :meth:`draw_static` showed: equal keys, the same pixels."""
        return self._static_key

    # -- data ------------------------------------------------------------------
    def set_curves(self, x: np.ndarray, values: dict[int, np.ndarray]) -> None:
        """Show ``values[k]`` (the k-th derivative on ``x``) for each shown order."""
        for k, line in self.lines.items():
            if k in values:
                line.set_data(x, values[k])
                line.set_visible(True)
            else:
                line.set_data([], [])
                line.set_visible(False)

    def set_tangent(self, x0: float | None, f0: float = np.nan, d0: float = np.nan,
                    x_range: tuple[float, float] = (0.0, 1.0)) -> None:
        """The tangent line to f at x0, and the points (x0, f(x0)) and (x0, f'(x0))."""
        shown = x0 is not None and np.isfinite(f0) and np.isfinite(d0)
        if not shown:
            for artist in (self.tangent, self.point_f, self.point_d):
                artist.set_data([], [])
            for marker in self.markers:
                marker.set_xdata([np.nan, np.nan])
            return
        xs = np.array(x_range, dtype=float)
        self.tangent.set_data(xs, f0 + d0 * (xs - x0))
        self.point_f.set_data([x0], [f0])
        self.point_d.set_data([x0], [d0] if 1 in self.orders else [np.nan])
        for marker in self.markers:
            marker.set_xdata([x0, x0])

    def set_labels(self, latex: dict[int, str]) -> None:
        """Legend entries with each curve's formula (the legends are rebuilt only when
        what they list changed)."""
        for k, line in self.lines.items():
            text = latex.get(k)
            if text is None:
                line.set_label("_hidden")
            else:  # plain labels draw much faster than mathtext (for live redraws)
                line.set_label(legend_label(k, text) if self.formula_legend else f"{PLAIN_NAMES[k]}(x)")
        self.tangent.set_label("tangent at $x_0$")
        listed = {name: [h for h in ax.get_lines() if h.get_visible()
                         and not h.get_label().startswith("_") and len(h.get_xdata())]
                  for name, ax in self.axes.items()}
        key = tuple((name, tuple((id(h), h.get_label()) for h in handles))
                    for name, handles in listed.items())
        if key == self._legend_key:
            return
        self._legend_key = key
        self._generation += 1
        for name, ax in self.axes.items():
            handles = listed[name]
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            if handles:
                with gradlab_style():
                    # above the panel, in a row: a legend inside the axes sits on top of
                    # some curve sooner or later (and searching for a free spot on every
                    # redraw is too slow for a slider); long formulas take two rows
                    columns = len(handles) if not self.formula_legend or len(handles) < 3 else 2
                    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0),
                              ncol=columns, fontsize=9, frameon=False, borderaxespad=0.1,
                              handlelength=1.6, columnspacing=1.2)

    def set_limits(self, x_range: tuple[float, float], f_limits: tuple[float, float],
                   d_limits: tuple[float, float]) -> None:
        self.axes["f"].set_xlim(*x_range)
        self.axes["f"].set_ylim(*f_limits)
        self.axes["d"].set_ylim(*d_limits)
        for k, line in self.lines.items():  # a pole is a gap, not a vertical line
            x, y = line.get_data()
            if len(x):
                line.set_data(x, break_jumps(np.asarray(y, dtype=float), f_limits if k == 0 else d_limits))
        self.axes["d"].set_visible(any(k > 0 for k in self.orders))

    # -- output ------------------------------------------------------------------
    def png(self) -> bytes:
        """The current canvas as PNG bytes."""
        return canvas_png(self.canvas)


def canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """What an Agg canvas shows now, as PNG bytes, without re-rendering the figure.

    This runs on every slider move, so it uses gradlab's own fast encoder
    (:func:`gradlab.widgets.png.encode_png`), not Pillow's.
    """
    return encode_png(np.asarray(canvas.buffer_rgba()))


def plot(f: Any, x_range: tuple[float, float] = (-5.0, 5.0), orders: Sequence[int] = (0, 1),
         n: int = 400, ax: Any = None, params: dict[str, float] | None = None,
         **more_params: float) -> Figure:
    """A seaborn-styled figure of f and the derivatives in ``orders`` over ``x_range``.

    ``f`` may be a formula (``"sin(x)*exp(-x/5)"``), an :class:`Expression`, or a
    function of a tensor. Parameters of a formula are given by name:
    ``gl.plot("a*sin(b*x)", (0, 6), a=2, b=3)``, or in the dict ``params`` for a parameter
    that shares its name with an argument (``params={"n": 2}``). With ``ax``, everything is drawn on
    that one matplotlib Axes instead of a new figure. Regions where f is not
    defined (``log(x)`` for x <= 0) are left as gaps. The figure shows itself in a
    notebook, with or without ``%matplotlib inline``.
    """
    expression = as_expression(f)
    params = {**(params or {}), **more_params}
    orders = tuple(sorted(set(orders)))
    if not orders or min(orders) < 0 or max(orders) > 3:
        raise ValueError(f"orders are 0 (f), 1 (f'), 2 (f'') or 3 (f'''), not {orders!r}")
    lo, hi = float(x_range[0]), float(x_range[1])
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"x_range must be two finite numbers, low then high: {x_range!r}")
    x = np.linspace(lo, hi, int(n))
    values = evaluate_curves(expression, x, orders, **params)
    latex = {k: expression.derivative(k).to_latex() for k in orders}
    if ax is not None:
        with gradlab_style():
            for k in orders:
                ax.plot(x, values[k], label=legend_label(k, latex[k]))
            ax.axhline(0, color="#555555", lw=0.8, zorder=1)
            ax.set_xlim(lo, hi)
            ax.set_ylim(*robust_limits(*values.values()))
            ax.set_xlabel("x")
            ax.legend(loc="upper right", fontsize=9)
        return ax.figure
    figure = FunctionFigure(orders)
    figure.figure.set_layout_engine("constrained")  # a one-off picture: lay out on every draw
    figure.set_curves(x, values)
    figure.set_labels(latex)
    derivative_values = [v for k, v in values.items() if k > 0]
    figure.set_limits((lo, hi), robust_limits(values[0]) if 0 in values else (-1, 1),
                      robust_limits(*derivative_values) if derivative_values else (-1, 1))
    if 0 not in orders:  # only derivatives: use the top panel for nothing
        figure.axes["f"].set_visible(False)
    return figure.figure


def render_png(figure: Figure, dpi: int | None = None) -> bytes:
    """Encode a figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


