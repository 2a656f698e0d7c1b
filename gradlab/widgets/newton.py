"""The Newton widget: Newton's method on a typed f(x), each step drawn with its parabola.

At the current point x_k Newton's method replaces f by the parabola that has the same
value, slope and curvature there,

    q_k(x) = f(x_k) + f'(x_k) (x - x_k) + f''(x_k) (x - x_k)**2 / 2,

and jumps to the parabola's vertex, x_{k+1} = x_k - f'(x_k) / f''(x_k). The widget draws
f, every parabola q_k, and the jumps between them; the right panel shows |f'(x_k)| on
a log scale, where quadratic convergence is a curve that bends down ever faster (the
number of correct digits doubles at each step). The verdict is that of
:func:`gradlab.newton`: a minimum, a maximum (a parabola that opens downwards has its
vertex at the top), a flat spot where the step is undefined, or divergence.

f, f' and f'' come from one compiled plan of the typed formula, re-run for each step:
moving the start slider never rebuilds a graph.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import numpy as np
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..core.errors import GradlabError
from ..frontend.newton import NewtonResult, newton_with
from ..show.expr import Expression, ExpressionError
from ..show.markup import ERROR, GOOD, NOTE, error_html, note_html
from .plotting import as_expression, break_jumps, canvas_png, gradlab_style, robust_limits

SHOWN_PARABOLAS = 6  # the first steps' parabolas; later ones sit on top of each other


def newton_path(f: Any, start: float, steps: int = 8, **params: float) -> NewtonResult:
    """Newton's method on a formula (or an :class:`~gradlab.Expression`) from ``start``.

    The same as :func:`gradlab.newton`, for formulas: ``gl.newton_path("x^4 - 3*x^2", 2.0)``.
    Parameters of the formula are given by name.
    """
    expression = as_expression(f)

    def derivatives(x: np.ndarray) -> tuple[float, float, float]:
        value, slope, curvature = expression.evaluate(np.float64(x), (0, 1, 2), **params)
        return float(value), float(slope), float(curvature)

    return newton_with(derivatives, float(start), steps)


class NewtonExplorer(widgets.VBox):
    """A text box for f(x), sliders for the start x₀ and the number of steps; f with the
    Newton steps and their parabolas, |f'(x_k)| per step, and the verdict in words.

    Public: ``result`` (the last :class:`~gradlab.NewtonResult`), ``figure``, ``parabolas``
    (the drawn parabola lines) and the widgets ``text``, ``start``, ``steps``, ``status``
    and ``image``. A formula may use only x (and numbers and functions): it has no parameter
    sliders.
    """

    def __init__(self, f: Any = "x^4/4 - x^2 + x/2", start: float = 2.0, steps: int = 6,
                 x_range: tuple[float, float] = (-2.5, 2.5)) -> None:
        lo, hi = float(x_range[0]), float(x_range[1])
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"x_range must be two finite numbers, low then high: {x_range!r}")
        self.x_range = (lo, hi)
        if isinstance(start, bool) or not isinstance(start, (int, float, np.integer, np.floating)) \
                or not lo <= start <= hi:
            raise ValueError(f"start must be a number inside x_range {x_range!r}, not {start!r}")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 0 <= steps <= 30:
            raise ValueError(f"steps must be a whole number from 0 to 30, not {steps!r}")
        self.expression: Expression = _no_parameters(as_expression(f))
        self.result: NewtonResult | None = None
        wide = {"style": {"description_width": "70px"}, "layout": widgets.Layout(width="460px")}
        self.text = widgets.Text(value=self.expression.text, description="f(x) =",
                                 continuous_update=False, **wide)
        self.start = widgets.FloatSlider(value=start, min=lo, max=hi,
                                         step=(hi - lo) / 400, description="start x₀",
                                         readout_format=".3f", **wide)
        self.steps = widgets.IntSlider(value=steps, min=0, max=30, description="steps", **wide)
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="900px"))
        self._build_figure()
        super().__init__([self.text, self.start, self.steps, self.status, self.image])
        self.text.observe(self._on_text, "value")
        for w in (self.start, self.steps):
            w.observe(self._on_change, "value")
        self._draw_curve()
        self.update()

    def __repr__(self) -> str:
        return (f"NewtonExplorer({self.expression.text!r}, start={self.start.value:.3g}, "
                f"steps={self.steps.value})")

    # -- events ------------------------------------------------------------------
    def _on_text(self, change: dict) -> None:
        try:
            expression = _no_parameters(as_expression(change["new"]))
            expression.derivative(2)  # a formula too costly to differentiate fails here
        except ExpressionError as err:
            self.status.value = error_html(err)  # the last good picture stays
            return
        self.expression = expression
        self._draw_curve()
        self.update()

    def _on_change(self, change: dict) -> None:
        self.update()

    # -- drawing -----------------------------------------------------------------
    def _params(self) -> dict[str, float]:
        return {p: 1.0 for p in self.expression.parameters}

    def update(self) -> None:
        """Run Newton's method from the start slider's value and redraw."""
        try:
            result = newton_path(self.expression, self.start.value, self.steps.value,
                                 **self._params())
            # f, f', f'' at every point of the path, in one run of the plan (padded to
            # one length, so that every path runs the same cached plan)
            points = np.full(self.steps.max + 2, result.path[-1])
            points[: len(result.path)] = result.path
            with np.errstate(all="ignore"):
                values, slopes, curvatures = (v[: len(result.path)] for v in self.expression.evaluate(
                    points, (0, 1, 2), **self._params()))
        except (GradlabError, ValueError, ArithmeticError) as err:
            self.status.value = error_html(f"{type(err).__name__}: {err}")
            return
        self.result = result
        lo, hi = self.x_range
        width = (hi - lo) / 6
        for k, line in enumerate(self.parabolas):
            if k < len(result.path) - 1 and np.isfinite(values[k] + slopes[k] + curvatures[k]):
                xk, xn = result.path[k], result.path[k + 1]
                half = max(width, 1.3 * abs(xn - xk))
                xs = np.linspace(xk - half, xk + half, 80)
                line.set_data(xs, values[k] + slopes[k] * (xs - xk) + curvatures[k] / 2 * (xs - xk) ** 2)
            else:
                line.set_data([], [])
        shown = np.isfinite(values)
        self._points.set_data(result.path[shown], values[shown])
        # each jump: from the parabola's vertex down (or up) to the curve at x_{k+1}
        jumps_x, jumps_y = [], []
        for k in range(len(result.path) - 1):
            xk, xn = result.path[k], result.path[k + 1]
            vertex = values[k] + slopes[k] * (xn - xk) + curvatures[k] / 2 * (xn - xk) ** 2
            jumps_x += [xn, xn, np.nan]
            jumps_y += [vertex, values[k + 1] if k + 1 < len(values) else np.nan, np.nan]
        self._jumps.set_data(jumps_x, jumps_y)
        self._start_marker.set_xdata([self.start.value] * 2)
        # |f'(x_k)| and the step |x_(k+1) - x_k|: a small slope alone is no convergence (exp(x)
        # has tiny slopes far to the left, and the steps there stay large)
        sizes = np.abs(slopes)
        jumps = np.abs(np.diff(result.path))
        ax = self._ax_slope
        shown = [v[np.isfinite(v) & (v > 0)] for v in (sizes, jumps)]
        shown = np.concatenate(shown)
        low = max(shown.min() / 10, 1e-17) if shown.size else 1e-3
        high = max(shown.max() * 10, low * 100) if shown.size else 1.0
        ax.set_ylim(low, high)
        for line, data in ((self._slope_line, sizes), (self._step_line, jumps)):
            k = np.arange(len(data))
            ok = np.isfinite(data) & (data > 0)
            line.set_data(k[ok], data[ok])
        exact = np.flatnonzero(sizes == 0)  # a log scale has no 0: marked at the bottom
        self._zero_marks.set_data(exact, np.full(exact.size, low * 1.6))
        ax.set_xlim(-0.5, max(len(sizes) - 0.5, 1.5))
        colour = GOOD if result.converged and result.kind == "minimum" else (
            NOTE if result.converged or "no convergence" in result.verdict else ERROR)
        self.status.value = (note_html(result.verdict, colour, bold=True)
                             + self._outside_note(result))
        self.figure.canvas.draw()
        self.image.value = canvas_png(self.figure.canvas)

    def _outside_note(self, result: NewtonResult) -> str:
        """A note naming the first point of the path outside the plotted x-range, or "" when
        all are inside. (A nearly flat parabola throws Newton far away, and the points it
        lands on would otherwise just vanish from the picture.)"""
        lo, hi = self.x_range
        outside = [k for k, x in enumerate(result.path) if np.isfinite(x) and not lo <= x <= hi]
        if not outside:
            return ""
        k = outside[0]
        others = f" and {len(outside) - 1} more" if len(outside) > 1 else ""
        return "<br>" + note_html(f"not drawn: x_{k} = {float(result.path[k]):.4g}{others} "
                                  f"outside the plotted range [{lo:g}, {hi:g}] (x_range= "
                                  "widens it)", NOTE)

    def _build_figure(self) -> None:
        """Axes and artists made once; updates only move their data."""
        colors = sns.color_palette("deep")
        with gradlab_style():
            self.figure = Figure(figsize=(9, 3.8), dpi=100)
            FigureCanvasAgg(self.figure)
            self.figure.subplots_adjust(left=0.085, right=0.98, bottom=0.14, top=0.86, wspace=0.24)
            self._ax, self._ax_slope = self.figure.subplots(1, 2, width_ratios=(1.6, 1))
            ax = self._ax
            (self._curve,) = ax.plot([], [], color=colors[0], lw=2.2, label="f(x)")
            self.parabolas = []
            for k in range(SHOWN_PARABOLAS):
                (line,) = ax.plot([], [], color=colors[1], lw=1.4, ls="--",
                                  alpha=max(0.25, 1.0 - 0.15 * k),
                                  label="parabola $q_k$ at each $x_k$" if k == 0 else "_hidden")
                self.parabolas.append(line)
            (self._jumps,) = ax.plot([], [], color=colors[3], lw=1.0, ls=":")
            (self._points,) = ax.plot([], [], "o", color=colors[3], ms=6, mec="white",
                                      label="$x_0, x_1, \\ldots$", zorder=5)
            self._start_marker = ax.axvline(np.nan, color="#888888", lw=0.8, ls=":")
            ax.set_xlabel("x")
            ax.set_ylabel("f(x)")
            ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize=9,
                      frameon=False, borderaxespad=0.1)
            axs = self._ax_slope
            (self._slope_line,) = axs.plot([], [], "o-", ms=4, color=colors[3], label="$|f'(x_k)|$")
            (self._step_line,) = axs.plot([], [], "s--", ms=3, lw=1, color=colors[2],
                                          label="step $|x_{k+1} - x_k|$")
            (self._zero_marks,) = axs.plot([], [], "v", ms=7, color=colors[3], clip_on=False,
                                           label="$f'(x_k) = 0$ exactly")
            axs.set_yscale("log")
            axs.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are whole numbers
            axs.set_xlabel("step k")
            axs.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=8,
                       frameon=False, borderaxespad=0.1, handlelength=1.4, columnspacing=0.8)

    def _draw_curve(self) -> None:
        lo, hi = self.x_range
        xs = np.linspace(lo, hi, 400)
        with np.errstate(all="ignore"):
            (ys,) = self.expression.evaluate(xs, (0,), **self._params())
        ys = np.where(np.isfinite(ys), ys, np.nan)
        limits = robust_limits(ys)
        self._curve.set_data(xs, break_jumps(ys, limits))  # a pole is a gap, not a wall
        self._ax.set_xlim(lo, hi)
        self._ax.set_ylim(*limits)


def _no_parameters(expression: Expression) -> Expression:
    """The Newton widget has no parameter sliders: a name other than x is refused, not set
    to 1 behind the student's back."""
    if expression.parameters:
        raise ExpressionError(f"'{expression.parameters[0]}' is not x: this widget has no parameter "
                              "sliders, so f(x) may use only x, numbers and functions")
    return expression


def explore_newton(f: Any = "x^4/4 - x^2 + x/2", start: float = 2.0, steps: int = 6,
                   x_range: tuple[float, float] = (-2.5, 2.5)) -> NewtonExplorer:
    """A Newton's-method widget (see :class:`NewtonExplorer`).

    Try the default from x₀ = 2 (a minimum in a few steps), from x₀ = 0 (the parabola opens
    downwards there: Newton heads for a maximum), and ``"x^3"`` from anywhere (the
    curvature vanishes at the answer, so each step only halves the distance to 0).
    """
    return NewtonExplorer(f, start=start, steps=steps, x_range=x_range)
