"""Lesson 9 (forward mode and dual numbers): its solutions pass their self-checks, and each
self-check fails fairly on wrong answers (the classic slips, wrong types and shapes) with a
message that does not give the right answer away."""

from pathlib import Path

import nbformat
import numpy as np
import pytest

import gradlab as gl
from lesson_files import SOLUTIONS, load

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "09_forward_mode_and_dual_numbers.ipynb"




def notebook_duals():
    """The notebook's own Dual class and its sin, cos and exp, run from the notebook's cells
    (so the tests use exactly what a student has in the kernel)."""
    namespace = {"np": np, "gl": gl}
    cells = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells if c.cell_type == "code"]
    for marker in ("class Dual", "def sin(x)"):
        (source,) = [s for s in cells if s.startswith(marker)]
        exec(compile(source, str(NOTEBOOK), "exec"), namespace)
    return namespace


@pytest.fixture(scope="module")
def duals():
    return notebook_duals()


def fmt(value):
    return f"{value:.6g}"


# ---------------------------------------------------------------------------
# The notebook's Dual class itself
# ---------------------------------------------------------------------------


def test_the_notebooks_dual_class_differentiates_every_operation(duals):
    Dual, sin, cos, exp = duals["Dual"], duals["sin"], duals["cos"], duals["exp"]
    x = np.linspace(-2, 2, 41)
    d = Dual(x, np.ones_like(x))
    y = (exp(d) - 1) / (d * d + cos(d) + 2) + 3 / (2 + sin(d)) - d * 2 + 1 - d
    expected = gl.grad(lambda t: (gl.exp(t) - 1) / (t * t + gl.cos(t) + 2) + 3 / (2 + gl.sin(t))
                       - t * 2 + 1 - t)(x)
    np.testing.assert_allclose(y.tangent, expected, rtol=1e-12)
    assert repr(Dual(0.0, 1.0) * Dual(0.0, 1.0)) == "Dual(0, 0)"  # ε² = 0


def test_the_solution_files_of_lesson9_exist():
    names = {p.name for p in SOLUTIONS.glob("09_*.py")}
    assert names == {"09_dual_tanh.py", "09_jvp_by_hand.py", "09_choose_mode.py"}


# ---------------------------------------------------------------------------
# Exercise 1: tanh on dual numbers
# ---------------------------------------------------------------------------


def test_tanh_solution_passes(duals):
    my_tanh = load("09_dual_tanh.py", Dual=duals["Dual"])["my_tanh"]
    result = gl.exercises.lesson9_dual_tanh(my_tanh, duals["Dual"])
    assert result.ok, result.message


def test_tanh_built_from_dual_arithmetic_passes_too(duals):
    Dual, exp = duals["Dual"], duals["exp"]

    def via_exp(x):  # the class finds the rule by itself
        e = exp(2 * x)
        return (e - 1) / (e + 1)

    assert gl.exercises.lesson9_dual_tanh(via_exp, Dual)


def test_tanh_unanswered(duals):
    result = gl.exercises.lesson9_dual_tanh(None, duals["Dual"])
    assert not result and result.message.startswith("not answered yet")


@pytest.mark.parametrize("rule, says", [
    (lambda a, t: (1 - np.tanh(a)), "the tangent of"),           # the square forgotten
    (lambda a, t: (np.tanh(a) ** 2 - 1) * t, "wrong sign"),       # the sign turned
    (lambda a, t: t / np.cosh(a), "the tangent of"),              # sech, not sech²
    (lambda a, t: 1 - np.tanh(a) ** 2 + 0 * t, "multiply by that tangent"),  # chain rule forgotten
    (lambda a, t: (1 - np.tanh(a) ** 2) * t + 1e-3, "too large"),
])
def test_tanh_wrong_tangents_fail_without_the_answer(duals, rule, says):
    Dual = duals["Dual"]
    result = gl.exercises.lesson9_dual_tanh(lambda x: Dual(np.tanh(x.value), rule(x.value, x.tangent)),
                                            Dual)
    assert not result
    assert says in result.message
    # the first case the check tries that the rule gets wrong: the message shows yours there,
    # never the right tangent
    a, t = next((a, t) for t in (1.0, 2.5, -0.5) for a in (-1.7, -0.4, 0.3, 1.2)
                if not np.isclose(rule(a, t), (1 - np.tanh(a) ** 2) * t, rtol=1e-6, atol=1e-8))
    assert f"my_tanh(Dual({a}, {t}))" in result.message
    assert fmt((1 - np.tanh(a) ** 2) * t) not in result.message.replace(fmt(rule(a, t)), "")
    assert "1 - tanh" not in result.message and "cosh" not in result.message


