"""Lesson 13, "From TF1 to today": its self-checks, its solutions, the helper that runs
examples of other libraries (gradlab.show.other_libraries), and the recorded outputs of
those examples, checked against numpy and gradlab as far as can be done without the
libraries themselves (with them installed, the last test also re-runs every example)."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from pathlib import Path

import numpy as np
import pytest

import gradlab as gl
from gradlab.show import other_libraries, recorded_runs
from gradlab.show.other_libraries import libraries_here, run_if_installed, six_digits

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "notebooks" / "solutions"
LESSON = ROOT / "notebooks" / "13_from_tf1_to_today.ipynb"
RIGHT_KINDS = {"A": "graph", "B": "tape", "C": "trace", "D": "tape", "E": "trace", "F": "tape"}
RIGHT_TAPE = ["+", "*", "*", "tanh"]


def load(name: str) -> dict:
    """Run a solution file the way %load + run would, in a namespace like the notebook's."""
    namespace = {"np": np, "gl": gl}
    exec(compile((SOLUTIONS / name).read_text(), name, "exec"), namespace)  # our own files
    return namespace


def code_cells() -> list[dict]:
    cells = json.loads(LESSON.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def printed(cell: dict) -> str:
    return "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")


def examples_in_lesson() -> dict[str, tuple[str, str]]:
    """name -> (library, saved output) for every run_if_installed cell of the lesson."""
    found = {}
    for cell in code_cells():
        for library, name in re.findall(r'run_if_installed\("(\w+)", (\w+)\)', source(cell)):
            found[name] = (library, printed(cell))
    return found


def saved_output_of(fragment: str) -> str:
    """The saved stdout of the one gradlab cell whose source contains ``fragment``."""
    (cell,) = [c for c in code_cells() if fragment in source(c)]
    return printed(cell)


def numbers(line: str) -> np.ndarray:
    return np.array([float(v) for v in re.findall(r"-?\d+\.\d{6}", line)])


# -- the solutions pass, and the self-checks judge fairly ------------------------------------

def test_solutions_pass_their_checks():
    assert gl.exercises.lesson13_kinds(load("13_kinds.py")["my_kinds"])
    assert gl.exercises.lesson13_tape(load("13_tape.py")["my_tape"])
    assert gl.exercises.lesson13_translate(load("13_translate.py")["my_df"])


@pytest.mark.parametrize("check", [gl.exercises.lesson13_kinds, gl.exercises.lesson13_tape,
                                   gl.exercises.lesson13_translate])
def test_none_is_not_answered_yet(check):
    verdict = check(None)
    assert not verdict and verdict.message.startswith("not answered yet")


def test_kinds_accepts_other_spellings():
    answer = {"a": "Static graph", "b": " TAPE", "c": "tracing", "d": "tape", "e": "a trace",
              "f": "tape"}
    assert gl.exercises.lesson13_kinds(answer)


@pytest.mark.parametrize("letter", sorted(RIGHT_KINDS))
def test_kinds_names_the_wrong_letter_and_nothing_more(letter):
    messages = set()
    for wrong in {"graph", "tape", "trace"} - {RIGHT_KINDS[letter]}:
        verdict = gl.exercises.lesson13_kinds({**RIGHT_KINDS, letter: wrong})
        assert not verdict
        assert f"look again at {letter}." in verdict.message and "1 of 6 is not right" in verdict.message
        messages.add(verdict.message)
    assert len(messages) == 1  # both wrong answers get the same words: nothing is given away


@pytest.mark.parametrize("answer, words", [
    ({letter: "tape" for letter in RIGHT_KINDS}, "3 of 6 are not right: look again at A, C, E."),
    ({"A": "graph"}, "no answer for B, C, D, E, F"),
    ({**RIGHT_KINDS, "G": "tape"}, "names G"),
    ({**RIGHT_KINDS, "B": "eager"}, "the answer for B is 'eager'"),
    ({**RIGHT_KINDS, "B": 2}, "the answer for B is 2"),
    (["graph", "tape"], "should be a dictionary"),
    ("graph", "should be a dictionary"),
])
def test_kinds_says_what_is_wrong(answer, words):
    verdict = gl.exercises.lesson13_kinds(answer)
    assert not verdict and words in verdict.message


def test_tape_accepts_other_names():
    assert gl.exercises.lesson13_tape(("add", "mul", "MulBackward0", " TANH "))


