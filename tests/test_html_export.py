"""A teacher's HTML export of the explorer: the live plot still redraws with no kernel.

What a teacher does: run a notebook with ``gl.explore(...)``, keep the widget state
(``store_widget_state=True``, as JupyterLab's "Save Widget State Automatically"), and
export it with stock nbconvert (``HTMLExporter``, the default lab template). The page is
then opened in Chromium with no kernel and slider ``a`` is dragged: the canvas must
redraw in the browser, end on the slider's value, and print no error.

The page loads its JavaScript from CDNs (unpkg, jsDelivr, cdnjs) and CI only reaches
package registries, so the CDNs are played here by ``page.route``: each file the page
asks for is answered from the npm package it comes from (tarballs fetched once from
registry.npmjs.org, checked against their ``dist.integrity``, kept in
``$GRADLAB_TEST_CACHE`` or ``~/.cache/gradlab-tests``). Any other outside request is
aborted and must not happen.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from playwright.sync_api import Route
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_browser import ARTIFACTS, CHROMIUM_FLAGS, ensure_chromium

# Pinned versions. nbconvert's default widget_renderer_url is
# https://unpkg.com/@jupyter-widgets/html-manager@*/dist/embed-amd.js, "*" being whatever
# release is newest when the page opens; this test pins 1.0.15, npm's "latest" when it
# was written (bump it when a new html-manager comes out).
HTML_MANAGER = ("@jupyter-widgets/html-manager", "1.0.15")
# the lab template's require_js_url is cdnjs's require.js 2.1.10 (require.min.js); npm's
# requirejs 2.1.10 has the same release unminified. The version is read from the URL below.
REQUIREJS = "requirejs"
CACHE = Path(os.environ.get("GRADLAB_TEST_CACHE") or Path.home() / ".cache" / "gradlab-tests")
CANVAS = "canvas.gradlab-live-plot"
NOTEBOOK = 'import gradlab as gl\ngl.explore("a*sin(b*x)")'
# MathJax (cdnjs) typesets the explorer's formula labels; it is not what this test is
# about, so its URL gets a script that does nothing (window.MathJax stays undefined and
# the page's MathJax set-up and the HTMLMath widgets skip typesetting).
MATHJAX_STUB = b"/* MathJax stand-in for the test: defines nothing */\n"
TYPES = {".js": "application/javascript", ".css": "text/css", ".woff2": "font/woff2",
         ".woff": "font/woff", ".ttf": "font/ttf", ".eot": "application/vnd.ms-fontobject",
         ".svg": "image/svg+xml"}


def npm_package(name: str, version: str) -> Path:
    """The unpacked ``package/`` folder of an npm release, downloaded once (no npm)."""
    target = CACHE / f"{name.replace('/', '+')}-{version}"
    if (target / "package" / "package.json").exists():
        return target / "package"
    try:
        with urllib.request.urlopen(f"https://registry.npmjs.org/{name}/{version}", timeout=60) as r:
            dist = json.load(r)["dist"]
        with urllib.request.urlopen(dist["tarball"], timeout=120) as r:
            data = r.read()
    except OSError as error:
        pytest.fail(f"could not download {name}@{version} from registry.npmjs.org ({error}); "
                    f"this test needs it once, cached in {CACHE} (set GRADLAB_TEST_CACHE to move it)")
    algorithm, _, digest = dist["integrity"].partition("-")
    assert base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == digest, \
        f"{dist['tarball']}: the download does not match its registry integrity {dist['integrity']}"
    assert hashlib.sha1(data).hexdigest() == dist["shasum"], f"{dist['tarball']}: wrong shasum"
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")  # xdist: unpack, then rename
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(partial, filter="data")
    try:
        partial.rename(target)
    except OSError:  # another worker got there first
        shutil.rmtree(partial, ignore_errors=True)
    return target / "package"


def export_notebook(folder: Path) -> tuple[Path, HTMLExporter]:
    """Run the one-cell notebook with widget state kept and export it with stock nbconvert."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(NOTEBOOK)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    nbformat.write(nb, folder / "explorer.ipynb")
    assert "widgets" in nb.metadata, "nbclient kept no widget state"
    exporter = HTMLExporter()  # the default lab template, CDN URLs and all
    html, _ = exporter.from_notebook_node(nb)
    page = folder / "explorer.html"
    page.write_text(html, encoding="utf-8")
    return page, exporter


