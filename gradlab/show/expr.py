"""Formulas typed by a learner: ``gl.parse("a*sin(b*x)")`` builds a graph from text, safely.

Text from a text box must never run as code: notebooks are shared and run on
Binder and Voila. So ``parse`` never calls ``eval``, ``exec`` or ``compile`` on
the text. It asks Python's ``ast`` module only for the syntax tree and then
accepts a short whitelist of node types:

* numbers (``2``, ``0.5``, ``1e-3``) and the constants ``pi`` and ``e``;
* names: the variable (``x`` by default) and parameters (any other name);
* ``+ - * / **`` (``^`` means power, as on a calculator), unary minus, parentheses;
* calls of gradlab's elementwise functions, such as ``sin(x)`` or ``maximum(x, 0)``.

Everything else (attribute access, subscripts, lambdas, comprehensions, strings,
keywords, ...) is refused with an :class:`ExpressionError` that points at the
offending character. Length, nesting depth and the size of constants are limited
before anything is built, so no input can hang the parser.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
from typing import Any, Callable

import numpy as np

from ..core import ops
from ..core.autodiff import gradients
from ..core.errors import BudgetError, GradlabError
from ..core.graph import Graph, Tensor, node_budget, toposort
from ..core.ops import constant, exp, maximum, minimum, placeholder
from ..frontend.session import Session
from .formula import formula, to_latex

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_PARAMETERS = 12
MAX_NUMBER = 1e12
_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)([A-Za-z_]\w*)")
MAX_DERIVATIVE_NODES = 50_000
"""All derivatives of one formula together may build at most this many nodes: enough for
the 8th derivative of ``x**x`` (about 20,000 nodes in its graph), which takes a few tenths
of a second to build and to run, and a clear refusal well before a kernel would freeze."""

UNARY_FUNCTIONS: dict[str, Callable] = {
    name: getattr(ops, name)
    for name in ["sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp",
                 "log", "log1p", "sqrt", "square", "abs", "sign", "sigmoid", "softplus", "relu"]
}
"""The elementwise functions of one argument, by name."""

FUNCTIONS: dict[str, tuple[Callable, int]] = {name: (f, 1) for name, f in UNARY_FUNCTIONS.items()}
FUNCTIONS.update({"maximum": (maximum, 2), "minimum": (minimum, 2)})
CONSTANTS = {"pi": math.pi, "e": math.e}

_REFUSED = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "indexing with [...] is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.IfExp: "'if ... else' is not allowed; use where(...) in code instead",
    ast.Compare: "comparisons are not allowed in a formula",
    ast.BoolOp: "'and' / 'or' are not allowed in a formula",
    ast.NamedExpr: "':=' is not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "a formula is one expression; separate nothing with commas",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.Starred: "'*' unpacking is not allowed",
}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}


class ExpressionError(GradlabError, ValueError):
    """A formula could not be read. ``str(err)`` shows the text with a caret under the problem.

    Attributes: ``text`` (what was typed), ``position`` (0-based column or None)
    and ``reason`` (the one-line explanation).
    """

    def __init__(self, reason: str, text: str = "", position: int | None = None,
                 length: int = 1) -> None:
        self.reason, self.text, self.position = reason, text, position
        message = reason
        if text and position is not None and len(text) <= 120:
            position = max(0, min(position, len(text)))
            message += f"\n  {text}\n  {' ' * position}{'^' * max(1, length)}"
        super().__init__(message)


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class _Reader:
    """Walks the whitelisted syntax tree and builds gradlab nodes."""

    def __init__(self, text: str, source: str, columns: list[int], variables: tuple[str, ...]) -> None:
        self.text, self.source, self.columns = text, source, columns
        self.variables = variables
        self.leaves: dict[str, Tensor] = {}

    def fail(self, reason: str, node: ast.AST | None = None, length: int | None = None) -> None:
        position = None
        if node is not None and hasattr(node, "col_offset"):
            start = self.columns[min(node.col_offset, len(self.columns) - 1)]
            end_offset = getattr(node, "end_col_offset", None) or node.col_offset + 1
            end = self.columns[min(end_offset, len(self.columns) - 1)]
            position, length = start, length or max(1, end - start)
        raise ExpressionError(reason, self.text, position, length or 1)

    def leaf(self, name: str, node: ast.AST) -> Tensor:
        if name not in self.leaves:
            if name not in self.variables and len(self.leaves) >= MAX_PARAMETERS + len(self.variables):
                self.fail(f"too many parameters (at most {MAX_PARAMETERS})", node)
            shape = None if name in self.variables else ()
            self.leaves[name] = placeholder(np.float64, shape=shape, name=name)
        return self.leaves[name]

    def read(self, node: ast.AST) -> Tensor:
        result = self._read(node)
        if result.op.name == "Const" and not np.all(np.isfinite(result.attrs["value"])):
            self.fail("this part works out to infinity or nan (too large, or a division by zero)",
                      node)
        return result

    def _read(self, node: ast.AST) -> Tensor:  # noqa: C901  (one branch per allowed syntax)
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                kind = "strings" if isinstance(value, (str, bytes)) else f"{type(value).__name__} values"
                self.fail(f"{kind} are not allowed; use numbers such as 2 or 0.5", node)
            if abs(value) > MAX_NUMBER or not math.isfinite(value):  # (huge ints: no float())
                self.fail(f"the number is too large (the limit is {MAX_NUMBER:g})", node)
            return constant(float(value))
        if isinstance(node, ast.Name):
            name = node.id
            if name.startswith("_"):
                self.fail(f"names starting with '_' are not allowed ('{name}')", node)
            if name in FUNCTIONS:
                self.fail(f"'{name}' is a function: call it, as in {name}(x)", node)
            if name in CONSTANTS and name not in self.variables:
                return constant(CONSTANTS[name], symbol=name)
            return self.leaf(name, node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return -self.read(node.operand)
            if isinstance(node.op, ast.UAdd):
                return self.read(node.operand)
            self.fail("only the unary minus (and plus) are allowed", node, 1)
        if isinstance(node, ast.BinOp):
            symbol = _OPERATORS.get(type(node.op))
            if symbol is None:
                self.fail("only + - * / and ** (or ^) are allowed between terms", node)
            if symbol == "**" and isinstance(node.left, ast.Name) and node.left.id == "e" \
                    and "e" not in self.variables:
                return exp(self.read(node.right))  # e^x is exp(x)
            left, right = self.read(node.left), self.read(node.right)
            return {"+": lambda: left + right, "-": lambda: left - right,
                    "*": lambda: left * right, "/": lambda: left / right,
                    "**": lambda: left ** right}[symbol]()
        if isinstance(node, ast.Call):
            return self.call(node)
        reason = _REFUSED.get(type(node), f"{type(node).__name__} is not allowed in a formula")
        self.fail(reason, node)
        raise AssertionError("unreachable")

    def call(self, node: ast.Call) -> Tensor:
        if not isinstance(node.func, ast.Name):
            self.fail("only functions such as sin(...) can be called", node.func)
        name = node.func.id
        if name.startswith("_"):
            self.fail(f"names starting with '_' are not allowed ('{name}')", node.func)
        if name not in FUNCTIONS:
            self.fail(f"unknown function '{name}'" + _suggest(name, sorted(FUNCTIONS)), node.func)
        if node.keywords:
            self.fail(f"{name}(...) takes no keyword arguments", node.keywords[0].value)
        function, arity = FUNCTIONS[name]
        if len(node.args) != arity:
            self.fail(f"{name} takes {arity} argument{'s' if arity > 1 else ''}, "
                      f"got {len(node.args)}", node)
        return function(*(self.read(arg) for arg in node.args))


def _prepare(text: str) -> tuple[str, list[int]]:
    """Check the raw text and turn ``^`` into ``**``; return the source for ``ast`` and,
    for each of its columns, the column in the original text."""
    if not isinstance(text, str):
        raise ExpressionError(f"a formula must be text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the formula is too long ({len(text)} characters; "
                              f"the limit is {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("the formula is empty: type something like sin(x)")
    for i, ch in enumerate(text):
        if ch in "\n\r;":
            raise ExpressionError("a formula is a single expression on one line", text, i)
        if not (ch.isascii() and (ch.isprintable() or ch == "\t")):
            raise ExpressionError(f"the character {ch!r} is not allowed", text, i)
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, "[": 1, "{": 1, ")": -1, "]": -1, "}": -1}.get(ch, 0)
        if depth > MAX_DEPTH:
            raise ExpressionError(f"too many nested brackets (at most {MAX_DEPTH})", text, i)
    source, columns = [], []
    for i, ch in enumerate(text):
        if ch == "^":
            source.append("**")
            columns += [i, i]
        else:
            source.append(ch)
            columns.append(i)
    columns.append(len(text))
    return "".join(source), columns


def _syntax_tree(text: str, source: str, columns: list[int]) -> ast.expr:
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as err:
        offset = (err.offset or 1) - 1 + (len(source) - len(source.lstrip()))
        position = columns[min(max(offset, 0), len(columns) - 1)]
        reason = (err.msg or "invalid syntax").replace("perhaps you forgot a comma?", "").strip()
        juxtaposed = _NUMBER_THEN_NAME.search(text)
        if juxtaposed and "literal" in reason:  # 2x: Python's "invalid decimal literal"
            number, name = juxtaposed.group(1), juxtaposed.group(2)
            raise ExpressionError(f"write {number}*{name} for a product: a number and a name "
                                  "need a * between them", text, juxtaposed.start(2)) from None
        if reason.startswith("invalid syntax"):
            reason = "this is not a formula gradlab can read (check brackets and operators)"
        raise ExpressionError(reason, text, position) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the formula is too deeply nested", text, None) from None
    body = tree.body
    depth = _depth(body)
    if depth > MAX_DEPTH:
        raise ExpressionError(f"the formula is nested too deeply (at most {MAX_DEPTH} levels)",
                              text, None)
    if source.strip() != source:  # ast columns are relative to the stripped text
        shift = len(source) - len(source.lstrip())
        columns[:] = columns[shift:] + [columns[-1]] * shift
    return body


def _depth(node: ast.AST) -> int:
    """How deeply the formula nests. A chain such as ``a + b - c + d`` or ``a*b/c*d`` counts
    as one level however long it is (Python reads it as a left-leaning tree), so a flat
    sum of many terms is not mistaken for deep nesting; the length limit bounds it."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        for child in ast.iter_child_nodes(current):
            chained = (isinstance(current, ast.BinOp) and child is current.left
                       and isinstance(child, ast.BinOp) and _family(child.op) == _family(current.op))
            stack.append((child, level if chained else level + 1))
    return deepest


