"""numpy's functions, written with gradlab ops, for code that calls ``np.sum(t)``.

Each function here has numpy's name and signature and builds graph nodes from the
ops of :mod:`gradlab.core`. :mod:`gradlab.frontend.numpy_api` hands them the calls
numpy passes on (``__array_function__``), so ``np.dot(W, x)`` or
``np.concatenate([a, b])`` on tensors builds a graph whose gradient gradlab knows.

Many of these functions need the *static* shape of their input (how many axes,
and sometimes their sizes), because they decide at build time which elements go
where. Inside ``gl.grad`` shapes are always known; a TF1 placeholder made with
``shape=None`` is not, and such a call says so.
"""

from __future__ import annotations

import builtins
import math
from typing import Any, Sequence

import numpy as np

from ..core import array_ops as ax
from ..core.errors import ShapeError
from ..core.graph import Tensor
from ..core.ops import (abs, as_tensor, cast, constant, greater, less, log, matmul, ones_like, sign, sin, reduce_mean, reduce_sum, reshape, size, sqrt,
                        transpose, where, zeros_like)
from ..core.ops import where as select
from ..core.simplify import apply

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


class Unsupported(TypeError):
    """A numpy function or argument that gradlab does not (yet) build nodes for."""


def _refuse(what: str, why: str = "") -> Unsupported:
    return Unsupported(f"{what} is not supported on gradlab tensors yet{': ' + why if why else ''}")


def _no_extras(name: str, **extras: Any) -> None:
    """Refuse numpy arguments that change the meaning (out=, dtype=, where=...)."""
    for key, value in extras.items():
        if value is not None and value is not np._NoValue:
            raise _refuse(f"np.{name}(..., {key}=...)")


def _shape(t: Tensor, what: str) -> tuple:
    if t.shape is None or None in t.shape:
        raise ShapeError(f"{what} needs the full shape of '{t.name}', which is not known when "
                         f"the graph is built (shape {t.shape}); give the placeholder a shape")
    return t.shape


def _ndim(t: Tensor, what: str) -> int:
    if t.shape is None:
        raise ShapeError(f"{what} needs the number of axes of '{t.name}', which is not known "
                         "when the graph is built; give the placeholder a shape")
    return len(t.shape)


def _axis(axis: Any, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ShapeError(f"axis {axis} is out of range for {ndim} dimension(s)")
    return axis % ndim


# -- reductions ---------------------------------------------------------------

def sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
        initial: Any = None, where: Any = None) -> Tensor:  # noqa: A001
    _no_extras("sum", dtype=dtype, out=out, initial=initial, where=where)
    return reduce_sum(a, axis, keepdims)


def any_(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, *,
         where: Any = None) -> Tensor:
    _no_extras("any", out=out, where=where)
    return ax.reduce_any(a, axis, keepdims)


def all_(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, *,
         where: Any = None) -> Tensor:
    _no_extras("all", out=out, where=where)
    return ax.reduce_all(a, axis, keepdims)


def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
         *, where: Any = None) -> Tensor:
    _no_extras("mean", dtype=dtype, out=out, where=where)
    return reduce_mean(a, axis, keepdims)


def prod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
         initial: Any = None, where: Any = None) -> Tensor:
    _no_extras("prod", dtype=dtype, out=out, initial=initial, where=where)
    return ax.reduce_prod(a, axis, keepdims)


def max(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, initial: Any = None,
        where: Any = None) -> Tensor:  # noqa: A001
    _no_extras("max", out=out, initial=initial, where=where)
    return ax.reduce_max(a, axis, keepdims)


def min(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, initial: Any = None,
        where: Any = None) -> Tensor:  # noqa: A001
    _no_extras("min", out=out, initial=initial, where=where)
    return ax.reduce_min(a, axis, keepdims)


def var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
        keepdims: bool = False, *, where: Any = None, mean: Any = None,
        correction: Any = None) -> Tensor:
    """The mean squared deviation from the mean, divided by ``n - ddof`` instead of n."""
    _no_extras("var", dtype=dtype, out=out, where=where, mean=mean, correction=correction)
    a = as_tensor(a)
    centre = reduce_mean(a, axis, keepdims=True)
    squares = reduce_mean((a - centre) ** 2, axis, keepdims)
    if ddof == 0:
        return squares
    n = size(a) / size(centre)  # the number of values in each mean
    return squares * (n / (n - ddof))


def std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
        keepdims: bool = False, *, where: Any = None, mean: Any = None,
        correction: Any = None) -> Tensor:
    """The square root of :func:`var`. Where all values are equal (one value, say) the
    std is 0 and flat to first order; its gradient is 0 there, not sqrt's infinity
    times 0. The double ``where`` keeps the infinity out of the unused branch too."""
    _no_extras("std", dtype=dtype, out=out, where=where, mean=mean, correction=correction)
    v = var(a, axis, ddof=ddof, keepdims=keepdims)
    spread = greater(v, 0.0)
    return select(spread, sqrt(select(spread, v, 1.0)), 0.0)  # (where= is an argument)


def cumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Tensor:
    _no_extras("cumsum", dtype=dtype, out=out)
    a = as_tensor(a)
    if axis is None:
        return ax.cumsum(ravel(a), 0)
    return ax.cumsum(a, int(axis))


# -- products -------------------------------------------------------------------

def _explicit(spec: str, ndims: list[int]) -> tuple[list[str], str]:
    """Write an einsum spec out in full: ``...`` becomes letters, and an implicit output
    (no ``->``) becomes the letters used once, in alphabetical order, as numpy does."""
    spec = spec.replace(" ", "")
    inputs, arrow, output = spec.partition("->")
    operands = inputs.split(",")
    if len(operands) != len(ndims):
        raise ValueError(f"einsum '{spec}' names {len(operands)} operand(s), got {len(ndims)}")
    used = set(spec)
    spare = [c for c in _LETTERS if c not in used]
    widest = 0
    for letters, ndim in zip(operands, ndims):
        if "..." in letters:
            widest = builtins.max(widest, ndim - (len(letters) - 3))
    ellipsis = "".join(spare[:widest])
    full = []
    for letters, ndim in zip(operands, ndims):
        if "..." in letters:
            n = ndim - (len(letters) - 3)
            letters = letters.replace("...", ellipsis[widest - n:] if n else "")
        if len(letters) != ndim or not letters.isalpha() and letters:
            raise ShapeError(f"einsum '{spec}': operand '{letters}' does not fit {ndim} axes")
        full.append(letters)
    if not arrow:
        counts = {c: "".join(full).count(c) for c in "".join(full)}
        output = ellipsis + "".join(sorted(c for c, k in counts.items()
                                           if k == 1 and c not in ellipsis))
    else:
        output = output.replace("...", ellipsis)
    return full, output


def _distinct(t: Tensor, letters: str) -> tuple[Tensor, str]:
    """Take diagonals until no letter repeats in ``letters`` ('ii' -> 'i')."""
    while len(set(letters)) < len(letters):
        c = next(c for c in letters if letters.count(c) > 1)
        first = letters.index(c)
        second = letters.index(c, first + 1)
        t = diagonal(t, 0, first, second)  # moves the diagonal to the last axis
        letters = "".join(ch for i, ch in enumerate(letters) if i not in (first, second)) + c
    return t, letters


def _reduce_to(t: Tensor, letters: str, keep: str) -> tuple[Tensor, str]:
    """Sum away the letters of ``t`` not in ``keep``."""
    gone = tuple(i for i, c in enumerate(letters) if c not in keep)
    if gone:
        t = reduce_sum(t, gone)
        letters = "".join(c for c in letters if c in keep)
    return t, letters


def _arrange(t: Tensor, letters: str, output: str) -> Tensor:
    if letters == output:
        return t
    return transpose(t, [letters.index(c) for c in output])


def einsum(subscripts: str, *operands: Any, out: Any = None, optimize: Any = False,
           **kwargs: Any) -> Tensor:
    """Products summed over named axes, as in ``np.einsum("ij,jk->ik", a, b)``.

    Operands are contracted two at a time with the op ``Einsum``; a letter repeated
    inside one operand takes its diagonal first; letters that occur once are
    summed away early."""
    _no_extras("einsum", out=out, **kwargs)
    if not isinstance(subscripts, str):  # einsum(a, [0, 1], b, [1, 2], [0, 2])
        subscripts, operands = _sublist_spec((subscripts,) + operands)
    tensors = [as_tensor(t) for t in operands]
    letters, output = _explicit(subscripts, [_ndim(t, "np.einsum") for t in tensors])
    if len(set(output)) < len(output) or any(c not in "".join(letters) for c in output):
        raise ShapeError(f"einsum '{subscripts}': bad output '{output}'")
    pairs = [_distinct(t, s) for t, s in zip(tensors, letters)]
    # letters needed later: by the output or by another operand
    def needed(skip: int) -> str:
        return output + "".join(s for i, (_, s) in enumerate(pairs) if i != skip)

    pairs = [_reduce_to(t, s, needed(i)) for i, (t, s) in enumerate(pairs)]
    acc, acc_letters = pairs[0]
    for i, (t, s) in enumerate(pairs[1:], start=1):
        rest = output + "".join(s2 for _, s2 in pairs[i + 1:])
        keep = "".join(dict.fromkeys(c for c in acc_letters + s if c in rest))
        acc = ax.einsum2(f"{acc_letters},{s}->{keep}", acc, t)
        acc_letters = keep
    acc, acc_letters = _reduce_to(acc, acc_letters, output)
    return _arrange(acc, acc_letters, output)