PIXELS = f"""() => {{
    // a hash of the canvas's pixels, read from a copy (reading the live canvas again and
    // again makes Chromium warn about readbacks)
    const c = document.querySelector('{CANVAS}');
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const g = copy.getContext('2d', {{willReadFrequently: true}});
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4) h = (h * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) >>> 0;
    return h;
}}"""


def next_to_page(url: str, folder: Path) -> bool:
    """Whether a failed load is one every stock export of anywidgets has: a file html-manager
    1.0.15 looks for in the page's own folder, not on a CDN.

    - ``anywidget.js``: html-manager's requireLoader first asks require.js for a local AMD
      module (resolved against the page), then falls back to jsDelivr ("Falling back to ...").
    - Font Awesome's fonts (``<hash>.woff2/.woff/.ttf`` from html-manager's dist/): the
      bundled CSS finds them through the AMD module id ``@jupyter-widgets/...``, which
      require.js also resolves against the page (ipywidgets issue #3623, still open).
    """
    if not url.startswith(folder.as_uri() + "/"):
        return False
    local = url[len(folder.as_uri()) + 1:]
    return local == "anywidget.js" or bool(
        re.fullmatch(r"@jupyter-widgets/(html-manager/dist/)?[0-9a-f]{20}\.(woff2|woff|ttf)", local)
        and (npm_package(*HTML_MANAGER) / "dist" / Path(local).name).is_file())


