"""gradlab: learn how gradients are computed, by computing them.

A compact graph-based automatic differentiation engine over numpy, in the style of
TensorFlow 1, whose gradients are graphs you can print, draw and differentiate again::

    import numpy as np
    import gradlab as gl

    x = gl.placeholder(gl.float32, name="x")
    y = gl.sin(x)
    (dy,) = gl.gradients(y, x)            # a new node: cos(x)
    with gl.Session() as session:
        y_, dy_ = session.run([y, dy], feed_dict={x: np.linspace(0, 2 * np.pi, 100)})

The package is built in layers, each using only those below it (see ARCHITECTURE.md):
``core`` (the engine: graph, op table, reverse mode, a reference evaluator),
``compile`` (plans: how it gets fast), ``frontend`` (TF1 Session, Variables, train;
``grad``), ``show`` (parser, formulas, drawings, checks), ``widgets`` and ``cli``.
To learn how gradients are computed, read ``gradlab/core`` and nothing else.
"""

from .compile.plan import Plan
from .core.autodiff import gradients
from .core.forward import forward_gradients
from .core.errors import (BudgetError, FeedError, GradlabError, NoGradientError, ShapeError,
                          UninitializedVariableError)
from .core.evaluate import evaluate
from .core.graph import Graph, Tensor, float32, float64, get_default_graph, reset_default_graph
from .core.ops import (abs, add, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, cast,
                       ceil, constant, cos, cosh, deg2rad, degrees, divide, equal, exp, exp2, expm1,
                       fabs, floor, fmax, fmin, fmod, greater, greater_equal, group, hypot,
                       less, less_equal, log, log1p, log2, log10, logaddexp, logaddexp2,
                       maximum, minimum, mod, multiply, negative, not_equal, ones, ones_like,
                       placeholder, pow, rad2deg, radians, reciprocal, relu,
                       remainder, reshape, rint, round, sigmoid, sign, sin, sinh, softplus, sqrt,
                       square, stop_gradient, subtract, tan, tanh, transpose, trunc, where, zeros,
                       zeros_like)
from .core.ops import logical_and, logical_not, logical_or, logical_xor
from .core.random_ops import random_normal, random_uniform, set_random_seed, truncated_normal
from .frontend import app, nn, numpy_api, summary, train  # noqa: F401  (numpy_api: np.sin(tensor) works)
from .frontend.app import flags
from .frontend.tf_ops import (add_n, argmax, argmin, clip_by_value, expand_dims, eye, fill,
                              gather, linspace, matrix_determinant, matrix_inverse, one_hot,
                              rank, reduce_all, reduce_any, reduce_logsumexp, reduce_max,
                              reduce_mean, reduce_min, reduce_prod, reduce_sum, rsqrt, shape,
                              squared_difference, squeeze, stack, tile, to_double, to_float,
                              to_int32, to_int64, truediv, unstack)
from .frontend.tf_ops import Dimension, TensorShape
from .frontend.tf_ops import range_ as range  # noqa: A004  (TF1's tf.range)
from .frontend.tf_ops import slice_ as slice  # noqa: A004  (TF1's tf.slice)
from .frontend.tf_ops import (boolean_mask, count_nonzero, cumsum, hessians, identity, matmul, no_op, norm,
                              placeholder_with_default, reverse, size, split)
from .frontend.tf_ops import concat_old_or_new as concat
from .frontend.variables import assign, assign_add, assign_sub
from .frontend.summary import (histogram as histogram_summary, merge_all as merge_all_summaries,
                               scalar as scalar_summary)

from .frontend.custom_ops import register_op
from .frontend.functional import elementwise_grad, grad, grad_and_aux, value_and_grad
from .frontend.tf_control_flow import case, cond, while_loop
from .frontend.jacobians import hessian, hvp, jacfwd, jacobian, jacrev, jvp, vjp
from .frontend.networks import TwoLayerNetwork
from .frontend.newton import NewtonResult, newton, newton_with
from .frontend.session import InteractiveSession, Session, get_default_session
from .frontend.variables import (Variable, constant_initializer, get_variable, global_variables,
                                 global_variables_initializer, glorot_uniform_initializer,
                                 initialize_all_variables, local_variables_initializer,
                                 name_scope, ones_initializer, random_normal_initializer,
                                 random_uniform_initializer, trainable_variables,
                                 truncated_normal_initializer, variable_scope,
                                 variables_initializer, zeros_initializer)
from .frontend import datasets  # noqa: F401  (gl.datasets.two_moons(): small 2-D datasets)
from .show import exercises  # noqa: F401  (gl.exercises.lesson2_step(...): the course's self-checks)
from .show import micro  # noqa: F401  (gl.micro.Value: lesson 11's scalar engine, pure Python)
from .show.check import (DerivativeCheck, central_difference, check_answer, check_derivative,
                         check_formula, check_gradients, check_rule, forward_difference)
from .show.expr import Expression, ExpressionError, parse
from .show.surface import Surface, parse_surface
from .show.formula import formula, to_latex

# Names of TensorFlow before 1.0, which 2016 tutorials use.
mul, sub, neg, div = multiply, subtract, negative, divide
pack, unpack, select = stack, unstack, where
initialize_variables = variables_initializer

import numpy as _np  # noqa: E402

float16, int8, int16, int32, int64, uint8 = (_np.float16, _np.int8, _np.int16, _np.int32,
                                             _np.int64, _np.uint8)
bool = _np.bool_  # noqa: A001  (TF1's tf.bool)
newaxis = None

__version__ = "0.1.0"

