"""gl.parse: what it reads, what it refuses, and the Expression it returns."""

import builtins
import contextlib
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gradlab as gl
from gradlab.show.expr import FUNCTIONS

X = np.linspace(0.5, 3.0, 11)


@pytest.mark.parametrize("text, reference", [
    ("-x**2", lambda x: -(x**2)),
    ("-x^2", lambda x: -(x**2)),
    ("2^3^2 + 0*x", lambda x: 2.0**9 + 0 * x),
    ("2**3**2 + 0*x", lambda x: 2.0**9 + 0 * x),
    ("x^2 + 1", lambda x: x**2 + 1),
    ("1 - x - x", lambda x: 1 - x - x),
    ("x / 2 / 4", lambda x: x / 8),
    ("2*x**-1", lambda x: 2 / x),
    ("(x + 1)*(x - 1)", lambda x: x * x - 1),
    ("sin(x)*exp(-x/5)", lambda x: np.sin(x) * np.exp(-x / 5)),
    ("log(1 + x^2) * tanh(x)", lambda x: np.log(1 + x**2) * np.tanh(x)),
    ("sqrt(abs(x - 2))", lambda x: np.sqrt(np.abs(x - 2))),
    ("maximum(x, 2) + minimum(x, 1)", lambda x: np.maximum(x, 2) + np.minimum(x, 1)),
    ("pi * x + e", lambda x: np.pi * x + np.e),
    ("e^x", np.exp),
    ("sigmoid(x) + softplus(x) + relu(x - 1)",
     lambda x: 1 / (1 + np.exp(-x)) + np.log1p(np.exp(x)) + np.maximum(x - 1, 0)),
    ("1e-3 * x + .5", lambda x: 1e-3 * x + 0.5),
    ("  +x  ", lambda x: x),
    ("arcsin(x/4) + arctan(x) + cosh(x) - sinh(x) + log1p(x) + square(x) + tan(x/2)",
     lambda x: np.arcsin(x / 4) + np.arctan(x) + np.cosh(x) - np.sinh(x) + np.log1p(x)
     + x**2 + np.tan(x / 2)),
])
def test_formulas_evaluate_with_python_precedence_and_caret_as_power(text, reference):
    np.testing.assert_allclose(gl.parse(text)(X), reference(X), rtol=1e-12)


def test_the_formula_text_round_trips_through_the_parser():
    for text in ["a*sin(b*x)", "x**3 - 2*x + 1", "exp(-x/5)*cos(3*x)", "1/(1 + x**2)",
                 "sqrt(x)*log(x)", "tanh(x)**2", "-x**2"]:
        first = gl.parse(text)
        again = gl.parse(str(first))
        params = {p: 1.3 for p in first.parameters}
        np.testing.assert_allclose(again(X, **params), first(X, **params), rtol=1e-12)
        assert str(gl.parse(str(again))) == str(again)


def test_expression_api():
    f = gl.parse("a*sin(b*x)")
    assert f.variable == "x" and f.parameters == ["a", "b"]
    assert isinstance(f.tensor, gl.Tensor)
    assert repr(f) == "Expression('a*sin(b*x)')"
    assert str(f.derivative()) == "a*b*cos(b*x)"
    assert f.derivative().to_latex() == r"a b \cos\left(b x\right)"
    assert f.derivative()._repr_latex_() == r"$$a b \cos\left(b x\right)$$"
    assert repr(f.derivative(2)) == "Expression('a*sin(b*x)').derivative(2)"
    assert f.derivative().derivative() is f.derivative(2)
    np.testing.assert_allclose(f(X, a=2, b=3), 2 * np.sin(3 * X))
    np.testing.assert_allclose(f.derivative(2)(X, a=2, b=3), -18 * np.sin(3 * X))
    value, slope = f.evaluate(X, (0, 1), a=2, b=3)
    np.testing.assert_allclose(slope, 6 * np.cos(3 * X))
    assert f(1.0, a=1, b=1).shape == ()


def test_expression_errors_name_the_parameter():
    f = gl.parse("a*sin(x)")
    with pytest.raises(gl.ExpressionError, match="parameter 'a' needs a value"):
        f(X)
    with pytest.raises(gl.ExpressionError, match="did you mean 'a'"):
        f(X, a=1, aa=2)


