"""The 2-D landscape explorer: f(x, y) as contours, its gradient field, and descent paths.

Type a formula of x and y (or pick a preset), choose a start, and watch three optimisers
walk downhill from it, one step per dot:

* **gradient descent**: ``p <- p - rate * grad f(p)``;
* **momentum** (the "heavy ball"): ``z <- beta * z + grad f(p)``, ``p <- p - rate * z``,
  so steps that keep pointing the same way build up speed and zig-zags cancel out;
* **Adam**: running averages of the gradient and of its square, and a step of about
  ``adam rate`` in each coordinate, whatever the size of the gradient.

The presets show what every optimisation lecture shows (after distill.pub's "Why
momentum really works"): in a **narrow valley** plain gradient descent either crawls
along the floor or, with a larger rate, oscillates from wall to wall; momentum damps the
oscillation across and gathers speed along. **Rosenbrock**'s curved valley is easy to
find and slow to follow. At a **saddle** the gradient vanishes without a minimum: a path
that starts on the ridge stays there, one that starts beside it escapes.

The grid of f and the paths all run one compiled plan of the formula and its two
partial derivatives (:class:`gradlab.Surface`): slider moves re-run it, and only a new
formula or preset builds a graph.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..core.errors import GradlabError
from ..show.expr import ExpressionError
from ..show.markup import ERROR, GOOD, NOTE, error_html, escape
from ..show.surface import Surface, parse_surface
from .plotting import canvas_png, gradlab_style, robust_limits

DIVERGED = 1e6  # a coordinate beyond this counts as divergence
METHODS = ("gradient descent", "momentum", "Adam")


@dataclass(frozen=True)
class SurfacePreset:
    """A landscape with a start and settings that show its point."""

    formula: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    learning_rate: float
    momentum: float
    adam_rate: float
    steps: int


SURFACE_PRESETS: dict[str, SurfacePreset] = {
    "narrow valley": SurfacePreset("x^2/20 + 2*y^2", (-10, 10), (-3, 3), (-9.0, 2.0),
                                   0.45, 0.5, 0.5, 60),
    "Rosenbrock": SurfacePreset("(1 - x)^2 + 100*(y - x^2)^2", (-2, 2), (-1, 3), (-1.5, 2.0),
                                0.0005, 0.9, 0.05, 300),
    "saddle": SurfacePreset("x^2 - y^2 + y^4/4", (-2.5, 2.5), (-2.5, 2.5), (-2.0, 0.05),
                            0.05, 0.8, 0.05, 120),
    "bowl": SurfacePreset("x^2 + y^2", (-2, 2), (-2, 2), (-1.5, 1.2), 0.1, 0.5, 0.1, 40),
}


@dataclass
class SurfacePath:
    """The points one optimiser visited (the start first), f at each, and how it ended."""

    method: str
    points: np.ndarray  # shape (k + 1, 2)
    values: np.ndarray  # shape (k + 1,)
    status: str  # "converged", "saddle", "still moving", "diverged", "overflow" or "undefined"


def descend_surface(f: Any, start: tuple[float, float], steps: int, learning_rate: float,
                    momentum: float = 0.9, adam_rate: float = 0.05,
                    params: dict[str, float] | None = None,
                    methods: tuple[str, ...] = METHODS) -> dict[str, SurfacePath]:
    """Run gradient descent, momentum and Adam on ``f`` from ``start``, side by side.

    All the optimisers advance together: each step evaluates the gradient of every one
    of them in one run of the compiled plan (the points form one small array). Adam uses
    its usual β₂ = 0.999 and ε = 1e-8, with β₁ = ``momentum``. A path stops where it
    leaves the region where f is defined or its coordinates pass 10⁶ (diverged).
    """
    surface = parse_surface(f)
    params = params or {}
    unknown = set(methods) - set(METHODS)
    if unknown:
        raise ValueError(f"unknown method {sorted(unknown)[0]!r}; the methods are {METHODS}")
    if not (0.0 <= momentum < 1.0):
        raise ValueError(f"momentum must be at least 0 and below 1, not {momentum!r}")
    n = len(methods)
    p = np.tile(np.asarray(start, dtype=np.float64), (n, 1))
    z = np.zeros_like(p)  # momentum's velocity
    m, v = np.zeros_like(p), np.zeros_like(p)  # Adam's running moments
    alive = np.ones(n, dtype=bool)
    points, values = [p.copy()], []
    status = ["still moving"] * n
    with np.errstate(all="ignore"):
        for k in range(int(steps) + 1):
            value, gx, gy = surface.value_and_gradient(p[:, 0], p[:, 1], **params)
            values.append(np.where(alive, value, np.nan))
            g = np.stack([gx, gy], axis=1)
            bad = alive & ~(np.isfinite(value) & np.all(np.isfinite(g), axis=1))
            for i in np.flatnonzero(bad):
                status[i] = "undefined"
            alive &= ~bad
            if k == steps or not alive.any():
                break
            new = p.copy()
            for i, method in enumerate(methods):
                if not alive[i]:
                    continue
                if method == "gradient descent":
                    new[i] = p[i] - learning_rate * g[i]
                elif method == "momentum":
                    z[i] = momentum * z[i] + g[i]
                    new[i] = p[i] - learning_rate * z[i]
                else:
                    m[i] = momentum * m[i] + (1 - momentum) * g[i]
                    v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2
                    m_hat = m[i] / (1 - momentum ** (k + 1)) if momentum > 0 else m[i]
                    v_hat = v[i] / (1 - 0.999 ** (k + 1))
                    new[i] = p[i] - adam_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
                    if not np.all(np.isfinite(v[i])):  # g**2 overflowed: every step would be 0
                        status[i] = "overflow"
                        alive[i] = False
            blown = alive & ~np.all(np.isfinite(new) & (np.abs(new) < DIVERGED), axis=1)
            for i in np.flatnonzero(blown):
                status[i] = "diverged"
            alive &= ~blown
            p = np.where(alive[:, None], new, np.nan)
            points.append(p.copy())
    points_array, values_array = np.array(points), np.array(values)
    result = {}
    for i, method in enumerate(methods):
        keep = np.all(np.isfinite(points_array[:, i]), axis=1)
        path, vals = points_array[keep, i], values_array[: len(points_array)][keep[: len(values_array)], i]
        if status[i] == "still moving" and len(vals) >= 3 and _settled(surface, path, vals, params):
            status[i] = "saddle" if _falls_away(surface, path[-1], params) else "converged"
        result[method] = SurfacePath(method, path, vals, status[i])
    return result


def _settled(surface: Surface, path: np.ndarray, values: np.ndarray, params: dict) -> bool:
    """The last steps barely moved and barely changed f, and the gradient is nearly zero
    (a path frozen by an overflow is not a converged one)."""
    scale = max(1.0, abs(float(values[-1])))
    moved = float(np.max(np.abs(path[-1] - path[-3])))
    if not (abs(values[-1] - values[-3]) < 1e-9 * scale
            and moved < 1e-5 * (1 + np.abs(path[-1]).max())):
        return False
    with np.errstate(all="ignore"):
        gx, gy = surface.gradient(path[-1][0], path[-1][1], **params)
    return bool(np.hypot(gx, gy) < 1e-4 * scale)


def _falls_away(surface: Surface, point: np.ndarray, params: dict) -> bool:
    """Whether f curves downwards in some direction at ``point``: a saddle (or a maximum),
    where the gradient is zero too. The Hessian comes from central differences of the
    gradient, which gradlab computes exactly."""
    h = 1e-4 * (1 + float(np.abs(point).max()))
    x = point[0] + np.array([h, -h, 0.0, 0.0])
    y = point[1] + np.array([0.0, 0.0, h, -h])
    with np.errstate(all="ignore"):
        gx, gy = surface.gradient(x, y, **params)
    hessian = np.array([[gx[0] - gx[1], gx[2] - gx[3]], [gy[0] - gy[1], gy[2] - gy[3]]]) / (2 * h)
    if not np.all(np.isfinite(hessian)):
        return False
    eig = np.linalg.eigvalsh((hessian + hessian.T) / 2)
    return bool(eig.min() < -1e-6 * max(1.0, float(np.abs(eig).max())))


def contour_levels(values: np.ndarray, count: int = 18) -> np.ndarray:
    """Contour levels at evenly spaced quantiles of the finite values: every band covers
    about the same area, so a valley shows its floor whether f spans 1 or 10⁴."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.array([0.0, 1.0])
    levels = np.unique(np.quantile(finite, np.linspace(0, 1, count)))
    if levels.size < 2:
        levels = np.array([levels[0] - 1, levels[0] + 1])
    return levels


