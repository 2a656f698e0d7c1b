"""The training widget: a small neural network learns to separate two classes of points.

A multilayer perceptron with two hidden layers of tanh units maps a point (x, y) to
the probability that it belongs to class 1. Nobody writes its gradients: the loss is
built from gradlab ops, and ``AdamOptimizer(rate).minimize(loss)`` asks gradlab for the
gradient with respect to every weight, exactly as the 2017 post asked TensorFlow for
the gradient of sin. The widget shows what that buys:

* the **decision boundary** (where the probability is one half), redrawn as it trains,
  over the probability of class 1 and the data;
* the **loss curve**, step by step;
* sliders for the number of hidden units (a new network) and the learning rate (fed
  through a placeholder, so moving it does not rebuild anything), a start/stop button,
  a reset button and a progress bar.

In a notebook the button trains in the background, in chunks, so the stop button and
the sliders keep working while it runs. :meth:`TrainingExplorer.train` trains a given
number of steps at once (scripts, tests, and a notebook cell that should show a trained
network).
"""

from __future__ import annotations

import asyncio
import time

import ipywidgets as widgets
import numpy as np
import seaborn as sns
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

from ..frontend.datasets import COURSE_DATASETS, course_dataset
from ..frontend.networks import TwoLayerNetwork
from ..show.markup import ERROR, escape
from .plotting import canvas_png, gradlab_style

CHUNK = 25  # steps between pauses while training in the background
REDRAW_EVERY = 0.25  # seconds between pictures while training in the background
RATES = (10 ** -3.5, 10 ** -0.3)  # the learning-rate slider's range