def _sublist_spec(args: tuple) -> tuple[str, tuple]:
    """einsum's other form, operands each followed by a list of axis numbers, as a string."""
    def letters(sub: Sequence) -> str:
        return "".join("..." if s is Ellipsis else _LETTERS[int(s)] for s in sub)

    pairs, output = len(args) // 2, None
    if len(args) % 2:  # a last list alone is the output
        output = letters(args[-1])
    operands = tuple(args[2 * i] for i in range(pairs))
    spec = ",".join(letters(args[2 * i + 1]) for i in range(pairs))
    return spec + ("" if output is None else "->" + output), operands


def dot(a: Any, b: Any, out: Any = None) -> Tensor:
    """``np.dot``: a product for scalars, the matrix product for vectors and matrices,
    and for more axes a sum over the last axis of ``a`` and the second-to-last of ``b``."""
    _no_extras("dot", out=out)
    a, b = as_tensor(a), as_tensor(b)
    na, nb = _ndim(a, "np.dot"), _ndim(b, "np.dot")
    if na == 0 or nb == 0:
        return a * b
    if na <= 2 and nb <= 2:
        return matmul(a, b)
    la = _LETTERS[:na]
    lb = _LETTERS[na:na + nb]
    k = la[-1]
    lb = lb[:-2] + k + lb[-1] if nb >= 2 else k
    return einsum(f"{la},{lb}->{la[:-1] + lb.replace(k, '')}", a, b)


def vdot(a: Any, b: Any) -> Tensor:
    """The sum of the elementwise product of ``a`` and ``b``, both flattened."""
    return reduce_sum(ravel(a) * ravel(b))


def inner(a: Any, b: Any) -> Tensor:
    """Sums over the last axes of ``a`` and ``b``: ``inner(a, b)[i, j] = sum a[i, :] * b[j, :]``."""
    a, b = as_tensor(a), as_tensor(b)
    na, nb = _ndim(a, "np.inner"), _ndim(b, "np.inner")
    if na == 0 or nb == 0:
        return a * b
    la, lb = _LETTERS[:na - 1], _LETTERS[na - 1:na + nb - 2]
    return einsum(f"{la}z,{lb}z->{la + lb}", a, b)


def outer(a: Any, b: Any, out: Any = None) -> Tensor:
    """``outer(a, b)[i, j] = a[i] * b[j]`` (both flattened first)."""
    _no_extras("outer", out=out)
    return expand_dims(ravel(a), 1) * expand_dims(ravel(b), 0)


def tensordot(a: Any, b: Any, axes: Any = 2) -> Tensor:
    """Sum over the given axes of ``a`` and ``b`` (the last ``axes`` of a with the first
    of b when ``axes`` is a number)."""
    a, b = as_tensor(a), as_tensor(b)
    na, nb = _ndim(a, "np.tensordot"), _ndim(b, "np.tensordot")
    if isinstance(axes, (int, np.integer)):
        axes_a, axes_b = list(range(na - axes, na)), list(range(int(axes)))
    else:
        axes_a, axes_b = ([int(i)] if np.ndim(i) == 0 else [int(j) for j in i] for i in axes)
    axes_a = [_axis(i, na) for i in axes_a]
    axes_b = [_axis(i, nb) for i in axes_b]
    if len(axes_a) != len(axes_b):
        raise ShapeError(f"tensordot: {len(axes_a)} axes of a against {len(axes_b)} of b")
    la = list(_LETTERS[:na])
    lb = list(_LETTERS[na:na + nb])
    for i, j in zip(axes_a, axes_b):
        lb[j] = la[i]
    result = [c for i, c in enumerate(la) if i not in axes_a] + \
             [c for j, c in enumerate(lb) if j not in axes_b]
    return einsum(f"{''.join(la)},{''.join(lb)}->{''.join(result)}", a, b)


# -- shapes -----------------------------------------------------------------------

def _reshape(a: Any, newshape: Any = None, order: str = "C", *, shape: Any = None,
             copy: Any = None) -> Tensor:
    if order != "C":
        raise _refuse(f"np.reshape(..., order={order!r})", "only order='C' is")
    target = shape if shape is not None else newshape
    target = (target,) if isinstance(target, (int, np.integer)) else tuple(target)
    return reshape(a, target)


def ravel(a: Any, order: str = "C") -> Tensor:
    if order != "C":
        raise _refuse(f"np.ravel(..., order={order!r})", "only order='C' is")
    return reshape(a, (-1,))


def _transpose(a: Any, axes: Any = None) -> Tensor:
    return transpose(a, axes)


