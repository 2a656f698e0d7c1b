"""TF1's control flow: ``tf.cond``, ``tf.while_loop`` and ``tf.case``, with TF's signatures.

These take TF's arguments (nested lists, tuples and dicts of tensors, ``fn1``/``fn2``,
``shape_invariants``, ``maximum_iterations``) and build the graph ops of
:mod:`gradlab.core.control_flow`, where the branches and the loop body are closed
subgraphs that run only when chosen. Their gradients, of every order, are graphs too.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from ..core import control_flow as flow
from ..core.graph import Tensor
from ..core.ops import as_tensor, named
from .functional import flatten, unflatten


def cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None,
         strict: bool = False, name: str | None = None, fn1: Callable | None = None,
         fn2: Callable | None = None) -> Any:
    """``true_fn()`` if ``pred`` is true when the graph runs, else ``false_fn()``
    (TF1's ``tf.cond``). Only the chosen branch is computed.

    ``strict`` changes nothing (gradlab never unpacks a one-element list). Both
    functions take no arguments and return the same structure of tensors (one
    tensor, or a list, tuple or dict of them); the result has that structure.

    >>> y = gl.cond(x > 0, lambda: gl.log(x), lambda: gl.constant(0.0))
    """
    true_fn, false_fn = true_fn or fn1, false_fn or fn2
    if true_fn is None or false_fn is None:
        raise TypeError("cond needs both true_fn and false_fn")
    structure: list = []

    def branch(fn: Callable) -> Callable:
        def flat() -> list:
            leaves, shape = flatten(fn())
            structure.append(shape)
            return leaves
        return flat

    outputs = flow.cond(pred, branch(true_fn), branch(false_fn))
    if structure[0] != structure[1]:
        raise ValueError("the two branches of cond must return the same structure (the same "
                         "number of tensors, nested the same way)")
    result = unflatten(structure[0], outputs)
    return named(result, name) if isinstance(result, Tensor) else result


def while_loop(cond: Callable, body: Callable, loop_vars: Any, shape_invariants: Any = None,
               parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
               name: str | None = None, maximum_iterations: int | None = None,
               return_same_structure: bool = False) -> Any:
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` is true, when
    the graph runs (TF1's ``tf.while_loop``).

    ``loop_vars`` is a list or tuple (possibly nested) of tensors or numbers, and
    ``body`` returns the same structure. As in TF1, a result of one element comes back
    as that tensor unless ``return_same_structure=True``. ``shape_invariants`` gives,
    per loop variable, a shape with ``None`` for sizes that change from pass to pass.
    ``parallel_iterations``, ``back_prop`` and ``swap_memory`` change nothing here.

    >>> i, total = gl.while_loop(lambda i, s: i < 10, lambda i, s: (i + 1, s + i), [0, 0])
    """
    single = not isinstance(loop_vars, (list, tuple))
    packed = [loop_vars] if single else loop_vars
    leaves, structure = flatten(packed)
    shapes = None
    if shape_invariants is not None:
        invariant_leaves = flatten([shape_invariants] if single else shape_invariants)[0]
        shapes = [_shape_tuple(s) for s in invariant_leaves]

    def unpack(values: Sequence[Tensor]) -> list:
        return unflatten(structure, list(values))

    def condition(*values: Tensor) -> Any:
        return cond(*unpack(values))

    def step(*values: Tensor) -> list:
        result = body(*unpack(values))
        if single or (len(packed) == 1 and not isinstance(result, (list, tuple))):
            result = [result]
        new_leaves, new_structure = flatten(list(result))
        if len(new_leaves) != len(leaves):
            raise ValueError(f"the body of while_loop returns {len(new_leaves)} tensors for "
                             f"{len(leaves)} loop variables")
        return new_leaves

    names = None
    if len(leaves) == len(packed):  # one tensor per argument of body: name them after it
        names = flow._parameter_names(body, len(leaves))
    outputs = unpack(flow.while_loop(condition, step, [as_tensor(v) for v in leaves],
                                     maximum_iterations=maximum_iterations, shapes=shapes,
                                     names=names))
    if single or (len(outputs) == 1 and not return_same_structure):
        return outputs[0]
    return type(loop_vars)(outputs) if isinstance(loop_vars, tuple) else outputs


def _shape_tuple(shape: Any) -> tuple | None:
    if shape is None:
        return None
    dims = getattr(shape, "dims", shape)  # a TensorShape, a list, or a tuple
    if dims is None:
        return None
    sizes = [getattr(d, "value", d) for d in dims]  # (a TensorShape holds Dimensions)
    return tuple(None if d is None else int(d) for d in sizes)


def case(pred_fn_pairs: Any, default: Callable | None = None, exclusive: bool = False,
         strict: bool = False, name: str = "case") -> Any:
    """The value of the first function whose predicate is true, else ``default()``
    (TF1's ``tf.case``): a chain of :func:`cond`. With ``exclusive=True`` TF checks
    that at most one predicate holds; gradlab takes the first that does."""
    pairs = list(pred_fn_pairs.items()) if isinstance(pred_fn_pairs, dict) else list(pred_fn_pairs)
    if not pairs:
        if default is None:
            raise ValueError("case needs at least one (predicate, function) pair or a default")
        return default()
    if default is None:  # as in TF: the last function is the fallback
        *pairs, (_, default) = pairs
        if not pairs:
            return default()
    (pred, fn), rest = pairs[0], pairs[1:]
    return cond(pred, fn, lambda: case(rest, default) if rest else default())

