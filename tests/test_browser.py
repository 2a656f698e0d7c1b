"""The course in a real browser: JupyterLab and Voila, driven by Playwright in Chromium.

What a student does, checked end to end: open the explorer notebook, run every cell,
see the widgets (text box, sliders, plot image), drag the x-range slider, type a new
function, and see the plot change with no error. The same for the Voila classroom page.
Screenshots are kept in ``artifacts/browser/``.

Needs Debian's ``chromium`` (Playwright cannot download browsers here); run as root, this
module installs it with apt-get. Playwright itself comes with the ``test`` extra.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("GRADLAB_BROWSER_ARTIFACTS", ROOT / "artifacts" / "browser"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [  # headless, and no reaching out to the network at start-up
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def ensure_chromium() -> str:
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
    if not os.path.exists(CHROMIUM):
        pytest.fail("the browser tests need Debian's chromium at /usr/bin/chromium: "
                    "sudo apt-get install chromium")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


def start(command: list[str], url: str, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(command, cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env={**os.environ, "MPLBACKEND": ""})
    try:
        wait_for(url)
    except TimeoutError:
        process.kill()
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    executable = ensure_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def jupyterlab():
    port = free_port()
    process = start([sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
                     f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
                     "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
                     "--LabApp.expose_app_in_browser=True", f"--ServerApp.root_dir={ROOT}"],
                    f"http://127.0.0.1:{port}/api", ARTIFACTS / "jupyterlab.log")
    yield f"http://127.0.0.1:{port}"
    stop(process)


@pytest.fixture(scope="module")
def voila():
    port = free_port()
    process = start([sys.executable, "-m", "voila", "notebooks/explorer.ipynb", "--no-browser",
                     f"--port={port}", "--Voila.ip=127.0.0.1"],
                    f"http://127.0.0.1:{port}/", ARTIFACTS / "voila.log")
    yield f"http://127.0.0.1:{port}/"
    stop(process)


LIVE_CANVAS = "canvas.gradlab-live-plot"

# The explorer's plot as the page shows it: the live canvas's frame version (a new one
# arrives with every new background from the kernel) or, in the kernel PNG path, the
# image's src (a new blob URL every time new PNG bytes arrive).
PLOT_STATE = """() => {
    const canvas = document.querySelector('canvas.gradlab-live-plot');
    if (canvas) return 'live ' + (canvas.dataset.drawn ? JSON.parse(canvas.dataset.drawn).version : '');
    return document.querySelector('img')?.src || '';
}"""


def plot_source(page) -> str:
    return page.evaluate(PLOT_STATE)


def wait_for_new_plot(page, before: str) -> None:
    page.wait_for_function(f"s => ({PLOT_STATE})() !== s", arg=before, timeout=30_000)


def check_live_drag(page, name: str) -> str:
    """Drag the explorer's parameter slider a for about 1.5 s: the canvas redraws in the
    browser (its frame counter goes up), no PNG reaches any image on the page, and the
    last frame drawn is the slider's final value."""
    page.locator(LIVE_CANVAS).first.wait_for(timeout=60_000)
    page.wait_for_function(f"() => +document.querySelector('{LIVE_CANVAS}').dataset.frames > 0",
                           timeout=60_000)
    slider = page.locator(".widget-hslider").nth(1)
    assert slider.inner_text().split()[0] == "a"
    page.evaluate("""() => {
        window.__pngUpdates = 0;
        new MutationObserver(changes => { window.__pngUpdates += changes.length; })
            .observe(document.body, {subtree: true, attributes: true, attributeFilter: ['src']});
    }""")
    canvas = page.locator(LIVE_CANVAS).first
    frames = int(canvas.get_attribute("data-frames"))
    box = slider.locator(".noUi-handle").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(60):  # right and back a little: a grows, the axes rescale
        page.mouse.move(x + 2.5 * step if step < 45 else x + 2.5 * (90 - step), y)
        page.wait_for_timeout(25)
    page.mouse.up()
    final = float(slider.inner_text().split()[-1])
    page.wait_for_function(  # settles on the image of the final value
        f"""v => {{
            const drawn = document.querySelector('{LIVE_CANVAS}').dataset.drawn;
            return drawn && Math.abs(JSON.parse(drawn).params[0] - v) < 0.006;
        }}""", arg=final, timeout=10_000)
    drawn = canvas.get_attribute("data-drawn")
    redrawn = int(canvas.get_attribute("data-frames")) - frames
    assert redrawn >= 20, f"only {redrawn} frames for a drag of 60 moves"
    # the kernel answered the page's hello, so the curve that grew got new axes from it
    assert canvas.get_attribute("data-kernel") == "yes"
    assert int(canvas.get_attribute("data-requests")) >= 1
    assert page.evaluate("() => window.__pngUpdates") == 0  # no kernel PNG anywhere
    canvas.screenshot(path=str(ARTIFACTS / f"{name}-live-canvas.png"))
    return f"dragged a: {redrawn} frames drawn in the browser, no PNG from the kernel, ends on {drawn}"


