"""Simplification while building: derivatives are clean graphs and clean formulas."""

import numpy as np
import pytest

import gradlab as gl
from gradlab.core.graph import toposort


@pytest.fixture
def x():
    return gl.placeholder(gl.float32, name="x")


def op_names(t):
    return {n.op.name for n in toposort([t])}


def test_gradient_of_sin_is_the_node_cos(x):
    (g,) = gl.gradients(gl.sin(x), x)
    assert g.op.name == "Cos" and g.inputs == (x,)
    assert gl.formula(g) == "cos(x)"


def test_gradient_of_x_squared_is_two_x(x):
    (g,) = gl.gradients(x**2, x)
    assert g.op.name == "Mul"
    assert gl.formula(g) == "2*x"
    assert g.inputs[0].value == 2.0 and g.inputs[1] is x


def test_no_bookkeeping_is_left_in_elementwise_derivatives(x):
    f = gl.sin(3 * x) * gl.exp(-x / 5) + x**2 / 10 - gl.log(1 + x**2) * gl.tanh(x)
    (d1,) = gl.gradients(f, x)
    (d2,) = gl.gradients(d1, x)
    for g in (d1, d2):
        assert not op_names(g) & {"OnesLike", "ZerosLike", "SumToLike", "BroadcastLike"}


@pytest.mark.parametrize("make, expected", [
    (lambda x: x**3, "3*x**2"),
    (lambda x: gl.cos(x), "-sin(x)"),
    (lambda x: gl.exp(2 * x), "2*exp(2*x)"),
    (lambda x: gl.tanh(x), "1 - tanh(x)**2"),
    (lambda x: gl.sqrt(x), "1/(2*sqrt(x))"),
    (lambda x: 1 / x, "-1/x**2"),
    (lambda x: gl.log(x), "1/x"),
    (lambda x: x * 1 + 0, "1"),
    (lambda x: -(-x), "1"),
    (lambda x: x**1 * 5, "5"),
    (lambda x: gl.sin(x) / x, "cos(x)/x - sin(x)/x**2"),
])
def test_derivative_formulas(x, make, expected):
    assert gl.formula(gl.gradients(make(x), x)[0]) == expected


def test_constants_fold_and_identities_apply(x):
    assert (gl.constant(2.0) * 3).op.name == "Const"
    assert (x * 1) is x and (1 * x) is x and (x + 0) is x and (0 + x) is x
    assert (x**1) is x and (-(-x)) is x and (x - 0) is x and (x / 1) is x
    assert (2 * (3 * x)).inputs[0].value == 6.0
    assert gl.formula(x * 2) == "2*x"


def test_python_numbers_keep_the_dtype_of_tensors(x):
    y = 2 * x + 0.5
    assert y.dtype == np.float32
    with gl.Session() as session:
        assert session.run(y, {x: [1.0]}).dtype == np.float32


def test_latex_display_in_notebooks(x):
    (g,) = gl.gradients(gl.sin(x), x)
    assert g._repr_latex_() == r"$\cos\left(x\right)$"
    assert gl.to_latex(gl.gradients(x**3, x)[0]) == "3 x^{2}"


def test_parameters_print_in_blackboard_order():
    x = gl.placeholder(name="x")
    a = gl.placeholder(shape=(), name="a")
    b = gl.placeholder(shape=(), name="b")
    (g,) = gl.gradients(a * gl.sin(b * x), x)
    assert gl.formula(g) == "a*b*cos(b*x)"
    assert gl.to_latex(g) == r"a b \cos\left(b x\right)"


def test_huge_formulas_are_cut_short():
    x = gl.placeholder(name="x")
    y = x
    for _ in range(40):
        y = y * y + y  # the formula doubles in length at every step
    assert "too long" in gl.formula(y)


def test_matrix_gradients_of_known_shapes_carry_no_bookkeeping():
    # With known shapes the engine proves that no reshaping is needed, so the gradient of
    # a matrix product is the textbook g @ W^T and x^T @ g, with nothing around it.
    x = gl.placeholder(shape=(3, 4), name="x")
    W = gl.placeholder(shape=(4, 2), name="W")
    y = gl.reduce_sum(gl.tanh(x @ W))
    for g in gl.gradients(y, [x, W]):
        assert not op_names(g) & {"AtLeast2D", "ReshapeLike", "SumToLike", "BroadcastLike"}
