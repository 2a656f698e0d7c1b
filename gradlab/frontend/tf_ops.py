"""TensorFlow 1's names and signatures for math and shape functions.

TF1 programs call ``tf.reduce_sum(x, reduction_indices=[1])``,
``tf.concat([a, b], 1)`` or ``tf.argmax(y, 1)``. These functions accept TF1's
arguments, including the old aliases (``reduction_indices``, ``keep_dims``,
``dimension``, ``squeeze_dims``), and build the same gradlab ops as everything else.
``name=`` is accepted everywhere and names the node.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core import array_ops as ax
from ..core import control_flow as flow
from ..core import ops
from ..core.autodiff import gradients
from ..core.errors import ShapeError
from ..core.graph import Tensor
from ..core.ops import as_tensor, constant
from . import numpy_functions as nf
from .options import accept, name_results


def _pick(new: Any, old: Any, new_name: str, old_name: str) -> Any:
    if new is not None and old is not None:
        raise ValueError(f"give {new_name} or the old {old_name}, not both")
    return new if new is not None else old


def _axis_arg(axis: Any) -> Any:
    if axis is None or isinstance(axis, (int, np.integer)):
        return None if axis is None else int(axis)
    return tuple(int(a) for a in np.atleast_1d(axis))


def _reducer(build: Any, doc: str) -> Any:
    def reduce(input_tensor: Any, axis: Any = None, keepdims: Any = None, name: str | None = None,
               reduction_indices: Any = None, keep_dims: Any = None) -> Tensor:
        axis = _axis_arg(_pick(axis, reduction_indices, "axis", "reduction_indices"))
        keep = bool(_pick(keepdims, keep_dims, "keepdims", "keep_dims") or False)
        return ops.named(build(input_tensor, axis, keep), name)

    reduce.__doc__ = doc + " Over ``axis`` (all axes by default; ``reduction_indices`` is TF1's old name)."
    return reduce


reduce_sum = _reducer(ops.reduce_sum, "The sum of elements.")
reduce_mean = _reducer(ops.reduce_mean, "The mean of elements.")
reduce_prod = _reducer(ax.reduce_prod, "The product of elements.")
reduce_max = _reducer(ax.reduce_max, "The largest element (ties share the gradient).")
reduce_min = _reducer(ax.reduce_min, "The smallest element (ties share the gradient).")
reduce_any = _reducer(ax.reduce_any, "Logical or of boolean elements.")
reduce_all = _reducer(ax.reduce_all, "Logical and of boolean elements.")


def reduce_logsumexp(input_tensor: Any, axis: Any = None, keepdims: Any = None,
                     name: str | None = None, reduction_indices: Any = None,
                     keep_dims: Any = None) -> Tensor:
    """log(sum(exp(x))), computed without overflow by taking the largest value out first."""
    axis = _axis_arg(_pick(axis, reduction_indices, "axis", "reduction_indices"))
    keep = bool(_pick(keepdims, keep_dims, "keepdims", "keep_dims") or False)
    x = as_tensor(input_tensor)
    top = ops.stop_gradient(ax.reduce_max(x, axis, keepdims=True))
    total = ops.reduce_sum(ops.exp(x - top), axis, keepdims=True)
    result = ops.log(total) + top
    return result if keep else _drop_axes(result, axis)


def _drop_axes(t: Tensor, axis: Any) -> Tensor:
    if axis is None:
        return ops.reshape(t, ())
    return ax.squeeze(t, axis)


def argmax(input: Any, axis: Any = None, name: str | None = None, dimension: Any = None,
           output_type: Any = np.int64) -> Tensor:  # noqa: A002
    """The index of the largest value along ``axis`` (TF1's default axis is 0)."""
    axis = _pick(axis, dimension, "axis", "dimension")
    return ops.named(ops.cast(ax.argmax(input, 0 if axis is None else int(axis)), output_type), name)


def argmin(input: Any, axis: Any = None, name: str | None = None, dimension: Any = None,
           output_type: Any = np.int64) -> Tensor:  # noqa: A002
    """The index of the smallest value along ``axis`` (TF1's default axis is 0)."""
    axis = _pick(axis, dimension, "axis", "dimension")
    return ops.cast(ax.argmin(input, 0 if axis is None else int(axis)), output_type)


def add_n(inputs: Sequence[Any], name: str | None = None) -> Tensor:
    """The elementwise sum of a list of tensors."""
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n needs at least one tensor")
    total = as_tensor(inputs[0])
    for t in inputs[1:]:
        total = total + t
    return total


def truediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    return ops.divide(x, y)


def rsqrt(x: Any, name: str | None = None) -> Tensor:
    """1 / sqrt(x)."""
    return 1.0 / ops.sqrt(x)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: str | None = None) -> Tensor:
    """``t`` held in [min, max]; the gradient is 1 inside and 0 where a bound holds it."""
    return nf.clip(t, clip_value_min, clip_value_max)


