"""``grad(f)`` and ``value_and_grad(f)``: derivatives of Python functions.

Write ``f`` as an ordinary function of one tensor, using gradlab (or numpy)
operations::

    def f(x):
        return gl.sin(x) * gl.exp(-x / 5)

    df = gl.grad(f)          # a new function of numpy arrays
    df(np.linspace(0, 6, 7))  # d/dx f at seven points

Under the hood ``f`` is *traced*: called once on a placeholder to build its graph,
differentiated with :func:`gradlab.gradients`, and compiled into a plan. Later calls
with the same input shape and dtype re-run that plan. Called with a tensor, the
returned function builds graph nodes instead, which is why ``grad(grad(f))`` is
the second derivative.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core.autodiff import gradients
from ..core.graph import Graph, Tensor
from ..core.ops import as_tensor, placeholder
from .session import Session


def _traced(f: Callable, build: Callable[[Tensor, Tensor], Any]) -> Callable:
    """Wrap ``f`` so that numpy inputs run a cached plan of ``build(x, f(x))``."""
    graph = Graph()
    session = Session(graph)
    traces: dict[tuple, tuple[Tensor, Any]] = {}

    def run(x: Any) -> Any:
        if isinstance(x, Tensor):
            return build(x, as_tensor(f(x)))
        array = np.asarray(x)
        if array.dtype.kind != "f":
            array = array.astype(np.float64)
        key = (array.shape, array.dtype)
        if key not in traces:
            with graph.as_default():
                xp = placeholder(array.dtype, array.shape, name="x")
                traces[key] = (xp, build(xp, as_tensor(f(xp))))
        xp, outputs = traces[key]
        return session.run(outputs, {xp: array})

    run.__wrapped__ = f  # type: ignore[attr-defined]
    return run


def grad(f: Callable[[Tensor], Tensor]) -> Callable:
    """The derivative of ``f``: a function giving d(sum f(x))/dx, with the shape of x.

    For an elementwise ``f`` this is the ordinary derivative at every point.
    Compose it for higher orders: ``gl.grad(gl.grad(f))`` is f''.
    """
    wrapped = _traced(f, lambda x, y: gradients(y, x)[0])
    wrapped.__doc__ = f"Derivative of {getattr(f, '__name__', 'f')} (made by gl.grad)."
    return wrapped


def value_and_grad(f: Callable[[Tensor], Tensor]) -> Callable:
    """Like :func:`grad`, but the new function returns ``(f(x), f'(x))`` from one plan."""
    return _traced(f, lambda x, y: (y, gradients(y, x)[0]))
