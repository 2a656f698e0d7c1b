"""Nodes of a computation graph, and the graph that names them.

A gradlab program first *describes* a computation, then runs it. ``y = gl.sin(x)``
computes nothing: it creates a node that says "y is the sine of x". A node
(a :class:`Tensor`) is immutable. It records

* ``op``      the operation, an entry of the op table in :mod:`gradlab.core.ops`;
* ``inputs``  the nodes it reads;
* ``attrs``   fixed settings (an axis, a constant's value, ...);
* ``name``    a unique, TensorFlow-style name such as ``'Sin_1'`` (or ``'x_1'`` for a
  second node asked to be called ``'x'``);
* ``label``   the name you asked for (``'x'``), which formulas and drawings print;
* ``origin``  the file and line of *your* code that created it, so that errors
  can point at the line you wrote rather than at gradlab's internals.

Nodes hold no values and no gradients. Values live in a :class:`~gradlab.Session`,
and gradients are simply more nodes (see :mod:`gradlab.core.autodiff`).

Shapes
------
Each node knows as much of its shape as can be known before running (``shape``,
with ``None`` for unknown sizes) and a *shape key* (``skey``): either the full
static shape, or a node that provably has the same shape. ``sin(x)`` has the same
shape key as ``x`` even if the size of ``x`` is only known when it is fed. The
autodiff engine uses shape keys to drop shape bookkeeping that can never do
anything, which is why the derivative of ``sin(x)`` is the node ``cos(x)``.
"""

from __future__ import annotations

import linecache
import os
import sys
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from .errors import BudgetError, ShapeError

float32 = np.float32
float64 = np.float64

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # all of gradlab


class _Hooks:
    """Services that higher layers lend to nodes. The core never imports those layers;
    they register here when they are imported (``import gradlab`` does it):

    * ``latex(tensor) -> str`` is set by :mod:`gradlab.show.formula`, so that a tensor
      shows as its formula in a notebook;
    * ``default_session() -> Session`` is set by :mod:`gradlab.frontend.session`, for
      ``tensor.eval()``.
    """

    latex: Callable[[Any], str] | None = None
    default_session: Callable[[], Any] | None = None


hooks = _Hooks()


@dataclass(frozen=True)
class Origin:
    """Where a node was created: the first stack frame outside gradlab."""

    filename: str
    lineno: int

    @property
    def line(self) -> str:
        return linecache.getline(self.filename, self.lineno).strip()

    def __str__(self) -> str:
        text = self.line
        where = f'File "{self.filename}", line {self.lineno}'
        return f"{where}: {text}" if text else where


def _user_origin() -> Origin | None:
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame = frame.f_back
    if frame is None:
        return None
    return Origin(frame.f_code.co_filename, frame.f_lineno)


class Graph:
    """A namespace for nodes: hands out unique names and remembers Variables.

    Most programs use the default graph without ever seeing it. Use
    ``with gl.Graph().as_default():`` (or :func:`reset_default_graph`) to start
    afresh, for example at the top of a notebook section.
    """

    def __init__(self) -> None:
        self._name_counts: dict[str, int] = {}
        self.variables: list[Any] = []
        self.node_count = 0
        """How many nodes have been made in this graph."""
        self.nodes: "weakref.WeakValueDictionary[str, Tensor]" = weakref.WeakValueDictionary()
        """The graph's nodes that are still in use, by name, in the order they were made
        (for drawings and TensorBoard; the graph does not keep a node alive)."""
        self.scopes: list[str] = []
        """Name scopes in force (``with gl.name_scope("layer1"):``): node names get them
        as a prefix, ``layer1/W``."""
        self.seed: int | None = None
        """The graph-level random seed (``gl.set_random_seed``)."""
        self.random_ops = 0
        """How many random ops were made: with a graph seed, each gets its own stream."""

    def unique_name(self, base: str) -> str:
        if self.scopes:
            base = "/".join(self.scopes) + "/" + base
        count = self._name_counts.get(base, 0)
        name = base if count == 0 else f"{base}_{count}"
        while name in self._name_counts and name != base:  # x, x, then a node asked to be x_1
            count += 1
            name = f"{base}_{count}"
        self._name_counts[base] = count + 1
        self._name_counts.setdefault(name, 1)
        return name

    @contextmanager
    def as_default(self) -> Iterator["Graph"]:
        _graph_stack.stack.append(self)
        try:
            yield self
        finally:
            _graph_stack.stack.pop()


