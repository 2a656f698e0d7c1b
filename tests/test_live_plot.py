"""The live explorer, driven headless: what the kernel does (and does not do) while the
browser redraws. Redraws are counted, never timed; the browser side is tests/test_browser.py."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import gradlab as gl
from gradlab.widgets.live_plot import MAX_PARAMETERS, LivePlot


@pytest.fixture
def explorer():
    return gl.explore("a*sin(b*x)", x_range=(0, 2 * np.pi))


def browser_asks(explorer, f=None, d=None):
    """What live_plot.js sends when a curve leaves its panel."""
    explorer.live._on_message(explorer.live, {"type": "limits", "f": f, "d": d}, [])


def panel(explorer, name):
    return next(p for p in explorer.live.panels if p["name"] == name)


def test_live_is_the_default_and_the_widget_gets_a_whole_frame(explorer):
    live = explorer.live
    assert explorer.live_active and explorer.live_fallback is None
    assert explorer.image is live and explorer.children[-1] is live and isinstance(live, LivePlot)
    assert live.background.startswith(b"\x89PNG") and live.version == 1
    assert live.source.startswith("(function (inputs)")
    assert (live.width, live.height) == Image.open(io.BytesIO(live.background)).size == (680, 420)
    assert live.x_range == [0.0, pytest.approx(2 * np.pi)] and live.n == 400
    assert live.orders == [0, 1] and live.parameter_count == 2 and (live.p0, live.p1) == (1.0, 1.0)
    f_box, d_box = panel(explorer, "f")["box"], panel(explorer, "d")["box"]
    assert f_box[1] + f_box[3] < d_box[1]  # f above the derivatives, boxes from the top left
    assert panel(explorer, "f")["ylim"] == list(explorer._plot.axes["f"].get_ylim())
    styles = live.styles
    assert styles["0"]["color"] == "#4c72b0" and styles["0"]["width"] == pytest.approx(2 * 100 / 72)
    assert styles["2"]["dashes"] and not styles["1"]["dashes"]  # f'' and f''' are dashed
    assert styles["point_f"]["edge_color"] == "#ffffff" and styles["tangent"]["dashes"]


def test_a_drag_of_a_parameter_or_x0_renders_no_png_in_the_kernel(explorer):
    live, renders, version = explorer.live, explorer.render_count, explorer.live.version
    background = live.background
    for value in np.linspace(1.0, 4.5, 30):  # a curve that grows out of its axes
        explorer.parameter_sliders["a"].value = float(value)
        explorer.tangent_slider.value = float(value)
    assert explorer.render_count == renders and explorer.blit_count == 0
    assert explorer.png_count == 0 and live.version == version and live.background == background
    assert explorer.params == {"a": 4.5, "b": 1.0}
    x, y = explorer._plot.lines[0].get_data()  # the kernel still knows the curves
    np.testing.assert_allclose(y, 4.5 * np.sin(x), atol=1e-12)
    png = explorer.image.value  # the full picture, drawn on demand, once
    assert png.startswith(b"\x89PNG") and explorer.image.value == png and explorer.png_count == 1
    explorer.parameter_sliders["b"].value = 2.0
    assert explorer.image.value != png and explorer.png_count == 2


def test_one_background_per_rescale_request(explorer):
    renders, version = explorer.render_count, explorer.live.version
    d_limits = panel(explorer, "d")["ylim"]
    browser_asks(explorer, f=[-6.0, 6.0])
    assert explorer.render_count == renders + 1 and explorer.live.version == version + 1
    assert panel(explorer, "f")["ylim"] == [-6.0, 6.0] and panel(explorer, "d")["ylim"] == d_limits
    assert explorer._plot.axes["f"].get_ylim() == (-6.0, 6.0)
    browser_asks(explorer, f=[-6.0, 6.0])  # the same axes again: nothing to do
    for bad in ([1.0, -1.0], [0.0, float("nan")], ["a", "b"], 3, [1.0]):
        browser_asks(explorer, f=bad)
    explorer.live._on_message(explorer.live, {"type": "something else"}, [])
    assert explorer.render_count == renders + 1
    explorer.parameter_sliders["a"].value = 2.0  # a slider move keeps the axes the browser chose
    assert explorer._plot.axes["f"].get_ylim() == (-6.0, 6.0) and explorer.render_count == renders + 1


def test_kernel_moves_still_send_a_new_frame(explorer):
    version, renders = explorer.live.version, explorer.render_count
    explorer.range_slider.value = (-1.0, 4.0)
    assert explorer.live.x_range == [-1.0, 4.0] and explorer.live.version == version + 1
    explorer.order_toggles[2].value = True
    assert explorer.live.orders == [0, 1, 2] and explorer.live.version == version + 2
    explorer.text.value = "c*cos(x)"
    assert explorer.live.parameter_count == 1 and "Math.cos" in explorer.live.source
    assert explorer.render_count == renders + 3


def test_a_new_formula_that_fits_the_axes_keeps_them_and_sends_no_new_background():
    explorer = gl.explore("sin(x)", x_range=(0, 2 * np.pi))
    plot, live = explorer._plot, explorer.live
    encoded = []
    plot_png = plot.png
    plot.png = lambda: encoded.append(1) or plot_png()
    limits = [ax.get_ylim() for ax in plot.axes.values()]
    layers, version, background = plot.layer_count, live.version, live.background
    explorer.text.value = "0.8*sin(x)"  # f and f' fit, and fill more than half the axes
    assert [ax.get_ylim() for ax in plot.axes.values()] == limits
    assert plot.layer_count == layers and encoded == [] and live.background is background
    assert live.version == version + 1 and "0.8" in live.source  # the page gets the new plan
    kept = explorer.image.value  # the full picture, composed on the kept background
    plot._layer = None  # forget every cached pixel: the next redraw draws everything
    explorer._render()
    assert plot.layer_count == layers + 1
    explorer._live_png_cache = None
    assert explorer.image.value == kept


@pytest.mark.parametrize("formula", ["3*sin(x)", "0.3*sin(x)", "sin(x) + 0.5"])
def test_a_new_formula_that_leaves_or_hardly_fills_the_axes_is_fitted_afresh(formula):
    explorer = gl.explore("sin(x)", x_range=(0, 2 * np.pi))
    old_f = explorer._plot.axes["f"].get_ylim()
    explorer.text.value = formula
    fresh = gl.explore(formula, x_range=(0, 2 * np.pi))  # what a first picture fits
    assert explorer._plot.axes["f"].get_ylim() == fresh._plot.axes["f"].get_ylim() != old_f
    x, f = explorer._plot.lines[0].get_data()
    low, high = explorer._plot.axes["f"].get_ylim()
    assert low < np.min(f) and np.max(f) < high and np.ptp(f) > 0.5 * (high - low)


def test_a_new_formula_keeps_one_panel_and_refits_the_other():
    explorer = gl.explore("sin(x)", x_range=(0, 2 * np.pi))
    f_limits, d_limits = (ax.get_ylim() for ax in explorer._plot.axes.values())
    explorer.text.value = "0.9*sin(x) + 0.05*sin(8*x)"  # f stays inside; f' reaches 1.3
    assert explorer._plot.axes["f"].get_ylim() == f_limits
    assert explorer._plot.axes["d"].get_ylim() != d_limits
    _, d = explorer._plot.lines[1].get_data()
    low, high = explorer._plot.axes["d"].get_ylim()
    assert low < np.min(d) and np.max(d) < high


def test_sliders_reach_the_canvas_through_links_in_the_browser(explorer):
    def links():
        return {(link.source[0].description, link.target[1]) for link in explorer._parameter_links}

    assert links() == {("a", "p0"), ("b", "p1")}
    for link in explorer._parameter_links:
        assert link._model_name == "DirectionalLinkModel"  # a link made in the browser (jsdlink)
        assert link.target[0] is explorer.live and link.source[1] == "value"
    fixed = {(link.source[0], link.source[1], link.target[1]) for link in explorer._links}
    assert fixed == {(explorer.tangent_slider, "value", "x0"), (explorer.tangent_toggle, "value", "tangent")}
    old = explorer._parameter_links
    explorer.text.value = "c*x + a"  # the plan takes its parameters in sorted order
    assert links() == {("a", "p0"), ("c", "p1")}
    assert all(link.comm is None for link in old)  # the old links are closed


def test_an_op_with_no_javascript_is_redrawn_in_the_kernel_and_says_so():
    square = gl.register_op("KernelOnlySquare", lambda v: v * v, [lambda g, out, v: g * 2 * v])
    e = gl.explore(lambda t: square(t) + gl.sin(t), x_range=(-2, 2))
    assert not e.live_active and "KernelOnlySquare" in e.live_fallback
    assert e.image is not e.live and e.children[-1] is e.image and bytes(e.image.value).startswith(b"\x89PNG")
    assert "Redrawn in the kernel: no JavaScript for op &#x27;KernelOnlySquare&#x27;" in e.message.value
    renders, blits = e.render_count, e.blit_count
    e.tangent_slider.value = 1.0
    assert e.blit_count == blits + 1 and e.render_count == renders  # today's kernel path
    e.text.value = "a*sin(x)"  # a formula with a translation: live again
    assert e.live_active and e.children[-1] is e.live and "kernel" not in e.message.value


def test_too_many_parameters_for_the_canvas_fall_back():
    names = [f"q{i}" for i in range(MAX_PARAMETERS + 1)]
    e = gl.explore(" + ".join(f"{name}*x" for name in names))
    assert not e.live_active and f"more than {MAX_PARAMETERS} parameters" in e.message.value
    e.parameter_sliders["q0"].value = 2.0
    assert e.blit_count + e.render_count >= 2  # the kernel drew it


def test_png_backend_has_no_live_canvas():
    e = gl.explore("a*sin(b*x)", backend="png")
    assert e.live is None and not e.live_active and bytes(e.image.value).startswith(b"\x89PNG")
    e.parameter_sliders["a"].value = 0.5
    assert e.blit_count == 1


def test_the_kernel_answers_the_pages_hello(explorer, monkeypatch):
    """The page asks for new axes only once the kernel said it is there (an HTML export
    with saved widget state has no kernel, and keeps its saved axes)."""
    sent = []
    monkeypatch.setattr(explorer.live, "send", lambda content, buffers=None: sent.append(content))
    renders = explorer.render_count
    explorer.live._on_message(explorer.live, {"type": "hello"}, [])
    assert sent == [{"type": "hello"}] and explorer.render_count == renders


# -- the page's side of the redraw, in node (tests/live_plot_page.mjs) ---------------------

LIVE_PLOT_JS = Path(gl.__file__).parent / "widgets" / "live_plot.js"
PAGE = Path(__file__).parent / "live_plot_page.mjs"
TRAITS = ["width", "height", "panels", "source", "x_range", "n", "orders", "styles", "version",
          "tangent", "x0", "parameter_count", *(f"p{i}" for i in range(8))]


class Page:
    """live_plot.js's render() in node: the explorer's LivePlot state goes in as the kernel
    sends it (the PNG as a token that names its bytes), decodes finish when told to, and a
    report says which decoded backgrounds were drawn."""

    def __init__(self, live: LivePlot) -> None:
        node = shutil.which("node")
        assert node, "these tests need node (Debian's nodejs package)"
        self.live, self.sent = live, {}
        self.process = subprocess.Popen([node, str(PAGE), str(LIVE_PLOT_JS)], text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.command("render", state=self.changes())

    def changes(self) -> dict:
        state = {name: getattr(self.live, name) for name in TRAITS}
        state["background"] = f"png {hash(self.live.background)}"
        changed = {k: v for k, v in state.items() if self.sent.get(k) != v}
        self.sent.update(state)
        return changed

    def command(self, op: str, **fields) -> None:
        self.process.stdin.write(json.dumps({"op": op, **fields}) + "\n")
        self.process.stdin.flush()

    def kernel_message(self) -> None:
        self.command("set", state=self.changes())

    def report(self) -> dict:
        self.command("report")
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def page(explorer):
    page = Page(explorer.live)
    yield page
    page.close()


def test_backgrounds_that_come_faster_than_they_decode_are_each_shown_once_decoded(explorer, page):
    page.command("decode", ok=True)
    page.command("frame")
    assert page.report()["drawn"] == [0]
    for lo in (0.5, 1.0, 1.5):  # three x-range moves before any background has decoded
        explorer.range_slider.value = (lo, 2 * np.pi)
        page.kernel_message()
    page.command("frame")
    assert page.report()["drawn"] == [0]  # nothing half new: the old frame is not redrawn
    for bitmap in (1, 2, 3):
        page.command("decode", ok=True)
        page.command("frame")
        report = page.report()
        assert report["drawn"][-1] == bitmap  # each one shown, none held back by a newer one
    assert report["shown"]["version"] == explorer.live.version and report["pending"] == 0
    assert report["closed"] == [0, 1, 2]  # the backgrounds no longer shown are released


def test_a_slider_move_waits_for_the_new_axes_being_decoded_and_is_drawn_on_them(explorer, page):
    page.command("decode", ok=True)
    page.command("frame")
    explorer.range_slider.value = (1.0, 2 * np.pi)
    page.kernel_message()
    page.command("set", state={"p0": 2.5})  # a drag of a in the page meanwhile
    page.command("frame")
    assert page.report()["drawn"] == [0]
    page.command("decode", ok=True)
    page.command("frame")
    report = page.report()
    assert report["drawn"] == [0, 1] and report["shown"]["params"][0] == 2.5
    assert report["shown"]["version"] == explorer.live.version


def test_an_undecodable_background_keeps_the_sliders_drawing_and_is_tried_again(explorer, page):
    page.command("decode", ok=True)
    page.command("frame")
    explorer.range_slider.value = (1.0, 2 * np.pi)
    page.kernel_message()
    page.command("decode", ok=False)
    for value in (2.0, 3.0, 4.0):  # the page's sliders still redraw, on the old axes
        page.command("set", state={"p0": value})
        page.command("frame")
        report = page.report()
        assert report["shown"]["params"][0] == value and report["shown"]["version"] == 1
    assert report["drawn"] == [0, 0, 0, 0]
    explorer.live.version += 1  # a new frame with the same bytes: decoded anew, not skipped
    page.kernel_message()
    assert page.report()["pending"] == 1
    page.command("decode", ok=True)
    page.command("frame")
    report = page.report()
    assert report["drawn"][-1] == 2 and report["shown"]["version"] == explorer.live.version


def test_a_new_version_with_the_same_background_is_not_decoded_again(explorer, page):
    page.command("decode", ok=True)
    page.command("frame")
    explorer.live.version += 1  # the kernel sent new panels or x0, the same picture
    page.kernel_message()
    page.command("frame")
    report = page.report()
    assert report["pending"] == 0 and report["drawn"] == [0, 0] and report["closed"] == []
    assert report["shown"]["version"] == explorer.live.version
