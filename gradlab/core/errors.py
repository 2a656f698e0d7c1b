"""The exceptions gradlab raises, so a notebook can catch exactly what went wrong.

Each one subclasses the Python built-in a learner would expect (a bad feed is a
``ValueError``, a missing gradient rule is a ``LookupError``), so ordinary
``except ValueError`` code keeps working.
"""

from __future__ import annotations


class GradlabError(Exception):
    """Base class of every error gradlab raises on purpose."""


class FeedError(GradlabError, ValueError):
    """A placeholder was not fed, or was fed a value of the wrong shape."""


class ShapeError(GradlabError, ValueError):
    """Two shapes cannot be combined (for example they do not broadcast)."""


class NoGradientError(GradlabError, LookupError):
    """An op on the path from ``xs`` to ``ys`` has no gradient rule."""


class UninitializedVariableError(GradlabError, RuntimeError):
    """A Variable was read before it was given a value in this Session."""


class BudgetError(GradlabError, RuntimeError):
    """A graph grew past a limit set to keep the kernel responsive (see ``node_budget``)."""
