"""The explorer: type a function, drag sliders, and watch f and its derivatives redraw.

``gl.explore("a*sin(b*x)")`` returns an :class:`Explorer`, an ipywidgets ``VBox``.

How it stays smooth (and safe):

* **Parameter and x₀ moves never wait for the kernel** (``backend="live"``, the
  default). ipywidgets sends a slider's next value only once the kernel answered the
  last, so no kernel-side redraw beats one round trip. Instead the plan of f and the
  derivatives shown (f' always, for the tangent) is translated to JavaScript (:mod:`gradlab.compile.javascript`) and a
  :class:`~gradlab.widgets.live_plot.LivePlot` evaluates it in the browser and draws the
  curves, the tangent and its points on a canvas, over a background (axes, grid, ticks,
  labels, legends) that matplotlib rendered here in the seaborn style of ``gl.plot``.
  The sliders reach the canvas through ``jsdlink``, in the page. The kernel still hears
  every value (``params`` stays right, the lines of ``figure`` move), but renders no PNG
  for it; ``image.value`` draws the full picture only when asked. When a curve leaves
  its panel, the page asks for new axes (with headroom, and shrinking only when the
  curves use a quarter of them), at most a few times a second, and keeps drawing on the
  old ones until they come. ``render_count`` counts the backgrounds.
* **Where there is no JavaScript**, the kernel redraws: a plan with an op that has no
  translation (a ``gl.register_op`` op), more than 8 parameters, or ``backend="png"``.
  The message line says why (``live_fallback``). Then:
* **One figure, never a new one.** A single matplotlib Figure is kept; slider moves
  change line data with ``set_data``. The picture is published as PNG bytes into
  an ``ipywidgets.Image``, which works the same in JupyterLab, Voila, JupyterLite
  and under nbval (no ``interact``, no ``Output``, no ``clear_output``, no flicker).
* **Blitting.** While a parameter or the tangent point moves, the axes stay put as
  long as the curves fit them and use a quarter of them; otherwise they are refitted
  with headroom (``plotting.settled_limits``, the page's rule too). So only the changed
  lines are drawn over a cached background (``blit_count``). Moving the x range
  redraws the x axes over the cached rest of the picture, a new formula the y axes
  as well (``FunctionFigure.draw_static``; axes drawn by :mod:`gradlab.widgets.quick_axes`).
* **A value the page sent is drawn after the answer.** The page sends a slider's next
  value once the kernel has answered the last; the kernel answers first and draws just
  after, so the next value travels meanwhile (``_after_reply``). After an x-range move
  x₀ sits where the page's slider would snap it, so the page sends nothing back.
* **Compile once, re-run often.** Typing a new formula parses and compiles it; a
  slider move only re-runs the compiled plan (see :mod:`gradlab.compile.plan`).
* **Nothing a student types can break it.** A typo shows the parser's message
  and keeps the last good plot; where f is undefined (``log(x)`` for x <= 0) the
  curve has a gap and a short note says so. A value set from Python (a cell, a
  test) is drawn at once, so code can set ``widget.value`` and look at the result
  straight away.
"""

from __future__ import annotations

import asyncio
import math
import sys
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from ..compile.javascript import NoJavaScript, javascript_plan
from ..core.errors import GradlabError
from ..show.expr import Expression, ExpressionError
from ..show.markup import error_html, math_html, note_html
from .live_plot import MAX_PARAMETERS, LivePlot, figure_styles, panel_boxes
from .plotting import (
    ORDER_LATEX,
    PLAIN_NAMES,
    PLOT_LIMIT,
    FunctionFigure,
    as_expression,
    curve_extent,
    evaluate_curves,
    kept_limits,
    padded_limits,
    settled_limits,
    undefined_regions,
)

PRESETS: dict[str, str] = {
    "sine": "sin(x)",
    "a*sin(b*x)": "a*sin(b*x)",
    "polynomial": "x^3/6 - x",
    "exponential decay": "exp(-x/2)",
    "damped oscillation": "sin(3*x)*exp(-x/5)",
    "gaussian": "exp(-x^2/2)",
    "tanh": "tanh(x)",
    "|x|": "abs(x)",
    "log": "log(x)",
    "sigmoid": "sigmoid(a*x)",
    "relu": "relu(x)",
}
"""Functions offered in the explorer's preset menu (name -> formula)."""

