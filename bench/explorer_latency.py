"""How long from a slider move to new PNG bytes in the explorer?

    python bench/explorer_latency.py [--repeats 60]

For n = 400 and n = 2000 points, at the explorer's default figure size, this times

* an x-range move (new axes: a full redraw), next to the same update done the
  ipywidgets ``interact`` way: a new seaborn figure of the same pixel size made,
  plotted and rendered to PNG on every change (as ``interact`` with the inline
  backend does), with the same gradlab computation of f and f';
* a parameter slider move and a tangent (x0) move, which keep the axes and blit
  only the changed lines over a cached background.

The two ways are interleaved in one process. It prints medians in milliseconds,
the ratio to the interact way, and whether each target is met:
x-range move <= 30 ms at n = 400 and >= 2x faster than interact; parameter or
tangent move <= 15 ms at n = 400.
"""

from __future__ import annotations

import argparse
import io
import math
import platform
import statistics
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402

import gradlab as gl  # noqa: E402

FORMULA = "a*sin(b*x)*exp(-x/5) + x/4"


def interact_way(expression, x_range, n, figsize, params):
    """What an ``interact`` callback does on every change: a brand-new figure."""
    sns.set_theme()
    x = np.linspace(*x_range, n)
    f, d = expression.evaluate(x, (0, 1), **params)
    fig, (top, bottom) = plt.subplots(2, 1, figsize=figsize, sharex=True)
    top.plot(x, f, label="f(x)")
    bottom.plot(x, d, label="f′(x)", color="C1")
    for ax in (top, bottom):
        ax.axhline(0, color="#555555", lw=0.8)
        ax.legend(loc="upper right")
    bottom.set_xlabel("x")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")  # the inline backend's rendering
    plt.close(fig)
    return buffer.getvalue()


def timed(action):
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def measure(n: int, repeats: int) -> dict[str, float]:
    explorer = gl.explore(FORMULA, x_range=(0, 2 * math.pi), n=n)
    figsize = tuple(explorer.figure.get_size_inches())
    params = {"a": 1.0, "b": 1.0}
    results: dict[str, list[float]] = {"range": [], "interact": [], "parameter": [], "tangent": []}
    for i in range(repeats):
        hi = 5.0 + (i % 20) * 0.1  # a different range on every move
        results["range"].append(timed(lambda: setattr(explorer.range_slider, "value", (0.0, hi))))
        results["interact"].append(timed(lambda: interact_way(explorer.expression, (0.0, hi), n,
                                                               figsize, params)))
        a = 1.0 - (i % 20) * 0.02
        results["parameter"].append(
            timed(lambda: setattr(explorer.parameter_sliders["a"], "value", a)))
        x0 = 1.0 + (i % 20) * 0.1
        results["tangent"].append(timed(lambda: setattr(explorer.tangent_slider, "value", x0)))
    width, height = explorer.figure.canvas.get_width_height()
    medians = {k: statistics.median(v) for k, v in results.items()}
    medians["pixels"] = f"{width}x{height}"
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60)
    args = parser.parse_args()
    print(f"gradlab {gl.__version__}, matplotlib {matplotlib.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}")
    print(f"formula {FORMULA!r}; medians of {args.repeats} moves, milliseconds\n")
    header = f"{'n':>5}  {'pixels':>8}  {'x-range move':>12}  {'interact way':>12}  {'speed-up':>8}  " \
             f"{'parameter move':>14}  {'tangent move':>12}"
    print(header)
    print("-" * len(header))
    verdicts = []
    for n in (400, 2000):
        m = measure(n, args.repeats)
        speedup = m["interact"] / m["range"]
        print(f"{n:>5}  {m['pixels']:>8}  {m['range']:>12.1f}  {m['interact']:>12.1f}  "
              f"{speedup:>7.1f}x  {m['parameter']:>14.1f}  {m['tangent']:>12.1f}")
        if n == 400:
            verdicts = [
                ("x-range move <= 30 ms at n = 400", m["range"] <= 30),
                ("x-range move >= 2x faster than interact at n = 400", speedup >= 2),
                ("parameter move <= 15 ms at n = 400", m["parameter"] <= 15),
                ("tangent move <= 15 ms at n = 400", m["tangent"] <= 15),
            ]
    print()
    for text, ok in verdicts:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")


if __name__ == "__main__":
    main()
