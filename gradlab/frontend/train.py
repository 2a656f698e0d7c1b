"""Optimizers in TensorFlow 1's style: ``minimize(cost)`` returns an op to run.

An optimizer does two things, and you can call them separately:

1. ``compute_gradients(loss)``: the symbolic gradient of ``loss`` for each
   trainable Variable (plain :func:`gradlab.gradients`);
2. ``apply_gradients(pairs)``: one op that, when run, moves every Variable a
   step against its gradient.

``minimize`` is both at once. Every update reads the Variables' *old* values:
within one ``session.run`` all gradients are computed first, then all
Variables are written.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..core.autodiff import gradients
from ..core.graph import Tensor
from ..core.ops import group, sqrt
from .variables import Variable, trainable_variables


class Optimizer:
    """Base class: subclasses say how one Variable is updated (``_update``)."""

    def __init__(self, learning_rate: Any, name: str) -> None:
        self.learning_rate = learning_rate
        self.name = name

    def compute_gradients(self, loss: Tensor,
                          var_list: Sequence[Variable] | None = None) -> list[tuple[Tensor, Variable]]:
        """``[(gradient, variable), ...]`` for ``var_list`` (default: all trainable Variables)."""
        variables = list(var_list) if var_list is not None else trainable_variables()
        if not variables:
            raise ValueError("no Variables to optimize: create some with gl.Variable(...)")
        return list(zip(gradients(loss, variables), variables))

    def apply_gradients(self, grads_and_vars: Sequence[tuple[Tensor, Variable]],
                        name: str | None = None) -> Tensor:
        """One op that updates every Variable from its gradient when run."""
        self._prepare()
        updates: list[Tensor] = []
        for grad, var in grads_and_vars:
            if grad is not None:
                updates.extend(self._update(grad, var))
        updates.extend(self._finish())
        return group(*updates, name=name or self.name)

    def minimize(self, loss: Tensor, var_list: Sequence[Variable] | None = None,
                 name: str | None = None) -> Tensor:
        """``apply_gradients(compute_gradients(loss, var_list))``: run it once per training step."""
        return self.apply_gradients(self.compute_gradients(loss, var_list), name)

    def _slot(self, var: Variable, what: str) -> Variable:
        """A non-trainable Variable of the optimizer's own, shaped like ``var``."""
        return Variable(np.zeros(var.shape, var.dtype), name=f"{var.name}/{what}", trainable=False)

    def _prepare(self) -> None:
        pass

    def _finish(self) -> list[Tensor]:
        return []

    def _update(self, grad: Tensor, var: Variable) -> list[Tensor]:
        raise NotImplementedError


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent: ``var <- var - learning_rate * gradient``."""

    def __init__(self, learning_rate: Any, name: str = "GradientDescent") -> None:
        super().__init__(learning_rate, name)

    def _update(self, grad: Tensor, var: Variable) -> list[Tensor]:
        return [var.assign(var - self.learning_rate * grad)]


class MomentumOptimizer(Optimizer):
    """Gradient descent with momentum (TF1's form)::

        accumulation <- momentum * accumulation + gradient
        var          <- var - learning_rate * accumulation

    The accumulation is a velocity: steps keep going in directions the gradient
    keeps pointing to, and oscillations across a narrow valley cancel out.
    """

    def __init__(self, learning_rate: Any, momentum: Any, name: str = "Momentum") -> None:
        super().__init__(learning_rate, name)
        self.momentum = momentum

    def _update(self, grad: Tensor, var: Variable) -> list[Tensor]:
        accumulation = self._slot(var, "Momentum")
        new = self.momentum * accumulation + grad
        return [accumulation.assign(new), var.assign(var - self.learning_rate * new)]


class AdamOptimizer(Optimizer):
    """Adam (Kingma and Ba, 2015): momentum on the gradient and on its square::

        t <- t + 1
        m <- beta1 * m + (1 - beta1) * gradient
        v <- beta2 * v + (1 - beta2) * gradient**2
        var <- var - lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + epsilon)

    Each Variable's step is scaled by a running estimate of its gradient's size,
    so all parameters move at a similar pace whatever their scale.
    """

    def __init__(self, learning_rate: Any = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, name: str = "Adam") -> None:
        super().__init__(learning_rate, name)
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon

    def _prepare(self) -> None:
        self._step = Variable(0.0, name=f"{self.name}/step", trainable=False)
        self._next_step = self._step + 1
        self._rate = (self.learning_rate * sqrt(1 - self.beta2 ** self._next_step)
                      / (1 - self.beta1 ** self._next_step))

    def _update(self, grad: Tensor, var: Variable) -> list[Tensor]:
        m, v = self._slot(var, "Adam_m"), self._slot(var, "Adam_v")
        m_new = self.beta1 * m + (1 - self.beta1) * grad
        v_new = self.beta2 * v + (1 - self.beta2) * grad**2
        step = self._rate * m_new / (sqrt(v_new) + self.epsilon)
        return [m.assign(m_new), v.assign(v_new), var.assign(var - step)]

    def _finish(self) -> list[Tensor]:
        return [self._step.assign(self._next_step)]
