"""The op table: every operation gradlab knows, declared once.

Each entry says three things:

* how to compute the op with numpy (``forward``);
* how to push a gradient back through it (``grads``: one rule per input);
* how its output shape relates to its inputs' shapes.

A gradient rule receives ``g`` (the gradient arriving at the op's output), ``out``
(the op's output node) and the op's inputs, and returns the gradient for one
input. Rules are written **only with gradlab ops**, never with numpy, so a rule
builds graph nodes. That is the whole trick behind higher derivatives: the
gradient of ``sin(x)`` is the ordinary node ``cos(x)``, which has its own rule,
so differentiating again needs nothing new. Read the rules as blackboard math:
``sin: g * cos(x)``, ``exp: g * out``, ``sqrt: g / (2 * out)``.

Forward mode (:mod:`gradlab.core.forward`) has a **tangent rule** per input beside
each reverse rule: ``rule(t, out, *inputs)`` gives the change of the output when that
input changes by ``t`` (``matmul: t @ b`` and ``a @ t``; ``sum: sum(t)``). For an
elementwise op the two rules are one and the same line (see :func:`_elementwise`).

Broadcasting is handled once, by the engine, not by each rule: ``g`` may be
*smaller* than the output it belongs to (a scalar ``1`` stands for "ones of y's
shape"), and for broadcasting ops the engine reduces each rule's result back to
its input's shape with :func:`sum_to_like`.

Every op function builds its node with :func:`gradlab.core.simplify.apply`, which
folds constants and applies identities such as ``1*a -> a`` and ``--a -> a``, so
derivatives come out as clean formulas.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from .errors import ShapeError
from .graph import Tensor, broadcast_key, broadcast_static
from .opdef import (OPS, ArrayLike, as_tensor, const_value, constant, defop, ones,  # noqa: F401
                    placeholder, scalar_value, zeros)
from .simplify import apply

# ---------------------------------------------------------------------------
# Shape rules for ops that do not simply broadcast
# ---------------------------------------------------------------------------

def _like(index: int) -> Callable:
    """The output has exactly the shape of input ``index``."""

    def rule(inputs: Sequence[Tensor], attrs: dict) -> tuple:
        return inputs[index].shape, inputs[index].skey

    return rule


def _static(compute: Callable) -> Callable:
    """The output shape is computed from the inputs' static shapes when known."""

    def rule(inputs: Sequence[Tensor], attrs: dict) -> tuple:
        shapes = [t.shape for t in inputs]
        shape = compute(shapes, **attrs)
        known = shape is not None and None not in shape
        return shape, (shape if known else None)

    return rule


def _norm_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    axes = range(ndim) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    for a in axes:
        if not -ndim <= a < ndim:
            raise ShapeError(f"axis {a} is out of range for a value with {ndim} dimension(s)")
    return tuple(sorted(a % ndim for a in axes))


def _reduce_shape(shapes: list, axis: Any, keepdims: bool) -> tuple | None:
    (shape,) = shapes
    if shape is None:
        return () if axis is None and not keepdims else None
    axes = _norm_axes(axis, len(shape))
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _matmul_shape(shapes: list) -> tuple | None:
    a, b = shapes
    if a is None or b is None:
        return None
    if not a or not b:
        raise ShapeError("matmul needs operands with at least one dimension")
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    k1, k2 = a2[-1], b2[-2]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ShapeError(f"inner dimensions differ: {a} @ {b}")
    shape = broadcast_static([a2[:-2], b2[:-2]]) + (a2[-2], b2[-1])
    if len(a) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(b) == 1:
        shape = shape[:-1]
    return shape


def _reshape_shape(shapes: list, shape: tuple) -> tuple:
    (old,) = shapes
    known = [d for d in shape if d != -1]
    if -1 in shape and old is not None and None not in old and 0 not in known:
        size = math.prod(old) // math.prod(known)  # the one size left to work out
        return tuple(size if d == -1 else d for d in shape)
    return tuple(None if d == -1 else d for d in shape)


