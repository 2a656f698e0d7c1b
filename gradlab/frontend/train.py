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

import os
from typing import Any, Sequence

import numpy as np

from ..core.autodiff import gradients
from ..core.graph import Tensor
from ..core.graph import get_default_graph
from ..core.ops import cast, floor, group, sqrt
from .options import accept
from .variables import Variable, global_variables, trainable_variables


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
                        global_step: Variable | None = None, name: str | None = None) -> Tensor:
        """One op that updates every Variable from its gradient when run (and adds 1 to
        ``global_step``, a counter Variable, if one is given)."""
        self._prepare()
        updates: list[Tensor] = []
        for grad, var in grads_and_vars:
            if grad is not None:
                updates.extend(self._update(grad, var))
        updates.extend(self._finish())
        if global_step is not None:
            updates.append(global_step.assign_add(1))
        return group(*updates, name=name or self.name)

    def minimize(self, loss: Tensor, global_step: Variable | None = None,
                 var_list: Sequence[Variable] | None = None, name: str | None = None,
                 **ignored: Any) -> Tensor:
        """``apply_gradients(compute_gradients(loss, var_list))``: run it once per training step."""
        accept("minimize", ignored)
        return self.apply_gradients(self.compute_gradients(loss, var_list), global_step, name)

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


class AdagradOptimizer(Optimizer):
    """Adagrad: each parameter's step shrinks with the squares of all its past gradients::

        accumulator <- accumulator + gradient**2
        var         <- var - learning_rate * gradient / sqrt(accumulator)

    A parameter with large gradients soon takes small steps; a rarely moved one keeps
    large steps. (The accumulator starts at ``initial_accumulator_value``, 0.1, so the
    first step is finite.)
    """

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1,
                 name: str = "Adagrad") -> None:
        super().__init__(learning_rate, name)
        self.initial = initial_accumulator_value

    def _update(self, grad: Tensor, var: Variable) -> list[Tensor]:
        accumulator = Variable(np.full(var.shape, self.initial, var.dtype),
                               name=f"{var.name}/Adagrad", trainable=False)
        new = accumulator + grad**2
        return [accumulator.assign(new), var.assign(var - self.learning_rate * grad / sqrt(new))]


class RMSPropOptimizer(Optimizer):
    """RMSProp (TF1's form, with momentum): divide by a running root mean square::

        ms  <- decay * ms + (1 - decay) * gradient**2
        mom <- momentum * mom + learning_rate * gradient / sqrt(ms + epsilon)
        var <- var - mom

    Unlike Adagrad the average forgets old gradients, so steps do not shrink for ever.
    """

    def __init__(self, learning_rate: Any, decay: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-10, name: str = "RMSProp") -> None:
        super().__init__(learning_rate, name)
        self.decay, self.momentum, self.epsilon = decay, momentum, epsilon

    def _update(self, grad: Tensor, var: Variable) -> list[Tensor]:
        ms = Variable(np.ones(var.shape, var.dtype), name=f"{var.name}/RMSProp", trainable=False)
        mom = self._slot(var, "RMSProp_1")
        ms_new = self.decay * ms + (1 - self.decay) * grad**2
        mom_new = self.momentum * mom + self.learning_rate * grad / sqrt(ms_new + self.epsilon)
        return [ms.assign(ms_new), mom.assign(mom_new), var.assign(var - mom_new)]