def swapaxes(a: Any, axis1: int, axis2: int) -> Tensor:
    a = as_tensor(a)
    n = _ndim(a, "np.swapaxes")
    perm = list(range(n))
    i, j = _axis(axis1, n), _axis(axis2, n)
    perm[i], perm[j] = perm[j], perm[i]
    return transpose(a, perm)


def moveaxis(a: Any, source: Any, destination: Any) -> Tensor:
    a = as_tensor(a)
    n = _ndim(a, "np.moveaxis")
    source = [_axis(s, n) for s in np.atleast_1d(source).tolist()]
    destination = [_axis(d, n) for d in np.atleast_1d(destination).tolist()]
    order = [i for i in range(n) if i not in source]
    for d, s in sorted(zip(destination, source)):
        order.insert(d, s)
    return transpose(a, order)


def squeeze(a: Any, axis: Any = None) -> Tensor:
    return ax.squeeze(a, axis)


def expand_dims(a: Any, axis: Any) -> Tensor:
    axis = int(axis) if np.ndim(axis) == 0 else tuple(int(i) for i in axis)
    return apply("ExpandDims", a, axis=axis)


def broadcast_to(array: Any, shape: Any, subok: bool = False) -> Tensor:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return ax.broadcast_to(array, shape)


def _join(tensors: list[Tensor], axis: int) -> Tensor:
    return ax.concat_all(tensors, axis)


def _sequence(arrays: Any, name: str) -> list[Tensor]:
    if isinstance(arrays, Tensor):  # as numpy does: a sequence of its rows
        arrays = list(arrays)
    tensors = [as_tensor(t) for t in arrays]
    if not tensors:
        raise ValueError(f"np.{name} needs at least one array")
    return tensors


def concatenate(arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None,
                casting: str = "same_kind") -> Tensor:
    _no_extras("concatenate", out=out, dtype=dtype)
    tensors = _sequence(arrays, "concatenate")
    if axis is None:
        return _join([ravel(t) for t in tensors], 0)
    return _join(tensors, int(axis))


def stack(arrays: Any, axis: int = 0, out: Any = None, *, dtype: Any = None,
          casting: str = "same_kind") -> Tensor:
    _no_extras("stack", out=out, dtype=dtype)
    tensors = _sequence(arrays, "stack")
    return _join([expand_dims(t, axis) for t in tensors], int(axis))


def _at_least(t: Tensor, ndim: int) -> Tensor:
    n = _ndim(t, "np.hstack / np.vstack")
    if n >= ndim:
        return t
    return reshape(t, (1,) * (ndim - n) + _shape(t, "np.vstack"))


def hstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Tensor:
    _no_extras("hstack", dtype=dtype)
    tensors = [_at_least(t, 1) for t in _sequence(tup, "hstack")]
    return _join(tensors, 0 if len(tensors[0].shape) == 1 else 1)


def vstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Tensor:
    _no_extras("vstack", dtype=dtype)
    return _join([_at_least(t, 2) for t in _sequence(tup, "vstack")], 0)


def _size_along(t: Tensor, axis: int, what: str) -> tuple[int, int]:
    """``axis`` (made non-negative) and the size of ``t`` along it, which must be known."""
    axis = _axis(axis, _ndim(t, what))
    if t.shape[axis] is None:
        _shape(t, what)  # the error: that size is not known
    return axis, t.shape[axis]


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    t = as_tensor(ary)
    axis, n = _size_along(t, axis, "np.split")
    pieces = np.array_split(np.arange(n), indices_or_sections)
    bounds = [(int(p[0]), int(p[-1]) + 1) if p.size else (0, 0) for p in pieces]
    if not isinstance(indices_or_sections, (int, np.integer)):  # split points given
        points = [0] + [builtins.max(0, i if i >= 0 else n + i) for i in indices_or_sections] + [n]
        bounds = [(points[i], builtins.max(points[i], points[i + 1])) for i in range(len(points) - 1)]
    return [ax.getitem(t, ax.along(axis, slice(lo, hi))) for lo, hi in bounds]


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list[Tensor]:
    t = as_tensor(ary)
    if isinstance(indices_or_sections, (int, np.integer)):
        _, n = _size_along(t, axis, "np.split")
        if n % indices_or_sections:
            raise ValueError(f"array split does not result in an equal division: {n} into "
                             f"{indices_or_sections}")
    return array_split(t, indices_or_sections, axis)


def repeat(a: Any, repeats: Any, axis: Any = None) -> Tensor:
    t = as_tensor(a)
    if axis is None:
        t, axis = ravel(t), 0
    axis, n = _size_along(t, axis, "np.repeat")
    return ax.getitem(t, ax.along(axis, np.repeat(np.arange(n), repeats)))


