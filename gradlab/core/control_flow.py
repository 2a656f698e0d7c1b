"""Control flow: an ``if`` or a ``while`` that depends on values the graph computes.

There are two answers to "how does a derivative go through an ``if``?", and gradlab
has both, because the contrast between them is the lesson.

**A trace with values** (the functional API, ``gl.grad(f)``). While ``f`` is traced,
its placeholders carry the values of the call's arguments (:func:`trace_values`).
When ``f`` asks ``if x > 0:``, the comparison is computed from those values, Python
takes one branch, and the graph records only the branch that was taken: a trace
*unrolls* control flow. The graph may differ from call to call, so such a function
is traced again on every call; a function that never asks is traced once.

**Control flow inside the graph** (TF1, :func:`cond` and :func:`while_loop`). A graph
built once and run many times must *contain* its control flow. ``cond`` and
``while_loop`` are ops whose branches and bodies are small graphs of their own,
*closed*: every value a branch reads from outside comes in through a stand-in
placeholder, and the op's inputs feed those stand-ins. When the op runs, it runs only
the branch it chose (so ``cond(x > 0, lambda: log(x), lambda: 0.0)`` never takes the
log of a negative number), or the body as many times as the condition says.

Their derivatives are built from the same ops, so they differentiate again:

* the gradient of a ``cond`` is a ``cond`` of the branches' gradients;
* the tangent of a ``while_loop`` is a ``while_loop`` that carries a tangent beside
  each loop variable (forward mode, as dual numbers would);
* the gradient of a ``while_loop`` with respect to a small input of known shape asks
  one tangent loop per element of the input (``gᵀ J``, one column at a time);
* with respect to an input of unknown or large shape, it is a ``while_loop`` that runs
  *backwards* over the passes, pulling the adjoints back through one pass of the body
  at a time. It stores no iterates: the state of pass k is recomputed by running the
  body k times from the start, so N passes cost about N²/2 runs of the body (fine for
  the loops of a lesson; a long loop is better written with vectors). A run that would
  need more than :data:`MAX_PASSES` body passes stops with an error that says so.
"""

from __future__ import annotations

import inspect
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from .autodiff import gradients
from .errors import GradlabError, ShapeError
from .evaluate import _compute, evaluate
from .forward import forward_gradients
from .graph import Tensor, recording, toposort
from .opdef import as_tensor, const_value, constant, defop, placeholder
from .array_ops import concat_all
from .ops import cast, reduce_sum, reshape, zeros_like
from .simplify import apply, rebuild

MAX_ITERATIONS = 100_000
"""A while_loop that runs this often without stopping is stopped with an error (a
condition that never becomes false would otherwise hang the kernel)."""

MAX_PASSES = 200_000
"""At most this many passes of loop bodies in one run of a graph, counting the loops that
derivatives of loops run inside their own bodies (a few seconds of work)."""

SMALL_INPUT = 16
"""A loop's gradient with respect to an input of at most this many elements (of known
shape) is found with one tangent loop per element; a larger or unknown-shaped input uses
the backward loop."""


class _Passes(threading.local):
    def __init__(self) -> None:
        self.depth = 0
        self.count = 0


_passes = _Passes()

# ---------------------------------------------------------------------------
# 1. Traces with values: a Python `if` on a tensor inside gl.grad
# ---------------------------------------------------------------------------


class TraceValues:
    """The values a trace's placeholders stand for, and whether the traced function
    asked for the truth value of a tensor (then its graph depends on its input)."""

    def __init__(self, values: dict[Tensor, Any]) -> None:
        self.values = dict(values)
        self.asked = False


class _Active(threading.local):
    def __init__(self) -> None:
        self.stack: list[TraceValues] = []


_active = _Active()


@contextmanager
def trace_values(values: dict[Tensor, Any]) -> Iterator[TraceValues]:
    """Inside the block, tensors computed from these placeholders have known values:
    ``bool(x > 0)`` is answered instead of refused. Blocks nest (``grad`` of ``grad``)."""
    context = TraceValues(values)
    _active.stack.append(context)
    try:
        yield context
    finally:
        _active.stack.pop()


