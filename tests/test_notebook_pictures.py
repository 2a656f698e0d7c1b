"""Every saved notebook cell that ends by drawing something has its picture saved.

A cell whose last line is ``gl.plot(...)`` or ``gl.draw_graph(...)`` shows a PNG in
JupyterLab; the saved notebook (what GitHub, nbviewer and a student opening it before
running anything see, and what nbval compares against) must hold that PNG too, not the
text ``<Figure size 800x500 with 2 Axes>``.
"""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted(Path(__file__).resolve().parent.parent.glob("notebooks/**/*.ipynb"))
DRAWING_CALLS = {"plot", "draw_graph"}


def _drawing_cells(path):
    notebook = json.loads(path.read_text())
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:  # a cell with IPython magics: not a drawing cell
            continue
        last = tree.body[-1] if tree.body else None
        if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
            name = getattr(last.value.func, "attr", getattr(last.value.func, "id", ""))
            if name in DRAWING_CALLS:
                yield index, cell


def test_there_are_drawing_cells_to_check():
    assert sum(1 for path in NOTEBOOKS for _ in _drawing_cells(path)) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_drawing_cell_has_its_picture(path):
    for index, cell in _drawing_cells(path):
        kinds = {kind for output in cell.get("outputs", []) for kind in output.get("data", {})}
        assert "image/png" in kinds, f"{path.name}, cell {index}: no picture saved ({sorted(kinds)})"