def tile(A: Any, reps: Any) -> Tensor:
    t = as_tensor(A)
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    shape = _shape(t, "np.tile")
    if len(reps) > len(shape):
        shape = (1,) * (len(reps) - len(shape)) + shape
        t = reshape(t, shape)
    reps = (1,) * (len(shape) - len(reps)) + reps
    picks = [np.tile(np.arange(n), r) for n, r in zip(shape, reps)]
    return ax.getitem(t, np.ix_(*picks)) if picks else t


def append(arr: Any, values: Any, axis: Any = None) -> Tensor:
    if axis is None:
        return ax.concat(ravel(arr), ravel(values), 0)
    return ax.concat(arr, values, int(axis))


def flip(m: Any, axis: Any = None) -> Tensor:
    t = as_tensor(m)
    n = _ndim(t, "np.flip")
    axes = range(n) if axis is None else [_axis(a, n) for a in np.atleast_1d(axis).tolist()]
    index = tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(n))
    return ax.getitem(t, index)


def roll(a: Any, shift: Any, axis: Any = None) -> Tensor:
    t = as_tensor(a)
    if axis is None:
        shape = _shape(t, "np.roll")
        return reshape(roll(ravel(t), shift, 0), shape)
    shifts, axes = np.broadcast_arrays(np.atleast_1d(shift), np.atleast_1d(axis))
    for s, k in zip(shifts.tolist(), axes.tolist()):
        k, n = _size_along(t, k, "np.roll")
        t = ax.getitem(t, ax.along(k, (np.arange(n) - s) % n))
    return t


# -- selection, matrices, norms ------------------------------------------------------

def _where(condition: Any, x: Any = None, y: Any = None) -> Tensor:
    if x is None or y is None:
        raise _refuse("np.where(condition) with one argument (the positions)",
                      "use np.where(condition, a, b)")
    return where(condition, x, y)


def clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, *, min: Any = None,
         max: Any = None, **kwargs: Any) -> Tensor:  # noqa: A002
    """``a`` held inside [a_min, a_max]. The gradient is 1 inside and on the bounds,
    0 where a bound holds the value."""
    _no_extras("clip", out=out, **kwargs)
    low = a_min if a_min is not None else min
    high = a_max if a_max is not None else max
    t = as_tensor(a)
    if low is not None:
        t = where(less(t, low), low + zeros_like(t), t)
    if high is not None:
        t = where(greater(t, high), high + zeros_like(t), t)
    return t


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """The diagonal of axes ``axis1`` and ``axis2``, which becomes the last axis."""
    t = as_tensor(a)
    shape = _shape(t, "np.diagonal")
    n = len(shape)
    i, j = _axis(axis1, n), _axis(axis2, n)
    if i == j:
        raise ValueError("axis1 and axis2 cannot be the same")
    rest = [k for k in range(n) if k not in (i, j)]
    t = transpose(t, rest + [i, j])
    rows, cols = shape[i], shape[j]
    start_r, start_c = (0, offset) if offset >= 0 else (-offset, 0)
    length = builtins.max(0, builtins.min(rows - start_r, cols - start_c))
    r = np.arange(start_r, start_r + length)
    return ax.getitem(t, (Ellipsis, r, r - start_r + start_c))


def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
          out: Any = None) -> Tensor:
    _no_extras("trace", dtype=dtype, out=out)
    return reduce_sum(diagonal(a, offset, axis1, axis2), -1)


def diag(v: Any, k: int = 0) -> Tensor:
    """The diagonal of a matrix, or a matrix with the vector ``v`` on diagonal ``k``."""
    t = as_tensor(v)
    shape = _shape(t, "np.diag")
    if len(shape) == 2:
        return diagonal(t, k)
    if len(shape) != 1:
        raise ValueError("np.diag takes a vector or a matrix")
    n = shape[0] + (k if k >= 0 else -k)
    r = np.arange(shape[0])
    rows, cols = (r, r + k) if k >= 0 else (r - k, r)
    return ax.index_add(t, constant(np.zeros((n, n), dtype=t.dtype)), (rows, cols))


def _triangle(m: Any, k: int, lower: bool) -> Tensor:
    t = as_tensor(m)
    shape = _shape(t, "np.tril / np.triu")
    if len(shape) < 2:
        raise ValueError("np.tril and np.triu take arrays of at least 2 dimensions")
    return where(ax.tri_mask(shape, int(k), lower), t, 0.0)


def tril(m: Any, k: int = 0) -> Tensor:
    return _triangle(m, k, lower=True)