def concrete_value(t: Tensor) -> Any | None:
    """The value of ``t`` from the values of the traces in progress, or None when some
    input of ``t`` has no known value (a placeholder of a graph, a Variable)."""
    if not _active.stack:
        return None
    if len(_active.stack) == 1:
        known = _active.stack[0].values  # (no copy: a long Python loop asks often)
    else:
        known = {}
        for context in _active.stack:
            known.update(context.values)
    store = _active.stack[-1].values  # computed values are kept for the next question
    for node in toposort([t], stop=known):
        if node in known:
            continue
        if node.op.name in _RANDOM:
            raise TypeError(
                f"an if or while on a random number ('{node.name}') cannot be traced: the trace "
                "would choose a branch for one draw and then run the plan with another. Draw "
                "the random numbers outside the function and pass them in as an argument")
        if node.op.name in ("Placeholder", "Variable", "Assign") or node.dtype is None:
            return None
        with np.errstate(all="ignore"):
            known[node] = store[node] = _compute(node, [known[i] for i in node.inputs], {})
    return known[t]


_RANDOM = {"RandomNormal", "TruncatedNormal", "RandomUniform", "RandomUniformLike"}


def _asked(t: Tensor, what: str) -> Any:
    value = concrete_value(t)
    if value is None and _active.stack:  # inside gl.grad, but the value comes from outside
        raise TypeError(
            f"the {what} of tensor '{t.name}' is unknown while tracing: it depends on a "
            "placeholder or Variable of a graph, which has no value until a Session runs it. "
            "Pass that value into the function as an argument instead")
    if value is None:
        raise TypeError(
            f"the {what} of tensor '{t.name}' is unknown until the graph runs, so a graph cannot "
            "take an 'if' or 'while' on it. In a graph, choose elementwise with gl.where(condition, "
            "a, b), or put the control flow in the graph with gl.cond(pred, true_fn, false_fn) and "
            "gl.while_loop(cond, body, loop_vars). Inside a function given to gl.grad (or jvp, "
            "jacfwd, hessian ...), a Python if works: there the values are known.")
    for context in _active.stack:
        context.asked = True  # every enclosing trace now depends on the value
    return np.asarray(value)


def _truth(self: Tensor) -> bool:
    value = _asked(self, "truth value")
    if value.size != 1:
        raise ValueError(f"the truth value of tensor '{self.name}', which has {value.size} "
                         "elements, is ambiguous: use np.any(...) or np.all(...)")
    return bool(value.reshape(()))


def _index(self: Tensor) -> int:
    if self.dtype is None or self.dtype.kind not in "iu":
        raise TypeError(f"only integer tensors can be used as an index or a count, and "
                        f"'{self.name}' holds {self.dtype}")
    value = _asked(self, "value")
    if value.size != 1:
        raise TypeError(f"tensor '{self.name}' has {value.size} elements: an index is one number")
    return int(value.reshape(()))


def _integer(self: Tensor) -> int:
    value = _asked(self, "value")  # int(x) is a step function: no derivative is lost
    if value.size != 1:
        raise TypeError(f"int() needs one number, and tensor '{self.name}' has {value.size}")
    return int(value.reshape(()))


def _no_float(self: Tensor) -> float:
    raise TypeError(f"float(tensor '{self.name}') would turn it into a plain Python number and "
                    "cut its derivative. Keep computing with the tensor (np.sin(x), not "
                    "math.sin(float(x))); run it in a Session for its value")


Tensor.__bool__ = _truth
Tensor.__index__ = _index
Tensor.__int__ = _integer
Tensor.__float__ = _no_float

# ---------------------------------------------------------------------------
# 2. Closed subgraphs: a branch or a body as a graph of its own
# ---------------------------------------------------------------------------


class _EachInput:
    """Rules for an op with any number of inputs: none for the first ``skip`` inputs
    (a condition), ``make(i)`` for every other input i."""

    def __init__(self, make: Callable[[int], Callable], skip: int) -> None:
        self.make, self.skip = make, skip

    def __getitem__(self, i: int) -> Callable | None:
        return None if i < self.skip else self.make(i)

    def __len__(self) -> int:
        return self.skip + 1

    def __iter__(self) -> Iterator:
        return iter([None] * self.skip + [self.make(self.skip)])


