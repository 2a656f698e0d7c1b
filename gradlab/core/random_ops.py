"""Random numbers as graph ops: ``random_normal``, ``random_uniform``, ``truncated_normal``.

A random op has no inputs. Each time a plan runs it, it draws new numbers from its
own generator, so ``session.run(r)`` twice gives two different samples (as in
TensorFlow). Seeds make a program reproducible: with a graph seed
(``gl.set_random_seed``) or an op seed (``seed=``), each op's stream of samples is
the same every time the program runs. Without either, the numbers differ.

Each node keeps its generator in its attributes. That also makes every random node
different from every other one, so the plan compiler never merges two of them.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .graph import Tensor, get_default_graph
from .opdef import defop
from .simplify import apply


class Stream:
    """One random op's generator (compared by identity, so no two ops are merged)."""

    def __init__(self, seed: Any) -> None:
        self.generator = np.random.default_rng(seed)

    def __repr__(self) -> str:
        return "<random stream>"


def _stream(seed: int | None) -> Stream:
    graph = get_default_graph()
    graph.random_ops += 1
    if seed is None and graph.seed is None:
        return Stream(None)  # fresh entropy: different numbers every time
    # The op seed, or the op's position in the graph, together with the graph seed.
    return Stream([graph.seed or 0, seed if seed is not None else graph.random_ops])


def _normal(shape: tuple, dtype: str, mean: float, stddev: float, stream: Stream) -> np.ndarray:
    return stream.generator.normal(mean, stddev, shape).astype(dtype)


def _truncated(shape: tuple, dtype: str, mean: float, stddev: float, stream: Stream) -> np.ndarray:
    # Normal values, each one beyond two standard deviations drawn again.
    values = stream.generator.standard_normal(shape)
    while True:
        far = np.abs(values) > 2.0
        if not far.any():
            return (mean + stddev * values).astype(dtype)
        values[far] = stream.generator.standard_normal(int(far.sum()))


def _uniform(shape: tuple, dtype: str, low: float, high: float, stream: Stream) -> np.ndarray:
    if np.dtype(dtype).kind in "iu":
        return stream.generator.integers(low, high, shape).astype(dtype)
    return stream.generator.uniform(low, high, shape).astype(dtype)


def _shape_rule(inputs: Sequence[Tensor], attrs: dict) -> tuple:
    return attrs["shape"], attrs["shape"]


for _name, _draw in (("RandomNormal", _normal), ("TruncatedNormal", _truncated),
                     ("RandomUniform", _uniform)):
    defop(_name, _draw, (), shape=_shape_rule, dtype=lambda attrs: attrs["dtype"], foldable=False)


defop("RandomUniformLike", lambda like, stream: stream.generator.uniform(0.0, 1.0, np.shape(like)),
      (None,), shape=lambda inputs, attrs: (inputs[0].shape, inputs[0].skey), shape_inputs=(0,),
      dtype=np.dtype(np.float64), foldable=False)


def random_uniform_like(like: Any, seed: int | None = None) -> Tensor:
    """Uniform samples in [0, 1) with the shape ``like`` has when the graph runs."""
    return apply("RandomUniformLike", like, stream=_stream(seed))


def _random(name: str, shape: Any, a: float, b: float, dtype: Any, seed: int | None) -> Tensor:
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)
    return apply(name, shape=shape, dtype=np.dtype(dtype).str, mean=a, stddev=b,
                 stream=_stream(seed)) if name != "RandomUniform" else \
        apply(name, shape=shape, dtype=np.dtype(dtype).str, low=a, high=b, stream=_stream(seed))


def random_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = np.float64,
                  seed: int | None = None) -> Tensor:
    """Normal samples of ``shape``, new ones every run."""
    return _random("RandomNormal", shape, float(mean), float(stddev), dtype, seed)


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0,
                     dtype: Any = np.float64, seed: int | None = None) -> Tensor:
    """Normal samples with every value beyond two standard deviations drawn again."""
    return _random("TruncatedNormal", shape, float(mean), float(stddev), dtype, seed)


def random_uniform(shape: Any, minval: float = 0.0, maxval: float | None = None,
                   dtype: Any = np.float64, seed: int | None = None) -> Tensor:
    """Uniform samples in [minval, maxval) (maxval 1 for floats)."""
    if maxval is None:
        if np.dtype(dtype).kind in "iu":
            raise ValueError("random_uniform of integers needs maxval")
        maxval = 1.0
    return _random("RandomUniform", shape, minval, maxval, dtype, seed)


def set_random_seed(seed: int | None) -> None:
    """The graph-level seed: every random op of the default graph becomes reproducible."""
    get_default_graph().seed = None if seed is None else int(seed)
