"""Print a graph as the formula it stands for: ``cos(x)``, ``3*x**2``, ``a b \\cos(b x)``.

The printer reads a node and its inputs the way you would read them aloud. Shape
bookkeeping that the autodiff engine inserts (``sum_to_like``, ``broadcast_like``)
changes no values, so it is invisible here. Products are written in blackboard
order: numbers first, then plain symbols (alphabetically), then everything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..core.array_ops import index_text
from ..core.graph import Tensor, hooks, toposort

# Precedence: higher binds tighter.
ADD, MUL, NEG, POW, ATOM = 1, 2, 3, 4, 5

_TRANSPARENT = {"SumToLike", "BroadcastLike", "ReshapeLike", "ExpandDims", "Identity", "AtLeast2D",
                "CheckGradientShape", "Cast"}

_TEXT_NAMES = {
    "Sin": "sin", "Cos": "cos", "Tan": "tan", "Asin": "arcsin", "Acos": "arccos",
    "Atan": "arctan", "Sinh": "sinh", "Cosh": "cosh", "Tanh": "tanh", "Exp": "exp",
    "Log": "log", "Log1p": "log1p", "Sqrt": "sqrt", "Square": "square", "Abs": "abs",
    "Sign": "sign", "Sigmoid": "sigmoid", "Softplus": "softplus", "Relu": "relu",
    "Maximum": "maximum", "Minimum": "minimum", "Select": "where", "Sum": "reduce_sum",
    "Mean": "reduce_mean", "StopGradient": "stop_gradient", "Size": "size",
    "Transpose": "transpose", "MatrixTranspose": "matrix_transpose", "Reshape": "reshape",
    "Asinh": "arcsinh", "Acosh": "arccosh", "Atanh": "arctanh", "Atan2": "arctan2",
    "Prod": "reduce_prod", "Max": "reduce_max", "Min": "reduce_min", "Concat": "concat",
    "MatrixInverse": "inv",
}
_LATEX_NAMES = {
    "Sin": r"\sin", "Cos": r"\cos", "Tan": r"\tan", "Asin": r"\arcsin", "Acos": r"\arccos",
    "Atan": r"\arctan", "Sinh": r"\sinh", "Cosh": r"\cosh", "Tanh": r"\tanh", "Log": r"\log",
    "Sigmoid": r"\sigma", "Maximum": r"\max", "Minimum": r"\min", "Sum": r"\sum",
}
_COMPARE = {"Less": "<", "LessEqual": "<=", "Greater": ">", "GreaterEqual": ">=", "Equal": "=="}
_LATEX_COMPARE = {"<=": r"\le", ">=": r"\ge", "==": "="}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda",
    "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "Gamma", "Delta",
    "Theta", "Lambda", "Sigma", "Phi", "Psi", "Omega",
}


class _TooLong(Exception):
    pass


@dataclass
class _Piece:
    text: str
    prec: int
    negative: bool = False  # the piece is "-" followed by a term: -(rest)


def _number(value: float, latex: bool) -> str:
    if np.isnan(value):
        return "nan"
    if np.isinf(value):
        return ("-" if value < 0 else "") + (r"\infty" if latex else "inf")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.6g}"
    if latex and "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \cdot 10^{{{int(exponent)}}}"
    return text


MAX_LENGTH = 4000  # characters of output
MAX_WORK = 20_000  # nodes visited: a graph with shared nodes prints as a tree, which can be
# exponentially larger than the graph (y = y*y, 26 times over), so the work is counted too


class _Printer:
    def __init__(self, latex: bool, names: dict[Tensor, str], limit: int = MAX_LENGTH,
                 work: int = MAX_WORK) -> None:
        self.latex = latex
        self.names = names
        self.budget = limit
        self.work = work
        self.aliases: dict[Tensor, Tensor] = {}  # a branch's stand-ins print as what they stand for

    def spend(self) -> None:
        """One unit of work (one node looked at); past the budget the formula is too long."""
        self.work -= 1
        if self.work < 0:
            raise _TooLong

    def wrap(self, piece: _Piece, above: int) -> str:
        if piece.prec > above:
            return piece.text
        return rf"\left({piece.text}\right)" if self.latex else f"({piece.text})"

    def call(self, op: str, args: list[str]) -> str:
        if self.latex:
            name = _LATEX_NAMES.get(op) or rf"\operatorname{{{_TEXT_NAMES.get(op, op.lower())}}}"
            return rf"{name}\left({', '.join(args)}\right)"
        return f"{_TEXT_NAMES.get(op, op.lower())}({', '.join(args)})"

    def symbol(self, name: str) -> str:
        if not self.latex:
            return name
        primes = len(name) - len(name.rstrip("'"))
        if primes:  # x' for a second node called x
            return self.symbol(name[:-primes]) + "'" * primes
        if name in _GREEK:
            return "\\" + name
        if len(name) == 1:
            return name
        base, _, sub = name.partition("_")
        if sub and len(base) == 1:
            return f"{base}_{{{sub}}}"
        escaped = name.replace("_", r"\_")
        return rf"\mathrm{{{escaped}}}"

    def show(self, node: Tensor) -> _Piece:
        self.spend()
        piece = self._show(self.aliases.get(node, node))
        self.budget -= len(piece.text)
        if self.budget < 0:
            raise _TooLong
        return piece

    def _show(self, node: Tensor) -> _Piece:  # noqa: C901  (one case per kind of op)
        op = node.op.name
        ins = node.inputs
        if op in _TRANSPARENT:
            return self.show(ins[0])
        if op in ("Placeholder", "Variable"):
            return _Piece(self.symbol(self.names.get(node, node.label)), ATOM)
        if op == "Const":
            return self.constant(node)
        if op == "OnesLike":
            return _Piece("1", ATOM)
        if op == "ZerosLike":
            return _Piece("0", ATOM)
        if op == "Neg":
            inner = self.show(ins[0])
            if inner.negative:
                return _Piece(f"-{self.wrap(inner, ATOM - 1)}", NEG, True)
            return _Piece(f"-{self.wrap(inner, ADD)}", NEG, True)
        if op in ("Add", "Sub"):
            left, right = self.show(ins[0]), self.show(ins[1])
            plus = op == "Add"
            if plus and left.negative and not right.negative:  # -a + b reads better as b - a
                left, right = right, left
            if right.negative:  # a + -b is a - b, and a - -b is a + b
                plus, right = not plus, _Piece(right.text[1:], MUL)
            sign = "+" if plus else "-"
            return _Piece(f"{self.wrap(left, ADD - 1)} {sign} {self.wrap(right, ADD if plus else MUL - 1)}",
                          ADD)
        if op in ("Mul", "Div"):
            return self.product(node)
        if op in ("Pow", "Square"):
            base = self.show(ins[0])
            if op == "Square":
                exponent = _Piece("2", ATOM)
            else:
                exponent = self.show(ins[1])
            if self.latex:
                if ins[0].op.name in _LATEX_NAMES and len(ins[0].inputs) == 1 and exponent.text == "2":
                    # sin^2(x) reads better than (sin(x))^2
                    inner = self.show(ins[0].inputs[0]).text
                    return _Piece(rf"{_LATEX_NAMES[ins[0].op.name]}^{{2}}\left({inner}\right)", ATOM)
                return _Piece(f"{self.wrap(base, POW)}^{{{exponent.text}}}", POW)
            return _Piece(f"{self.wrap(base, POW)}**{self.wrap(exponent, POW - 1)}", POW)
        if op == "Exp" and self.latex:
            return _Piece(f"e^{{{self.show(ins[0]).text}}}", POW)
        if op == "Sqrt" and self.latex:
            return _Piece(rf"\sqrt{{{self.show(ins[0]).text}}}", ATOM)
        if op == "Abs" and self.latex:
            return _Piece(rf"\left|{self.show(ins[0]).text}\right|", ATOM)
        if op in _COMPARE:
            sym = _COMPARE[op]
            if self.latex:
                sym = _LATEX_COMPARE.get(sym, sym)
            left, right = self.show(ins[0]), self.show(ins[1])
            return _Piece(f"{left.text} {sym} {right.text}", 0)
        if op == "MatMul":
            sym = r" \mathbin{@} " if self.latex else " @ "
            return _Piece(sym.join(self.wrap(self.show(t), MUL) for t in ins), MUL)
        if op in ("Transpose", "MatrixTranspose") and self.latex:
            return _Piece(f"{self.wrap(self.show(ins[0]), POW)}^{{T}}", POW)
        if op == "Assign":
            arrow = r" \leftarrow " if self.latex else " <- "
            return _Piece(self.show(ins[0]).text + arrow + self.show(ins[1]).text, 0)
        if op == "Group":
            return _Piece(self.call("group", [self.show(t).text for t in ins]), ATOM)
        if op == "GetItem":  # x[0, 1:]
            index = index_text(node.attrs["index"]).replace("_", r"\_" if self.latex else "_")
            return _Piece(self.wrap(self.show(ins[0]), POW) + index, ATOM)
        if op in ("Cond", "WhileLoop"):
            return self.control_flow(node)
        if op == "Einsum":
            spec = repr(node.attrs["spec"]) if not self.latex else rf"\text{{{node.attrs['spec']}}}"
            return _Piece(self.call(op, [spec] + [self.show(t).text for t in ins]), ATOM)
        return _Piece(self.call(op, [self.show(t).text for t in ins]), ATOM)

    def control_flow(self, node: Tensor) -> _Piece:
        """``cond(x > 0, log(x), 0)``, or a loop as its condition, its updates and its
        start: ``while_loop(i < 5; i <- i + 1, p <- p*x; start i = 0, p = 1).p``."""
        attrs, ins, saved = node.attrs, node.inputs, dict(self.aliases)
        arrow = r" \leftarrow " if self.latex else " <- "
        try:
            if node.op.name == "Cond":
                self.aliases.update(zip(attrs["stand_ins"], ins[1:]))
                parts = [self.show(t).text for t in (ins[0], attrs["true_out"], attrs["false_out"])]
                return _Piece(self.call("cond", parts), ATOM)
            n = len(attrs["loop_vars"])
            self.aliases.update(zip(attrs["params"], ins[n:]))
            names = [self.show(v).text for v in attrs["loop_vars"]]
            updates = ", ".join(v + arrow + self.show(b).text for v, b in zip(names, attrs["body"]))
            starts = ", ".join(f"{v} = {self.show(t).text}" for v, t in zip(names, ins[:n]))
            start = r";\ \text{start}\ " if self.latex else "; start "
            loop = self.call("while" if self.latex else "while_loop",
                             [f"{self.show(attrs['condition']).text}; {updates}{start}{starts}"])
            return _Piece(f"{loop}.{names[attrs['index']]}", ATOM)
        finally:
            self.aliases = saved

    def constant(self, node: Tensor) -> _Piece:
        value = node.attrs["value"]
        symbol = node.attrs.get("symbol")
        if symbol:
            return _Piece(self.symbol(symbol) if symbol != "e" else "e", ATOM)
        if np.ndim(value) == 0:
            text = _number(float(value), self.latex)
            return _Piece(text, ATOM if not text.startswith("-") else NEG, text.startswith("-"))
        if np.size(value) <= 6:
            body = ", ".join(_number(float(v), self.latex) for v in np.ravel(value))
            return _Piece(rf"\left[{body}\right]" if self.latex else f"[{body}]", ATOM)
        return _Piece(self.symbol(node.name), ATOM)

    def product(self, node: Tensor) -> _Piece:
        """Products and quotients, flattened: numerator and denominator factors in order."""
        numerator: list[Tensor] = []
        denominator: list[Tensor] = []
        negative = False
        stack = [(node, True)]
        while stack:
            self.spend()
            t, up = stack.pop()
            while t.op.name in _TRANSPARENT:
                t = t.inputs[0]
            if t.op.name == "Mul":
                stack.extend((i, up) for i in reversed(t.inputs))
            elif t.op.name == "Div":
                stack.extend([(t.inputs[1], not up), (t.inputs[0], up)])
            elif t.op.name == "Neg":
                negative = not negative
                stack.append((t.inputs[0], up))
            else:
                value = _scalar(t)
                if value is not None and value < 0:
                    negative = not negative
                (numerator if up else denominator).append(t)
        top = self.factors(numerator, bare=self.latex and bool(denominator))
        if denominator:
            bottom = self.factors(denominator, bare=self.latex)
            if self.latex:
                text = rf"\frac{{{top.text}}}{{{bottom.text}}}"
            else:
                text = f"{self.wrap(top, ADD)}/{self.wrap(bottom, MUL if len(denominator) > 1 else ADD)}"
            top = _Piece(text, MUL)
        if negative:
            return _Piece("-" + top.text, NEG, True)
        return top

    def power(self, node: Tensor, piece: _Piece, count: int) -> _Piece:
        """``piece`` (the printed ``node``) raised to a whole power; 1 leaves it alone."""
        if count == 1:
            return piece
        if self.latex:
            if node.op.name in _LATEX_NAMES and len(node.inputs) == 1:  # sin^2(x), not (sin(x))^2
                inner = self.show(node.inputs[0]).text
                return _Piece(rf"{_LATEX_NAMES[node.op.name]}^{{{count}}}\left({inner}\right)", ATOM)
            return _Piece(f"{self.wrap(piece, POW)}^{{{count}}}", POW)
        return _Piece(f"{self.wrap(piece, POW)}**{count}", POW)

    def factors(self, factors: list[Tensor], bare: bool = False) -> _Piece:
        """Write factors as numbers, then symbols (repeats become powers), then the rest."""
        numbers, named, others = [], [], []
        symbols: dict[str, list] = {}
        for f in factors:
            value = _scalar(f)
            if value is not None:
                if value not in (1, -1) or len(factors) == 1:
                    numbers.append(_Piece(_number(abs(value), self.latex), ATOM))
            elif f.op.name == "Const" and f.attrs.get("symbol"):
                named.append(self.show(f))  # pi and e come right after the numbers
            elif f.op.name in ("Placeholder", "Variable"):
                symbols.setdefault(self.names.get(f, f.label), [f, 0])[1] += 1
            else:
                others.append(f)
        pieces = numbers + named
        for name in sorted(symbols, key=lambda n: (n, 0)):
            f, count = symbols[name]
            piece = self.show(f)
            if count > 1:
                piece = _Piece(f"{piece.text}^{{{count}}}" if self.latex else f"{piece.text}**{count}", POW)
            pieces.append(piece)
        repeated: dict[str, list] = {}  # cos(x)*cos(x) -> cos(x)**2 (same text, same factor)
        for f in others:
            piece = self.show(f)
            repeated.setdefault(piece.text, [f, piece, 0])[2] += 1
        merged = [self.power(f, piece, count) for f, piece, count in repeated.values()]
        pieces += sorted(merged, key=lambda p: p.prec != POW)
        if not pieces:
            return _Piece("1", ATOM)
        if len(pieces) == 1 and bare:  # the inside of \frac{...}{...} needs no parentheses
            return pieces[0]
        texts = [self.wrap(p, ADD) for p in pieces]
        if len(texts) == 1:
            return _Piece(texts[0], max(pieces[0].prec, MUL))
        if not self.latex:
            return _Piece("*".join(texts), MUL)
        text = texts[0]
        for t in texts[1:]:
            text += (r" \cdot " if t[:1].isdigit() else " ") + t
        return _Piece(text, MUL)


def _scalar(t: Tensor) -> float | None:
    if t.op.name == "Const" and np.ndim(t.attrs["value"]) == 0 and not t.attrs.get("symbol"):
        return float(t.attrs["value"])
    return None


def display_names(nodes: Any, latex: bool = False) -> dict[Tensor, str]:
    """How to print each placeholder and Variable among ``nodes``: the name its maker
    asked for (``x``, even when TF-style unique naming made it ``x_1``), with primes to
    tell apart different nodes that asked for the same name (``x``, ``x′``, ``x″``)."""
    by_label: dict[str, list[Tensor]] = {}
    for node in nodes:
        if node.op.name in ("Placeholder", "Variable"):
            by_label.setdefault(node.label, []).append(node)
    prime = "'" if latex else "′"
    return {node: label + prime * i for label, group in by_label.items()
            for i, node in enumerate(sorted(group, key=_creation_order))}


def _creation_order(node: Tensor) -> int:
    """0 for the first node asked to be called ``x``, then 1, 2 ... (``x_1``, ``x_2``)."""
    suffix = node.name[len(node.label) + 1:] if node.name != node.label else "0"
    return int(suffix) if suffix.isdigit() else 0


def _render(t: Any, latex: bool) -> str:
    if not isinstance(t, Tensor):
        raise TypeError(f"expected a gradlab tensor, got {type(t).__name__}")
    try:
        leaves = toposort([t])
        if len(leaves) > MAX_WORK:
            raise _TooLong
        return _Printer(latex, display_names(leaves, latex)).show(t).text
    except (_TooLong, RecursionError):
        name = t.name.replace("_", r"\_")
        return rf"\mathrm{{{name}}}" if latex else f"<formula of '{t.name}' is too long to show>"


def formula(t: Tensor) -> str:
    """The formula a node computes, as plain text: ``gl.formula(gl.gradients(gl.sin(x), x)[0])``
    gives ``'cos(x)'``."""
    return _render(t, latex=False)


def to_latex(t: Tensor) -> str:
    """The formula a node computes, as LaTeX (without ``$`` signs)."""
    return _render(t, latex=True)


hooks.latex = to_latex  # a tensor shows as its formula in a notebook
