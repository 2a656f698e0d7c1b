"""See the computation: graph drawings and trace tables of values and adjoints.

Reverse-mode differentiation is easiest to understand on a blackboard: draw the
graph, write each node's value next to it (the forward pass), then walk back from
the output writing each node's *adjoint*, d(output)/d(node) (the backward pass).
:func:`draw_graph` draws that blackboard and :func:`trace` writes it as a table.

Drawings use matplotlib only (no Graphviz), so they work after a plain
``pip install`` on a laptop, on Binder, and in JupyterLite.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path as MplPath

from ..core.autodiff import gradients
from ..core.graph import Tensor, toposort
from ..frontend.session import Session
from .expr import Expression
from .formula import display_names, formula
from .markup import escape

_HIDDEN = {"SumToLike", "BroadcastLike", "ReshapeLike", "ExpandDims", "Identity", "AtLeast2D",
                "CheckGradientShape", "Cast"}
_SYMBOLS = {
    "Add": "+", "Sub": "−", "Mul": "×", "Div": "÷", "Pow": "**", "Neg": "neg", "MatMul": "@",
    "Less": "<", "LessEqual": "≤", "Greater": ">", "GreaterEqual": "≥", "Equal": "==",
    "Select": "where", "Sum": "sum", "Mean": "mean", "Asin": "arcsin", "Acos": "arccos",
    "Atan": "arctan",
}


def _visible(node: Tensor) -> Tensor:
    """Skip the engine's shape bookkeeping, which changes no values."""
    while node.op.name in _HIDDEN:
        node = node.inputs[0]
    return node


def _outputs(tensors: Any) -> list[Tensor]:
    items = tensors if isinstance(tensors, (list, tuple)) else [tensors]
    result = []
    for t in items:
        if isinstance(t, Expression):
            t = t.tensor
        if not isinstance(t, Tensor):
            raise TypeError(f"expected gradlab tensors or Expressions, not {type(t).__name__}")
        result.append(_visible(t))
    return result


def _nodes(outputs: list[Tensor]) -> list[Tensor]:
    """The visible nodes the outputs depend on, inputs first."""
    return [n for n in toposort(outputs) if n.op.name not in _HIDDEN | {"Group", "Assign"}]


def _resolve_feed(nodes: list[Tensor], feed_dict: dict | None) -> dict[Tensor, Any]:
    """Allow feeds keyed by placeholder name ({'x': 1.0}) as well as by tensor."""
    if not feed_dict:
        return {}
    leaves = [n for n in nodes if n.op.name in ("Placeholder", "Variable")]
    by_name = {name: n for n, name in display_names(leaves).items()}  # 'x', "x′"
    by_name.update({n.name: n for n in leaves})  # and the unique names, 'x_1'

    feed = {}
    for key, value in feed_dict.items():
        if isinstance(key, str):
            if key not in by_name:
                known = ", ".join(sorted(by_name)) or "none"
                raise KeyError(f"no placeholder named {key!r} in this graph (placeholders: {known})")
            key = by_name[key]
        feed[key] = value
    return feed


def _evaluate(outputs: list[Tensor], nodes: list[Tensor], feed: dict,
              adjoints: bool) -> tuple[dict, dict]:
    """Values of every node and, if asked, d(sum of the first output)/d(node)."""
    values: dict[Tensor, Any] = {}
    grads: dict[Tensor, Any] = {}
    if not feed and not adjoints:
        return values, grads
    runnable = [n for n in nodes if n.dtype is not None]
    fetches: list[Any] = [runnable]
    if adjoints:
        if len(outputs) != 1:
            raise ValueError("adjoints are d(output)/d(node): give exactly one output tensor")
        # only floating point nodes have adjoints (a condition x > 0, a count: none)
        smooth = [n for n in runnable if n.dtype.kind == "f" or n.attrs.get("weak")]
        fetches.append(gradients(outputs[0], smooth))
    with np.errstate(all="ignore"):
        results = Session().run(fetches, feed)
    values = dict(zip(runnable, results[0]))
    if adjoints:
        grads = dict(zip(smooth, results[1]))
    return values, grads


