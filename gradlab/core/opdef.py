"""What an op is, and the leaves of every graph: constants and placeholders.

An op is one row of the op table (:class:`OpDef`): a numpy function, one gradient
rule per input, and how its output shape follows from its inputs. The rows
themselves are written out in :mod:`gradlab.core.ops`; nodes are built from them by
:func:`gradlab.core.simplify.apply`.

A graph starts from leaves, nodes with no inputs:

* a **constant** holds a value fixed when the graph is built (``2``, ``pi``, an array);
* a **placeholder** promises a value that is fed when the graph runs;
* a **Variable** (see :mod:`gradlab.frontend.variables`) holds state kept by a Session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .graph import Tensor

ArrayLike = Any


@dataclass(frozen=True, eq=False)
class OpDef:
    """One row of the op table.

    name:          TensorFlow-style op name, also the default node name ("Sin").
    forward:       numpy function ``forward(*input_values, **attrs)``.
    grads:         one rule per input, ``rule(g, out, *inputs, **attrs)``; an entry
                   of ``None`` means that input is not differentiated (a condition,
                   a shape). ``grads=None`` means the op has no gradient rule at all.
    tangents:      forward mode's rules, one per input, ``rule(t, out, *inputs, **attrs)``:
                   how a small change ``t`` of that input changes the output (J_i t,
                   where the reverse rule computes J_i^T g). Forward mode adds the
                   contributions of all inputs. ``None`` entries and ``tangents=None``
                   mean the same as for ``grads``.
    broadcasting:  the op broadcasts its inputs like a numpy ufunc. Its rules may
                   receive a ``g`` smaller than the output, and the engine reduces
                   their results to each input's shape.
    shape:         for other ops, ``shape(inputs, attrs) -> (static_shape, shape_key)``.
    shape_inputs:  inputs read only for their shape (never differentiated).
    dtype:         a fixed output dtype (bool for comparisons), a function of the node's
                   attrs (a cast), or None to promote as numpy does.
    choosers:      inputs that choose between the others (``where``'s condition): they take
                   no part in dtype promotion.
    foldable:      may be computed at build time when all inputs are constants.
    """

    name: str
    forward: Callable | None
    grads: tuple | None = None
    tangents: tuple | None = None
    broadcasting: bool = False
    shape: Callable | None = None
    shape_inputs: tuple[int, ...] = ()
    dtype: Any = None
    choosers: tuple[int, ...] = ()
    foldable: bool = True


OPS: dict[str, OpDef] = {}


def defop(name: str, forward: Callable | None, grads: tuple | None = None, **kw: Any) -> OpDef:
    """Add an op to the table (see :class:`OpDef` for the fields).

    An op whose inputs are all left out of reverse mode (every ``grads`` entry is
    ``None``: a comparison, a shape) is left out of forward mode too."""
    if "tangents" not in kw and grads is not None and all(rule is None for rule in grads):
        kw["tangents"] = grads
    op = OpDef(name, forward, grads, **kw)
    OPS[name] = op
    return op


def _leaf(name: str) -> None:
    defop(name, None, grads=None, foldable=False)


_leaf("Placeholder")
_leaf("Const")
_leaf("Variable")


def constant(value: ArrayLike, dtype: Any = None, shape: Sequence[int] | None = None,
             name: str | None = None, symbol: str | None = None) -> Tensor:
    """A node with a fixed value (``symbol``, such as ``"pi"``, is how formulas print it).

    ``shape`` (as in TF1's ``tf.constant(0.1, shape=[3])``) fills that shape with ``value``.

    Python numbers stay *weakly typed* (as in numpy 2): ``2 * x`` keeps the dtype
    of ``x``, and ``k + 1`` keeps an integer ``k`` an integer. Arrays keep their
    dtype, as in numpy and TF: ``constant([1, 2])`` holds integers, which are data, not
    something to differentiate (``constant([1.0, 2.0])`` holds floats).
    """
    if isinstance(value, Tensor):
        return value
    if shape is not None:
        value = np.broadcast_to(np.asarray(value, dtype=dtype), tuple(shape)).copy()
    weak = isinstance(value, (int, float)) and not isinstance(value, bool) and dtype is None
    attrs = {"symbol": symbol} if symbol else {}
    if weak:
        # an int stays an int (while exact in float64 too, so no arithmetic overflows)
        integer = isinstance(value, int) and -2**53 <= value <= 2**53
        value = int(value) if integer else float(value)
        arr_dtype, shape = np.dtype(np.int64 if integer else np.float64), ()
    else:
        value = np.asarray(value, dtype=dtype)
        if value.dtype.kind == "c":
            raise TypeError(f"complex numbers are out of gradlab's scope ({value!r:.60}): it "
                            "differentiates real functions of real numbers")
        elif value.dtype.kind not in "fbiu":
            raise TypeError(f"gradlab constants must be numbers, not {value.dtype} ({value!r:.60})")
        arr_dtype, shape = value.dtype, value.shape
    attrs.update(value=value, weak=weak)
    return Tensor(OPS["Const"], (), attrs, arr_dtype, shape, shape, name)


def zeros(shape: Sequence[int], dtype: Any = np.float64, name: str | None = None) -> Tensor:
    """A constant node of zeros (TF1's ``tf.zeros``)."""
    return constant(np.zeros(tuple(shape), dtype), name=name)


def ones(shape: Sequence[int], dtype: Any = np.float64, name: str | None = None) -> Tensor:
    """A constant node of ones (TF1's ``tf.ones``)."""
    return constant(np.ones(tuple(shape), dtype), name=name)


def as_tensor(value: Any) -> Tensor:
    """Return ``value`` if it is a node, else a constant node holding it."""
    return value if isinstance(value, Tensor) else constant(value)


def const_value(t: Tensor) -> Any:
    """The value of a constant node, or None for any other node."""
    return t.attrs["value"] if t.op.name == "Const" else None


def scalar_value(t: Tensor) -> float | None:
    """The number held by a scalar constant node, or None."""
    v = const_value(t)
    if v is None or np.ndim(v) != 0 or isinstance(v, np.bool_) or "symbol" in t.attrs:
        return None
    return float(v)


def same_key(k1: Any, k2: Any) -> bool:
    """True when two shape keys prove the shapes are equal."""
    return k1 is k2 or (isinstance(k1, tuple) and isinstance(k2, tuple) and k1 == k2)


def placeholder(dtype: Any = np.float64, shape: Sequence[int | None] | None = None,
                name: str | None = None) -> Tensor:
    """A node whose value is fed at run time: ``session.run(y, feed_dict={x: values})``.

    ``shape=None`` accepts any shape; use ``None`` inside a shape for a size that
    may vary, e.g. ``shape=(None,)`` for a vector of any length. Feeds are converted
    to ``dtype``, so ``feed_dict={x: [1, 2, 3]}`` works for a float placeholder.
    Integer and bool placeholders (class labels, masks) hold data that is not
    differentiated.
    """
    dtype = np.dtype(dtype)
    if dtype.kind not in "fiub":
        raise TypeError(f"placeholders hold numbers (floating point, integer or bool), not {dtype}")
    static = None if shape is None else tuple(None if d is None else int(d) for d in shape)
    known = static is not None and None not in static
    return Tensor(OPS["Placeholder"], (), {"shape": static}, dtype, static,
                  static if known else None, name)
