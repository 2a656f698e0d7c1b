"""How smooth is a slider drag in a real browser? Frames per second and settle time.

    python bench/browser_latency.py [--seconds 2] [--repeats 1] [--screenshots DIR]
                                    [--cases label explorer-a ...] [--nodelay]

The script starts its own JupyterLab on loopback (token off, a temporary directory as
its root, its own settings and workspaces) and drives Debian's Chromium through
Playwright. Every case is a small notebook of its own (its own kernel, so that the
matplotlib backends of the ``interact`` and ``ipympl`` cases do not meet), opened and
run, and then one slider handle is dragged with the mouse for ``--seconds``: a move
every 16 ms, back and forth across the slider at a steady speed. The mouse events go
through CDP's ``Input.dispatchMouseEvent`` (what ``page.mouse`` sends, less Playwright's
drag-and-drop check, which in JupyterLab slows a pressed move to ~50 ms).

All cases plot ``a*sin(b*x)*exp(-x/5) + x/4`` on x in (0, 2π) at 680×420 px:

* ``label``: a FloatSlider whose observer only sets a Label: the kernel round trip alone;
* ``explorer-a``, ``explorer-b``: ``gl.explore`` (live backend: the browser draws on a
  canvas), dragging parameter a, then b (b makes f' grow: the page asks for new axes);
* ``explorer-range``: the lower handle of the explorer's x-range slider (a new
  background PNG from the kernel on every move);
* ``png-a``: ``gl.explore(..., backend="png")``, parameter a (an ipywidgets Image);
* ``interact``: ``ipywidgets.interactive`` drawing a new seaborn figure (inline backend);
* ``ipympl``: a ``%matplotlib widget`` figure, ``set_ydata`` + ``draw_idle`` per move;
* ``bqplot``: a bqplot Figure whose Lines get new y (skipped when bqplot is missing).

What is counted, in the page, for the plot element of the case only: an animation frame
(one requestAnimationFrame tick) in which that element changed counts as one frame.
A change is a draw call on one of its canvases (``CanvasRenderingContext2D`` is patched
before the page loads), or a DOM mutation inside it seen by a MutationObserver: a new
``<img>`` src or a new ``<img>`` (an inline figure), new text (a Label), a new SVG path
(bqplot's lines; its legend and labels, re-set on every update, do not count).
frames/s is the number of such frames between pointer-down and pointer-up over the
drag's length; the settle time runs from pointer-up to the last frame, waiting up to 3 s
for quiet (no frame for 500 ms). The notes give the page's own rAF rate and the mouse
moves it received per second (if these drop, the page itself is the bottleneck), and
for the live canvas its own counters (``data-frames``, ``data-requests`` for new axes).

``--nodelay`` measures what the Jupyter server, not gradlab, holds back: jupyter_server
does not set TCP_NODELAY on its kernel websockets, so a small message written right after
another waits for the browser's (delayed, up to 40 ms on Linux) ACK. Logged in the page,
the server and the kernel, that wait is most of an x-range round trip once the browser
has nothing to send back (after mouse-up). The option starts the bench's JupyterLab with a
config file that calls tornado's ``set_nodelay(True)`` on each kernel websocket; every
case gets it, so the ratios stay like for like.

Targets (issue 18): an explorer parameter drag shows >= 1.5x the frames/s of the
Label-only round trip; an explorer x-range drag >= 0.8x; settle <= 150 ms for the
three live explorer cases.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [  # as tests/test_browser.py, and no throttling of timers or rAF
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1400, "height": 1000}
STEP_S = 0.016  # one mouse move per display frame
SWEEP_S = 0.7  # one way across the swept part of the slider (not a divisor of 2 s)
QUIET_MS, SETTLE_LIMIT_MS = 500, 3000

SETUP = '''\
import math
import ipywidgets as widgets
import numpy as np
import gradlab as gl

FORMULA = "a*sin(b*x)*exp(-x/5) + x/4"
X_RANGE = (0, 2 * math.pi)
x = np.linspace(*X_RANGE, 400)
expression = gl.parse(FORMULA)

def curves(a, b=1.0):
    return expression.evaluate(x, (0, 1), a=a, b=b)

def slider(name):
    return widgets.FloatSlider(value=1.0, min=-5.0, max=5.0, step=0.01, description=name)
'''

LABEL = '''\
a = slider("a")
label = widgets.Label("1.00").add_class("bench-plot")
a.observe(lambda change: setattr(label, "value", f"{change.new:.2f}"), "value")
widgets.VBox([a, label])
'''

EXPLORER = '''\
explorer = gl.explore(FORMULA, x_range=X_RANGE{backend})
explorer.image.add_class("bench-plot")
explorer
'''

INTERACT = '''\
%matplotlib inline
import matplotlib.pyplot as plt
import seaborn as sns

def draw(a):
    f, d = curves(a)
    with sns.axes_style("darkgrid"):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.8, 4.2), dpi=100, sharex=True)
        top.plot(x, f, label="f(x)")
        bottom.plot(x, d, color="C1", label="f′(x)")
        for ax in (top, bottom):
            ax.legend(loc="upper right")
    plt.show()

view = widgets.interactive(draw, a=slider("a"))
view.out.add_class("bench-plot")
view
'''

IPYMPL = '''\
%matplotlib widget
import matplotlib.pyplot as plt

plt.ioff()
fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.8, 4.2), dpi=100, sharex=True)
f, d = curves(1.0)
(line_f,) = top.plot(x, f)
(line_d,) = bottom.plot(x, d, color="C1")
top.set_ylim(-7, 7)
bottom.set_ylim(-7, 7)
fig.canvas.header_visible = False
fig.canvas.add_class("bench-plot")

def move(change):
    f, d = curves(change.new)
    line_f.set_ydata(f)
    line_d.set_ydata(d)
    fig.canvas.draw_idle()

a = slider("a")
a.observe(move, "value")
widgets.VBox([a, fig.canvas])
'''

BQPLOT = '''\
import bqplot as bq

xs, ys = bq.LinearScale(), bq.LinearScale(min=-7, max=7)
lines = bq.Lines(x=x, y=np.vstack(curves(1.0)), scales={"x": xs, "y": ys}, colors=["#1f77b4", "#ff7f0e"])
figure = bq.Figure(marks=[lines], axes=[bq.Axis(scale=xs), bq.Axis(scale=ys, orientation="vertical")],
                   animation_duration=0, layout=widgets.Layout(width="680px", height="420px"))
figure.add_class("bench-plot")
a = slider("a")
a.observe(lambda change: setattr(lines, "y", np.vstack(curves(change.new))), "value")
widgets.VBox([a, figure])
'''


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    code: str
    slider: str  # the slider's description
    handle: int = 0  # which handle (a range slider has two)
    sweep: tuple[float, float] = (0.2, 0.8)  # the part of the track dragged across
    needs: str | None = None  # a module the case cannot run without


CASES = [
    Case("label", "label (kernel round trip)", LABEL, "a"),
    Case("explorer-a", "explorer parameter a", EXPLORER.format(backend=""), "a"),
    Case("explorer-b", "explorer parameter b", EXPLORER.format(backend=""), "b"),
    Case("explorer-range", "explorer x-range", EXPLORER.format(backend=""), "x range", 0, (0.1, 0.5)),
    Case("png-a", "explorer (png backend) parameter a", EXPLORER.format(backend=', backend="png"'), "a"),
    Case("interact", "interact (new seaborn figure)", INTERACT, "a", needs="seaborn"),
    Case("ipympl", "ipympl (set_data + draw_idle)", IPYMPL, "a", needs="ipympl"),
    Case("bqplot", "bqplot (Lines.y)", BQPLOT, "a", needs="bqplot"),
]
LIVE_CASES = ("explorer-a", "explorer-b", "explorer-range")

# Installed before any page script: frames of the armed element, one per rAF tick at most.
PAGE_HOOKS = """(() => {
  const bench = { target: null, observer: null, tick: 0, seen: -1, frames: [], down: null, up: null, moves: 0 };
  window.__bench = bench;
  const frame = () => {
    if (bench.seen === bench.tick) return;
    bench.seen = bench.tick;
    bench.frames.push(performance.now());
  };
  const loop = () => { bench.tick += 1; requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  const proto = CanvasRenderingContext2D.prototype;
  for (const name of ["drawImage", "putImageData", "fill", "stroke", "fillRect", "strokeRect",
                      "clearRect", "fillText", "strokeText"]) {
    const original = proto[name];
    proto[name] = function (...args) {
      if (bench.target && bench.target.contains(this.canvas)) frame();
      return original.apply(this, args);
    };
  }
  // what a viewer sees change: an <img> (new src, or a new one, as an inline figure), text
  // (a Label), an SVG path (bqplot's lines); not the re-set attributes around them
  const picture = (n) => n.nodeName === "IMG" || (n.nodeType === Node.TEXT_NODE && n.textContent.trim() !== "") ||
    (n.nodeType === Node.ELEMENT_NODE && n.querySelector("img") !== null);
  const shown = (r) => r.type === "characterData" ||
    (r.type === "childList" && [...r.addedNodes].some(picture)) ||
    (r.type === "attributes" && ["src", "d"].includes(r.attributeName) &&
     r.target.getAttribute(r.attributeName) !== r.oldValue);
  bench.arm = (selector) => {
    if (bench.observer) bench.observer.disconnect();
    bench.target = document.querySelector(selector);
    bench.observer = new MutationObserver((records) => { if (records.some(shown)) frame(); });
    bench.observer.observe(bench.target, { subtree: true, childList: true, attributes: true, characterData: true,
                                               attributeOldValue: true });
  };
  bench.reset = () => { bench.frames = []; bench.down = null; bench.up = null; bench.moves = 0; };
  bench.state = () => {
    const { down, up, frames } = bench;
    const during = frames.filter((t) => down !== null && t >= down && (up === null || t <= up)).length;
    return { now: performance.now(), down, up, during, last: frames.length ? frames[frames.length - 1] : null,
             moves: bench.moves, ticks: up === null ? null : bench.upTick - bench.downTick };
  };
  addEventListener("pointerdown", () => { bench.down = performance.now(); bench.downTick = bench.tick; }, true);
  addEventListener("pointerup", () => { bench.up = performance.now(); bench.upTick = bench.tick; }, true);
  addEventListener("pointermove", () => { if (bench.down !== null && bench.up === null) bench.moves += 1; }, true);
})();"""

# The case's output scrolled to the top of the notebook; where its slider's handle and track are.
SLIDER_GEOMETRY = """([description, index]) => {
  const plot = document.querySelector(".bench-plot");
  plot.closest(".jp-OutputArea").scrollIntoView({ block: "start" });
  const slider = [...document.querySelectorAll(".widget-slider")]
    .find((s) => s.querySelector(".widget-label")?.textContent.trim() === description);
  if (!slider) return null;
  const h = slider.querySelectorAll(".noUi-handle")[index].getBoundingClientRect();
  const t = slider.querySelector(".noUi-target").getBoundingClientRect();
  const p = plot.getBoundingClientRect();
  return { x: h.x + h.width / 2, y: h.y + h.height / 2, left: t.x, width: t.width,
           inView: h.top >= 0 && p.top >= 0 && p.bottom <= innerHeight };
}"""

CELLS_DONE = """() => {
  const panel = window.jupyterapp?.shell.currentWidget;
  const kernel = panel?.sessionContext?.session?.kernel;
  const done = panel?.content?.widgets.every((c) => c.model.type !== "code" || c.model.executionCount !== null);
  return !!document.querySelector(".bench-plot") || (kernel?.status === "idle" && done);
}"""

LIVE_COUNTERS = """() => {
  const canvas = document.querySelector(".bench-plot canvas.gradlab-live-plot");
  return canvas ? [+canvas.dataset.frames, +canvas.dataset.requests] : null;
}"""


@dataclass
class Result:
    case: Case
    fps: float | None = None
    settle_ms: float | None = None
    frames: float | None = None
    notes: list[str] = field(default_factory=list)


class CaseFailed(Exception):
    pass


# -- JupyterLab ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NODELAY_CONFIG = """\
# bench --nodelay: the kernel websockets of this server send small messages at once
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

_open = KernelWebsocketHandler.open


async def open(self, kernel_id):
    self.set_nodelay(True)  # tornado's advice for interactive websockets
    return await _open(self, kernel_id)


KernelWebsocketHandler.open = open
"""


def start_jupyterlab(root: Path, nodelay: bool = False) -> tuple[subprocess.Popen, str]:
    settings = root / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"checkForUpdates": False, "fetchNews": "false"}))
    port = free_port()
    env = {**os.environ, "MPLBACKEND": "", "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces")}
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
               "--ServerApp.disable_check_xsrf=True", "--LabApp.expose_app_in_browser=True",
               f"--ServerApp.root_dir={root}"]
    if nodelay:
        (root / "nodelay_config.py").write_text(NODELAY_CONFIG)
        command.append(f"--config={root / 'nodelay_config.py'}")
    with open(root / "jupyterlab.log", "w") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{base}/api", timeout=2):
                return process, base
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("JupyterLab did not start:\n" + (root / "jupyterlab.log").read_text()[-2000:])


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def shutdown_kernels(base: str) -> None:
    with urllib.request.urlopen(f"{base}/api/sessions", timeout=10) as answer:
        sessions = json.load(answer)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def write_notebook(root: Path, case: Case) -> str:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SETUP),
                                               nbformat.v4.new_code_cell(case.code)])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, root / f"{case.name}.ipynb")
    return f"{case.name}.ipynb"


# -- one case in the page -----------------------------------------------------------------

def open_case(page: Any, base: str, case: Case, notebook: str) -> None:
    """Open the case's notebook in a fresh workspace, run all cells, wait for its plot."""
    page.goto(f"{base}/lab/workspaces/bench-{case.name}/tree/{notebook}", timeout=120_000)
    page.wait_for_function("""() => window.jupyterapp?.shell.currentWidget?.sessionContext?.session
                              ?.kernel?.status === 'idle'""", timeout=180_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(CELLS_DONE, timeout=300_000, polling=250)
    if not page.locator(".bench-plot").count():
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        raise CaseFailed("no plot: " + " ".join(outputs)[-300:].replace("\n", " "))
    page.locator(".bench-plot").first.wait_for(state="visible", timeout=60_000)
    page.evaluate("() => window.__bench.arm('.bench-plot')")
    wait_for_quiet(page, quiet_ms=1500, limit_ms=30_000)  # first draws and a busy kernel done


def wait_for_quiet(page: Any, quiet_ms: float = QUIET_MS, limit_ms: float = SETTLE_LIMIT_MS) -> dict:
    """Poll until no frame came for quiet_ms (after pointer-up, if any), at most limit_ms."""
    start = page.evaluate("() => window.__bench.state()")
    origin = start["up"] or start["now"]
    while True:
        state = page.evaluate("() => window.__bench.state()")
        latest = max(origin, state["last"] or origin)
        if state["now"] - latest >= quiet_ms or state["now"] - origin >= limit_ms:
            state["quiet"] = state["now"] - latest >= quiet_ms
            return state
        time.sleep(0.05)


def sweep_position(start: float, lo: float, hi: float, distance: float) -> float:
    """Where the mouse is after moving `distance` px from `start` towards hi, bouncing between lo and hi."""
    span = hi - lo
    m = (min(max(start, lo), hi) - lo + distance) % (2 * span)
    return lo + m if m <= span else hi - (m - span)


class Mouse:
    """The left mouse button through CDP's Input.dispatchMouseEvent: trusted events, as
    page.mouse sends them, but without Playwright's drag-and-drop check on every move
    with the button down (in JupyterLab that check costs ~30 ms a move, and caps the
    drag at ~15 moves a second)."""

    def __init__(self, page: Any) -> None:
        self.cdp = page.context.new_cdp_session(page)

    def send(self, kind: str, x: float, y: float, buttons: int) -> None:
        self.cdp.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                   "buttons": buttons, "clickCount": int(kind != "mouseMoved")})

    def move(self, x: float, y: float, pressed: bool = True) -> None:
        self.send("mouseMoved", x, y, int(pressed))

    def down(self, x: float, y: float) -> None:
        self.move(x, y, pressed=False)
        self.send("mousePressed", x, y, 1)

    def up(self, x: float, y: float) -> None:
        self.send("mouseReleased", x, y, 0)