@pytest.mark.parametrize("answer, words", [
    (["tanh", "*", "*", "+"], "order in which backward() replays"),
    (["*", "*", "tanh"], "has 3 operations, but the loop records more"),
    (["*", "*", "*", "tanh"], "entry 0 ('*') is not what runs there: which branch"),
    (["+", "+", "*", "tanh"], "entry 1 ('+') is not what runs there"),
    (["+", "*", "*", "*", "tanh"], "has 5 operations, but the loop records fewer"),
    (["tanh"], "has 1 operation, but the loop records more"),
    ([], "has 0 operations, but the loop records more"),
    (["+", "*", "*", "exp"], "the last one comes after the loop"),
    (["+", "<", "*", "*", "tanh"], "tests read y.data, a plain number"),
    (["+", "*", 2, "tanh"], "entry 2 of my_tape is 2"),
    ("+ * * tanh", "should be a list"),
    (4, "should be a list"),
])
def test_tape_says_what_is_wrong_without_the_answer(answer, words):
    verdict = gl.exercises.lesson13_tape(answer)
    assert not verdict and words in verdict.message
    assert str(RIGHT_TAPE) not in verdict.message and "'+', '*'" not in verdict.message


def test_the_tape_is_what_the_value_engine_records():
    """The check's answer comes from running lesson 11's engine; for another start it differs."""
    from gradlab.show.exercises import _lesson13_loop_tape

    assert _lesson13_loop_tape(0.9) == RIGHT_TAPE
    assert _lesson13_loop_tape(2.0) == ["*", "*", "tanh"]
    assert _lesson13_loop_tape(6.0) == ["tanh"]


def f13(x):
    return gl.exp(-x ** 2 / 2) * gl.sin(3 * x)


def test_translate_accepts_any_right_function():
    assert gl.exercises.lesson13_translate(gl.grad(lambda t: np.exp(-t ** 2 / 2) * np.sin(3 * t)))
    by_hand = gl.exercises.lesson13_translate(
        lambda t: np.exp(-t ** 2 / 2) * (3 * np.cos(3 * t) - t * np.sin(3 * t)))
    assert by_hand and "now try it with gl.grad" in by_hand.message


@pytest.mark.parametrize("answer, words", [
    (f13, "returns a graph node, not numbers"),
    (lambda t: np.exp(-t ** 2 / 2) * np.sin(3 * t), "values of y itself"),
    (gl.grad(f13)(np.linspace(0, 1, 5)), "holds numbers; give the function itself"),
    (1.5, "holds numbers"),
    ("exp(-x^2/2)*sin(3*x)", "should be a function, not a str"),
    (gl.grad(lambda t: np.sin(3 * t)), "differs at"),
    (gl.grad(lambda t: np.exp(-t ** 2 / 2) * np.sin(3 * t), argnum=0), None),  # right: no message
    (lambda t: 1 / 0, "raised ZeroDivisionError"),
    (lambda t: np.ones(2), "shape (2,)"),
])
def test_translate_says_what_is_wrong(answer, words):
    verdict = gl.exercises.lesson13_translate(answer)
    if words is None:
        assert verdict
        return
    assert not verdict and words in verdict.message


def test_translate_refuses_a_tensor():
    x = gl.placeholder(name="x")
    (dy,) = gl.gradients(f13(x), x)
    verdict = gl.exercises.lesson13_translate(dy)
    assert not verdict and "graph node" in verdict.message


# -- gradlab.show.other_libraries ------------------------------------------------------------

def test_six_digits_rounds_and_never_prints_minus_zero():
    assert six_digits([1, -0.41614684]) == " 1.000000 -0.416147"
    assert six_digits(np.array([[-6e-17], [2.0]])) == " 0.000000  2.000000"
    assert six_digits(3.0) == " 3.000000"

    class ArrayLike:  # a tensor of another library: it converts itself with __array__
        def __array__(self, dtype=None, copy=None):
            return np.array([0.5, -1e-9])

    assert six_digits(ArrayLike()) == " 0.500000  0.000000"


def example_missing():
    print("this never runs")


def test_a_missing_library_prints_the_recording(monkeypatch, capsys):
    monkeypatch.setitem(recorded_runs.OUTPUTS, "example_missing", ("nolib_xyz", "line 1\nline 2\n"))
    run_if_installed("nolib_xyz", example_missing)
    assert capsys.readouterr().out == "line 1\nline 2\n"


def test_a_missing_recording_says_so(monkeypatch, capsys):
    monkeypatch.delitem(recorded_runs.OUTPUTS, "example_missing", raising=False)
    run_if_installed("nolib_xyz", example_missing)
    assert "example_missing has no recorded output for nolib_xyz" in capsys.readouterr().out
    monkeypatch.setitem(recorded_runs.OUTPUTS, "example_missing", ("torch", "other library\n"))
    run_if_installed("nolib_xyz", example_missing)  # a recording of another library is not used
    assert "no recorded output" in capsys.readouterr().out