class Saver:
    """Save Variables to a file and restore them, bit for bit (TF1's ``train.Saver``).

    ``saver.save(session, "model.ckpt")`` writes ``model.ckpt.npz`` (numpy's format)
    and returns its path; ``saver.restore(session, "model.ckpt")`` reads it back.
    Variables are matched by name, so a restoring program builds the same graph first.
    """

    def __init__(self, var_list: Any = None, max_to_keep: int = 5, **ignored: Any) -> None:
        accept("train.Saver", ignored)
        self.max_to_keep = max_to_keep
        if isinstance(var_list, dict):
            self.var_list = dict(var_list)
        else:
            chosen = list(var_list) if var_list is not None else None
            self._chosen = chosen
            self.var_list = None

    def _variables(self) -> dict[str, Variable]:
        if self.var_list is not None:
            return self.var_list
        chosen = self._chosen if self._chosen is not None else global_variables()
        return {v.name: v for v in chosen}

    @staticmethod
    def _file(path: str) -> str:
        return path if path.endswith(".npz") else path + ".npz"

    def save(self, sess: Any, save_path: str, global_step: Any = None, **ignored: Any) -> str:
        """Write every Variable's current value; returns the prefix to restore from.

        With ``global_step`` (a number or a counter Variable) the prefix ends in ``-step``.
        A file ``checkpoint`` in the same folder names the latest save (read by
        :func:`latest_checkpoint`); only the last ``max_to_keep`` saves are kept."""
        accept("Saver.save", ignored)
        if global_step is not None:
            step = sess.run(global_step) if isinstance(global_step, Tensor) else global_step
            save_path = f"{save_path}-{int(step)}"
        values = {name: sess.run(var) for name, var in self._variables().items()}
        np.savez(self._file(save_path), **{name: np.asarray(v) for name, v in values.items()})
        self._saved = [p for p in getattr(self, "_saved", []) if p != save_path] + [save_path]
        while self.max_to_keep and len(self._saved) > self.max_to_keep:
            old = self._saved.pop(0)
            if os.path.exists(self._file(old)):
                os.remove(self._file(old))
        folder = os.path.dirname(os.path.abspath(save_path))
        with open(os.path.join(folder, "checkpoint"), "w") as record:
            record.write(f'model_checkpoint_path: "{os.path.basename(save_path)}"\n')
            for kept in self._saved:
                record.write(f'all_model_checkpoint_paths: "{os.path.basename(kept)}"\n')
        return save_path

    def restore(self, sess: Any, save_path: str) -> None:
        """Set each Variable to the value saved under its name."""
        with np.load(self._file(save_path)) as saved:
            for name, var in self._variables().items():
                if name not in saved:
                    raise KeyError(f"Variable '{name}' is not in {self._file(save_path)} "
                                   f"(it has {sorted(saved.files)})")
                sess.run(var.assign(saved[name]))


class _CheckpointState:
    def __init__(self, path: str, all_paths: list[str]) -> None:
        self.model_checkpoint_path = path
        self.all_model_checkpoint_paths = all_paths


def get_checkpoint_state(checkpoint_dir: str, latest_filename: str | None = None) -> Any:
    """What the folder's ``checkpoint`` file says (None if there is none)."""
    record = os.path.join(checkpoint_dir, latest_filename or "checkpoint")
    if not os.path.exists(record):
        return None
    latest, every = None, []
    with open(record) as lines:
        for line in lines:
            key, _, value = line.partition(":")
            path = os.path.join(checkpoint_dir, value.strip().strip('"'))
            if key.strip() == "model_checkpoint_path":
                latest = path
            elif key.strip() == "all_model_checkpoint_paths":
                every.append(path)
    return None if latest is None else _CheckpointState(latest, every)


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """The prefix of the latest save in ``checkpoint_dir``, to pass to ``Saver.restore``."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    return None if state is None else state.model_checkpoint_path


def exponential_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any,
                      staircase: bool = False, name: str | None = None) -> Tensor:
    """``learning_rate * decay_rate ** (global_step / decay_steps)``, a tensor that follows
    the step counter (the exponent is floored with ``staircase=True``)."""
    progress = cast(global_step, np.float64) / float(decay_steps)
    if staircase:
        progress = floor(progress)
    return learning_rate * decay_rate ** progress


def get_or_create_global_step(graph: Any = None) -> Variable:
    """The graph's step counter, an int64 Variable named ``global_step``."""
    graph = graph or get_default_graph()
    for v in graph.variables:
        if v.name == "global_step":
            return v
    return Variable(np.int64(0), name="global_step", trainable=False)


def get_global_step(graph: Any = None) -> Variable | None:
    graph = graph or get_default_graph()
    return next((v for v in graph.variables if v.name == "global_step"), None)


def __getattr__(name: str) -> Any:
    if name == "SummaryWriter":  # the pre-1.0 name of summary.FileWriter
        from .summary import FileWriter  # (summary imports tensorboard only when used)
        return FileWriter
    raise AttributeError(f"module 'gradlab.train' has no attribute {name!r}")
