"""Lesson 12 (a neural network from scratch): its solutions pass their self-checks, each
self-check fails fairly on wrong answers (the classic slips, wrong types and shapes) with a
message that does not give the right answer away, and the lesson's claims about the widget
hold: it trains the very network of the lesson, and the check of exercise 2 trains it too."""

import re
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

import gradlab as gl
from lesson_files import SOLUTIONS, load
from gradlab.show import exercises

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "12_a_neural_network_from_scratch.ipynb"




def notebook_cell(marker):
    """The source of the notebook's one code cell that starts with ``marker``."""
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    (source,) = [s for s in cells if s.startswith(marker)]
    return source


def has_number(message, value):
    """Does the message show ``value`` as a number of its own (not as part of another)?"""
    return re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", message) is not None


def test_the_solution_files_of_lesson12_exist():
    names = {p.name for p in SOLUTIONS.glob("12_*.py")}
    assert names == {"12_weight_count.py", "12_fast_training.py", "12_bias_gradient.py"}


# ---------------------------------------------------------------------------
# The lesson's network is the widget's network
# ---------------------------------------------------------------------------


def test_the_lessons_initial_weights_are_the_widgets():
    namespace = {"np": np}
    exec(notebook_cell("hidden = 8"), namespace)
    initial = namespace["initial"]
    net = gl.TwoLayerNetwork(hidden=8, seed=0)
    for variable, value in zip(net.weights, net.session.run(net.weights)):
        np.testing.assert_array_equal(value, initial[variable.name])


@pytest.mark.parametrize("hidden, rate", [(8, 0.03), (3, 0.3), (16, 0.15)])
def test_the_exercise_check_trains_exactly_what_the_widget_trains(hidden, rate):
    losses, right = exercises._lesson12_train(hidden, rate, 30)
    net = gl.TwoLayerNetwork(hidden, seed=0)
    X, y = gl.datasets.two_moons(200, noise=0.12, seed=0)
    assert losses == net.step(X, y, rate, 30)
    assert right == round(200 * net.accuracy(X, y))


def test_the_widget_status_agrees_with_the_solution_of_exercise_2():
    settings = load("12_fast_training.py")["my_settings"]
    w = gl.explore_training(hidden=settings["hidden"], learning_rate=settings["learning_rate"],
                            steps=50)
    w.run_button.value = True  # no event loop here: trains to the end of the bar at once
    assert "step 50 of 50" in w.status.value
    assert int(re.search(r"(\d+) of 200 points", w.status.value).group(1)) >= 198  # as the check asks


def test_pressing_train_after_a_finished_run_trains_a_new_network_to_the_end():
    w = gl.explore_training(steps=30)
    w.run_button.value = True
    first = list(w.losses)
    w.run_button.value = True  # the progress bar is full: start again, and train
    assert w.losses == first and w.progress.value == 30
    assert w.run_button.value is False and w.run_button.description == "▶ train"


def test_the_status_line_says_one_unit_not_one_units():
    assert "(1 unit per hidden layer, 7 weights)" in gl.explore_training(hidden=1).status.value


# ---------------------------------------------------------------------------
# Exercise 1: the number of weights and biases of a 2-h-h-1 network
# ---------------------------------------------------------------------------


def test_weight_count_solution_passes():
    result = gl.exercises.lesson12_weight_count(load("12_weight_count.py")["my_weight_count"])
    assert result.ok, result.message


def test_weight_count_agrees_with_the_networks_variables():
    for h in (1, 3, 8, 20):
        net = gl.TwoLayerNetwork(hidden=h)
        size = sum(v.size for v in net.session.run(net.weights))
        assert exercises._lesson12_parameter_count(h) == size


@pytest.mark.parametrize("answer", [lambda h: h * h + 5 * h + 1, lambda h: float((h + 5) * h + 1),
                                    lambda h: np.int64(h) ** 2 + 5 * np.int64(h) + 1])
def test_any_way_of_writing_the_count_passes(answer):
    assert gl.exercises.lesson12_weight_count(answer).ok


