"""A small neural network for points in the plane, built the TensorFlow-1 way.

:class:`TwoLayerNetwork` is the network of lesson 12, of ``gl.explore_training`` and of
lesson 12's self-check: two hidden layers of tanh units and one output, trained with
``AdamOptimizer(rate).minimize(loss)``. Its gradients come from gradlab; nobody wrote them.
"""

from __future__ import annotations

import numpy as np

from ..core.graph import Graph
from ..core.ops import placeholder, reduce_mean, reshape, sigmoid, tanh
from .nn import sigmoid_cross_entropy_with_logits
from .session import Session
from .train import AdamOptimizer
from .variables import Variable, global_variables_initializer


class TwoLayerNetwork:
    """A 2 -> hidden -> hidden -> 1 tanh network for points in the plane, built TF1-style.

    Weights start small and random (seeded: the same ``seed`` gives the same network),
    scaled by 1/sqrt(fan-in) so that tanh units start in their linear range. The loss is
    the mean logistic loss (``sigmoid_cross_entropy_with_logits``); ``step`` runs Adam
    updates with the learning rate fed through a placeholder.
    """

    def __init__(self, hidden: int = 8, seed: int = 0) -> None:
        if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or not 1 <= hidden <= 256:
            raise ValueError(f"hidden must be a whole number of units from 1 to 256, not {hidden!r}")
        rng = np.random.default_rng(seed)
        self.hidden = int(hidden)
        self.graph = Graph()
        with self.graph.as_default():
            self.points = placeholder(shape=(None, 2), name="points")
            self.labels = placeholder(shape=(None,), name="labels")
            self.rate = placeholder(shape=(), name="learning_rate")
            sizes = [2, self.hidden, self.hidden, 1]
            self.weights = []
            layer = self.points
            for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
                W = Variable(rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out)), name=f"W{i}")
                b = Variable(np.zeros(n_out), name=f"b{i}")
                self.weights += [W, b]
                layer = layer @ W + b
                if i < 3:
                    layer = tanh(layer)
            self.logits = reshape(layer, [-1])
            self.probability = sigmoid(self.logits)
            self.loss = reduce_mean(sigmoid_cross_entropy_with_logits(labels=self.labels,
                                                                       logits=self.logits))
            self.train_op = AdamOptimizer(self.rate).minimize(self.loss)
            init = global_variables_initializer()
        self.session = Session(self.graph)
        self.session.run(init)

    def step(self, X: np.ndarray, y: np.ndarray, learning_rate: float, steps: int = 1) -> list[float]:
        """Run ``steps`` Adam updates on the whole dataset; the loss before each one."""
        feed = {self.points: X, self.labels: y, self.rate: float(learning_rate)}
        losses = []
        for _ in range(int(steps)):
            loss, _ = self.session.run([self.loss, self.train_op], feed)
            losses.append(float(loss))
        return losses

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The probability of class 1 at each point of ``X`` (shape (n, 2))."""
        return self.session.run(self.probability, {self.points: np.asarray(X, dtype=np.float64)})

    def accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        """The fraction of points on the right side of the decision boundary."""
        return float(np.mean((self.predict(X) > 0.5) == (y > 0.5)))