COUNT_SLIDER_ECHOES = """() => {
    // what the page sends while only the x-range slider moves: an x-range value is a
    // list; a single number (the x0 slider's) or an x0 for the canvas is an echo of a
    // snap, one more kernel round trip on every move of the drag
    window.__echoes = [];
    window.__sent = 0;
    window.__lastSend = performance.now();
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) {
        window.__lastSend = performance.now();
        const text = typeof data === 'string' ? data : new TextDecoder().decode(
            data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (text.includes('"comm_msg"') && text.includes('"update"')) {
            window.__sent += 1;
            if (/"state":\\s*\\{\\s*"(value":\\s*-?[0-9]|x0")/.test(text)) window.__echoes.push(text.slice(-200));
        }
        return send.call(this, data);
    };
}"""


def drag_range_slider(page) -> None:
    handle = page.locator(".widget-hslider .noUi-handle").first
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()


def type_function(page, text: str) -> None:
    box = page.locator(".widget-text input").first
    box.fill(text)
    box.press("Enter")


def check_explorer(page, name: str) -> list[str]:
    """Drive the first explorer on the page; return what happened, step by step."""
    steps, errors = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.locator(".widget-text input").first.wait_for(timeout=120_000)
    page.locator(f"{LIVE_CANVAS}, img").first.wait_for(timeout=60_000)
    assert page.locator(".widget-hslider").count() >= 3  # x range, a, b (and more below)
    steps.append("widgets rendered: text box, sliders, plot")
    page.screenshot(path=str(ARTIFACTS / f"{name}-1-rendered.png"), full_page=True)

    steps.append(check_live_drag(page, name))

    before = plot_source(page)
    page.evaluate(COUNT_SLIDER_ECHOES)
    # the last values of the drag of a may still be on their way to the kernel: wait
    # until the page has sent nothing for a second, then count
    page.wait_for_function("() => performance.now() - window.__lastSend > 1000", timeout=30_000)
    page.evaluate("() => { window.__echoes = []; window.__sent = 0; }")
    drag_range_slider(page)
    wait_for_new_plot(page, before)
    page.wait_for_timeout(1500)  # any echo of the last move has been sent by now
    sent, echoes = page.evaluate("() => [window.__sent, window.__echoes]")
    assert sent >= 1 and not echoes, f"{sent} updates sent, echoes of the x0 slider: {echoes}"
    steps.append(f"dragged the x-range slider: the plot changed; the page sent {sent} x-range "
                 "values and no x0 echo")
    page.screenshot(path=str(ARTIFACTS / f"{name}-2-range.png"), full_page=True)

    before = plot_source(page)
    type_function(page, "cos(2*x)")
    wait_for_new_plot(page, before)
    steps.append("typed cos(2*x): the plot changed")
    page.screenshot(path=str(ARTIFACTS / f"{name}-3-typed.png"), full_page=True)

    type_function(page, "cos(2*x")  # a typo: a message, and the plot stays
    page.get_by_text("was never closed").first.wait_for(timeout=30_000)
    steps.append("typed a typo: the message appeared")
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert page.get_by_text("Traceback").count() == 0
    assert not errors, errors
    steps.append("no traceback, no error output anywhere, no console errors")
    page.screenshot(path=str(ARTIFACTS / f"{name}-4-typo.png"), full_page=True)
    return steps


def test_explorer_lesson_in_jupyterlab(browser, jupyterlab):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(f"{jupyterlab}/lab/tree/notebooks/explorer.ipynb")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
    page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
    page.wait_for_function(  # run the cells only once the notebook's kernel is ready
        """() => {
            const widget = window.jupyterapp.shell.currentWidget;
            const kernel = widget?.sessionContext?.session?.kernel;
            return kernel?.status === 'idle';
        }""", timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    steps = check_explorer(page, "jupyterlab")
    page.close()
    assert len(steps) == 6


def test_classroom_page_in_voila(browser, voila):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    page.goto(voila, timeout=120_000)
    steps = check_explorer(page, "voila")
    text = page.inner_text("body")
    assert "import gradlab" not in text and "gl.explore" not in text  # no code is shown
    page.close()
    assert len(steps) == 6