@pytest.mark.parametrize("answer, hint", [
    (lambda h: h * h + 5 * h, "bias of the output unit"),        # output bias forgotten
    (lambda h: h * h + 3 * h + 1, "a bias for every unit"),      # hidden biases forgotten
    (lambda h: h * h + 3 * h, "a bias for every unit"),          # no biases at all
    (lambda h: 4 * h + 1, "grow like h²"),                       # one hidden layer only
    (lambda h: 2 * h * h + 5 * h + 1, "the h² part of yours"),   # h² counted twice
    (lambda h: h * h + 5 * h + 3, "does not depend on h"),       # a constant too many
    (lambda h: h * h + 2 * h, "weights are missing too"),        # only W2 and the hidden biases
    (lambda h: h * h + 2 * h, "Count layer by layer"),
    (lambda h: h * h, "weights are missing too"),                # only the h x h matrix
    (lambda h: h * h + 6 * h + 1, "Count layer by layer"),       # no pattern: how to count
])
def test_weight_count_slips_fail_with_a_hint_and_no_answer(answer, hint):
    result = gl.exercises.lesson12_weight_count(answer)
    assert not result.ok and hint in result.message
    h = int(re.search(r"for h = (\d+)", result.message).group(1))
    assert not has_number(result.message, str(exercises._lesson12_parameter_count(h)))
    assert "5*h" not in result.message and "5h" not in result.message


def test_weight_count_missing_weights_are_not_blamed_on_the_biases():
    # h*h + 2h: short by 3h + 1, more than the biases could be; the hint says how to count
    # each layer (n_in × n_out weights, n_out biases), not what the total is
    message = gl.exercises.lesson12_weight_count(lambda h: h * h + 2 * h).message
    assert "a bias for every unit" not in message
    assert "n_in × n_out weights and n_out biases" in message and "2 → h, h → h and h → 1" in message
    assert not re.search(r"\d\s*\*?\s*h\s*\+", message)  # no piece of the formula, such as 3h + 1


def test_weight_count_says_which_way_it_is_off():
    assert "too small" in gl.exercises.lesson12_weight_count(lambda h: h * h).message
    assert "too large" in gl.exercises.lesson12_weight_count(lambda h: 3 * h * h + 9).message


def test_weight_count_checks_large_sizes_too():
    sneaky = lambda h: h * h + 5 * h + 1 if h <= 40 else 0  # noqa: E731
    result = gl.exercises.lesson12_weight_count(sneaky)
    assert not result.ok and "h = 64" in result.message


@pytest.mark.parametrize("answer, words", [
    (None, "not answered yet"),
    (105, "one number"),
    (105.0, "one number"),
    ("h*h + 5*h + 1", "function of h"),
    (lambda h: 1 / 0, "raised ZeroDivisionError"),
    (lambda h: np.array([h]), "one whole number"),
    (lambda h: True, "one whole number"),
    (lambda h: "105", "one whole number"),
    (lambda h: h * h + 5 * h + 1.5, "not a whole number"),
    (lambda h: float("nan"), "not a whole number"),
])
def test_weight_count_refuses_wrong_types_in_words(answer, words):
    result = gl.exercises.lesson12_weight_count(answer)
    assert not result.ok and words in result.message


# ---------------------------------------------------------------------------
# Exercise 2: settings that train fast
# ---------------------------------------------------------------------------


def test_fast_training_solution_passes():
    result = gl.exercises.lesson12_fast_training(load("12_fast_training.py")["my_settings"])
    assert result.ok, result.message


@pytest.mark.parametrize("settings", [{"hidden": 8, "learning_rate": 0.3},
                                      {"hidden": 32, "learning_rate": 0.05},
                                      {"hidden": np.int64(12), "learning_rate": np.float64(0.1)}])
def test_other_good_settings_pass_too(settings):
    assert gl.exercises.lesson12_fast_training(settings).ok


@pytest.mark.parametrize("settings, hint", [
    ({"hidden": 8, "learning_rate": 0.03}, "larger learning rate"),   # the lesson's: the plateau
    ({"hidden": 8, "learning_rate": 0.01}, "larger learning rate"),
    ({"hidden": 8, "learning_rate": 1.0}, "smaller learning rate"),
    ({"hidden": 16, "learning_rate": 0.5}, "smaller learning rate"),
    ({"hidden": 2, "learning_rate": 0.3}, "more units"),
    ({"hidden": 1, "learning_rate": 0.1}, "more units"),
])
def test_fast_training_failures_say_which_way(settings, hint):
    result = gl.exercises.lesson12_fast_training(settings)
    assert not result.ok and hint in result.message
    assert "of the 200 points" in result.message and "at least 198" in result.message


