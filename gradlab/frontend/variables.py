"""Variables: the state of a TF1 program, such as model weights.

A Variable is a named piece of state. Its value does not live in the node (nodes
are immutable) but in the :class:`~gradlab.Session` that runs it;
``v.assign(new)`` builds an op that, when run, stores ``new`` there. (Placeholders,
the other leaves a program makes, belong to the core: :mod:`gradlab.core.opdef`.)
"""

from __future__ import annotations

import weakref
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import numpy as np

from ..core.errors import ShapeError
from ..core.graph import Tensor, broadcast_static, format_shape, get_default_graph
from ..core.ops import OPS, as_tensor, cast, group
from .options import accept
from ..core.random_ops import random_normal, random_uniform, truncated_normal


class Variable(Tensor):
    """A named value that persists between runs, such as a weight to be trained.

    >>> W = gl.Variable([0.0], name="W")
    >>> with gl.Session() as s:
    ...     s.run(gl.global_variables_initializer())
    ...     s.run(W.assign(W + 1))

    The shape and dtype are fixed by the initial value. An integer Variable (a step
    counter, ``Variable(0, trainable=False)``) is never trained.
    """

    __slots__ = ()

    def __init__(self, initial_value: Any, name: str | None = None, trainable: bool = True,
                 dtype: Any = None, **ignored: Any) -> None:
        accept("Variable", ignored)
        if isinstance(initial_value, Tensor) and initial_value.op.name != "Const":
            # An expression (tf.random_normal([784, 10]), W * 2 ...): computed when the
            # initializer runs, so random initial values are drawn then.
            start: Any = initial_value if dtype is None else cast(initial_value, dtype)
            if start.shape is None or None in start.shape:
                raise ShapeError(f"a Variable's shape must be known; its initial value "
                                 f"'{start.name}' has shape {format_shape(start.shape)}")
            if start.dtype.kind not in "fiub":
                raise TypeError(f"a Variable holds numbers, not {start.dtype}")
            shape, value_dtype = start.shape, start.dtype
        else:
            if isinstance(initial_value, Tensor):
                initial_value = initial_value.attrs["value"]
            start = np.array(initial_value, dtype=dtype)
            if start.dtype == np.int64 and dtype is None and isinstance(initial_value, int):
                start = start.astype(np.int32)  # tf.Variable(0): an int32 counter, as in TF
            if start.dtype.kind not in "fiub":
                raise TypeError(f"a Variable holds numbers, not {start.dtype}")
            start.setflags(write=False)
            shape, value_dtype = start.shape, start.dtype
        super().__init__(OPS["Variable"], (), {"initial_value": start, "trainable": trainable},
                         value_dtype, shape, shape, name)
        self.graph.variables.append(self)

    @property
    def initial_value(self) -> Any:
        """The initial value: an array, or the tensor that computes it."""
        return self.attrs["initial_value"]

    @property
    def trainable(self) -> bool:
        return self.attrs["trainable"]

    @property
    def initializer(self) -> Tensor:
        """An op that sets this Variable to its initial value: ``W.initializer.run()``."""
        return self.assign(self.initial_value, name=f"{self.name}/Assign")

    def initialized_value(self) -> Tensor:
        """The value this Variable gets from its initializer, as a tensor: use it to
        initialise another Variable from this one (``Variable(W.initialized_value() * 2)``)."""
        start = self.initial_value
        return start if isinstance(start, Tensor) else as_tensor(start)

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
    """The Variables of the default graph that optimizers update (floating point ones)."""
    return [v for v in get_default_graph().variables if v.trainable and v.dtype.kind == "f"]


def assign(ref: Variable, value: Any, name: str | None = None, **ignored: Any) -> Tensor:
    accept("assign", ignored)
    """``ref.assign(value)`` (TF1's ``tf.assign``)."""
    return ref.assign(value, name)


def assign_add(ref: Variable, value: Any, name: str | None = None, **ignored: Any) -> Tensor:
    accept("assign_add", ignored)
    return ref.assign_add(value, name)


def assign_sub(ref: Variable, value: Any, name: str | None = None, **ignored: Any) -> Tensor:
    accept("assign_sub", ignored)
    return ref.assign_sub(value, name)


def variables_initializer(var_list: Sequence[Variable], name: str = "init") -> Tensor:
    """One op that sets each Variable of ``var_list`` to its initial value."""
    return group(*(v.initializer for v in var_list), name=name)


def initialize_all_variables() -> Tensor:
    """TF1's old name for :func:`global_variables_initializer`."""
    return global_variables_initializer()


def local_variables_initializer() -> Tensor:
    """gradlab has no local variables; an op that does nothing, for TF1 programs."""
    return group(name="init_local")


def global_variables_initializer() -> Tensor:
    """One op that initializes every Variable created so far (run it once per Session).

    Create it *after* the optimizer: optimizers such as Adam add Variables of
    their own when ``minimize`` is called.
    """
    return variables_initializer(global_variables())


# ---------------------------------------------------------------------------
# Scopes, get_variable and initializers
# ---------------------------------------------------------------------------


@contextmanager
def name_scope(name: str, default_name: str | None = None, values: Any = None) -> Iterator[str]:
    """Prefix the names of the nodes made inside: ``layer1/MatMul`` (shown in drawings
    and TensorBoard)."""
    graph = get_default_graph()
    graph.scopes.append(name or default_name or "scope")
    try:
        yield "/".join(graph.scopes)
    finally:
        graph.scopes.pop()


