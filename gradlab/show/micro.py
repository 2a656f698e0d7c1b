"""A scalar reverse-mode engine in a few dozen lines: the ``Value`` of lesson 11.

This is the engine a student writes in ``notebooks/11_build_your_own_engine.ipynb``,
kept here so that later lessons can use it (``gl.micro.Value``). It imports nothing
but :mod:`math`: it has no numpy, no graph of gradients and no compiler, so the whole
idea of reverse mode is visible at once.

How it works
------------
A :class:`Value` holds one number (``data``), the derivative of the final output with
respect to it (``grad``, filled in by :meth:`Value.backward`), the Values it was computed
from (its parents), and a small function that knows the *local* derivatives of the step
that made it. Every operation does two things side by side: it computes its result now,
and it stores in that function how to pass the gradient back to its parents later::

    out = Value(x.data * y.data, (x, y))
    def pass_back():                    # runs during backward()
        x.grad += y.data * out.grad     # d(out)/dx = y
        y.grad += x.data * out.grad     # d(out)/dy = x

The stored functions together are the *tape*. ``backward()`` puts the graph in
topological order (every Value after the Values it was made from), gives the output
the gradient 1, and runs the stored functions from the output back to the inputs, so
each Value's grad is complete before it is passed on. The ``+=`` matters: a Value used
twice (``x * x``) receives one contribution per use, and they add up.

What it does not do, and gradlab does (lesson 11, section 5)
------------------------------------------------------------
* ``grad`` is a float, not a graph: there is no f'' to be had from it.
* ``grad`` is state inside the nodes: it keeps growing if you call ``backward()`` twice,
  so set ``p.grad = 0.0`` on your parameters before each new backward pass.
* One Value is one number: a curve of 100 points needs 100 graphs.
* Every ``backward()`` walks the graph again; gradlab compiles a plan once and re-runs it.

Example::

    >>> from gradlab.show.micro import Value
    >>> a, b = Value(2.0), Value(-3.0)
    >>> y = a * b + a ** 2
    >>> y.backward()
    >>> a.grad, b.grad          # dy/da = b + 2a, dy/db = a
    (1.0, 2.0)
"""

import math


def _nothing() -> None:
    """The local backward function of an input: it has no parents to pass anything to."""


class Value:
    """One number in a computation, with the gradient that ``backward()`` gives it.

    ``Value(2.0)`` makes an input. Arithmetic with Values (and plain numbers) makes new
    Values that remember their parents: ``+ - * /``, ``** number``, and the functions
    :meth:`exp`, :meth:`log`, :meth:`tanh` and :meth:`relu`.
    """

    def __init__(self, data: float, parents: "tuple[Value, ...]" = (), op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self._parents = tuple(parents)
        self._backward = _nothing  # replaced by the operation that makes this Value
        self.op = op  # which operation made it ("" for an input): for reading, not computing

    def __repr__(self) -> str:
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    # -- the primitive steps: forward value and local derivatives side by side -------------
    def __add__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:  # d(a + b)/da = 1, d(a + b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: "Value | float") -> "Value":
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:  # d(a b)/da = b, d(a b)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, n: float) -> "Value":
        if isinstance(n, Value):
            raise TypeError("this engine raises Values to plain numbers only (x ** 3, not x ** y)")
        out = Value(self.data ** n, (self,), f"**{n}")

        def _backward() -> None:  # d(a**n)/da = n a**(n-1)
            self.grad += n * self.data ** (n - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> "Value":
        """e to the power of this Value; its derivative is itself, so the rule uses ``out``."""
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> "Value":
        """The natural logarithm (of a positive Value); its derivative is 1 / x."""
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:
            self.grad += out.grad / self.data

        out._backward = _backward
        return out

    def tanh(self) -> "Value":
        """The hyperbolic tangent; its derivative is 1 - tanh(x)**2, again read from ``out``."""
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward() -> None:
            self.grad += (1.0 - out.data * out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> "Value":
        """max(0, x); its derivative is 1 for x > 0 and 0 otherwise (0 at x = 0, as in gradlab)."""
        out = Value(self.data if self.data > 0 else 0.0, (self,), "relu")

        def _backward() -> None:
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = _backward
        return out

    # -- everything else is written with the steps above ------------------------------------
    def __neg__(self) -> "Value":
        return self * -1

    def __sub__(self, other: "Value | float") -> "Value":
        return self + (-other)

    def __truediv__(self, other: "Value | float") -> "Value":
        return self * other ** -1

    def __radd__(self, other: float) -> "Value":  # 2 + x
        return self + other

    def __rmul__(self, other: float) -> "Value":  # 2 * x
        return self * other

    def __rsub__(self, other: float) -> "Value":  # 2 - x
        return (-self) + other

    def __rtruediv__(self, other: float) -> "Value":  # 2 / x
        return self ** -1 * other

    # -- the backward pass --------------------------------------------------------------------
    def backward(self) -> None:
        """Fill in ``grad`` of every Value this one depends on: d(self)/d(that Value).

        The grads *add* to what is there, so reset them (``p.grad = 0.0``) before a
        second backward pass through the same inputs.
        """
        self.grad = 1.0
        for node in reversed(topological_order(self)):
            node._backward()


def topological_order(root: Value) -> "list[Value]":
    """Every Value that ``root`` depends on (``root`` included), each one after its parents.

    A depth-first search with a stack of its own instead of recursion, so a chain of a
    million steps is fine (a recursive search would hit Python's recursion limit at about
    a thousand). A Value goes on the stack twice: first to push its parents, then, once
    they are all placed, to be placed itself.
    """
    order: list[Value] = []
    visited: set[int] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, parents_placed = stack.pop()
        if parents_placed:
            order.append(node)
        elif id(node) not in visited:
            visited.add(id(node))
            stack.append((node, True))
            stack.extend((parent, False) for parent in node._parents)
    return order


__all__ = ["Value", "topological_order"]
