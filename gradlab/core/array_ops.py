"""Ops that pick, move and combine array elements, and products over named axes.

These rows join the op table of :mod:`gradlab.core.ops` and follow its rules: a
numpy forward, one gradient rule per input written with gradlab ops, a shape rule.
Several ops here come in pairs, each the other's gradient, so derivatives of any
order need nothing new:

* ``x[index]`` (GetItem) and "add g into zeros at ``index``" (IndexAdd). Repeated
  indices add up, which is what makes the gradient of ``x[[0, 0]]`` equal 2 at 0;
* joining two arrays (Concat) and taking one of the two parts back (ConcatPart);
* picking along an axis by a runtime permutation (TakeAlong, used by sort) and
  putting back (PutAlong).

``Einsum`` is the one product: ``dot``, ``tensordot``, ``inner`` and ``einsum``
itself (in :mod:`gradlab.frontend.numpy_functions`) are written with it. Its
gradient with respect to one operand is again an einsum, of the output's gradient
with the other operand.

The remaining reductions (``prod``, ``max``, ``min``, ``cumsum``) and the matrix
functions (``inv``, ``det``) are here too.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .errors import ShapeError
from .graph import Tensor
from .opdef import as_tensor, constant, defop
from .ops import (named, _norm_axes, _reduce_shape, _static, _unreduce, broadcast_like, equal, matmul,
                  matrix_transpose, reduce_sum, sum_to_like, where, zeros_like)
from .simplify import apply

# ---------------------------------------------------------------------------
# Indexing: x[index] and its gradient
# ---------------------------------------------------------------------------


def _index_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    shape = inputs[0].shape
    if shape is None or None in shape:
        return None, None
    try:  # index a zero-strided stand-in of that shape: no memory, numpy's own rules
        result = np.broadcast_to(np.empty((), np.int8), shape)[attrs["index"]].shape
    except IndexError as err:
        raise ShapeError(f"index {index_text(attrs['index'])} does not fit shape {shape}: {err}")
    return result, result


def _index_add(g: Any, like: Any, index: tuple) -> np.ndarray:
    out = np.zeros(np.shape(like), dtype=np.asarray(g).dtype)
    np.add.at(out, index, g)  # unlike out[index] += g, a repeated index adds every time
    return out


defop("GetItem", lambda x, index: np.array(x[index]),
      (lambda g, out, x, index: index_add(g, x, index),), shape=_index_shape,
      tangents=(lambda t, out, x, index: apply("GetItem", t, index=index),))
defop("IndexAdd", _index_add, (lambda g, out, r, like, index: getitem(g, index), None),
      tangents=(lambda t, out, r, like, index: index_add(t, like, index), None),
      shape=lambda inputs, attrs: (inputs[1].shape, inputs[1].skey), shape_inputs=(1,))


def index_text(index: tuple) -> str:
    """How ``index`` is written between brackets: ``[0, 1:, ...]``."""
    def one(item: Any) -> str:
        if isinstance(item, slice):
            parts = ["" if v is None else str(v) for v in (item.start, item.stop, item.step)]
            return ":".join(parts[:2] if item.step is None else parts)
        if item is Ellipsis:
            return "..."
        return "None" if item is None else np.array2string(np.asarray(item), threshold=6)

    return "[" + ", ".join(one(i) for i in index) + "]"


def normalize_index(index: Any) -> tuple:
    """``index`` as numpy would read it, as a tuple of ints, slices, ``None``, ``...``
    and integer arrays (a boolean mask becomes the integer arrays of its ``True``
    positions, which select the same elements)."""
    items = index if isinstance(index, tuple) else (index,)
    out: list[Any] = []
    for item in items:
        if isinstance(item, Tensor):
            raise TypeError("a tensor cannot be an index: the graph must know which elements it "
                            "picks. Index with numbers, slices or numpy arrays, or use gl.where")
        if item is None or item is Ellipsis or isinstance(item, slice):
            out.append(item)
        elif isinstance(item, (bool, np.bool_)):
            raise TypeError("a single True or False is not an index here; use a boolean array")
        elif isinstance(item, (int, np.integer)):
            out.append(int(item))
        else:
            array = np.asarray(item)
            if array.dtype == bool:
                out.extend(np.nonzero(array))
            elif array.dtype.kind in "iu":
                out.append(array.astype(np.intp))
            elif array.size == 0:
                out.append(array.astype(np.intp))
            else:
                raise TypeError(f"an index must hold integers or booleans, not {array.dtype}")
    return tuple(out)


def getitem(x: Any, index: Any) -> Tensor:
    """``x[index]`` with numpy's rules: ints, slices, ``None``, ``...``, integer arrays
    and boolean masks. The gradient adds ``g`` back at the picked positions."""
    return apply("GetItem", x, index=normalize_index(index))


def index_add(g: Any, like: Any, index: tuple) -> Tensor:
    """Zeros of ``like``'s shape with ``g`` added at ``index`` (the gradient of
    ``like[index]``); where an index repeats, its values add up."""
    return apply("IndexAdd", g, like, index=index)


def along(axis: int, item: Any) -> tuple:
    """An index that applies ``item`` to axis ``axis`` only (negative axes count from
    the end), such as ``along(-1, slice(None, None, -1))`` to reverse the last axis."""
    if axis >= 0:
        return (slice(None),) * axis + (item,)
    return (Ellipsis, item) + (slice(None),) * (-axis - 1)


# ---------------------------------------------------------------------------
# Joining two arrays along an axis, and taking a part back
# ---------------------------------------------------------------------------


def _concat_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    a, b = (t.shape for t in inputs)
    if a is None or b is None:
        return None, None
    axis = attrs["axis"]
    if len(a) != len(b) or not a:
        raise ShapeError(f"cannot join shapes {a} and {b}: they need the same number (>= 1) "
                         "of dimensions")
    axis = _norm_axes(axis, len(a))[0]
    shape = []
    for i, (da, db) in enumerate(zip(a, b)):
        if i == axis:
            shape.append(None if da is None or db is None else da + db)
        elif da is not None and db is not None and da != db:
            raise ShapeError(f"cannot join shapes {a} and {b} along axis {axis}")
        else:
            shape.append(da if da is not None else db)
    shape = tuple(shape)
    return shape, (shape if None not in shape else None)


def _concat_part(g: Any, a: Any, b: Any, axis: int, part: int) -> np.ndarray:
    n = np.shape(a)[axis]
    return np.array(np.asarray(g)[along(axis, slice(None, n) if part == 0 else slice(n, None))])


def _concat_part_rule(g: Tensor, out: Tensor, whole: Tensor, a: Tensor, b: Tensor,
                      axis: int, part: int) -> Tensor:
    return concat(g, zeros_like(b), axis) if part == 0 else concat(zeros_like(a), g, axis)


defop("Concat", lambda a, b, axis: np.concatenate([a, b], axis),
      (lambda g, out, a, b, axis: apply("ConcatPart", g, a, b, axis=axis, part=0),
       lambda g, out, a, b, axis: apply("ConcatPart", g, a, b, axis=axis, part=1)),
      tangents=(lambda t, out, a, b, axis: concat(t, zeros_like(b), axis),
                lambda t, out, a, b, axis: concat(zeros_like(a), t, axis)),
      shape=_concat_shape)
defop("ConcatPart", _concat_part, (_concat_part_rule, None, None),
      tangents=(lambda t, out, g, a, b, axis, part:
                apply("ConcatPart", t, a, b, axis=axis, part=part), None, None),
      shape=lambda inputs, attrs: (inputs[1 + attrs["part"]].shape, inputs[1 + attrs["part"]].skey),
      shape_inputs=(1, 2))


def concat(a: Any, b: Any, axis: int = 0) -> Tensor:
    """``a`` and ``b`` joined along ``axis`` (``np.concatenate([a, b], axis)``).

    Longer lists are joined two at a time; the gradient hands each input its own
    part of ``g``."""
    return apply("Concat", a, b, axis=int(axis))


def concat_all(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """All of ``tensors`` joined along ``axis``, as a balanced tree of two-way joins, so
    that each element is copied about log2(n) times, not up to n times as a
    left-to-right chain would."""
    if len(tensors) == 1:
        return as_tensor(tensors[0])
    half = len(tensors) // 2
    return concat(concat_all(tensors[:half], axis), concat_all(tensors[half:], axis), axis)


# ---------------------------------------------------------------------------
# Reductions beyond sum and mean
# ---------------------------------------------------------------------------


def _prod_partials(out: Tensor, x: Tensor, axis: Any) -> Tensor:
    # d/dx_i of prod(x) is the product of the *other* elements. Dividing out/x_i says
    # that in one step but fails at a zero, so zeros are counted: with no zero it is
    # out/x_i; with one zero only that element gets the product of the others; with
    # two or more zeros every such product holds a zero.
    zero = equal(x, 0.0)
    nonzero = where(zero, 1.0, x)
    others = broadcast_like(apply("Prod", nonzero, axis=axis, keepdims=True), x)
    zeros = broadcast_like(reduce_sum(where(zero, 1.0, 0.0), axis, keepdims=True), x)
    return where(equal(zeros, 0.0), others / nonzero,
                 where(equal(zeros, 1.0), where(zero, others, 0.0), 0.0))


def _extreme_partials(out: Tensor, x: Tensor, axis: Any) -> Tensor:
    # The result moves with the element(s) equal to it; a tie shares equally.
    full = out if out.attrs["keepdims"] or axis is None else apply("ExpandDims", out, axis=axis)
    hit = where(equal(x, broadcast_like(full, x)), 1.0, 0.0)
    count = broadcast_like(reduce_sum(hit, axis, keepdims=True), x)
    return hit / count


def _reduction_rules(partials: Any) -> tuple[tuple, tuple]:
    """Reverse and forward rules of a reduction whose partial derivatives (one per
    element of x, of x's shape) are ``partials(out, x, axis)``: reverse mode spreads g
    over the reduced axes and scales it; forward mode scales t and sums it."""
    def reverse(g: Tensor, out: Tensor, x: Tensor, axis: Any, keepdims: bool) -> Tensor:
        return _unreduce(g, x, axis, keepdims) * partials(out, x, axis)

    def forward(t: Tensor, out: Tensor, x: Tensor, axis: Any, keepdims: bool) -> Tensor:
        return reduce_sum(t * partials(out, x, axis), axis, keepdims)

    return (reverse,), (forward,)


for _name, _numpy, _partials in (("Prod", np.prod, _prod_partials), ("Max", np.max, _extreme_partials),
                                 ("Min", np.min, _extreme_partials)):
    _reverse, _forward = _reduction_rules(_partials)
    defop(_name, lambda x, axis, keepdims, _f=_numpy: _f(x, axis=axis, keepdims=keepdims),
          _reverse, tangents=_forward, shape=_static(_reduce_shape))


def _reduction(name: str, x: Any, axis: Any, keepdims: bool) -> Tensor:
    if axis is not None and not isinstance(axis, int):
        axis = tuple(int(a) for a in axis)
    return apply(name, x, axis=axis, keepdims=bool(keepdims))


def reduce_prod(x: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Product of elements over ``axis`` (all by default), like ``np.prod``."""
    return named(_reduction("Prod", x, axis, keepdims), name)


def reduce_max(x: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Largest element over ``axis``, like ``np.max``; tied maxima share the gradient."""
    return named(_reduction("Max", x, axis, keepdims), name)


def reduce_min(x: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Smallest element over ``axis``, like ``np.min``; tied minima share the gradient."""
    return named(_reduction("Min", x, axis, keepdims), name)


def _cumsum_rule(g: Tensor, out: Tensor, x: Tensor, axis: int) -> Tensor:
    # Element i is in every partial sum from i on, so its gradient sums g from i to
    # the end: a cumulative sum run backwards.
    backwards = along(axis, slice(None, None, -1))
    return getitem(cumsum(getitem(g, backwards), axis), backwards)


defop("Cumsum", lambda x, axis: np.cumsum(x, axis=axis), (_cumsum_rule,),
      tangents=(lambda t, out, x, axis: cumsum(t, axis),),
      shape=lambda inputs, attrs: (inputs[0].shape, inputs[0].skey))


def cumsum(x: Any, axis: int) -> Tensor:
    """Running sums along ``axis`` (``np.cumsum`` with an axis)."""
    return apply("Cumsum", x, axis=int(axis))


def _cast_reduction(name: str, numpy: Any) -> None:
    defop(name, lambda x, axis, keepdims: numpy(x, axis=axis, keepdims=keepdims),
          (None,), shape=_static(_reduce_shape), dtype=np.dtype(np.bool_))


_cast_reduction("Any", np.any)  # logical reductions: true or false, not differentiated
_cast_reduction("All", np.all)


def reduce_any(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """True where any element over ``axis`` is true (``np.any``)."""
    return _reduction("Any", x, axis, keepdims)


def reduce_all(x: Any, axis: Any = None, keepdims: bool = False) -> Tensor:
    """True where every element over ``axis`` is true (``np.all``)."""
    return _reduction("All", x, axis, keepdims)


def _arg_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    shape = _reduce_shape([inputs[0].shape], attrs["axis"], False)
    return shape, (shape if shape is not None and None not in shape else None)


defop("ArgMax", lambda x, axis: np.argmax(x, axis=axis), (None,), shape=_arg_shape,
      dtype=np.dtype(np.int64))
defop("ArgMin", lambda x, axis: np.argmin(x, axis=axis), (None,), shape=_arg_shape,
      dtype=np.dtype(np.int64))


def argmax(x: Any, axis: int | None = None) -> Tensor:
    """The position of the largest element along ``axis`` (an integer tensor)."""
    return apply("ArgMax", x, axis=None if axis is None else int(axis))


def argmin(x: Any, axis: int | None = None) -> Tensor:
    """The position of the smallest element along ``axis`` (an integer tensor)."""
    return apply("ArgMin", x, axis=None if axis is None else int(axis))


# ---------------------------------------------------------------------------
# Gathering rows by indices known only at run time (TF's gather, an embedding lookup)
# ---------------------------------------------------------------------------


def _gather_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    params, indices = inputs[0].shape, inputs[1].shape
    if params is None or indices is None:
        return None, None
    axis = _norm_axes(attrs["axis"], len(params))[0]
    shape = params[:axis] + indices + params[axis + 1:]
    return shape, (shape if None not in shape else None)


def _gather_add(g: Any, indices: Any, like: Any, axis: int) -> np.ndarray:
    out = np.zeros(np.shape(like), dtype=np.asarray(g).dtype)
    index = (slice(None),) * (axis % out.ndim) + (np.asarray(indices).astype(np.intp),)
    np.add.at(out, index, g)  # a row gathered twice gets both gradients
    return out


defop("Gather", lambda params, indices, axis: np.take(params, np.asarray(indices).astype(np.intp),
                                                      axis=axis),
      (lambda g, out, params, indices, axis: apply("GatherAdd", g, indices, params, axis=axis),
       None), shape=_gather_shape, choosers=(1,),
      tangents=(lambda t, out, params, indices, axis: apply("Gather", t, indices, axis=axis), None))
defop("GatherAdd", _gather_add,
      (lambda g, out, r, indices, like, axis: apply("Gather", g, indices, axis=axis), None, None),
      shape=lambda inputs, attrs: (inputs[2].shape, inputs[2].skey), shape_inputs=(2,),
      choosers=(1,), tangents=(lambda t, out, r, indices, like, axis:
                               apply("GatherAdd", t, indices, like, axis=axis), None, None))


def gather(params: Any, indices: Any, axis: int = 0) -> Tensor:
    """The slices of ``params`` at ``indices`` along ``axis``; the indices may be a
    tensor computed when the graph runs. Repeated indices add up in the gradient."""
    return apply("Gather", params, indices, axis=int(axis))


# ---------------------------------------------------------------------------
# Sorting: a permutation found at run time, and picking along it
# ---------------------------------------------------------------------------

defop("ArgSort", lambda x, axis: np.argsort(x, axis=axis, kind="stable"), (None,),
      shape=lambda inputs, attrs: (inputs[0].shape, inputs[0].skey), dtype=np.dtype(np.intp))


def _put_along(g: Any, order: Any, like: Any, axis: int) -> np.ndarray:
    out = np.zeros(np.shape(like), dtype=np.asarray(g).dtype)
    np.put_along_axis(out, order, g, axis)  # order is a permutation: nothing repeats
    return out


defop("TakeAlong", lambda x, order, axis: np.take_along_axis(x, order, axis),
      (lambda g, out, x, order, axis: apply("PutAlong", g, order, x, axis=axis), None),
      shape=lambda inputs, attrs: (inputs[1].shape, inputs[1].skey), choosers=(1,),
      tangents=(lambda t, out, x, order, axis: apply("TakeAlong", t, order, axis=axis), None))
defop("PutAlong", _put_along,
      (lambda g, out, r, order, like, axis: apply("TakeAlong", g, order, axis=axis), None, None),
      shape=lambda inputs, attrs: (inputs[2].shape, inputs[2].skey), shape_inputs=(2,),
      choosers=(1,), tangents=(lambda t, out, r, order, like, axis:
                               apply("PutAlong", t, order, like, axis=axis), None, None))


def sort(x: Any, axis: int = -1) -> Tensor:
    """``x`` sorted along ``axis``. The gradient sends each sorted element's gradient
    back to where that element came from."""
    order = apply("ArgSort", x, axis=int(axis))
    return apply("TakeAlong", x, order, axis=int(axis))


# ---------------------------------------------------------------------------
# Shapes: squeeze and broadcast_to
# ---------------------------------------------------------------------------


def _squeeze_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    shape, axis = inputs[0].shape, attrs["axis"]
    if shape is None:
        return None, None
    axes = _norm_axes(axis, len(shape)) if axis is not None else \
        tuple(i for i, d in enumerate(shape) if d == 1)
    if axis is None and None in shape:
        return None, None
    for a in axes:
        if shape[a] not in (1, None):
            raise ShapeError(f"cannot squeeze axis {a} of shape {shape}: its size is not 1")
    result = tuple(d for i, d in enumerate(shape) if i not in axes)
    return result, (result if None not in result else None)


defop("Squeeze", lambda x, axis: np.squeeze(x, axis),
      (lambda g, out, x, axis: apply("ReshapeLike", g, x),), shape=_squeeze_shape,
      tangents=(lambda t, out, x, axis: apply("Squeeze", t, axis=axis),))


def _broadcast_to_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    shape, target = inputs[0].shape, attrs["shape"]
    if shape is not None and None not in shape:
        try:
            np.broadcast_shapes(shape, target)
        except ValueError:
            raise ShapeError(f"cannot broadcast shape {shape} to {target}") from None
        if np.broadcast_shapes(shape, target) != target:
            raise ShapeError(f"cannot broadcast shape {shape} to {target}")
    return target, target


defop("BroadcastTo", lambda x, shape: np.array(np.broadcast_to(x, shape)),
      (lambda g, out, x, shape: sum_to_like(g, out, x),), shape=_broadcast_to_shape,
      tangents=(lambda t, out, x, shape: apply("BroadcastTo", t, shape=shape),))


def squeeze(x: Any, axis: Any = None) -> Tensor:
    """``x`` without its axes of size 1 (or only those in ``axis``), like ``np.squeeze``."""
    if axis is not None and not isinstance(axis, int):
        axis = tuple(int(a) for a in axis)
    return apply("Squeeze", x, axis=axis)


def broadcast_to(x: Any, shape: Sequence[int]) -> Tensor:
    """``x`` stretched to ``shape`` as broadcasting would; the gradient sums the copies."""
    return apply("BroadcastTo", x, shape=tuple(int(d) for d in shape))


# ---------------------------------------------------------------------------
# Einsum: a product summed over named axes
# ---------------------------------------------------------------------------


def _einsum_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    spec = attrs["spec"]
    (left, right), out = spec.split("->")[0].split(","), spec.split("->")[1]
    sizes: dict[str, Any] = {}
    for letters, t in zip((left, right), inputs):
        if t.shape is None:
            continue
        if len(t.shape) != len(letters):
            raise ShapeError(f"einsum '{spec}': operand '{letters}' has shape {t.shape}")
        for letter, d in zip(letters, t.shape):
            if d is None or d == 1 and sizes.get(letter) is not None:
                continue
            if sizes.get(letter) not in (None, 1, d):
                raise ShapeError(f"einsum '{spec}': axis '{letter}' has sizes {sizes[letter]} "
                                 f"and {d}")
            sizes[letter] = d
    if any(t.shape is None for t in inputs):
        return None, None
    shape = tuple(sizes.get(letter) for letter in out)
    return shape, (shape if None not in shape else None)


def _einsum_rule(which: int) -> Any:
    def rule(g: Tensor, out: Tensor, a: Tensor, b: Tensor, spec: str) -> Tensor:
        inputs, result = spec.split("->")
        letters = inputs.split(",")
        mine, other = letters[which], letters[1 - which]
        # d out / d mine: contract g (letters of out) with the other operand. Letters of
        # mine that appear nowhere else were summed away: their gradient is a copy of
        # the rest, so they are added back as axes of size 1 and broadcast.
        kept = "".join(c for c in mine if c in result or c in other)
        partial = einsum2(f"{result},{other}->{kept}", g, (b, a)[which])
        missing = tuple(i for i, c in enumerate(mine) if c not in kept)
        if missing:
            partial = apply("ExpandDims", partial, axis=missing)
        x = (a, b)[which]
        stretched = broadcast_like(partial, x)  # size-1 axes of x were broadcast: sum them
        return sum_to_like(stretched, stretched, x)

    return rule


defop("Einsum", lambda a, b, spec: np.einsum(spec, a, b), (_einsum_rule(0), _einsum_rule(1)),
      shape=_einsum_shape, tangents=(lambda t, out, a, b, spec: einsum2(spec, t, b),  # bilinear,
                                     lambda t, out, a, b, spec: einsum2(spec, a, t)))  # as a*b


def einsum2(spec: str, a: Any, b: Any) -> Tensor:
    """The einsum of two operands, ``spec`` written out in full ("ij,jk->ik"), with no
    letter repeated inside an operand or the output."""
    return apply("Einsum", a, b, spec=spec)


# ---------------------------------------------------------------------------
# Matrix functions
# ---------------------------------------------------------------------------


def _square_matrix_shape(inputs: Sequence[Tensor], attrs: dict, det: bool = False) -> tuple:
    shape = inputs[0].shape
    if shape is not None:
        if len(shape) < 2 or (None not in shape[-2:] and shape[-1] != shape[-2]):
            raise ShapeError(f"needs square matrices (shape (..., n, n)), got shape {shape}")
        shape = shape[:-2] if det else shape
    return shape, (shape if shape is not None and None not in shape else None)


def _inv_rule(g: Tensor, out: Tensor, x: Tensor) -> Tensor:
    # d(X^-1) = -X^-1 dX X^-1, so the gradient is -X^-T g X^-T.
    inverse_t = matrix_transpose(out)
    return -matmul(matmul(inverse_t, g), inverse_t)


def _det_rule(g: Tensor, out: Tensor, x: Tensor) -> Tensor:
    # d det(X) / dX = det(X) X^-T (Jacobi's formula).
    scale = apply("ExpandDims", g * out, axis=(-2, -1))
    return scale * matrix_transpose(inv(x))


def _det_tangent(t: Tensor, out: Tensor, x: Tensor) -> Tensor:
    # d det(X) = det(X) trace(X^-1 dX), and trace(A B) = sum(A^T * B).
    return out * reduce_sum(matrix_transpose(inv(x)) * t, (-2, -1))


defop("MatrixInverse", np.linalg.inv, (_inv_rule,), shape=_square_matrix_shape,
      tangents=(lambda t, out, x: -matmul(matmul(out, t), out),))  # d(X^-1) = -X^-1 dX X^-1
defop("Det", np.linalg.det, (_det_rule,), tangents=(_det_tangent,),
      shape=lambda inputs, attrs: _square_matrix_shape(inputs, attrs, det=True))


def inv(x: Any) -> Tensor:
    """The inverse of a square matrix (of each, for a stack of them)."""
    return apply("MatrixInverse", x)


def det(x: Any) -> Tensor:
    """The determinant of a square matrix (of each, for a stack of them)."""
    return apply("Det", x)


def tri_mask(shape: tuple, k: int, lower: bool) -> Tensor:
    """A boolean constant: True on and below (``lower``) or above diagonal ``k``."""
    rows, cols = shape[-2:]
    mask = np.tri(rows, cols, k, dtype=bool) if lower else ~np.tri(rows, cols, k - 1, dtype=bool)
    return constant(mask)


defop("Shape", lambda x: np.array(np.shape(x), dtype=np.int32), (None,),
      shape=lambda inputs, attrs: ((None,) if inputs[0].shape is None else (len(inputs[0].shape),),
                                   None if inputs[0].shape is None else (len(inputs[0].shape),)),
      shape_inputs=(0,), dtype=np.dtype(np.int32))


def shape_of(x: Any) -> Tensor:
    """The shape of ``x`` when the graph runs, as an int32 vector (TF's ``tf.shape``)."""
    return apply("Shape", x)