def stack(values: Sequence[Any], axis: int = 0, name: str | None = None) -> Tensor:
    return nf.stack(values, axis)


def unstack(value: Any, num: int | None = None, axis: int = 0, name: str | None = None) -> list[Tensor]:
    """The slices of ``value`` along ``axis``, as a list (its size there must be known)."""
    t = as_tensor(value)
    shape = t.shape
    if shape is None or shape[axis] is None:
        if num is None:
            raise ShapeError(f"unstack needs the size of axis {axis} of '{t.name}' (or num=)")
        size = num
    else:
        size = shape[axis]
    return [ax.getitem(t, ax.along(axis, i)) for i in range(size)]


def concat(values: Sequence[Any], axis: int, name: str | None = None) -> Tensor:
    return nf.concatenate(list(values), axis)


def expand_dims(input: Any, axis: Any = None, name: str | None = None, dim: Any = None) -> Tensor:  # noqa: A002
    return nf.expand_dims(input, _pick(axis, dim, "axis", "dim"))


def squeeze(input: Any, axis: Any = None, name: str | None = None,
            squeeze_dims: Any = None) -> Tensor:  # noqa: A002
    axis = _pick(axis, squeeze_dims, "axis", "squeeze_dims")
    return ax.squeeze(input, _axis_arg(axis))


def tile(input: Any, multiples: Sequence[int], name: str | None = None) -> Tensor:  # noqa: A002
    return nf.tile(input, tuple(int(m) for m in multiples))


def shape(input: Any, name: str | None = None, out_type: Any = np.int32) -> Tensor:  # noqa: A002
    """The shape as an integer vector: a constant when it is known while building,
    else computed when the graph runs (``tf.shape(x)[0]`` is the batch size)."""
    t = as_tensor(input)
    if t.shape is not None and None not in t.shape:
        return constant(np.array(t.shape, dtype=out_type))
    return ops.cast(ax.shape_of(t), out_type)


def size(input: Any, name: str | None = None, out_type: Any = np.int32) -> Tensor:  # noqa: A002
    """The number of elements, as an integer tensor."""
    return ops.cast(ops.size(input), out_type)


