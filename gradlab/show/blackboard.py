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
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

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
    return _SYMBOLS.get(op, op.lower())


# ---------------------------------------------------------------------------
# draw_graph
# ---------------------------------------------------------------------------

@dataclass
class GraphDrawing:
    """A drawing of a computation graph; shows as a PNG in a notebook.

    ``.figure`` is the matplotlib Figure (``drawing.figure.savefig("graph.svg")``).
    """

    figure: Figure
    nodes: int
    layers: int

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


def _layout(nodes: list[Tensor]) -> dict[Tensor, tuple[float, float]]:
    """Columns by depth (inputs left, outputs right); rows ordered to limit crossings."""
    visible = set(nodes)
    inputs = {n: [_visible(i) for i in n.inputs if _visible(i) in visible] for n in nodes}
    depth: dict[Tensor, int] = {}
    for n in nodes:
        depth[n] = 1 + max((depth[i] for i in inputs[n]), default=-1)
    for n in nodes:  # a leaf sits just left of its first consumer, not far away in column 0
        if not inputs[n]:
            users = [depth[m] for m in nodes if any(i is n for i in inputs[m])]  # not 'in':
            # a tensor's == builds a node
            depth[n] = min(users) - 1 if users else 0
    layers: dict[int, list[Tensor]] = {}
    for n in nodes:
        layers.setdefault(depth[n], []).append(n)
    position: dict[Tensor, tuple[float, float]] = {}
    for level in sorted(layers):
        row = layers[level]
        placed = [i for n in row for i in inputs[n] if i in position]
        if placed:  # barycentre ordering: each node sits level with its inputs
            row.sort(key=lambda n: -np.mean([position[i][1] for i in inputs[n] if i in position]
                                            or [0.0]))
        for k, n in enumerate(row):
            position[n] = (float(level), (len(row) - 1) / 2 - k)
    return position


def draw_graph(tensors: Any, feed_dict: dict | None = None, adjoints: bool = False,
               title: str | None = None) -> GraphDrawing:
    """Draw the computation graph of ``tensors`` (a tensor, an Expression, or a list).

    Nodes are laid out in layers from the inputs (left) to the output (right).
    With ``feed_dict`` every node shows its value (the forward pass); with
    ``adjoints=True`` it also shows ``grad``, the derivative of the output with
    respect to that node (the backward pass). Draw a gradient's graph the same way:
    ``gl.draw_graph(gl.gradients(y, x))``.
    """
    outputs = _outputs(tensors)
    nodes = _nodes(outputs)
    feed = _resolve_feed(nodes, feed_dict)
    if adjoints and not feed:
        raise ValueError("adjoints are numbers: pass feed_dict with a value for each placeholder")
    values, grads = _evaluate(outputs, nodes, feed, adjoints)
    position = _layout(nodes)
    n_layers = int(max(p[0] for p in position.values())) + 1
    tallest = max(sum(1 for p in position.values() if p[0] == level) for level in range(n_layers))
    lines = 1 + bool(values) + bool(grads)
    figure = Figure(figsize=(max(3.0, 1.7 * n_layers), max(1.6, (0.55 + 0.22 * lines) * tallest)))
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(-0.6, n_layers - 0.4)
    ax.set_ylim(-tallest / 2 - 0.1, tallest / 2 + 0.1)

    boxes = {}
    names = display_names(nodes)
    for node in nodes:
        text = _label(node, names)
        if node in values:
            text += f"\n= {_short(values[node])}"
        if node in grads:
            text += f"\ngrad {_short(grads.get(node))}"
        leaf = not node.inputs
        color = "#fde2c8" if node in set(outputs) else "#d6e6f5" if leaf else "#f4f4f4"
        boxes[node] = ax.text(
            *position[node], text, ha="center", va="center", fontsize=10, zorder=3,
            family="DejaVu Sans", linespacing=1.3,
            bbox=dict(boxstyle="round,pad=0.35", facecolor=color, edgecolor="#555555"),
        )
    for node in nodes:
        for source in {_visible(i) for i in node.inputs}:
            if source in boxes:
                span = position[node][0] - position[source][0]
                bend = 0.0 if span <= 1 else 0.25  # long edges arc around the boxes between
                ax.add_patch(FancyArrowPatch(
                    position[source], position[node], arrowstyle="-|>", mutation_scale=10,
                    color="#777777", zorder=2, shrinkA=0, shrinkB=0,
                    connectionstyle=f"arc3,rad={bend}",
                    patchA=boxes[source].get_bbox_patch(), patchB=boxes[node].get_bbox_patch(),
                ))
    caption = title or ""
    if grads:
        caption += ("\n" if caption else "") + (
            f"grad = d({formula(outputs[0])[:40]}) / d(node), summed over elements")
    if caption:
        figure.suptitle(caption, fontsize=9, y=1.02, color="#333333")
    return GraphDrawing(figure, len(nodes), n_layers)


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
