"""The layers of gradlab, checked from the source: who may import whom.

Every module of the package is parsed with ``ast`` (imports inside functions
included, since a lazy import is still a dependency). The rules:

* a module imports only modules of its own layer or of lower layers;
* the module import graph has no cycle;
* the core imports numpy, the standard library and itself, nothing else;
* only the top package loads modules by name (``importlib``), for its lazy names.

The checker is tested on small invented packages too, so that it is known to fail
when a rule is broken.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "gradlab"

LAYERS = ["core", "compile", "frontend", "show", "widgets", "cli"]  # lowest first
"""Each layer may use those before it in this list; ``gradlab`` itself (the public
names) and ``gradlab.__main__`` sit on top."""


def layer_of(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return len(LAYERS)
    return LAYERS.index(parts[1])


def read_package(root: Path) -> dict[str, str]:
    """Module name -> source, for every .py file under ``root``."""
    sources = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


def imports_of(module: str, source: str, known: set[str], is_package: bool) -> tuple[set, set, bool]:
    """(modules of the package it imports, outside top-level names, loads by name?)."""
    inside, outside, by_name = set(), set(), False
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.split(".")[0] == "gradlab" else outside).add(
                    alias.name if alias.name.split(".")[0] == "gradlab" else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                top = (node.module or "").split(".")[0]
                if top != "gradlab":
                    outside.add(top)
                    continue
                base = node.module
            else:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                if node.module:
                    base = f"{base}.{node.module}"
            for alias in node.names:  # 'from . import train' imports a module
                name = f"{base}.{alias.name}"
                inside.add(name if name in known else base)
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            by_name = by_name or called in ("import_module", "__import__")
    return inside, outside, by_name


def violations(sources: dict[str, str], packages: set[str]) -> list[str]:
    """Every broken rule, in words (empty when the layering holds)."""
    known = set(sources)
    problems = []
    edges: dict[str, set[str]] = {}
    for module, source in sources.items():
        inside, outside, by_name = imports_of(module, source, known, module in packages)
        edges[module] = {m for m in inside if m != module}
        for target in sorted(edges[module]):
            if target not in known:
                problems.append(f"{module} imports {target}, which does not exist")
            elif layer_of(target) > layer_of(module):
                problems.append(f"{module} imports {target} from a higher layer")
        if layer_of(module) == 0:
            foreign = sorted(m for m in outside
                             if m != "numpy" and m not in sys.stdlib_module_names)
            if foreign:
                problems.append(f"{module} (core) imports {', '.join(foreign)}")
        if by_name and module != "gradlab":
            problems.append(f"{module} loads modules by name; only the top package may")
    # cycles: depth-first search with colours
    state: dict[str, int] = {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target] if target in path else [module, target]
                problems.append("import cycle: " + " -> ".join(cycle))
            elif target in edges and state.get(target) is None:
                visit(target, path + [target])
        state[module] = 2

    for module in sorted(edges):
        if state.get(module) is None:
            visit(module, [module])
    return problems


def _packages(root: Path) -> set[str]:
    return {".".join(p.parent.relative_to(root.parent).parts) for p in root.rglob("__init__.py")}


def test_gradlab_is_layered_without_cycles():
    sources = read_package(PACKAGE)
    assert {"gradlab.core.graph", "gradlab.compile.plan", "gradlab.frontend.session",
            "gradlab.show.expr", "gradlab.widgets.explorer", "gradlab.cli"} <= set(sources)
    assert violations(sources, _packages(PACKAGE)) == []


def test_every_module_belongs_to_a_layer():
    for module in read_package(PACKAGE):
        layer_of(module)  # raises ValueError for a module outside the known layers


CORE_PACKAGES = {"gradlab", "gradlab.core", "gradlab.show"}


@pytest.mark.parametrize("module, source, expected", [
    ("gradlab.core.graph", "def f():\n    from ..show.formula import to_latex\n",
     "gradlab.core.graph imports gradlab.show.formula from a higher layer"),
    ("gradlab.core.graph", "import matplotlib.pyplot as plt\n",
     "gradlab.core.graph (core) imports matplotlib"),
    ("gradlab.core.graph", "from .ops import sin\n", "import cycle"),
    ("gradlab.core.graph", "import importlib\nimportlib.import_module('gradlab.show')\n",
     "loads modules by name"),
])
def test_the_checker_finds_each_kind_of_violation(module, source, expected):
    sources = {
        "gradlab": "from .core import graph\n",
        "gradlab.core": "",
        "gradlab.core.ops": "from .graph import Tensor\n",
        "gradlab.show": "",
        "gradlab.show.formula": "from ..core.graph import Tensor\n",
        module: source,
    }
    found = violations(sources, CORE_PACKAGES)
    assert any(expected in problem for problem in found), found


def test_the_checker_accepts_a_clean_package():
    sources = {
        "gradlab": "from .show import formula\nimport importlib\nimportlib.import_module('x')\n",
        "gradlab.core": "",
        "gradlab.core.graph": "import numpy as np\nimport threading\n",
        "gradlab.core.ops": "from .graph import Tensor\n",
        "gradlab.show": "",
        "gradlab.show.formula": "from ..core.graph import Tensor\nimport matplotlib\n",
    }
    assert violations(sources, CORE_PACKAGES) == []


def test_every_public_name_resolves():
    import gradlab as gl

    missing = [name for name in gl.__all__ if not hasattr(gl, name)]
    assert missing == []
    assert {"Session", "gradients", "placeholder", "train", "explore", "evaluate"} <= set(gl.__all__) | {"train"}
    assert gl.train.GradientDescentOptimizer  # tf.train.* as in TensorFlow 1