def _expand_dims_shape(shapes: list, axis: Any) -> tuple | None:
    (shape,) = shapes
    if shape is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    ndim = len(shape) + len(axes)
    new = _norm_axes(axes, ndim)
    if len(set(new)) != len(new):
        raise ShapeError(f"repeated axis in expand_dims: {axis}")
    rest = iter(shape)
    return tuple(1 if i in new else next(rest) for i in range(ndim))


def _transpose_shape(shapes: list, perm: tuple | None = None) -> tuple | None:
    (shape,) = shapes
    if shape is None:
        return None
    return tuple(reversed(shape)) if perm is None else tuple(shape[p] for p in perm)


def _matrix_transpose_shape(shapes: list) -> tuple | None:
    (shape,) = shapes
    return None if shape is None else shape[:-2] + shape[-2:][::-1]


def _broadcast_like_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    key = broadcast_key([inputs[0].skey, inputs[1].skey])
    return broadcast_static([inputs[0].shape, inputs[1].shape]), key


# ---------------------------------------------------------------------------
# numpy kernels that are more than one numpy call
# ---------------------------------------------------------------------------

def sum_to_shape(value: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``value`` over the axes that broadcasting added to reach ``shape``."""
    value = np.asarray(value)
    if value.shape == shape:
        return value
    lead = value.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(shape) if d == 1 and value.shape[lead + i] != 1
    )
    return np.sum(value, axis=axes, keepdims=True).reshape(shape)


def _sum_to_like(r: Any, out: Any, a: Any) -> np.ndarray:
    r = np.asarray(r, dtype=np.result_type(r, out))  # a Python number takes out's dtype
    return sum_to_shape(np.broadcast_to(r, np.shape(out)), np.shape(a))


def _broadcast_like(t: Any, u: Any) -> np.ndarray:
    t = np.asarray(t, dtype=np.result_type(t, u))
    return np.broadcast_to(t, np.broadcast_shapes(t.shape, np.shape(u)))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    # 1 / (1 + exp(-x)) overflows for large negative x; this form never does.
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _size(t: Any) -> float:
    return float(np.size(t))


def _group(*values: Any) -> None:
    return None


def _assign(variable: Any, value: Any) -> np.ndarray:
    return np.asarray(value, dtype=np.asarray(variable).dtype)


# ---------------------------------------------------------------------------
# The table
# ---------------------------------------------------------------------------

def named(t: Tensor, name: str | None) -> Tensor:
    """``t`` under the node name ``name`` (as TF1's ``name=`` arguments ask), or ``t``
    itself when no name is given. The node is made again under that name (a leaf, such
    as the ``x`` that ``x * 1`` simplifies to, gets a named Identity)."""
    if name is None or t.label == name:  # (label: the name asked for, before _1 is added)
        return t
    if not t.inputs:  # a placeholder, Variable or constant keeps its own name
        t = apply("Identity", t)
    return Tensor(t.op, t.inputs, t.attrs, t.dtype, t.shape, None if t.skey is t else t.skey, name)


def _elementwise(name: str, forward: Callable, *grads: Callable | None, **kw: Any) -> Callable:
    # One rule serves both modes. An elementwise op's output i depends on input i alone,
    # so its Jacobian is diagonal, and a diagonal matrix is its own transpose: J^T g and
    # J t are the same line with g or t in it ("sin: g * cos(x)" and "sin: t * cos(x)").
    op = defop(name, forward, grads, tangents=grads, broadcasting=True, **kw)
    arity = len(grads)

    def build(*args: Any, name: str | None = None) -> Tensor:
        if len(args) != arity:
            raise TypeError(f"{op.name} takes {arity} argument(s), got {len(args)}")
        return named(apply(op.name, *args), name)

    return build


# -- arithmetic ---------------------------------------------------------------
add = _elementwise("Add", np.add, lambda g, out, a, b: g, lambda g, out, a, b: g)
subtract = _elementwise("Sub", np.subtract, lambda g, out, a, b: g, lambda g, out, a, b: -g)
multiply = _elementwise(
    "Mul", np.multiply, lambda g, out, a, b: g * b, lambda g, out, a, b: g * a
)
divide = _elementwise(
    "Div", np.true_divide, lambda g, out, a, b: g / b, lambda g, out, a, b: g * (-a / b**2)
)
negative = _elementwise("Neg", np.negative, lambda g, out, x: -g)


def _pow_base_rule(g: Tensor, out: Tensor, a: Tensor, b: Tensor) -> Tensor:
    if scalar_value(b) == 0:
        return zeros_like(a)  # d/da a**0 = 0, at a = 0 too (0 * 0**-1 would be nan)
    local = b * a ** (b - 1)
    if scalar_value(b) is None:
        # d/da a**0 is 0 even at a = 0, where the formula gives 0 * 0**-1 = nan. The
        # convention applies only where both are 0: anywhere else the formula stays, so
        # derivatives taken through b (of any order) remain right where b happens to be 0.
        local = where(equal(abs(a) + abs(b), 0.0), 0.0, local)
    return g * local


def _pow_exponent_rule(g: Tensor, out: Tensor, a: Tensor, b: Tensor) -> Tensor:
    # d/db a**b = a**b * log(a); at a = 0 the convention (as in JAX) is 0, not nan.
    return g * (out * log(where(equal(a, 0.0), 1.0, a)))


pow = _elementwise("Pow", np.power, _pow_base_rule, _pow_exponent_rule)  # noqa: A001

# -- elementwise functions ----------------------------------------------------
sin = _elementwise("Sin", np.sin, lambda g, out, x: g * cos(x))
cos = _elementwise("Cos", np.cos, lambda g, out, x: g * -sin(x))
tan = _elementwise("Tan", np.tan, lambda g, out, x: g * (1 + out**2))
arcsin = _elementwise("Asin", np.arcsin, lambda g, out, x: g / sqrt(1 - x**2))
arccos = _elementwise("Acos", np.arccos, lambda g, out, x: -g / sqrt(1 - x**2))
arctan = _elementwise("Atan", np.arctan, lambda g, out, x: g / (1 + x**2))
sinh = _elementwise("Sinh", np.sinh, lambda g, out, x: g * cosh(x))
cosh = _elementwise("Cosh", np.cosh, lambda g, out, x: g * sinh(x))
tanh = _elementwise("Tanh", np.tanh, lambda g, out, x: g * (1 - out**2))
exp = _elementwise("Exp", np.exp, lambda g, out, x: g * out)
log = _elementwise("Log", np.log, lambda g, out, x: g / x)
log1p = _elementwise("Log1p", np.log1p, lambda g, out, x: g / (1 + x))
sqrt = _elementwise("Sqrt", np.sqrt, lambda g, out, x: g / (2 * out))
square = _elementwise("Square", np.square, lambda g, out, x: g * (2 * x))
abs = _elementwise("Abs", np.abs, lambda g, out, x: g * sign(x))  # noqa: A001  (0 at 0)
sign = _elementwise("Sign", np.sign, None)  # zero almost everywhere: not differentiated
sigmoid = _elementwise("Sigmoid", _sigmoid, lambda g, out, x: g * (out * (1 - out)))
softplus = _elementwise("Softplus", _softplus, lambda g, out, x: g * sigmoid(x))
relu = _elementwise("Relu", _relu, lambda g, out, x: where(x > 0, g, 0.0))

# -- more of numpy's ufuncs (each rule is the textbook derivative) -------------
_LN2, _LN10 = math.log(2.0), math.log(10.0)
log2 = _elementwise("Log2", np.log2, lambda g, out, x: g / (x * _LN2))
log10 = _elementwise("Log10", np.log10, lambda g, out, x: g / (x * _LN10))
exp2 = _elementwise("Exp2", np.exp2, lambda g, out, x: g * (out * _LN2))
expm1 = _elementwise("Expm1", np.expm1, lambda g, out, x: g * (out + 1))
arcsinh = _elementwise("Asinh", np.arcsinh, lambda g, out, x: g / sqrt(x**2 + 1))
arccosh = _elementwise("Acosh", np.arccosh, lambda g, out, x: g / sqrt(x**2 - 1))
arctanh = _elementwise("Atanh", np.arctanh, lambda g, out, x: g / (1 - x**2))
reciprocal = _elementwise("Reciprocal", np.reciprocal, lambda g, out, x: g * -(out**2))
arctan2 = _elementwise("Atan2", np.arctan2,  # the angle of the point (x, y): arctan2(y, x)
                       lambda g, out, y, x: g * (x / (x**2 + y**2)),
                       lambda g, out, y, x: g * (-y / (x**2 + y**2)))
hypot = _elementwise("Hypot", np.hypot, lambda g, out, a, b: g * (a / out),
                     lambda g, out, a, b: g * (b / out))
logaddexp = _elementwise("LogAddExp", np.logaddexp, lambda g, out, a, b: g * exp(a - out),
                         lambda g, out, a, b: g * exp(b - out))
logaddexp2 = _elementwise("LogAddExp2", np.logaddexp2, lambda g, out, a, b: g * exp2(a - out),
                          lambda g, out, a, b: g * exp2(b - out))
# The remainder a - b*floor(a/b) moves one for one with a; floor(a/b) is flat.
mod = _elementwise("Mod", np.mod, lambda g, out, a, b: g, lambda g, out, a, b: g * -floor(a / b))
fmod = _elementwise("Fmod", np.fmod, lambda g, out, a, b: g, lambda g, out, a, b: g * -trunc(a / b))


def _flat(g: Tensor, out: Tensor, x: Tensor) -> Tensor:
    return zeros_like(x)  # a step function: its derivative is 0 wherever it exists


floor = _elementwise("Floor", np.floor, _flat)
ceil = _elementwise("Ceil", np.ceil, _flat)
rint = _elementwise("Rint", np.rint, _flat)
trunc = _elementwise("Trunc", np.trunc, _flat)
remainder = mod
fabs = abs


def round(x: Any, decimals: int = 0) -> Tensor:  # noqa: A001
    """``x`` rounded to ``decimals`` decimals, halves to even (``np.round``); gradient 0."""
    if decimals == 0:
        return rint(x)
    return rint(x * 10.0**decimals) / 10.0**decimals


def deg2rad(x: Any) -> Tensor:
    """Degrees to radians: ``x * pi / 180``."""
    return multiply(x, math.pi / 180)


def rad2deg(x: Any) -> Tensor:
    """Radians to degrees: ``x * 180 / pi``."""
    return multiply(x, 180 / math.pi)


radians, degrees = deg2rad, rad2deg


def _share(a: Tensor, b: Tensor) -> Tensor:
    """1 where a wins, 1/2 on a tie, 0 where b wins: ties split the gradient."""
    return (a > b) + 0.5 * equal(a, b)


maximum = _elementwise(
    "Maximum", np.maximum, lambda g, out, a, b: g * _share(a, b), lambda g, out, a, b: g * _share(b, a)
)
minimum = _elementwise(
    "Minimum", np.minimum, lambda g, out, a, b: g * _share(b, a), lambda g, out, a, b: g * _share(a, b)
)

fmax = _elementwise(  # like maximum, but a nan loses
    "Fmax", np.fmax, lambda g, out, a, b: g * _share(a, b), lambda g, out, a, b: g * _share(b, a)
)
fmin = _elementwise(
    "Fmin", np.fmin, lambda g, out, a, b: g * _share(b, a), lambda g, out, a, b: g * _share(a, b)
)

# -- comparisons and selection (conditions are never differentiated) ----------
less = _elementwise("Less", np.less, None, None, dtype=np.bool_)
less_equal = _elementwise("LessEqual", np.less_equal, None, None, dtype=np.bool_)
greater = _elementwise("Greater", np.greater, None, None, dtype=np.bool_)
greater_equal = _elementwise("GreaterEqual", np.greater_equal, None, None, dtype=np.bool_)
equal = _elementwise("Equal", np.equal, None, None, dtype=np.bool_)
not_equal = _elementwise("NotEqual", np.not_equal, None, None, dtype=np.bool_)
logical_and = _elementwise("LogicalAnd", np.logical_and, None, None, dtype=np.bool_)
logical_or = _elementwise("LogicalOr", np.logical_or, None, None, dtype=np.bool_)
logical_xor = _elementwise("LogicalXor", np.logical_xor, None, None, dtype=np.bool_)
logical_not = _elementwise("LogicalNot", np.logical_not, None, dtype=np.bool_)
_where = _elementwise(
    "Select",
    np.where,
    None,
    lambda g, out, c, a, b: where(c, g, 0.0),
    lambda g, out, c, a, b: where(c, 0.0, g),
    choosers=(0,),  # the condition chooses; it takes no part in the result's dtype
)


def where(condition: Any, a: Any, b: Any, name: str | None = None) -> Tensor:
    """Elementwise choice: ``a`` where ``condition`` is true, else ``b``.

    This is the graph's ``if``. The gradient flows to ``a`` where the condition
    holds and to ``b`` elsewhere; the condition itself is not differentiated.
    """
    return named(_where(condition, a, b), name)


stop_gradient = _elementwise("StopGradient", lambda x: x, None)


def _cast(x: Any, dtype: str) -> np.ndarray:
    return np.asarray(x, dtype=dtype)


def _cast_rule(g: Tensor, out: Tensor, x: Tensor, dtype: str) -> Tensor:
    if np.dtype(dtype).kind != "f":  # rounded to integers: flat, as in TF (no gradient)
        return zeros_like(x)
    return cast(g, x.dtype)


defop("Cast", _cast, (_cast_rule,), tangents=(lambda t, out, x, dtype: cast(t, dtype),),
      shape=lambda inputs, attrs: (inputs[0].shape, inputs[0].skey),
      dtype=lambda attrs: attrs["dtype"])


def cast(x: Any, dtype: Any) -> Tensor:
    """``x`` as ``dtype`` (TF1's ``tf.cast``); the gradient is cast back."""
    dtype = np.dtype(dtype)
    x = as_tensor(x)
    if x.dtype == dtype:
        return x
    return apply("Cast", x, dtype=dtype.str)


identity = _elementwise("Identity", lambda x: x, lambda g, out, x: g)

# -- shape bookkeeping used by the engine ------------------------------------
defop(
    "SumToLike",
    _sum_to_like,
    (lambda g, out, r, o, a: sum_to_like(broadcast_like(g, o), o, r), None, None),
    tangents=(lambda t, out, r, o, a: sum_to_like(t, o, a), None, None),  # it is linear in r
    shape=_like(2),
    shape_inputs=(2,),  # a is read for its shape; out's dtype takes part (1.0 becomes float32)
)
defop(
    "BroadcastLike",
    _broadcast_like,
    (lambda g, out, t, u: sum_to_like(g, out, t), None),
    tangents=(lambda t, out, x, u: broadcast_like(t, u), None),
    shape=_broadcast_like_shape,  # (u's dtype takes part, as in the numpy kernel)
)
defop("OnesLike", np.ones_like, (None,), shape=_like(0))  # of its input's shape and dtype
defop("ZerosLike", np.zeros_like, (None,), shape=_like(0))
defop("Size", _size, (None,), shape_inputs=(0,))
defop("ReshapeLike", lambda t, like: np.reshape(t, np.shape(like)),
      (lambda g, out, t, like: reshape_like(g, t), None), shape=_like(1), shape_inputs=(1,),
      tangents=(lambda t, out, x, like: reshape_like(t, like), None))


def sum_to_like(r: Tensor, out: Tensor, a: Tensor) -> Tensor:
    """Broadcast ``r`` to the shape of ``out``, then sum it down to the shape of ``a``.

    This is how the engine undoes broadcasting: if ``a`` was stretched to make
    ``out``, every copy of ``a`` received gradient, and the copies' gradients add.
    """
    return apply("SumToLike", r, out, a)


def broadcast_like(t: Tensor, u: Tensor) -> Tensor:
    """``t`` broadcast against the shape of ``u`` (the gradient of :func:`sum_to_like`)."""
    return apply("BroadcastLike", t, u)


def ones_like(t: Any) -> Tensor:
    """Ones with the shape of ``t``."""
    return apply("OnesLike", t)


def zeros_like(t: Any) -> Tensor:
    """Zeros with the shape of ``t``."""
    return apply("ZerosLike", t)


def size(t: Any) -> Tensor:
    """The number of elements of ``t``, as a float, known when the graph runs."""
    return apply("Size", t)


def reshape_like(t: Tensor, like: Tensor) -> Tensor:
    """``t`` reshaped to the shape of ``like``."""
    return apply("ReshapeLike", t, like)


# -- reductions and shapes ----------------------------------------------------
def _unreduce(g: Tensor, x: Tensor, axis: Any, keepdims: bool) -> Tensor:
    """Spread ``g`` (the gradient of a reduction) back over the reduced axes of ``x``."""
    if axis is not None and not keepdims:
        g = apply("ExpandDims", g, axis=axis)
    return broadcast_like(g, x)


defop(
    "Sum",
    lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    (lambda g, out, x, axis, keepdims: _unreduce(g, x, axis, keepdims),),
    tangents=(lambda t, out, x, axis, keepdims: apply("Sum", t, axis=axis, keepdims=keepdims),),
    shape=_static(_reduce_shape),
)
defop(
    "Mean",
    lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    (lambda g, out, x, axis, keepdims:
        _unreduce(g, x, axis, keepdims) * (size(out) / size(x)),),
    tangents=(lambda t, out, x, axis, keepdims: apply("Mean", t, axis=axis, keepdims=keepdims),),
    shape=_static(_reduce_shape),
)
defop(
    "ExpandDims",
    lambda g, axis: np.expand_dims(g, axis),
    (lambda g, out, x, axis: reshape_like(g, x),),
    tangents=(lambda t, out, x, axis: apply("ExpandDims", t, axis=axis),),
    shape=_static(_expand_dims_shape),
)
defop(
    "Reshape",
    lambda x, shape: np.reshape(x, shape),
    (lambda g, out, x, shape: reshape_like(g, x),),
    tangents=(lambda t, out, x, shape: apply("Reshape", t, shape=shape),),
    shape=_static(_reshape_shape),
)
defop(
    "Transpose",
    lambda x, perm=None: np.transpose(x, perm),
    (lambda g, out, x, perm=None:
        transpose(g, None if perm is None else tuple(np.argsort(perm).tolist())),),
    tangents=(lambda t, out, x, perm=None: transpose(t, perm),),
    shape=_static(_transpose_shape),
)
defop(
    "MatrixTranspose",
    lambda x: np.swapaxes(x, -1, -2),
    (lambda g, out, x: matrix_transpose(g),),
    tangents=(lambda t, out, x: matrix_transpose(t),),
    shape=_static(_matrix_transpose_shape),
)
def _at_least_2d(x: Any, side: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim >= 2:
        return x
    return x[None, :] if side == "row" else x[:, None]


def _at_least_2d_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    (x,) = inputs
    if x.shape is None:
        return None, None
    if len(x.shape) >= 2:
        return x.shape, x.skey
    shape = (1,) + x.shape if attrs["side"] == "row" else x.shape + (1,)
    return shape, (shape if None not in shape else None)


defop(
    "AtLeast2D",
    _at_least_2d,
    (lambda g, out, x, side: reshape_like(g, x),),
    tangents=(lambda t, out, x, side: apply("AtLeast2D", t, side=side),),
    shape=_at_least_2d_shape,
)


def _matmul_operands(out: Tensor, a: Tensor, b: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """a and b as matrices (a vector a is a row, a vector b a column, as np.matmul treats
    them), and the product of those matrices, whose shape the gradient g must take."""
    A, B = apply("AtLeast2D", a, side="row"), apply("AtLeast2D", b, side="col")
    return A, B, (out if A is a and B is b else matmul(A, B))


def _matmul_grad_a(g: Tensor, out: Tensor, a: Tensor, b: Tensor) -> Tensor:
    A, B, product = _matmul_operands(out, a, b)
    G = reshape_like(g, product)
    return reshape_like(_sum_batch(matmul(G, matrix_transpose(B)), A), a)  # g @ b^T


def _matmul_grad_b(g: Tensor, out: Tensor, a: Tensor, b: Tensor) -> Tensor:
    A, B, product = _matmul_operands(out, a, b)
    G = reshape_like(g, product)
    return reshape_like(_sum_batch(matmul(matrix_transpose(A), G), B), b)  # a^T @ g


defop("MatMul", np.matmul, (_matmul_grad_a, _matmul_grad_b), shape=_static(_matmul_shape),
      tangents=(lambda t, out, a, b: matmul(t, b), lambda t, out, a, b: matmul(a, t)))


def _sum_batch(r: Tensor, like: Tensor) -> Tensor:
    """Sum ``r`` over the batch axes that broadcasting added to ``like`` (in batched matmul)."""
    return sum_to_like(r, r, like)


def _axis(axis: Any) -> Any:
    if axis is None or isinstance(axis, int):
        return axis
    return tuple(int(a) for a in axis)


def reduce_sum(x: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Sum of elements over ``axis`` (all axes by default), like ``np.sum``."""
    return named(apply("Sum", x, axis=_axis(axis), keepdims=bool(keepdims)), name)


def reduce_mean(x: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Mean of elements over ``axis`` (all axes by default), like ``np.mean``."""
    return named(apply("Mean", x, axis=_axis(axis), keepdims=bool(keepdims)), name)


def reshape(x: Any, shape: Sequence[int], name: str | None = None) -> Tensor:
    """``x`` with a new shape (one entry may be -1), like ``np.reshape``."""
    return named(apply("Reshape", x, shape=tuple(int(d) for d in shape)), name)


def transpose(x: Any, perm: Sequence[int] | None = None, name: str | None = None) -> Tensor:
    """Permute the axes of ``x`` (reverse them by default), like ``np.transpose``."""
    return named(apply("Transpose", x, perm=None if perm is None else tuple(int(p) for p in perm)), name)


def matrix_transpose(x: Any) -> Tensor:
    """Swap the last two axes of ``x``."""
    return apply("MatrixTranspose", x)


def matmul(a: Any, b: Any, name: str | None = None) -> Tensor:
    """Matrix product ``a @ b``, like ``np.matmul`` (batch axes broadcast)."""
    return named(apply("MatMul", a, b), name)


# -- stateful ops, run by the Session ------------------------------------------
defop("Assign", _assign, (None, None), shape=_like(0), foldable=False)
defop("Group", _group, None, foldable=False)


def group(*ops: Tensor, name: str | None = None) -> Tensor:
    """One op that runs all of ``ops`` (TF1's ``tf.group``)."""
    node = Tensor(OPS["Group"], tuple(ops), {}, None, None, None, name)
    return node


# ---------------------------------------------------------------------------
# Operator overloads: a + b, -a, a < b ... build nodes
# ---------------------------------------------------------------------------

def _swap(f: Callable) -> Callable:
    return lambda self, other: f(other, self)


floor_divide = _elementwise(  # a // b: a step function of both, so gradient 0
    "FloorDiv", np.floor_divide, lambda g, out, a, b: zeros_like(a), lambda g, out, a, b: zeros_like(b))


_BINARY_OPERATORS = {"add": add, "sub": subtract, "mul": multiply, "truediv": divide,
                     "pow": pow, "matmul": matmul, "mod": mod, "floordiv": floor_divide}
for _name, _build in _BINARY_OPERATORS.items():  # a + b, and b + a when b is a tensor
    setattr(Tensor, f"__{_name}__", _build)
    setattr(Tensor, f"__r{_name}__", _swap(_build))
Tensor.__neg__ = negative
Tensor.__pos__ = lambda self: self
Tensor.__abs__ = abs
Tensor.__lt__ = less
Tensor.__le__ = less_equal
Tensor.__gt__ = greater
Tensor.__ge__ = greater_equal


def _equality(build: Callable) -> Callable:
    def compare(self: Tensor, other: Any) -> Any:
        if not isinstance(other, (Tensor, int, float, list, tuple, np.ndarray, np.generic)) \
                or isinstance(other, complex):
            return NotImplemented  # x == None (or a string, a Session ...) is False
        return build(self, other)

    return compare


# == and != compare elementwise and build nodes, as in numpy: (x != 2) * x. A tensor still
# hashes by identity, so it can be a dictionary key (feed_dict={x: ...}); dictionaries and
# sets look keys up by identity first and never need ==.
Tensor.__eq__ = _equality(equal)
Tensor.__ne__ = _equality(not_equal)
Tensor.__hash__ = object.__hash__
