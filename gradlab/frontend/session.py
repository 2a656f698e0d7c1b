"""Running graphs: ``Session.run(fetches, feed_dict)``, as in TensorFlow 1.

A Session holds what a graph does not: the current values of Variables, and the
compiled plans (see :mod:`gradlab.compile.plan`) for each set of fetches it has run.

>>> x = gl.placeholder(gl.float32)
>>> y = gl.sin(x)
>>> with gl.Session() as session:
...     y_, (g_,) = session.run([y, gl.gradients(y, x)], feed_dict={x: [0.0, 1.0]})
"""

from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np

from ..compile.plan import Plan
from ..core.errors import FeedError, UninitializedVariableError
from ..core.graph import Tensor, format_shape, get_default_graph, hooks


def _flatten(fetches: Any, leaves: list[Tensor]) -> Callable[[Any], Any]:
    """Collect the tensors of a nested fetch structure; return a function rebuilding it."""
    if isinstance(fetches, Tensor):
        index = len(leaves)
        leaves.append(fetches)
        return lambda values: values[index]
    if isinstance(fetches, (list, tuple)):
        parts = [_flatten(f, leaves) for f in fetches]
        kind = type(fetches)
        if kind in (list, tuple):
            return lambda values: kind(p(values) for p in parts)
        return lambda values: kind(*(p(values) for p in parts))  # a namedtuple
    if isinstance(fetches, dict):
        parts_by_key = {k: _flatten(v, leaves) for k, v in fetches.items()}
        return lambda values: {k: p(values) for k, p in parts_by_key.items()}
    raise TypeError(
        f"cannot fetch {type(fetches).__name__} {fetches!r:.60}: fetches are gradlab tensors "
        "or ops, or lists, tuples and dicts of them"
    )


def _feed_value(node: Any, value: Any) -> np.ndarray:
    if not isinstance(node, Tensor):
        raise TypeError(
            f"feed_dict keys must be gradlab tensors (such as a placeholder), not "
            f"{type(node).__name__} {node!r:.40}"
        )
    if isinstance(value, Tensor):
        raise TypeError(
            f"the value fed for '{node.name}' is itself a tensor ('{value.name}'); "
            "feed numbers or numpy arrays, or run that tensor first"
        )
    array = np.asarray(value)
    if array.dtype != node.dtype:
        if array.dtype.kind not in "biuf":
            raise FeedError(f"cannot feed {array.dtype} values {value!r:.40} for '{node.name}'")
        array = array.astype(node.dtype)
    want = node.shape
    if want is not None and (
        array.ndim != len(want) or any(w is not None and w != d for w, d in zip(want, array.shape))
    ):
        raise FeedError(
            f"cannot feed a value of shape {format_shape(array.shape)} for '{node.name}', "
            f"which has shape {format_shape(want)}"
        )
    return array