class SurfaceExplorer(widgets.VBox):
    """A 2-D landscape with its gradient field and the paths of three optimisers.

    Public: ``surface`` (the :class:`~gradlab.Surface`), ``paths`` (the last
    :class:`SurfacePath` of each method), ``figure``, ``path_lines``, and the widgets
    ``preset``, ``text``, ``learning_rate``, ``momentum``, ``adam_rate``, ``steps``,
    ``start_x``, ``start_y``, ``shown`` (one checkbox per method), ``status``, ``image``.
    A formula may use only x and y (and numbers and functions): it has no parameter sliders.
    """

    def __init__(self, f: str = "narrow valley", start: tuple[float, float] | None = None,
                 learning_rate: float | None = None, momentum: float | None = None,
                 steps: int | None = None, x_range: tuple[float, float] | None = None,
                 y_range: tuple[float, float] | None = None) -> None:
        preset = SURFACE_PRESETS.get(f)
        base = preset or SurfacePreset(f, (-2, 2), (-2, 2), (-1.5, 1.5), 0.05, 0.8, 0.05, 80)
        self.x_range = _range(x_range or base.x_range, "x_range")
        self.y_range = _range(y_range or base.y_range, "y_range")
        self.surface: Surface = _no_parameters(parse_surface(base.formula))
        learning_rate = base.learning_rate if learning_rate is None else learning_rate
        momentum = base.momentum if momentum is None else momentum
        steps = base.steps if steps is None else steps
        start = base.start if start is None else start
        _within(learning_rate, 1e-5, 10 ** 0.3, "learning_rate")
        _within(momentum, 0.0, 0.99, "momentum")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 500:
            raise ValueError(f"steps must be a whole number from 1 to 500, not {steps!r}")
        _within(start[0], *self.x_range, "start x (inside x_range)")
        _within(start[1], *self.y_range, "start y (inside y_range)")
        self.paths: dict[str, SurfacePath] = {}
        self._holding = False
        wide = {"style": {"description_width": "100px"}, "layout": widgets.Layout(width="440px")}
        self.preset = widgets.Dropdown(options=["(typed)", *SURFACE_PRESETS],
                                       value=f if preset else "(typed)", description="preset", **wide)
        self.text = widgets.Text(value=base.formula, description="f(x, y) =",
                                 continuous_update=False, **wide)
        self.learning_rate = widgets.FloatLogSlider(
            value=learning_rate, base=10, min=-5, max=0.3, step=0.01,
            description="learning rate", readout_format=".2g", **wide)
        self.momentum = widgets.FloatSlider(value=momentum,
                                            min=0.0, max=0.99, step=0.01, description="momentum β",
                                            **wide)
        self.adam_rate = widgets.FloatLogSlider(value=base.adam_rate, base=10, min=-4, max=0.3,
                                                step=0.01, description="Adam rate",
                                                readout_format=".2g", **wide)
        self.steps = widgets.IntSlider(value=steps, min=1, max=500,
                                       description="steps", **wide)
        sx, sy = start
        self.start_x = widgets.FloatSlider(value=sx, description="start x", readout_format=".2f",
                                           **wide)
        self.start_y = widgets.FloatSlider(value=sy, description="start y", readout_format=".2f",
                                           **wide)
        self._fit_start_sliders()
        self.start_x.value, self.start_y.value = sx, sy
        self.shown = {m: widgets.Checkbox(value=True, description=m, indent=False,
                                          layout=widgets.Layout(width="150px")) for m in METHODS}
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="900px"))
        self._build_figure()
        left = widgets.VBox([self.preset, self.text, self.learning_rate, self.momentum])
        right = widgets.VBox([self.adam_rate, self.steps, self.start_x, self.start_y])
        super().__init__([widgets.HBox([left, right]), widgets.HBox(list(self.shown.values())),
                          self.status, self.image])
        self.preset.observe(self._on_preset, "value")
        self.text.observe(self._on_text, "value")
        for w in (self.learning_rate, self.momentum, self.adam_rate, self.steps, self.start_x,
                  self.start_y, *self.shown.values()):
            w.observe(self._on_change, "value")
        self._draw_landscape()
        self.update()

    def __repr__(self) -> str:
        return f"SurfaceExplorer({self.surface.text!r})"

    # -- events ------------------------------------------------------------------
    def _on_preset(self, change: dict) -> None:
        preset = SURFACE_PRESETS.get(change["new"])
        if preset is None:
            return
        self._holding = True  # one redraw for the whole change, not one per slider
        try:
            self.x_range, self.y_range = preset.x_range, preset.y_range
            self.surface = parse_surface(preset.formula)
            self.text.value = preset.formula
            self._fit_start_sliders()
            self.start_x.value, self.start_y.value = preset.start
            self.learning_rate.value = preset.learning_rate
            self.momentum.value = preset.momentum
            self.adam_rate.value = preset.adam_rate
            self.steps.value = preset.steps
        finally:
            self._holding = False
        self._draw_landscape()
        self.update()

    def _on_text(self, change: dict) -> None:
        if self._holding:
            return
        try:
            surface = _no_parameters(parse_surface(change["new"]))
        except ExpressionError as err:
            self.status.value = error_html(err)  # the last good picture stays
            return
        self.surface = surface
        if self.preset.value != "(typed)" and SURFACE_PRESETS[self.preset.value].formula != surface.text:
            self._holding = True
            self.preset.value = "(typed)"
            self._holding = False
        self._draw_landscape()
        self.update()

    def _on_change(self, change: dict) -> None:
        if not self._holding:
            self.update()

    # -- drawing -----------------------------------------------------------------
    def _params(self) -> dict[str, float]:
        return {p: 1.0 for p in self.surface.parameters}

    def _fit_start_sliders(self) -> None:
        for slider, (lo, hi) in ((self.start_x, self.x_range), (self.start_y, self.y_range)):
            slider.min, slider.max = -1e9, 1e9  # (never min > max on the way)
            slider.min, slider.max, slider.step = lo, hi, (hi - lo) / 400

    def update(self) -> None:
        """Run the optimisers from the start sliders' point and redraw their paths."""
        methods = tuple(m for m in METHODS if self.shown[m].value)
        try:
            self.paths = descend_surface(
                self.surface, (self.start_x.value, self.start_y.value), self.steps.value,
                self.learning_rate.value, self.momentum.value, self.adam_rate.value,
                self._params(), methods) if methods else {}
        except (GradlabError, ValueError, ArithmeticError) as err:
            self.status.value = error_html(f"{type(err).__name__}: {err}")
            return
        lines = []
        for method in METHODS:
            line, loss = self.path_lines[method], self.loss_lines[method]
            path = self.paths.get(method)
            if path is None:
                line.set_data([], [])
                loss.set_data([], [])
                continue
            line.set_data(path.points[:, 0], path.points[:, 1])
            loss.set_data(np.arange(len(path.values)), path.values)
            lines.append(_summary(path))
        self._start_point.set_data([self.start_x.value], [self.start_y.value])
        self._fit_loss_axes()
        if self._landscape_note:
            lines.append(f"<span style='color:{NOTE}'>{escape(self._landscape_note)}</span>")
        self.status.value = "<br>".join(lines) or "<span>tick a method to see its path</span>"
        self._render()
        self.image.value = canvas_png(self.figure.canvas)

    def _render(self) -> None:
        """Draw the figure. The landscape panel (contours, arrows, ticks, title) changes only
        with the formula or the preset, so it is rendered once into a saved background; a
        slider move restores it, draws the paths on top, and draws the loss panel afresh."""
        canvas = self.figure.canvas
        if self._saved is None:
            moving = [*self.path_lines.values(), self._start_point]
            for artist in (*moving, self._ax_loss):
                artist.set_visible(False)
            canvas.draw()
            self._saved = canvas.copy_from_bbox(self.figure.bbox)
            for artist in (*moving, self._ax_loss):
                artist.set_visible(True)
        canvas.restore_region(self._saved)
        for artist in (*self.path_lines.values(), self._start_point):
            self._ax.draw_artist(artist)
        self._ax_loss.draw(canvas.get_renderer())

    def _fit_loss_axes(self) -> None:
        """A log scale while f stays positive (the distance to a minimum of 0 shows as a
        straight line when it shrinks by a constant factor per step); linear otherwise."""
        ax = self._ax_loss
        values = [p.values[np.isfinite(p.values)] for p in self.paths.values()]
        values = np.concatenate(values) if values else np.zeros(0)
        ax.set_xlim(-1, max(self.steps.value, 2) + 1)
        log = bool(values.size) and bool(np.all(values > 0))
        ax.set_yscale("log" if log else "linear")
        ax.set_ylabel("f along each path" + (" (log scale)" if log else ""))
        if values.size and log:
            lo, hi = float(values.min()), float(values.max())
            ax.set_ylim(lo / 3, max(hi * 3, lo * 10))
        elif values.size:
            ax.set_ylim(*robust_limits(values))

    def _build_figure(self) -> None:
        colors = sns.color_palette("deep")
        self._colors = dict(zip(METHODS, (colors[3], colors[1], colors[2])))
        with gradlab_style():
            self.figure = Figure(figsize=(9, 4.0), dpi=100)
            FigureCanvasAgg(self.figure)
            self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.13, top=0.9, wspace=0.22)
            self._ax, self._ax_loss = self.figure.subplots(1, 2, width_ratios=(1.45, 1))
            self.path_lines, self.loss_lines = {}, {}
            for method in METHODS:
                (self.path_lines[method],) = self._ax.plot(
                    [], [], "o-", ms=2.5, lw=1.2, color=self._colors[method], label=method, zorder=4)
                (self.loss_lines[method],) = self._ax_loss.plot(
                    [], [], lw=1.6, color=self._colors[method], label=method)
            (self._start_point,) = self._ax.plot([], [], "o", ms=8, color="white", mec="black",
                                                 zorder=5, clip_on=False)  # (a start in a corner)
            self._ax.set_xlabel("x")
            self._ax.set_ylabel("y")
            self._ax_loss.set_xlabel("step")
            # above the panel, in a row: inside, it would cover some curve sooner or later
            self._ax_loss.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=3, fontsize=9,
                                 frameon=False, borderaxespad=0.1, handlelength=1.4,
                                 columnspacing=1.0)
        self._background: list = []
        self._saved = None  # the rendered landscape panel (see _render)
        self._landscape_note = ""

    def _draw_landscape(self) -> None:
        """Contours and the gradient field: drawn once per formula or preset."""
        for artist in self._background:
            artist.remove()
        self._background = []
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        X, Y = np.meshgrid(np.linspace(x0, x1, 160), np.linspace(y0, y1, 120))
        with np.errstate(all="ignore"):
            Z = self.surface(X, Y, **self._params())
            Z = np.where(np.isfinite(Z), Z, np.nan)
        undefined = float(np.mean(np.isnan(Z)))
        self._landscape_note = "" if undefined == 0 else (
            f"f is not defined on {max(1, round(100 * undefined))}% of the view (left blank)"
            if undefined < 1 else "f is not defined anywhere in the view")
        with np.errstate(all="ignore"):
            U, V = np.meshgrid(np.linspace(x0, x1, 17), np.linspace(y0, y1, 13))
            gx, gy = self.surface.gradient(U, V, **self._params())
            size = np.hypot(gx, gy)
            dx, dy = -gx / size, -gy / size  # downhill, direction only
        ax = self._ax
        with gradlab_style():
            filled = ax.contourf(X, Y, np.ma.masked_invalid(Z), levels=contour_levels(Z),
                                 cmap="mako", zorder=1)
            lines = ax.contour(X, Y, np.ma.masked_invalid(Z), levels=filled.levels,
                               colors="white", linewidths=0.4, alpha=0.5, zorder=2,
                               linestyles="solid")  # (one colour would dash negative levels)
            arrows = ax.quiver(U, V, np.where(np.isfinite(dx), dx, 0), np.where(np.isfinite(dy), dy, 0),
                               color="white", alpha=0.55, scale=30, width=0.003, zorder=3)
        self._background = [filled, lines, arrows]
        self._saved = None
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_title(f"f(x, y) = {_short(self.surface.text)}   (arrows: downhill)", fontsize=10)