_TOGGLE_NAMES = {0: "f", 1: "f′", 2: "f″", 3: "f‴"}


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def _set_bounds(slider: Any, lo: float, hi: float) -> None:
    """Move a slider's min and max (in an order ipywidgets accepts) and fit its step."""
    if lo > slider.max:
        slider.max = hi
        slider.min = lo
    else:
        slider.min = lo
        slider.max = hi
    slider.step = (hi - lo) / 400


def _round_half_up(v: float) -> float:
    """JavaScript's ``Math.round``: halves go up (2.5 -> 3, -1.5 -> -1), where Python's
    ``round`` goes to the even neighbour (2 and -2)."""
    whole = math.floor(v)
    return whole + 1.0 if v - whole >= 0.5 else float(whole)


def _as_the_page_snaps(value: float, lo: float, hi: float, step: float) -> float:
    """The value a FloatSlider on the page settles on when its min, max or step change.

    The slider behind ipywidgets (noUiSlider 15) keeps its handle in percent of the
    track and snaps it to the nearest step, counted from ``lo``; if the result differs
    from the model's value by even one bit, the page sends it back to the kernel. After
    an x-range move that would be one more round trip for the x₀ slider (and one for
    the canvas linked to it) on every move, so the kernel snaps x₀ first, with the same
    floating-point operations in the same order, and the page has nothing to send.
    (Were noUiSlider to change its sums, the page would send its value back as before:
    slower, never wrong.)
    """
    span = hi - lo
    if value >= hi:
        return hi
    if not (span > 0 and step > 0):
        return value
    percent = 100 * (value - lo) / span  # toStepping
    unit = 100 * step / span  # the step in percent
    if percent != 100:
        percent = _round_half_up(percent / unit) * unit  # getStep
    percent = max(min(percent, 100.0), 0.0)
    if percent >= 100:
        return hi
    return percent * 1.0 * span / 100 + lo  # fromStepping


class _BoundsFirstSlider(widgets.FloatSlider):
    """A FloatSlider that sends a new min, max and step before a new value.

    ``hold_sync`` gathers the changed names in a set, so they reach the page in any
    order. The page's slider snaps a value as it arrives, on the bounds it has then:
    a value ahead of its new bounds is snapped on the old ones, moves, and is sent back.
    """

    def send_state(self, key: Any = None) -> None:
        if key is not None and not isinstance(key, str):
            key = sorted(key, key=lambda name: name == "value")  # stable: the value last
        super().send_state(key)


FORMULA_FILL = 0.5
"""A new formula (or a new choice of curves) keeps a panel's y-limits when its curves fit
inside and span at least this fraction of them; otherwise the panel is fitted afresh."""
MAX_X = 1e100  # |x| beyond this: the spacing of floats is too coarse for a plot
MAX_POINTS = 100_000