def triu(m: Any, k: int = 0) -> Tensor:
    return _triangle(m, k, lower=False)


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, *,
         stable: Any = None) -> Tensor:
    _no_extras("sort", order=order)
    t = as_tensor(a)
    if axis is None:
        return ax.sort(ravel(t), 0)
    return ax.sort(t, int(axis))


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Tensor:  # noqa: A002
    """``np.linalg.norm`` for vectors (any p, inf, -inf) and matrices ('fro', 1, inf)."""
    t = as_tensor(x)
    if axis is not None and np.ndim(axis) == 0:
        axis = (int(axis),)
    elif axis is not None:
        axis = tuple(int(a) for a in axis)
    matrix = (axis is not None and len(axis) == 2) or (axis is None and ord is not None
                                                       and _ndim(t, "np.linalg.norm") == 2)
    if ord is None or (matrix and ord == "fro") or (not matrix and ord == 2):
        return sqrt(reduce_sum(t * t, axis, keepdims))
    if matrix:
        axes = axis if axis is not None else (0, 1)
        rows, cols = axes
        if ord in (1, -1):  # largest (smallest) column sum of |x|
            sums = reduce_sum(abs(t), rows, keepdims=True)
            pick = ax.reduce_max if ord == 1 else ax.reduce_min
            return _drop(pick(sums, cols, keepdims=True), axes, keepdims)
        if ord in (math.inf, -math.inf):
            sums = reduce_sum(abs(t), cols, keepdims=True)
            pick = ax.reduce_max if ord > 0 else ax.reduce_min
            return _drop(pick(sums, rows, keepdims=True), axes, keepdims)
        raise _refuse(f"np.linalg.norm(..., ord={ord!r}) of a matrix", "it needs singular values")
    if ord == math.inf:
        return ax.reduce_max(abs(t), axis, keepdims)
    if ord == -math.inf:
        return ax.reduce_min(abs(t), axis, keepdims)
    if ord == 0:
        return reduce_sum(cast(t != 0.0, t.dtype), axis, keepdims)
    if ord == 1:
        return reduce_sum(abs(t), axis, keepdims)
    return reduce_sum(abs(t) ** ord, axis, keepdims) ** (1.0 / ord)


def _drop(t: Tensor, axes: tuple, keepdims: bool) -> Tensor:
    return t if keepdims else ax.squeeze(t, axes)


def zeros_like_(a: Any, dtype: Any = None, order: Any = None, subok: Any = None,
                shape: Any = None, *, device: Any = None) -> Tensor:
    _no_extras("zeros_like", order=order, shape=shape)
    t = zeros_like(a)
    return t if dtype is None else cast(t, dtype)


def ones_like_(a: Any, dtype: Any = None, order: Any = None, subok: Any = None,
               shape: Any = None, *, device: Any = None) -> Tensor:
    _no_extras("ones_like", order=order, shape=shape)
    t = ones_like(a)
    return t if dtype is None else cast(t, dtype)


def full_like(a: Any, fill_value: Any, dtype: Any = None, order: Any = None, subok: Any = None,
              shape: Any = None, *, device: Any = None) -> Tensor:
    _no_extras("full_like", order=order, shape=shape)
    t = zeros_like(a) + fill_value
    return cast(t, dtype if dtype is not None else as_tensor(a).dtype)


def shape(a: Any) -> tuple:
    t = as_tensor(a)
    if t.shape is None or None in t.shape:
        raise ShapeError(f"the shape of '{t.name}' is not known until the graph runs")
    return t.shape


def ndim(a: Any) -> int:
    return _ndim(as_tensor(a), "np.ndim")


def size_(a: Any, axis: Any = None) -> int:
    s = shape(a)
    return math.prod(s) if axis is None else s[axis]


def linalg_inv(a: Any) -> Tensor:
    return ax.inv(a)


def linalg_det(a: Any) -> Tensor:
    return ax.det(a)


# -- more arrangements ----------------------------------------------------------------

def flipud(m: Any) -> Tensor:
    return flip(m, 0)


def fliplr(m: Any) -> Tensor:
    return flip(m, 1)


def rot90(m: Any, k: int = 1, axes: Sequence[int] = (0, 1)) -> Tensor:
    """Turn by 90 degrees ``k`` times, from the first axis of ``axes`` towards the second."""
    first, second = axes
    k %= 4
    if k == 0:
        return as_tensor(m)
    if k == 2:
        return flip(flip(m, first), second)
    if k == 1:
        return swapaxes(flip(m, second), first, second)
    return flip(swapaxes(m, first, second), second)


def _at_least_nd(ndim: int, arrays: tuple) -> Any:
    out = []
    for a in arrays:
        t = as_tensor(a)
        shape = _shape(t, f"np.atleast_{ndim}d")
        if len(shape) < ndim:
            if ndim == 3 and len(shape) == 1:
                shape = (1,) + shape + (1,)
            elif ndim == 3 and len(shape) == 2:
                shape = shape + (1,)
            else:
                shape = (1,) * (ndim - len(shape)) + shape
            t = reshape(t, shape)
        out.append(t)
    return out[0] if len(out) == 1 else out


