"""A plot that redraws in the browser: the compiled plan, run as JavaScript on a canvas.

:class:`LivePlot` is an anywidget (its front end is ``live_plot.js``, shipped in this
package, no build step). The kernel renders, with matplotlib, everything that does not
move (axes, grid, ticks, labels, legends, zero lines) into a background PNG, and sends
it with the pixel box and data limits of each panel, the plan of f and its derivatives as
JavaScript (:func:`gradlab.compile.javascript.javascript_plan`), the x range, and the
line styles read off the matplotlib artists. The browser then evaluates the plan and
draws the curves, the tangent and the points itself, on every parameter or x0 move,
with no kernel round trip: the explorer's sliders reach the traits ``p0`` .. ``p7`` and
``x0`` through ``jsdlink``, a link that lives in the browser.

When a curve leaves its panel, the front end asks the kernel (a custom message
``{"type": "limits", "f": [lo, hi], "d": [lo, hi]}``) for a new background with
those limits, at most a few times a second, and keeps drawing on the old axes until
the new one arrives. It first says ``{"type": "hello"}`` and asks only once the
kernel answered (however late: a kernel busy with other cells answers when it is free);
a page with no kernel (an HTML export with saved widget state) goes on redrawing every
parameter move on the saved axes, and says on the canvas when a curve leaves them.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import anywidget
import numpy as np
import traitlets
from matplotlib.colors import to_hex, to_rgba

MAX_PARAMETERS = 8
"""The traits ``p0`` .. ``p7``: a formula with more parameters is redrawn in the kernel."""


class LivePlot(anywidget.AnyWidget):
    """The canvas of the live explorer (see :mod:`gradlab.widgets.live_plot`).

    ``value`` is the PNG the kernel would show for the current state (rendered on
    demand by ``png_source``, for tests and for saving), so a LivePlot can stand where
    an ``ipywidgets.Image`` stood.
    """

    _esm = pathlib.Path(__file__).with_name("live_plot.js")

    background = traitlets.Bytes(b"").tag(sync=True)  # PNG: everything that does not move
    width = traitlets.Int(680).tag(sync=True)  # CSS pixels of the picture
    height = traitlets.Int(420).tag(sync=True)
    panels = traitlets.List([]).tag(sync=True)  # [{name, box: [x, y, w, h] from the top left, xlim, ylim, visible}]
    source = traitlets.Unicode("").tag(sync=True)  # the plan: "(function (inputs) {...})"
    x_range = traitlets.List([0.0, 1.0]).tag(sync=True)
    n = traitlets.Int(400).tag(sync=True)  # points on the x grid (numpy's linspace)
    orders = traitlets.List([0, 1]).tag(sync=True)
    styles = traitlets.Dict({}).tag(sync=True)  # per artist: color, width, dashes, radius ...
    version = traitlets.Int(0).tag(sync=True)  # bumped last: a whole new frame is here
    tangent = traitlets.Bool(True).tag(sync=True)
    x0 = traitlets.Float(0.0).tag(sync=True)
    parameter_count = traitlets.Int(0).tag(sync=True)
    p0 = traitlets.Float(1.0).tag(sync=True)
    p1 = traitlets.Float(1.0).tag(sync=True)
    p2 = traitlets.Float(1.0).tag(sync=True)
    p3 = traitlets.Float(1.0).tag(sync=True)
    p4 = traitlets.Float(1.0).tag(sync=True)
    p5 = traitlets.Float(1.0).tag(sync=True)
    p6 = traitlets.Float(1.0).tag(sync=True)
    p7 = traitlets.Float(1.0).tag(sync=True)

    def __init__(self, png_source: Callable[[], bytes] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.png_source = png_source
        self.limit_handlers: list[Callable[[tuple | None, tuple | None], None]] = []
        self.on_msg(self._on_message)

    @property
    def value(self) -> bytes:
        """PNG bytes of the full picture (background and curves), drawn by the kernel."""
        return self.png_source() if self.png_source is not None else self.background

    def _on_message(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "hello":
            self.send({"type": "hello"})  # a kernel is here: the page may ask for new axes
            return
        if not isinstance(content, dict) or content.get("type") != "limits":
            return
        limits = [_limits_or_none(content.get(key)) for key in ("f", "d")]
        for handler in self.limit_handlers:
            handler(*limits)

    def __repr__(self) -> str:
        return "LivePlot()"


def _limits_or_none(value: Any) -> tuple[float, float] | None:
    """Two finite floats, low then high, from the browser; anything else is None."""
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        return None
    return lo, hi


# -- what the front end needs to know about a matplotlib figure ------------------------

def panel_boxes(plot: Any, x_range: tuple[float, float]) -> list[dict]:
    """Each panel's pixel box (x, y, width, height from the top left) and data limits."""
    height = plot.figure.bbox.height
    boxes = []
    for name, ax in plot.axes.items():
        box = ax.bbox
        boxes.append({"name": name, "box": [float(v) for v in (box.x0, height - box.y1, box.width, box.height)],
                      "xlim": [float(v) for v in ax.get_xlim()],
                      "ylim": [float(v) for v in ax.get_ylim()], "visible": bool(ax.get_visible())})
    return boxes


def line_style(line: Any, dpi: float) -> dict:
    """A Line2D's look in canvas terms (pixels, CSS colors), as Agg would draw it."""
    px = dpi / 72.0
    offset, dashes = line._dash_pattern  # in points, already scaled by the line width
    color = to_rgba(line.get_color(), line.get_alpha())
    edge = line.get_markeredgecolor()
    return {
        "color": to_hex(color), "alpha": float(color[3]), "width": line.get_linewidth() * px,
        "dashes": [d * px for d in dashes] if dashes else [], "dash_offset": (offset or 0) * px,
        "cap": _cap(line.get_solid_capstyle()), "dash_cap": _cap(line.get_dash_capstyle()),
        "join": _join(line.get_solid_joinstyle()),
        "radius": line.get_markersize() * px / 2, "edge_width": line.get_markeredgewidth() * px,
        "edge_color": to_hex(edge) if edge not in (None, "none") else "#ffffff",
    }


def _cap(style: Any) -> str:
    return {"projecting": "square", "butt": "butt", "round": "round"}.get(str(style), "butt")


def _join(style: Any) -> str:
    return {"miter": "miter", "round": "round", "bevel": "bevel"}.get(str(style), "round")


def figure_styles(plot: Any) -> dict:
    """Styles of every moving artist of a :class:`FunctionFigure`, keyed as live_plot.js reads them."""
    dpi = plot.figure.dpi
    styles = {str(k): line_style(line, dpi) for k, line in plot.lines.items()}
    styles.update(tangent=line_style(plot.tangent, dpi), point_f=line_style(plot.point_f, dpi),
                  point_d=line_style(plot.point_d, dpi), marker=line_style(plot.markers[0], dpi))
    return styles