def _output(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return value[()]  # a scalar comes back as a numpy scalar, as in TensorFlow
        return value if value.flags.writeable else value.copy()
    if isinstance(value, float):
        return np.float64(value)
    return value


class Session:
    """Runs graphs and holds Variable values. Use as ``with gl.Session() as session:``."""

    def __init__(self, graph: Any = None) -> None:
        self.graph = graph or get_default_graph()
        self._values: dict[Tensor, np.ndarray] = {}
        self._plans: dict[Any, Plan] = {}
        self.compile_count = 0
        """How many plans this session has compiled (a re-run of a fetch set adds none)."""
        self._closed = False

    # -- context manager --------------------------------------------------------
    def __enter__(self) -> "Session":
        _sessions.stack.append(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        _sessions.stack.remove(self)
        self.close()

    def close(self) -> None:
        """Free the Variable values and compiled plans."""
        self._values.clear()
        self._plans.clear()
        self._closed = True

    # -- running ------------------------------------------------------------------
    def run(self, fetches: Any, feed_dict: dict | None = None) -> Any:
        """Compute ``fetches`` (a tensor, an op, or nested lists/tuples/dicts of them).

        ``feed_dict`` maps placeholders (or any tensor) to values. Returns numpy
        arrays in the same structure as ``fetches``; ops such as an optimizer's
        training step give ``None``.
        """
        # Fast path, for a slider re-running the same fetches: a flat list (or one tensor)
        # and float arrays already of the placeholders' dtypes. It only looks up the plan
        # compiled on an earlier call; everything else goes the general way below.
        kind = type(fetches)
        if kind is list or kind is tuple or kind is Tensor:
            key = [(fetches,) if kind is Tensor else tuple(fetches)]
            feeds = []
            for node, value in (feed_dict or {}).items():
                if type(value) is not np.ndarray or value.dtype is not node.dtype:
                    break
                feeds.append(value)
                key += (node, value.shape)
            else:
                try:
                    plan = self._plans.get(tuple(key))
                except TypeError:  # something unhashable: not a flat list of tensors
                    plan = None
                if plan is not None:
                    fetched = self._execute(plan, feeds)
                    return fetched[0] if kind is Tensor else list(fetched) if kind is list else fetched
        leaves: list[Tensor] = []
        rebuild = _flatten(fetches, leaves)
        plan, feeds = self._plan(leaves, feed_dict)
        return rebuild([_output(v) for v in self._execute(plan, feeds)])

    def _execute(self, plan: Plan, feeds: list) -> tuple:
        """Run a compiled plan, store what it assigns to Variables, and return the
        fetched values."""
        fetched, assigned = plan(feeds, self._read_variables(plan) if plan.variables else ())
        for (var, _), value in zip(plan.effects, assigned):
            self._values[var] = value
        return fetched

    def plan(self, fetches: Any, feed_dict: dict | None = None) -> Plan:
        """The compiled plan for ``fetches`` with these feeds (compiling it if needed).

        ``print(session.plan(y, {x: xs}))`` lists its steps; ``len(...)`` counts them.
        """
        leaves: list[Tensor] = []
        _flatten(fetches, leaves)
        return self._plan(leaves, feed_dict)[0]

    def _plan(self, leaves: list[Tensor], feed_dict: dict | None) -> tuple[Plan, list]:
        """Find or compile the plan; return it with the feeds in the nodes' dtypes.

        Compiling runs the unoptimised plan once, to learn every shape. Its results are
        not returned: the optimised plan may round differently in the last bit, and
        every run of the same fetches should give the same numbers, the first included.
        """
        if self._closed:
            raise RuntimeError("this Session is closed")
        fed = list(feed_dict) if feed_dict else []
        feeds = [_feed_value(node, feed_dict[node]) for node in fed]  # now of the nodes' dtypes
        key: tuple = (tuple(leaves),)
        for node, value in zip(fed, feeds):
            key += (node, value.shape)
        plan = self._plans.get(key)
        if plan is not None:
            return plan, feeds
        raw = Plan(leaves, fed)
        seen: dict = {}
        raw.interpret(feeds, self._read_variables(raw), seen)  # the shape pass
        plan = self._plans[key] = raw.specialize(seen)
        self.compile_count += 1
        return plan, feeds

    def _read_variables(self, plan: Plan) -> list[np.ndarray]:
        try:
            return [self._values[var] for _, var in plan.variables]
        except KeyError as missing:
            var = missing.args[0]
            raise UninitializedVariableError(
                f"Variable '{var.name}' has no value in this Session yet: run "
                "session.run(gl.global_variables_initializer()) first (create the "
                "initializer after the optimizer, which adds Variables of its own)"
            ) from None


class InteractiveSession(Session):
    """A Session that makes itself the default when created, for notebooks and shells:
    ``tensor.eval()`` and ``op.run()`` use it without a ``with`` block. Close it with
    ``close()``."""

    def __init__(self, graph: Any = None) -> None:
        super().__init__(graph)
        _sessions.stack.append(self)

    def close(self) -> None:
        if self in _sessions.stack:
            _sessions.stack.remove(self)
        super().close()


class _SessionStack(threading.local):
    def __init__(self) -> None:
        self.stack: list[Session] = []


_sessions = _SessionStack()


def get_default_session() -> Session:
    """The innermost ``with gl.Session()`` session (used by ``tensor.eval()``)."""
    if not _sessions.stack:
        raise RuntimeError("no default session: use 'with gl.Session() as session:'")
    return _sessions.stack[-1]


hooks.default_session = get_default_session  # lets tensor.eval() find the session