def _short(value: Any) -> str:
    """A number as a teacher would write it; arrays by their shape; "—" for no value."""
    if value is None:
        return "—"
    array = np.asarray(value)
    if array.size == 1:
        number = float(array.reshape(()))
        return f"{number:.4g}" if number != 0 else "0"
    return f"[{'×'.join(map(str, array.shape))} values]"


def _label(node: Tensor, names: dict[Tensor, str]) -> str:
    op = node.op.name
    if op in ("Placeholder", "Variable"):
        return names.get(node, node.label)
    if op == "Const":
        return node.attrs.get("symbol") or _short(node.attrs["value"])
    if op == "WhileLoop":  # the loop summarised: its condition, and which variable it gives
        attrs = node.attrs
        condition = formula(attrs["condition"])
        text = f"while {condition if len(condition) <= 16 else condition[:15] + '…'}"
        return f"{text}\n→ {attrs['loop_vars'][attrs['index']].label}"
    return _SYMBOLS.get(op, op.lower())


# ---------------------------------------------------------------------------
# draw_graph
# ---------------------------------------------------------------------------

@dataclass
class GraphDrawing:
    """A drawing of a computation graph; shows as a PNG in a notebook.

    ``.figure`` is the matplotlib Figure (``drawing.figure.savefig("graph.svg")``).
    ``.boxes`` maps each node to its box (x0, y0, x1, y1) and ``.edges`` lists each edge
    as (source, target, points of its path), all in the axes' data coordinates.
    """

    figure: Figure
    nodes: int
    layers: int
    boxes: dict = field(default_factory=dict, repr=False)
    edges: list = field(default_factory=list, repr=False)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        return buffer.getvalue()

    def __repr__(self) -> str:
        return f"GraphDrawing({self.nodes} nodes in {self.layers} layers)"

    def savefig(self, *args: Any, **kwargs: Any) -> None:
        """Save the drawing (same arguments as ``matplotlib.figure.Figure.savefig``)."""
        kwargs.setdefault("bbox_inches", "tight")
        self.figure.savefig(*args, **kwargs)


class _Slot:
    """An empty place in a layer that a long edge passes through (a "dummy node")."""


def _crossings(layers: list[list], below: dict) -> int:
    """Edge crossings between consecutive layers, for the current order of each layer."""
    total = 0
    for upper, lower in zip(layers, layers[1:]):
        rank = {n: k for k, n in enumerate(upper)}
        ends = [(k, rank[u]) for k, n in enumerate(lower) for u in below[n] if u in rank]
        total += sum(1 for i, (a, b) in enumerate(ends) for c, d in ends[i + 1:]
                     if (a - c) * (b - d) < 0)
    return total


