"""Compile what a Session is asked to fetch into a flat plan, then run it quickly.

A graph is convenient to build and to differentiate, but walking it node by node
on every run is slow in Python. So the first ``session.run`` of a fetch set
*compiles* it into a plan: a flat list of steps ``slot[out] = numpy_function(slot[a], ...)``.
On the way the compiler

* keeps only the nodes the fetches need (and stops at fed nodes);
* merges identical nodes (common-subexpression elimination), so ``cos(x)`` used
  by both f' and f'' is computed once;
* runs the plan once to learn every shape (the *shape pass*), then removes the
  engine's shape bookkeeping that turned out to do nothing, turns ``ones_like``
  and ``size`` into constants, folds steps whose inputs are all constant, and
  drops steps nobody needs any more;
* writes the remaining steps out as one straight-line Python function.

The Session keeps compiled plans keyed by the fetch set and the shapes and dtypes
of the feeds. Moving a slider re-runs a plan: no graph walk, no re-tracing.
Python's overhead is roughly a microsecond per step, so the step count
(``len(plan)``) is the number to keep small.
"""

from __future__ import annotations

import functools
import itertools
import linecache
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..core.errors import FeedError, GradlabError, ShapeError
from ..core.graph import Tensor, format_shape, toposort
from ..core.ops import sum_to_shape
from .optimize import (SlotInfo, constants_as_arrays, order_for_memory, peak_large_arrays,
                       plan_memory, propagate_factors)
from .step import Step

_plan_numbers = itertools.count(1)


def _attrs_key(attrs: dict) -> Any:
    try:
        key = tuple(sorted(attrs.items()))
        hash(key)
        return key
    except TypeError:
        return None


def _const_key(node: Tensor) -> Any:
    value = node.attrs["value"]
    if node.attrs["weak"]:
        return ("weak", type(value).__name__, float(value).hex())  # 1 and 1.0 differ
    if value.size <= 4096:
        return (value.dtype.str, value.shape, value.tobytes())
    return ("id", id(node))


def _bind(op: Any, attrs: dict) -> Callable:
    return functools.partial(op.forward, **attrs) if attrs else op.forward