def drag_once(page: Any, mouse: Mouse, case: Case, seconds: float) -> tuple[dict, float]:
    """Drag the case's slider handle for `seconds`; return the page's counts and the drag's length in ms."""
    where = page.evaluate(SLIDER_GEOMETRY, [case.slider, case.handle])
    if where is None:
        raise CaseFailed(f"no slider described {case.slider!r}")
    if not where["inView"]:
        raise CaseFailed("the slider and the plot do not fit in the viewport together")
    lo, hi = (where["left"] + f * where["width"] for f in case.sweep)
    speed, x, y = (hi - lo) / SWEEP_S, where["x"], where["y"]
    page.evaluate("() => window.__bench.reset()")
    mouse.down(x, y)
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        x = sweep_position(where["x"], lo, hi, speed * elapsed)
        mouse.move(x, y)
        time.sleep(max(0.0, STEP_S - (time.perf_counter() - start - elapsed)))
    mouse.up(x, y)
    state = wait_for_quiet(page)
    if state["down"] is None or state["up"] is None:
        raise CaseFailed("the page saw no pointer-down or pointer-up")
    return state, state["up"] - state["down"]


def measure(page: Any, case: Case, seconds: float, repeats: int, shots: Path | None) -> Result:
    result = Result(case)
    output = page.locator(".jp-OutputArea", has=page.locator(".bench-plot")).first
    if shots:
        page.evaluate(SLIDER_GEOMETRY, [case.slider, case.handle])  # scrolled as for the drag
        output.screenshot(path=str(shots / f"{case.name}-before.png"))
    live_before, mouse = page.evaluate(LIVE_COUNTERS), Mouse(page)
    fps, settle, frames, moves, ticks = [], [], [], [], []
    for _ in range(repeats):
        state, length_ms = drag_once(page, mouse, case, seconds)
        fps.append(state["during"] / (length_ms / 1000))
        frames.append(state["during"])
        moves.append(state["moves"] / (length_ms / 1000))
        ticks.append(state["ticks"] / (length_ms / 1000))
        after_up = state["last"] is not None and state["last"] > state["up"]
        settle.append(state["last"] - state["up"] if after_up else 0.0)
        if not state["quiet"] and not any("still drawing" in n for n in result.notes):
            result.notes.append(f"still drawing {SETTLE_LIMIT_MS} ms after mouse-up")
    result.fps, result.settle_ms = statistics.median(fps), statistics.median(settle)
    result.frames = statistics.median(frames)
    result.notes.append(f"page {statistics.median(ticks):.0f} rAF/s, {statistics.median(moves):.0f} mouse moves/s")
    live_after = page.evaluate(LIVE_COUNTERS)
    if live_before and live_after:
        drawn, asked = (after - before for after, before in zip(live_after, live_before))
        result.notes.append(f"canvas data-frames +{drawn} over all drags, {asked} axis requests")
    if shots:
        output.screenshot(path=str(shots / f"{case.name}-after.png"))
    return result


