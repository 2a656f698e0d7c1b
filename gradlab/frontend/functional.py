"""``grad(f)`` and friends: derivatives of Python functions, autograd- and JAX-style.

Write ``f`` as an ordinary function, using gradlab or numpy operations::

    def f(x):
        return np.sin(x) * np.exp(-x / 5)

    df = gl.grad(f)          # a new function of numpy arrays
    df(np.linspace(0, 6, 7))  # d/dx f at seven points

Under the hood ``f`` is *traced*: called once on placeholders to build its graph,
differentiated with :func:`gradlab.gradients`, and compiled into a plan. Later calls
with the same shapes and dtypes re-run that plan.

* ``argnum`` (or ``argnums``) says which argument to differentiate; a tuple of them
  gives a tuple of gradients.
* An argument may be a list, tuple or dict of arrays (a "pytree"); its gradient
  comes back in the same structure.
* Arguments that are not differentiated may be Python numbers, strings or flags;
  they are passed to ``f`` as they are, and a new value means a new trace.
* The gradient is that of ``sum(f(...))``, so an elementwise ``f`` gives the
  ordinary derivative at every point.

Called with tensors, or from inside another traced function whose values ``f``
closes over, the returned function builds graph nodes instead of numbers. That is
why ``grad(grad(f))`` is the second derivative, and why an inner ``grad`` may use
the outer function's variable.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..core.autodiff import gradients
from ..core.control_flow import concrete_value, trace_values
from ..core.evaluate import evaluate
from ..core.graph import Graph, Tensor, toposort
from ..core.ops import as_tensor, placeholder
from ..core.simplify import rebuild
from .session import Session

# ---------------------------------------------------------------------------
# Pytrees: nested lists, tuples and dicts with arrays at the leaves
# ---------------------------------------------------------------------------


def flatten(tree: Any) -> tuple[list, Any]:
    """The leaves of ``tree`` in order, and a description of its structure."""
    if isinstance(tree, dict):
        keys = sorted(tree, key=repr)
        parts = [flatten(tree[k]) for k in keys]
        return [leaf for p in parts for leaf in p[0]], ("dict", tuple(keys), tuple(p[1] for p in parts))
    if isinstance(tree, (list, tuple)):
        parts = [flatten(item) for item in tree]
        return [leaf for p in parts for leaf in p[0]], (type(tree), None, tuple(p[1] for p in parts))
    return [tree], None


def unflatten(structure: Any, leaves: Sequence) -> Any:
    """Rebuild a tree of ``structure`` (from :func:`flatten`) with new leaves."""
    it = iter(leaves)

    def build(s: Any) -> Any:
        if s is None:
            return next(it)
        kind, keys, children = s
        items = [build(c) for c in children]
        if kind == "dict":
            return dict(zip(keys, items))
        if kind in (list, tuple):
            return kind(items)
        return kind(*items) if hasattr(kind, "_fields") else kind(items)  # a namedtuple

    return build(structure)


def _is_array_leaf(leaf: Any) -> bool:
    """A leaf that holds numbers (a bool mask or a string is passed through as it is)."""
    if isinstance(leaf, (np.ndarray, np.generic)):
        return leaf.dtype.kind in "fiuc"
    return isinstance(leaf, (Tensor, float, int, complex)) and not isinstance(leaf, bool)


def _is_integer(leaf: Any) -> bool:
    """A Python or numpy integer scalar (not a bool)."""
    return isinstance(leaf, (int, np.integer)) and not isinstance(leaf, (bool, np.bool_))


def _as_array(leaf: Any, what: str) -> np.ndarray:
    array = np.asarray(leaf)
    if array.dtype.kind == "c":
        raise TypeError(f"{what} is complex: complex numbers are out of gradlab's scope, which "
                        "differentiates real functions of real numbers")
    if array.dtype.kind not in "fiu":
        raise TypeError(f"{what} must hold numbers to be differentiated, not {array.dtype} "
                        f"({leaf!r:.60})")
    return array.astype(np.float64) if array.dtype.kind != "f" else array


def _normalize_argnums(argnum: Any, argnums: Any) -> tuple[tuple[int, ...], bool]:
    chosen = argnums if argnums is not None else argnum
    if isinstance(chosen, (int, np.integer)):
        return (int(chosen),), True
    chosen = tuple(int(i) for i in chosen)
    if not chosen:
        raise ValueError("argnums must name at least one argument")
    return chosen, False


# ---------------------------------------------------------------------------
# Tracing
# ---------------------------------------------------------------------------


class _Traced:
    """``f`` wrapped so that calls run a cached plan of ``build(inputs, f(*args))``."""

    def __init__(self, f: Callable, argnums: tuple[int, ...], build: Callable) -> None:
        self.f, self.argnums, self.build = f, argnums, build
        self.graph = Graph()
        self.session = Session(self.graph)
        self.traces: dict[Any, Any] = {}
        self.asks = False
        """f asked for the truth value of a tensor (an `if` on x): it is traced on every call."""

    def _key(self, args: tuple, kwargs: dict) -> tuple:
        leaves, structure = flatten((args, kwargs))
        parts = []
        for path, leaf in enumerate(leaves):
            if _is_integer(leaf):
                parts.append(("int", int(leaf)))  # it may stay an int: a new one, a new trace
            elif isinstance(leaf, np.ndarray) and leaf.dtype.kind in "iu":
                # integer arrays (indices, labels) are built into the trace, like masks
                parts.append(("integers", leaf.shape, leaf.dtype.str, leaf.tobytes()))
            elif _is_array_leaf(leaf):
                if isinstance(leaf, Tensor):
                    parts.append(("tensor", leaf.shape, str(leaf.dtype)))
                else:
                    array = _as_array(leaf, f"argument leaf {path}")
                    parts.append(("array", array.shape, array.dtype.str))
            elif isinstance(leaf, np.ndarray):  # a mask: its values are built into the trace
                parts.append(("mask", leaf.shape, leaf.dtype.str, leaf.tobytes()))
            else:
                try:
                    hash(leaf)
                    parts.append(("value", leaf))
                except TypeError:
                    parts.append(("object", id(leaf)))
        return structure, tuple(parts)

    def _trace(self, args: tuple, kwargs: dict) -> tuple:
        """Call f on placeholders standing for the array leaves; build the outputs."""
        for i in self.argnums:
            if not -len(args) <= i < len(args):
                raise IndexError(f"argnum {i} is out of range: the function got {len(args)} "
                                 "positional argument(s)")
        leaves, structure = flatten((args, kwargs))
        spans, start = [], 0  # which leaves belong to which positional argument
        for arg in args:
            count = len(flatten(arg)[0])
            spans.append(range(start, start + count))
            start += count
        differentiated = {path for i in self.argnums for path in spans[i % len(args)]}
        stand_ins: list[Any] = []
        placeholders: dict[int, Tensor] = {}
        with self.graph.as_default():
            for path, leaf in enumerate(leaves):
                if path in differentiated and not _is_array_leaf(leaf):
                    raise TypeError(f"cannot differentiate with respect to {leaf!r:.60}: "
                                    "the arguments named by argnum must hold numbers")
                # An integer that is not differentiated stays as it is (a count, a size, the
                # indices of a batch, numpy's too); every other number becomes a placeholder.
                kept = _is_integer(leaf) or (isinstance(leaf, np.ndarray) and leaf.dtype.kind in "iu")
                if _is_array_leaf(leaf) and (path in differentiated or not kept):
                    if isinstance(leaf, Tensor):
                        dtype, shape = (leaf.dtype if leaf.dtype.kind == "f" else np.float64), leaf.shape
                    else:
                        array = _as_array(leaf, f"argument {path}")
                        dtype, shape = array.dtype, array.shape
                    placeholders[path] = placeholder(dtype, shape, name="x" if path == 0 else f"x{path}")
                    stand_ins.append(placeholders[path])
                else:
                    stand_ins.append(leaf)
            t_args, t_kwargs = unflatten(structure, stand_ins)
            wrt = [(flatten(args[i])[1], [placeholders[p] for p in spans[i % len(args)]])
                   for i in self.argnums]
            # The placeholders carry the call's values while f runs, so that an `if` on a
            # tensor has an answer (see gradlab.core.control_flow).
            values = {}
            for path, p in placeholders.items():
                leaf = leaves[path]
                value = concrete_value(leaf) if isinstance(leaf, Tensor) else _as_array(leaf, "")
                if value is not None:
                    values[p] = np.asarray(value, dtype=p.dtype)
            try:
                with trace_values(values) as known:
                    result = self.f(*t_args, **t_kwargs)
            except TypeError as err:
                lists = [i for i, a in enumerate(args) if isinstance(a, (list, tuple))
                         and a and all(isinstance(v, (int, float)) for v in a)]
                if not lists:
                    raise
                raise TypeError(f"{err}\n(argument {lists[0]} is a list of numbers, which "
                                "gl.grad reads as separate arguments in a list, as autograd and "
                                "JAX do; pass np.array([...]) to give one array)") from None
            outputs, unpack = self.build(result, wrt)
        if known.asked:
            self.asks = True
        return placeholders, outputs, unpack, known.asked

    def plan(self, *args: Any, **kwargs: Any) -> Any:
        """The compiled plan that a call with these arguments runs (``len(plan)`` is its
        number of steps; ``print(plan)`` lists them)."""
        key = self._key(args, kwargs)
        trace = self.traces.get(key) or self._trace(args, kwargs)
        if not trace[3]:
            self.traces.setdefault(key, trace)
        placeholders, outputs, _, _ = trace
        leaves = flatten((args, kwargs))[0]
        feed = {p: _as_array(leaves[path], "an argument") for path, p in placeholders.items()}
        return self.session.plan(outputs, feed)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not kwargs and all(type(a) is np.ndarray and a.dtype.kind == "f" for a in args):
            key: Any = tuple((a.shape, a.dtype.str) for a in args)  # the common case, quickly
            leaves: Sequence = args
        else:
            key = self._key(args, kwargs)
            leaves = flatten((args, kwargs))[0]
        trace = None if self.asks else self.traces.get(key)
        if trace is None:
            trace = self._trace(args, kwargs)
            own = set(trace[0].values())
            # An f that closes over a value another trace is building (an outer grad's x)
            # has that trace's placeholder in its graph. Such a trace is never reused, and
            # neither is one whose graph depends on the values (an `if` on x).
            foreign = any(n.op.name == "Placeholder" and n not in own for n in toposort(trace[1]))
            if not foreign and not trace[3]:
                self.traces[key] = trace
        else:
            foreign = False
        placeholders, outputs, unpack, asked = trace
        if foreign or any(isinstance(leaf, Tensor) for leaf in leaves):
            # Build nodes in the caller's graph (grad of grad, or a closure over an outer
            # trace) instead of running a plan.
            mapping = {p: as_tensor(leaves[path]) if isinstance(leaves[path], Tensor)
                       else as_tensor(_as_array(leaves[path], "an argument"))
                       for path, p in placeholders.items()}
            return unpack(rebuild(outputs, mapping))
        feed = {p: leaves[path] if type(leaves[path]) is np.ndarray else _as_array(leaves[path], "an argument")
                for path, p in placeholders.items()}
        if asked:  # a graph for this call only: run it plainly rather than compile a plan
            return unpack([_plain(v) for v in evaluate(outputs, feed)])
        return unpack(self.session.run(outputs, feed))


def _plain(value: Any) -> Any:
    """A value as Session.run returns it (a 0-d array as a numpy scalar)."""
    value = np.asarray(value)
    return value[()] if value.ndim == 0 else value


def _builder(has_aux: bool, single: bool) -> Callable:
    """Outputs of a trace: f's value, its gradients, its aux; and how to hand them back
    as ``(value, gradients, aux)`` with the gradients in their arguments' structures."""

    def build(result: Any, wrt: list[tuple[Any, list[Tensor]]]) -> tuple[list, Callable]:
        aux_leaves: list = []
        aux_structure = None
        if has_aux:
            if not (isinstance(result, tuple) and len(result) == 2):
                raise TypeError("with has_aux=True the function must return a pair (value, aux)")
            result, aux = result
            aux_leaves, aux_structure = flatten(aux)
        value = as_tensor(result)
        xs = [p for _, ps in wrt for p in ps]
        grads = gradients(value, xs) if xs else []
        is_tensor = [isinstance(a, Tensor) for a in aux_leaves]
        outputs = [value, *grads, *(a for a, t in zip(aux_leaves, is_tensor) if t)]

        def unpack(values: Sequence) -> tuple:
            values = list(values)
            value_out, grad_out = values[0], values[1:1 + len(grads)]
            ran = iter(values[1 + len(grads):])
            per_arg, start = [], 0
            for structure, ps in wrt:
                per_arg.append(unflatten(structure, grad_out[start:start + len(ps)]))
                start += len(ps)
            aux_out = None
            if has_aux:
                aux_out = unflatten(aux_structure, [next(ran) if t else a
                                                    for a, t in zip(aux_leaves, is_tensor)])
            return value_out, (per_arg[0] if single else tuple(per_arg)), aux_out

        return outputs, unpack

    return build