class Plan:
    """A compiled fetch set: slots for values, and the steps that fill them.

    ``len(plan)`` is the number of steps; ``print(plan)`` lists them.
    """

    def __init__(self, fetches: list[Tensor], fed: list[Tensor]) -> None:
        self.fetch_nodes = fetches
        self.feed_slots: list[int] = []
        self.variables: list[tuple[int, Tensor]] = []
        self.consts: dict[int, Any] = {}
        self.steps: list[Step] = []
        self.effects: list[tuple[Tensor, int]] = []
        self.slot_names: dict[int, str] = {}
        self._function: Callable | None = None

        fed_index = {node: i for i, node in enumerate(fed)}
        slot_of: dict[Tensor, int | None] = {}
        merged: dict[Any, int] = {}
        counter = itertools.count()
        self.feed_slots = [next(counter) for _ in fed]
        for node, slot in zip(fed, self.feed_slots):
            self.slot_names[slot] = node.name

        def new_slot(node: Tensor) -> int:
            slot = next(counter)
            self.slot_names[slot] = node.name
            return slot

        for node in toposort(fetches, stop=set(fed)):
            kind = node.op.name
            if node in fed_index:
                slot_of[node] = self.feed_slots[fed_index[node]]
            elif kind == "Placeholder":
                raise FeedError(
                    f"placeholder '{node.name}' needs a value: pass it in feed_dict, "
                    f"e.g. session.run(..., feed_dict={{{node.name}: values}}) "
                    f"(the placeholder was created at {node.origin})"
                )
            elif kind == "Const":
                key = ("Const", _const_key(node))
                if key not in merged:
                    merged[key] = new_slot(node)
                    self.consts[merged[key]] = node.attrs["value"]
                slot_of[node] = merged[key]
            elif kind == "Variable":
                slot_of[node] = new_slot(node)
                self.variables.append((slot_of[node], node))
            elif kind == "Group":
                slot_of[node] = None
            elif kind == "Assign":
                var, value = node.inputs
                slot = slot_of[node] = new_slot(node)
                self.steps.append(Step(_assigner(var), (slot_of[value],), slot, node, None))
                self.effects.append((var, slot))
            else:
                args = tuple(slot_of[t] for t in node.inputs)
                attrs_key = _attrs_key(node.attrs)
                key = None if attrs_key is None else (node.op, attrs_key)
                if key is not None and (key, args) in merged:
                    slot_of[node] = merged[(key, args)]
                    continue
                slot = slot_of[node] = new_slot(node)
                if key is not None:
                    merged[(key, args)] = slot
                self.steps.append(Step(_bind(node.op, node.attrs), args, slot, node, key))
        self.fetch_slots: list[int | None] = [slot_of[t] for t in fetches]
        # A Variable that is only assigned to (never read) need not have a value yet.
        read = {a for step in self.steps for a in step.args} | set(self.fetch_slots)
        self.variables = [(s, var) for s, var in self.variables if s in read]

    def _shared(self) -> set[int]:
        """Slots holding arrays owned by someone else (the caller's feeds, constants,
        the Session's Variables): fetched values from these are copied."""
        return set(self.consts) | set(self.feed_slots) | {s for s, _ in self.variables}

    # -- running --------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.steps)

    def interpret(self, feeds: list, variables: list,
                  seen: dict[int, "Seen"] | None = None) -> dict[int, Any]:
        """Run step by step (slow, but knows which step failed).

        Each value is freed after its last use, as compiled plans do, so a first run
        holds no more arrays than it must. Returns the slots still alive: the fetches,
        the effects and the arrays owned by someone else. With ``seen`` (the shape pass),
        records the shape, dtype and kind of every slot's value on the way.
        """
        slots: dict[int, Any] = dict(self.consts)
        slots.update(zip(self.feed_slots, feeds))
        slots.update(zip((s for s, _ in self.variables), variables))
        if seen is not None:
            seen.update((slot, Seen.of(value)) for slot, value in slots.items())
        last_use = {a: i for i, step in enumerate(self.steps) for a in step.args}
        alive = self._shared() | set(self.fetch_slots) | {s for _, s in self.effects}
        for i, step in enumerate(self.steps):
            try:
                value = slots[step.out] = step.fn(*[slots[a] for a in step.args])
            except Exception as err:
                raise _located(step, err) from err
            if seen is not None:
                seen[step.out] = Seen.of(value, keep=step.node.op.name in _VALUE_NEEDED)
            for a in (*step.args, step.out):
                if last_use.get(a, -1) <= i and a not in alive:
                    slots.pop(a, None)
        return slots

    def outputs(self, slots: dict[int, Any]) -> tuple[tuple, tuple]:
        shared = self._shared()
        fetched = tuple(None if s is None else np.array(slots[s]) if s in shared else slots[s]
                        for s in self.fetch_slots)
        return fetched, tuple(slots[s] for _, s in self.effects)

    def __call__(self, feeds: list, variables: list) -> tuple[tuple, tuple]:
        """Run the compiled function: returns (fetched values, values to assign)."""
        try:
            return self._function(feeds, variables)
        except Exception:
            # Re-run step by step so the error names the node that failed.
            return self.outputs(self.interpret(feeds, variables))

    # -- optimising with the shapes of a real run ------------------------------
    def specialize(self, slots: dict[int, "Seen"]) -> "Plan":
        """Use what one run saw (``slots``, from :meth:`interpret`) to simplify this plan;
        compile it.

        In order: shape bookkeeping is specialised or dropped, constant steps folded and
        duplicates merged; then constant factors and signs are absorbed, sums collected
        and constants given their dtype (:mod:`gradlab.compile.optimize`); unused steps are
        dropped; on large arrays the steps are put in an order that keeps fewer values
        alive; finally the steps are written out as one Python function, with memory
        reuse for large arrays.
        """
        plan = object.__new__(Plan)
        plan.__dict__.update(self.__dict__)
        plan.consts = dict(self.consts)
        plan.slot_names = dict(self.slot_names)
        steps, resolve = _merge(self.steps, plan.consts, slots)
        fetch = [None if s is None else resolve(s) for s in self.fetch_slots]
        effects = [(var, resolve(s)) for var, s in self.effects]

        info = SlotInfo({s: v.shape for s, v in slots.items()},
                        {s: v.dtype for s, v in slots.items()})
        counter = itertools.count(max([*slots, *plan.consts, 0]) + 1)
        new_slot = lambda: next(counter)  # noqa: E731
        keep = {s for s in fetch if s is not None} | {s for _, s in effects}
        best = None
        for carry_factors in (True, False):  # the plain variant only for large arrays:
            consts = dict(plan.consts)       # it can keep fewer of them alive at once
            if carry_factors:
                candidate, final = propagate_factors(steps, consts, info, new_slot, keep)
            else:
                candidate, final = list(steps), {s: s for s in keep}
            candidate, resolve = _merge(candidate, consts, None)
            fetched = [None if s is None else resolve(final[s]) for s in fetch]
            assigned = [(var, resolve(final[s])) for var, s in effects]
            candidate = constants_as_arrays(candidate, consts, info, new_slot)
            results = {s for s in fetched if s is not None} | {s for _, s in assigned}
            live = set(results)
            kept = []
            for step in reversed(candidate):
                if step.out in live:
                    kept.append(step)
                    live.update(step.args)
            ordered = order_for_memory(kept[::-1], info, results)
            peak = peak_large_arrays(ordered, info, results)
            if best is None or peak * 10 < best[0] * 9:  # plain only if it saves over 10%
                best = (peak, ordered, consts, live, fetched, assigned)
            if not peak:
                break  # small arrays: carrying factors saves steps, and memory is no issue
        _, plan.steps, consts, live, plan.fetch_slots, plan.effects = best
        plan.consts = {s: v for s, v in consts.items() if s in live}
        plan.variables = [(s, var) for s, var in plan.variables if s in live]
        plan.info = info
        plan.views = {s for s, v in slots.items() if v.view}
        plan._function = _generate(plan)
        return plan

    # -- display ----------------------------------------------------------------
    def _names(self) -> dict[int, str]:
        """A display name for every slot: the node's name, or t1, t2, ... for values the
        plan optimiser introduced (a factor applied, a sign taken)."""
        fetched = {slot: node.name for slot, node in zip(self.fetch_slots, self.fetch_nodes)
                   if slot is not None and slot not in self.consts}
        taken = set(fetched.values())  # another slot with a fetched node's name holds a part of it
        names = {s: n for s, n in self.slot_names.items() if n not in taken}
        names.update(fetched)
        temporaries = 0
        for step in self.steps:
            for slot in (*step.args, step.out):
                if slot not in names and slot not in self.consts:
                    temporaries += 1
                    names[slot] = f"t{temporaries}"
        return names

    def _arg_text(self, slot: int, names: dict[int, str]) -> str:
        if slot in self.consts:
            value = self.consts[slot]
            return f"{float(value):g}" if np.ndim(value) == 0 else f"<array {format_shape(np.shape(value))}>"
        return names[slot]

    def __repr__(self) -> str:
        names = self._names()
        lines = [f"Plan with {len(self.steps)} steps for "
                 + ", ".join(repr(t.name) for t in self.fetch_nodes) + ":"]
        for i, step in enumerate(self.steps, 1):
            args = ", ".join(self._arg_text(a, names) for a in step.args)
            lines.append(f"  {i:>3}. {names[step.out]} = {_step_name(step)}({args})")
        return "\n".join(lines)


