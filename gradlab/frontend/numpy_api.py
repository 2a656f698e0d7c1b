"""numpy functions on tensors: ``np.sin(t)`` and ``np.ones(3) * t`` build graph nodes.

numpy asks each argument's type whether it handles a ufunc call itself
(``__array_ufunc__``). A tensor answers with the gradlab op of the same name, so a
numpy array mixed with a tensor becomes a constant node, never an array of objects.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..core.graph import Tensor
from ..core.ops import (abs, add, arccos, arcsin, arctan, cos, cosh, divide, equal, exp, greater,
                        greater_equal, less, less_equal, log, log1p, matmul, maximum, minimum,
                        multiply, negative, not_equal, pow, sign, sin, sinh, sqrt, square, subtract,
                        tan, tanh)

_UFUNCS: dict[Any, Callable] = {
    np.add: add, np.subtract: subtract, np.multiply: multiply, np.true_divide: divide,
    np.power: pow, np.negative: negative, np.matmul: matmul, np.sin: sin, np.cos: cos,
    np.tan: tan, np.arcsin: arcsin, np.arccos: arccos, np.arctan: arctan, np.sinh: sinh,
    np.cosh: cosh, np.tanh: tanh, np.exp: exp, np.log: log, np.log1p: log1p, np.sqrt: sqrt,
    np.square: square, np.absolute: abs, np.sign: sign, np.maximum: maximum,
    np.minimum: minimum, np.less: less, np.less_equal: less_equal, np.greater: greater,
    np.greater_equal: greater_equal, np.equal: equal, np.not_equal: not_equal,
}


def _array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """Let numpy hand mixed expressions to gradlab: ``np.ones(3) * t`` and ``np.sin(t)``
    build graph nodes (never numpy object arrays)."""
    build = _UFUNCS.get(ufunc)
    if method != "__call__" or kwargs or build is None:
        return NotImplemented
    return build(*inputs)


Tensor.__array_ufunc__ = _array_ufunc