def atleast_1d(*arys: Any) -> Any:
    return _at_least_nd(1, arys)


def atleast_2d(*arys: Any) -> Any:
    return _at_least_nd(2, arys)


def atleast_3d(*arys: Any) -> Any:
    return _at_least_nd(3, arys)


def column_stack(tup: Any) -> Tensor:
    columns = []
    for t in _sequence(tup, "column_stack"):
        columns.append(reshape(t, _shape(t, "np.column_stack") + (1,)) if _ndim(t, "np.column_stack") < 2 else t)
    return _join(columns, 1)


def dstack(tup: Any) -> Tensor:
    return _join([_at_least_nd(3, (t,)) for t in _sequence(tup, "dstack")], 2)


def hsplit(ary: Any, indices_or_sections: Any) -> list[Tensor]:
    t = as_tensor(ary)
    return split(t, indices_or_sections, 1 if _ndim(t, "np.hsplit") > 1 else 0)


def vsplit(ary: Any, indices_or_sections: Any) -> list[Tensor]:
    return split(ary, indices_or_sections, 0)


def dsplit(ary: Any, indices_or_sections: Any) -> list[Tensor]:
    return split(ary, indices_or_sections, 2)


def rollaxis(a: Any, axis: int, start: int = 0) -> Tensor:
    t = as_tensor(a)
    n = _ndim(t, "np.rollaxis")
    axis, start = _axis(axis, n), (start + n if start < 0 else start)
    if start > axis:
        start -= 1
    return moveaxis(t, axis, start) if axis != start else t


def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = np._NoValue,
         append: Any = np._NoValue) -> Tensor:
    """Differences of neighbours along ``axis``, ``n`` times."""
    t = as_tensor(a)
    if prepend is not np._NoValue:
        t = ax.concat(broadcast_to(prepend, _with_size(t, axis, 1)), t, axis)
    if append is not np._NoValue:
        t = ax.concat(t, broadcast_to(append, _with_size(t, axis, 1)), axis)
    for _ in range(n):
        t = ax.getitem(t, ax.along(axis, slice(1, None))) - ax.getitem(t, ax.along(axis, slice(None, -1)))
    return t


def _with_size(t: Tensor, axis: int, size: int) -> tuple:
    shape = list(_shape(t, "np.diff"))
    shape[axis] = size
    return tuple(shape)


def kron(a: Any, b: Any) -> Tensor:
    """The Kronecker product: every element of ``a`` times the whole of ``b``."""
    a, b = as_tensor(a), as_tensor(b)
    sa, sb = _shape(a, "np.kron"), _shape(b, "np.kron")
    n = builtins.max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    wide_a = reshape(a, tuple(d for size in sa for d in (size, 1)))
    wide_b = reshape(b, tuple(d for size in sb for d in (1, size)))
    return reshape(wide_a * wide_b, tuple(x * y for x, y in zip(sa, sb)))


def cross(a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: Any = None) -> Tensor:
    """The cross product of 3-vectors along the last axis."""
    if axis is not None or (axisa, axisb, axisc) != (-1, -1, -1):
        raise _refuse("np.cross with axis arguments", "vectors must lie along the last axis")
    a, b = as_tensor(a), as_tensor(b)
    n = _shape(a, "np.cross")[-1]

    def part(t: Tensor, i: int) -> Tensor:
        return ax.getitem(t, (Ellipsis, i))

    if n != 3 or _shape(b, "np.cross")[-1] != 3:
        raise ValueError("np.cross on tensors needs vectors of length 3 along the last axis")
    return stack([part(a, 1) * part(b, 2) - part(a, 2) * part(b, 1),
                  part(a, 2) * part(b, 0) - part(a, 0) * part(b, 2),
                  part(a, 0) * part(b, 1) - part(a, 1) * part(b, 0)], axis=-1)


def pad(array: Any, pad_width: Any, mode: str = "constant", constant_values: Any = 0,
        **kwargs: Any) -> Tensor:
    """Padding with a constant (``mode="constant"``, the default)."""
    if mode != "constant" or kwargs:
        raise _refuse(f"np.pad(..., mode={mode!r})", "only mode='constant' is")
    t = as_tensor(array)
    shape = _shape(t, "np.pad")
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (len(shape), 2))
    padded = tuple(int(d + lo + hi) for d, (lo, hi) in zip(shape, widths))
    inside = tuple(slice(int(lo), int(lo) + d) for d, (lo, _) in zip(shape, widths))
    result = ax.index_add(t, constant(np.zeros(padded, dtype=t.dtype)), inside)
    if np.any(np.asarray(constant_values) != 0):
        border = np.pad(np.zeros(shape), pad_width, constant_values=constant_values)
        result = result + constant(border.astype(t.dtype))
    return result


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: Any = None, axis: int = 0) -> Any:
    """``num`` evenly spaced values from ``start`` to ``stop``; either end may be a tensor."""
    if axis != 0 or dtype is not None:
        raise _refuse("np.linspace(..., axis= or dtype=)")
    steps = np.linspace(0.0, 1.0, num, endpoint=endpoint)
    start, stop = as_tensor(start), as_tensor(stop)
    extra = _ndim(start, "np.linspace")
    fractions = constant(steps.reshape((num,) + (1,) * extra))
    values = start + (stop - start) * fractions
    return (values, (stop - start) / (num - 1 if endpoint else num)) if retstep else values