@pytest.mark.parametrize("settings, words", [
    (None, "not answered yet"),
    ((16, 0.15), "should be a dict"),
    ({"hidden": 16}, "no 'learning_rate'"),
    ({"learning_rate": 0.1}, "no 'hidden'"),
    ({"hidden": 16, "learning_rate": 0.15, "steps": 500}, "keys it should not: 'steps'"),
    ({"hidden": 16.0, "learning_rate": 0.15}, "whole number of units"),
    ({"hidden": True, "learning_rate": 0.15}, "whole number of units"),
    ({"hidden": 0, "learning_rate": 0.15}, "from 1 to 32"),
    ({"hidden": 64, "learning_rate": 0.15}, "from 1 to 32"),
    ({"hidden": 16, "learning_rate": 0}, "above 0"),
    ({"hidden": 16, "learning_rate": -0.1}, "above 0"),
    ({"hidden": 16, "learning_rate": 5.0}, "at most 1"),
    ({"hidden": 16, "learning_rate": float("inf")}, "above 0"),
    ({"hidden": 16, "learning_rate": "0.1"}, "must be a number"),
])
def test_fast_training_refuses_wrong_types_in_words(settings, words):
    result = gl.exercises.lesson12_fast_training(settings)
    assert not result.ok and words in result.message


# ---------------------------------------------------------------------------
# Exercise 3: dL/db1 of a one-unit network, by hand
# ---------------------------------------------------------------------------

TINY = dict(x=0.5, y=1.0, w1=2.0, b1=-0.5, w2=1.5, b2=0.25)


def tiny_parts():
    a = TINY["w1"] * TINY["x"] + TINY["b1"]
    u = np.tanh(a)
    z = TINY["w2"] * u + TINY["b2"]
    return a, u, 1 / (1 + np.exp(-z))


def right_gradient():
    def loss(b1):
        z = TINY["w2"] * gl.tanh(TINY["w1"] * TINY["x"] + b1) + TINY["b2"]
        return gl.softplus(z) - TINY["y"] * z
    return float(gl.grad(loss)(TINY["b1"]))


def test_bias_gradient_solution_passes_and_is_right():
    answer = load("12_bias_gradient.py")["my_gradient"]
    assert gl.exercises.lesson12_bias_gradient(answer).ok
    assert np.isclose(answer, right_gradient(), rtol=1e-12)


@pytest.mark.parametrize("digits", [3, 4, 6])
def test_bias_gradient_rounded_by_hand_passes(digits):
    right = right_gradient()
    rounded = float(f"{right:.{digits}g}")
    assert gl.exercises.lesson12_bias_gradient(rounded).ok


def slips():
    a, u, p = tiny_parts()
    y, w2, x = TINY["y"], TINY["w2"], TINY["x"]
    right = right_gradient()
    return [
        ((p - y) * w2, "slope of tanh"),
        ((p - y) * w2 * (1 - a**2), "not 1 - a²"),
        ((p - y) * w2 * (1 - u), "(squared)"),
        ((p - y) * (1 - u**2), "w2 is missing"),
        (p * w2 * (1 - u**2), "not sigmoid(z)"),
        (-right, "not y - sigmoid(z)"),
        (p - y, "dL/db2"),
        (right * x, "dL/dw1"),
    ]


@pytest.mark.parametrize("index", range(8))
def test_bias_gradient_slips_fail_with_their_hint_and_no_answer(index):
    wrong, hint = slips()[index]
    result = gl.exercises.lesson12_bias_gradient(wrong)
    assert not result.ok and hint in result.message
    right = right_gradient()
    for shown in (f"{right:.6g}", f"{right:.4g}", f"{right:.3g}"):
        assert not has_number(result.message, shown), shown


def test_bias_gradient_other_wrong_numbers_fail_saying_which_way():
    right = right_gradient()
    assert "too far from 0" in gl.exercises.lesson12_bias_gradient(right * 1.1).message
    assert "too close to 0" in gl.exercises.lesson12_bias_gradient(right * 0.9).message
    assert not gl.exercises.lesson12_bias_gradient(right * 1.01).ok  # beyond half a percent


@pytest.mark.parametrize("answer, words", [
    (None, "not answered yet"),
    ("-0.33", "should hold real numbers"),
    ([-0.33], "has shape (1,)"),
    (np.array([[-0.33]]), "has shape (1, 1)"),
])
def test_bias_gradient_refuses_wrong_types_in_words(answer, words):
    result = gl.exercises.lesson12_bias_gradient(answer)
    assert not result.ok and words in result.message