def test_exported_explorer_redraws_without_kernel(tmp_path: Path) -> None:
    import anywidget

    # the files the CDNs would send (downloaded first: a missing registry fails here)
    html_manager = npm_package(*HTML_MANAGER) / "dist"
    page_file, exporter = export_notebook(tmp_path)
    requirejs_version = re.search(r"/require\.js/([\d.]+)/", exporter.require_js_url).group(1)
    require_js = npm_package(REQUIREJS, requirejs_version) / "require.js"
    # anywidget's AMD module: the installed wheel's copy is byte for byte npm's dist/index.js
    # (jsDelivr would answer the page's "anywidget@~0.11.*" with the newest 0.11.x)
    anywidget_js = Path(anywidget.__file__).parent / "nbextension" / "index.js"

    served: list[str] = []
    aborted: list[str] = []

    def cdn(route: Route) -> None:
        """Play unpkg, jsDelivr and cdnjs from local files; abort (and note) anything else."""
        url = route.request.url
        parts = urlparse(url)
        host, path = parts.hostname, parts.path
        if parts.scheme in ("file", "data", "blob") or host in ("127.0.0.1", "localhost"):
            return route.continue_()
        body: bytes | None = None
        if host in ("unpkg.com", "cdn.jsdelivr.net") and (m := re.fullmatch(
                r"/(?:npm/)?@jupyter-widgets/html-manager@[^/]+/dist/([\w.-]+)", path)):
            file = html_manager / m.group(1)  # embed-amd.js (and its fonts, if asked here)
            body = file.read_bytes() if file.is_file() else None
        elif url == exporter.require_js_url:
            body = require_js.read_bytes()
        elif host == "cdn.jsdelivr.net" and re.fullmatch(r"/npm/anywidget@[^/]+/dist/index\.js", path):
            body = anywidget_js.read_bytes()
        elif host == "cdnjs.cloudflare.com" and path.startswith("/ajax/libs/mathjax/"):
            body = MATHJAX_STUB
        if body is None:
            aborted.append(url)
            return route.abort("blockedbyclient")
        served.append(url)
        kind = TYPES.get(Path(path).suffix, "application/javascript")
        route.fulfill(status=200, body=body, headers={"Content-Type": kind,
                                                      "Access-Control-Allow-Origin": "*"})

    from playwright.sync_api import sync_playwright

    console: list[str] = []
    errors: list[str] = []
    failed: list[str] = []
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # as test_browser's browser fixture; listeners are attached before the page opens
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1300, "height": 1000})
        context.route("**/*", cdn)
        page = context.new_page()
        page.on("console", lambda m: console.append(f"{m.type}: {m.text} @ {m.location.get('url')}"))
        page.on("pageerror", lambda e: errors.append(f"{e.name}: {e.message}"))
        page.on("requestfailed", lambda r: failed.append(f"{r.url} {r.failure}"))
        page.goto(page_file.as_uri())  # file://, as a teacher's double-click opens it
        canvas = page.locator(CANVAS)
        canvas.first.wait_for(timeout=30_000)
        page.wait_for_function(f"() => +document.querySelector('{CANVAS}').dataset.frames > 0",
                               timeout=30_000)

        # the "hello" handshake (if this live_plot.js has it): with no kernel the canvas
        # says data-kernel="no" after about 3 s; an older front end has no such attribute
        try:
            page.wait_for_function(f"() => !!document.querySelector('{CANVAS}').dataset.kernel",
                                   timeout=5_000)
        except PlaywrightTimeout:
            pass
        kernel = canvas.get_attribute("data-kernel")
        assert not kernel or kernel == "no", f"data-kernel={kernel!r} on a page with no kernel"

        # drag slider a with the mouse, right and back a little, as test_browser does
        sliders = page.locator(".widget-hslider")
        labels = [sliders.nth(i).inner_text().split()[0] for i in range(sliders.count())]
        slider = sliders.nth(labels.index("a"))
        frames, pixels = int(canvas.get_attribute("data-frames")), page.evaluate(PIXELS)
        box = slider.locator(".noUi-handle").bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(60):
            page.mouse.move(x + 2.5 * step if step < 45 else x + 2.5 * (90 - step), y)
            page.wait_for_timeout(25)
        page.mouse.up()
        readout = slider.inner_text().split()[-1]  # the value, shown with 2 decimals
        try:  # the last frame drawn is the slider's final value
            page.wait_for_function(
                f"""v => {{ const d = document.querySelector('{CANVAS}').dataset.drawn;
                           return d && JSON.parse(d).params[0].toFixed(2) === v; }}""",
                arg=readout, timeout=10_000)
        except PlaywrightTimeout:
            pass
        drawn = json.loads(canvas.get_attribute("data-drawn") or "null")
        redrawn = int(canvas.get_attribute("data-frames")) - frames
        changed = page.evaluate(PIXELS) != pixels
        page.screenshot(path=str(ARTIFACTS / "html-export.png"), full_page=True)
        browser.close()

    report = json.dumps({"readout": readout, "drawn": drawn, "frames drawn": redrawn,
                         "data-kernel": kernel, "served": served, "aborted": aborted,
                         "console": console, "page errors": errors, "failed": failed}, indent=1)
    print(report)  # shown with pytest -rP
    assert redrawn >= 20, f"only {redrawn} frames for a drag of 60 moves\n{report}"
    assert drawn and f"{drawn['params'][0]:.2f}" == readout, f"last frame is not a={readout}\n{report}"
    assert changed, f"the canvas's pixels did not change\n{report}"
    assert not errors, f"page errors\n{report}"
    # the page got its JavaScript from the (stand-in) CDNs, and asked for nothing else there
    assert not aborted, f"requests to unknown hosts\n{report}"
    assert any("/npm/anywidget@" in url for url in served), report
    # no console error but "Failed to load resource" for the files next_to_page explains
    folder = page_file.parent
    assert all(next_to_page(url.split()[0], folder) for url in failed), f"failed loads\n{report}"
    unexplained = [m for m in console if m.startswith("error: ") and not (
        m.startswith("error: Failed to load resource: net::ERR_FILE_NOT_FOUND @ ")
        and next_to_page(m.rsplit(" @ ", 1)[1], folder))]
    assert not unexplained, f"console errors\n{report}"
