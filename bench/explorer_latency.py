"""How long does the kernel take to redraw the explorer after a slider move or a typed formula?

    python bench/explorer_latency.py [--repeats 40]

At the explorer's default figure size (680 x 420 px), for n = 400 and n = 2000 points,
this times every redraw that the kernel does, from the change to new PNG bytes:

* an x-range move, with the default ``backend="live"`` (the kernel sends the browser a
  new background) and with ``backend="png"`` (the whole picture), next to the same update
  done the ipywidgets ``interact`` way: a new seaborn figure of the same pixel size made,
  plotted and rendered to PNG on every change, with the same gradlab computation;
* a typed formula, a new one every time (parse, derivatives, compile, draw). A new
  formula keeps the axes when its curves fit them and fill half of them, and then the
  background is not drawn again; so these are also timed apart: the typed formulas that
  needed new axes, those that kept them, and a student editing one number of the formula
  (the decay length in ``exp(-x/5)``: 5.1, 5.2, ...), which mostly keeps them;
* the kernel-side fallback's parameter moves (``backend="png"``): a drag of ``a`` from 1
  down to 0.62 (the curves shrink inside their axes), of ``a`` from 1 up to 4.5 and of
  ``b`` from 1 up to 3 (the curves grow, and f' with b; the axes rescale with headroom),
  and a tangent (x0) move;
* for comparison, what the kernel still does for a parameter move in live mode, where
  the browser draws.

Each drag is a steady sweep in 40 steps, as a student's hand makes it. The ways are
interleaved in one process. It prints medians in milliseconds, the ratio of the x-range
move to the interact way, and whether issue 18's target is met: every kernel-side redraw
within 16 ms median at n = 400.
"""

from __future__ import annotations

import argparse
import io
import math
import os
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


FORMULAS = ["sin(x)*x", "cos(2*x) + x", "exp(-x)*sin(3*x)", "x^3/6 - x", "a*tanh(x) + b*x",
            "log(1 + x^2)*a", "sqrt(x + 1)*cos(x)"]
SWEEPS = {  # case -> (backend, slider, start, stop)
    "shrinking a (png)": ("png", "a", 1.0, 0.62),
    "growing a (png)": ("png", "a", 1.0, 4.5),
    "growing b (png)": ("png", "b", 1.0, 3.0),
    "tangent x0 (png)": ("png", "x0", 1.0, 3.0),
    "parameter a (live, kernel side)": ("live", "a", 1.0, 4.5),
}
STEPS = 40


def sweep(explorer, slider: str, start: float, stop: float) -> list[float]:
    target = explorer.tangent_slider if slider == "x0" else explorer.parameter_sliders[slider]
    target.value = start
    return [timed(lambda: setattr(target, "value", float(v)))
            for v in np.linspace(start, stop, STEPS + 1)[1:]]


def measure(n: int, repeats: int) -> dict[str, float]:
    live = gl.explore(FORMULA, x_range=(0, 2 * math.pi), n=n)
    png = gl.explore(FORMULA, x_range=(0, 2 * math.pi), n=n, backend="png")
    assert live.live_active and not png.live_active
    typed = gl.explore(FORMULA, x_range=(0, 2 * math.pi), n=n)
    edited = gl.explore(FORMULA, x_range=(0, 2 * math.pi), n=n)
    edits_kept = 0
    figsize = tuple(png.figure.get_size_inches())
    params = {"a": 1.0, "b": 1.0}
    results: dict[str, list[float]] = {k: [] for k in
                                       ("x-range (live)", "x-range (png)", "interact way",
                                        "typed formula (live)", "typed: new axes", "typed: same axes",
                                        "typed: a number edited", *SWEEPS)}
    explorers = {"live": live, "png": png}
    for i in range(repeats):
        hi = 5.0 + (i % 20) * 0.1  # a different range on every move
        results["x-range (live)"].append(timed(lambda: setattr(live.range_slider, "value", (0.0, hi))))
        results["x-range (png)"].append(timed(lambda: setattr(png.range_slider, "value", (0.0, hi))))
        results["interact way"].append(timed(lambda: interact_way(png.expression, (0.0, hi), n,
                                                                   figsize, params)))
        text = f"{FORMULAS[i % len(FORMULAS)]} + {i}/10"  # never typed before: compiled anew
        before = typed._plot.static_key
        results["typed formula (live)"].append(timed(lambda: setattr(typed.text, "value", text)))
        kept = typed._plot.static_key == before
        results["typed: same axes" if kept else "typed: new axes"].append(
            results["typed formula (live)"][-1])
        edit = FORMULA.replace("x/5", f"x/{5 + (i + 1) / 10:g}")  # one number edited
        before = edited._plot.static_key
        results["typed: a number edited"].append(timed(lambda: setattr(edited.text, "value", edit)))
        edits_kept += edited._plot.static_key == before
        if i % 10 == 0:  # a whole sweep per case, from the same start each time
            for case, (backend, slider, start, stop) in SWEEPS.items():
                explorer = explorers[backend]
                explorer.range_slider.value = (0.0, 2 * math.pi)
                results[case].extend(sweep(explorer, slider, start, stop))
    for explorer in (*explorers.values(), typed, edited):  # every move was drawn, none refused
        assert "<pre" not in explorer.message.value, explorer.message.value
    width, height = png.figure.canvas.get_width_height()
    medians: dict[str, float | str] = {k: statistics.median(v) if v else float("nan")
                                       for k, v in results.items()}
    medians["pixels"] = f"{width}x{height}"
    medians["counts"] = (f"typed formulas: {len(results['typed: new axes'])} needed new axes, "
                         f"{len(results['typed: same axes'])} kept them; edited numbers: "
                         f"{edits_kept} of {repeats} kept them")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    args = parser.parse_args()
    print(f"gradlab {gl.__version__}, matplotlib {matplotlib.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores")
    print(f"formula {FORMULA!r}; medians in milliseconds ({args.repeats} moves each, "
          f"sweeps of {STEPS} steps)\n")
    table = {n: measure(n, args.repeats) for n in (400, 2000)}
    cases = [k for k in table[400] if k not in ("pixels", "counts")]
    print("| case | n = 400 | n = 2000 |")
    print("|---|---|---|")
    for case in cases:
        cells = ["none" if math.isnan(table[n][case]) else f"{table[n][case]:.1f}" for n in (400, 2000)]
        print(f"| {case} | {cells[0]} | {cells[1]} |")
    m = table[400]
    print(f"\npixels {m['pixels']}; x-range move (png) is "
          f"{m['interact way'] / m['x-range (png)']:.1f}x faster than the interact way at n = 400")
    print(f"n = 400: {m['counts']}\n")
    for case in cases:
        if case in ("interact way", "parameter a (live, kernel side)") or case.startswith("typed:"):
            continue
        print(f"  [{'met' if m[case] <= 16 else 'MISSED'}] {case}: {m[case]:.1f} ms <= 16 ms at n = 400")


if __name__ == "__main__":
    main()