def test_tanh_forgetting_the_incoming_tangent_gets_its_own_hint(duals):
    Dual = duals["Dual"]
    result = gl.exercises.lesson9_dual_tanh(lambda x: Dual(np.tanh(x.value), 1 - np.tanh(x.value) ** 2),
                                            Dual)
    assert not result and "right when the tangent coming in is 1" in result.message


def test_tanh_a_wrong_rule_gets_no_chain_rule_hint(duals):
    Dual = duals["Dual"]
    result = gl.exercises.lesson9_dual_tanh(lambda x: Dual(np.tanh(x.value), x.tangent), Dual)
    assert not result and "chain rule" not in result.message


def test_tanh_wrong_value_fails(duals):
    Dual = duals["Dual"]
    result = gl.exercises.lesson9_dual_tanh(
        lambda x: Dual(x.value, (1 - np.tanh(x.value) ** 2) * x.tangent), Dual)
    assert not result and "the value of" in result.message
    assert fmt(np.tanh(-1.7)) not in result.message


@pytest.mark.parametrize("answer, says", [
    (lambda x: np.tanh(x.value), "not a Dual"),
    (lambda x: (np.tanh(x.value), 1 - np.tanh(x.value) ** 2), "not a Dual"),
    (lambda x: x.nonsense, "raised AttributeError"),
    (lambda: 0.0, "raised TypeError"),
    (np.tanh(0.3), "must be a function"),
    ("tanh", "must be a function"),
])
def test_tanh_wrong_kinds_of_answer(duals, answer, says):
    result = gl.exercises.lesson9_dual_tanh(answer, duals["Dual"])
    assert not result and says in result.message


@pytest.mark.parametrize("make", [
    lambda Dual: lambda x: Dual(gl.tanh(x.value), (1 - gl.tanh(x.value) ** 2) * x.tangent),
    lambda Dual: lambda x: Dual(gl.tanh(x.value), (1 - np.tanh(x.value) ** 2) * x.tangent),
    lambda Dual: lambda x: Dual(np.tanh(x.value), (1 - gl.tanh(x.value) ** 2) * x.tangent),
    lambda Dual: lambda x: gl.tanh(x.value),                      # a bare graph node
    lambda Dual: lambda x: gl.tanh(x),                            # gradlab refuses a Dual
    lambda Dual: lambda x: Dual(float(gl.tanh(x.value)), x.tangent),  # a node has no number yet
])
def test_tanh_made_with_gl_tanh_is_told_to_use_plain_numbers(duals, make):
    result = gl.exercises.lesson9_dual_tanh(make(duals["Dual"]), duals["Dual"])
    assert not result
    assert "use np.tanh (or math.tanh) on x.value" in result.message, result.message
    # the hint, not the engine's own error text, and not the rule itself
    assert "np.stack" not in result.message and "has no value yet" not in result.message
    assert "1 - tanh" not in result.message


def test_tanh_applying_np_tanh_to_the_dual_itself_gets_a_hint(duals):
    result = gl.exercises.lesson9_dual_tanh(lambda x: np.tanh(x), duals["Dual"])
    assert not result and "apply np.tanh to x.value" in result.message, result.message


def test_tanh_check_needs_the_class(duals):
    my_tanh = load("09_dual_tanh.py", Dual=duals["Dual"])["my_tanh"]
    result = gl.exercises.lesson9_dual_tanh(my_tanh, duals["Dual"](1.0, 1.0))
    assert not result and "lesson9_dual_tanh(my_tanh, Dual)" in result.message


# ---------------------------------------------------------------------------
# Exercise 2: a Jacobian-vector product by hand
# ---------------------------------------------------------------------------


def test_jvp_solution_passes_and_agrees_with_gl_jvp():
    my_jvp = load("09_jvp_by_hand.py")["my_jvp"]
    assert gl.exercises.lesson9_jvp(my_jvp)
    _, right = gl.jvp(lambda p: np.stack([p[0] ** 2 * p[1], p[1] + np.sin(p[2])]),
                      (np.array([1.0, 2.0, 0.0]),), (np.array([3.0, -1.0, 2.0]),))
    np.testing.assert_allclose(my_jvp, right)


def test_jvp_accepts_a_list_and_integers():
    assert gl.exercises.lesson9_jvp([11, 1])


def test_jvp_unanswered():
    result = gl.exercises.lesson9_jvp(None)
    assert not result and result.message.startswith("not answered yet")


