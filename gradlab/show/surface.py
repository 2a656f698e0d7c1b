"""Formulas of two variables, f(x, y): the landscapes that optimisers walk on.

``gl.parse_surface("x^2 + 10*y^2")`` reads a formula with the same whitelist parser as
:func:`gradlab.parse`, with two variables (``x`` and ``y`` unless you name others).
Every other name is a parameter. The gradient (∂f/∂x, ∂f/∂y) is built once, as two
graphs, and one compiled plan computes f and both partial derivatives together, on a
single point or a whole grid:

>>> f = gl.parse_surface("(1 - x)^2 + 100*(y - x^2)^2")     # Rosenbrock's valley
>>> f(1.0, 1.0)
0.0
>>> f.gradient(0.0, 0.0)
(array(-2.), array(0.))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.autodiff import gradients
from ..core.graph import Graph, Tensor
from ..frontend.session import Session
from .expr import ExpressionError, parameter_feed, read_formula
from .formula import formula, to_latex


class Surface:
    """A formula f(x, y) with parameters, its gradient, and one Session that runs them.

    ``f(x, y, **params)`` is the value; ``f.gradient(x, y, **params)`` is (∂f/∂x, ∂f/∂y);
    ``f.value_and_gradient(x, y, **params)`` gives all three from one run of the plan.
    ``x`` and ``y`` may be numbers or arrays of one shape (a grid from ``np.meshgrid``).
    """

    def __init__(self, text: str, tensor: Tensor, variables: dict[str, Tensor],
                 parameters: dict[str, Tensor], graph: Graph) -> None:
        self.text = text
        self.tensor = tensor
        self.variables = tuple(variables)
        self._variable_nodes = list(variables.values())
        self._parameter_nodes = parameters
        self.graph = graph
        with graph.as_default():
            self.partials = gradients(tensor, self._variable_nodes)
        self._session = Session(graph)

    @property
    def parameters(self) -> list[str]:
        """The names of the parameters, sorted."""
        return sorted(self._parameter_nodes)

    def feed(self, x: Any, y: Any, params: dict[str, Any]) -> dict[Tensor, Any]:
        """The feed_dict for evaluating at (x, y) with these parameter values."""
        values = parameter_feed(self.text, self._parameter_nodes, params, "f(x, y, ")
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        if x.shape != y.shape:
            raise ValueError(f"x and y must have the same shape, not {x.shape} and {y.shape} "
                             "(use np.meshgrid for a grid)")
        feed = dict(zip(self._variable_nodes, (x, y)))
        feed.update(values)
        return feed

    def value_and_gradient(self, x: Any, y: Any, /, **params: float
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """f, ∂f/∂x and ∂f/∂y at (x, y), from one run of the compiled plan; each has the
        shape of x (a part that does not depend on the point, such as ∂f/∂x of y**2, is
        broadcast to it)."""
        feed = self.feed(x, y, params)
        values = self._session.run([self.tensor, *self.partials], feed)
        shape = np.shape(feed[self._variable_nodes[0]])
        out = [np.array(np.broadcast_to(v, shape), dtype=np.float64) for v in values]
        return out[0], out[1], out[2]

    def __call__(self, x: Any, y: Any, /, **params: float) -> np.ndarray:
        """The value at (x, y)."""
        feed = self.feed(x, y, params)
        value = self._session.run(self.tensor, feed)
        return np.array(np.broadcast_to(value, np.shape(feed[self._variable_nodes[0]])),
                        dtype=np.float64)

    def gradient(self, x: Any, y: Any, /, **params: float) -> tuple[np.ndarray, np.ndarray]:
        """(∂f/∂x, ∂f/∂y) at (x, y)."""
        _, fx, fy = self.value_and_gradient(x, y, **params)
        return fx, fy

    def gradient_formulas(self) -> tuple[str, str]:
        """The two partial derivatives as formulas, for reading."""
        return formula(self.partials[0]), formula(self.partials[1])

    def to_latex(self) -> str:
        """The formula as LaTeX (without ``$``)."""
        return to_latex(self.tensor)

    def __str__(self) -> str:
        return formula(self.tensor)

    def __repr__(self) -> str:
        return f"Surface({self.text!r})"

    def _repr_latex_(self) -> str:
        return f"$${self.to_latex()}$$"


def parse_surface(text: str, variables: tuple[str, str] = ("x", "y")) -> Surface:
    """Read a formula of two variables, such as ``"x^2 + 10*y^2"``, into a :class:`Surface`.

    The parser is :func:`gradlab.parse`'s whitelist parser (never ``eval``); names other
    than the two variables become parameters. Errors are :class:`ExpressionError` with a
    caret under the problem.
    """
    if isinstance(text, Surface):
        return text
    if not isinstance(text, str):
        raise TypeError(f"a surface is a formula in a string, such as 'x^2 + y^2', not "
                        f"{type(text).__name__}")
    if not isinstance(variables, (tuple, list)) or len(variables) != 2:
        raise ExpressionError(f"a surface has two variables, such as ('x', 'y'), not {variables!r}")
    tensor, leaves, graph = read_formula(text, tuple(variables))
    nodes = {v: leaves[v] for v in variables}
    parameters = {name: t for name, t in leaves.items() if name not in nodes}
    return Surface(text.strip(), tensor, nodes, parameters, graph)
