"""One step of a compiled plan: ``slots[out] = fn(*slots[args])``.

A plan (:mod:`gradlab.compile.plan`) is a flat list of these; the passes of
:mod:`gradlab.compile.optimize` read and write such lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..core.graph import Tensor


@dataclass
class Step:
    """``slots[out] = fn(*slots[args])``, computing ``node``."""

    fn: Callable
    args: tuple[int, ...]
    out: int
    node: Tensor
    key: Any  # what makes two steps interchangeable (None: never merge)
