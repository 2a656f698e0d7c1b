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
from .core.errors import (BudgetError, FeedError, GradlabError, NoGradientError, ShapeError,
                          UninitializedVariableError)
from .core.evaluate import evaluate
from .core.graph import Graph, Tensor, float32, float64, get_default_graph, reset_default_graph
from .core.array_ops import reduce_max, reduce_min, reduce_prod
from .core.ops import (abs, add, arccos, arccosh, arcsin, arcsinh, arctan, arctan2, arctanh, cast,
                       ceil, constant, cos, cosh, deg2rad, degrees, divide, equal, exp, exp2, expm1,
                       fabs, floor, fmax, fmin, fmod, greater, greater_equal, group, hypot, identity,
                       less, less_equal, log, log1p, log2, log10, logaddexp, logaddexp2, matmul,
                       maximum, minimum, mod, multiply, negative, not_equal, ones, ones_like,
                       placeholder, pow, rad2deg, radians, reciprocal, reduce_mean, reduce_sum, relu,
                       remainder, reshape, rint, round, sigmoid, sign, sin, sinh, softplus, sqrt,
                       square, stop_gradient, subtract, tan, tanh, transpose, trunc, where, zeros,
                       zeros_like)
from .frontend import numpy_api, train  # noqa: F401  (numpy_api: np.sin(tensor) works)
from .frontend.custom_ops import register_op
from .frontend.functional import elementwise_grad, grad, grad_and_aux, value_and_grad
from .frontend.session import Session, get_default_session
from .frontend.variables import (Variable, global_variables, global_variables_initializer,
                                 trainable_variables, variables_initializer)
from .show.check import (DerivativeCheck, central_difference, check_derivative, check_gradients,
                         forward_difference)
from .show.expr import Expression, ExpressionError, parse
from .show.formula import formula, to_latex

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
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gradlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "abs", "add", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh",
    "BudgetError", "cast", "ceil", "central_difference", "check_derivative", "check_gradients",
    "constant", "cos", "cosh", "deg2rad", "degrees", "DerivativeCheck", "descent_path",
    "DescentExplorer", "divide", "draw_graph", "elementwise_grad", "equal", "evaluate", "exp",
    "exp2", "explore", "explore_descent", "explore_taylor", "Explorer", "expm1", "Expression",
    "ExpressionError", "fabs", "FeedError", "float32", "float64", "floor", "fmax", "fmin", "fmod",
    "formula", "forward_difference", "get_default_graph", "get_default_session",
    "global_variables", "global_variables_initializer", "grad", "grad_and_aux", "gradients",
    "GradlabError", "Graph", "GraphDrawing", "greater", "greater_equal", "group", "hypot",
    "identity", "less", "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logaddexp2",
    "matmul", "maximum", "minimum", "mod", "multiply", "negative", "NoGradientError", "not_equal",
    "ones", "ones_like", "parse", "placeholder", "Plan", "plot", "pow", "PRESETS", "rad2deg",
    "radians", "reciprocal", "reduce_max", "reduce_mean", "reduce_min", "reduce_prod",
    "reduce_sum", "register_op", "relu", "remainder", "reset_default_graph", "reshape", "rint",
    "round", "Session", "ShapeError", "sigmoid", "sign", "sin", "sinh", "softplus", "sqrt",
    "square", "stop_gradient", "subtract", "tan", "tanh", "taylor_coefficients", "TaylorExplorer",
    "Tensor", "to_latex", "Trace", "trace", "train", "trainable_variables", "transpose", "trunc",
    "UninitializedVariableError", "value_and_grad", "Variable", "variables_initializer", "where",
    "zeros", "zeros_like",
]
