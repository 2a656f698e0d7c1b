"""Reverse-mode automatic differentiation that builds graphs.

``gradients(ys, xs)`` does not compute numbers. It walks the graph backwards
from ``ys`` and, for every op on the way to ``xs``, applies that op's gradient
rule from :mod:`gradlab.core.ops`. The rules build *new nodes*, so the answer is a
graph too: the gradient of ``sin(x)`` is the node ``cos(x)``. Because the result
is an ordinary graph, you can run it, print it as a formula, draw it, or
differentiate it again: ``gradients(gradients(y, x), x)`` is the second
derivative, with no extra machinery.

The walk, step by step:

1. List the nodes ``ys`` depend on, inputs before users (a topological order).
2. Mark the nodes on a path from some ``x`` to some ``y``; only those need
   gradients, and only those are visited.
3. Seed each ``y`` with its ``grad_y`` (default: 1, meaning "ones of y's shape").
4. Visit nodes in reverse order. A node used by several ops received one
   gradient from each; they are added (fan-in), then pushed to its inputs.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import NoGradientError
from .graph import Tensor, toposort
from .ops import as_tensor, broadcast_like, cast, constant, sum_to_like, zeros_like


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def gradients(ys: Tensor | Sequence[Tensor], xs: Tensor | Sequence[Tensor],
              grad_ys: Any = None) -> list[Tensor]:
    """Symbolic gradient of ``sum(ys)`` with respect to each of ``xs`` (TF1's contract).

    Returns a list with one node per ``x``, each of the same shape as its ``x``.
    An ``x`` that ``ys`` do not depend on gets zeros (never ``None``).
    ``grad_ys`` weights each ``y`` (a vector-Jacobian product); by default each
    ``y`` is weighted by ones.

    >>> x = gl.placeholder(name="x")
    >>> gl.formula(gl.gradients(gl.sin(x), x)[0])
    'cos(x)'
    """
    ys, xs = _as_list(ys), _as_list(xs)
    for t in ys + xs:
        if not isinstance(t, Tensor):
            raise TypeError(f"gradients() takes gradlab tensors, got {type(t).__name__}: {t!r:.60}")
    for x in xs:  # (a Python number such as the 2 in 2*x counts as a real number)
        if x.dtype is not None and x.dtype.kind != "f" and not x.attrs.get("weak"):
            raise TypeError(f"cannot differentiate with respect to '{x.name}', which holds "
                            f"{x.dtype} values: only floating point values have derivatives "
                            "(make it a float placeholder, or gl.cast it to float first)")
    given = [None] * len(ys) if grad_ys is None else _as_list(grad_ys)
    seeds = [constant(1.0) if g is None else as_tensor(g) for g in given]
    if len(seeds) != len(ys):
        raise ValueError(f"grad_ys has {len(seeds)} entries for {len(ys)} ys")

    order = toposort(ys)
    targets = set(xs)
    on_path: dict[Tensor, bool] = {}
    for node in order:
        on_path[node] = node in targets or any(on_path[i] for i in node.inputs)

    adjoint: dict[Tensor, Tensor] = {}

    def accumulate(node: Tensor, g: Tensor) -> None:
        adjoint[node] = adjoint[node] + g if node in adjoint else g

    for y, seed in zip(ys, seeds):
        if on_path[y]:
            accumulate(y, seed)

    for node in reversed(order):
        g = adjoint.get(node)
        if g is None or not node.inputs:
            continue
        op = node.op
        wanted = [i for i, t in enumerate(node.inputs) if on_path[t]]
        if op.grads is None:
            if wanted:
                raise NoGradientError(
                    f"op '{op.name}' has no gradient rule, so node '{node.name}' cannot be "
                    f"differentiated (created at {node.origin}). Wrap its input in "
                    "gl.stop_gradient(...) if you do not need this gradient."
                )
            continue
        if not op.broadcasting:
            g = broadcast_like(g, node)  # shape-changing rules need g at its true shape
        for i in wanted:
            rule = op.grads[i]
            if rule is None:
                continue
            x = node.inputs[i]
            contribution = rule(g, node, *node.inputs, **node.attrs)
            if op.broadcasting:
                contribution = sum_to_like(contribution, node, x)
            accumulate(x, contribution)

    # each gradient has its x's shape and dtype (a float32 x gets a float32 gradient)
    return [cast(broadcast_like(adjoint[x], x), _float(x.dtype)) if x in adjoint
            else cast(zeros_like(x), _float(x.dtype)) for x in xs]


def _float(dtype: Any) -> Any:
    return dtype if dtype is not None and dtype.kind == "f" else np.dtype(np.float64)