def _family(op: ast.operator) -> str:
    return "sum" if isinstance(op, (ast.Add, ast.Sub)) else "product" if isinstance(
        op, (ast.Mult, ast.Div)) else type(op).__name__


def _check_variable(variable: Any) -> None:
    if not isinstance(variable, str) or not variable.isidentifier() or variable.startswith("_"):
        raise ExpressionError(f"the variable must be a plain name such as 'x', not {variable!r}")
    if variable in FUNCTIONS:
        raise ExpressionError(f"'{variable}' is a function name and cannot be the variable")


def read_formula(text: str, variables: tuple[str, ...]) -> tuple[Tensor, dict[str, Tensor], Graph]:
    """The whitelist parser's one entry: ``text`` as a node of a new graph, with the leaves
    (placeholders) by name, the variables first. Used by :func:`parse` (one variable) and
    by :func:`gradlab.parse_surface` (two)."""
    for variable in variables:
        _check_variable(variable)
    if len(set(variables)) != len(variables):
        raise ExpressionError(f"the variables must have different names, not {variables!r}")
    source, columns = _prepare(text)
    tree = _syntax_tree(text, source, columns)
    graph = Graph()
    with graph.as_default():
        reader = _Reader(text, source, columns, tuple(variables))
        for variable in variables:
            reader.leaf(variable, tree)
        try:
            tensor = reader.read(tree)
        except ExpressionError:
            raise
        except GradlabError as err:  # e.g. a shape error from folding
            raise ExpressionError(str(err), text, None) from None
    return tensor, reader.leaves, graph