def test_other_variable_names_and_constant_formulas():
    g = gl.parse("t**2 + k", variable="t")
    assert g.variable == "t" and g.parameters == ["k"]
    np.testing.assert_allclose(g.derivative()(X, k=5), 2 * X)
    c = gl.parse("3")
    np.testing.assert_array_equal(c(X), np.full_like(X, 3.0))
    np.testing.assert_array_equal(c.derivative()(X), np.zeros_like(X))


def test_error_messages_show_a_caret_and_suggest_names():
    with pytest.raises(gl.ExpressionError) as err:
        gl.parse("sine(x)")
    assert str(err.value) == "unknown function 'sine'; did you mean 'sin'?\n  sine(x)\n  ^^^^"
    assert isinstance(err.value, ValueError)
    with pytest.raises(gl.ExpressionError) as err:
        gl.parse("x^2 + cosh(x) + sqr(x)")
    assert err.value.position == 16 and "did you mean 'sqrt'" in err.value.reason
    with pytest.raises(gl.ExpressionError) as err:
        gl.parse("x + y.real")
    assert err.value.position == 4


HOSTILE = [
    # attribute access and dunder names
    "x.__class__", "x.__class__.__bases__", "().__class__", "x.real", "sin.__globals__",
    "__import__('os')", "__builtins__", "_x + 1", "x.__dict__",
    # calls that are not gradlab functions
    "eval('1')", "exec('import os')", "open('/etc/passwd')", "getattr(x, 'y')", "compile('1','','eval')",
    "globals()", "vars()", "print(x)", "input()", "breakpoint()", "sin(x)(x)",
    # other syntax
    "lambda: 1", "lambda x: x", "[x for x in range(9)]", "{x for x in y}", "{1: 2}",
    "(x for x in y)", "f'{x}'", "'abc'", "b'abc'", "x if x else 1", "(y := 2)", "x[0]",
    "x[0:1]", "[1, 2]", "(1, 2)", "{1}", "x and y", "x or y", "not x", "x < 1", "x == 1",
    "x is None", "x in y", "~x", "x // 2", "x % 2", "x @ y", "x << 2", "x | y", "x & y",
    "await x", "*x", "...", "None", "True", "1j", "sin(x=1)", "sin(*x)", "sin(**x)",
    # statements and multiple lines
    "import os", "from os import system", "x = 1", "del x", "pass", "x; y", "x\ny",
    "raise Exception", "assert x", "global x", "def f(): pass", "class A: pass", "for x in y: pass",
    # resource exhaustion
    "9**9**9", "10**400", "1e999999", "1" * 400, "(" * 100 + "x" + ")" * 100,
    "-" * 400 + "x", "x" * 600, "sin(" * 60 + "x" + ")" * 60, "exp(exp(exp(1000)))",
    "1/0", "0/0", "log(0)",
    # bad characters and empty input
    "", "   ", "x\x00", "x ± 1", "sin(x)\u200b", "√x", "x²", "\\x",
    # wrong arity
    "sin()", "sin(x, 1)", "maximum(x)",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_is_refused_quickly_with_no_side_effect(text, monkeypatch):
    calls = []
    for name in ("eval", "exec", "compile", "__import__", "open"):
        original = getattr(builtins, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            if _name != "compile" or not (len(args) > 2 and args[2] == "eval" and kwargs.get("flags")):
                calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(builtins, name, spy)
    def refused():
        with pytest.raises(gl.ExpressionError):
            gl.parse(text)

    work = counting_calls(refused)
    monkeypatch.undo()
    assert work < MAX_PARSE_CALLS
    assert [c for c in calls if c in ("eval", "exec", "open")] == []


def test_there_are_at_least_forty_hostile_inputs():
    assert len(HOSTILE) >= 40


@contextlib.contextmanager
def watching_builtins():
    """Record any call of eval, exec, open or __import__ made while parsing."""
    calls = []
    originals = {name: getattr(builtins, name) for name in ("eval", "exec", "open", "__import__")}

    def spy(name):
        def call(*args, **kwargs):
            calls.append(name)
            return originals[name](*args, **kwargs)
        return call

    for name in originals:
        setattr(builtins, name, spy(name))
    try:
        yield calls
    finally:
        for name, original in originals.items():
            setattr(builtins, name, original)


# The parser's work is counted in Python function calls, not seconds, so the bound is the
# same on any machine under any load. An 80-character formula takes at most about 2,000
# calls; a parser with exponential behaviour would blow far past this bound.
MAX_PARSE_CALLS = 20_000


def counting_calls(action):
    """Run ``action()``; return how many Python function calls it made."""
    count = [0]

    def profile(frame, event, arg):
        if event == "call":
            count[0] += 1

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return count[0]


def parse_watched(text):
    """Parse ``text``; return (Python calls made, builtins called). Only ExpressionError may escape."""
    def parse():
        try:
            gl.parse(text)
        except gl.ExpressionError:
            pass

    with watching_builtins() as calls:
        work = counting_calls(parse)
    return work, calls


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80))
def test_fuzz_only_expression_error_escapes(text):
    work, calls = parse_watched(text)
    assert work < MAX_PARSE_CALLS
    assert calls == []  # no eval, exec, open, and no imports


