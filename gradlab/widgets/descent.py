"""Gradient descent you can steer: learning rate, number of steps and starting point.

Gradient descent repeats one move: ``x <- x - learning_rate * f'(x)``. Whether that
walks to a minimum depends almost entirely on the learning rate:

* too small, and thousands of tiny steps barely move;
* about right, and it settles in a few steps;
* a little too large, and it bounces back and forth across the minimum;
* too large, and every step overshoots further than the last, until it diverges.

:func:`descent_path` computes the iterates; :class:`DescentExplorer` (made by
``gl.explore_descent()``) draws them on the curve, with the loss per step, and
says in words what happened. ``problem="regression"`` does the same for the
linear regression y = W x + b, trained with ``GradientDescentOptimizer``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..core.errors import GradlabError
from ..core.graph import Graph
from ..core.ops import group, placeholder, reduce_mean
from ..frontend.session import Session
from ..frontend.train import GradientDescentOptimizer
from ..frontend.variables import Variable
from ..show.expr import Expression, ExpressionError
from ..show.markup import ERROR, GOOD, NOTE, error_html, note_html
from .plotting import as_expression, canvas_png, gradlab_style, robust_limits

DIVERGED = 1e6  # |x| beyond this counts as divergence


@dataclass
class DescentResult:
    """The iterates of gradient descent and a one-line verdict."""

    path: np.ndarray  # x_0, x_1, ... (or (W, b) pairs for the regression)
    losses: np.ndarray  # the loss at each iterate
    status: str  # "converged", "still moving", "oscillating", "diverged", "stuck" or "undefined"
    message: str


def _verdict(path: np.ndarray, losses: np.ndarray, steps: int) -> tuple[str, str]:
    last = path[-1]
    blew_up = len(path) <= steps or not np.all(np.isfinite(last)) or np.max(np.abs(last)) > DIVERGED
    tail = losses[-4:]
    growing = len(tail) == 4 and bool(np.all(np.diff(tail) > 0)) and tail[-1] > 10 * abs(losses[0]) + 1
    if blew_up or growing:
        return "diverged", (f"diverged: after {len(path) - 1} steps each step overshoots more "
                            "than the last (the learning rate is too large)")
    if steps > 0 and np.all(path == path[0]):
        return "stuck", ("did not move: the slope is exactly 0 at the start. That happens at a "
                         "minimum, but also at a maximum, on a flat stretch, and everywhere for a "
                         "function such as sign(x) whose derivative is 0: try another start")
    moves = np.abs(np.diff(losses[-3:])) if len(losses) > 2 else np.array([np.inf])
    scale = max(1.0, abs(float(losses[-1])))
    if np.all(moves < 1e-6 * scale):
        return "converged", f"converged: loss {losses[-1]:.4g} after {steps} steps"
    jumps = np.diff(path[-5:], axis=0).reshape(min(len(path), 5) - 1, -1)[:, 0]
    if len(jumps) >= 4 and np.all(jumps[1:] * jumps[:-1] < 0):
        return "oscillating", (f"oscillating: after {steps} steps it still jumps back and forth "
                               "across the minimum (the learning rate is a little too large)")
    return "still moving", (f"after {steps} steps the loss is {losses[-1]:.4g} and still "
                            "changing (more steps, or a larger learning rate)")


def descent_path(f: Any, start: float, learning_rate: float, steps: int,
                 **params: float) -> DescentResult:
    """Run ``steps`` steps of ``x <- x - learning_rate * f'(x)`` from ``start``."""
    return _descend(as_expression(f), start, learning_rate, steps, params)


def _descend(expression: Expression, start: float, learning_rate: float, steps: int,
             params: dict[str, float]) -> DescentResult:
    """descent_path with the parameters in a dict: a parameter may be called ``steps``."""
    path, losses = [float(start)], []
    x = float(start)
    with np.errstate(all="ignore"):
        for _ in range(int(steps) + 1):
            value, slope = expression.evaluate(np.float64(x), (0, 1), **params)
            if not (math.isfinite(float(value)) and math.isfinite(float(slope))):
                step = len(path) - 1
                advice = ("start where f is defined" if step == 0 else
                          "the steps left the region where f is defined")
                message = f"f or its slope is not defined at x = {x:.2f} (step {step}): {advice}"
                return DescentResult(np.array(path), np.array(losses + [float("nan")]),
                                     "undefined", message)
            losses.append(float(value))
            if len(path) > steps:
                break
            x = x - learning_rate * float(slope)
            if not math.isfinite(x) or abs(x) > DIVERGED:
                path.append(x)
                losses.append(float("nan"))
                break
            path.append(x)
    path_array, loss_array = np.array(path), np.array(losses)
    status, message = _verdict(path_array, loss_array, int(steps))
    return DescentResult(path_array, loss_array, status, message)