@dataclass
class Constant:
    value: Any


@dataclass(frozen=True)
class Seen:
    """What the shape pass saw in a slot: enough to specialise the plan, not the array."""

    shape: tuple
    dtype: np.dtype
    view: bool  # a view of another array, or read-only: never written into
    value: Any = None  # kept only for the steps that become constants (_VALUE_NEEDED)

    @staticmethod
    def of(value: Any, keep: bool = False) -> "Seen":
        array = np.asarray(value)
        view = isinstance(value, np.ndarray) and (value.base is not None or not value.flags.writeable)
        return Seen(array.shape, array.dtype, view, value if keep else None)


def _merge(steps: list[Step], consts: dict[int, Any],
           slots: dict[int, Seen] | None) -> tuple[list[Step], Callable[[int], int]]:
    """One pass over the steps: specialise shape bookkeeping (when ``slots`` holds what a
    run saw), fold steps whose inputs are all constant, and merge duplicate steps.

    Returns the remaining steps and ``resolve``, which maps a slot to the slot now
    holding its value.
    """
    alias: dict[int, int] = {}
    merged: dict[Any, int] = {}
    result: list[Step] = []

    def resolve(slot: int) -> int:
        start = slot
        while slot in alias:
            slot = alias[slot]
        if start != slot:
            alias[start] = slot  # next time in one step: long chains stay linear
        return slot

    for step in steps:
        args = tuple(resolve(a) for a in step.args)
        special = _SPECIALIZE.get(step.node.op.name) if slots is not None else None
        if special is not None:
            outcome = special(step, args, slots)
            if isinstance(outcome, int):
                alias[step.out] = resolve(outcome)
                continue
            if isinstance(outcome, Constant):
                consts[step.out] = outcome.value
                continue
            if outcome is not None:
                step, args = outcome, outcome.args
        if step.key is not None and args and all(a in consts for a in args):
            with np.errstate(all="ignore"):
                consts[step.out] = _frozen(step.fn(*[consts[a] for a in args]))
            continue
        if step.key is not None:
            if (step.key, args) in merged:
                alias[step.out] = merged[(step.key, args)]
                continue
            merged[(step.key, args)] = step.out
        result.append(Step(step.fn, args, step.out, step.node, step.key))
    return result, resolve


