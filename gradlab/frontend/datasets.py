"""Small 2-D classification datasets made with numpy, for training a first network.

Both return ``(X, y)``: ``X`` of shape (n, 2), float64, and ``y`` of shape (n,), 0 or 1
as float64 (ready for ``sigmoid_cross_entropy_with_logits``). The same ``seed`` gives
the same points, so a lesson's printed numbers never change.

* :func:`two_moons`: two interleaved half circles, the classic example that no straight
  line separates;
* :func:`spirals`: two arms winding around each other, harder: a network needs more
  hidden units and more steps.
"""

from __future__ import annotations

import numpy as np


def _check(n: int, noise: float) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be a whole number of points, at least 2, not {n!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a number >= 0, not {noise!r}")


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on two interleaved half circles of radius 1, with Gaussian noise of
    standard deviation ``noise``: class 0 is the upper moon, centred at (0, 0), class 1
    the lower one, centred at (1, 0.5) (half the points each, the extra one to class 0)."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    upper, lower = n - n // 2, n // 2
    a = rng.uniform(0, np.pi, upper)
    b = rng.uniform(0, np.pi, lower)
    X = np.concatenate([np.stack([np.cos(a), np.sin(a)], axis=1),
                        np.stack([1 - np.cos(b), 0.5 - np.sin(b)], axis=1)])
    X += rng.normal(0.0, noise, X.shape)
    y = np.concatenate([np.zeros(upper), np.ones(lower)])
    order = rng.permutation(n)
    return X[order], y[order]


def spirals(n: int = 200, noise: float = 0.1, turns: float = 1.25,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on two spiral arms that wind ``turns`` times around the origin, one
    arm per class (the second is the first turned by half a circle), radius up to 1."""
    _check(n, noise)
    if not (np.isfinite(turns) and turns > 0):
        raise ValueError(f"turns must be a number > 0, not {turns!r}")
    rng = np.random.default_rng(seed)
    first, second = n - n // 2, n // 2
    arms = []
    for count, offset in ((first, 0.0), (second, np.pi)):
        t = np.sqrt(rng.uniform(0.02, 1.0, count))  # even density along the arm
        angle = 2 * np.pi * turns * t + offset
        arms.append(np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1))
    X = np.concatenate(arms) + rng.normal(0.0, noise * 0.5, (n, 2))
    y = np.concatenate([np.zeros(first), np.ones(second)])
    order = rng.permutation(n)
    return X[order], y[order]


COURSE_DATASETS = {"two moons": {"n": 200, "noise": 0.12, "seed": 0},
                   "spirals": {"n": 200, "noise": 0.08, "seed": 0}}
"""The datasets of lesson 12 and ``gl.explore_training``, by name, with their settings."""


def course_dataset(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The course's dataset called ``name`` ("two moons" or "spirals"): 200 seeded points."""
    if name not in COURSE_DATASETS:
        raise ValueError(f"the course's datasets are {sorted(COURSE_DATASETS)}, not {name!r}")
    make = two_moons if name == "two moons" else spirals
    return make(**COURSE_DATASETS[name])