class RegressionProblem:
    """y = W x + b fitted to 100 noisy points of y = 3x + 2 by gradient descent.

    Built the TensorFlow-1 way: Variables W and b, a mean-squared cost, and
    ``GradientDescentOptimizer(learning_rate).minimize(cost)`` with the learning
    rate fed through a placeholder, so one graph serves every slider position.
    """

    def __init__(self, seed: int = 0, n: int = 100) -> None:
        rng = np.random.default_rng(seed)
        self.xs = rng.uniform(0, 1, (n, 1))
        self.ys = 3 * self.xs + 2 + rng.normal(0, 0.1, (n, 1))
        self.graph = Graph()
        with self.graph.as_default():
            self.x = placeholder(shape=(None, 1), name="x")
            self.y = placeholder(shape=(None, 1), name="y")
            self.rate = placeholder(shape=(), name="learning_rate")
            self.w0 = placeholder(shape=(), name="W0")
            self.b0 = placeholder(shape=(), name="b0")
            self.W = Variable(np.zeros((1, 1)), name="W")
            self.b = Variable(np.zeros(1), name="b")
            self.cost = reduce_mean((self.x @ self.W + self.b - self.y) ** 2)
            self.train = GradientDescentOptimizer(self.rate).minimize(self.cost)
            self.reset = group(self.W.assign(self.w0), self.b.assign(self.b0))
        self.session = Session(self.graph)

    def cost_grid(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The cost at every (W, b) of a grid, for the contour plot."""
        residual = w[..., None] * self.xs.ravel() + b[..., None] - self.ys.ravel()
        return np.mean(residual**2, axis=-1)

    def run(self, start: tuple[float, float], learning_rate: float, steps: int) -> DescentResult:
        feed = {self.x: self.xs, self.y: self.ys, self.rate: learning_rate}
        session = self.session
        session.run(self.reset, {self.w0: start[0], self.b0: start[1]})
        path, losses = [], []
        with np.errstate(all="ignore"):
            for k in range(int(steps) + 1):
                w, b, cost = session.run([self.W, self.b, self.cost], feed)
                path.append((float(w[0, 0]), float(b[0])))
                losses.append(float(cost))
                if k == steps or not np.isfinite(cost) or max(abs(w[0, 0]), abs(b[0])) > DIVERGED:
                    break
                session.run(self.train, feed)
        path_array, loss_array = np.array(path), np.array(losses)
        status, message = _verdict(path_array, loss_array, int(steps))
        return DescentResult(path_array, loss_array, status, message)


class DescentExplorer(widgets.VBox):
    """Sliders for the learning rate, the number of steps and the start; the iterates drawn
    on the curve (or on the cost's contours) and the loss per step.

    Public: ``result`` (the last :class:`DescentResult`), ``figure``, and the widgets
    ``learning_rate``, ``steps``, ``start``, ``text`` (1-D problems), ``status`` and ``image``.
    """

    def __init__(self, f: Any = "x^2/2 + sin(3*x)/4", problem: str = "function",
                 learning_rate: float = 0.3, steps: int = 20, start: float = -3.0,
                 x_range: tuple[float, float] = (-4.0, 4.0)) -> None:
        if problem not in ("function", "regression"):
            raise ValueError("problem is 'function' (1-D) or 'regression' (y = W x + b)")
        self.problem = problem
        self.x_range = (float(x_range[0]), float(x_range[1]))
        self.expression: Expression | None = None
        self.regression = RegressionProblem() if problem == "regression" else None
        self.learning_rate = widgets.FloatLogSlider(
            value=learning_rate, base=10, min=-3, max=math.log10(4), step=0.01,
            description="learning rate", readout_format=".3f", continuous_update=True,
            style={"description_width": "90px"}, layout=widgets.Layout(width="460px"))
        self.steps = widgets.IntSlider(value=steps, min=1, max=200, description="steps",
                                       style={"description_width": "90px"},
                                       layout=widgets.Layout(width="460px"))
        lo, hi = self.x_range
        self.start = widgets.FloatSlider(value=start, min=lo, max=hi, step=(hi - lo) / 200,
                                         description="start x₀" if problem == "function" else "start W",
                                         readout_format=".2f", style={"description_width": "90px"},
                                         layout=widgets.Layout(width="460px"))
        self.text = widgets.Text(value=f if isinstance(f, str) else "f", description="f(x) =",
                                 continuous_update=False, layout=widgets.Layout(width="460px"))
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="900px"))
        controls = [self.learning_rate, self.steps, self.start]
        if problem == "function":
            self.expression = as_expression(f)
            controls.insert(0, self.text)
            self.text.observe(self._on_text, "value")
        self._build_figure()
        super().__init__([*controls, self.status, self.image])
        for w in (self.learning_rate, self.steps, self.start):
            w.observe(self._on_change, "value")
        self.update()

    def __repr__(self) -> str:
        what = repr(self.text.value) if self.problem == "function" else "'regression'"
        return f"DescentExplorer({what}, learning_rate={self.learning_rate.value:.3g})"

    def _on_text(self, change: dict) -> None:
        try:
            self.expression = as_expression(change["new"])
        except ExpressionError as err:
            self.status.value = error_html(err)
            return
        self._draw_curve()
        self.update()

    def _on_change(self, change: dict) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the iterates and redraw."""
        try:
            with np.errstate(all="ignore"):
                if self.regression is not None:
                    self.result = self.regression.run((self.start.value, 0.0),
                                                      self.learning_rate.value, self.steps.value)
                    path = self.result.path
                    self._path_line.set_data(path[:, 0], path[:, 1])
                else:
                    params = {p: 1.0 for p in self.expression.parameters}
                    self.result = _descend(self.expression, self.start.value,
                                           self.learning_rate.value, self.steps.value, params)
                    self._path_line.set_data(self.result.path,
                                             self.result.losses[: len(self.result.path)])
        except (GradlabError, ValueError, ArithmeticError) as err:
            self.status.value = error_html(f"{type(err).__name__}: {err}")
            return
        losses = self.result.losses
        self._loss_line.set_data(np.arange(len(losses)), losses)
        finite = losses[np.isfinite(losses)]
        ax = self._ax_loss
        ax.set_yscale("log" if finite.size and finite.min() > 0 else "linear")
        ax.set_xlim(-0.5, max(len(losses) - 0.5, 1))
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            if ax.get_yscale() == "log":
                ax.set_ylim(lo / 1.5, hi * 1.5)
            else:
                ax.set_ylim(*robust_limits(finite))
        colour = {"converged": GOOD, "still moving": NOTE, "oscillating": NOTE, "stuck": NOTE,
                  "diverged": ERROR, "undefined": ERROR}
        self.status.value = note_html(self.result.message, colour[self.result.status], bold=True)
        self.figure.canvas.draw()
        self.image.value = canvas_png(self.figure.canvas)

    def _build_figure(self) -> None:
        """Axes and artists made once; updates only move their data."""
        with gradlab_style():
            self.figure = Figure(figsize=(9, 3.6), dpi=100)
            FigureCanvasAgg(self.figure)
            self.figure.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.9, wspace=0.22)
            self._ax_path, self._ax_loss = self.figure.subplots(1, 2, width_ratios=(1.4, 1))
            (self._loss_line,) = self._ax_loss.plot([], [], "o-", ms=3, color="#c44e52")
            self._ax_loss.set_xlabel("step")
            self._ax_loss.set_title("loss per step", fontsize=10)
            ax = self._ax_path
            if self.regression is not None:
                w, b = np.meshgrid(np.linspace(-1, 6, 120), np.linspace(-2, 5, 120))
                ax.contourf(w, b, np.log10(self.regression.cost_grid(w, b)), levels=25, cmap="mako")
                ax.plot([3], [2], "*", color="white", ms=12, label="true W = 3, b = 2")
                (self._path_line,) = ax.plot([], [], "o-", color="#f0c75e", ms=3, lw=1,
                                             label="(W, b) after each step")
                ax.set_xlim(-1, 6)
                ax.set_ylim(-2, 5)
                ax.set_xlabel("W")
                ax.set_ylabel("b")
                ax.set_title("cost of y = W x + b (log scale) and the path of (W, b)", fontsize=10)
                ax.legend(loc="upper left", fontsize=9)
            else:
                (self._curve,) = ax.plot([], [], color="#4c72b0", lw=2)
                (self._path_line,) = ax.plot([], [], "o-", color="#c44e52", ms=5, lw=0.8,
                                             label="iterates x₀, x₁, …")
                ax.set_xlabel("x")
                ax.set_title("gradient descent on f", fontsize=10)
                self._draw_curve()

    def _draw_curve(self) -> None:
        lo, hi = self.x_range
        xs = np.linspace(lo, hi, 400)
        params = {p: 1.0 for p in self.expression.parameters}
        with np.errstate(all="ignore"):
            (ys,) = self.expression.evaluate(xs, (0,), **params)
        self._curve.set_data(xs, ys)
        self._curve.set_label(f"f(x) = {self.expression.text}")
        self._ax_path.set_xlim(lo, hi)
        self._ax_path.set_ylim(*robust_limits(ys))
        with gradlab_style():
            self._ax_path.legend(loc="upper center", fontsize=9)


def explore_descent(f: Any = "x^2/2 + sin(3*x)/4", problem: str = "function",
                    learning_rate: float = 0.3, steps: int = 20, start: float = -3.0) -> DescentExplorer:
    """A gradient-descent widget (see :class:`DescentExplorer`).

    Try learning rates of 0.01 (too small), 0.3 (about right) and 2.5 (divergent).
    ``problem="regression"`` fits y = W x + b with ``GradientDescentOptimizer``.
    """
    return DescentExplorer(f, problem=problem, learning_rate=learning_rate, steps=steps,
                           start=start)
