"""Every exercise solution in notebooks/solutions passes the self-check its lesson runs."""

from pathlib import Path

import numpy as np
import pytest

import gradlab as gl
from lesson_files import SOLUTIONS, load





# The second half's solutions need their lesson's own code (a Dual class, a Value class, the
# network's data), so each lesson's test module loads them in a namespace like the notebook's.
CHECKED_WITH_THEIR_LESSON = {
    "09_choose_mode.py": "test_lesson09.py", "09_dual_tanh.py": "test_lesson09.py",
    "09_jvp_by_hand.py": "test_lesson09.py",
    "10_newton_start.py": "test_lesson10.py", "10_newton_step.py": "test_lesson10.py",
    "10_vjp_by_hand.py": "test_lesson10.py",
    "11_exp_tanh.py": "test_lesson11.py", "11_fan_in.py": "test_lesson11.py",
    "12_bias_gradient.py": "test_lesson12.py", "12_fast_training.py": "test_lesson12.py",
    "12_weight_count.py": "test_lesson12.py",
    "13_kinds.py": "test_lesson13.py", "13_tape.py": "test_lesson13.py",
    "13_translate.py": "test_lesson13.py",
}


def test_every_solution_file_is_checked_here():
    checked = {"01_sin_squared.py", "01_exp_gradient.py", "02_best_step.py", "02_product_rule.py",
               "03_chain_rule.py", "03_fan_in.py", "04_second_derivative.py",
               "04_fourth_derivative.py", "05_matmul_gradient.py", "06_safe_log.py",
               "07_learning_rate.py", "08_softsign.py"}
    assert {p.name for p in SOLUTIONS.glob("*.py")} == checked | set(CHECKED_WITH_THEIR_LESSON)


@pytest.mark.parametrize("name", sorted(CHECKED_WITH_THEIR_LESSON))
def test_the_second_half_solutions_are_checked_with_their_lesson(name):
    # each is run through its exercise's self-check in its lesson's test module
    module = Path(__file__).with_name(CHECKED_WITH_THEIR_LESSON[name]).read_text()
    assert f'"{name}"' in module
    lesson = int(name[:2])
    assert f"exercises.lesson{lesson}_" in module


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


# -- the exercise self-checks of gl.exercises: right passes; wrong, wrong shape and the
# -- classic slips fail, with messages that say what is wrong but not the answer -----------
def _no_answer(message, *answers):
    for answer in answers:
        assert str(answer) not in message, (answer, message)


def test_lesson1_and_lesson4_formula_checks():
    assert gl.exercises.lesson1_exp_gradient(load("01_exp_gradient.py")["my_formula"])
    assert gl.exercises.lesson1_exp_gradient("exp(1*x)")  # any way of writing it
    wrong = gl.exercises.lesson1_exp_gradient("x*exp(x)")
    assert not wrong and "differs" in wrong.message
    assert not gl.exercises.lesson1_exp_gradient(None).ok
    assert gl.exercises.lesson4_fourth_derivative(load("04_fourth_derivative.py")["my_fourth_derivative"])
    off = gl.exercises.lesson4_fourth_derivative("60*x**2")  # one derivative short
    assert not off
    _no_answer(off.message, "120")
    typo = gl.exercises.lesson4_fourth_derivative("120x")
    assert not typo and "could not be used" in typo.message


def test_lesson2_step_check_says_which_way_to_go():
    assert gl.exercises.lesson2_step(load("02_best_step.py")["my_step"])
    assert "smaller step" in gl.exercises.lesson2_step(1e-3).message
    assert "larger step" in gl.exercises.lesson2_step(1e-13).message
    assert "positive number" in gl.exercises.lesson2_step(-1e-8).message
    assert "positive number" in gl.exercises.lesson2_step("1e-8").message


def test_lesson3_fan_in_check():
    assert gl.exercises.lesson3_fan_in(load("03_fan_in.py")["my_adjoint"])
    single_use = gl.exercises.lesson3_fan_in(3.0)  # one use only: the classic slip
    assert not single_use and "too small" in single_use.message
    _no_answer(single_use.message, "6")
    assert "shape" in gl.exercises.lesson3_fan_in(np.array([6.0])).message


def test_lesson5_matmul_gradient_check_refuses_the_wrong_shape():
    x_value = np.array([1.0, 2.0, 3.0])
    assert gl.exercises.lesson5_matmul_gradient(load("05_matmul_gradient.py")["my_expected"], x_value)
    row = gl.exercises.lesson5_matmul_gradient(x_value, x_value)  # passes by broadcasting in allclose
    assert not row and "shape (3,)" in row.message
    swapped = gl.exercises.lesson5_matmul_gradient(np.tile(x_value[::-1], (2, 1)), x_value)
    assert not swapped and "index" in swapped.message
    _no_answer(swapped.message, "[1. 2. 3.]", "[[1")


def test_lesson8_rule_check_catches_a_rule_that_forgets_g():
    assert gl.exercises.lesson8_rule(load("08_softsign.py")["softsign"])
    forgetful = gl.register_op("SoftsignNoG", lambda v: v / (1 + np.abs(v)),
                               [lambda g, out, v: 1 / (1 + gl.abs(v)) ** 2])
    verdict = gl.exercises.lesson8_rule(forgetful)
    assert not verdict and "multiply by g" in verdict.message
    wrong = gl.register_op("SoftsignWrong", lambda v: v / (1 + np.abs(v)),
                           [lambda g, out, v: g / (1 + gl.abs(v))])
    assert not gl.exercises.lesson8_rule(wrong)
    assert not gl.exercises.lesson8_rule(None).ok
