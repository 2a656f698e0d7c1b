"""``tf.nn``: activations, softmax and the cross-entropy losses, written with gradlab ops.

The losses are the numerically careful forms, stable for logits of +-1000:

* ``log_softmax(z) = z - max(z) - log(sum(exp(z - max(z))))``: the largest logit is
  taken out before ``exp``, so nothing overflows. The result does not depend on
  which number is taken out, so its gradient does not flow through the max
  (``stop_gradient``);
* ``sigmoid_cross_entropy_with_logits(z, labels=y) = softplus(z) - z * y``, which is
  ``-y log sigmoid(z) - (1 - y) log(1 - sigmoid(z))`` without a log of 0.

Their gradients are the textbook ones, ``softmax(z) - y`` and ``sigmoid(z) - y``, and
because they are built of ops, they can be differentiated again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import array_ops as ax
from ..core import ops
from ..core.graph import Tensor
from ..core.ops import as_tensor
from ..core.random_ops import random_uniform, random_uniform_like
from . import tf_ops
from .options import accept, name_results

relu = ops.relu
sigmoid = ops.sigmoid
tanh = ops.tanh
softplus = ops.softplus


def _logits_axis(logits: Any, axis: Any, dim: Any) -> tuple[Tensor, int]:
    axis = tf_ops._pick(axis, dim, "axis", "dim")
    return as_tensor(logits), -1 if axis is None else int(axis)


def log_softmax(logits: Any, axis: Any = None, name: str | None = None, dim: Any = None) -> Tensor:
    """log(softmax(logits)) along ``axis`` (the last by default), without overflow."""
    z, axis = _logits_axis(logits, axis, dim)
    shifted = z - ops.stop_gradient(ax.reduce_max(z, axis, keepdims=True))
    return ops.named(shifted - ops.log(ops.reduce_sum(ops.exp(shifted), axis, keepdims=True)), name)


def softmax(logits: Any, axis: Any = None, name: str | None = None, dim: Any = None) -> Tensor:
    """exp(z) / sum(exp(z)) along ``axis``: positive numbers that add up to 1."""
    z, axis = _logits_axis(logits, axis, dim)
    shifted = ops.exp(z - ops.stop_gradient(ax.reduce_max(z, axis, keepdims=True)))
    return ops.named(shifted / ops.reduce_sum(shifted, axis, keepdims=True), name)


def _named_only(function: str, sentinel: Any) -> None:
    if sentinel is not None:
        raise ValueError(f"{function} takes named arguments only: "
                         f"{function}(labels=..., logits=...)")


def softmax_cross_entropy_with_logits_v2(_sentinel: Any = None, labels: Any = None,
                                         logits: Any = None, axis: Any = None,
                                         name: str | None = None, dim: Any = None) -> Tensor:
    """-sum(labels * log_softmax(logits)) along ``axis``: one loss per example.

    Its gradient with respect to the logits is ``softmax(logits) - labels`` (when each
    row of labels sums to 1). Unlike the old version, gradients also flow to labels.
    """
    _named_only("softmax_cross_entropy_with_logits_v2", _sentinel)
    z, axis = _logits_axis(logits, axis, dim)
    return ops.named(-ops.reduce_sum(as_tensor(labels) * log_softmax(z, axis), axis), name)


def softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, dim: int = -1,
                                      name: str | None = None, axis: Any = None) -> Tensor:
    """As the ``_v2`` version, but no gradient flows into ``labels`` (TF1's old contract)."""
    _named_only("softmax_cross_entropy_with_logits", _sentinel)
    return softmax_cross_entropy_with_logits_v2(labels=ops.stop_gradient(as_tensor(labels)),
                                                logits=logits, axis=axis if axis is not None else dim,
                                                name=name)


def sparse_softmax_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                             logits: Any = None, name: str | None = None) -> Tensor:
    """Softmax cross-entropy where ``labels`` holds class numbers, not one-hot rows."""
    _named_only("sparse_softmax_cross_entropy_with_logits", _sentinel)
    z = as_tensor(logits)
    depth = z.shape[-1] if z.shape is not None else None
    if depth is None:
        raise ValueError("sparse_softmax_cross_entropy_with_logits needs the number of classes "
                         "(the last axis of logits) to be known")
    return ops.named(-ops.reduce_sum(tf_ops.one_hot(labels, depth, dtype=z.dtype) * log_softmax(z), -1),
                     name)


