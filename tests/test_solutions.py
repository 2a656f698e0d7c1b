"""Every exercise solution in notebooks/solutions passes the self-check its lesson runs."""

from pathlib import Path

import numpy as np
import pytest

import gradlab as gl

SOLUTIONS = Path(__file__).resolve().parent.parent / "notebooks" / "solutions"


def load(name, **namespace):
    """Run a solution file the way %load + run would, in a namespace like the notebook's."""
    namespace = {"np": np, "gl": gl, **namespace}
    exec(compile((SOLUTIONS / name).read_text(), name, "exec"), namespace)  # our own files
    return namespace


def test_every_solution_file_is_checked_here():
    checked = {"01_sin_squared.py", "02_best_step.py", "02_product_rule.py", "03_chain_rule.py",
               "04_second_derivative.py", "05_matmul_gradient.py", "06_safe_log.py",
               "07_learning_rate.py", "08_softsign.py"}
    assert {p.name for p in SOLUTIONS.glob("*.py")} == checked


@pytest.mark.parametrize("name, formula, x_range", [
    ("01_sin_squared.py", "sin(x)^2", (0, 2 * np.pi)),
    ("02_product_rule.py", "x*exp(-x)", (-1, 5)),
    ("03_chain_rule.py", "exp(sin(x))", (-3, 3)),
])
def test_derivative_solutions(name, formula, x_range):
    result = gl.check_derivative(load(name)["my_derivative"], formula, x_range=x_range)
    assert result.ok, result.message


def test_second_derivative_solution():
    fn = load("04_second_derivative.py")["my_second_derivative"]
    assert gl.check_derivative(fn, gl.parse("x*exp(x)").derivative(), x_range=(-3, 2))


def test_best_step_solution():
    step = load("02_best_step.py")["my_step"]
    assert abs(gl.forward_difference(np.exp, 0.0, step) - 1.0) < 1e-7


def test_matmul_gradient_solution():
    expected = load("05_matmul_gradient.py")["my_expected"]
    W, v = gl.placeholder(name="W"), gl.placeholder(name="v")
    (dW,) = gl.gradients(gl.reduce_sum(W @ v), W)
    with gl.Session() as session:
        got = session.run(dW, {W: np.zeros((2, 3)), v: np.array([1.0, 2.0, 3.0])})
    np.testing.assert_allclose(got, expected)


def test_safe_log_solution():
    x = gl.placeholder(name="x")
    node = load("06_safe_log.py", x=x)["my_safe_log"]
    with gl.Session() as session:
        value, slope = session.run([node, gl.gradients(node, x)[0]], {x: [-2.0, 0.0, 3.0]})
    np.testing.assert_allclose(value, [0.0, 0.0, np.log(3.0)])
    assert np.all(np.isfinite(slope))


def test_learning_rate_solution():
    rate = load("07_learning_rate.py")["my_rate"]
    result = gl.descent_path("x^2/2 + sin(3*x)/4", start=-3.0, learning_rate=rate, steps=10)
    assert result.status == "converged", result.message


def test_softsign_solution():
    softsign = load("08_softsign.py")["softsign"]
    points = np.linspace(-3, 3, 40) + 0.01
    assert max(gl.check_gradients(softsign, points, order=k) for k in (1, 2)) < 1e-6


def test_an_unanswered_exercise_says_so():
    result = gl.check_derivative(None, "x^2")
    assert not result and result.message.startswith("not answered yet")
