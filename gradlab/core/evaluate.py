"""The reference evaluator: run a graph node by node with numpy.

This is how a graph *means* to be run, written as plainly as possible: visit the
nodes inputs-first, call each op's numpy function from the op table on its inputs'
values, and forget a value as soon as nothing else needs it. It is the ground
truth. A :class:`~gradlab.Session` does not use it; it runs compiled plans
(:mod:`gradlab.compile`), which are much faster and must give the same numbers.
The tests build random graphs and check exactly that.

>>> x = gl.placeholder(name="x")
>>> evaluate(gl.gradients(gl.sin(x), x), {x: 0.0})
[np.float64(1.0)]
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .errors import FeedError, ShapeError
from .graph import Tensor, toposort


def evaluate(fetches: Tensor | Sequence[Tensor], feed_dict: dict | None = None,
             variables: dict | None = None) -> list[Any]:
    """The values of ``fetches`` (a tensor or a list of them), in a list.

    ``feed_dict`` gives values for placeholders (or for any node, which is then not
    computed). ``variables`` gives values for Variables; a Variable not in it has its
    initial value. An ``Assign`` gives the value it would store, and stores nothing.
    """
    fetches = [fetches] if isinstance(fetches, Tensor) else list(fetches)
    fed = {node: _fed_value(node, value) for node, value in (feed_dict or {}).items()}
    order = toposort(fetches, stop=set(fed))
    uses = {node: 0 for node in order}
    for node in order:
        if node not in fed:
            for i in node.inputs:
                uses[i] += 1
    for node in fetches:
        uses[node] = math.inf  # fetched values are never forgotten

    values: dict[Tensor, Any] = {}
    for node in order:
        if node in fed:
            values[node] = fed[node]
            continue
        values[node] = _compute(node, [values[i] for i in node.inputs], variables or {})
        for i in node.inputs:
            uses[i] -= 1
            if uses[i] == 0:
                del values[i]
    return [values[node] for node in fetches]


def _fed_value(node: Tensor, value: Any) -> np.ndarray:
    return np.asarray(value) if node.dtype is None else np.asarray(value, dtype=node.dtype)


def _compute(node: Tensor, inputs: list, variables: dict) -> Any:
    kind = node.op.name
    if kind == "Const":
        return node.attrs["value"]
    if kind == "Placeholder":
        raise FeedError(f"placeholder '{node.name}' needs a value in feed_dict "
                        f"(created at {node.origin})")
    if kind == "Variable":
        if node in variables:
            return variables[node]
        start = node.attrs["initial_value"]  # an array, or a graph that computes one
        return evaluate(start, {}, variables)[0] if isinstance(start, Tensor) else start
    if kind == "Assign":
        return np.array(np.broadcast_to(inputs[1], node.shape), dtype=node.dtype)
    if kind == "Group":
        return None
    try:
        return node.op.forward(*inputs, **node.attrs)
    except ValueError as err:
        raise ShapeError(f"{kind} node '{node.name}' failed: {err} "
                         f"(created at {node.origin})") from err
