"""numpy code on tensors: ``np.sin(t)``, ``np.sum(t, axis=0)``, ``t[0]``, ``t.T``.

numpy asks each argument's type whether it handles a call itself, through two
protocols, and a tensor answers both by building graph nodes:

* ``__array_ufunc__`` for elementwise functions (``np.sin``, ``np.ones(3) * t``);
* ``__array_function__`` for the rest (``np.sum``, ``np.dot``, ``np.concatenate``),
  written in :mod:`gradlab.frontend.numpy_functions`.

A numpy function that gradlab does not know raises an error naming it, never an
array of objects. This module also gives tensors the array manners a numpy user
expects: indexing, ``.T``, ``.ndim``, ``len()``, iteration and methods such as
``.sum()``; and it says clearly why ``t[0] = 1`` cannot work.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Iterator

import numpy as np

from ..core import array_ops as ax
from ..core import ops
from ..core.graph import Tensor
from . import numpy_functions as nf

_UFUNCS: dict[Any, Callable] = {
    np.add: ops.add, np.subtract: ops.subtract, np.multiply: ops.multiply,
    np.true_divide: ops.divide, np.power: ops.pow, np.negative: ops.negative,
    np.positive: lambda x: x, np.matmul: ops.matmul, np.sin: ops.sin, np.cos: ops.cos,
    np.tan: ops.tan, np.arcsin: ops.arcsin, np.arccos: ops.arccos, np.arctan: ops.arctan,
    np.sinh: ops.sinh, np.cosh: ops.cosh, np.tanh: ops.tanh, np.exp: ops.exp, np.log: ops.log,
    np.log1p: ops.log1p, np.sqrt: ops.sqrt, np.square: ops.square, np.absolute: ops.abs,
    np.sign: ops.sign, np.maximum: ops.maximum, np.minimum: ops.minimum, np.less: ops.less,
    np.less_equal: ops.less_equal, np.greater: ops.greater, np.greater_equal: ops.greater_equal,
    np.equal: ops.equal, np.not_equal: ops.not_equal,
    np.log2: ops.log2, np.log10: ops.log10, np.exp2: ops.exp2, np.expm1: ops.expm1,
    np.arcsinh: ops.arcsinh, np.arccosh: ops.arccosh, np.arctanh: ops.arctanh,
    np.arctan2: ops.arctan2, np.hypot: ops.hypot, np.logaddexp: ops.logaddexp,
    np.logaddexp2: ops.logaddexp2, np.reciprocal: ops.reciprocal, np.fabs: ops.abs,
    np.fmax: ops.fmax, np.fmin: ops.fmin, np.deg2rad: ops.deg2rad, np.rad2deg: ops.rad2deg,
    np.radians: ops.deg2rad, np.degrees: ops.rad2deg, np.remainder: ops.mod, np.fmod: ops.fmod,
    np.floor: ops.floor, np.ceil: ops.ceil, np.rint: ops.rint, np.trunc: ops.trunc,
    np.floor_divide: ops.floor_divide, np.conjugate: lambda x: x,  # real numbers only
}


def _array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """Let numpy hand elementwise functions to gradlab: ``np.ones(3) * t`` and
    ``np.sin(t)`` build graph nodes (never numpy object arrays)."""
    build = _UFUNCS.get(ufunc)
    if build is None:
        raise nf.Unsupported(f"np.{ufunc.__name__} is not supported on gradlab tensors yet")
    if method != "__call__":
        raise nf.Unsupported(f"np.{ufunc.__name__}.{method} is not supported on gradlab tensors "
                             f"yet; for np.add.reduce use np.sum")
    if kwargs:
        raise nf.Unsupported(f"np.{ufunc.__name__}(..., {', '.join(kwargs)}=...) is not "
                             "supported on gradlab tensors: a graph node has no 'out' buffer")
    if any(isinstance(i, (complex, np.complexfloating)) or np.iscomplexobj(i)
           for i in inputs if not isinstance(i, Tensor)):
        raise TypeError("complex numbers are out of gradlab's scope: it differentiates real "
                        "functions of real numbers")
    return build(*inputs)


def _array_function(self: Tensor, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    """Let numpy hand its other functions (``np.sum``, ``np.dot`` ...) to gradlab."""
    build = nf.IMPLEMENTATIONS.get(func)
    if build is None:
        module = getattr(func, "__module__", "numpy") or "numpy"
        where = "np.linalg." if "linalg" in module else "np."
        raise nf.Unsupported(f"{where}{func.__name__} is not supported on gradlab tensors yet "
                             "(see the README's table 'numpy inside gradlab')")
    return build(*args, **kwargs)


Tensor.__array_ufunc__ = _array_ufunc
Tensor.__array_function__ = _array_function


# ---------------------------------------------------------------------------
# Array manners
# ---------------------------------------------------------------------------


def _getitem(self: Tensor, index: Any) -> Tensor:
    return ax.getitem(self, index)


def _setitem(self: Tensor, index: Any, value: Any) -> None:
    raise TypeError(
        f"tensor '{self.name}' cannot be changed in place: a graph node is a fixed step of "
        "the computation. Build a new tensor instead, such as gl.where(mask, new, t) to "
        "replace some elements or np.concatenate([...]) to join pieces")


def _static_shape(self: Tensor, what: str) -> tuple:
    if self.shape is None or None in self.shape:
        raise TypeError(f"{what} of tensor '{self.name}' is not known when the graph is built "
                        f"(shape {self.shape})")
    return self.shape


def _len(self: Tensor) -> int:
    if self.shape is not None and self.shape and self.shape[0] is not None:
        return self.shape[0]
    if self.shape == ():
        raise TypeError(f"len() of a scalar tensor '{self.name}'")
    raise TypeError(f"len() of tensor '{self.name}' is not known when the graph is built "
                    f"(shape {self.shape})")


def _iter(self: Tensor) -> Iterator[Tensor]:
    if self.shape is None or not self.shape or self.shape[0] is None:
        raise TypeError(
            f"tensor '{self.name}' cannot be iterated: the length of its first axis is not "
            f"known when the graph is built (shape {self.shape}). Run it in a Session to get a "
            "numpy array")
    return (ax.getitem(self, i) for i in range(self.shape[0]))


def _ndim_of(self: Tensor) -> int:
    if self.shape is None:
        raise TypeError(f"the number of axes of tensor '{self.name}' is not known when the "
                        "graph is built")
    return len(self.shape)


def _size_of(self: Tensor) -> int:
    return math.prod(_static_shape(self, "the size"))


def _shape_args(args: tuple) -> Any:
    """``t.reshape(2, 3)`` and ``t.reshape((2, 3))`` mean the same, as in numpy."""
    return args[0] if len(args) == 1 and not isinstance(args[0], (int, np.integer)) else args


def _method(function: Callable) -> Callable:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        return function(self, *args, **kwargs)

    method.__name__ = function.__name__
    method.__doc__ = f"Same as ``np.{function.__name__.strip('_')}(t, ...)``."
    return method


_METHODS = {
    "sum": nf.sum, "any": nf.any_, "all": nf.all_, "mean": nf.mean, "max": nf.max, "min": nf.min, "prod": nf.prod,
    "var": nf.var, "std": nf.std, "cumsum": nf.cumsum, "ravel": nf.ravel, "flatten": nf.ravel,
    "squeeze": nf.squeeze, "dot": nf.dot, "clip": nf.clip, "swapaxes": nf.swapaxes,
    "repeat": nf.repeat, "diagonal": nf.diagonal, "trace": nf.trace,
}
for _name, _function in _METHODS.items():
    setattr(Tensor, _name, _method(_function))

Tensor.__getitem__ = _getitem
Tensor.__setitem__ = _setitem
Tensor.__len__ = _len
Tensor.__iter__ = _iter
Tensor.T = property(lambda self: ops.transpose(self), doc="The axes reversed (``np.transpose``).")
Tensor.ndim = property(_ndim_of, doc="The number of axes, when known while building.")
Tensor.size = property(_size_of, doc="The number of elements, when known while building.")
Tensor.reshape = lambda self, *shape, order="C": nf._reshape(self, _shape_args(shape), order)
Tensor.transpose = lambda self, *axes: ops.transpose(self, _shape_args(axes) if axes else None)
Tensor.astype = lambda self, dtype, **kwargs: ops.cast(self, dtype)

