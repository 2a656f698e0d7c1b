"""What the plan compiler does once it knows every shape: fewer, cheaper, leaner steps.

These passes run on a plan's flat list of steps after the shape pass (see
:mod:`gradlab.plan`). They change how values are computed, never which values:

* **Factors travel.** Multiplying by a constant, dividing by one or negating
  rarely needs a step of its own: ``3 * (2 * u) * v`` is one multiplication of u
  and v with the factor 6 carried along, ``a + (-b)`` is ``a - b``, ``sin(-u)``
  is ``-sin(u)`` and ``cos(-u)`` is ``cos(u)``. Factors are carried with the
  values they apply to and only applied where nothing can absorb them.
* **Constants are numpy scalars of the right dtype.** numpy spends about 100 ns
  converting a Python float on every call; a 0-d array of the step's dtype costs
  nothing and gives exactly the same result.
* **Memory is reused** (for large arrays only). Each value's last use is known, so
  a step can write its result with ``out=`` into an array nobody needs any more,
  and dead values are released at once. Fewer fresh allocations is faster, and
  the peak memory drops to what is alive at one time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .ops import OPS

REUSE_MIN_SIZE = 1 << 14  # arrays at least this large get out= buffers and early release

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


def propagate_factors(steps: list, consts: dict, info: SlotInfo, new_slot: Callable[[], int],
                      keep: set[int]) -> tuple[list, dict[int, int]]:
    """Carry constant factors (and signs) along with values instead of computing them.

    A slot's value is tracked as ``factor * stored``: multiplying or dividing by a
    constant, or negating, changes only the factor (no step). A product multiplies
    the factors, a sum of values with equal (or opposite) factors keeps the factor,
    odd functions pass a sign through and even functions drop it. Where nothing can
    absorb a factor, one step applies it ("materialises" the value). Each such step
    replaces a step that was absorbed earlier, so a plan never gets longer; results
    may differ from the original order of operations in the last bit.

    ``keep`` holds the slots whose true value must exist at the end (fetches, effects).
    Returns the new steps and a map from each kept slot to the slot holding its value.
    """
    from .plan import Step

    scaled: dict[int, tuple[int, float]] = {}  # slot -> (stored slot, factor)
    materialized: dict[tuple[int, float], int] = {}
    made_consts: dict[float, int] = {}
    out: list = []

    def split(slot: int) -> tuple[int, float]:
        return scaled.get(slot, (slot, 1.0))

    def number(slot: int) -> float | None:
        """The value of a scalar constant slot (finite and non-zero), else None."""
        value = consts.get(slot)
        if value is None or np.ndim(value) != 0:
            return None
        value = float(value)
        return value if np.isfinite(value) and value != 0 else None

    def const(value: float) -> int:
        if value not in made_consts:
            made_consts[value] = new_slot()
            consts[made_consts[value]] = value
        return made_consts[value]

    def add_step(fn: Callable, name: str, args: tuple, target: int, node: Any) -> None:
        out.append(Step(fn, args, target, node, (OPS[name], ())))

    def materialize(slot: int, node: Any) -> int:
        """A slot holding the true value of ``slot`` (one step if a factor is pending)."""
        stored, factor = split(slot)
        return scale(stored, factor, node)

    def scale(stored: int, factor: float, node: Any) -> int:
        """A slot holding ``factor * stored``."""
        if factor == 1.0:
            return stored
        if (stored, factor) not in materialized:
            target = materialized[(stored, factor)] = new_slot()
            info.shape[target], info.dtype[target] = info.shape[stored], info.dtype[stored]
            if factor == -1.0:
                add_step(np.negative, "Neg", (stored,), target, node)
            else:
                add_step(np.multiply, "Mul", (const(factor), stored), target, node)
        return materialized[(stored, factor)]

    def carry(slot: int, factor: float) -> None:
        """``slot`` stores its value divided by ``factor``: the factor travels on."""
        if factor != 1.0:
            scaled[slot] = (slot, factor)

    def result(step: Any, fn: Callable, name: str, args: tuple, factor: float) -> None:
        add_step(fn, name, args, step.out, step.node)
        carry(step.out, factor)

    uses: dict[int, int] = {slot: 1 for slot in keep}
    for step in steps:
        for a in step.args:
            uses[a] = uses.get(a, 0) + 1
    single: dict[int, bool] = {}  # slot -> its value reaches exactly one consumer
    products: dict[int, tuple[int, int]] = {}  # stored slot of an emitted a*b -> (a, b)

    def absorbed(out_slot: int, from_slot: int) -> None:
        """``out_slot`` is ``from_slot`` times a constant: no step, one more link in a chain."""
        single[out_slot] = uses.get(from_slot, 0) == 1 and single.get(from_slot, True)

    def lone_product(slot: int) -> tuple[int, int] | None:
        """The factors of ``slot`` if it is a product that nothing else uses."""
        stored = split(slot)[0]
        if uses.get(slot, 0) == 1 and single.get(slot, True) and stored in products:
            return products[stored]
        return None

    def combine(a: int, fa: float, b: int, fb: float, target: int, node: Any) -> float:
        """Emit ``fa*a + fb*b`` into ``target`` as one step (plus a scaling if needed);
        return the factor left to carry."""
        if abs(fa) != 1.0 and abs(fb) == 1.0:  # carry the unit factor, scale the other
            (a, fa), (b, fb) = (b, fb), (a, fa)
        r = fb / fa
        if r == 1.0:
            add_step(np.add, "Add", (a, b), target, node)
        elif r == -1.0:
            add_step(np.subtract, "Sub", (a, b), target, node)
        else:
            add_step(np.add, "Add", (a, scale(b, r, node)), target, node)
        return fa

    def common_factor(step: Any, args: tuple, fa: float, fb: float) -> bool:
        """p*q*fa + p*s*fb = p * (fa*q + fb*s): one multiplication instead of two, when
        neither product is needed anywhere else."""
        left, right = lone_product(args[0]), lone_product(args[1])
        if left is None or right is None:
            return False
        shared = [p for p in left if p in right]
        if not shared:
            return False
        p = shared[0]
        q = left[1] if left[0] == p else left[0]
        s = right[1] if right[0] == p else right[0]
        inner = new_slot()
        info.shape[inner], info.dtype[inner] = info.shape[step.out], info.dtype[step.out]
        factor = combine(q, fa, s, fb, inner, step.node)
        result(step, np.multiply, "Mul", (p, inner), factor)
        products[step.out] = (p, inner)
        return True

    node_of: dict[int, Any] = {}
    for step in steps:
        node_of[step.out] = step.node
        name = _kind(step)
        args = step.args
        if name == "Neg":
            stored, factor = split(args[0])
            scaled[step.out] = (stored, -factor)
            absorbed(step.out, args[0])
        elif name in ("Mul", "Div") and len(args) == 2:
            (a, fa), (b, fb) = split(args[0]), split(args[1])
            ca, cb = number(a), number(b)
            if name == "Mul" and cb is not None:
                scaled[step.out] = (a, fa * fb * cb)
                absorbed(step.out, args[0])
            elif name == "Mul" and ca is not None:
                scaled[step.out] = (b, fa * fb * ca)
                absorbed(step.out, args[1])
            elif name == "Div" and cb is not None:
                scaled[step.out] = (a, fa / (fb * cb))
                absorbed(step.out, args[0])
            elif name == "Div" and ca is not None:  # c / (f u) = (c / f) * (1 / u)
                result(step, np.true_divide, "Div", (const(ca * fa / fb), b), 1.0)
            else:
                factor = fa * fb if name == "Mul" else fa / fb
                result(step, _ARITHMETIC[name], name, (a, b), factor)
                if name == "Mul":
                    products[step.out] = (a, b)
        elif name in ("Add", "Sub") and len(args) == 2:
            # the value is fa*a + fb*b (with fb negated for a subtraction)
            (a, fa), (b, fb) = split(args[0]), split(args[1])
            if name == "Sub":
                fb = -fb
            ca, cb = number(a), number(b)
            if cb is not None and ca is None:  # fa*a + fb*c = fa*(a + fb*c/fa)
                result(step, np.add, "Add", (a, const(fb * cb / fa)), fa)
            elif ca is not None and cb is None:
                result(step, np.add, "Add", (const(fa * ca / fb), b), fb)
            elif not common_factor(step, args, fa, fb):
                carry(step.out, combine(a, fa, b, fb, step.out, step.node))
        elif name in _ODD | _EVEN and len(args) == 1 and abs(split(args[0])[1]) == 1.0:
            stored, factor = split(args[0])
            result(step, step.fn, name, (stored,), factor if name in _ODD else 1.0)
        elif name == "Pow" and number(args[1]) is not None and float(number(args[1])).is_integer():
            stored, factor = split(args[0])
            k = int(number(args[1]))
            if k == 2:  # x**2 is x*x: np.square gives the same bits, faster
                result(step, np.square, "Square", (stored,), factor * factor)
            else:
                result(step, step.fn, name, (stored, args[1]), factor**k)
        elif name == "Square":
            stored, factor = split(args[0])
            result(step, np.square, "Square", (stored,), factor * factor)
        else:
            new_args = tuple(materialize(a, step.node) for a in args)
            out.append(type(step)(step.fn, new_args, step.out, step.node, step.key))
    final = {slot: materialize(slot, node_of.get(split(slot)[0])) for slot in keep}
    return out, final


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
                    if isinstance(value, float):  # a weakly typed Python number
                        key = (float(value).hex(), dtype.str)
                        if key not in made:
                            made[key] = new_slot()
                            consts[made[key]] = np.array(value, dtype=dtype)
                        a = made[key]
                    args.append(a)
                step = type(step)(step.fn, tuple(args), step.out, step.node, step.key)
        result.append(step)
    return result


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
    big = {s for s, shape in info.shape.items() if int(np.prod(shape, dtype=np.int64)) >= REUSE_MIN_SIZE}
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
    # a buffer that was freed but never reused is released right after its last use
    reused = {b for b in buffers if b is not None}
    for spec_slots in free.values():
        for a in spec_slots:
            if a not in reused:
                releases[last_use[a]].append(a)
    return MemoryPlan(buffers, releases)