def _step_name(step: Step) -> str:
    """What a step computes: its op, or how a shape step was specialised ("SumTo")."""
    key = step.key  # (op, attrs), ("SumTo", ...) for a specialised step, or None
    if not key:
        return step.node.op.name
    return key[0] if isinstance(key[0], str) else key[0].name


def _frozen(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value = value.copy() if value.base is not None else value
        value.setflags(write=False)
    return value


def _located(step: Step, err: Exception) -> Exception:
    if isinstance(err, GradlabError):
        return err  # says what went wrong already
    node = step.node
    message = f"{node.op.name} node '{node.name}' failed: {err} (created at {node.origin})"
    if isinstance(err, ValueError):
        return ShapeError(message)
    return type(err)(message) if isinstance(err, (TypeError, ArithmeticError)) else err


def _assigner(var: Tensor) -> Callable:
    shape, dtype = var.shape, var.dtype

    def assign(value: Any) -> np.ndarray:
        if np.shape(value) != shape:
            try:
                value = np.broadcast_to(value, shape)
            except ValueError:
                raise ShapeError(
                    f"cannot assign a value of shape {format_shape(np.shape(value))} to "
                    f"Variable '{var.name}' of shape {format_shape(shape)}"
                ) from None
        return np.array(value, dtype=dtype)

    return assign


# -- the shape pass: what each shape-bookkeeping op becomes once shapes are known --
def _spec_sum_to_like(step: Step, args: tuple, slots: dict) -> Any:
    r, out, a = args
    r_shape = slots[step.args[0]].shape
    out_shape, a_shape = slots[step.args[1]].shape, slots[step.args[2]].shape
    dtype = slots[step.out].dtype
    if out_shape == a_shape:  # nothing was broadcast: the gradient passes through,
        if r_shape == a_shape:
            return r
        fn = lambda v: np.broadcast_to(np.asarray(v, dtype), a_shape)  # noqa: E731  (full shape)
    elif r_shape == out_shape:
        fn = functools.partial(sum_to_shape, shape=a_shape)
    else:
        fn = lambda v: sum_to_shape(np.broadcast_to(np.asarray(v, dtype), out_shape), a_shape)  # noqa: E731
    return Step(fn, (r,), step.out, step.node, ("SumTo", r_shape, out_shape, a_shape, dtype.str))


def _spec_broadcast_like(step: Step, args: tuple, slots: dict) -> Any:
    value, source = slots[step.out], slots[step.args[0]]
    shape, dtype = value.shape, value.dtype
    if source.shape == shape and source.dtype == dtype:
        return args[0]
    fn = lambda v: np.broadcast_to(np.asarray(v, dtype), shape)  # noqa: E731
    return Step(fn, (args[0],), step.out, step.node, ("BroadcastTo", shape, dtype.str))


def _spec_reshape(step: Step, args: tuple, slots: dict) -> Any:
    shape = slots[step.out].shape
    if slots[step.args[0]].shape == shape:
        return args[0]
    return Step(functools.partial(np.reshape, shape=shape), (args[0],), step.out, step.node,
                ("Reshape", shape))


def _spec_same_shape(step: Step, args: tuple, slots: dict) -> Any:
    """A step whose output turned out to be its input unchanged."""
    return args[0] if slots[step.out].shape == slots[step.args[0]].shape else None


def _spec_constant(step: Step, args: tuple, slots: dict) -> Constant:
    return Constant(_frozen(slots[step.out].value))


def _spec_identity(step: Step, args: tuple, slots: dict) -> int:
    return args[0]


_VALUE_NEEDED = {"OnesLike", "ZerosLike", "Size"}  # their values become the plan's constants
_SPECIALIZE: dict[str, Callable] = {
    "SumToLike": _spec_sum_to_like,
    "BroadcastLike": _spec_broadcast_like,
    "ReshapeLike": _spec_reshape,
    "Reshape": _spec_reshape,
    "OnesLike": _spec_constant,
    "ZerosLike": _spec_constant,
    "Size": _spec_constant,
    "Identity": _spec_identity,
    "AtLeast2D": _spec_same_shape,
    "StopGradient": _spec_identity,
    "CheckGradientShape": _spec_identity,  # the shape pass ran the check; shapes are fixed now
}


def _generate(plan: Plan) -> Callable:
    """Write the plan as one straight-line Python function and compile it.

    The source is made only of slot numbers and the names ``f0, f1, ...`` and
    ``c0, c1, ...`` bound to the steps' numpy functions and constants (passed as
    default arguments, so they are fast local names); no text from the user is ever
    executed. Large results are written into buffers that are no longer needed
    (``out=``) and values are released (``del``) after their last use.
    """
    namespace: dict[str, Any] = {"_copy": np.array}
    copy_needed = plan._shared() | plan.views
    locals_ = set(plan.feed_slots) | {s for s, _ in plan.variables} | {s.out for s in plan.steps}
    keep = {s for s in plan.fetch_slots if s is not None} | {s for _, s in plan.effects}
    memory = plan_memory(plan.steps, plan.info, keep, locals_)
    bound: list[str] = []

    def name(slot: int) -> str:
        if slot in plan.consts:
            if f"c{slot}" not in namespace:
                namespace[f"c{slot}"] = plan.consts[slot]
                bound.append(f"c{slot}")
            return f"c{slot}"
        return f"s{slot}"

    def tuple_text(items: list[str]) -> str:
        return "(" + "".join(item + ", " for item in items) + ")"

    body = []
    if plan.feed_slots:
        body.append(f"    {''.join(f's{s}, ' for s in plan.feed_slots)}= feeds")
    if plan.variables:
        body.append(f"    {''.join(f's{s}, ' for s, _ in plan.variables)}= variables")
    for i, step in enumerate(plan.steps):
        namespace[f"f{i}"] = step.fn
        bound.append(f"f{i}")
        args = [name(a) for a in step.args]
        buffer = memory.buffers[i]
        if buffer is not None:
            args.append(f"out=s{buffer}")
        body.append(f"    s{step.out} = f{i}({', '.join(args)})")
        if memory.releases[i]:
            body.append(f"    del {', '.join(f's{a}' for a in memory.releases[i])}")
    fetched = [
        "None" if s is None else (f"_copy({name(s)})" if s in copy_needed else name(s))
        for s in plan.fetch_slots
    ]
    effects = [name(s) for _, s in plan.effects]
    body.append(f"    return {tuple_text(fetched)}, {tuple_text(effects)}")
    defaults = "".join(f", {n}={n}" for n in bound + ["_copy"])
    source = f"def run_plan(feeds, variables{defaults}):\n" + "\n".join(body) + "\n"
    filename = f"<gradlab plan {next(_plan_numbers)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    plan.source = source
    return namespace["run_plan"]