def _fence(outputs: Sequence[Tensor], made: set) -> list[Tensor]:
    """The nodes from outside that the nodes ``made`` in a branch read (constants are
    copied into the branch instead)."""
    fence, seen, stack = [], set(), list(reversed(outputs))
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if node in made or node.op.name == "Const":
            stack.extend(reversed(node.inputs))
        else:
            fence.append(node)
    return fence


def _stand_in(t: Tensor, name: str | None = None) -> Tensor:
    return placeholder(t.dtype, t.shape, name=name or t.label)


def _close(outputs: Sequence[Tensor], made: set, keep: Sequence[Tensor] = ()) -> tuple:
    """``outputs`` rebuilt on stand-ins for their fence: (fence, stand-ins, closed outputs).
    Nodes in ``keep`` (a loop's own variables) stay as they are."""
    kept = set(keep)  # (a set: tensors compare with == elementwise, so never `in` a list)
    fence = [f for f in _fence(outputs, made | kept) if f not in kept]
    stand_ins = [_stand_in(f) for f in fence]
    return fence, stand_ins, rebuild(list(outputs), dict(zip(fence, stand_ins)))


def _scalar_truth(value: Any, what: str) -> bool:
    array = np.asarray(value)
    if array.size != 1:
        raise ShapeError(f"the condition of a {what} must be one boolean, got shape {array.shape}")
    return bool(array.reshape(()))


def _run(outputs: Sequence[Tensor], stand_ins: Sequence[Tensor], values: Sequence) -> list:
    return evaluate(list(outputs), dict(zip(stand_ins, values)))


# ---------------------------------------------------------------------------
# 3. cond
# ---------------------------------------------------------------------------


def _cond_forward(pred: Any, *values: Any, true_out: Tensor, false_out: Tensor,
                  stand_ins: tuple) -> Any:
    chosen = true_out if _scalar_truth(pred, "cond") else false_out
    return np.asarray(_run([chosen], stand_ins, values)[0], dtype=true_out.dtype)


def _cond_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    a, b = attrs["true_out"].shape, attrs["false_out"].shape
    shape = a if a == b else None
    return shape, (shape if shape is not None and None not in shape else None)


def _cond_grad(i: int) -> Callable:
    def rule(g: Tensor, out: Tensor, pred: Tensor, *inputs: Tensor, true_out: Tensor,
             false_out: Tensor, stand_ins: tuple) -> Tensor:
        # the gradient is a cond of the two branches' gradients, each closed over the
        # same stand-ins and one more, for g
        x, g_in = stand_ins[i - 1], _stand_in(g, "g")
        if x.dtype.kind != "f":  # a condition or a count read by a branch: no derivative
            return zeros_like(inputs[i - 1])
        (dt,), (df,) = gradients(true_out, x, grad_ys=g_in), gradients(false_out, x, grad_ys=g_in)
        return _cond_node(pred, (*inputs, g), dt, df, (*stand_ins, g_in))

    return rule


def _cond_tangent(i: int) -> Callable:
    def rule(t: Tensor, out: Tensor, pred: Tensor, *inputs: Tensor, true_out: Tensor,
             false_out: Tensor, stand_ins: tuple) -> Tensor:
        x, t_in = stand_ins[i - 1], _stand_in(t, "t")
        (dt,), (df,) = forward_gradients(true_out, x, t_in), forward_gradients(false_out, x, t_in)
        return _cond_node(pred, (*inputs, t), dt, df, (*stand_ins, t_in))

    return rule


defop("Cond", _cond_forward, _EachInput(_cond_grad, 1), tangents=_EachInput(_cond_tangent, 1),
      shape=_cond_shape, dtype=lambda attrs: attrs["true_out"].dtype, foldable=False)


def _cond_node(pred: Tensor, inputs: Sequence[Tensor], true_out: Tensor, false_out: Tensor,
               stand_ins: Sequence[Tensor]) -> Tensor:
    if true_out.dtype != false_out.dtype:
        if false_out.attrs.get("weak"):  # a Python number takes the other branch's dtype
            common = true_out.dtype
        elif true_out.attrs.get("weak"):
            common = false_out.dtype
        else:
            common = np.result_type(true_out.dtype, false_out.dtype)
        true_out, false_out = cast(true_out, common), cast(false_out, common)
    return apply("Cond", pred, *inputs, true_out=true_out, false_out=false_out,
                 stand_ins=tuple(stand_ins))