def sigmoid_cross_entropy_with_logits(_sentinel: Any = None, labels: Any = None,
                                      logits: Any = None, name: str | None = None) -> Tensor:
    """Elementwise logistic loss of ``labels`` in [0, 1] given logits: ``softplus(z) - z*y``."""
    _named_only("sigmoid_cross_entropy_with_logits", _sentinel)
    z = as_tensor(logits)
    return ops.named(ops.softplus(z) - z * labels, name)


def l2_loss(t: Any, name: str | None = None) -> Tensor:
    """sum(t**2) / 2, the usual weight penalty."""
    return ops.named(ops.reduce_sum(ops.square(t)) / 2.0, name)


def dropout(x: Any, keep_prob: Any = None, noise_shape: Any = None, seed: int | None = None,
            name: str | None = None, rate: Any = None) -> Tensor:
    """Keep each element with probability ``keep_prob`` (scaled by 1/keep_prob), else 0.

    A new mask is drawn every run, from a random op seeded like the others."""
    if keep_prob is None:
        if rate is None:
            raise ValueError("dropout needs keep_prob (or rate = 1 - keep_prob)")
        keep_prob = 1.0 - rate
    x = as_tensor(x)
    if noise_shape is not None:
        noise = random_uniform(tuple(noise_shape), dtype=np.float64, seed=seed)
    else:
        noise = random_uniform_like(x, seed=seed)  # the batch size may be known only at run time
    keep = ops.less(noise, keep_prob)
    return ops.where(keep, x / keep_prob, 0.0)


def embedding_lookup(params: Any, ids: Any, name: str | None = None, **ignored: Any) -> Tensor:
    """The rows of ``params`` at ``ids`` (``tf.gather`` along axis 0)."""
    accept("nn.embedding_lookup", ignored)
    return ax.gather(params, ids, 0)


def in_top_k(predictions: Any, targets: Any, k: int, name: str | None = None) -> Tensor:
    """True where the target class is among the ``k`` highest predictions of its row."""
    scores = as_tensor(predictions)
    depth = scores.shape[-1] if scores.shape is not None else None
    if depth is None:
        raise ValueError("in_top_k needs the number of classes to be known")
    target_score = ops.reduce_sum(scores * tf_ops.one_hot(targets, depth, dtype=scores.dtype),
                                  -1, keepdims=True)
    higher = ops.reduce_sum(ops.cast(ops.greater(scores, target_score), np.int64), -1)
    return ops.less(higher, k)


def elu(features: Any, name: str | None = None) -> Tensor:
    """x for x > 0, exp(x) - 1 below (the double where keeps exp's overflow out)."""
    x = as_tensor(features)
    positive = ops.greater(x, 0.0)
    return ops.where(positive, x, ops.expm1(ops.where(positive, 0.0, x)))


def relu6(features: Any, name: str | None = None) -> Tensor:
    return ops.minimum(ops.relu(features), 6.0)


def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    x = as_tensor(features)
    return ops.where(ops.greater(x, 0.0), x, alpha * x)


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: str | None = None,
                 dim: Any = None) -> Tensor:
    """x / sqrt(max(sum(x**2), epsilon)) along ``axis``."""
    axis = tf_ops._pick(axis, dim, "axis", "dim")
    t = as_tensor(x)
    squares = ops.reduce_sum(ops.square(t), tf_ops._axis_arg(axis), keepdims=True)
    return t / ops.sqrt(ops.maximum(squares, epsilon))


def xw_plus_b(x: Any, weights: Any, biases: Any, name: str | None = None) -> Tensor:
    return ops.matmul(x, weights) + biases


def bias_add(value: Any, bias: Any, data_format: Any = None, name: str | None = None) -> Tensor:
    """value + bias, the bias along the last axis."""
    return as_tensor(value) + bias


_OUT_OF_SCOPE = {"conv1d", "conv2d", "conv3d", "conv2d_transpose", "max_pool", "avg_pool",
                 "rnn_cell", "dynamic_rnn", "static_rnn", "bidirectional_dynamic_rnn", "lstm_cell",
                 "batch_normalization", "moments", "ctc_loss", "nce_loss"}


def __getattr__(name: str) -> Any:
    if name in _OUT_OF_SCOPE:
        raise AttributeError(f"tf.nn.{name} is out of gradlab's scope (convolutions, pooling, RNN "
                             "cells and normalisation layers); see the README, TensorFlow 1 programs")
    raise AttributeError(f"module 'gradlab.nn' has no attribute {name!r}")


name_results(globals())