@pytest.mark.parametrize("answer, says", [
    (np.array([11.0, -1.0]), "wrong sign"),     # the cos(p2) term forgotten
    (np.array([12.0, 1.0]), "too large"),       # the -1 of v forgotten in the first entry
    (np.array([4.0, 1.0]), "too small"),        # the first column only (v ignored)
    (np.array([2.0, 2.0]), "off"),              # h(p), not J v
    (np.array([[4.0, 1.0, 0.0], [0.0, 1.0, 1.0]]), "the whole Jacobian J"),
    (np.array([4.0, 1.0, 0.0]), "one entry per output"),
    (np.array([11.0]), "shape"),
    ("11, 1", "real numbers"),
    (11.0, "shape"),
])
def test_jvp_slips_fail_without_the_answer(answer, says):
    result = gl.exercises.lesson9_jvp(answer)
    assert not result and says in result.message
    assert "[11" not in result.message and "11, 1" not in result.message


# ---------------------------------------------------------------------------
# Exercise 3: which mode?
# ---------------------------------------------------------------------------


def test_choose_mode_solution_passes():
    result = gl.exercises.lesson9_choose_mode(load("09_choose_mode.py")["my_choose_mode"])
    assert result.ok, result.message


@pytest.mark.parametrize("tie", ["forward", "reverse"])
def test_choose_mode_a_tie_may_go_either_way(tie):
    def choose(n, m):
        return tie if n == m else ("forward" if n < m else "reverse")

    assert gl.exercises.lesson9_choose_mode(choose)


def test_choose_mode_accepts_other_words_for_the_modes():
    assert gl.exercises.lesson9_choose_mode(lambda n, m: " Forward mode" if n < m else "backward")
    assert gl.exercises.lesson9_choose_mode(lambda n, m: "jacfwd" if n <= m else "jacrev")


def test_choose_mode_unanswered():
    result = gl.exercises.lesson9_choose_mode(None)
    assert not result and result.message.startswith("not answered yet")


@pytest.mark.parametrize("choose", [
    lambda n, m: "reverse" if n < m else "forward",   # the rule swapped
    lambda n, m: "reverse",                            # backpropagation always
    lambda n, m: "forward",
    lambda m, n: "forward" if n < m else "reverse",   # inputs and outputs swapped
])
def test_choose_mode_wrong_rules_fail_and_say_how_many(choose):
    result = gl.exercises.lesson9_choose_mode(choose)
    assert not result
    assert "cases are wrong" in result.message and "count the passes" in result.message
    assert "one pass per input" not in result.message  # the rule itself is not given away


def test_choose_mode_names_the_case_with_plurals_right():
    result = gl.exercises.lesson9_choose_mode(lambda n, m: "forward")
    assert "for 1,000,000 inputs and 1 output you chose forward mode" in result.message


@pytest.mark.parametrize("choose, says", [
    (lambda n, m: n < m, "return the text 'forward' or 'reverse'"),
    (lambda n, m: None, "returned None"),
    (lambda n, m: "sideways", "'sideways'"),
    (lambda n, m: 1 / 0, "raised ZeroDivisionError"),
    (lambda n: "forward", "raised TypeError"),
    ("forward", "must be a function"),
])
def test_choose_mode_wrong_kinds_of_answer(choose, says):
    result = gl.exercises.lesson9_choose_mode(choose)
    assert not result and says in result.message


# ---------------------------------------------------------------------------
# The benchmark the lesson quotes is in the repository
# ---------------------------------------------------------------------------


def test_the_quoted_benchmark_numbers_are_those_of_the_saved_run():
    results = ROOT / "bench" / "results" / "jacobians-2026-12-01.md"
    saved = {}
    for line in results.read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 10 and cells[1].isdigit():
            saved[(cells[0][0], int(cells[1]))] = cells
    assert len(saved) == 14 and "--rounds 5" in results.read_text()
    (text,) = [c.source for c in nbformat.read(NOTEBOOK, as_version=4).cells
               if "bench/jacobians.py --rounds 5" in c.source]
    assert "../bench/results/jacobians-2026-12-01.md" in text
    rows = [line for line in text.splitlines() if line.startswith("| 1")]
    assert len(rows) == 4
    for row in rows:
        n, f_ratio, g_ratio = [c.strip() for c in row.strip("|").split("|")]
        assert saved[("f", int(n))][6] == f_ratio and saved[("g", int(n))][6] == g_ratio
    assert f"{saved[('f', 1000)][9]} and {saved[('g', 1000)][9]}" in text  # JAX's, at n = 1000
    for (shape, n), cells in saved.items():  # the steps are the lesson's 8n + 3 and 12n + 5
        assert int(cells[2]) == (8 * n + 3 if shape == "f" else 13)
        assert int(cells[3]) == (9 if shape == "f" else 12 * n + 5)
