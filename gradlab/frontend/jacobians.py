"""Forward mode and whole Jacobians, JAX-shaped: ``jvp``, ``vjp``, ``jacfwd``,
``jacrev``, ``hessian`` and ``hvp``.

The two directions of the chain rule, as functions of Python functions:

* ``jvp(f, (x,), (v,))`` pushes a tangent ``v`` forwards: it returns ``f(x)`` and
  ``J v``, the change of ``f`` when ``x`` moves along ``v`` (forward mode,
  :func:`gradlab.core.forward.forward_gradients`).
* ``vjp(f, x)`` returns ``f(x)`` and a *pullback*, which takes a weight ``u`` for the
  outputs and returns ``uᵀ J`` (reverse mode, :func:`gradlab.gradients` with
  ``grad_ys=u``).

A Jacobian is all of its columns (``jacfwd``: one forward pass per input element) or
all of its rows (``jacrev``: one reverse pass per output element). gradlab has no
batching rules (JAX's ``vmap``), so the passes are not one pass over a stacked axis:
they are separate tangent (or cotangent) graphs, compiled together into *one* plan,
which runs once per call. Its step count grows with the number of passes, which is
exactly the cost the theory predicts: ``bench/jacobians.py`` measures the crossover.

``hessian(f)`` is ``jacfwd(jacrev(f))``: forward mode over reverse mode.

``jacfwd``, ``jacrev`` and ``hessian`` return functions that, like :func:`gradlab.grad`,
trace ``f`` once per argument shape and re-run a cached plan. ``jvp``, ``vjp`` and ``hvp``
compute at once, so they trace ``f`` on every call (as JAX does), and a change to a
global that ``f`` reads is seen. Called with tensors, they all build graph nodes instead,
so they nest: ``jvp`` of a ``jvp`` is a second derivative.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..core.autodiff import gradients
from ..core.errors import ShapeError
from ..core.forward import forward_gradients
from ..core.graph import Tensor
from ..core.ops import as_tensor, constant, reshape, zeros
from .functional import _normalize_argnums, _Traced, flatten, grad, unflatten
from .numpy_functions import stack

def _leaves_as_tensors(result: Any) -> tuple[list[Tensor], Any]:
    leaves, structure = flatten(result)
    return [as_tensor(leaf) for leaf in leaves], structure


def _known_shape(t: Tensor, what: str) -> tuple[int, ...]:
    if t.shape is None or None in t.shape:
        raise ShapeError(f"{what} needs the shape of '{t.name}' to be known, but it is "
                         f"{t.shape}")
    return t.shape


def _basis(shape: tuple[int, ...], dtype: Any, k: int) -> Tensor:
    """The k-th unit array of ``shape``: one element 1, the rest 0."""
    e = np.zeros(int(np.prod(shape)), dtype=dtype)
    e[k] = 1
    return constant(e.reshape(shape))


def _assemble(parts: list[Tensor], shape: tuple[int, ...], axis: int) -> Tensor:
    """Stack the columns (axis -1) or rows (axis 0) into an array of ``shape``."""
    if not parts:
        return zeros(shape)
    return reshape(stack(parts, axis=axis), shape)


# ---------------------------------------------------------------------------
# jvp and vjp
# ---------------------------------------------------------------------------


def jvp(f: Callable, primals: Sequence, tangents: Sequence) -> tuple[Any, Any]:
    """Forward mode: ``(f(*primals), J v)`` where ``v`` is ``tangents``.

    ``primals`` and ``tangents`` are tuples with one entry per argument of ``f``, of
    the same shapes (an entry may be a list, tuple or dict of arrays). ``J v`` says how
    fast ``f``'s output moves when its arguments move along the tangents; it has the
    output's shape and structure.

    >>> gl.jvp(np.sin, (0.0,), (1.0,))
    (0.0, 1.0)
    """
    if not isinstance(primals, (list, tuple)) or not isinstance(tangents, (list, tuple)):
        raise TypeError("jvp takes primals and tangents as tuples, one entry per argument of f: "
                        "gl.jvp(f, (x,), (v,))")
    primals, tangents = tuple(primals), tuple(tangents)
    if len(primals) != len(tangents):
        raise ValueError(f"jvp got {len(primals)} primals and {len(tangents)} tangents: give "
                         "one tangent per argument, of the same shape")
    if flatten(primals)[1] != flatten(tangents)[1]:
        raise ValueError("the tangents must have the structure of the primals (the same lists, "
                         "tuples and dict keys)")
    for i, (p, t) in enumerate(zip(primals, tangents)):
        if isinstance(p, (list, tuple, dict, Tensor)) or isinstance(t, Tensor):
            continue  # (checked leaf by leaf when forward mode seeds them)
        if np.shape(p) != np.shape(t):
            raise ValueError(f"the tangent of argument {i} has shape {np.shape(t)}, but the "
                             f"argument has shape {np.shape(p)}")
    n = len(primals)

    def build(result: Any, wrt: list) -> tuple[list, Callable]:
        ys, structure = _leaves_as_tensors(result)
        xs = [p for _, ps in wrt[:n] for p in ps]
        ts = [t for _, ts_ in wrt[n:] for t in ts_]
        outputs = ys + forward_gradients(ys, xs, ts)

        def unpack(values: Sequence) -> tuple:
            values = list(values)
            return unflatten(structure, values[:len(ys)]), unflatten(structure, values[len(ys):])

        return outputs, unpack

    # traced on every call, as JAX's jvp is: f may read globals that change between calls
    return _Traced(lambda *a: f(*a[:n]), tuple(range(2 * n)), build)(*primals, *tangents)


def vjp(f: Callable, *primals: Any) -> tuple[Any, Callable]:
    """Reverse mode: ``(f(*primals), pullback)``. ``pullback(u)`` returns a tuple with
    ``uᵀ J`` for each argument: the gradient of ``sum(u * f(...))``. ``u`` has the
    shape and structure of ``f``'s output (``grad_ys`` in :func:`gradlab.gradients`).

    >>> y, pullback = gl.vjp(np.sin, 0.0)
    >>> pullback(2.0)
    (2.0,)
    """
    n = len(primals)

    def build_value(result: Any, wrt: list) -> tuple[list, Callable]:
        ys, structure = _leaves_as_tensors(result)
        return ys, lambda values: unflatten(structure, list(values))

    def build_pullback(result: Any, wrt: list) -> tuple[list, Callable]:
        ys, _ = _leaves_as_tensors(result)
        xs = [p for _, ps in wrt[:n] for p in ps]
        us = [u for _, us_ in wrt[n:] for u in us_]
        if len(us) != len(ys):
            raise ValueError(f"the pullback got {len(us)} cotangent arrays for {len(ys)} outputs")
        for u, y in zip(us, ys):
            if u.shape is not None and y.shape is not None and u.shape != y.shape:
                raise ValueError(f"the pullback's cotangent has shape {u.shape}, but the output "
                                 f"has shape {y.shape}")
        grads = gradients(ys, xs, grad_ys=us)

        def unpack(values: Sequence) -> tuple:
            per_arg, start = [], 0
            for structure, ps in wrt[:n]:
                per_arg.append(unflatten(structure, list(values[start:start + len(ps)])))
                start += len(ps)
            return tuple(per_arg)

        return grads, unpack

    value = _Traced(f, tuple(range(n)), build_value)(*primals)  # (traced on every call)
    backward = _Traced(lambda *a: f(*a[:n]), tuple(range(n + 1)), build_pullback)

    def pullback(cotangent: Any) -> tuple:
        return backward(*primals, cotangent)

    return value, pullback


# ---------------------------------------------------------------------------
# Whole Jacobians
# ---------------------------------------------------------------------------


def _jacobian_builder(forward: bool, single: bool) -> Callable:
    """Outputs of a Jacobian trace: for every (output leaf, input leaf) pair, the array
    of all partial derivatives, shaped ``output.shape + input.shape``."""

    def build(result: Any, wrt: list) -> tuple[list, Callable]:
        ys, out_structure = _leaves_as_tensors(result)
        xs = [p for _, ps in wrt for p in ps]
        out_shapes = [_known_shape(y, "a Jacobian") for y in ys]
        in_shapes = [_known_shape(x, "a Jacobian") for x in xs]
        blocks: dict[tuple[int, int], Tensor] = {}
        if forward:  # one tangent per input element: the columns
            for j, (x, s) in enumerate(zip(xs, in_shapes)):
                columns = [forward_gradients(ys, [x], [_basis(s, x.dtype, k)])
                           for k in range(int(np.prod(s)))]
                for i, r in enumerate(out_shapes):
                    blocks[i, j] = _assemble([c[i] for c in columns], r + s, axis=-1)
        else:  # one cotangent per output element: the rows
            for i, (y, r) in enumerate(zip(ys, out_shapes)):
                dtype = y.dtype if y.dtype.kind == "f" else np.float64
                rows = [gradients(y, xs, grad_ys=_basis(r, dtype, k))
                        for k in range(int(np.prod(r)))]
                for j, s in enumerate(in_shapes):
                    blocks[i, j] = _assemble([row[j] for row in rows], r + s, axis=0)
        order = sorted(blocks)
        outputs = [blocks[key] for key in order]

        def unpack(values: Sequence) -> Any:
            got = dict(zip(order, values))
            per_output = []
            for i in range(len(ys)):
                per_arg, start = [], 0
                for structure, ps in wrt:
                    per_arg.append(unflatten(structure, [got[i, j] for j in range(start, start + len(ps))]))
                    start += len(ps)
                per_output.append(per_arg[0] if single else tuple(per_arg))
            return unflatten(out_structure, per_output)

        return outputs, unpack

    return build


def _jacobian_function(f: Callable, argnums: Any, forward: bool, name: str) -> Callable:
    numbers, single = _normalize_argnums(argnums, None)
    traced = _Traced(f, numbers, _jacobian_builder(forward, single))

    def jacobian_of_f(*args: Any, **kwargs: Any) -> Any:
        return traced(*args, **kwargs)

    jacobian_of_f.__name__ = f"{name}_{getattr(f, '__name__', 'f')}"
    jacobian_of_f.__doc__ = (f"Jacobian of {getattr(f, '__name__', 'f')} with respect to "
                             f"argument(s) {numbers}, made by gl.{name}.")
    jacobian_of_f.__wrapped__ = f  # type: ignore[attr-defined]
    jacobian_of_f.plan = traced.plan  # type: ignore[attr-defined]  (the plan a call runs)
    return jacobian_of_f


def jacfwd(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Jacobian of ``f`` by forward mode: a function returning the array of all
    partial derivatives, of shape ``output.shape + input.shape``.

    It makes one forward pass (a :func:`jvp`) per element of the input, so it is the
    cheaper choice when there are few inputs and many outputs (a curve R → Rⁿ).

    >>> gl.jacfwd(lambda x: x**2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    return _jacobian_function(f, argnums, forward=True, name="jacfwd")


def jacrev(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Jacobian of ``f`` by reverse mode, of shape ``output.shape + input.shape``.

    It makes one backward pass (a :func:`vjp`) per element of the *output*, so it is
    the cheaper choice when there are many inputs and few outputs (a loss Rⁿ → R).
    Equal to :func:`jacfwd` up to rounding."""
    return _jacobian_function(f, argnums, forward=False, name="jacrev")


jacobian = jacrev


def hessian(f: Callable, argnums: int | Sequence[int] = 0) -> Callable:
    """The Hessian of a scalar ``f``, of shape ``input.shape + input.shape``: all second
    partial derivatives, ``H[i, j] = d²f / dx_i dx_j``.

    Built as ``jacfwd(jacrev(f))``: reverse mode finds the gradient (one pass), and
    forward mode differentiates that gradient along each input direction.

    >>> gl.hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f: Callable, primals: Sequence, tangents: Sequence) -> Any:
    """The Hessian of ``f`` times a vector, ``H v``, without building ``H``: the forward
    derivative of the gradient along ``v`` (one reverse and one forward pass).

    >>> gl.hvp(lambda x: np.sum(x**3), (np.array([1.0, 2.0]),), (np.array([1.0, 0.0]),))
    array([6., 0.])
    """
    n = len(primals)
    return jvp(grad(f, tuple(range(n)) if n > 1 else 0), primals, tangents)[1]