def run_case(browser: Any, base: str, root: Path, case: Case, args: argparse.Namespace,
             errors: dict[str, list[str]]) -> Result:
    if case.needs and importlib.util.find_spec(case.needs) is None:
        return Result(case, notes=[f"skipped: {case.needs} is not installed"])
    page = browser.new_page(viewport=VIEWPORT)
    page.add_init_script(PAGE_HOOKS)
    page.on("console", lambda m: errors[case.name].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors[case.name].append(f"pageerror: {e}"))
    try:
        open_case(page, base, case, write_notebook(root, case))
        return measure(page, case, args.seconds, args.repeats, args.screenshots)
    except (CaseFailed, PlaywrightError) as err:  # one broken case must not hide the others
        return Result(case, notes=[f"FAILED: {type(err).__name__}: {str(err).splitlines()[0][:200]}"])
    finally:
        page.close()
        with contextlib.suppress(OSError):
            shutdown_kernels(base)


# -- report -------------------------------------------------------------------------------

def version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def fmt(value: float | None, spec: str = ".1f") -> str:
    return "–" if value is None else format(value, spec)


def report(results: list[Result], chromium: str, errors: dict[str, list[str]], nodelay: bool = False) -> None:
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    if nodelay:
        print("server: --nodelay, kernel websockets with TCP_NODELAY (not what JupyterLab does by default)")
    packages = ["jupyterlab", "ipywidgets", "gradlab", "anywidget", "ipympl", "bqplot", "playwright"]
    print("versions: chromium " + chromium + ", " + ", ".join(f"{p} {version(p)}" for p in packages))
    by_name = {r.case.name: r for r in results}
    base = by_name.get("label")
    base_fps = base.fps if base and base.fps else None
    print("\n| case | frames/s | settle ms | frames | × label | notes |\n|---|---:|---:|---:|---:|---|")
    for r in results:
        ratio = r.fps / base_fps if r.fps is not None and base_fps else None
        print(f"| {r.case.title} | {fmt(r.fps)} | {fmt(r.settle_ms, '.0f')} | {fmt(r.frames, '.0f')} | "
              f"{fmt(ratio, '.2f')} | {'; '.join(r.notes)} |")
    print("\ntargets:")
    for name, wanted in (("explorer-a", 1.5), ("explorer-b", 1.5), ("explorer-range", 0.8)):
        r = by_name.get(name)
        if r is None or r.fps is None or not base_fps:
            print(f"  [not measured] {name} frames/s >= {wanted}x the label round trip")
            continue
        ratio = r.fps / base_fps
        print(f"  [{'met' if ratio >= wanted else 'MISSED'}] {r.case.title}: {ratio:.2f}x the label "
              f"round trip's frames/s (target >= {wanted}x)")
    for name in LIVE_CASES:
        r = by_name.get(name)
        if r is not None and r.settle_ms is not None:
            print(f"  [{'met' if r.settle_ms <= 150 else 'MISSED'}] {r.case.title}: settles in "
                  f"{r.settle_ms:.0f} ms (target <= 150 ms)")
    print("\nbrowser console errors:", ", ".join(f"{r.case.name} {len(errors[r.case.name])}" for r in results))
    for name, messages in errors.items():
        for message in dict.fromkeys(messages):  # each distinct message once, in order
            print(f"  {name}: {message[:300]}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one drag")
    parser.add_argument("--repeats", type=int, default=1, help="drags per case (the median is shown)")
    parser.add_argument("--screenshots", type=Path, help="save the case's output before and after the drags")
    parser.add_argument("--cases", nargs="+", choices=[c.name for c in CASES], help="run only these")
    parser.add_argument("--nodelay", action="store_true",
                        help="start JupyterLab with TCP_NODELAY on its kernel websockets (see the docstring)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit(f"needs Debian's chromium at {CHROMIUM}: apt-get install chromium")
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    cases = [c for c in CASES if not args.cases or c.name in args.cases]
    errors: dict[str, list[str]] = {c.name: [] for c in cases}
    root = Path(tempfile.mkdtemp(prefix="gradlab-browser-bench-"))
    process = None
    try:
        process, base = start_jupyterlab(root, nodelay=args.nodelay)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            try:
                results = []
                for case in cases:
                    print(f"{case.name} …", file=sys.stderr, flush=True)
                    results.append(run_case(browser, base, root, case, args, errors))
                chromium = browser.version
            finally:
                browser.close()
        report(results, chromium, errors, args.nodelay)
    finally:
        if process is not None:
            stop(process)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