def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any]) -> list[Tensor]:
    """The values of ``true_fn()`` where ``pred`` is true, else those of ``false_fn()``,
    chosen when the graph runs; only the chosen branch is computed.

    ``pred`` is one boolean. Each function takes no arguments and returns a tensor or
    a list of tensors (the same number from both); the result is a list with one
    node per output. The branches may read any tensor built outside them.
    """
    pred = as_tensor(pred)
    if pred.shape is not None and any(d is not None and d != 1 for d in pred.shape):
        raise ShapeError(f"cond needs one boolean as its condition, got shape {pred.shape}")
    branches = []
    for fn in (true_fn, false_fn):
        with recording() as made:
            result = fn()
            outs = [as_tensor(t) for t in (result if isinstance(result, (list, tuple)) else [result])]
        branches.append((outs, made))
    (t_outs, t_made), (f_outs, f_made) = branches
    if len(t_outs) != len(f_outs):
        raise ValueError(f"the branches of cond return {len(t_outs)} and {len(f_outs)} values: "
                         "they must return the same number")
    value = const_value(pred)
    if value is not None:  # known now: no need for a cond at all
        return t_outs if _scalar_truth(value, "cond") else f_outs
    fence, stand_ins, closed = _close(t_outs + f_outs, t_made | f_made)
    n = len(t_outs)
    return [_cond_node(pred, fence, t, f, stand_ins) for t, f in zip(closed[:n], closed[n:])]


# ---------------------------------------------------------------------------
# 4. while_loop
# ---------------------------------------------------------------------------


def _while_forward(*values: Any, loop_vars: tuple, params: tuple, condition: Tensor, body: tuple,
                   index: int, limit: int | None) -> Any:
    n = len(loop_vars)
    state, fixed = list(values[:n]), dict(zip(params, values[n:]))
    steps = 0
    _passes.depth += 1
    if _passes.depth == 1:
        _passes.count = 0  # a new run of the outermost loop
    try:
        while limit is None or steps < limit:
            feed = {**fixed, **dict(zip(loop_vars, state))}
            if not _scalar_truth(evaluate([condition], feed)[0], "while_loop"):
                break
            state = evaluate(list(body), feed)
            steps += 1
            _passes.count += 1
            if steps >= MAX_ITERATIONS:
                raise GradlabError(f"while_loop ran {MAX_ITERATIONS} times and its condition is "
                                   "still true; check the condition, or give maximum_iterations")
            if _passes.count > MAX_PASSES:
                raise GradlabError(
                    f"this run needs more than {MAX_PASSES} passes of while_loop bodies. A "
                    "gradient through a loop over an input of unknown or large shape runs the "
                    "loop backwards, recomputing each pass (about N²/2 passes for N), and each "
                    "higher order multiplies that. Give the input a small known shape, or use "
                    "forward mode (gl.forward_gradients) for higher derivatives of a loop")
    finally:
        _passes.depth -= 1
    return np.asarray(state[index], dtype=loop_vars[index].dtype)


