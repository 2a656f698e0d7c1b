"""SymPy as an independent oracle: random formulas over the op table, derivatives 1 to 3.

Hypothesis builds random expression trees, each as a gradlab graph and as a SymPy
expression at the same time. Domains are respected by construction: ``log`` and
``sqrt`` get ``1 + u**2``, ``arcsin`` gets ``0.9 * tanh(u)``, ``exp`` gets ``2 * tanh(u)``
(no overflow), divisions divide by ``1 + v**2``, powers have a positive base. gradlab's
first, second and third derivatives must equal SymPy's (``sympy.diff``, then
``lambdify`` to numpy) at random points in float64, to a relative tolerance of 1e-8
(with 1e-8 absolute for values near zero).

The non-smooth ops (abs, sign, relu, maximum, minimum, where) have kinks where
SymPy's derivatives are distributions; their derivatives are checked against finite
differences away from the kinks in test_op_gradients.py.
"""

import numpy as np
import sympy as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import gradlab as gl

X = sp.Symbol("x", real=True)
TOLERANCE = 1e-8

# Each entry: (gradlab builder of one tensor, SymPy builder of one expression).
UNARY = {
    "sin": (gl.sin, sp.sin),
    "cos": (gl.cos, sp.cos),
    "tan": (lambda u: gl.tan(gl.tanh(u)), lambda u: sp.tan(sp.tanh(u))),
    "arcsin": (lambda u: gl.arcsin(0.9 * gl.tanh(u)), lambda u: sp.asin(0.9 * sp.tanh(u))),
    "arccos": (lambda u: gl.arccos(0.9 * gl.tanh(u)), lambda u: sp.acos(0.9 * sp.tanh(u))),
    "arctan": (gl.arctan, sp.atan),
    "sinh": (lambda u: gl.sinh(2 * gl.tanh(u)), lambda u: sp.sinh(2 * sp.tanh(u))),
    "cosh": (lambda u: gl.cosh(2 * gl.tanh(u)), lambda u: sp.cosh(2 * sp.tanh(u))),
    "tanh": (gl.tanh, sp.tanh),
    "exp": (lambda u: gl.exp(2 * gl.tanh(u)), lambda u: sp.exp(2 * sp.tanh(u))),
    "log": (lambda u: gl.log(1 + u**2), lambda u: sp.log(1 + u**2)),
    "log1p": (lambda u: gl.log1p(u**2), lambda u: sp.log(1 + u**2)),
    "sqrt": (lambda u: gl.sqrt(1 + u**2), lambda u: sp.sqrt(1 + u**2)),
    "square": (gl.square, lambda u: u**2),
    "sigmoid": (gl.sigmoid, lambda u: 1 / (1 + sp.exp(-u))),
    "softplus": (lambda u: gl.softplus(gl.tanh(u)), lambda u: sp.log(1 + sp.exp(sp.tanh(u)))),
    "negative": (lambda u: -u, lambda u: -u),
}
BINARY = {
    "add": (lambda u, v: u + v, lambda u, v: u + v),
    "subtract": (lambda u, v: u - v, lambda u, v: u - v),
    "multiply": (lambda u, v: u * v, lambda u, v: u * v),
    "divide": (lambda u, v: u / (1 + v**2), lambda u, v: u / (1 + v**2)),
    "pow": (lambda u, v: (1 + u**2) ** gl.tanh(v), lambda u, v: (1 + u**2) ** sp.tanh(v)),
    "matmul-free product of sums": (lambda u, v: (u + 1.5) * (v - 0.5),
                                    lambda u, v: (u + sp.Rational(3, 2)) * (v - sp.Rational(1, 2))),
}

constants = st.sampled_from([-2.0, -1.5, -0.5, 0.25, 0.5, 1.0, 2.0, 3.0])
def trees(max_leaves, variables=1):
    """Random trees; a leaf is a constant or ("x", i), the i-th of ``variables``."""
    leaves = st.one_of(st.integers(0, variables - 1).map(lambda i: ("x", i)),
                       constants.map(lambda c: ("const", c)))
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(st.sampled_from(sorted(UNARY)), inner),
            st.tuples(st.sampled_from(sorted(BINARY)), inner, inner),
        ),
        max_leaves=max_leaves,
    )


def build(tree, x, symbols=(X,)):
    """The same tree as a gradlab node and a SymPy expression. ``x`` is the node of the
    one variable, or a sequence of nodes (a vector's elements) when there are several;
    ``symbols`` are their SymPy names."""
    if tree[0] == "x":
        return (x if len(symbols) == 1 else x[tree[1]]), symbols[tree[1]]
    if tree[0] == "const":
        return gl.constant(tree[1]), sp.Float(tree[1])
    if len(tree) == 2:
        g, s = UNARY[tree[0]]
        node, expr = build(tree[1], x, symbols)
        return g(node), s(expr)
    g, s = BINARY[tree[0]]
    (a, ea), (b, eb) = build(tree[1], x, symbols), build(tree[2], x, symbols)
    return g(a, b), s(ea, eb)


def contains_x(tree):
    return tree[0] == "x" or (tree[0] != "const" and any(contains_x(t) for t in tree[1:]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Found by this test: the zero-exponent convention of pow once replaced the formula by 0
# wherever the exponent was exactly 0, losing derivatives taken through the exponent.
@example(tree=("pow", ("x", 0), ("x", 0)), points=[0.0, 0.5, -1.0])
@given(tree=trees(max_leaves=5).filter(contains_x),
       points=st.lists(st.floats(-2.0, 2.0, allow_nan=False), min_size=3, max_size=6))
def test_derivatives_1_to_3_agree_with_sympy(tree, points):
    x = gl.placeholder(name="x")
    node, expr = build(tree, x)
    values = np.array(points, dtype=np.float64)
    gradlab_nodes = [node]
    for _ in range(3):
        gradlab_nodes.append(gl.gradients(gradlab_nodes[-1], x)[0])
    with gl.Session() as session, np.errstate(all="ignore"):
        got = session.run(gradlab_nodes, {x: values})
    for order in range(4):
        exact = sp.diff(expr, X, order) if order else expr
        want = np.broadcast_to(sp.lambdify(X, exact, "numpy")(values), values.shape).astype(float)
        np.testing.assert_allclose(
            np.broadcast_to(got[order], values.shape), want, rtol=TOLERANCE, atol=TOLERANCE,
            err_msg=f"order {order} of {expr}",
        )


def test_every_smooth_op_is_in_the_oracle():
    """The oracle covers the op table except the non-smooth ops named in the docstring."""
    names = set(UNARY) | set(BINARY)
    for op in ("sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp",
               "log", "log1p", "sqrt", "square", "sigmoid", "softplus", "negative", "add",
               "subtract", "multiply", "divide", "pow"):
        assert op in names
