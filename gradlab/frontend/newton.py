"""Newton's method for finding a minimum: ``gl.newton(f, x0, steps)``.

Gradient descent steps downhill by a fixed fraction of the slope. Newton's method
fits a parabola (in several variables, a quadratic bowl) to ``f`` at the current
point, using the gradient *and* the curvature (the Hessian), and jumps to the
bottom of that parabola:

    x_next = x - f'(x) / f''(x)            one variable
    x_next = x - H(x)^-1 ∇f(x)             several variables

Near a minimum this doubles the number of correct digits at every step. It also
fails in instructive ways: where the curvature is zero (a flat spot) the step is
undefined, and where it is negative the parabola opens downwards, so the "bottom"
it jumps to is a *maximum*. Newton's method finds where the gradient vanishes, and
it does not care which kind of point that is. The verdict says which it found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .functional import value_and_grad
from .jacobians import hessian


@dataclass(frozen=True)
class NewtonResult:
    """What :func:`newton` did.

    path:       the points visited, the start first (shape (k+1,) or (k+1, n)).
    values:     f at each point of the path.
    verdict:    a sentence saying how the run ended and what kind of point it reached.
    converged:  True when the Newton step became negligible (or the gradient exactly 0).
    kind:       "minimum", "maximum", "saddle point" or "" (when it did not converge).
    """

    path: np.ndarray
    values: np.ndarray
    verdict: str
    converged: bool
    kind: str = ""

    @property
    def x(self) -> np.ndarray:
        """The last point of the path."""
        return self.path[-1]

    @property
    def steps(self) -> int:
        """The number of Newton steps taken."""
        return len(self.path) - 1

    def __repr__(self) -> str:
        return f"NewtonResult(x={_show(self.x)}, steps={self.steps}, verdict={self.verdict!r})"


def _eigenvalues(h: np.ndarray) -> np.ndarray:
    return np.linalg.eigvalsh(np.atleast_2d(h))


def _curvature_kind(h: np.ndarray, sizes: list[float]) -> str:
    """What the second-derivative test says of a point where the gradient is 0, or "" when
    it cannot tell: when some curvature there is zero (x**3 at 0 is neither a minimum nor
    a maximum, x**4 at 0 is a minimum that the test cannot see).

    Newton's method only creeps up on such a point, so its run says so: where the Hessian
    at the answer is invertible, each step is about the square of the one before
    (quadratic convergence); where it is singular, each step is a fixed fraction of the one
    before (one half for x**3). The curvature at the last point cannot tell, since it is
    tiny but not zero there. So the last two steps' sizes decide: each shrinking by less
    than a factor of 10 means a zero curvature at the limit.
    """
    eig = _eigenvalues(h)
    largest = float(np.max(np.abs(eig), initial=0.0))
    if largest == 0 or np.any(np.abs(eig) <= 1e-12 * largest):
        return ""
    if len(sizes) >= 3 and sizes[-1] > 0.1 * sizes[-2] and sizes[-2] > 0.1 * sizes[-3]:
        return ""
    if np.all(eig > 0):
        return "minimum"
    if np.all(eig < 0):
        return "maximum"
    return "saddle point"


def newton(f: Callable, x0: float | np.ndarray, steps: int = 20, tol: float = 1e-10) -> NewtonResult:
    """Run Newton's method on ``f`` from ``x0`` for at most ``steps`` steps.

    ``f`` is a Python function of one number (``x0`` a number) or of one vector
    (``x0`` an array), written with numpy or gradlab operations; its derivatives come
    from gradlab (``value_and_grad`` and ``hessian``). The run stops early when the
    step becomes negligible (smaller than ``tol`` times ``1 + |x|``), when the curvature vanishes,
    or when the numbers blow up. Convergence is judged by the step: a small gradient
    alone is not enough (``exp(x)`` has tiny slopes far to the left, and no minimum).

    >>> result = gl.newton(lambda x: (x - 2) ** 2 + 1, 10.0)
    >>> float(result.x), result.kind
    (2.0, 'minimum')
    """
    value_grad, curvature = value_and_grad(f), hessian(f)

    def derivatives(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        value, g = value_grad(x)
        if np.size(value) != 1:
            raise ValueError(f"newton minimises a function whose value is one number; f "
                             f"returned shape {np.shape(value)} (for a vector f, minimise "
                             "np.sum(f(x)**2), say)")
        return value, g, curvature(x)

    return newton_with(derivatives, x0, steps, tol)


def newton_with(derivatives: Callable[[np.ndarray], tuple], x0: float | np.ndarray,
                steps: int = 20, tol: float = 1e-10) -> NewtonResult:
    """Newton's method when the derivatives come from elsewhere: ``derivatives(x)`` returns
    f(x), its gradient and its Hessian (numbers for one variable). :func:`newton` gets them
    from gradlab's autodiff; the Newton widget from a typed formula's compiled plan. The
    stopping rules and the verdict are those of :func:`newton`."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    x = np.array(x0, dtype=np.float64)
    if x.ndim > 1:
        raise ValueError(f"x0 must be a number or a vector, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"x0 must be finite, got {x0!r}")

    def at(x: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):  # (outside f's domain: the verdict says so)
            value, g, h = derivatives(x)
        return (float(np.sum(value)), np.asarray(g, dtype=np.float64),
                np.asarray(h, dtype=np.float64).reshape(x.shape + x.shape))

    path, values = [x.copy()], []
    verdict, converged, kind = "", False, ""
    sizes: list[float] = []  # the length of each Newton step
    for _ in range(steps + 1):
        value, g, h = at(x)
        values.append(value)
        if not (np.isfinite(value) and np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
            verdict = (f"stopped: f or its derivatives are not finite at x = {_show(x)} (outside "
                       "f's domain, or an overflow)")
            break
        if not np.any(g):  # exactly on a stationary point
            converged, kind = True, _curvature_kind(h, sizes)
            verdict = f"converged to a {kind or _FLAT} at x = {_show(x)}"
            break
        if len(path) > steps:
            verdict = (f"no steps asked for (steps=0): x stays at {_show(x)}" if steps == 0 else
                       f"no convergence in {steps} step{'s' if steps > 1 else ''} (last x = {_show(x)})")
            break
        h2 = np.atleast_2d(h)
        eig = np.abs(_eigenvalues(h2))
        # flat when some curvature is 0, or so small next to the largest that the bowl
        # has no bottom in that direction (a scale-free test: 1e-5 x**2 is not flat)
        if eig.max() == 0 or eig.min() <= 1e-12 * eig.max():
            verdict = (f"stopped at a flat spot: the curvature is zero at x = {_show(x)}, so the "
                       "parabola has no bottom and the Newton step is undefined")
            break
        step = np.linalg.solve(h2, np.atleast_1d(g)).reshape(x.shape)
        x = x - step
        path.append(x.copy())
        sizes.append(float(np.max(np.abs(step), initial=0.0)))
        growing = len(sizes) >= 3 and sizes[-1] > 4 * sizes[-2] > 16 * sizes[-3]
        if not np.all(np.isfinite(x)) or np.max(np.abs(x), initial=0.0) > 1e12 or growing:
            values.append(float("nan") if not np.all(np.isfinite(x)) else at(x)[0])
            verdict = f"diverged: each step overshoots further, and x ran off to {_show(x)}"
            break
        if np.max(np.abs(step), initial=0.0) <= tol * (1 + np.max(np.abs(x), initial=0.0)):
            value, g, h = at(x)
            values.append(value)
            converged = True
            kind = _curvature_kind(h, sizes)
            verdict = f"converged to a {kind or _FLAT} at x = {_show(x)}"
            break
    return NewtonResult(np.array(path), np.array(values), verdict, converged, kind)


_FLAT = "point of zero curvature (the second-derivative test cannot tell its kind)"


def _show(x: np.ndarray) -> str:
    return np.array2string(np.asarray(x), precision=6) if np.ndim(x) else f"{float(x):.6g}"