def _steps(k: int) -> str:
    return "1 step" if k == 1 else f"{k} steps"


def _summary(path: SurfacePath) -> str:
    colour = {"converged": GOOD, "saddle": NOTE, "still moving": NOTE, "diverged": ERROR,
              "overflow": ERROR, "undefined": ERROR}
    steps = len(path.points) - 1
    x, y = path.points[-1]
    if path.status == "diverged":
        when = "at the first step" if steps == 0 else f"after {_steps(steps)}"
        text = f"diverged {when} (the rate is too large for this landscape)"
    elif path.status == "overflow":
        text = (f"stopped after {_steps(steps)}: the squared gradient is too large to compute "
                "(an overflow), so every further step would be 0")
    elif path.status == "undefined" and steps == 0:
        text = f"f is not defined at the start ({x:.3f}, {y:.3f}): start somewhere else"
    elif path.status == "undefined":
        text = f"left the region where f is defined after {_steps(steps)}"
    elif path.status == "saddle":
        text = (f"stuck at a saddle point ({x:.3f}, {y:.3f}) after {_steps(steps)}: the gradient "
                f"is zero there, but f falls away in another direction (f = {path.values[-1]:.4g})")
    else:
        text = (f"{path.status}: f = {path.values[-1]:.4g} at ({x:.3f}, {y:.3f}) after "
                f"{_steps(steps)}")
    return f"<span style='color:{colour[path.status]}'><b>{escape(path.method)}</b>: {escape(text)}</span>"


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _no_parameters(surface: Surface) -> Surface:
    """The landscape explorer has no parameter sliders: a name other than x and y is a
    typo (perhaps of a preset's name), not a number to set to 1 silently."""
    if surface.parameters:
        name = surface.parameters[0]
        close = difflib.get_close_matches(surface.text, list(SURFACE_PRESETS), n=1, cutoff=0.6)
        if close and surface.text.isidentifier():
            raise ExpressionError(f"'{surface.text}' is not a preset; did you mean '{close[0]}'? "
                                  f"(the presets are {', '.join(SURFACE_PRESETS)})")
        raise ExpressionError(f"'{name}' is neither x nor y: f(x, y) may use only x, y, numbers "
                              "and functions here (write numbers for any constants)")
    return surface


def _within(value: Any, lo: float, hi: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not lo <= value <= hi:
        raise ValueError(f"{name} must be a number from {lo:g} to {hi:g}, not {value!r}")


def _range(pair: Any, name: str) -> tuple[float, float]:
    lo, hi = float(pair[0]), float(pair[1])
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be two finite numbers, low then high: {pair!r}")
    return lo, hi


def explore_surface(f: str = "narrow valley", start: tuple[float, float] | None = None,
                    learning_rate: float | None = None, momentum: float | None = None,
                    steps: int | None = None, x_range: tuple[float, float] | None = None,
                    y_range: tuple[float, float] | None = None) -> SurfaceExplorer:
    """A 2-D landscape explorer (see :class:`SurfaceExplorer`).

    ``f`` is a preset name (``"narrow valley"``, ``"Rosenbrock"``, ``"saddle"``, ``"bowl"``)
    or a formula of x and y such as ``"x^2 + 10*y^2"``. In the narrow valley, raise the
    learning rate until gradient descent oscillates across the valley, then add momentum.
    """
    return SurfaceExplorer(f, start=start, learning_rate=learning_rate, momentum=momentum,
                           steps=steps, x_range=x_range, y_range=y_range)