class _GraphStack(threading.local):
    def __init__(self) -> None:
        self.stack: list[Graph] = []
        self.default = Graph()


_graph_stack = _GraphStack()


class _Budget(threading.local):
    def __init__(self) -> None:
        self.remaining: int | None = None  # None: no limit
        self.message = ""


_budget = _Budget()


@contextmanager
def node_budget(limit: int, message: str) -> Iterator[None]:
    """Allow at most ``limit`` new nodes inside the block, else raise :class:`BudgetError`
    with ``message``.

    Some graphs grow exponentially (each derivative of ``x**x`` is about three times
    the size of the last), and a student can ask for the tenth. A budget stops that
    after a known amount of work, with a message instead of a frozen kernel. Budgets
    nest: an inner one never allows more than the outer one has left.
    """
    outer, outer_message = _budget.remaining, _budget.message
    start = limit if outer is None else min(limit, outer)
    _budget.remaining, _budget.message = start, message
    try:
        yield
    finally:
        used = start - _budget.remaining
        _budget.remaining = None if outer is None else outer - used
        _budget.message = outer_message


class _Recording(threading.local):
    def __init__(self) -> None:
        self.sets: list[set] = []


_recording = _Recording()


@contextmanager
def recording() -> Iterator[set]:
    """Collect every node made inside the block, in the set it yields.

    This is how a ``cond`` or ``while_loop`` finds its branch or body: the nodes
    made while the branch function ran belong to it; any other node it reads comes
    from outside. Recordings nest: an inner branch's nodes belong to the outer one too.
    """
    made: set = set()
    _recording.sets.append(made)
    try:
        yield made
    finally:
        _recording.sets.pop()


def get_default_graph() -> Graph:
    """The graph new nodes are added to."""
    return _graph_stack.stack[-1] if _graph_stack.stack else _graph_stack.default


def reset_default_graph() -> None:
    """Forget all names and Variables of the default graph (TF1's function of the same name)."""
    if _graph_stack.stack:
        raise RuntimeError("reset_default_graph() cannot be called inside 'with graph.as_default()'")
    _graph_stack.default = Graph()


def broadcast_static(shapes: list[tuple | None]) -> tuple | None:
    """Broadcast shapes that may contain unknown (``None``) sizes, as numpy would.

    Returns ``None`` when the number of dimensions is unknown. Raises
    :class:`ShapeError` when known sizes clash.
    """
    if any(s is None for s in shapes):
        return None
    ndim = max((len(s) for s in shapes), default=0)
    padded = [(1,) * (ndim - len(s)) + tuple(s) for s in shapes]
    result = []
    for dims in zip(*padded):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ShapeError(f"shapes {' and '.join(map(format_shape, shapes))} do not broadcast")
        if known:
            result.append(known.pop())
        elif any(d is None for d in dims):
            result.append(None)
        else:
            result.append(1)
    return tuple(result)


def broadcast_key(keys: list) -> Any:
    """The shape key of a broadcast of nodes with these keys, or None if unknown.

    Equal keys broadcast to themselves, and a scalar ``()`` never changes the
    other shape; two fully known shapes broadcast as numpy says.
    """
    result: Any = ()
    for key in keys:  # (keys may be nodes, whose == builds a node: compare tuples only)
        if key is result or (type(key) is tuple and not key):
            continue
        if type(result) is tuple and not result:
            result = key
        elif isinstance(result, tuple) and isinstance(key, tuple):
            result = broadcast_static([result, key])
        else:
            return None
    return result