class TrainingExplorer(widgets.VBox):
    """A network learning a 2-D dataset: decision boundary, loss curve, and controls.

    Public: ``network`` (the :class:`TwoLayerNetwork`), ``losses`` (one per step so far),
    ``figure``, and the widgets ``dataset``, ``hidden``, ``learning_rate``, ``run_button``,
    ``reset_button``, ``progress``, ``status`` and ``image``.
    """

    def __init__(self, dataset: str = "two moons", hidden: int = 8, learning_rate: float = 0.03,
                 steps: int = 1500, seed: int = 0) -> None:
        if dataset not in COURSE_DATASETS:
            raise ValueError(f"dataset is one of {sorted(COURSE_DATASETS)}, not {dataset!r}")
        if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 1:
            raise ValueError(f"steps must be a whole number >= 1, not {steps!r}")
        if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or not 1 <= hidden <= 32:
            raise ValueError(f"hidden must be a whole number of units from 1 to 32 (the slider's "
                             f"range), not {hidden!r}")
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float, np.floating)) \
                or not RATES[0] <= learning_rate <= RATES[1]:
            raise ValueError(f"learning_rate must be a number from {RATES[0]:.2g} to {RATES[1]:.2g} "
                             f"(the slider's range), not {learning_rate!r}")
        self.seed = seed
        self.losses: list[float] = []
        self._task: asyncio.Task | None = None
        wide = {"style": {"description_width": "100px"}, "layout": widgets.Layout(width="420px")}
        self.dataset = widgets.Dropdown(options=list(COURSE_DATASETS), value=dataset, description="dataset",
                                        **wide)
        self.hidden = widgets.IntSlider(value=hidden, min=1, max=32, description="hidden units",
                                        continuous_update=False, **wide)
        self.learning_rate = widgets.FloatLogSlider(value=learning_rate, base=10,
                                                    min=np.log10(RATES[0]), max=np.log10(RATES[1]),
                                                    step=0.01, description="learning rate",
                                                    readout_format=".3f", **wide)
        self.run_button = widgets.ToggleButton(value=False, description="▶ train", icon="",
                                               tooltip="start or stop training",
                                               layout=widgets.Layout(width="110px"))
        self.reset_button = widgets.Button(description="reset", tooltip="a new network",
                                           layout=widgets.Layout(width="80px"))
        self.progress = widgets.IntProgress(value=0, min=0, max=int(steps), description="steps",
                                            style={"description_width": "50px"},
                                            layout=widgets.Layout(width="360px"))
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="900px"))
        self._load_data()
        self._build_figure()
        self._new_network()
        super().__init__([widgets.HBox([widgets.VBox([self.dataset, self.hidden, self.learning_rate]),
                                        widgets.VBox([widgets.HBox([self.run_button, self.reset_button]),
                                                      self.progress])]),
                          self.status, self.image])
        self.dataset.observe(self._on_dataset, "value")
        self.hidden.observe(self._on_reset, "value")
        self.reset_button.on_click(lambda _: self._on_reset(None))
        self.run_button.observe(self._on_run, "value")
        self.redraw()

    def __repr__(self) -> str:
        return (f"TrainingExplorer({self.dataset.value!r}, hidden={self.hidden.value}, "
                f"steps={len(self.losses)})")

    # -- training ------------------------------------------------------------------
    @property
    def total_steps(self) -> int:
        """The number of steps a full run takes (the progress bar's end)."""
        return self.progress.max

    def train(self, steps: int | None = None, redraw: bool = True) -> list[float]:
        """Train ``steps`` steps now (by default, up to the end of the progress bar) and
        return their losses; the picture is redrawn once at the end."""
        left = self.total_steps - len(self.losses)
        steps = left if steps is None else min(int(steps), left)
        if steps <= 0:
            return []
        with np.errstate(all="ignore"):
            losses = self.network.step(self.X, self.y, self.learning_rate.value, steps)
        self.losses += losses
        self.progress.value = len(self.losses)
        if redraw:
            self.redraw()
        return losses

    def _on_run(self, change: dict) -> None:
        if not change["new"]:
            self.run_button.description = "▶ train"
            return  # the background loop sees the button and stops after its chunk
        if len(self.losses) >= self.total_steps:  # a finished run: start again, from a new network
            self._new_network()  # (not _reset_network: that would release the button being pressed)
            self.redraw()
        self.run_button.description = "■ stop"
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a test): train right here
            while self.run_button.value and len(self.losses) < self.total_steps:
                self.train(CHUNK)
            self.run_button.value = False
            return
        if self._task is None or self._task.done():  # a loop still in its pause carries on
            self._task = loop.create_task(self._train_in_background())

    async def _train_in_background(self) -> None:
        """Chunks of steps with a pause between them, in which the kernel handles clicks
        and slider moves (the stop button among them)."""
        drawn = time.perf_counter()
        try:
            while self.run_button.value and len(self.losses) < self.total_steps:
                # a picture costs more than many steps: draw a few per second, not per chunk
                self.train(CHUNK, redraw=False)
                if time.perf_counter() - drawn > REDRAW_EVERY:
                    self.redraw()
                    drawn = time.perf_counter()
                await asyncio.sleep(0.01)
        finally:
            self.redraw()
            self.run_button.value = False

    def _load_data(self) -> None:
        self.X, self.y = course_dataset(self.dataset.value)

    def _new_network(self) -> None:
        self.network = TwoLayerNetwork(self.hidden.value, seed=self.seed)
        self.losses = []
        self.progress.value = 0

    def _reset_network(self) -> None:
        self.run_button.value = False
        self._new_network()

    def _on_reset(self, change: dict | None) -> None:
        self._reset_network()
        self.redraw()

    def _on_dataset(self, change: dict) -> None:
        self._load_data()
        self._draw_points()
        self._reset_network()
        self.redraw()

    # -- drawing ---------------------------------------------------------------------
    def _build_figure(self) -> None:
        colors = sns.color_palette("deep")
        self._class_colors = (colors[0], colors[3])
        with gradlab_style():
            self.figure = Figure(figsize=(9, 3.9), dpi=100)
            FigureCanvasAgg(self.figure)
            self.figure.subplots_adjust(left=0.075, right=0.98, bottom=0.14, top=0.9, wspace=0.2)
            self._ax, self._ax_loss = self.figure.subplots(1, 2, width_ratios=(1.2, 1))
            (self._loss_line,) = self._ax_loss.plot([], [], color=colors[3], lw=1.6)
            self._ax_loss.set_yscale("log")
            self._ax_loss.set_xlabel("step")
            self._ax_loss.set_title("loss (mean logistic loss, log scale)", fontsize=10)
            self._ax.set_xlabel("x")
            self._ax.set_ylabel("y")
        self._cmap = ListedColormap(sns.blend_palette([colors[0], "#f4f4f4", colors[3]], 64))
        self._field: list = []
        self._scatter: list = []
        self._draw_points()

    def _draw_points(self) -> None:
        for artist in self._scatter:
            artist.remove()
        pad = 0.3
        (x0, y0), (x1, y1) = self.X.min(axis=0) - pad, self.X.max(axis=0) + pad
        self._grid = np.meshgrid(np.linspace(x0, x1, 90), np.linspace(y0, y1, 70))
        self._ax.set_xlim(x0, x1)
        self._ax.set_ylim(y0, y1)
        with gradlab_style():
            self._scatter = [self._ax.scatter(*self.X[self.y == k].T, s=14, color=self._class_colors[k],
                                              edgecolor="#222222", linewidth=0.4, zorder=4,
                                              label=f"class {k}") for k in (0, 1)]
            self._ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, fontsize=9,
                            frameon=False, borderaxespad=0.1)

    def redraw(self) -> None:
        """Redraw the decision boundary, the loss curve and the status line."""
        for artist in self._field:
            artist.remove()
        gx, gy = self._grid
        with np.errstate(all="ignore"):
            p = self.network.predict(np.stack([gx.ravel(), gy.ravel()], axis=1)).reshape(gx.shape)
        with gradlab_style():
            filled = self._ax.contourf(gx, gy, p, levels=np.linspace(0, 1, 11), cmap=self._cmap,
                                       alpha=0.5, zorder=1)
            self._field = [filled]
            if np.nanmin(p) < 0.5 < np.nanmax(p):
                self._field.append(self._ax.contour(gx, gy, p, levels=[0.5], colors="#222222",
                                                    linewidths=1.4, zorder=3))
        steps = np.arange(len(self.losses))
        self._loss_line.set_data(steps, self.losses)
        self._ax_loss.set_xlim(0, self.total_steps)
        finite = np.asarray([v for v in self.losses if np.isfinite(v) and v > 0])
        if finite.size:
            self._ax_loss.set_ylim(finite.min() / 1.5, max(finite.max() * 1.5, finite.min() * 3))
        else:
            self._ax_loss.set_ylim(0.01, 1.0)
        if self.losses and not np.isfinite(self.losses[-1]):
            self.status.value = (f"<span style='color:{ERROR}'>the loss is not finite after "
                                 f"{len(self.losses)} steps: the learning rate is too large; "
                                 "press reset</span>")
        else:
            right = int(round(self.network.accuracy(self.X, self.y) * len(self.y)))
            loss = f"{self.losses[-1]:.3g}" if self.losses else "— (not trained yet)"
            units = f"{self.hidden.value} unit" + ("s" if self.hidden.value != 1 else "")
            self.status.value = escape(f"step {len(self.losses)} of {self.total_steps}: loss "
                                       f"{loss}, {right} of {len(self.y)} points on the right "
                                       f"side ({100 * right / len(self.y):.1f}%) "
                                       f"({units} per hidden layer, "
                                       f"{_parameter_count(self.hidden.value)} weights)")
        self.figure.canvas.draw()
        self.image.value = canvas_png(self.figure.canvas)


def _parameter_count(hidden: int) -> int:
    return 2 * hidden + hidden + hidden * hidden + hidden + hidden + 1


def explore_training(dataset: str = "two moons", hidden: int = 8, learning_rate: float = 0.03,
                     steps: int = 1500, seed: int = 0) -> TrainingExplorer:
    """A training widget (see :class:`TrainingExplorer`): press ▶ train and watch the
    decision boundary bend around the data. ``dataset`` is ``"two moons"`` or ``"spirals"``;
    the spirals need more hidden units (try 16) and more steps."""
    return TrainingExplorer(dataset, hidden=hidden, learning_rate=learning_rate, steps=steps,
                            seed=seed)