def example_live():
    import json as library

    print("ran with", library.__name__)


def test_an_installed_library_runs_the_example(monkeypatch, capsys):
    monkeypatch.setitem(recorded_runs.OUTPUTS, "example_live", ("json", "the old recording\n"))
    monkeypatch.setitem(other_libraries.QUIET, "json", {"GRADLAB_TEST_QUIET": "1"})
    monkeypatch.delenv("GRADLAB_TEST_QUIET", raising=False)
    run_if_installed("json", example_live)
    assert capsys.readouterr().out == "ran with json\n"
    import os

    assert os.environ["GRADLAB_TEST_QUIET"] == "1"  # set before the example ran


def test_recording_keeps_what_examples_print(capsys):
    with other_libraries.recording() as recorded:
        run_if_installed("json", example_live)
        with pytest.raises(ValueError, match="two examples are called 'example_live'"):
            run_if_installed("json", example_live)
        with pytest.raises(LookupError, match="nolib_xyz is not installed"):
            run_if_installed("nolib_xyz", example_missing)
    assert recorded == {"example_live": ("json", "ran with json\n")}
    assert capsys.readouterr().out == "ran with json\n"  # still printed while recorded
    assert other_libraries._recording is None  # and recording is over


def test_installed_and_version_of():
    assert other_libraries.installed("numpy") and not other_libraries.installed("nolib_xyz")
    assert not other_libraries.installed("nolib_xyz.sub")
    assert other_libraries.version_of("numpy") == np.__version__
    assert other_libraries.version_of("nolib_xyz") is None


def test_libraries_here_says_which_way_each_goes(monkeypatch):
    monkeypatch.setitem(recorded_runs.VERSIONS, "nolib_xyz", "9.9")
    text = repr(libraries_here("numpy", "nolib_xyz", "nolib_abc"))
    assert f"numpy      {np.__version__} is installed: its examples run here" in text
    assert "nolib_xyz  not installed: its examples print their recording (made with 9.9)" in text
    assert text.endswith("nolib_abc  not installed: its examples print their recording")
    assert [row[0] for row in libraries_here().rows] == ["torch", "jax", "tensorflow"]