def format_shape(shape: tuple | None) -> str:
    """TensorFlow-style shape text: ``(?, 3)``, ``()``, or ``<unknown>``."""
    if shape is None:
        return "<unknown>"
    dims = ["?" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


class Tensor:
    """One node of the graph: an op applied to input nodes.

    Create tensors with gradlab functions (``gl.placeholder``, ``gl.sin``, ``+``,
    ...), not with this constructor. Tensors are immutable and compare by
    identity, so they can be dictionary keys (as in ``feed_dict={x: ...}``).
    """

    __slots__ = ("op", "inputs", "attrs", "name", "label", "dtype", "shape", "skey", "origin",
                 "graph", "__weakref__")

    # Make numpy hand mixed expressions such as ``np.ones(3) * t`` to us.
    __array_priority__ = 1000

    def __init__(
        self,
        op: Any,
        inputs: tuple["Tensor", ...],
        attrs: dict,
        dtype: Any,
        shape: tuple | None,
        skey: Any = None,
        name: str | None = None,
    ) -> None:
        if _budget.remaining is not None:
            _budget.remaining -= 1
            if _budget.remaining < 0:
                raise BudgetError(_budget.message)
        graph = get_default_graph()
        setattr_ = object.__setattr__
        setattr_(self, "op", op)
        setattr_(self, "inputs", inputs)
        setattr_(self, "attrs", attrs)
        setattr_(self, "dtype", None if dtype is None else np.dtype(dtype))
        setattr_(self, "shape", shape)
        setattr_(self, "skey", self if skey is None else skey)
        setattr_(self, "name", graph.unique_name(name or op.name))
        setattr_(self, "label", name or self.name)  # as asked for: formulas print this
        setattr_(self, "origin", _user_origin())
        setattr_(self, "graph", graph)
        graph.node_count += 1
        graph.nodes[self.name] = self
        for made in _recording.sets:
            made.add(self)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("gradlab tensors are immutable: build a new node instead")

    # -- display -------------------------------------------------------------
    def __repr__(self) -> str:
        if self.dtype is None:
            return f"<gl.Operation '{self.name}' type={self.op.name}>"
        kind = "Variable" if self.op.name == "Variable" else "Tensor"
        return (
            f"<gl.{kind} '{self.name}:0' shape={format_shape(self.shape)} "
            f"dtype={self.dtype.name}>"
        )

    def _repr_latex_(self) -> str | None:
        latex = hooks.latex
        return None if latex is None else "$" + latex(self) + "$"

    # -- guard rails ---------------------------------------------------------
    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth value of tensor '{self.name}' is unknown until it runs: "
            "a graph cannot take an 'if' branch. Use gl.where(condition, a, b) "
            "to choose between values elementwise."
        )

    def __iter__(self) -> Iterator:
        raise TypeError(
            f"tensor '{self.name}' is symbolic and cannot be iterated; "
            "run it in a Session to get a numpy array"
        )

    def __array__(self, *args: Any, **kwargs: Any) -> np.ndarray:
        raise TypeError(
            f"tensor '{self.name}' has no value yet: run it (session.run(t) or t.eval()) to "
            "get a numpy array. To make one tensor of several, use np.stack([...]) or "
            "np.concatenate([...]) rather than np.array([...])"
        )

    # -- conveniences --------------------------------------------------------
    def eval(self, feed_dict: dict | None = None, session: Any = None) -> Any:
        """Run this tensor in ``session`` (default: the innermost ``with gl.Session()``)."""
        if session is None:
            if hooks.default_session is None:
                raise RuntimeError("no Session is available: import gradlab, then use "
                                   "'with gl.Session() as session:'")
            session = hooks.default_session()
        return session.run(self, feed_dict=feed_dict)

    def run(self, feed_dict: dict | None = None, session: Any = None) -> Any:
        """Run this op (``init.run()``, ``train_step.run(feed_dict=...)``), like :meth:`eval`."""
        return self.eval(feed_dict, session)

    @property
    def value(self) -> Any:
        """A constant's value (only for nodes made by ``gl.constant``)."""
        if self.op.name != "Const":
            raise AttributeError(f"'{self.name}' is not a constant; run it in a Session")
        return self.attrs["value"]


def toposort(roots: list[Tensor], stop: set | frozenset = frozenset()) -> list[Tensor]:
    """All nodes that ``roots`` depend on, each listed after its inputs.

    Iterative (an explicit stack, not recursion), so a graph thousands of nodes
    deep is fine. Nodes in ``stop`` are listed but their inputs are not visited.
    """
    order: list[Tensor] = []
    seen: set = set()
    for root in roots:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(() if root in stop else root.inputs))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in seen:
                    seen.add(child)
                    stack.append((child, iter(() if child in stop else child.inputs)))
                    break
            else:
                stack.pop()
                order.append(node)
    return order
