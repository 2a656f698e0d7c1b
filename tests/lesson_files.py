"""Shared by the tests of the course: where the exercise solutions are, and how to run one."""

from pathlib import Path

import numpy as np

import gradlab as gl

SOLUTIONS = Path(__file__).resolve().parent.parent / "notebooks" / "solutions"


def load(name: str, **namespace) -> dict:
    """Run a solution file the way %load + run would, in a namespace like the notebook's
    (``np`` and ``gl``, plus whatever the lesson defined before the exercise)."""
    namespace = {"np": np, "gl": gl, **namespace}
    exec(compile((SOLUTIONS / name).read_text(), name, "exec"), namespace)  # our own files
    return namespace