def test_gradlab_never_imports_the_other_libraries():
    """They are looked for with find_spec, never imported, and no dependency names them."""
    for path in (ROOT / "gradlab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not {n.split(".")[0] for n in names} & {"torch", "jax", "tensorflow"}, path
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    dependencies = pyproject.split("dependencies = [", 1)[1].split("]", 1)[0]
    assert not re.search(r"torch|jax|tensorflow", dependencies)


# -- the recordings, against the notebook, numpy and gradlab ---------------------------------

def test_every_example_of_the_lesson_is_recorded_and_saved_as_recorded():
    examples = examples_in_lesson()
    assert len(examples) == 12
    assert set(examples) == set(recorded_runs.OUTPUTS)  # none missing, none stale
    for name, (library, saved) in examples.items():
        assert recorded_runs.OUTPUTS[name] == (library, saved), name


def test_the_recording_names_its_versions():
    versions = recorded_runs.VERSIONS
    assert versions["torch"].startswith("2.13.0")
    assert {"python", "numpy", "jax", "jaxlib", "tensorflow"} <= set(versions)


def test_the_libraries_printed_cos_for_the_gradient_of_sin():
    points = np.linspace(0, 3, 7)
    gradlab_lines = saved_output_of("(dy_dx,) = gl.gradients(y, x)").splitlines()
    assert gradlab_lines[1] == "cos(x)          " + six_digits(np.cos(points))
    assert gradlab_lines[2] == "gradient of sin " + six_digits(np.cos(points))
    for name in ("torch_sin", "jax_sin", "tf_sin"):
        line = recorded_runs.OUTPUTS[name][1]
        assert line == gradlab_lines[2] + "\n", name
        np.testing.assert_allclose(numbers(line), np.cos(points), atol=5e-7)


def test_the_libraries_made_the_same_training_step():
    """One step of gradient descent from W = 0, b = 0, written out with numpy: the cost is
    mean(y**2), dcost/dW = -2 mean(x y) and dcost/db = -2 mean(y)."""
    rng = np.random.default_rng(0)
    xs = rng.uniform(0, 1, (100, 1))
    ys = 3 * xs + 2 + rng.normal(0, 0.1, (100, 1))
    W, b = 0.5 * 2 * np.mean(xs * ys), 0.5 * 2 * np.mean(ys)
    expected = (f"cost before {six_digits(np.mean(ys ** 2))}\n"
                f"new W       {six_digits(W)}   new b {six_digits(b)}\n")
    assert saved_output_of("GradientDescentOptimizer(rate)") == expected
    for name in ("torch_step", "jax_step", "tf_step"):
        assert recorded_runs.OUTPUTS[name][1] == expected, name


def test_the_tapes_and_traces_recorded():
    a = 0.5
    slope = six_digits(2 * a * (1 - np.tanh(a * a) ** 2) + 1)
    value_lines = saved_output_of("a = gl.micro.Value(0.5)").splitlines()
    assert value_lines == ["recorded, in order: ['*', 'tanh', '+']", f"d out / d a = {slope}"]
    torch_lines = recorded_runs.OUTPUTS["torch_tape"][1].splitlines()
    assert torch_lines[0].split(" <- ")[:3] == ["AddBackward0", "TanhBackward0", "MulBackward0"]
    assert torch_lines[1] == value_lines[1]
    # a trace runs f once per shape (gradlab and jax.jit alike, then once for make_jaxpr);
    # a tape runs it on every call
    assert saved_output_of("df = gl.grad(f)\n").count("f runs") == 2
    jax_trace = recorded_runs.OUTPUTS["jax_trace"][1]
    assert jax_trace.count("f runs") == 3 and "sin a" in jax_trace and "mul b a" in jax_trace
    assert recorded_runs.OUTPUTS["torch_calls"][1].count("f runs") == 3


def test_every_library_agrees_on_the_if():
    both = six_digits([np.cos(1.0), -2.0])
    assert f"gl.cond:    {both}" in saved_output_of("gl.cond(t > 0")
    assert saved_output_of('print("gl.grad(f):"') == f"gl.grad(f): {both}\n"
    assert recorded_runs.OUTPUTS["torch_if"][1] == f"torch:      {both}\n"
    jax_lines = recorded_runs.OUTPUTS["jax_if"][1].splitlines()
    assert jax_lines[0].endswith(both) and jax_lines[2].endswith(both)
    assert "refused" in jax_lines[1]
    tf_lines = recorded_runs.OUTPUTS["tf_if"][1].splitlines()
    assert tf_lines[0].endswith(both) and tf_lines[1].endswith(both)
    assert tf_lines[2] == "its graph holds an If op: True"


def test_recorded_runs_is_exactly_what_the_script_writes():
    """recorded_runs.py is generated: rendering its contents again gives the same file."""
    spec = importlib.util.spec_from_file_location("record_lesson13", ROOT / "scripts" / "record_lesson13.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    text = script.render(recorded_runs.VERSIONS, recorded_runs.OUTPUTS)
    assert (ROOT / "gradlab" / "show" / "recorded_runs.py").read_text(encoding="utf-8") == text
    namespace: dict = {}
    exec(compile(text, "recorded_runs.py", "exec"), namespace)
    assert namespace["OUTPUTS"] == recorded_runs.OUTPUTS
    assert script.render({}, {"e": ("lib", "")}).count("''") == 1  # an example that printed nothing


# Where torch, jax and tensorflow are installed, `python scripts/record_lesson13.py --check`
# runs the lesson's cells and compares what each example prints with its recording.


# ---------------------------------------------------------------------------
# The second half's prerequisite tables agree with the lessons they name
# ---------------------------------------------------------------------------


def _time_to_complete(path: Path) -> int:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "".join(source(c) for c in cells if c["cell_type"] == "markdown")
    return int(re.search(r"\*\*Time to complete this lesson:\*\* (\d+) minutes", text).group(1))


@pytest.mark.parametrize("number", ["09", "10", "11", "12", "13"])
def test_prerequisite_times_are_the_lessons_own(number):
    (path,) = (ROOT / "notebooks").glob(f"{number}_*.ipynb")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    rows = re.findall(r"^\| \[Lesson \d+\]\((\d\d_[\w]+\.ipynb)\)[^|]*\| \w+ \| (\d+) minutes \|$",
                      source(cells[0]), flags=re.MULTILINE)
    assert rows, "no prerequisite rows found"
    for name, minutes in rows:
        assert int(minutes) == _time_to_complete(ROOT / "notebooks" / name), (path.name, name)


def test_lesson12_takes_what_the_index_says():
    assert _time_to_complete(ROOT / "notebooks" / "12_a_neural_network_from_scratch.ipynb") == 45
