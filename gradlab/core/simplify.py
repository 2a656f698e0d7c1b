"""Building a node: simplify it, fold constants, infer its shape and dtype.

Every op function (``gl.sin``, ``+``, the gradient rules...) ends in :func:`apply`.
Before a new node is made, ``apply`` tries to avoid making it:

* **identities** rewrite it into something simpler: ``1*a -> a``, ``0+a -> a``,
  ``a - (-b) -> a + b``, ``a**1 -> a``, ``--a -> a``, ``2*(3*x) -> 6*x``;
* **constant folding** computes it at once when every input is a constant;
* the engine's **shape bookkeeping** (``sum_to_like``, ``broadcast_like``) vanishes
  when the shapes provably agree.

This is why the derivative of ``sin(x)`` *is* the node ``cos(x)``: the rule builds
``g * cos(x)`` with ``g = 1``, and ``1 * cos(x)`` is rewritten to ``cos(x)``.
Rewrites build their results with ``apply`` too, so they simplify further.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .errors import ShapeError
from .graph import Tensor, broadcast_key, broadcast_static, toposort
from .opdef import OPS, OpDef, as_tensor, const_value, constant, same_key, scalar_value


def _promote(op: OpDef, inputs: Sequence[Tensor], attrs: dict) -> Any:
    if callable(op.dtype):  # chosen by the node's settings (a cast)
        return np.dtype(op.dtype(attrs))
    if op.dtype is not None:
        return op.dtype
    data = [t for i, t in enumerate(inputs)
            if i not in op.shape_inputs and i not in op.choosers and t.dtype is not None]
    strong = [t.dtype for t in data if not t.attrs.get("weak")]
    # Python numbers, as numpy 2 treats them: they take the other operand's type
    weak = [t.attrs["value"] * 0 for t in data if t.attrs.get("weak")]
    result = np.result_type(*strong, *weak) if data else np.dtype(np.float64)
    if result.kind in "iub" and op.name not in _KEEPS_INTEGERS:
        return np.dtype(np.float64)  # 7 / 2, sqrt(4), mean([1, 2]): numpy computes floats
    if result.kind in "biu" and op.name in _COUNTS:  # numpy sums small integers as 64-bit ones
        return np.dtype(np.uint64 if result.kind == "u" else np.int64)  # (and counts booleans)
    return result


# Ops that give integers for integer inputs, as numpy does; every other op computes a float.
_KEEPS_INTEGERS = {
    "Add", "Sub", "Mul", "Neg", "Abs", "Sign", "Maximum", "Minimum", "Mod", "Pow", "Sum", "Prod",
    "Max", "Min", "Cumsum", "MatMul", "Einsum", "Select", "Identity", "StopGradient", "OnesLike",
    "ZerosLike", "GetItem", "IndexAdd", "Concat", "ConcatPart", "Reshape", "Transpose",
    "MatrixTranspose", "ExpandDims", "Squeeze", "BroadcastTo", "BroadcastLike", "SumToLike",
    "ReshapeLike", "AtLeast2D", "Gather", "GatherAdd", "TakeAlong", "PutAlong", "LogicalAnd",
    "LogicalOr", "LogicalXor", "LogicalNot", "Fmax", "Fmin", "FloorDiv", "Fmod",
}
_COUNTS = {"Sum", "Prod", "Cumsum"}


def apply(name: str, *inputs: Any, **attrs: Any) -> Tensor:
    """Build a node for op ``name``, folding constants and simplifying on the way.

    Every public op function goes through here. The returned node may be an
    existing one (``x * 1`` returns ``x``) or a constant (``2 * 3`` returns 6).
    """
    op = OPS[name]
    inputs = tuple(as_tensor(t) for t in inputs)
    if op.broadcasting and name not in _KEEPS_INTEGERS and op.dtype is None:
        inputs = tuple(_as_float(t) if i not in op.shape_inputs else t for i, t in enumerate(inputs))
    simpler = _REWRITES.get(name, _no_rewrite)(*inputs, **attrs)
    if simpler is not None:
        return simpler
    if op.foldable and inputs and all(t.op.name == "Const" for t in inputs) \
            and not any("symbol" in t.attrs for t in inputs):  # keep 2*pi readable; plans fold it
        return _fold(op, inputs, attrs)
    try:
        if op.broadcasting:
            data = [t for i, t in enumerate(inputs) if i not in op.shape_inputs]
            shape = broadcast_static([t.shape for t in data])
            key = broadcast_key([t.skey for t in data])
        elif op.shape is not None:
            shape, key = op.shape(inputs, attrs)
        else:
            shape, key = (), ()
    except ShapeError as err:
        raise ShapeError(f"{name}: {err}") from None
    return Tensor(op, inputs, attrs, _promote(op, inputs, attrs), shape, key)


def _as_float(t: Tensor) -> Tensor:
    """Small integers and booleans entering a function that computes floats, as float64.

    numpy would give float16 for ``sin`` of int8 or bool data but float64 for ``/``:
    gradlab computes such data in float64 everywhere, as its dtypes promise."""
    if t.dtype.kind not in "biu" or t.attrs.get("weak") \
            or np.result_type(t.dtype, np.float16) == np.float64:
        return t
    return apply("Cast", t, dtype=np.dtype(np.float64).str)


def rebuild(outputs: list[Tensor], mapping: dict[Tensor, Tensor]) -> list[Tensor]:
    """The same computation with some nodes replaced: every node between ``mapping``'s
    keys and ``outputs`` is built again on the replacements (``mapping`` maps old
    nodes to new ones; untouched nodes are kept as they are)."""
    new: dict[Tensor, Tensor] = dict(mapping)
    for node in toposort(outputs, stop=set(mapping)):
        if node in new:
            continue
        if not node.inputs or not any(new.get(i, i) is not i for i in node.inputs):
            new[node] = node
            continue
        new[node] = apply(node.op.name, *(new.get(i, i) for i in node.inputs), **node.attrs)
    return [new.get(t, t) for t in outputs]


def _no_rewrite(*inputs: Tensor, **attrs: Any) -> None:
    return None


def _fold(op: OpDef, inputs: tuple[Tensor, ...], attrs: dict) -> Tensor:
    data = [t for i, t in enumerate(inputs) if i not in op.shape_inputs and i not in op.choosers]
    data_weak = all(t.attrs["weak"] for t in data)
    # Python numbers are computed in floating point (2**100 must not wrap around as an
    # int64 would); the result is an int again where numpy's would be.
    values = [float(t.attrs["value"]) if data_weak and t.attrs["weak"] else const_value(t)
              for t in inputs]
    with np.errstate(all="ignore"):
        try:
            result = op.forward(*values, **attrs)
        except ValueError as err:
            raise ShapeError(f"{op.name}: {err}") from None
    if data_weak and np.ndim(result) == 0 and np.asarray(result).dtype.kind == "f":
        number = float(result)
        integers = all(isinstance(t.attrs["value"], int) for t in data)
        if integers and op.name in _KEEPS_INTEGERS and number.is_integer() and abs(number) <= 2**53:
            return constant(int(number))
        return constant(number)
    return constant(np.asarray(result))


# ---------------------------------------------------------------------------
# The rewrites, one function per op
# ---------------------------------------------------------------------------

def _is(t: Tensor, number: float) -> bool:
    return scalar_value(t) == number


def _is_neg(t: Tensor) -> bool:
    return t.op.name == "Neg"


def _simplify_add(a: Tensor, b: Tensor) -> Tensor | None:
    if _is(a, 0):  # a scalar 0 never changes the other operand's shape
        return b
    if _is(b, 0):
        return a
    if _is_neg(b):
        return apply("Sub", a, b.inputs[0])
    if _is_neg(a):
        return apply("Sub", b, a.inputs[0])
    return None


def _simplify_sub(a: Tensor, b: Tensor) -> Tensor | None:
    if _is(b, 0):
        return a
    if _is(a, 0):
        return apply("Neg", b)
    if _is_neg(b):
        return apply("Add", a, b.inputs[0])
    return None


def _simplify_mul(a: Tensor, b: Tensor) -> Tensor | None:
    if _is(a, 1):
        return b
    if _is(b, 1):
        return a
    if _is(a, -1):
        return apply("Neg", b)
    if _is(b, -1):
        return apply("Neg", a)
    if scalar_value(b) is not None and scalar_value(a) is None:
        return apply("Mul", b, a)  # numbers first: 2*x, not x*2
    ca = scalar_value(a)
    if ca is not None and b.op.name == "Mul" and scalar_value(b.inputs[0]) is not None:
        return apply("Mul", apply("Mul", a, b.inputs[0]), b.inputs[1])  # 2*(3*x) -> 6*x (ints stay ints)
    # g may stand for "ones of a larger shape": drop a 1-like factor only when shapes agree
    if a.op.name == "BroadcastLike" and _is(a.inputs[0], 1) and same_key(a.skey, b.skey):
        return b
    return None


def _simplify_div(a: Tensor, b: Tensor) -> Tensor | None:
    return a if _is(b, 1) else None


def _simplify_neg(x: Tensor) -> Tensor | None:
    return x.inputs[0] if _is_neg(x) else None


def _simplify_pow(a: Tensor, b: Tensor) -> Tensor | None:
    if _is(b, 1):
        return a
    outer = scalar_value(b)
    if outer is not None and outer == int(outer) and a.op.name == "Pow":
        inner = scalar_value(a.inputs[1])
        if inner is not None:  # (a**2)**3 -> a**6 (true for integer outer exponents)
            return apply("Pow", a.inputs[0], inner * outer)
    return None


def _simplify_sum_to_like(r: Tensor, out: Tensor, a: Tensor) -> Tensor | None:
    # Nothing was broadcast when out and a have provably the same shape.
    return r if same_key(out.skey, a.skey) else None


def _simplify_broadcast_like(t: Tensor, u: Tensor) -> Tensor | None:
    return t if same_key(broadcast_key([t.skey, u.skey]), t.skey) else None


def _simplify_reshape_like(t: Tensor, like: Tensor) -> Tensor | None:
    return t if same_key(t.skey, like.skey) else None


def _simplify_at_least_2d(x: Tensor, side: str) -> Tensor | None:
    return x if x.shape is not None and len(x.shape) >= 2 else None


_REWRITES: dict[str, Callable] = {
    "Add": _simplify_add,
    "Sub": _simplify_sub,
    "Mul": _simplify_mul,
    "Div": _simplify_div,
    "Neg": _simplify_neg,
    "Pow": _simplify_pow,
    "SumToLike": _simplify_sum_to_like,
    "BroadcastLike": _simplify_broadcast_like,
    "ReshapeLike": _simplify_reshape_like,
    "AtLeast2D": _simplify_at_least_2d,
}