def rank(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    return constant(np.array(nf.ndim(input), dtype=np.int32))


def fill(dims: Sequence[int], value: Any, name: str | None = None) -> Tensor:
    return constant(np.full(tuple(int(d) for d in dims), value))


def range_(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None,
           name: str = "range") -> Tensor:
    """``np.arange`` as a constant tensor (``gl.range``; named so as not to hide Python's)."""
    values = np.arange(start, limit, delta) if limit is not None else np.arange(start)
    return constant(values if dtype is None else values.astype(dtype))


def linspace(start: Any, stop: Any, num: int, name: str | None = None, axis: int = 0) -> Tensor:
    return nf.linspace(start, stop, int(num))


def one_hot(indices: Any, depth: int, on_value: Any = None, off_value: Any = None,
            axis: int = -1, dtype: Any = np.float64, name: str | None = None) -> Tensor:
    """1 (``on_value``) at each index along a new axis of size ``depth``, 0 elsewhere."""
    if axis != -1:
        raise ShapeError("one_hot supports only axis=-1 (the new axis last)")
    hit = ops.equal(nf.expand_dims(ops.cast(indices, np.float64), -1),
                    constant(np.arange(depth, dtype=np.float64)))
    on = 1.0 if on_value is None else on_value
    off = 0.0 if off_value is None else off_value
    return ops.cast(ops.where(hit, on, off), dtype)


def gather(params: Any, indices: Any, axis: int = 0, name: str | None = None,
           validate_indices: Any = None) -> Tensor:
    """The slices of ``params`` at ``indices`` along ``axis`` (indices may be a tensor)."""
    return ax.gather(params, indices, axis)


def matrix_inverse(input: Any, adjoint: bool = False, name: str | None = None) -> Tensor:  # noqa: A002
    t = ax.inv(input)
    return ops.matrix_transpose(t) if adjoint else t


def matrix_determinant(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    return ax.det(input)


def to_float(x: Any, name: str = "ToFloat") -> Tensor:
    return ops.cast(x, np.float32)


def to_double(x: Any, name: str = "ToDouble") -> Tensor:
    return ops.cast(x, np.float64)


def to_int32(x: Any, name: str = "ToInt32") -> Tensor:
    return ops.cast(x, np.int32)


def to_int64(x: Any, name: str = "ToInt64") -> Tensor:
    return ops.cast(x, np.int64)


def squared_difference(x: Any, y: Any, name: str | None = None) -> Tensor:
    return ops.square(x - y)


def eye(num_rows: int, num_columns: int | None = None, batch_shape: Any = None,
        dtype: Any = np.float64, name: str | None = None) -> Tensor:
    """The identity matrix as a constant."""
    if batch_shape is not None:
        raise ShapeError("eye(batch_shape=...) is not supported")
    return constant(np.eye(num_rows, num_columns, dtype=dtype))


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, name: str | None = None,
           **ignored: Any) -> Tensor:
    """``a @ b``, with either operand's last two axes swapped first if asked."""
    accept("matmul", ignored)
    a = ops.matrix_transpose(a) if transpose_a or adjoint_a else a
    b = ops.matrix_transpose(b) if transpose_b or adjoint_b else b
    return ops.matmul(a, b, name=name)


def no_op(name: str | None = None) -> Tensor:
    """An op that does nothing."""
    return ops.group(name=name or "NoOp")


def identity(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    return ops.named(ops.identity(input), name)


def placeholder_with_default(input: Any, shape: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """``input``, unless a value is fed for it (any tensor may be fed)."""
    return ops.identity(input)


def cumsum(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False,
           name: str | None = None) -> Tensor:
    t = as_tensor(x)
    if reverse:
        t = ax.getitem(t, ax.along(axis, slice(None, None, -1)))
    result = ax.cumsum(t, axis)
    if exclusive:
        result = result - t
    return ax.getitem(result, ax.along(axis, slice(None, None, -1))) if reverse else result


def split(value: Any, num_or_size_splits: Any, axis: int = 0, num: Any = None,
          name: str | None = None) -> list[Tensor]:
    """Equal parts (a number) or parts of the given sizes (a list), along ``axis``."""
    if np.ndim(num_or_size_splits) == 0:
        return nf.split(value, int(num_or_size_splits), axis)
    points = np.cumsum([int(s) for s in num_or_size_splits])[:-1]
    return nf.split(value, list(points), axis)


def slice_(input_: Any, begin: Sequence[int], size: Sequence[int], name: str | None = None) -> Tensor:
    """The block that starts at ``begin`` with ``size`` (-1: to the end) on each axis
    (``gl.slice``; named so as not to hide Python's ``slice``)."""
    index = tuple(slice(int(b), None if int(n) == -1 else int(b) + int(n))
                  for b, n in zip(begin, size))
    return ax.getitem(input_, index)


def reverse(tensor: Any, axis: Any, name: str | None = None) -> Tensor:
    return nf.flip(tensor, axis)


def count_nonzero(input_tensor: Any, axis: Any = None, keepdims: Any = None,
                  dtype: Any = np.int64, name: str | None = None, reduction_indices: Any = None,
                  keep_dims: Any = None) -> Tensor:
    nonzero = ops.cast(ops.not_equal(input_tensor, 0), np.int64)
    return ops.cast(reduce_sum(nonzero, axis, keepdims, reduction_indices=reduction_indices,
                               keep_dims=keep_dims), dtype)


def norm(tensor: Any, ord: Any = "euclidean", axis: Any = None, keepdims: Any = None,
         name: str | None = None, keep_dims: Any = None) -> Tensor:  # noqa: A002
    keep = bool(_pick(keepdims, keep_dims, "keepdims", "keep_dims") or False)
    return nf.norm(tensor, None if ord == "euclidean" else ord, _axis_arg(axis), keep)


def boolean_mask(tensor: Any, mask: Any, name: str | None = None, axis: Any = None) -> Tensor:
    """The elements (or rows) where ``mask`` is true; ``mask`` must be a numpy array
    (gradlab builds its indexing when the graph is built)."""
    if isinstance(mask, Tensor):
        raise TypeError("boolean_mask needs the mask as a numpy array, known while building; "
                        "for a mask computed by the graph use tf.where(mask, x, 0)")
    return ax.getitem(tensor, np.asarray(mask, dtype=bool))


def concat_old_or_new(first: Any = None, second: Any = None, name: str | None = None, *,
                      values: Any = None, axis: Any = None, concat_dim: Any = None) -> Tensor:
    """``concat(values, axis)``, also in the pre-1.0 order ``concat(axis, values)``, and
    with the arguments named (``concat([a, b], axis=0)``, ``concat(concat_dim=0, values=...)``)."""
    if isinstance(first, (int, np.integer)) and isinstance(second, (list, tuple)):
        first, second = second, first
    first = values if first is None else first
    second = next((a for a in (second, axis, concat_dim) if a is not None), None)
    if first is None or second is None:
        raise TypeError("concat needs the values and an axis: concat([a, b], axis)")
    return concat(first, second)



class Dimension:
    """One size of a :class:`TensorShape`: ``.value`` is an int, or None if unknown."""

    def __init__(self, value: int | None) -> None:
        self.value = value

    def __int__(self) -> int:
        if self.value is None:
            raise ValueError("this size is not known until the graph runs")
        return self.value

    __index__ = __int__

    def __eq__(self, other: Any) -> bool:
        other = other.value if isinstance(other, Dimension) else other
        return self.value == other

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Dimension({self.value})"


class TensorShape:
    """A static shape as TF1 reports it: ``x.get_shape().as_list()``, ``x.get_shape()[1].value``."""

    def __init__(self, dims: tuple | None) -> None:
        self.dims = None if dims is None else [Dimension(d) for d in dims]

    @property
    def ndims(self) -> int | None:
        return None if self.dims is None else len(self.dims)

    def as_list(self) -> list:
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown shape")
        return [d.value for d in self.dims]

    def is_fully_defined(self) -> bool:
        return self.dims is not None and all(d.value is not None for d in self.dims)

    def __getitem__(self, index: Any) -> Any:
        if self.dims is None:
            return Dimension(None)
        return self.dims[index]

    def __iter__(self) -> Any:
        return iter(self.dims or [])

    def __len__(self) -> int:
        if self.dims is None:
            raise ValueError("the number of axes is not known")
        return len(self.dims)

    def __eq__(self, other: Any) -> bool:
        mine = None if self.dims is None else tuple(d.value for d in self.dims)
        theirs = other.as_list() if isinstance(other, TensorShape) and other.dims is not None else other
        return mine == (tuple(theirs) if isinstance(theirs, (list, tuple)) else theirs)

    def __repr__(self) -> str:
        return "TensorShape(None)" if self.dims is None else f"TensorShape({self.dims})"


def _get_shape(self: Tensor) -> TensorShape:
    """The static shape, TF1-style (``x.get_shape().as_list()``)."""
    return TensorShape(self.shape)


Tensor.get_shape = _get_shape


name_results(globals())


def hessians(ys: Any, xs: Any, name: str = "hessians", colocate_gradients_with_ops: bool = False,
             gate_gradients: bool = False, aggregation_method: Any = None) -> list[Tensor]:
    """TF1's ``tf.hessians``: for each ``x``, the Hessian of ``sum(ys)`` with shape
    ``x.shape + x.shape``.

    Built by reverse over reverse: the gradient g of sum(ys) is a graph, and each element
    of g is differentiated again, one backward pass per element of x. Row i of the result
    is the gradient of g[i]. When x is a vector of unknown length, the rows are made by a
    ``while_loop`` over i when the graph runs, as TF does.
    """
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    result = []
    for x, g in zip(xs, gradients(ys, xs)):
        shape = x.shape
        if shape is not None and len(shape) == 1 and shape[0] is None:
            result.append(_hessian_by_loop(g, x))
            continue
        if shape is None or None in shape:
            raise ShapeError(f"hessians needs the shape of '{x.name}' to be known, or x to be a "
                             "vector (shape [None]); it is " + str(shape))
        flat = ops.reshape(g, (-1,))
        size = int(np.prod(shape)) if shape else 1
        rows = [gradients(ax.getitem(flat, i), x)[0] for i in range(size)]
        result.append(ops.reshape(nf.stack(rows), shape + shape))
    return result


def _hessian_by_loop(g: Tensor, x: Tensor) -> Tensor:
    """The Hessian rows of a vector x of unknown length, one pass of a while_loop each."""
    n = ops.cast(ops.size(x), np.int64)
    start = ax.getitem(ops.reshape(g, (1, -1)), slice(0, 0))  # no rows yet: shape (0, n)

    def add_row(i: Tensor, rows: Tensor) -> tuple:
        row = gradients(ax.gather(g, ops.reshape(i, (1,))), x)[0]  # d g[i] / dx
        return i + 1, ax.concat(rows, ops.reshape(row, (1, -1)), 0)

    _, hessian = flow.while_loop(lambda i, rows: i < n, add_row, [constant(0), start],
                                 shapes=[(), (None, None)])
    return hessian
