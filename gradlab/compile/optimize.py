"""What the plan compiler does once it knows every shape: fewer, cheaper, leaner steps.

These passes run on a plan's flat list of steps after the shape pass (see
:mod:`gradlab.compile.plan`). They change how values are computed, never which values:

* **Factors travel.** Multiplying by a constant, dividing by one or negating
  rarely needs a step of its own: ``3 * (2 * u) * v`` is one multiplication of u
  and v with the factor 6 carried along, ``a + (-b)`` is ``a - b``, ``sin(-u)``
  is ``-sin(u)`` and ``cos(-u)`` is ``cos(u)``. Factors are carried with the
  values they apply to and only applied where nothing can absorb them.
* **Sums are collected.** Derivatives are long sums of scaled terms. A chain of
  additions is gathered into one linear combination and computed when a value is
  needed: equal coefficients are added first, like terms are merged, and terms
  sharing a factor are multiplied once, ``p*q + p*s = p*(q + s)``. For the second
  derivative of the benchmark formula this takes the plan from 38 steps to 32.
* **Constants are numpy scalars of the right dtype.** numpy spends about 100 ns
  converting a Python float on every call; a 0-d array of the step's dtype costs
  nothing and gives exactly the same result.
* **Memory is reused** (for large arrays only). Steps are put in an order that
  keeps few values alive at a time. Each value's last use is known, so a step can
  write its result with ``out=`` into an array nobody needs any more, and dead
  values are released at once. Fewer fresh allocations is faster, and the peak
  memory drops to what is alive at one time.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..core.ops import OPS
from .step import Step

FACTOR_MAX_TERMS = 64  # the distributive law is tried on sums of at most this many terms,
FACTOR_MAX_DEPTH = 16  # and nested at most this deep (longer chains are summed as written)
REUSE_MIN_SIZE = 1 << 14  # plans on arrays this large are reordered, use out= and release early

_ODD = {"Sin", "Tan", "Asin", "Atan", "Sinh", "Tanh"}  # f(-u) = -f(u)
_EVEN = {"Cos", "Cosh", "Square", "Abs"}  # f(-u) = f(u)
_ARITHMETIC = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.true_divide}


@dataclass
class SlotInfo:
    """Shape and dtype of every slot, as seen in the shape pass."""

    shape: dict[int, tuple] = field(default_factory=dict)
    dtype: dict[int, np.dtype] = field(default_factory=dict)


def _kind(step: Any) -> str | None:
    """The op a step computes, if it is a plain elementwise step (not a specialised one)."""
    name = step.node.op.name
    if step.key is None or not (isinstance(step.key, tuple) and step.key[0] is OPS.get(name)):
        return None
    return name


@dataclass
class _Sum:
    """A sum not yet computed: ``sum(coefficient * slot) + constant``.

    ``factors`` is set for a term that is a product nothing else uses; such terms may
    share a factor with another term and be computed as one product (distributive law).
    """

    terms: list[tuple[int, float, tuple[int, int] | None]]  # (slot, coefficient, factors)
    constant: float
    node: Any


def propagate_factors(steps: list, consts: dict, info: SlotInfo, new_slot: Callable[[], int],
                      keep: set[int]) -> tuple[list, dict[int, int]]:
    """Carry constant factors (and signs) along with values instead of computing them.

    A slot's value is tracked as ``factor * stored``: multiplying or dividing by a
    constant, or negating, changes only the factor (no step). A product multiplies
    the factors, odd functions pass a sign through and even functions drop it.

    Sums wait: a chain of additions, subtractions and scalings that nothing else
    looks at is collected into one linear combination, ``2a - 0.2b + 0.2c - 2d + 1``,
    and computed only when some other step needs its value. Then terms with equal
    coefficients are added first (``a - d`` and ``c - b``), one scaling joins the two
    groups, and the common factor 2 travels on. Terms that are products sharing a
    factor, ``p*q + p*s``, become one product ``p * (q + s)``.

    Where nothing can absorb a factor, one step applies it ("materialises" the value).
    ``keep`` holds the slots whose true value must exist at the end (fetches, effects).
    Returns the new steps and a map from each kept slot to the slot holding its value.
    Results may differ from the graph's order of operations in the last bit.
    """
    return _FactorPass(consts, info, new_slot).run(steps, keep)


class _FactorPass:
    """The state of one :func:`propagate_factors` pass (see there)."""

    def __init__(self, consts: dict, info: SlotInfo, new_slot: Callable[[], int]) -> None:
        self.consts, self.info, self.new_slot = consts, info, new_slot
        self.scaled: dict[int, tuple[int, float]] = {}  # slot -> (stored slot, factor)
        self.pending: dict[int, _Sum] = {}  # slot -> a sum not computed yet
        self.sums: dict[int, _Sum] = {}  # slot -> the sum computed there
        self.carried: dict[int, float] = {}  # computed sum's slot -> the factor it left out
        self.expandable: set[int] = set()  # computed sums whose only consumer is a product
        self.materialized: dict[tuple[int, float], int] = {}
        self.offsets: dict[int, tuple[int, float, Any]] = {}  # sum's slot -> (p, k, node): p + k
        self.differences: dict[tuple[float, int], int] = {}  # (k, p) -> slot holding k - p
        self.made_consts: dict[float, int] = {}
        self.products: dict[int, tuple[int, int]] = {}  # stored slot of an emitted a*b -> (a, b)
        self.uses: dict[int, int] = {}
        self.single: dict[int, bool] = {}  # slot -> its value reaches exactly one consumer
        self.out: list = []

    # -- values and their factors ---------------------------------------------------
    def link(self, slot: int) -> tuple[int, float]:
        """(slot, factor) with value = factor * that slot's value. For a slot that holds a
        sum this is the sum itself, which may differ from what is stored there by the
        factor the sum left out when it was computed (see :meth:`peek`)."""
        return self.scaled.get(slot, (slot, 1.0))

    def peek(self, slot: int) -> tuple[int, float]:
        """(stored slot, factor) with value = factor * stored; a pending sum stays pending."""
        stored, factor = self.link(slot)
        return stored, factor * self.carried.get(stored, 1.0)

    def split(self, slot: int) -> tuple[int, float]:
        """Like :meth:`peek`, but a pending sum is computed first."""
        stored = self.link(slot)[0]
        if stored in self.pending:
            self.sums[stored] = self.pending.pop(stored)
            self.carried[stored] = self.emit_sum(self.sums[stored], stored)
        return self.peek(slot)

    def positive_zero(self, stored: int, factor: float) -> tuple[int, float]:
        """(stored, factor) again, unless ``stored`` holds p + k for a sum the optimiser
        turned round (the graph's ``1 - x*x`` kept as ``x*x - 1`` with the factor -1):
        then (a slot holding -k - p, -factor). Both have the same value, but where it is
        0, -(p + k) is -0 and -k - p is +0, as the graph's sum is. That matters where a 0
        meets a division: 1/(1 - x*x) is +inf at x = 1, and so is arcsin'(1). A minus
        the graph itself puts in front of a sum, as in -(x*x - 1), keeps its -0."""
        if stored in self.offsets and self.carried.get(stored, 1.0) < 0:
            part, k, node = self.offsets[stored]
            return self.difference(-k, part, node), -factor
        return stored, factor

    def number(self, slot: int) -> float | None:
        """The value of a scalar constant slot (finite and non-zero), else None."""
        value = self.consts.get(slot)
        if value is None or np.ndim(value) != 0:
            return None
        value = float(value)
        return value if np.isfinite(value) and value != 0 else None

    def const(self, value: float) -> int:
        if value not in self.made_consts:
            self.made_consts[value] = self.new_slot()
            self.consts[self.made_consts[value]] = value
        return self.made_consts[value]

    def floating(self, slot: int) -> bool:
        """Whether ``slot`` holds floating-point numbers (or is a constant made here)."""
        if type(self.consts.get(slot)) is int:
            return True  # a Python int such as the 1 in 1 + x takes the other operand's type
        dtype = self.info.dtype.get(slot)
        return dtype is None or dtype.kind in "fc"

    def reaches_once(self, slot: int) -> bool:
        """``slot``'s value (through any chain of scalings) has exactly one consumer."""
        return self.uses.get(slot, 0) == 1 and self.single.get(slot, True)

    def absorbed(self, out_slot: int, from_slot: int, stored: int, factor: float) -> None:
        """``out_slot`` is ``from_slot`` times a constant: no step, one more link in a chain."""
        self.scaled[out_slot] = (stored, factor)
        self.single[out_slot] = self.reaches_once(from_slot)

    # -- emitting steps ---------------------------------------------------------------
    def add_step(self, fn: Callable, name: str, args: tuple, target: int, node: Any) -> None:
        self.out.append(Step(fn, args, target, node, (OPS[name], ())))

    def fresh(self, *args: int) -> int:
        """A new slot for the elementwise result of ``args`` (shape and dtype recorded)."""
        slot = self.new_slot()
        arrays = [a for a in args if a in self.info.shape]
        self.info.shape[slot] = np.broadcast_shapes(*(self.info.shape[a] for a in arrays))
        self.info.dtype[slot] = np.result_type(*(self.info.dtype[a] for a in arrays))
        return slot

    def result(self, step: Any, fn: Callable, name: str, args: tuple, factor: float) -> None:
        """Emit ``step`` as ``fn(*args)``; its true value is ``factor`` times that."""
        self.add_step(fn, name, args, step.out, step.node)
        if factor != 1.0:
            self.scaled[step.out] = (step.out, factor)

    def materialize(self, slot: int, node: Any) -> int:
        """A slot holding the true value of ``slot`` (one step if a factor is pending)."""
        stored, factor = self.split(slot)
        return self.scale(stored, factor, node)

    def scale(self, stored: int, factor: float, node: Any) -> int:
        """A slot holding ``factor * stored``."""
        stored, factor = self.positive_zero(stored, factor)  # a Neg becomes a Sub: no new step
        if factor == 1.0:
            return stored
        if (stored, factor) not in self.materialized:
            target = self.materialized[(stored, factor)] = self.fresh(stored)
            if factor == -1.0:
                self.add_step(np.negative, "Neg", (stored,), target, node)
            else:
                self.add_step(np.multiply, "Mul", (self.const(factor), stored), target, node)
        return self.materialized[(stored, factor)]

    def difference(self, k: float, part: int, node: Any) -> int:
        """A slot holding ``k - part`` (one step, made once)."""
        if (k, part) not in self.differences:
            slot = self.differences[(k, part)] = self.fresh(part)
            self.add_step(np.subtract, "Sub", (self.const(k), part), slot, node)
        return self.differences[(k, part)]

    def emit_sum(self, total: _Sum, target: int, depth: int = 0) -> float:
        """Compute ``total`` into ``target``, leaving out one factor; return that factor.

        Shared factors are pulled out of sums of up to ``FACTOR_MAX_TERMS`` terms, nested
        up to ``FACTOR_MAX_DEPTH`` deep; longer sums are added as they stand, so that
        compiling stays linear in the size of the graph."""
        node, constant = total.node, total.constant
        items: list = []
        index: dict[int, int] = {}
        for slot, c, factors in total.terms:  # 2a + 3a = 5a (but a - a stays a - a: inf, nan)
            i = index.get(slot)
            if i is not None and items[i][1] + c != 0:
                items[i] = (slot, items[i][1] + c, None)
            else:
                index[slot] = len(items)
                items.append((slot, c, factors))
        while len(items) <= FACTOR_MAX_TERMS and depth < FACTOR_MAX_DEPTH:  # p*q*c1 + p*s*c2
            counts: dict[int, int] = {}  # = p * (c1*q + c2*s)
            for _, _, factors in items:
                for p in set(factors or ()):
                    counts[p] = counts.get(p, 0) + 1
            shared = next((p for p, n in counts.items() if n > 1), None)
            if shared is None:
                break
            group = [item for item in items if item[2] and shared in item[2]]
            items = [item for item in items if not (item[2] and shared in item[2])]
            cofactors, inner_constant = [], 0.0
            for _, c, f in group:
                q = f[1] if f[0] == shared else f[0]
                if q in self.expandable:  # a sum only this product used: take its terms
                    g = self.carried[q]
                    cofactors += [(s, c * k / g, fs) for s, k, fs in self.sums[q].terms]
                    inner_constant += c * self.sums[q].constant / g
                else:
                    cofactors.append((q, c, None))
            inner = self.fresh(*(s for s, _, _ in cofactors))
            factor = self.emit_sum(_Sum(cofactors, inner_constant, node), inner, depth + 1)
            alone = not items and not constant
            product = target if alone else self.fresh(shared, inner)
            self.add_step(np.multiply, "Mul", (shared, inner), product, node)
            self.products[product] = (shared, inner)
            if alone:
                return factor
            items.append((product, factor, (shared, inner)))

        groups: dict[float, list[tuple[int, float]]] = {}  # |coefficient| -> terms
        for slot, c, _ in items:
            groups.setdefault(abs(c), []).append((slot, c))
        base = 1.0 if 1.0 in groups else next(iter(groups))
        steps_before = len(self.out)
        accumulated, carried = None, 1.0
        for size in [base, *(g for g in groups if g != base)]:
            terms = sorted(groups[size], key=lambda term: term[1] < 0)  # a positive one first
            part, c1 = terms[0]
            for slot, c in terms[1:]:
                part = self.binary("Add" if c == c1 else "Sub", part, slot, node)
            if accumulated is None:
                accumulated, carried = part, c1
            else:
                accumulated = self.binary("Add", accumulated, self.scale(part, c1 / carried, node), node)
        offset = None
        if constant:
            offset = (accumulated, constant / carried, node)
            accumulated = self.binary("Add", accumulated, self.const(constant / carried), node)
        if len(self.out) == steps_before or self.out[-1].out != accumulated:  # one bare term
            self.add_step(np.multiply, "Mul", (self.const(carried), accumulated), target, node)
            return 1.0
        last = self.out[-1]
        self.out[-1] = type(last)(last.fn, last.args, target, last.node, last.key)
        if offset is not None:
            self.offsets[target] = offset
        return carried

    def binary(self, name: str, a: int, b: int, node: Any) -> int:
        """A new slot holding ``a + b`` or ``a - b`` (``name`` "Add" or "Sub")."""
        slot = self.fresh(a, b)
        self.add_step(_ARITHMETIC[name], name, (a, b), slot, node)
        return slot

    # -- the pass -------------------------------------------------------------------
    def collect(self, step: Any, name: str) -> None:
        """An addition or subtraction becomes a pending sum, merged with pending sums
        that reach only it."""
        if not all(self.floating(self.peek(a)[0]) for a in step.args):
            self.plain(step)  # booleans: True + True is True, and True - True an error
            return
        total = _Sum([], 0.0, step.node)
        for arg, sign in zip(step.args, (1.0, 1.0 if name == "Add" else -1.0)):
            stored, factor = self.peek(arg)
            if self.number(stored) is not None:
                total.constant += sign * factor * self.number(stored)
            elif stored in self.pending and self.reaches_once(arg):
                inner, m = self.pending.pop(stored), sign * factor
                if m == 1.0 and not total.terms:  # (a + b) + c: take over the list, no copy
                    total.terms = inner.terms
                else:
                    total.terms += [(s, m * c, f) for s, c, f in inner.terms]
                total.constant += m * inner.constant
            else:
                stored, factor = self.split(arg)
                product = self.products.get(stored) if self.reaches_once(arg) else None
                if product and not all(self.floating(f) for f in product):
                    product = None
                total.terms.append((stored, sign * factor, product))
        if total.terms:
            self.pending[step.out] = total
        else:  # constants only (not folded earlier): compute as it stands
            self.plain(step)

    def run(self, steps: list, keep: set[int]) -> tuple[list, dict[int, int]]:
        self.uses = {slot: 1 for slot in keep}
        for step in steps:
            for a in step.args:
                self.uses[a] = self.uses.get(a, 0) + 1
        node_of: dict[int, Any] = {}
        for step in steps:
            node_of[step.out] = step.node
            name, args = _kind(step), step.args
            out_dtype = self.info.dtype.get(step.out)
            if out_dtype is not None and out_dtype.kind not in "fc":
                self.plain(step)  # integers and booleans: the factor algebra is for floats
            elif name == "Neg":
                stored, factor = self.link(args[0])
                self.absorbed(step.out, args[0], stored, -factor)
            elif name in ("Mul", "Div") and len(args) == 2:
                self.multiply(step, name)
            elif name in ("Add", "Sub") and len(args) == 2:
                self.collect(step, name)
            elif name in _ODD | _EVEN and len(args) == 1 and abs(self.split(args[0])[1]) == 1.0:
                stored, factor = self.split(args[0])
                self.result(step, step.fn, name, (stored,), factor if name in _ODD else 1.0)
            elif name == "Pow" and self.number(args[1]) is not None and self.number(args[1]).is_integer():
                stored, factor = self.split(args[0])
                k = int(self.number(args[1]))
                if k == 2:  # x**2 is x*x: np.square gives the same bits, faster
                    self.result(step, np.square, "Square", (stored,), factor * factor)
                else:
                    self.result(step, step.fn, name, (stored, args[1]), factor**k)
            elif name == "Square":
                stored, factor = self.split(args[0])
                self.result(step, np.square, "Square", (stored,), factor * factor)
            else:
                self.plain(step)
        final = {slot: self.materialize(slot, node_of.get(self.peek(slot)[0])) for slot in keep}
        return self.out, final

    def plain(self, step: Any) -> None:
        """Emit ``step`` as it stands, on the true values of its arguments."""
        new_args = tuple(self.materialize(a, step.node) for a in step.args)
        self.out.append(type(step)(step.fn, new_args, step.out, step.node, step.key))

    def multiply(self, step: Any, name: str) -> None:
        """A product or quotient: by a constant it is only a factor; otherwise one step
        whose factor is the product (or quotient) of the arguments' factors."""
        a_slot, b_slot = step.args
        (a, fa), (b, fb) = self.link(a_slot), self.link(b_slot)
        ca, cb = self.number(a), self.number(b)
        if name == "Mul" and cb is not None:
            self.absorbed(step.out, a_slot, a, fa * fb * cb)
        elif name == "Mul" and ca is not None:
            self.absorbed(step.out, b_slot, b, fa * fb * ca)
        elif name == "Div" and cb is not None:
            self.absorbed(step.out, a_slot, a, fa / (fb * cb))
        else:
            (a, fa), (b, fb) = self.split(a_slot), self.split(b_slot)
            if name == "Div":  # a divisor's 0 keeps the sign the graph gives it
                b, fb = self.positive_zero(b, fb)
            if name == "Div" and ca is not None:  # c / (f u) = (c / f) * (1 / u)
                self.result(step, np.true_divide, "Div", (self.const(ca * fa / fb), b), 1.0)
            else:
                self.result(step, _ARITHMETIC[name], name, (a, b), fa * fb if name == "Mul" else fa / fb)
                if name == "Mul":
                    self.products[step.out] = (a, b)
                    self.expandable.update(s for s, arg in ((a, a_slot), (b, b_slot))
                                           if s in self.sums and self.reaches_once(arg))


def constants_as_arrays(steps: list, consts: dict, info: SlotInfo,
                        new_slot: Callable[[], int]) -> list:
    """Give ufunc steps their Python-float constants as 0-d arrays of the computing dtype."""
    made: dict[tuple, int] = {}
    result = []
    for step in steps:
        if isinstance(step.fn, np.ufunc):
            arrays = [info.dtype.get(a) for a in step.args if a not in consts]
            dtype = arrays[0] if arrays and arrays[0] is not None and arrays[0].kind == "f" else None
            if dtype is not None:
                args = []
                for a in step.args:
                    value = consts.get(a)
                    if isinstance(value, (int, float)) and not isinstance(value, bool):  # a Python number
                        key = (float(value).hex(), dtype.str)
                        if key not in made:
                            made[key] = new_slot()
                            consts[made[key]] = np.array(value, dtype=dtype)
                        a = made[key]
                    args.append(a)
                step = type(step)(step.fn, tuple(args), step.out, step.node, step.key)
        result.append(step)
    return result


def large_slots(info: SlotInfo) -> set[int]:
    """The slots whose arrays are large enough for the memory passes."""
    return {s for s, shape in info.shape.items() if math.prod(shape) >= REUSE_MIN_SIZE}


def order_for_memory(steps: list, info: SlotInfo, keep: set[int]) -> list:
    """Reorder steps (dependencies kept) so that fewer large arrays are alive at once.

    Works backwards from the results, like a register allocator: of the steps whose
    consumers are all placed, it places the one that brings the fewest new large
    arrays to life (its arguments not needed later anyway) and ends one (its own
    result); ties keep the original order. Only plans on large arrays are reordered.
    """
    big = large_slots(info)
    if not any(step.out in big for step in steps):
        return steps
    made = {step.out: i for i, step in enumerate(steps)}
    waiting = [0] * len(steps)  # step -> how many of its consumers are not placed yet
    users: dict[int, list[int]] = {}  # slot -> the steps that read it
    for i, step in enumerate(steps):
        for a in set(step.args):
            users.setdefault(a, []).append(i)
            if a in made:
                waiting[made[a]] += 1
    alive: set[int] = set(keep)
    cost: dict[int, int] = {}  # ready step -> new large arrays it brings to life, minus its own
    heap: list[tuple[int, int]] = []

    def consider(i: int) -> None:
        step = steps[i]
        cost[i] = sum(1 for a in set(step.args) if a in big and a in made and a not in alive)
        cost[i] -= step.out in big
        heapq.heappush(heap, (cost[i], -i))

    for i, n in enumerate(waiting):
        if n == 0:
            consider(i)
    placed: list = []
    while heap:
        c, i = heapq.heappop(heap)
        i = -i
        if cost.get(i) != c:  # placed already, or its cost has dropped since
            continue
        del cost[i]
        step = steps[i]
        placed.append(step)
        alive.discard(step.out)
        for a in set(step.args):
            if a not in made:
                continue
            if a not in alive:
                alive.add(a)
                for j in users[a]:  # ready steps reading a now bring one array fewer to life
                    if j in cost:
                        consider(j)
            waiting[made[a]] -= 1
            if waiting[made[a]] == 0:
                consider(made[a])
    return placed[::-1]


def peak_large_arrays(steps: list, info: SlotInfo, keep: set[int]) -> int:
    """How many large arrays computed by ``steps`` are alive at once, at most, when each
    is released after its last use (0 for a plan on small arrays)."""
    big = large_slots(info)
    last_use = {a: i for i, step in enumerate(steps) for a in step.args}
    alive: set[int] = set()
    peak = 0
    for i, step in enumerate(steps):
        if step.out in big:
            alive.add(step.out)
            peak = max(peak, len(alive))
        alive -= {a for a in step.args if last_use[a] == i and a not in keep}
    return peak


@dataclass
class MemoryPlan:
    """For each step: the slot whose buffer receives its output (or None), and the slots
    to release after it."""

    buffers: list[int | None]
    releases: list[list[int]]


def plan_memory(steps: list, info: SlotInfo, keep: set[int], locals_: set[int]) -> MemoryPlan:
    """Decide where large results are written (``out=``) and when values are released.

    Only outputs of ufunc steps are owned by the plan (fresh arrays it may overwrite).
    Other steps may return views of their inputs, so those inputs are never recycled.
    Values in ``keep`` (fetches and assignments) are never recycled either.
    """
    last_use: dict[int, int] = {}
    for i, step in enumerate(steps):
        for a in step.args:
            last_use[a] = i
    big = large_slots(info)
    owned: set[int] = set()
    pinned: set[int] = set(keep)
    free: dict[tuple, list[int]] = {}
    buffers: list[int | None] = []
    releases: list[list[int]] = []
    for i, step in enumerate(steps):
        buffer = None
        ufunc = isinstance(step.fn, np.ufunc) and step.fn.nout == 1
        if ufunc and step.out in big:
            spec = (info.shape[step.out], info.dtype[step.out])
            dying = [a for a in dict.fromkeys(step.args)
                     if a in owned and a not in pinned and last_use.get(a) == i
                     and (info.shape.get(a), info.dtype.get(a)) == spec]
            if dying:  # compute in place over an input that is not needed afterwards
                buffer = dying[0]
            elif free.get(spec):
                buffer = free[spec].pop()
        if not ufunc:
            pinned.update(step.args)  # the result may be a view of these
        buffers.append(buffer)
        if ufunc:
            owned.add(step.out)
        released = []
        for a in dict.fromkeys(step.args):
            if last_use.get(a) != i or a == buffer or a in keep or a not in locals_:
                continue
            if a in owned and a not in pinned and a in big:
                free.setdefault((info.shape[a], info.dtype[a]), []).append(a)
            elif a in big:
                released.append(a)  # not reusable, but no longer needed: let it go
        releases.append(released)
    # a buffer still on the free list was never reused (reusing one pops it, and a value
    # computed in place over its input never joins the list): release it after its last use
    for spec_slots in free.values():
        for a in spec_slots:
            releases[last_use[a]].append(a)
    return MemoryPlan(buffers, releases)
