"""Variables: the state of a TF1 program, such as model weights.

A Variable is a named piece of state. Its value does not live in the node (nodes
are immutable) but in the :class:`~gradlab.Session` that runs it;
``v.assign(new)`` builds an op that, when run, stores ``new`` there. (Placeholders,
the other leaves a program makes, belong to the core: :mod:`gradlab.core.opdef`.)
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core.errors import ShapeError
from ..core.graph import Tensor, broadcast_static, format_shape, get_default_graph
from ..core.ops import OPS, as_tensor, group


class Variable(Tensor):
    """A named value that persists between runs, such as a weight to be trained.

    >>> W = gl.Variable([0.0], name="W")
    >>> with gl.Session() as s:
    ...     s.run(gl.global_variables_initializer())
    ...     s.run(W.assign(W + 1))

    The shape and dtype are fixed by the initial value (integers become float64).
    """

    __slots__ = ()

    def __init__(self, initial_value: Any, name: str | None = None, trainable: bool = True,
                 dtype: Any = None) -> None:
        if isinstance(initial_value, Tensor):
            if initial_value.op.name != "Const":
                raise TypeError(
                    f"a Variable's initial value must be known when it is created; "
                    f"'{initial_value.name}' is computed by the graph. Use numbers, "
                    "arrays, or gl.zeros/gl.ones/gl.constant."
                )
            initial_value = initial_value.attrs["value"]
        value = np.array(initial_value, dtype=dtype)
        if value.dtype.kind in "iub":
            value = value.astype(np.float64)
        if value.dtype.kind != "f":
            raise TypeError(f"a Variable holds floating point values, not {value.dtype}")
        value.setflags(write=False)
        super().__init__(OPS["Variable"], (), {"initial_value": value, "trainable": trainable},
                         value.dtype, value.shape, value.shape, name)
        self.graph.variables.append(self)

    @property
    def initial_value(self) -> np.ndarray:
        return self.attrs["initial_value"]

    @property
    def trainable(self) -> bool:
        return self.attrs["trainable"]

    @property
    def initializer(self) -> Tensor:
        """An op that sets this Variable to its initial value."""
        return self.assign(self.initial_value)

    def assign(self, value: Any, name: str | None = None) -> Tensor:
        """An op that stores ``value`` in this Variable when run (and returns it).

        ``value`` must have the Variable's shape or broadcast to it (a scalar fills it).
        """
        value = as_tensor(value)
        try:
            fits = broadcast_static([value.shape, self.shape]) in (None, self.shape)
        except ShapeError:
            fits = False
        if not fits:
            raise ShapeError(
                f"cannot assign a value of shape {format_shape(value.shape)} to Variable "
                f"'{self.name}' of shape {format_shape(self.shape)}"
            )
        return Tensor(OPS["Assign"], (self, value), {}, self.dtype, self.shape, self.skey,
                      name or "Assign")

    def assign_add(self, delta: Any, name: str | None = None) -> Tensor:
        """An op that adds ``delta`` to this Variable."""
        return self.assign(self + delta, name)

    def assign_sub(self, delta: Any, name: str | None = None) -> Tensor:
        """An op that subtracts ``delta`` from this Variable."""
        return self.assign(self - delta, name)


def global_variables() -> list[Variable]:
    """All Variables of the default graph, in creation order."""
    return list(get_default_graph().variables)


def trainable_variables() -> list[Variable]:
    """The Variables of the default graph that optimizers update."""
    return [v for v in get_default_graph().variables if v.trainable]


def variables_initializer(var_list: Sequence[Variable], name: str = "init") -> Tensor:
    """One op that sets each Variable of ``var_list`` to its initial value."""
    return group(*(v.initializer for v in var_list), name=name)


def global_variables_initializer() -> Tensor:
    """One op that initializes every Variable created so far (run it once per Session).

    Create it *after* the optimizer: optimizers such as Adam add Variables of
    their own when ``minimize`` is called.
    """
    return variables_initializer(global_variables())