class Explorer(widgets.VBox):
    """A live plot of f, f' (and f'', f''') with a text box, sliders and a tangent.

    Public parts: ``expression`` (the current :class:`Expression`), ``figure`` (the
    matplotlib Figure), and the widgets ``text``, ``presets``, ``range_slider``,
    ``widen_button``, ``parameter_sliders`` (a dict by name), ``order_toggles``
    (a dict by order), ``tangent_toggle``, ``tangent_slider``, ``formulas``,
    ``message`` and ``image`` (the plot shown: the :class:`LivePlot` ``live`` while
    ``live_active``, else an ``ipywidgets.Image``; both give PNG bytes as ``.value``).
    Counters: ``render_count`` (full redraws, or backgrounds sent to the page),
    ``blit_count`` (kernel redraws of the moving lines) and ``png_count`` (pictures
    drawn on demand in live mode).
    """

    def __init__(self, f: Any = "sin(x)", x_range: tuple[float, float] = (0.0, 2 * math.pi),
                 n: int = 400, orders: Sequence[int] = (0, 1), backend: str = "live",
                 figsize: tuple[float, float] = (6.8, 4.2), tangent: bool = True) -> None:
        self.expression: Expression = as_expression(f)
        lo, hi = float(x_range[0]), float(x_range[1])
        if not (abs(lo) <= MAX_X and abs(hi) <= MAX_X and lo < hi):
            raise ValueError(f"x_range must be two numbers between -{MAX_X:.0e} and {MAX_X:.0e}, "
                             f"low then high: {x_range!r}")
        if backend not in ("live", "png", "ipympl"):
            raise ValueError("backend is 'live' (default: redrawn in the browser), 'png' (redrawn "
                             "in the kernel) or 'ipympl' (zoom and pan)")
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 2 <= n <= MAX_POINTS:
            raise ValueError(f"n (the number of points) must be a whole number from 2 to "
                             f"{MAX_POINTS:,}, not {n!r}")
        bad_orders = [k for k in orders if k not in range(4)]
        if bad_orders:
            raise ValueError(f"orders are 0 (f), 1, 2 and 3, not {bad_orders[0]!r}")
        self.n = int(n)
        self.backend = backend
        self.render_count = 0  # full redraws (new axes)
        self.blit_count = 0  # fast redraws of the changed lines only
        self.png_count = 0  # full pictures encoded on demand in live mode (image.value)
        self._plot = FunctionFigure(orders=tuple(range(4)), figsize=figsize, formula_legend=False,
                                    stamp_text=True)  # labels come back: each is drawn once
        self._plot.pin_x_labels()  # x-range moves then draw the x axes a quarter faster
        self.figure = self._plot.figure
        for artist in self._plot.dynamic:
            artist.set_animated(backend != "ipympl")  # drawn over a background, by blit or browser
        self._background = None
        self._quiet = False
        self._deferred: set = set()  # redraws waiting for the reply to the page (_after_reply)
        self._limits: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._asked_limits: tuple[tuple[float, float], tuple[float, float]] | None = None
        self._live_png_cache: bytes | None = None
        self._sent_background: tuple | None = None  # FunctionFigure.static_key of live.background
        self.live_fallback: str | None = None  # why the kernel redraws, in live mode
        self._links: list = []
        self._parameter_links: list = []
        self._linked_names: list[str] = []  # the parameters whose sliders reach the page
        self._live_for: tuple | None = None  # (expression, highest order) of the JavaScript plan

        text = self.expression.text if isinstance(f, (str, Expression)) else "f"
        self.text = widgets.Text(value=text, description="f(x) =", continuous_update=False,
                                 layout=widgets.Layout(width="420px"))
        self.presets = widgets.Dropdown(options=[("presets…", "")] + list(PRESETS.items()),
                                        value="", layout=widgets.Layout(width="170px"))
        span = hi - lo
        self.range_slider = widgets.FloatRangeSlider(
            value=(lo, hi), min=lo - span, max=hi + span, step=span / 400, description="x range",
            readout_format=".2f", continuous_update=True, layout=widgets.Layout(width="520px"))
        self.widen_button = widgets.Button(description="widen", icon="arrows-h",
                                           tooltip="double the range the slider can reach",
                                           layout=widgets.Layout(width="90px"))
        self.parameter_sliders: dict[str, widgets.FloatSlider] = {}
        self.parameter_box = widgets.VBox()
        self.order_toggles = {
            k: widgets.ToggleButton(value=k in orders, description=_TOGGLE_NAMES[k],
                                    layout=widgets.Layout(width="52px"))
            for k in range(4)
        }
        self.tangent_toggle = widgets.Checkbox(value=tangent, description="tangent at x₀",
                                               indent=False, layout=widgets.Layout(width="120px"))
        self.tangent_slider = _BoundsFirstSlider(
            value=_as_the_page_snaps(lo + span / 3, lo, hi, span / 400), min=lo, max=hi,
            step=span / 400, description="x₀",
            readout_format=".2f", continuous_update=True, layout=widgets.Layout(width="360px"))
        self.formulas = widgets.HTMLMath()
        self.message = widgets.HTML()
        self.live: LivePlot | None = None
        if backend == "ipympl":
            self.image = self._ipympl_canvas()
        else:
            self.image = widgets.Image(format="png", layout=widgets.Layout(width=f"{figsize[0] * 100:.0f}px"))
        self._png_image = self.image
        if backend == "live":
            self.live = LivePlot(png_source=self._live_png)
            self.live.limit_handlers.append(self._on_live_limits)
            # client-side links: x0 and the tangent switch reach the canvas in the browser
            self._links = [widgets.jsdlink((self.tangent_slider, "value"), (self.live, "x0")),
                           widgets.jsdlink((self.tangent_toggle, "value"), (self.live, "tangent"))]

        super().__init__([
            widgets.HBox([self.text, self.presets]),
            widgets.HBox([self.range_slider, self.widen_button]),
            self.parameter_box,
            widgets.HBox([*self.order_toggles.values(), self.tangent_toggle, self.tangent_slider]),
            self.formulas,
            self.message,
            self.image,
        ])
        self.text.observe(self._on_text, "value")
        self.presets.observe(self._on_preset, "value")
        self.range_slider.observe(self._on_range, "value")
        self.widen_button.on_click(self._on_widen)
        for toggle in self.order_toggles.values():
            toggle.observe(self._on_orders, "value")
        self.tangent_toggle.observe(self._on_orders, "value")  # the legend lists the tangent
        self.tangent_slider.observe(self._on_tangent, "value")
        self._sync_parameter_sliders()
        self._choose_live()
        self._update_formulas()
        self._guarded(lambda: self._redraw(full=True, relayout=True, place_tangent=True))

    # -- what is shown --------------------------------------------------------------
    @property
    def x_range(self) -> tuple[float, float]:
        lo, hi = self.range_slider.value
        return float(lo), float(hi)

    @property
    def orders(self) -> tuple[int, ...]:
        """The derivative orders currently switched on (0 is f itself)."""
        return tuple(k for k, t in self.order_toggles.items() if t.value)

    @property
    def params(self) -> dict[str, float]:
        return {name: float(s.value) for name, s in self.parameter_sliders.items()}

    def __repr__(self) -> str:
        lo, hi = self.x_range
        return f"Explorer(f={self.text.value!r}, x_range=({round(lo, 2)!r}, {round(hi, 2)!r}))"

    # -- observers (each one is the boundary between a student and the engine) --------
    def _guarded(self, action: Any) -> None:
        try:
            with np.errstate(all="ignore"):  # nan/inf are drawn as gaps, never warned about
                action()
        except ExpressionError as err:
            self._show_error(err)
        except (GradlabError, ValueError, TypeError, ArithmeticError) as err:
            self._show_error(f"{type(err).__name__}: {err}")

    def _on_text(self, change: dict) -> None:
        self._guarded(lambda: self._set_formula(change["new"]))

    def _set_formula(self, text: str) -> None:
        previous = self.expression
        self.expression = as_expression(text)  # raises ExpressionError: the old plot stays
        try:
            self._sync_parameter_sliders()
            self._choose_live()
            self._update_formulas()
            self._redraw(full=True, relayout=True, place_tangent=True)
        except Exception:  # refused later (a budget, say): back to the formula that worked
            self.expression = previous
            self._sync_parameter_sliders()
            self._choose_live()
            self._update_formulas()
            raise

    def _on_preset(self, change: dict) -> None:
        if change["new"]:
            self.text.value = change["new"]
            self.presets.value = ""

    def _after_reply(self, source: widgets.Widget, action: Callable[[], None]) -> None:
        """Run ``action`` (guarded) now, or, for a value the page sent, just after the
        kernel has answered that message.

        ipywidgets sends a slider's next value only once the kernel has answered the last
        one (its "idle" status), and the kernel answers when its observers return. So an
        observer that draws makes each step of a drag cost a round trip *plus* the
        drawing. Drawn just after the answer, the next value is on its way while this one
        is drawn. Values that arrive before the drawing starts get one drawing, of the
        newest (``action`` reads the widgets' state when it runs). A value set from
        Python (a cell, a test) is drawn at once, as the cell expects; so is any value
        when no event loop runs (a script)."""
        loop = None
        if getattr(source, "_property_lock", None):  # what ipywidgets holds while it applies the page's state
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop: a script
                pass
        if loop is None:
            self._guarded(action)
            return
        if action in self._deferred:
            return  # already waiting: it will read the newest values
        self._deferred.add(action)

        def run() -> None:
            self._deferred.discard(action)
            # ipykernel's IO thread sends the answer, and needs the GIL, which matplotlib's
            # C++ drawing holds for long stretches. stdout's flush returns once that thread
            # has sent everything queued before it: the answer leaves before the drawing.
            try:
                sys.stdout.flush()
            except (AttributeError, OSError, ValueError):  # no stdout, or a closed one
                pass
            self._guarded(action)
        loop.call_soon(run)

    def _on_range(self, change: dict) -> None:
        self._after_reply(self.range_slider, self._apply_range)

    def _apply_range(self) -> None:
        lo, hi = self.range_slider.value
        if hi - lo <= 0:
            return
        slider = self.tangent_slider
        # One message for the x0 slider's new bounds, sent after the new picture: the
        # canvas then has x0 already, and x0 sits where the page's slider snaps it, so
        # the page sends nothing back (see _as_the_page_snaps)
        with slider.hold_sync():
            self._quiet = True  # moving x0 into the new range must not trigger its own redraw
            try:
                x0 = slider.value
                _set_bounds(slider, lo, hi)
                if not lo <= x0 <= hi:  # x0 fell out of view: bring it to the middle, not an edge
                    x0 = (lo + hi) / 2
                slider.value = _as_the_page_snaps(x0, slider.min, slider.max, slider.step)
            finally:
                self._quiet = False
            self._redraw(full=True)

    def _on_widen(self, button: Any = None) -> None:
        slider = self.range_slider
        span = slider.max - slider.min
        _set_bounds(slider, max(slider.min - span / 2, -MAX_X), min(slider.max + span / 2, MAX_X))

    def _on_orders(self, change: dict) -> None:
        self._guarded(lambda: (self._choose_live(), self._update_formulas(),
                               self._redraw(full=True, relayout=True)))

    def _on_parameter(self, change: dict) -> None:
        self._after_reply(change["owner"], self._redraw_parameters)

    def _redraw_parameters(self) -> None:
        self._redraw(full=False)

    def _on_tangent(self, change: dict) -> None:
        if not self._quiet:
            self._after_reply(self.tangent_slider, self._redraw_tangent)

    def _redraw_tangent(self) -> None:
        self._redraw(full=False, curves=False)

    # -- the live canvas -----------------------------------------------------------------
    @property
    def live_active(self) -> bool:
        """True while the browser redraws parameter and x₀ moves (``backend="live"``, and the
        formula's plan has a JavaScript translation)."""
        return self.live is not None and self.live_fallback is None

    def _choose_live(self) -> None:
        """Translate the plan of f and the derivatives shown (f' always, for the tangent) to
        JavaScript, or say why the kernel redraws. Switching on a higher order translates
        the formula again; switching one off keeps the plan, which has it."""
        if self.live is None:
            return
        expression, reason = self.expression, None
        top = max([1, *self.orders])  # the plan returns f, f', ... up to this order
        if self._live_for is not None and self._live_for[0] is expression and top <= self._live_for[1]:
            return  # this plan has all the orders asked for (switching one off keeps it)
        names = expression.parameters  # sorted: the order of p0, p1 ... and of the plan's inputs
        if len(names) > MAX_PARAMETERS:
            reason = f"more than {MAX_PARAMETERS} parameters"
        else:
            try:
                plan = javascript_plan([expression.derivative(k).tensor for k in range(top + 1)],
                                       [expression.x, *(expression._parameter_nodes[n] for n in names)])
            except NoJavaScript as err:
                reason = "no JavaScript for " + ", ".join(f"op '{op}'" for op in err.ops)
            except GradlabError as err:
                reason = str(err)
        self.live_fallback = reason
        self._live_for = (expression, top)
        self.image = self.live if reason is None else self._png_image
        if self.children and self.children[-1] is not self.image:
            self.children = (*self.children[:-1], self.image)
        linked = names if reason is None else []
        if linked != self._linked_names:  # p0, p1 ... in the order of the plan's inputs
            for link in self._parameter_links:
                link.unlink()
            self._parameter_links = [
                widgets.jsdlink((self.parameter_sliders[name], "value"), (self.live, f"p{i}"))
                for i, name in enumerate(linked)]
            self._linked_names = linked
        if reason is None:
            self._live_source = plan.source

    def _on_live_limits(self, f_limits: tuple | None, d_limits: tuple | None) -> None:
        """The browser saw a curve leave its panel (or shrink far inside it): new axes."""
        if not self.live_active or self._limits is None:
            return
        wanted = (f_limits or self._limits[0], d_limits or self._limits[1])
        if wanted != self._limits:
            self._asked_limits = wanted
            self._guarded(lambda: self._redraw(full=True))

    def _render_live(self) -> None:
        """A new background for the browser: the figure without its moving artists."""
        plot, live = self._plot, self.live
        plot.draw_static()  # the moving artists are animated: not drawn here
        self._background = plot.canvas.copy_from_bbox(self.figure.bbox)
        self._live_png_cache = None
        lo, hi = self.x_range
        width, height = plot.canvas.get_width_height()
        params = self.params
        with live.hold_sync():
            if plot.static_key != self._sent_background:  # else the page has this one
                live.background = plot.png()
                self._sent_background = plot.static_key
            live.width, live.height = width, height
            live.panels = panel_boxes(plot, (lo, hi))
            live.source = self._live_source
            live.x_range = [lo, hi]
            live.n = self.n
            live.orders = [k for k in self.orders if k <= self._live_for[1]]  # what the plan returns
            live.styles = figure_styles(plot)
            live.tangent = bool(self.tangent_toggle.value)
            live.x0 = float(self.tangent_slider.value)
            live.parameter_count = len(params)
            for i, name in enumerate(self.expression.parameters):
                setattr(live, f"p{i}", params[name])
            live.version += 1

    def _live_png(self) -> bytes:
        """The full picture the browser shows (background and curves), drawn on demand."""
        if not self.live_active:
            return self._png_image.value
        if self._live_png_cache is None:
            self.png_count += 1
            self._plot.canvas.restore_region(self._background)
            self._draw_dynamic()
            self._live_png_cache = self._plot.png()
        return self._live_png_cache

    # -- parameter sliders --------------------------------------------------------------
    def _sync_parameter_sliders(self) -> None:
        wanted = self.expression.parameters
        for name in list(self.parameter_sliders):
            if name not in wanted:
                self.parameter_sliders.pop(name).unobserve(self._on_parameter, "value")
        for name in wanted:
            if name not in self.parameter_sliders:
                slider = widgets.FloatSlider(value=1.0, min=-5.0, max=5.0, step=0.01,
                                             description=name, continuous_update=True,
                                             readout_format=".2f",
                                             layout=widgets.Layout(width="420px"))
                slider.observe(self._on_parameter, "value")
                self.parameter_sliders[name] = slider
        self.parameter_box.children = [self.parameter_sliders[name] for name in wanted]

    # -- text around the plot -------------------------------------------------------------
    def _update_formulas(self) -> None:
        parts = [math_html(f"{ORDER_LATEX[k]}(x) = {self.expression.derivative(k).to_latex()}")
                 for k in self.orders]
        self.formulas.value = " &nbsp;&nbsp;&nbsp; ".join(parts)

    def _show_error(self, err: Any) -> None:
        self.message.value = error_html(err, "(the plot shows the last formula that worked)")

    def _show_note(self, x: np.ndarray, f_values: np.ndarray) -> None:
        self._note_about_values(x, f_values)
        if self.live is not None and self.live_fallback is not None:
            self.message.value += (" " if self.message.value else "") + note_html(
                f"Redrawn in the kernel: {self.live_fallback}.")

    def _note_about_values(self, x: np.ndarray, f_values: np.ndarray) -> None:
        regions = undefined_regions(x, f_values)
        huge = np.isfinite(f_values) & (np.abs(f_values) >= PLOT_LIMIT)
        if huge.any():
            self.message.value = note_html(f"f is larger than {PLOT_LIMIT:.0e} at some x: too large "
                                           "to draw there.")
        elif not regions:
            self.message.value = ""
        elif len(regions) == 1 and regions[0] == (float(x[0]), float(x[-1])):
            self.message.value = note_html("f is not defined anywhere in this range.")
        else:
            # a single point (log at x = 0, the edge of the range) is named as a point
            where = ", ".join(f"at x = {_fmt(a)}" if a == b else f"for x in [{_fmt(a)}, {_fmt(b)}]"
                              for a, b in regions[:3])
            more = " …" if len(regions) > 3 else ""
            self.message.value = note_html(f"f is not defined {where}{more}: shown as a gap.")

    # -- drawing ----------------------------------------------------------------------------
    def _redraw(self, full: bool, curves: bool = True, relayout: bool = False,
                place_tangent: bool = False) -> None:
        lo, hi = self.x_range
        plot, params, orders = self._plot, self.params, self.orders
        at_x0 = None
        if curves or full:
            x = np.linspace(lo, hi, self.n)
            x0 = float(self.tangent_slider.value)
            wanted = tuple(sorted({0, 1, *orders}))  # f for the note on gaps, f' for the tangent
            if self.live_active:
                # a plan with a JavaScript translation computes each point from its own x
                # alone, so x0 can ride at the end of the grid: one run of one compiled plan
                # gives the curves and the tangent point
                both = evaluate_curves(self.expression, np.append(x, x0), wanted, **params)
                values = {k: v[:-1] for k, v in both.items()}
                at_x0 = (both[0][-1], both[1][-1])
            else:  # a function of a tensor may reduce over the grid (t - mean(t)): apart
                values = evaluate_curves(self.expression, x, wanted, **params)
                at_x0 = tuple(self.expression.evaluate(np.float64(x0), (0, 1), **params))
            if place_tangent:
                at_x0 = self._place_tangent(x, values, at_x0)
            plot.set_curves(x, {k: values[k] for k in orders})
            self._show_note(x, values[0])
            self._values = values
        if not orders:
            self.message.value = note_html("Nothing is switched on: press f, f′, f″ or f‴ "
                                           "above to see a curve.")
        self._set_tangent(params, at_x0)
        extents = (curve_extent(*[self._values[k] for k in orders if k == 0]),
                   curve_extent(*[self._values[k] for k in orders if k > 0]))
        f_limits, d_limits = (padded_limits(extent) for extent in extents)
        if self._asked_limits is not None:  # the browser's choice (with headroom already)
            self._limits, self._asked_limits = self._asked_limits, None
        elif self._limits is None:  # the first picture: fit the curves
            self._limits = (f_limits, d_limits)
        elif relayout:  # a new formula or new orders: a panel keeps its axes only if the new
            # curves fit them and fill half of them (comparable, and cheap: nothing to redraw)
            self._limits = tuple(
                old if extent is not None and kept_limits(old, extent, FORMULA_FILL) else fitted
                for old, extent, fitted in zip(self._limits, extents, (f_limits, d_limits)))
        elif full or not self.live_active:
            # an x-range move, or a parameter redrawn here: the axes stay while the curves
            # fit them, and are refitted with headroom when they do not (see settled_limits)
            settled = (settled_limits(self._limits[0], f_limits),
                       settled_limits(self._limits[1], d_limits))
            full = full or settled != self._limits
            self._limits = settled
        else:  # the browser draws; it asks for new axes when it needs them
            self._live_png_cache = None
        if relayout:
            plot.orders = orders
            plot.set_labels({k: PLAIN_NAMES[k] for k in orders})  # plain names: no formulas
        plot.set_limits((lo, hi), *self._limits)
        plot.axes["f"].set_visible(0 in orders)
        if full:
            plot.fit_layout()
            self._render()
        elif not self.live_active:
            self._blit()

    def _place_tangent(self, x: np.ndarray, values: dict[int, np.ndarray],
                       at_x0: tuple[float, float]) -> tuple[float, float]:
        """Keep x₀ where f and f' are defined: if they are not (log at x₀ = 0), move x₀ to
        the nearest point of the grid ``x`` where they are, and return f and f' there. A
        student dragging x₀ into a gap later sees the tangent vanish, which is right; a
        widget should not start there."""
        if np.isfinite(at_x0[0]) and np.isfinite(at_x0[1]):
            return at_x0
        defined = np.flatnonzero(np.isfinite(values[0]) & np.isfinite(values[1]))
        if defined.size == 0:
            return at_x0
        i = defined[np.argmin(np.abs(x[defined] - float(self.tangent_slider.value)))]
        slider = self.tangent_slider
        # the page's slider holds x0 on its own grid (see _as_the_page_snaps), and the step
        # of that grid can carry x[i] back over the edge of the gap: try its nearest steps
        k = round((float(x[i]) - slider.min) / slider.step)
        for candidate in (slider.min + (k + j) * slider.step for j in (0, 1, -1, 2, -2)):
            x0 = _as_the_page_snaps(candidate, slider.min, slider.max, slider.step)
            f0, d0 = self.expression.evaluate(np.float64(x0), (0, 1), **self.params)
            if np.isfinite(f0) and np.isfinite(d0):
                break
        else:  # no step of the page's grid nearby is defined: x[i] itself (the page may snap it)
            x0, f0, d0 = float(x[i]), values[0][i], values[1][i]
        self._quiet = True
        try:
            slider.value = x0
        finally:
            self._quiet = False
        return f0, d0

    def _set_tangent(self, params: dict[str, float], at_x0: tuple[float, float] | None = None) -> None:
        """The tangent at x₀, from f(x₀) and f'(x₀) if known (``at_x0``), else computed."""
        x0 = float(self.tangent_slider.value)
        if not self.tangent_toggle.value:
            self._plot.set_tangent(None)
            return
        f0, d0 = at_x0 if at_x0 is not None else self.expression.evaluate(np.float64(x0), (0, 1), **params)
        self._plot.set_tangent(x0, float(f0), float(d0), self.x_range)

    def _render(self) -> None:
        """Full redraw: the axes changed. Draws what does not move (reusing the parts that
        did not change, see :meth:`FunctionFigure.draw_static`), keeps it as the background
        for blitting, and draws the moving lines over it. The legends sit above the panels,
        where no curve reaches, so they belong to the background."""
        self.render_count += 1
        if self.live_active:
            self._render_live()
            return
        if self.backend == "ipympl":
            self.figure.canvas.draw_idle()
            return
        self._plot.draw_static()
        self._background = self._plot.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_dynamic()
        self.image.value = self._plot.png()

    def _blit(self) -> None:
        """Fast redraw: the cached background, then only the lines that move."""
        if self.backend == "ipympl" or self._background is None:
            self._render()
            return
        self.blit_count += 1
        self._plot.canvas.restore_region(self._background)
        self._draw_dynamic()
        self.image.value = self._plot.png()

    def _draw_dynamic(self) -> None:
        for artist in self._plot.dynamic:
            if artist.get_visible() and artist.axes.get_visible():
                artist.axes.draw_artist(artist)

    def _ipympl_canvas(self) -> Any:
        try:
            from ipympl.backend_nbagg import Canvas, FigureManager
        except ImportError:
            raise ImportError("backend='ipympl' needs the ipympl package: pip install ipympl") from None
        canvas = Canvas(self.figure)
        FigureManager(canvas, 0)
        canvas.header_visible = False
        return canvas


def explore(f: Any = "sin(x)", x_range: tuple[float, float] = (0.0, 2 * math.pi),
            n: int = 400, orders: Sequence[int] = (0, 1), backend: str = "live") -> Explorer:
    """An interactive explorer of f and its derivatives (see :class:`Explorer`).

    ``f`` is a formula such as ``"a*sin(b*x)"`` (its parameters get sliders), an
    Expression, or a function of a tensor. The default ``backend="live"`` redraws
    parameter and x₀ moves in the browser; ``"png"`` redraws everything in the kernel;
    ``"ipympl"`` gives a zoomable figure (needs the ipympl package).
    """
    return Explorer(f, x_range=x_range, n=n, orders=orders, backend=backend)