def _wrap(f: Callable, argnum: Any, argnums: Any, has_aux: bool, pick: Callable,
          doc: str) -> Callable:
    numbers, single = _normalize_argnums(argnum, argnums)
    traced = _Traced(f, numbers, _builder(has_aux, single))

    def run(*args: Any, **kwargs: Any) -> Any:
        return pick(*traced(*args, **kwargs))

    run.__wrapped__ = f  # type: ignore[attr-defined]
    run.__name__ = getattr(f, "__name__", "f")
    run.__doc__ = doc.format(name=getattr(f, "__name__", "f"), argnums=numbers)
    return run


def grad(f: Callable, argnum: int | Sequence[int] = 0, *, argnums: Any = None,
         has_aux: bool = False) -> Callable:
    """The gradient of ``f``: a function giving d(sum f(...))/d(argument ``argnum``).

    The gradient has the shape (and the list/tuple/dict structure) of that argument.
    For an elementwise ``f`` this is the ordinary derivative at every point. Compose it
    for higher orders: ``gl.grad(gl.grad(f))`` is f''. ``argnums=(0, 1)`` gives a tuple
    of gradients; with ``has_aux=True``, ``f`` returns ``(value, aux)`` and the new
    function returns ``(gradient, aux)``.

    >>> gl.grad(lambda x, y: x * y, argnum=1)(2.0, 3.0)
    2.0
    """
    pick = (lambda v, g, aux: (g, aux)) if has_aux else (lambda v, g, aux: g)
    return _wrap(f, argnum, argnums, has_aux, pick,
                 "Gradient of {name} with respect to argument(s) {argnums} (made by gl.grad).")