def _layout(nodes: list[Tensor]) -> tuple[dict, dict]:
    """A layered drawing, as Sugiyama taught: inputs left, outputs right.

    1. Each node gets a layer (a column): one more than its deepest input; a leaf sits
       just left of its first user.
    2. An edge that skips layers is cut into pieces by empty slots, one in each layer it
       crosses, so it can run through a gap instead of through a box.
    3. The order within each layer is improved by sweeps that move each node to the
       mean position (barycentre) of its neighbours, keeping the order with the fewest
       crossings.

    Returns the position (layer, row) of every node and the slots each edge runs through.
    """
    visible = set(nodes)
    inputs = {n: list(dict.fromkeys(_visible(i) for i in n.inputs if _visible(i) in visible))
              for n in nodes}  # (dict.fromkeys: distinct, in order; tensors hash by identity)
    depth: dict[Any, int] = {}
    for n in nodes:
        depth[n] = 1 + max((depth[i] for i in inputs[n]), default=-1)
    for n in nodes:
        if not inputs[n]:
            users = [depth[m] for m in nodes if any(i is n for i in inputs[m])]
            depth[n] = min(users) - 1 if users else 0
    below: dict[Any, list] = {n: [] for n in nodes}  # a node's neighbours one layer to the left
    routes: dict[tuple, list] = {}
    for n in nodes:
        for i in inputs[n]:
            previous, path = i, []
            for level in range(depth[i] + 1, depth[n]):
                slot = _Slot()
                depth[slot] = level
                below[slot] = [previous]
                path.append(slot)
                previous = slot
            below[n].append(previous)
            routes[i, n] = path
    count = max(depth.values()) + 1
    layers: list[list] = [[] for _ in range(count)]
    for item in list(nodes) + [s for path in routes.values() for s in path]:
        layers[depth[item]].append(item)
    above: dict[Any, list] = {item: [] for item in depth}
    for item, sources in below.items():
        for source in sources:
            above[source].append(item)

    def sweep(order: list[list], downwards: bool) -> list[list]:
        order = [list(layer) for layer in order]
        levels = range(1, count) if downwards else range(count - 2, -1, -1)
        for level in levels:
            rank = {n: k for k, n in enumerate(order[level - 1 if downwards else level + 1])}
            neighbours = below if downwards else above

            def centre(item: Any, k: int) -> float:
                ranks = [rank[m] for m in neighbours[item] if m in rank]
                return float(np.mean(ranks)) if ranks else float(k)

            order[level] = [item for _, _, item in sorted(
                (centre(item, k), k, item) for k, item in enumerate(order[level])
            )] if order[level] else []
        return order

    best, best_crossings = layers, _crossings(layers, below)
    current = layers
    for iteration in range(8):
        current = sweep(current, downwards=iteration % 2 == 0)
        crossings = _crossings(current, below)
        if crossings < best_crossings:
            best, best_crossings = current, crossings
    position: dict[Any, tuple[float, float]] = {}
    for level, layer in enumerate(best):
        for k, item in enumerate(layer):
            position[item] = (float(level), (len(layer) - 1) / 2 - k)
    return position, {edge: [position[s] for s in path] for edge, path in routes.items()}


def draw_graph(tensors: Any, feed_dict: dict | None = None, adjoints: bool = False,
               title: str | None = None) -> GraphDrawing:
    """Draw the computation graph of ``tensors`` (a tensor, an Expression, or a list).

    Nodes are laid out in layers from the inputs (left) to the output (right); an edge
    that skips layers runs through the gaps between boxes, never through one. With
    ``feed_dict`` every node shows its value (the forward pass); with ``adjoints=True``
    it also shows its adjoint, the derivative of the output with respect to that node
    (the backward pass). Draw a gradient's graph the same way:
    ``gl.draw_graph(gl.gradients(y, x))``.
    """
    outputs = _outputs(tensors)
    nodes = _nodes(outputs)
    feed = _resolve_feed(nodes, feed_dict)
    if adjoints and not feed:
        raise ValueError("adjoints are numbers: pass feed_dict with a value for each placeholder")
    values, grads = _evaluate(outputs, nodes, feed, adjoints)
    position, routes = _layout(nodes)
    n_layers = int(max(p[0] for p in position.values())) + 1
    rows = [p[1] for p in position.values()]
    tallest = int(round(max(rows) - min(rows))) + 1
    lines = 1 + bool(values) + bool(grads)
    figure = Figure(figsize=(max(3.0, 1.8 * n_layers), max(1.6, (0.55 + 0.22 * lines) * tallest)))
    canvas = FigureCanvasAgg(figure)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(-0.6, n_layers - 0.4)
    ax.set_ylim(min(rows) - 0.6, max(rows) + 0.6)

    texts = {}
    names = display_names(nodes)
    output_set = set(outputs)
    for node in nodes:
        text = _label(node, names)
        if node in values:
            text += f"\n= {_short(values[node])}"
        if node in grads:
            text += f"\nadjoint {_short(grads.get(node))}"
        color = "#fde2c8" if node in output_set else "#d6e6f5" if not node.inputs else "#f4f4f4"
        texts[node] = ax.text(
            *position[node], text, ha="center", va="center", fontsize=10, zorder=3,
            family="DejaVu Sans", linespacing=1.3,
            bbox=dict(boxstyle="round,pad=0.35", facecolor=color, edgecolor="#555555"),
        )
    canvas.draw()  # the boxes' sizes are known once drawn
    to_data = ax.transData.inverted()
    boxes = {}
    for node, text in texts.items():
        (x0, y0), (x1, y1) = to_data.transform(text.get_bbox_patch().get_window_extent().get_points())
        boxes[node] = (float(x0), float(y0), float(x1), float(y1))
    half = {}  # how far the widest box of each layer reaches left and right of its centre
    for node, (x0, _, x1, _) in boxes.items():
        level = int(position[node][0])
        half[level] = max(half.get(level, 0.0), (x1 - x0) / 2)
    edges = []
    for (source, target), slots in routes.items():
        # Level out of the source's right side to the edge of its layer, level through
        # each empty slot, level into the target's left side: the slanted pieces lie only
        # in the gaps between layers, and the level ones in rows no box of the layer uses.
        (sx, sy), (tx, ty) = position[source], position[target]
        points = [(boxes[source][2], sy), (sx + half[int(sx)], sy)]
        for x, y in slots:
            points += [(x - half.get(int(x), 0.25), y), (x + half.get(int(x), 0.25), y)]
        points += [(tx - half[int(tx)], ty), (boxes[target][0], ty)]
        ax.add_patch(FancyArrowPatch(path=MplPath(points), arrowstyle="-|>", mutation_scale=10,
                                     color="#777777", zorder=2, shrinkA=0, shrinkB=0))
        edges.append((source, target, points))
    caption = title or ""
    if grads:
        caption += ("\n" if caption else "") + (
            f"adjoint = d({formula(outputs[0])[:40]}) / d(node), summed over elements")
    if caption:
        figure.suptitle(caption, fontsize=9, y=1.02, color="#333333")
    return GraphDrawing(figure, len(nodes), n_layers, boxes, edges)