def sinc(x: Any) -> Tensor:
    """sin(pi x) / (pi x), which is 1 at 0 (a double where keeps 0/0 out of the gradient)."""
    t = as_tensor(x)
    zero = t == 0.0
    safe = select(zero, 1.0, t) * math.pi
    return select(zero, 1.0, sin(safe) / safe)


def nan_to_num(x: Any, copy: bool = True, nan: float = 0.0, posinf: Any = None,
               neginf: Any = None) -> Tensor:
    t = as_tensor(x)
    big = np.finfo(t.dtype).max
    t = select(t != t, nan, t)  # nan is the one value not equal to itself
    t = select(t == math.inf, big if posinf is None else posinf, t)
    return select(t == -math.inf, -big if neginf is None else neginf, t)


def select_(condlist: Sequence, choicelist: Sequence, default: Any = 0) -> Tensor:
    """The first choice whose condition holds, elementwise; ``default`` where none does."""
    result = as_tensor(default)
    for condition, choice in reversed(list(zip(condlist, choicelist))):
        result = select(condition, choice, result)
    return result


def slogdet(a: Any) -> tuple[Tensor, Tensor]:
    """``(sign, log|det a|)``; the gradient of the second part is ``a^-T``."""
    d = ax.det(a)
    return sign(d), log(abs(d))


def real(val: Any) -> Tensor:
    return as_tensor(val)  # gradlab's numbers are real


def imag(val: Any) -> Tensor:
    return zeros_like(val)


IMPLEMENTATIONS: dict[Any, Any] = {
    np.sum: sum, np.any: any_, np.all: all_, np.mean: mean, np.prod: prod, np.max: max, np.min: min, np.amax: max,
    np.amin: min, np.var: var, np.std: std, np.cumsum: cumsum,
    np.dot: dot, np.vdot: vdot, np.inner: inner, np.outer: outer, np.tensordot: tensordot,
    np.einsum: einsum,
    np.transpose: _transpose, np.swapaxes: swapaxes, np.moveaxis: moveaxis, np.reshape: _reshape,
    np.ravel: ravel, np.squeeze: squeeze, np.expand_dims: expand_dims,
    np.broadcast_to: broadcast_to, np.concatenate: concatenate, np.stack: stack,
    np.hstack: hstack, np.vstack: vstack, np.split: split, np.array_split: array_split,
    np.repeat: repeat, np.tile: tile, np.append: append, np.flip: flip, np.roll: roll,
    np.where: _where, np.clip: clip, np.trace: trace, np.diag: diag, np.diagonal: diagonal,
    np.tril: tril, np.triu: triu, np.linalg.norm: norm, np.linalg.inv: linalg_inv,
    np.linalg.det: linalg_det, np.sort: sort, np.zeros_like: zeros_like_,
    np.ones_like: ones_like_, np.full_like: full_like, np.shape: shape, np.ndim: ndim,
    np.size: size_, np.flipud: flipud, np.fliplr: fliplr, np.rot90: rot90,
    np.atleast_1d: atleast_1d, np.atleast_2d: atleast_2d, np.atleast_3d: atleast_3d,
    np.column_stack: column_stack, np.dstack: dstack, np.hsplit: hsplit, np.vsplit: vsplit,
    np.dsplit: dsplit, np.rollaxis: rollaxis, np.diff: diff, np.kron: kron, np.cross: cross,
    np.pad: pad, np.linspace: linspace, np.sinc: sinc, np.nan_to_num: nan_to_num,
    np.select: select_, np.linalg.slogdet: slogdet, np.real: real, np.imag: imag,
}
"""numpy function -> the gradlab function that builds the same computation."""

if hasattr(np, "round"):  # np.round and np.around are functions (not ufuncs) in numpy 2
    from ..core.ops import round as _round

    IMPLEMENTATIONS[np.round] = lambda a, decimals=0, out=None: _round(a, decimals)
    IMPLEMENTATIONS[np.around] = IMPLEMENTATIONS[np.round]
