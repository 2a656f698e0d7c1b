"""Forward-mode automatic differentiation that builds graphs.

Reverse mode (:mod:`gradlab.core.autodiff`) asks "how does the output change when
each input moves?" and answers for *all inputs at once*, walking from the output
back. Forward mode asks the opposite question, "when the inputs move in direction
``t``, how does every node move?", and answers it walking *forwards*, in the order
the graph was built. Each node gets a **tangent**: its rate of change along ``t``.
For ``y = sin(x)`` the tangent is ``t * cos(x)``; for ``y = a * b`` it is
``ta * b + a * tb`` (the product rule, one term per input).

This is the same arithmetic as dual numbers, ``x + t·ε`` with ``ε² = 0``, carried
out on graph nodes: the tangent of every node is a new node, so the answer is a
graph that can be run, printed, or differentiated again (forward over forward,
forward over reverse).

Cost: one forward pass gives ``J t``, one column's worth of the Jacobian per
direction ``t``. Reverse mode gives ``gᵀ J``, one row per pass. For f: Rⁿ → R
(a loss) one reverse pass beats n forward passes; for g: R → Rⁿ (a curve) it is
the other way round.

The walk, step by step:

1. List the nodes ``ys`` depend on, inputs before users (a topological order).
2. Seed each ``x`` with its tangent (broadcast to ``x``'s shape).
3. Visit the nodes in order. A node whose inputs carry tangents gets the sum of
   its op's tangent rules, one per such input (the tables in :mod:`gradlab.core.ops`).
   Broadcasting is handled here, once: a contribution is broadcast to the node's shape.
4. A node of integers or booleans carries no tangent: it cannot change smoothly.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import NoGradientError, ShapeError
from .graph import Tensor, toposort
from .ops import as_tensor, broadcast_like, cast, zeros_like


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _is_float(t: Tensor) -> bool:
    return t.dtype is not None and t.dtype.kind == "f"


def forward_gradients(ys: Tensor | Sequence[Tensor], xs: Tensor | Sequence[Tensor],
                      tangents: Any) -> list[Tensor]:
    """Symbolic Jacobian-vector products: the tangent of each ``y`` when each ``x``
    moves along its tangent (forward mode; the dual of :func:`gradients`).

    Returns a list with one node per ``y``, each of ``y``'s shape: ``J t``, summed
    over the ``xs``. A ``y`` that does not depend on any ``x`` gets zeros. A tangent
    may be a number or array that broadcasts to its ``x`` (``1.0`` means "every
    element moves at unit speed").

    >>> x = gl.placeholder(name="x")
    >>> gl.formula(gl.forward_gradients(gl.sin(x), x, 1.0)[0])
    'cos(x)'
    """
    ys, xs, given = _as_list(ys), _as_list(xs), _as_list(tangents)
    for t in ys + xs:
        if not isinstance(t, Tensor):
            raise TypeError(f"forward_gradients() takes gradlab tensors, got "
                            f"{type(t).__name__}: {t!r:.60}")
    if len(given) != len(xs):
        raise ValueError(f"got {len(given)} tangents for {len(xs)} xs: give one per x")

    tangent: dict[Tensor, Tensor] = {}
    for x, t in zip(xs, given):
        if not _is_float(x) and not x.attrs.get("weak"):
            raise TypeError(f"cannot move '{x.name}' along a tangent: it holds {x.dtype} "
                            "values, and only floating point values have derivatives")
        if t is None:
            continue
        t = as_tensor(t)
        if t.shape is not None and x.shape is not None and None not in t.shape + x.shape:
            try:
                fits = np.broadcast_shapes(t.shape, x.shape) == x.shape
            except ValueError:
                fits = False
            if not fits:
                raise ShapeError(f"the tangent for '{x.name}' has shape {t.shape}, which does "
                                 f"not fit x's shape {x.shape}")
        # several tangents for the same x add up, as moving x twice would
        seeded = broadcast_like(cast(t, _float(x.dtype)), x)
        tangent[x] = tangent[x] + seeded if x in tangent else seeded

    seeds = set(tangent)
    for node in toposort(ys):
        if node in seeds or not node.inputs or not _is_float(node):
            continue
        moving = [i for i, t in enumerate(node.inputs) if t in tangent]
        if not moving:
            continue
        op = node.op
        rules = op.tangents
        total = None
        for i in moving:
            rule = None if rules is None else rules[i]
            if rule is None:
                if rules is None or (op.grads is not None and op.grads[i] is not None):
                    raise NoGradientError(
                        f"op '{op.name}' has no tangent rule, so node '{node.name}' cannot be "
                        f"differentiated in forward mode (created at {node.origin}). Wrap its "
                        "input in gl.stop_gradient(...) if you do not need this derivative.")
                continue  # an input that is never differentiated (a condition, a shape)
            contribution = rule(tangent[node.inputs[i]], node, *node.inputs, **node.attrs)
            if op.broadcasting:
                contribution = broadcast_like(contribution, node)
            total = contribution if total is None else total + contribution
        if total is not None:
            tangent[node] = total

    return [cast(broadcast_like(tangent[y], y), _float(y.dtype)) if y in tangent
            else cast(zeros_like(y), _float(y.dtype)) for y in ys]


def _float(dtype: Any) -> Any:
    return dtype if dtype is not None and dtype.kind == "f" else np.dtype(np.float64)