def value_and_grad(f: Callable, argnum: int | Sequence[int] = 0, has_aux: bool = False, *,
                   argnums: Any = None) -> Callable:
    """Like :func:`grad`, but the new function returns ``(f(...), gradient)``, both from
    one plan. With ``has_aux=True`` it returns ``((value, aux), gradient)``, as in JAX."""
    pick = (lambda v, g, aux: ((v, aux), g)) if has_aux else (lambda v, g, aux: (v, g))
    return _wrap(f, argnum, argnums, has_aux, pick,
                 "Value and gradient of {name} (argument(s) {argnums}), made by gl.value_and_grad.")


def grad_and_aux(f: Callable, argnum: int | Sequence[int] = 0) -> Callable:
    """For ``f`` returning ``(value, aux)``: a function returning ``(gradient, aux)``,
    where the gradient is that of ``value`` (autograd's ``grad_and_aux``)."""
    return grad(f, argnum, has_aux=True)


def elementwise_grad(f: Callable, argnum: int | Sequence[int] = 0) -> Callable:
    """The derivative of an elementwise ``f`` at every point (autograd's name).

    It is the gradient of ``sum(f(x))``, which for an elementwise ``f`` holds
    ``f'(x_i)`` at position i; it is the same function as :func:`grad`, which in
    gradlab always sums a non-scalar output."""
    return grad(f, argnum)
