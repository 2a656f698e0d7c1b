"""Your own ops: ``gl.register_op`` adds a row to the op table.

A registered op is elementwise and broadcasts like a numpy ufunc; its gradient
rules, written with gradlab ops, make its derivatives of every order work.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..core.errors import GradlabError, ShapeError
from ..core.graph import Tensor, broadcast_static, format_shape
from ..core.opdef import OPS, as_tensor, defop
from ..core.simplify import apply


def _check_shape(r: Any, out: Any, op_name: str, index: int, node_name: str, origin: str) -> Any:
    """The run-time half of the check in :func:`_checked` (for shapes unknown when building)."""
    if np.broadcast_shapes(np.shape(r), np.shape(out)) != np.shape(out):
        raise ShapeError(_wrong_shape(op_name, index, np.shape(r), np.shape(out), node_name, origin))
    return r


defop("CheckGradientShape", _check_shape, (lambda g, out, r, like, **attrs: g, None),
      tangents=(lambda t, out, r, like, **attrs: t, None),
      broadcasting=True, shape_inputs=(1,))  # the output is r; `like` is read for its shape

BUILTIN_OPS = frozenset(OPS)
"""The names of gradlab's own ops (``register_op`` may not replace these)."""


def _wrong_shape(op_name: str, index: int, got: Any, want: Any, node_name: str, origin: Any) -> str:
    return (f"the gradient rule of op '{op_name}' for input {index + 1} returned shape "
            f"{format_shape(got)}, but the op's output '{node_name}' has shape "
            f"{format_shape(want)}: a rule must return a value of g's shape, or one that "
            f"broadcasts to it (the node was created at {origin})")


def _checked(rule: Callable, op_name: str, index: int) -> Callable:
    """``rule``, made to name its op when it fails or returns a gradient of the wrong shape.

    Shapes known while building are checked at once; otherwise a check node is added,
    which runs once per compiled plan (the plan drops it after its shape pass)."""

    def checked_rule(g: Tensor, out: Tensor, *inputs: Tensor) -> Tensor:
        try:
            r = as_tensor(rule(g, out, *inputs))
        except GradlabError:
            raise
        except Exception as err:
            raise GradlabError(f"the gradient rule of op '{op_name}' for input {index + 1} "
                               f"failed: {type(err).__name__}: {err} (the node '{out.name}' "
                               f"was created at {out.origin})") from err
        try:
            fits = broadcast_static([r.shape, out.shape])
        except ShapeError:
            fits = None
        if fits is not None and out.shape is not None and fits == out.shape:
            return r  # provably right
        if r.shape is not None and out.shape is not None and None not in r.shape + out.shape:
            raise ShapeError(_wrong_shape(op_name, index, r.shape, out.shape, out.name, out.origin))
        return apply("CheckGradientShape", r, out, op_name=op_name, index=index,
                     node_name=out.name, origin=str(out.origin))

    return checked_rule


def register_op(name: str, forward: Callable, grads: Sequence[Callable | None] | None = None,
                arity: int = 1) -> Callable[..., Tensor]:
    """Add your own elementwise op to the table and get the function that builds it.

    ``forward`` computes the op with numpy. ``grads`` holds one rule per input,
    ``rule(g, out, *inputs) -> gradient``, written with gradlab ops so that it can
    itself be differentiated (then f'' needs no extra rule). The same rules serve
    forward mode (``gl.jvp``, ``gl.jacfwd``): an elementwise op's Jacobian is diagonal. Leave ``grads`` out
    for an op that cannot be differentiated; asking for its gradient then raises
    :class:`~gradlab.NoGradientError` naming the op and your line.

    >>> cube = gl.register_op("Cube", lambda x: x**3, [lambda g, out, x: g * (3 * x**2)])
    """
    if name in BUILTIN_OPS:
        raise ValueError(f"{name!r} is one of gradlab's own ops; choose another name")
    # Re-registering your own op (re-running a notebook cell) replaces it.
    if grads is not None:
        grads = tuple(None if rule is None else _checked(rule, name, i) for i, rule in enumerate(grads))
        arity = len(grads)
    # The op is elementwise, so its Jacobian is diagonal and the same rules serve forward
    # mode: jvp, jacfwd and hessian work on it with no more code (see core/ops.py).
    op = defop(name, forward, grads, tangents=grads, broadcasting=True)

    def build(*args: Any) -> Tensor:
        if len(args) != arity:
            raise TypeError(f"{name} takes {arity} argument(s), got {len(args)}")
        return apply(op.name, *args)

    build.__name__ = name.lower()
    build.__doc__ = f"The op {name!r} (registered with gl.register_op)."
    return build