def _while_shape(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    v = attrs["loop_vars"][attrs["index"]]
    return v.shape, (v.shape if v.shape is not None and None not in v.shape else None)


def _while_tangent(j: int) -> Callable:
    def rule(t: Tensor, out: Tensor, *inputs: Tensor, loop_vars: tuple, params: tuple,
             condition: Tensor, body: tuple, index: int, limit: int | None) -> Tensor:
        # A loop that carries, beside each float loop variable v, its tangent dv:
        # the body's tangent (forward mode through one pass of the body) updates dv.
        n = len(loop_vars)
        floats = [m for m in range(n) if loop_vars[m].dtype.kind == "f"]
        if index not in floats:  # the loop's count: an integer does not move
            return zeros_like(out)
        tangents = [_stand_in(loop_vars[m], "d" + loop_vars[m].label) for m in floats]
        xs, ts = [loop_vars[m] for m in floats], list(tangents)
        more_params, more_inputs = (), ()
        if j >= n:  # a value from outside the loop moves: its tangent is fixed, like it
            t_param = _stand_in(params[j - n], "d" + params[j - n].label)
            xs.append(params[j - n])
            ts.append(t_param)
            more_params, more_inputs = (t_param,), (t,)
        moved = forward_gradients(list(body), xs, ts)
        starts = [t if m == j else cast(zeros_like(inputs[m]), loop_vars[m].dtype) for m in floats]
        return _while_node((*inputs[:n], *starts, *inputs[n:], *more_inputs),
                           (*loop_vars, *tangents), (*params, *more_params), condition,
                           (*body, *(moved[m] for m in floats)), n + floats.index(index), limit)

    return rule


def _while_grad(j: int) -> Callable:
    def rule(g: Tensor, out: Tensor, *inputs: Tensor, loop_vars: tuple, params: tuple,
             condition: Tensor, body: tuple, index: int, limit: int | None) -> Tensor:
        x = inputs[j]
        if x.dtype is None or x.dtype.kind != "f" or loop_vars[index].dtype.kind != "f":
            return zeros_like(x)  # an integer (a count) has no derivative, nor moves a float
        if x.shape is not None and None not in x.shape and int(np.prod(x.shape)) <= SMALL_INPUT:
            # A small input of known shape: gᵀ J one column at a time, each column a tangent
            # loop (one run of N passes, and as cheap again for every higher order).
            attrs = dict(loop_vars=loop_vars, params=params, condition=condition, body=body,
                         index=index, limit=limit)
            size, parts = int(np.prod(x.shape)), []
            for k in range(size):
                e = np.zeros(size, dtype=x.dtype)
                e[k] = 1
                along = _while_tangent(j)(constant(e.reshape(x.shape)), out, *inputs, **attrs)
                parts.append(reshape(reduce_sum(g * along), (1,)))
            return reshape(concat_all(parts, 0), x.shape)
        # Reverse mode through N passes of the body: a loop that runs backwards, k = N-1
        # down to 0, pulling the adjoints of the loop variables back through pass k with
        # the body's vector-Jacobian product, and adding up the adjoints of the values
        # from outside. The state of pass k is recomputed by running the body k times
        # from the start (N²/2 body runs in all, and no stored iterates).
        n, m_params = len(loop_vars), len(params)
        starts, outside = inputs[:n], inputs[n:]
        floats = [m for m in range(n) if loop_vars[m].dtype.kind == "f"]
        float_params = [r for r in range(m_params) if params[r].dtype.kind == "f"]
        # 1. N, the number of passes: the loop again, with a counter
        counter = placeholder(np.int64, (), name="passes")
        passes = _while_node((*starts, constant(0), *outside), (*loop_vars, counter), params,
                             condition, (*body, counter + 1), n, limit)
        # 2. the backward loop's own variables and the values it reads
        k = placeholder(np.int64, (), name="k")
        adjoints = [_stand_in(loop_vars[m], "a_" + loop_vars[m].label) for m in floats]
        param_adjoints = [_stand_in(params[r], "a_" + params[r].label) for r in float_params]
        start_ins = [_stand_in(v, v.label + "0") for v in loop_vars]
        outside_ins = [_stand_in(p) for p in params]
        # the state after k passes: the body run k times from the start
        done, k_in = placeholder(np.int64, (), name="done"), placeholder(np.int64, (), name="k")
        state = [_while_node((*start_ins, constant(0), *outside_ins, k), (*loop_vars, done),
                             (*params, k_in), done < k_in, (*body, done + 1), m, None)
                 for m in range(n)]
        # one pass backwards: the body's vector-Jacobian product at that state
        pulled = gradients([body[m] for m in floats],
                           [loop_vars[m] for m in floats] + [params[r] for r in float_params],
                           grad_ys=adjoints)
        at_k = rebuild(pulled, {**dict(zip(loop_vars, state)), **dict(zip(params, outside_ins))})
        new_adjoints = at_k[:len(floats)]
        new_param_adjoints = [a + b for a, b in zip(param_adjoints, at_k[len(floats):])]
        seeds = [cast(g, loop_vars[m].dtype) if m == index else cast(zeros_like(starts[m]), loop_vars[m].dtype)
                 for m in floats]
        zeros = [cast(zeros_like(outside[r]), params[r].dtype) for r in float_params]
        if j < n:
            if j not in floats:
                return zeros_like(inputs[j])
            which = 1 + floats.index(j)
        else:
            if j - n not in float_params:
                return zeros_like(inputs[j])
            which = 1 + len(floats) + float_params.index(j - n)
        return _while_node((passes - 1, *seeds, *zeros, *starts, *outside),
                           (k, *adjoints, *param_adjoints), (*start_ins, *outside_ins), k >= 0,
                           (k - 1, *new_adjoints, *new_param_adjoints), which, None)

    return rule


defop("WhileLoop", _while_forward, _EachInput(_while_grad, 0), tangents=_EachInput(_while_tangent, 0),
      shape=_while_shape, dtype=lambda attrs: attrs["loop_vars"][attrs["index"]].dtype,
      foldable=False)


def _parameter_names(fn: Callable, count: int) -> list[str] | None:
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if len(parameters) == count and all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                                         for p in parameters):
        return [p.name for p in parameters]
    return None