# ---------------------------------------------------------------------------
# trace
# ---------------------------------------------------------------------------

@dataclass
class TraceRow:
    """One line of a trace: a node, what it computes, its value and its adjoint."""

    step: int
    name: str
    op: str
    inputs: list[str]
    formula: str
    value: Any
    adjoint: Any


class Trace:
    """The forward values and backward adjoints of every node, in evaluation order."""

    def __init__(self, rows: list[TraceRow], output: Tensor) -> None:
        self.rows = rows
        self.output = output.name
        self.title = f"y = {formula(output)}: forward values, then adjoints dy/d(node) backwards"

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, name: str) -> TraceRow:
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(name)

    def _cells(self) -> list[list[str]]:
        return [[str(r.step), r.name, r.op, ", ".join(r.inputs), r.formula[:36],
                 _short(r.value), _short(r.adjoint)] for r in self.rows]

    _HEADER = ["#", "node", "op", "inputs", "computes", "value", "adjoint dy/d(node)"]

    def __repr__(self) -> str:
        header = self._HEADER
        table = [header] + self._cells()
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join([self.title] + lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{h}</th>" for h in self._HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
            for row in self._cells()
        )
        return (f'<table class="gradlab-trace"><caption>{escape(self.title)}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def trace(y: Any, feed_dict: dict) -> Trace:
    """Every node of ``y``'s graph in evaluation order, with its value and its adjoint
    ``d(y)/d(node)``: the numbers you would write on the blackboard.

    ``feed_dict`` may be keyed by placeholder or by name: ``gl.trace(y, {"x": 1.0})``.
    """
    (output,) = _outputs(y if not isinstance(y, (list, tuple)) else list(y)[:1])
    nodes = _nodes([output])
    feed = _resolve_feed(nodes, feed_dict)
    values, grads = _evaluate([output], nodes, feed, adjoints=True)
    names = {n: n.name for n in nodes} | display_names(nodes)  # leaves as the student named them
    rows = [
        TraceRow(step, names[n], n.op.name, [names.get(_visible(i), _visible(i).name)
                                             for i in n.inputs], formula(n), values[n], grads.get(n))
        for step, n in enumerate(nodes, 1)
    ]
    return Trace(rows, output)