# The drawing and widget modules import matplotlib, seaborn and ipywidgets, which take a
# few tenths of a second; they load on first use so that the engine alone starts fast.
_LAZY = {
    "draw_graph": "show.blackboard", "trace": "show.blackboard",
    "GraphDrawing": "show.blackboard", "Trace": "show.blackboard",
    "taylor_coefficients": "show.taylor", "plot": "widgets.plotting",
    "explore": "widgets.explorer", "Explorer": "widgets.explorer", "PRESETS": "widgets.explorer",
    "explore_descent": "widgets.descent", "DescentExplorer": "widgets.descent",
    "descent_path": "widgets.descent", "explore_taylor": "widgets.taylor",
    "TaylorExplorer": "widgets.taylor",
    "explore_newton": "widgets.newton", "NewtonExplorer": "widgets.newton",
    "newton_path": "widgets.newton",
    "explore_surface": "widgets.surface", "SurfaceExplorer": "widgets.surface",
    "descend_surface": "widgets.surface", "SURFACE_PRESETS": "widgets.surface",
    "explore_training": "widgets.training", "TrainingExplorer": "widgets.training",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _OUT_OF_SCOPE:
        raise AttributeError(f"gradlab has no tf.{name}: {_OUT_OF_SCOPE[name]} are out of its scope "
                             "(see the README, TensorFlow 1 programs)")
    raise AttributeError(f"module 'gradlab' has no attribute {name!r}")


_OUT_OF_SCOPE = {
    "data": "input pipelines (feed numpy arrays with feed_dict instead)",
    "contrib": "contrib modules", "estimator": "estimators", "keras": "Keras layers",
    "layers": "layer libraries (build layers with matmul and Variables)",
    "device": "devices and distributed execution", "distribute": "distributed execution",
    "FIFOQueue": "queues", "RandomShuffleQueue": "queues", "image": "image ops",
    "io": "file readers", "gfile": "file readers",
}


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "abs", "add", "add_n", "app", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "argmax", "argmin", "bool", "BudgetError", "cast", "ceil", "central_difference",
    "check_answer", "check_derivative", "check_formula", "check_gradients", "check_rule", "exercises", "micro", "clip_by_value", "concat", "constant",
    "constant_initializer", "cos", "cosh", "deg2rad", "degrees", "DerivativeCheck", "descent_path",
    "DescentExplorer", "divide", "draw_graph", "elementwise_grad", "equal", "evaluate", "exp",
    "exp2", "expand_dims", "eye", "explore", "explore_descent", "explore_taylor", "Explorer", "expm1",
    "Expression", "ExpressionError", "fabs", "FeedError", "fill", "flags", "float16", "float32",
    "float64", "floor", "forward_gradients", "hessian", "hvp", "jacfwd", "jacobian", "jacrev",
    "jvp", "newton", "newton_with", "explore_newton", "NewtonExplorer", "newton_path", "Dimension", "TensorShape", "case", "cond", "while_loop", "NewtonResult", "vjp", "fmax", "fmin", "fmod", "formula", "forward_difference", "gather",
    "get_default_graph", "get_default_session", "get_variable", "global_variables",
    "global_variables_initializer", "glorot_uniform_initializer", "grad", "grad_and_aux",
    "gradients", "GradlabError", "Graph", "GraphDrawing", "greater", "greater_equal", "group",
    "hypot", "identity", "initialize_all_variables", "int16", "int32", "int64", "int8",
    "InteractiveSession", "less", "less_equal", "linspace", "local_variables_initializer", "log",
    "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logical_and", "logical_not",
    "logical_or", "logical_xor", "matmul", "matrix_determinant", "matrix_inverse", "maximum",
    "minimum", "mod", "multiply", "name_scope", "negative", "newaxis", "nn", "NoGradientError",
    "not_equal", "one_hot", "ones", "ones_initializer", "ones_like", "parse", "parse_surface", "Surface", "explore_surface", "SurfaceExplorer", "explore_training", "TrainingExplorer", "TwoLayerNetwork", "datasets", "descend_surface", "SURFACE_PRESETS", "placeholder",
    "Plan", "plot", "pow", "PRESETS", "rad2deg", "radians", "random_normal",
    "random_normal_initializer", "random_uniform", "random_uniform_initializer", "range", "rank",
    "reciprocal", "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max", "reduce_mean",
    "reduce_min", "reduce_prod", "reduce_sum", "register_op", "relu", "remainder",
    "reset_default_graph", "reshape", "rint", "round", "rsqrt", "Session", "assign", "assign_add", "assign_sub", "boolean_mask", "count_nonzero", "cumsum", "div", "hessians", "histogram_summary", "initialize_variables", "merge_all_summaries", "mul", "neg", "no_op", "norm", "pack", "placeholder_with_default", "reverse", "scalar_summary", "select", "size", "slice", "split", "sub", "unpack", "summary", "set_random_seed",
    "shape", "ShapeError", "sigmoid", "sign", "sin", "sinh", "softplus", "sqrt", "square",
    "squared_difference", "squeeze", "stack", "stop_gradient", "subtract", "tan", "tanh",
    "taylor_coefficients", "TaylorExplorer", "Tensor", "tile", "to_double", "to_float", "to_int32",
    "to_int64", "to_latex", "Trace", "trace", "train", "trainable_variables", "transpose",
    "truediv", "trunc", "truncated_normal", "truncated_normal_initializer", "uint8",
    "UninitializedVariableError", "unstack", "value_and_grad", "Variable", "variable_scope",
    "variables_initializer", "where", "zeros", "zeros_initializer", "zeros_like",
]