def _while_node(inputs: Sequence[Tensor], loop_vars: Sequence[Tensor], params: Sequence[Tensor],
                condition: Tensor, body: Sequence[Tensor], index: int, limit: int | None) -> Tensor:
    return apply("WhileLoop", *inputs, loop_vars=tuple(loop_vars), params=tuple(params),
                 condition=condition, body=tuple(body), index=index, limit=limit)


def while_loop(cond_fn: Callable[..., Any], body_fn: Callable[..., Any], loop_vars: Sequence[Any],
               maximum_iterations: int | None = None,
               shapes: Sequence[tuple | None] | None = None,
               names: Sequence[str] | None = None) -> list[Tensor]:
    """Repeat ``loop_vars = body_fn(*loop_vars)`` while ``cond_fn(*loop_vars)`` is true,
    when the graph runs. Returns the final loop variables, one node each.

    ``cond_fn`` returns one boolean tensor; ``body_fn`` returns as many values as
    there are loop variables, of the same dtypes and shapes (``shapes`` overrides the
    shape a variable keeps through the loop, as TF's ``shape_invariants`` does). Both
    may read tensors built outside the loop. ``maximum_iterations`` stops the loop
    after that many passes. ``names`` names the loop variables in formulas (by default
    the body's parameter names, when it has one per loop variable).
    """
    start = [as_tensor(v) for v in loop_vars]
    if not start:
        raise ValueError("while_loop needs at least one loop variable")
    shapes = [v.shape for v in start] if shapes is None else list(shapes)
    with recording() as made:
        if names is None:
            names = _parameter_names(body_fn, len(start)) or [
                v.label if v.op.name in ("Placeholder", "Variable") else f"v{m}"
                for m, v in enumerate(start)]
        here = [placeholder(v.dtype, s, name=name) for v, s, name in zip(start, shapes, names)]
        condition = as_tensor(cond_fn(*here))
        result = body_fn(*here)
        result = list(result) if isinstance(result, (list, tuple)) else [result]
        if len(result) != len(here):
            raise ValueError(f"the body of while_loop returns {len(result)} values for "
                             f"{len(here)} loop variables")
        result = [as_tensor(b) for b in result]
        for b, v in zip(result, here):
            if b.dtype is not None and b.dtype.kind == "f" and v.dtype.kind in "iub" \
                    and not b.attrs.get("weak"):
                raise TypeError(f"loop variable '{v.label}' holds {v.dtype}, but the body makes it "
                                f"{b.dtype}: start it as a float (1.0, not 1) or cast in the body")
        body = [cast(b, v.dtype) for b, v in zip(result, here)]
    for m, (b, v) in enumerate(zip(body, here)):
        if b.shape is not None and v.shape is not None and None not in b.shape + v.shape \
                and b.shape != v.shape:
            raise ShapeError(f"loop variable {m} ('{v.label}') has shape {v.shape} but the body "
                             f"makes it {b.shape}; a shape that changes must be given in shapes= "
                             "(TF's shape_invariants), with None for the sizes that change")
    fence, params, closed = _close([condition, *body], made, keep=here)
    inputs = (*[cast(s, v.dtype) for s, v in zip(start, here)], *fence)
    return [_while_node(inputs, here, params, closed[0], closed[1:], k, maximum_iterations)
            for k in range(len(here))]