def parse(text: str, variable: str = "x") -> "Expression":
    """Read a formula such as ``"a*sin(b*x)"`` into an :class:`Expression`.

    ``variable`` names the free variable; every other name becomes a parameter
    (in the explorer, a slider). Raises :class:`ExpressionError` for anything
    that is not a formula, with a caret under the problem.
    """
    tensor, leaves, graph = read_formula(text, (variable,))
    parameters = {name: t for name, t in leaves.items() if name != variable}
    return Expression(text.strip(), tensor, leaves[variable], parameters, graph)


def parameter_feed(text: str, nodes: dict[str, Tensor], params: dict[str, Any],
                   call: str) -> dict[Tensor, float]:
    """The feed entries for a formula's parameters (``nodes``, by name), with an error that
    names an unknown parameter (and the nearest known one) or the first one missing;
    ``call`` begins the example in that message, such as ``"f(x, "``."""
    unknown = set(params) - set(nodes)
    if unknown:
        name = sorted(unknown)[0]
        raise ExpressionError(f"'{name}' is not a parameter of {text!r}" + _suggest(name, sorted(nodes)))
    missing = [p for p in sorted(nodes) if p not in params]
    if missing:
        raise ExpressionError(f"parameter '{missing[0]}' needs a value, e.g. {call}{missing[0]}=1.0)")
    return {nodes[p]: float(v) for p, v in params.items()}