GRAMMAR = st.recursive(
    st.sampled_from(["x", "a", "b", "2", "0.5", "1e-3", "pi", "e", "0"]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**", "^"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(st.sampled_from(sorted(FUNCTIONS)), inner).map(
            lambda t: f"{t[0]}({t[1]})" if FUNCTIONS[t[0]][1] == 1 else f"{t[0]}({t[1]}, x)"),
        inner.map(lambda s: f"-{s}"),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(GRAMMAR, st.integers(0, 200), st.sampled_from(list("()+-*/^.,[]_'\"x9 :=@")))
def test_fuzz_grammar_and_mutations(text, where, char):
    """Valid formulas parse (or are refused for a stated reason); mutated ones never crash."""
    for candidate in (text, text[:where] + char + text[where:], text[:where] + text[where + 1:]):
        work, calls = parse_watched(candidate)
        assert work < MAX_PARSE_CALLS and calls == []
        try:
            f = gl.parse(candidate)
        except gl.ExpressionError:
            continue
        params = {p: 1.5 for p in f.parameters}
        with np.errstate(all="ignore"):
            f.evaluate(X, (0, 1), **params)


@pytest.mark.parametrize("variable", ["2x", "a b", "", "x-y", "_x", 3, None])
def test_the_variable_must_be_a_plain_name(variable):
    with pytest.raises(gl.ExpressionError, match="plain name"):
        gl.parse("x + 1", variable=variable)


@pytest.mark.parametrize("text, caret", [("x << 2", 2), ("x & 1", 2), ("x @ x", 2), ("x % 2", 2),
                                         ("x // 2", 2), ("not x", 0), ("~x", 0)])
def test_operators_that_are_not_allowed_are_refused_with_a_caret(text, caret):
    with pytest.raises(gl.ExpressionError) as err:
        gl.parse(text)
    assert err.value.position is not None and abs(err.value.position - caret) <= 2


def test_tabs_are_spaces_and_control_characters_are_refused():
    assert gl.parse("x\t+\t1")(2.0) == 3.0
    for bad in ("x\x00", "x + \x07", "\x1bx"):
        with pytest.raises(gl.ExpressionError, match="not allowed"):
            gl.parse(bad)


@pytest.mark.parametrize("open_, close, kind", [("[", "]", "lists"), ("{", "}", "sets")])
def test_square_and_curly_brackets_count_for_nesting_one_level_each(open_, close, kind):
    # 30 levels are within the limit of 40, so the refusal is about what they are
    nested = open_ * 30 + "x" + close * 30
    with pytest.raises(gl.ExpressionError, match=f"{kind} are not allowed"):
        gl.parse(nested)
    # and a closing bracket closes: 25 pairs one after another are 1 level deep, not 50
    pairs = " + ".join([f"{open_}x{close}"] * 25)
    with pytest.raises(gl.ExpressionError, match=f"{kind} are not allowed"):
        gl.parse(pairs)
    with pytest.raises(gl.ExpressionError, match="too many nested brackets"):
        gl.parse(open_ * 41 + "x" + close * 41)


@pytest.mark.parametrize("text", ["2 * * x", "(x + )", "sin(x) ** / 2"])
def test_leading_spaces_move_the_caret_with_the_text(text):
    positions = []
    for pad in (0, 3):
        with pytest.raises(gl.ExpressionError) as err:
            gl.parse(" " * pad + text)
        positions.append(err.value.position)
    assert positions[0] is not None and positions[1] == positions[0] + 3
