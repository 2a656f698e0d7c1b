"""The Taylor widget: f and its Taylor polynomial T_k around a, with sliders for k and a.

The coefficients come from :mod:`gradlab.show.taylor`; this module only draws them.
"""

from __future__ import annotations

import math
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..core.errors import GradlabError
from ..show.expr import ExpressionError
from ..show.markup import error_html, math_html, note_html
from ..show.taylor import MAX_ORDER, polynomial_latex, taylor_coefficients, taylor_polynomial
from .plotting import as_expression, canvas_png, gradlab_style, robust_limits


class TaylorExplorer(widgets.VBox):
    """f and its Taylor polynomial T_k around ``a``, with sliders for k and a."""

    def __init__(self, f: Any = "sin(x)", x_range: tuple[float, float] = (-2 * math.pi, 2 * math.pi),
                 order: int = 3, center: float = 0.0) -> None:
        self.expression = as_expression(f)
        self.coefficients = np.array([])
        lo, hi = float(x_range[0]), float(x_range[1])
        self.x = np.linspace(lo, hi, 400)
        self.text = widgets.Text(value=self.expression.text, description="f(x) =",
                                 continuous_update=False, layout=widgets.Layout(width="420px"))
        self.order = widgets.IntSlider(value=order, min=0, max=MAX_ORDER, description="order k",
                                       layout=widgets.Layout(width="420px"))
        self.center = widgets.FloatSlider(value=center, min=lo, max=hi, step=(hi - lo) / 400,
                                          description="centre a", readout_format=".2f",
                                          layout=widgets.Layout(width="420px"))
        self.formula = widgets.HTMLMath()
        self.message = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="680px"))
        with gradlab_style():
            self.figure = Figure(figsize=(6.8, 3.6), dpi=100)
            FigureCanvasAgg(self.figure)
            self.figure.subplots_adjust(left=0.12, right=0.98, bottom=0.13, top=0.88)
            ax = self.ax = self.figure.subplots()
            (self._f_line,) = ax.plot([], [], lw=2.2, label="f(x)")
            (self._t_line,) = ax.plot([], [], lw=1.8, ls="--", label="Taylor polynomial $T_k(x)$")
            (self._point,) = ax.plot([], [], "o", color="black", ms=6)
            ax.axhline(0, color="#555555", lw=0.8)
            ax.set_xlim(lo, hi)
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            # above the axes, in a row, so that it never covers the curves
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=9,
                      frameon=False, borderaxespad=0.1)
        super().__init__([self.text, self.order, self.center, self.formula, self.message,
                          self.image])
        self.text.observe(self._on_text, "value")
        self.order.observe(self._on_change, "value")
        self.center.observe(self._on_change, "value")
        self.update()

    def __repr__(self) -> str:
        return (f"TaylorExplorer(f={self.text.value!r}, order={self.order.value}, "
                f"center={round(self.center.value, 2)!r})")

    def _on_text(self, change: dict) -> None:
        try:
            expression = as_expression(change["new"])
            if expression.parameters:
                raise ExpressionError("use a formula of x only here (no parameters)")
        except ExpressionError as err:
            self.message.value = error_html(err, "(the plot shows the last formula that worked)")
            return
        previous, self.expression = self.expression, expression
        if not self.update():
            self.expression = previous  # keep the last formula that worked

    def _on_change(self, change: dict) -> None:
        self.update()

    def update(self) -> bool:
        """Recompute the polynomial and redraw; on an error, say so and keep the last plot.

        Returns whether it redrew."""
        a, k = float(self.center.value), int(self.order.value)
        try:
            with np.errstate(all="ignore"):
                coefficients = taylor_coefficients(self.expression, a, k)
                (f_values,) = self.expression.evaluate(self.x, (0,))
                t_values = taylor_polynomial(coefficients, a, self.x)
        except (GradlabError, ValueError, ArithmeticError) as err:  # a budget, a huge number
            self.message.value = error_html(err, "(the plot shows the last one that worked)")
            return False
        self.coefficients = coefficients
        self._f_line.set_data(self.x, np.where(np.isfinite(f_values), f_values, np.nan))
        if np.all(np.isfinite(self.coefficients)):
            self._t_line.set_data(self.x, t_values)
            self._point.set_data([a], [self.coefficients[0]])
            self.formula.value = math_html(f"T_{{{k}}}(x) = {polynomial_latex(self.coefficients, a)}")
            self.message.value = ""
        else:  # f (or a derivative) is undefined or infinite at the centre
            self._t_line.set_data([], [])
            self._point.set_data([], [])
            self.formula.value = ""
            self.message.value = note_html(f"f or one of its first {k} derivatives "
                                           f"is not defined at a = {a:.2f}: move the centre.")
        low, high = robust_limits(f_values)
        self.ax.set_ylim(low - 0.5 * (high - low), high + 0.5 * (high - low))
        self.figure.canvas.draw()
        self.image.value = canvas_png(self.figure.canvas)
        return True


def explore_taylor(f: Any = "sin(x)", x_range: tuple[float, float] = (-2 * math.pi, 2 * math.pi),
                   order: int = 3, center: float = 0.0) -> TaylorExplorer:
    """A widget showing f and its Taylor polynomial of order k around a (see :class:`TaylorExplorer`)."""
    return TaylorExplorer(f, x_range=x_range, order=order, center=center)