def as_expression(f: Any, variable: str = "x") -> "Expression":
    """Accept a formula string, an Expression, or a function of one tensor (such as
    ``lambda t: gl.sin(t)`` or an op made with ``gl.register_op``)."""
    if isinstance(f, Expression):
        return f
    if isinstance(f, str):
        return parse(f, variable)
    if callable(f):
        graph = Graph()
        with graph.as_default():
            x = placeholder(name=variable)
            y = f(x)
            if not isinstance(y, Tensor):
                raise TypeError("the function must build a gradlab tensor, e.g. lambda t: gl.sin(t)")
        name = getattr(f, "__name__", "f")
        return Expression(name if name != "<lambda>" else "f", y, x, {}, graph)
    raise TypeError(f"expected a formula, an Expression or a function of a tensor, not {f!r:.60}")


class Expression:
    """A formula of one variable and some parameters, backed by a gradlab graph.

    >>> f = gl.parse("a*sin(b*x)")
    >>> f.parameters
    ['a', 'b']
    >>> f(np.array([0.0, 1.0]), a=2, b=3)
    >>> f.derivative()          # shows a b cos(b x) in a notebook
    """

    def __init__(self, text: str, tensor: Tensor, x: Tensor, parameters: dict[str, Tensor],
                 graph: Graph, order: int = 0, base: "Expression | None" = None) -> None:
        self.text = text
        self.tensor = tensor
        self.x = x
        self.variable = x.label
        self._parameter_nodes = parameters
        self.graph = graph
        self.order = order
        self._base = base or self
        self._derivatives: dict[int, Expression] = {}
        self._nodes_built = 0  # by derivatives of this formula (see MAX_DERIVATIVE_NODES)
        self._session = base._session if base is not None else Session(graph)

    @property
    def parameters(self) -> list[str]:
        """The names of the parameters, sorted."""
        return sorted(self._parameter_nodes)

    def derivative(self, order: int = 1) -> "Expression":
        """The derivative of this expression with respect to its variable (order 1, 2, ...).

        Derivatives are built one order after the other and kept. All the derivatives of
        one formula together may add at most :data:`MAX_DERIVATIVE_NODES` nodes to its
        graph; past that an :class:`ExpressionError` says which order was too costly.
        """
        if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or order < 0:
            raise ValueError(f"order must be a whole number >= 0, not {order!r}")
        if order == 0:
            return self
        base = self._base
        total = self.order + int(order)
        known = max(k for k in [0, *base._derivatives] if k <= total)
        for k in range(known + 1, total + 1):  # a loop, not recursion: order 2000 is fine
            lower = base if k == 1 else base._derivatives[k - 1]
            left = MAX_DERIVATIVE_NODES - base._nodes_built
            message = (f"the derivative of order {k} of {base.text!r} needs more than "
                       f"{MAX_DERIVATIVE_NODES:,} graph nodes (each order of this formula is "
                       f"bigger than the last); ask for a lower order or a simpler formula")
            before = base.graph.node_count
            try:
                with base.graph.as_default(), node_budget(left, message):
                    (node,) = gradients(lower.tensor, base.x)
            except BudgetError as err:
                raise ExpressionError(str(err)) from None
            finally:
                base._nodes_built += base.graph.node_count - before
            base._derivatives[k] = Expression(
                base.text, node, base.x, base._parameter_nodes, base.graph, k, base)
        return base._derivatives[total]

    def feed(self, x: Any, params: dict[str, Any], /) -> dict[Tensor, Any]:
        """The feed_dict for evaluating at ``x`` with these parameter values."""
        feed = {self.x: np.asarray(x, dtype=np.float64)}
        feed.update(parameter_feed(self.text, self._parameter_nodes, params, "f(x, "))
        return feed

    def evaluate(self, x: Any, orders: tuple[int, ...] = (0,), /, **params: float) -> list[np.ndarray]:
        """Values of several derivatives at once (one compiled plan computes them all)."""
        nodes = [self.derivative(k).tensor for k in orders]
        values = self._session.run(nodes, self.feed(x, params))
        shape = np.shape(x)
        return [np.array(np.broadcast_to(v, shape)) if np.shape(v) != shape else v for v in values]

    def __call__(self, x: Any, /, **params: float) -> np.ndarray:
        """The value at ``x`` (a number or an array), with parameters given by name."""
        return self.evaluate(x, (0,), **params)[0]

    def to_latex(self) -> str:
        """The formula as LaTeX (without ``$``)."""
        return to_latex(self.tensor)

    def __str__(self) -> str:
        return formula(self.tensor)

    def __repr__(self) -> str:
        if self.order == 0:
            return f"Expression({self.text!r})"
        return f"Expression({self.text!r}).derivative({self.order})"

    def _repr_latex_(self) -> str:
        return f"$${self.to_latex()}$$"

    @property
    def nodes(self) -> int:
        """The number of nodes in this expression's graph."""
        return len(toposort([self.tensor]))

