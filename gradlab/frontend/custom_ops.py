"""Your own ops: ``gl.register_op`` adds a row to the op table.

A registered op is elementwise and broadcasts like a numpy ufunc; its gradient
rules, written with gradlab ops, make its derivatives of every order work.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..core.graph import Tensor
from ..core.opdef import OPS, defop
from ..core.simplify import apply

BUILTIN_OPS = frozenset(OPS)
"""The names of gradlab's own ops (``register_op`` may not replace these)."""


def register_op(name: str, forward: Callable, grads: Sequence[Callable | None] | None = None,
                arity: int = 1) -> Callable[..., Tensor]:
    """Add your own elementwise op to the table and get the function that builds it.

    ``forward`` computes the op with numpy. ``grads`` holds one rule per input,
    ``rule(g, out, *inputs) -> gradient``, written with gradlab ops so that it can
    itself be differentiated (then f'' needs no extra rule). Leave ``grads`` out
    for an op that cannot be differentiated; asking for its gradient then raises
    :class:`~gradlab.NoGradientError` naming the op and your line.

    >>> cube = gl.register_op("Cube", lambda x: x**3, [lambda g, out, x: g * (3 * x**2)])
    """
    if name in BUILTIN_OPS:
        raise ValueError(f"{name!r} is one of gradlab's own ops; choose another name")
    # Re-registering your own op (re-running a notebook cell) replaces it.
    if grads is not None:
        grads = tuple(grads)
        arity = len(grads)
    op = defop(name, forward, grads, broadcasting=True)

    def build(*args: Any) -> Tensor:
        if len(args) != arity:
            raise TypeError(f"{name} takes {arity} argument(s), got {len(args)}")
        return apply(op.name, *args)

    build.__name__ = name.lower()
    build.__doc__ = f"The op {name!r} (registered with gl.register_op)."
    return build
