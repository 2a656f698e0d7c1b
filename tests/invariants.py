"""What every node promises about its value, checked against the value it has.

A node carries static facts that the engine relies on without running anything:
its shape (where known), a *shape key* (two nodes with the same key must have the
same shape, which is how bookkeeping nodes are proven unnecessary), and its dtype.
A wrong fact gives no error; it silently lets a simplification or a plan pass do the
wrong thing later. :func:`assert_static_facts_hold` runs every node of a graph with
the reference evaluator and checks each fact against the real value.
"""

from __future__ import annotations

import numpy as np

import gradlab as gl
from gradlab.core.graph import toposort

_STATEFUL = {"Group", "Assign"}


def assert_static_facts_hold(fetches, feed_dict):
    """Every node reachable from ``fetches`` has the shape, shape key and dtype it claims."""
    nodes = [n for n in toposort(list(fetches)) if n.op.name not in _STATEFUL]
    values = gl.evaluate(nodes, feed_dict)
    by_key = {}
    for node, value in zip(nodes, values):
        shape = np.shape(value)
        if node.shape is not None:
            assert len(node.shape) == len(shape), f"{node}: claims {node.shape}, has {shape}"
            for claimed, actual in zip(node.shape, shape):
                assert claimed in (None, actual), f"{node}: claims {node.shape}, has {shape}"
        key = node.skey
        if isinstance(key, tuple):
            assert None not in key, f"{node}: a partly known shape {key} is no proof of equality"
            assert key == shape, f"{node}: key {key}, shape {shape}"
        by_key.setdefault(id(key), []).append((node, shape))
        if node.dtype is not None:
            assert np.asarray(value).dtype == node.dtype, \
                f"{node}: claims {node.dtype}, has {np.asarray(value).dtype}"
    for group in by_key.values():
        shapes = {s for _, s in group}
        assert len(shapes) == 1, f"nodes sharing a shape key have shapes {shapes}: {group}"