class _Scope:
    def __init__(self, name: str, reuse: bool, initializer: Any) -> None:
        self.name, self.reuse, self.initializer = name, reuse, initializer

    def reuse_variables(self) -> None:
        """From now on get_variable in this scope returns existing Variables."""
        self.reuse = True


class _ScopeState:
    """Per graph: the variable scopes in force, and the Variables get_variable made."""

    def __init__(self) -> None:
        self.scopes: list[_Scope] = []
        self.named: dict[str, Variable] = {}


_STATES: "weakref.WeakKeyDictionary[Any, _ScopeState]" = weakref.WeakKeyDictionary()


def _state() -> _ScopeState:
    graph = get_default_graph()
    if graph not in _STATES:
        _STATES[graph] = _ScopeState()
    return _STATES[graph]


@contextmanager
def variable_scope(name_or_scope: Any, default_name: str | None = None, values: Any = None,
                   initializer: Any = None, reuse: Any = None, **ignored: Any) -> Iterator[_Scope]:
    """Name Variables made by :func:`get_variable` inside (``layer1/W``); with
    ``reuse=True`` (or after ``scope.reuse_variables()``) get_variable returns the
    existing ones instead of making new ones."""
    accept("variable_scope", ignored)
    graph, state = get_default_graph(), _state()
    name = name_or_scope.name.split("/")[-1] if isinstance(name_or_scope, _Scope) else \
        (name_or_scope or default_name or "scope")
    inherited = bool(state.scopes and state.scopes[-1].reuse)
    scope = _Scope("/".join(graph.scopes + [name]), bool(reuse) or inherited, initializer)
    state.scopes.append(scope)
    graph.scopes.append(name)
    try:
        yield scope
    finally:
        graph.scopes.pop()
        state.scopes.pop()


def get_variable(name: str, shape: Sequence[int] | None = None, dtype: Any = np.float64,
                 initializer: Any = None, regularizer: Any = None, trainable: bool = True,
                 **ignored: Any) -> Variable:
    """The Variable called ``name`` in the current variable scope: a new one, or with
    ``reuse`` the existing one. ``initializer`` is an initializer object (such as
    ``gl.zeros_initializer()``), an array, or a number; the default is Glorot uniform,
    as in TF1."""
    accept("get_variable", {"regularizer": regularizer, **ignored})
    graph, state = get_default_graph(), _state()
    scope = state.scopes[-1] if state.scopes else None
    full = "/".join(graph.scopes + [name])
    existing = state.named
    if scope is not None and scope.reuse:
        if full not in existing:
            raise ValueError(f"Variable {full} does not exist, and reuse=True: it cannot be reused")
        return existing[full]
    if full in existing:
        raise ValueError(f"Variable {full} already exists. Did you mean to set reuse=True in "
                         "variable_scope?")
    if initializer is None and scope is not None:
        initializer = scope.initializer
    if initializer is None:
        initializer = glorot_uniform_initializer()
    if callable(initializer):
        if shape is None:
            raise ValueError(f"get_variable('{name}') needs a shape to use its initializer")
        start = initializer(tuple(int(d) for d in shape), np.dtype(dtype))
    else:
        start = np.broadcast_to(np.asarray(initializer, dtype=dtype),
                                () if shape is None else tuple(shape))
    saved = graph.scopes
    graph.scopes = []  # the full name is already in `name`
    try:
        variable = Variable(start, name=full, trainable=trainable, dtype=dtype)
    finally:
        graph.scopes = saved
    existing[full] = variable
    return variable


class _Initializer:
    """Makes a Variable's initial value, given its shape and dtype."""

    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        raise NotImplementedError


class zeros_initializer(_Initializer):  # noqa: N801  (TF's names)
    def __init__(self, dtype: Any = np.float64) -> None:
        pass

    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        return np.zeros(shape, dtype)


class ones_initializer(_Initializer):  # noqa: N801
    def __init__(self, dtype: Any = np.float64) -> None:
        pass

    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        return np.ones(shape, dtype)


class constant_initializer(_Initializer):  # noqa: N801
    def __init__(self, value: Any = 0, dtype: Any = np.float64) -> None:
        self.value = value

    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        return np.broadcast_to(np.asarray(self.value, dtype), shape).copy()


class random_normal_initializer(_Initializer):  # noqa: N801
    def __init__(self, mean: float = 0.0, stddev: float = 1.0, seed: int | None = None,
                 dtype: Any = np.float64) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        return random_normal(shape, self.mean, self.stddev, dtype, self.seed)


class truncated_normal_initializer(random_normal_initializer):  # noqa: N801
    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        return truncated_normal(shape, self.mean, self.stddev, dtype, self.seed)


class random_uniform_initializer(_Initializer):  # noqa: N801
    def __init__(self, minval: float = 0.0, maxval: float = 1.0, seed: int | None = None,
                 dtype: Any = np.float64) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        return random_uniform(shape, self.minval, self.maxval, dtype, self.seed)


class glorot_uniform_initializer(_Initializer):  # noqa: N801
    """Uniform in +-sqrt(6 / (fan_in + fan_out)): activations keep their scale from layer
    to layer (Glorot and Bengio, 2010)."""

    def __init__(self, seed: int | None = None, dtype: Any = np.float64) -> None:
        self.seed = seed

    def __call__(self, shape: tuple, dtype: Any = np.float64, partition_info: Any = None) -> Any:
        if len(shape) < 1:
            fan_in = fan_out = 1
        elif len(shape) == 1:
            fan_in = fan_out = shape[0]
        else:
            receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
            fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = float(np.sqrt(6.0 / (fan_in + fan_out)))
        return random_uniform(shape, -limit, limit, dtype, self.seed)
