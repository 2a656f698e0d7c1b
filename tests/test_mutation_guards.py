"""General tests that fail when a rule, a rewrite or a plan pass is subtly wrong.

They were written against the survivors of ``scripts/mutate.py`` (small planted bugs that
no test noticed), but each one checks a property, not a particular bug:

* every build-time rewrite gives numpy's values, in float64 and float32, and the
  simple formula it promises;
* every elementwise op, at ``-u`` and at ``2u``, gives the same f, f' and f'' through
  the compiled plan as through the reference evaluator (signs carried through odd and
  even functions, factors through powers);
* second derivatives through reductions with axes, broadcasting, reshapes and matrix
  products equal central differences of the first derivative;
* plans on large arrays, in float32 and on views, leave feeds and constants alone, and
  fetched arrays belong to the caller;
* the compiled function is what runs, not a silent fallback to the interpreter;
* a sum such as 1 - x*x that is exactly 0 keeps numpy's +0 under a division (so
  arcsin'(1) is +inf, not -inf);
* the checks catch a derivative that is off by 1e-4 relative and name the worst x.
"""

import numpy as np
import pytest

import gradlab as gl
from gradlab.compile.plan import Plan
from gradlab.core import array_ops
from gradlab.core import ops as core_ops
from gradlab.core.graph import toposort
from gradlab.show.expr import MAX_LENGTH
from invariants import assert_static_facts_hold

RNG = np.random.default_rng(7)
VALUES = np.concatenate([RNG.uniform(-3, 3, 7), [-1.0, 0.5, 2.0]])


def _run(fetches, feeds):
    with gl.Session() as session:
        return session.run(fetches, feeds)


# -- build-time rewrites -------------------------------------------------------------------

REWRITES = [  # (build, numpy, the formula the rewrite promises)
    (lambda a, b: 0 + a, lambda a, b: a, "a"),
    (lambda a, b: a + 0, lambda a, b: a, "a"),
    (lambda a, b: a + (-b), lambda a, b: a - b, "a - b"),
    (lambda a, b: (-a) + b, lambda a, b: b - a, "b - a"),
    (lambda a, b: a - 0, lambda a, b: a, "a"),
    (lambda a, b: 0 - a, lambda a, b: -a, "-a"),
    (lambda a, b: a - (-b), lambda a, b: a + b, "a + b"),
    (lambda a, b: 1 * a, lambda a, b: a, "a"),
    (lambda a, b: a * 1, lambda a, b: a, "a"),
    (lambda a, b: -1 * a, lambda a, b: -a, "-a"),
    (lambda a, b: a * -1, lambda a, b: -a, "-a"),
    (lambda a, b: a * 2, lambda a, b: 2 * a, "2*a"),
    (lambda a, b: 2 * (3 * a), lambda a, b: 6 * a, "6*a"),
    (lambda a, b: a / 1, lambda a, b: a, "a"),
    (lambda a, b: -(-a), lambda a, b: a, "a"),
    (lambda a, b: a**1, lambda a, b: a, "a"),
    (lambda a, b: (a**2) ** 3, lambda a, b: a**6, "a**6"),
    (lambda a, b: (a * b) * 1 - 0, lambda a, b: a * b, "a*b"),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("build, reference, text", REWRITES)
def test_every_rewrite_keeps_numpys_values_and_gives_its_formula(build, reference, text, dtype):
    a = gl.placeholder(dtype, name="a")
    b = gl.placeholder(dtype, name="b")
    y = build(a, b)
    assert gl.formula(y) == text
    promised = gl.parse(text, variable="a").tensor  # built the short way: as few nodes
    assert len(toposort([y])) == len(toposort([promised])), [n.op.name for n in toposort([y])]
    av, bv = VALUES.astype(dtype), VALUES[::-1].astype(dtype)
    got = _run(y, {a: av, b: bv})
    np.testing.assert_allclose(got, reference(av, bv), rtol=1e-6 if dtype == np.float32 else 1e-15)
    assert np.asarray(got).dtype == dtype


def test_folded_constants_and_their_dtypes():
    x = gl.placeholder(np.float32, name="x")
    assert gl.formula(2 * x * 3) == "6*x"
    y = (2.0 + 3.0) * x
    assert y.dtype == np.float32 and gl.formula(y) == "5*x"
    assert (gl.constant(2.0) * 3).value == 6.0
    assert (gl.constant(8.0) / 2 - 1).value == 3.0


FOLDS = [  # (built from constants, its value, what kind of number it stays)
    (lambda: gl.constant(200) * 3, 600, int),  # Python ints stay ints ...
    (lambda: gl.constant(2**52) * 2, 2**53, int),  # ... while float64 holds them exactly
    (lambda: gl.constant(2**53) * 2, 2.0**54, float),
    (lambda: gl.constant(3**20) * 3**14, float(3**20) * float(3**14), float),
    (lambda: gl.constant(2.0) * 3, 6.0, float),  # a float stays a float, whole or not
    (lambda: gl.constant(7) / 2, 3.5, float),
    (lambda: gl.where(gl.constant(True), 2, 3.5), 2.0, float),  # the condition only chooses
    (lambda: gl.constant(np.float32(2.0)) * 3, np.float32(6.0), np.float32),  # strong stays strong
    (lambda: gl.constant(np.int8(100)) + 1, np.int8(101), np.int8),
]


@pytest.mark.parametrize("k", range(len(FOLDS)))
def test_constants_fold_to_numbers_of_the_right_kind(k):
    """Python numbers fold like Python numbers (weak: they take the other operand's dtype
    later); numpy scalars keep their dtype; ints beyond 2**53 become floats."""
    build, value, kind = FOLDS[k]
    node = build()
    assert node.op.name == "Const"
    folded = node.attrs["value"]
    assert folded == value
    if kind in (int, float):
        assert node.attrs["weak"] and type(folded) is kind, (folded, type(folded))
        x32 = gl.placeholder(np.float32, name="x32")
        assert (node * x32).dtype == np.float32  # a Python number does not widen float32
    else:
        assert not node.attrs["weak"] and node.dtype == np.dtype(kind)


# -- every op at -u and 2u, through the compiled plan -------------------------------------

UNARY = {
    "sin": gl.sin, "cos": gl.cos, "tan": gl.tan, "arctan": gl.arctan, "sinh": gl.sinh,
    "cosh": gl.cosh, "tanh": gl.tanh, "exp": gl.exp, "square": gl.square, "abs": gl.abs,
    "sigmoid": gl.sigmoid, "softplus": gl.softplus, "relu": gl.relu,
    "cube": lambda u: u**3, "fourth": lambda u: u**4, "inverse": lambda u: u**-1,
    "arcsin": lambda u: gl.arcsin(u / 4), "arccos": lambda u: gl.arccos(u / 4),
    "log": lambda u: gl.log(1 + u**2), "log1p": lambda u: gl.log1p(u**2),
    "sqrt": lambda u: gl.sqrt(1 + u**2),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("shape", [(9,), (2**14 + 3,)], ids=["small", "large"])
def test_every_op_at_minus_u_and_2u_agrees_with_the_reference(name, shape):
    f = UNARY[name]
    x = gl.placeholder(name="x")
    fetches = []
    # u is never 0, so inverse and abs are smooth here. The plan compiler carries the sign
    # of -u differently for a sum (a new sum) and a product (a factor -1 on the product),
    # so both kinds are checked.
    for u in (0.4 + 0.3 * gl.sin(x), gl.exp(x / 4) * gl.cos(x / 3)):
        for y in (f(-u), f(2 * u), f(-(2 * u)) + 3 * f(u) * f(-u), f(-u) * x):
            (d1,) = gl.gradients(y, x)
            (d2,) = gl.gradients(d1, x)
            fetches += [y, d1, d2]
    points = np.linspace(-2.0, 2.0, shape[0])
    want = gl.evaluate(fetches, {x: points})
    got = _run(fetches, {x: points})
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


# -- second derivatives through the shape bookkeeping --------------------------------------

def _second_derivative_matches_differences(build, x_value, extra=None):
    """H v from gradients of gradients against central differences of gradlab's gradient."""
    x = gl.placeholder(name="x")
    feeds = dict(extra or {})
    y = build(x, feeds)
    (g,) = gl.gradients(y, x)
    v = RNG.normal(size=np.shape(x_value))
    (hv,) = gl.gradients(gl.reduce_sum(g * v), x)
    h = 1e-5
    with gl.Session() as session:
        got = session.run(hv, {x: x_value, **feeds})
        up = session.run(g, {x: x_value + h * v, **feeds})
        down = session.run(g, {x: x_value - h * v, **feeds})
    np.testing.assert_allclose(got, (up - down) / (2 * h), rtol=1e-5, atol=1e-6)
    assert np.shape(got) == np.shape(x_value)


@pytest.mark.parametrize("case", ["axis sum", "keepdims mean", "broadcast", "reshape",
                                  "transpose", "matrix-vector", "vector-matrix", "matrix-matrix",
                                  "batched"])
def test_second_derivatives_through_shape_ops(case):
    W = RNG.normal(size=(3, 4))
    builds = {
        "axis sum": (lambda x, f: gl.reduce_sum(gl.sin(gl.reduce_sum(x**2, axis=1)) * [1.0, 2.0, 3.0]),
                     RNG.normal(size=(3, 4))),
        "keepdims mean": (lambda x, f: gl.reduce_sum(gl.tanh(x - gl.reduce_mean(x**2, axis=0, keepdims=True))),
                          RNG.normal(size=(3, 4))),
        "broadcast": (lambda x, f: gl.reduce_sum(gl.sin(x * W) * gl.exp(x / 3)), RNG.normal(size=(1, 4))),
        "reshape": (lambda x, f: gl.reduce_sum(gl.reshape(x, (2, 6)) ** 3 * np.arange(12.0).reshape(2, 6)),
                    RNG.normal(size=(3, 4))),
        "transpose": (lambda x, f: gl.reduce_sum(gl.sin(gl.transpose(x)) * W.T ** 2 * gl.transpose(x)),
                      RNG.normal(size=(3, 4))),
        "matrix-vector": (lambda x, f: gl.reduce_sum(gl.tanh(gl.matmul(W, x)) ** 2), RNG.normal(size=(4,))),
        "vector-matrix": (lambda x, f: gl.reduce_sum(gl.sin(gl.matmul(x, W))), RNG.normal(size=(3,))),
        "matrix-matrix": (lambda x, f: gl.reduce_sum(gl.sigmoid(gl.matmul(x, gl.transpose(x)))),
                          RNG.normal(size=(3, 2))),
        "batched": (lambda x, f: gl.reduce_sum(gl.sin(gl.matmul(x, W))), RNG.normal(size=(2, 5, 3))),
    }
    build, value = builds[case]
    _second_derivative_matches_differences(build, value)


# -- large arrays, float32, views, ownership ----------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_plans_leave_feeds_and_constants_alone(dtype):
    n = 2**15
    x = gl.placeholder(dtype, name="x")
    c = gl.constant(np.linspace(1.0, 2.0, n).astype(dtype))
    y = gl.sin(3 * x) * gl.exp(-x / 5) + c * x**2 - gl.log(1 + x**2) * gl.tanh(x)
    (d1,) = gl.gradients(y, x)
    (d2,) = gl.gradients(d1, x)
    base = np.linspace(-3, 3, 2 * n).astype(dtype)
    feed = base[::2]  # a view, not contiguous
    kept, kept_c = feed.copy(), c.value.copy()
    want = gl.evaluate([y, d1, d2], {x: feed})
    with gl.Session() as session:
        first = session.run([y, d1, d2], {x: feed})
        for a in first:
            a[...] = 12345.0  # the caller owns what it fetched
        second = session.run([y, d1, d2], {x: feed})
    assert np.array_equal(feed, kept) and np.array_equal(c.value, kept_c)
    for got, ref in zip(second, want):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, ref, rtol=2e-4 if dtype == np.float32 else 1e-10,
                                   atol=1e-3 if dtype == np.float32 else 1e-9)


@pytest.mark.parametrize("size", [10, 2**15 + 5], ids=["small", "large (buffers reused)"])
def test_the_compiled_function_runs_not_the_interpreter(monkeypatch, size):
    """A compiled plan that fails falls back to the interpreter, which gives the same values
    slowly; so a broken plan (a buffer freed too early, say) shows only here."""
    x = gl.placeholder(name="x")
    y = gl.sin(x) * x * gl.exp(-x * x / 8)
    (d,) = gl.gradients(y, x)
    (d2,) = gl.gradients(d, x)
    values = np.linspace(-3, 3, size)
    with gl.Session() as session:
        expected = session.run([y, d, d2], {x: values})  # compiles (the shape pass interprets)

        def refuse(*args, **kwargs):
            raise AssertionError("the interpreter ran")

        monkeypatch.setattr(Plan, "interpret", refuse)
        got = session.run([y, d, d2], {x: values})
        again = session.run([y, d, d2], {x: values})
        assert session.compile_count == 1
    reference = gl.evaluate([y, d, d2], {x: values})
    for a, b, c in zip(got, again, reference):
        np.testing.assert_allclose(a, c, rtol=1e-13, atol=1e-15)
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(got[1], expected[1])


# -- the checks -------------------------------------------------------------------------------

def test_check_derivative_catches_a_relative_error_of_1e_minus_4_and_names_the_worst_x():
    def slightly_off(x):
        return 2 * np.sin(x) * np.cos(x) * (1 + 1e-4 * (x > 1.0) * x)  # worst at the right end

    verdict = gl.check_derivative(slightly_off, "sin(x)^2", x_range=(0, 3))
    assert not verdict
    assert "worst at x = 3:" in verdict.message
    assert gl.check_derivative(lambda x: 2 * np.sin(x) * np.cos(x), "sin(x)^2", x_range=(0, 3))


def test_check_gradients_reports_the_size_of_a_planted_error():
    good = gl.check_gradients("sin(x)*exp(x)", np.linspace(-1, 1, 5))
    assert good < 1e-6
    wrong = gl.register_op("AlmostSin", np.sin, [lambda g, out, x: g * gl.cos(x) * 1.001])
    bad = gl.check_gradients(lambda t: wrong(t), np.linspace(-1, 1, 5))
    assert bad > 1e-4


# -- static shapes --------------------------------------------------------------------------

SHAPED = [  # (input shapes, build): the shape known before running must be the shape it has
    ([(3, 4), (4,)], lambda a, b: gl.matmul(a, b)),
    ([(4,), (4, 5)], lambda a, b: gl.matmul(a, b)),
    ([(3, 4), (4, 5)], lambda a, b: gl.matmul(a, b)),
    ([(2, 3, 4), (4, 5)], lambda a, b: gl.matmul(a, b)),
    ([(4,), (4,)], lambda a, b: gl.matmul(a, b)),
    ([(3, 4), (4,)], lambda a, b: gl.reduce_sum(a * b, axis=1)),
    ([(3, 4), (4,)], lambda a, b: gl.reduce_mean(a + b, axis=0, keepdims=True)),
    ([(3, 4), (1, 4)], lambda a, b: gl.reduce_sum(a - b, axis=(0, 1), keepdims=True)),
    ([(3, 4), (3, 1)], lambda a, b: gl.reduce_sum(a / (1 + b**2))),
    ([(3, 4), (4,)], lambda a, b: gl.transpose(a * b)),
    ([(2, 3, 4), (4,)], lambda a, b: gl.transpose(a * b, (1, 0, 2))),
    ([(3, 4), (4,)], lambda a, b: gl.reshape(a + b, (2, -1))),
    ([(3, 4), (4,)], lambda a, b: gl.where(a > b, a, b)),
    ([(5, 1), (1, 6)], lambda a, b: gl.maximum(a, b) * gl.sin(b)),
    ([(3, 4), (4,)], lambda a, b: gl.reduce_sum(a * b, keepdims=True)),
    ([(3,), (2, 3, 4)], lambda a, b: gl.matmul(a, b)),
    ([(2, 3, 4), (4,)], lambda a, b: gl.matmul(a, b)),
    ([(3, 4), (4,)], lambda a, b: gl.reshape(a + b, (1, -1))),
]


@pytest.mark.parametrize("known", ["known", "first axis unknown", "unknown"])
@pytest.mark.parametrize("shapes, build", SHAPED)
def test_static_shapes_are_the_shapes_values_have(shapes, build, known):
    def declared(shape):
        if known == "unknown":
            return None
        return shape if known == "known" or not shape else (None,) + shape[1:]

    a = gl.placeholder(shape=declared(shapes[0]), name="a")
    b = gl.placeholder(shape=declared(shapes[1]), name="b")
    y = build(a, b)
    feeds = {a: RNG.normal(size=shapes[0]), b: RNG.normal(size=shapes[1])}
    value = _run(y, feeds)
    if y.shape is not None and None not in y.shape:
        assert y.shape == np.shape(value)
    da, db = gl.gradients(gl.reduce_sum(y * y), [a, b])
    assert da.shape in (None, declared(shapes[0])) and db.shape in (None, declared(shapes[1]))
    assert [np.shape(v) for v in _run([da, db], feeds)] == shapes
    second = gl.gradients(gl.reduce_sum(da * gl.sin(a)) + gl.reduce_sum(db * db), [a, b])
    assert_static_facts_hold([y, da, db, *second], feeds)  # every node, not only the ends


def test_ones_zeros_and_unconnected_gradients_have_the_right_shapes():
    x = gl.placeholder(shape=(2, 3), name="x")
    unknown = gl.placeholder(name="unknown")
    assert gl.ones_like(x).shape == (2, 3) and gl.zeros_like(x).shape == (2, 3)
    (nothing,) = gl.gradients(gl.sin(unknown), x)  # y does not depend on x
    feeds = {x: RNG.normal(size=(2, 3)), unknown: np.array([1.0, 2.0])}
    ones, zeros, none = _run([gl.ones_like(x) * 2, gl.zeros_like(unknown) + 1, nothing], feeds)
    assert np.array_equal(ones, np.full((2, 3), 2.0))
    assert np.array_equal(zeros, [1.0, 1.0])
    assert np.array_equal(none, np.zeros((2, 3)))


# -- the parser points at the problem -------------------------------------------------------

@pytest.mark.parametrize("text, position, width", [
    ("sin(x) + foo(x)", 9, 3),      # the unknown name
    ("  x ^ 2 + 'a'", 10, 3),       # after a ^ (two characters in Python's text) and spaces
    ("x + [1]", 4, 3),
    ("x +* 2", 3, 1),               # a syntax error, located by Python
    ("x.real", 0, 6),
    ("2 * 1e13*x", 4, 4),           # the number that is too large
    ("  a.b", 2, 3),
    ("x + ~x", 4, 1),               # a refused unary operator: the caret is under the sign
    ("x + _", 4, 1),                # the last character of the text
    ("x+sin", 2, 3),                # a name at the very end
    ("sin(x) + _a", 9, 2),
    ("*x", 0, 1),                   # a syntax error at the first character
    (")x", 0, 1),
    ("x + (", 4, 1),                # and at the last
])
def test_parse_errors_point_at_the_right_characters(text, position, width):
    with pytest.raises(gl.ExpressionError) as info:
        gl.parse(text)
    assert info.value.position == position
    caret = str(info.value).splitlines()[-1]
    assert caret == "  " + " " * position + "^" * width


def _message(text):
    try:
        gl.parse(text)
    except gl.ExpressionError as err:
        return str(err)
    return ""


def test_the_parsers_limits_are_exact():
    assert gl.parse("1e12*x")(1.0) == 1e12  # the largest number allowed
    with pytest.raises(gl.ExpressionError, match="too large"):
        gl.parse("1.0000001e12*x")
    deep = "(" * 40 + "x" + ")" * 40
    assert gl.parse(deep)(2.0) == 2.0
    with pytest.raises(gl.ExpressionError, match="nested"):
        gl.parse("(" + deep + ")")
    names = " + ".join(f"p{i}" for i in range(12))
    assert len(gl.parse(names + " + x").parameters) == 12
    with pytest.raises(gl.ExpressionError, match="too many parameters"):
        gl.parse(names + " + p12 + x")
    # brackets count one level each way: 40 open, one closed, two more open is 41 deep
    with pytest.raises(gl.ExpressionError, match="nested brackets"):
        gl.parse("(" * 40 + ")" + "((x")
    assert "nested brackets" not in _message("(" * 40 + ")" + "(x")
    signs = "-" * 38 + "x"  # a formula 40 levels deep (38 minus signs, x, the root)
    assert gl.parse(signs)(1.0) == 1.0
    with pytest.raises(gl.ExpressionError, match="nested too deeply"):
        gl.parse("-" + signs)
    longest = "x" + " + x" * ((MAX_LENGTH - 1) // 4)
    longest += " " * (MAX_LENGTH - len(longest))  # exactly MAX_LENGTH characters
    assert gl.parse(longest)(1.0) == (MAX_LENGTH - 1) // 4 + 1
    with pytest.raises(gl.ExpressionError, match="too long"):
        gl.parse(longest + " ")



@pytest.mark.parametrize("open_, close", [("(", ")"), ("[", "]"), ("{", "}")])
def test_every_kind_of_bracket_counts_one_level_each_way(open_, close):
    """The nesting limit counts (, [ and { alike, one level in and one out. Square and
    curly brackets are refused later anyway, but for what they are, not for nesting."""
    assert "nested brackets" not in _message(open_ * 40 + close + open_ + "x")  # 40 deep
    assert "nested brackets" in _message(open_ * 40 + close + open_ * 2 + "x")  # 41 deep
    assert "nested brackets" not in _message((open_ + "x" + close + "+") * 30 + "x")

# -- the checks themselves --------------------------------------------------------------------

def test_finite_differences_have_their_textbook_errors():
    h = 1e-3
    central = gl.central_difference(np.sin, 1.0, h)
    forward = gl.forward_difference(np.sin, 1.0, h)
    # central: error -h**2/6 f'''; forward: error h/2 f''
    assert central - np.cos(1.0) == pytest.approx(h**2 / 6 * -np.cos(1.0), rel=1e-2)
    assert forward - np.cos(1.0) == pytest.approx(h / 2 * -np.sin(1.0), rel=1e-2)


def test_check_derivative_uses_its_stated_tolerance():
    def scaled(factor):
        return lambda x: 2 * np.sin(x) * np.cos(x) * factor + 0 * x

    on = (0.5, 0.7)  # where |f'| is about 1
    assert gl.check_derivative(scaled(1 + 0.5e-6), "sin(x)^2", x_range=on)  # within rtol 1e-6
    assert not gl.check_derivative(scaled(1 + 1.5e-6), "sin(x)^2", x_range=on)
    unanswered = gl.check_derivative(None, "sin(x)^2")
    assert not unanswered and "not answered" in unanswered.message


def test_matmul_refuses_known_inner_sizes_that_differ():
    a = gl.placeholder(shape=(3, 4), name="a")
    for b_shape in [(5,), (5, 2)]:
        b = gl.placeholder(shape=b_shape, name="b")
        with pytest.raises(gl.ShapeError, match="inner dimensions"):
            gl.matmul(a, b)


def test_partly_known_shapes_never_prove_two_sizes_equal():
    # transpose(a) and transpose(b) both have the static shape (3, ?), but their unknown sizes
    # differ when run (1 and 5), so the gradients must still undo the broadcast
    a = gl.placeholder(shape=(None, 3), name="a")
    b = gl.placeholder(shape=(None, 3), name="b")
    y = gl.reduce_sum(gl.transpose(a) * gl.transpose(b) ** 2)
    da, db = gl.gradients(y, [a, b])
    av, bv = RNG.normal(size=(1, 3)), RNG.normal(size=(5, 3))
    got_a, got_b = _run([da, db], {a: av, b: bv})
    np.testing.assert_allclose(got_a, (bv**2).sum(axis=0)[None, :], rtol=1e-14)
    np.testing.assert_allclose(got_b, 2 * bv * av, rtol=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_nodes_dtype_holds_where_shapes_are_unknown(dtype):
    x = gl.placeholder(dtype, name="x")
    x2 = gl.placeholder(dtype, name="x2")  # shapes unknown: the bookkeeping nodes stay
    c = gl.constant(np.linspace(1, 2, 3))  # float64
    rows = gl.placeholder(np.int64, name="rows")  # integer indices choose; they promote nothing
    y = (gl.sin(x + x2) * x2 + x * c + gl.reduce_mean(x2 * x2, axis=0)
         + gl.gather(x2, rows) + np.sort(x2, axis=-1))
    first = gl.gradients(y, [x, x2])
    second = gl.gradients(gl.reduce_sum(first[0] * first[1]), [x, x2])
    feed = {x: np.ones(3, dtype), x2: np.full((2, 3), 0.5, dtype), rows: np.array([1, 0])}
    assert_static_facts_hold([y, *first, *second], feed)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_static_dtypes_are_the_dtypes_values_have(dtype):
    x = gl.placeholder(dtype, name="x")
    other = gl.placeholder(name="other")  # float64, which x does not depend on
    c = gl.constant(np.linspace(1, 2, 5).astype(dtype))
    y = gl.sin(x) * c + gl.where(x > 0, x, 0.0) + gl.maximum(x, 0.5) ** 2
    nodes = [gl.ones_like(x), gl.zeros_like(x), y, *gl.gradients(y, [x, other]),
             (x > 0) + (x < 0.5), (x > 0) * 0.5, gl.where(x > 0, 1.0, 0.0)]
    (d1,) = gl.gradients(y, x)
    nodes += gl.gradients(d1, x)
    values = _run(nodes, {x: np.linspace(-1, 1, 5).astype(dtype), other: np.ones(5)})
    for node, value in zip(nodes, values):
        assert node.dtype == np.asarray(value).dtype, node
    assert nodes[3].dtype == dtype and nodes[4].dtype == np.float64


def test_known_shapes_give_fully_known_static_shapes():
    a = gl.placeholder(shape=(3, 4), name="a")
    assert gl.reshape(a, (1, -1)).shape == (1, 12) and gl.reshape(a, (-1, 2, 1)).shape == (6, 2, 1)
    assert gl.matmul(gl.placeholder(shape=(4,)), gl.placeholder(shape=(2, 4, 5))).shape == (2, 5)
    assert gl.reduce_sum(gl.placeholder(name="u"), keepdims=True).shape is None
    # with a 0 among the sizes, -1 could be anything: numpy refuses it when it runs
    assert gl.reshape(gl.placeholder(shape=(0, 3)), (0, -1)).shape == (0, None)


def test_einsum_rule_with_a_letter_summed_away_and_one_broadcast():
    # 'ij,i->i': j is summed away from a, and i has size 1 in a but 2 in b
    from gradlab.core.array_ops import einsum2

    a = gl.placeholder(shape=(1, 3), name="a")
    b = gl.placeholder(shape=(2,), name="b")
    w = np.array([0.5, -1.5])
    y = gl.reduce_sum(einsum2("ij,i->i", a, b) * w)
    ga, gb = gl.gradients(y, [a, b])
    av, bv = RNG.normal(size=(1, 3)), RNG.normal(size=2)
    with gl.Session() as session:
        got_a, got_b = session.run([ga, gb], {a: av, b: bv})
    np.testing.assert_allclose(got_a, np.full((1, 3), (w * bv).sum()))
    np.testing.assert_allclose(got_b, w * av.sum())
    assert_static_facts_hold([y, ga, gb], {a: av, b: bv})


LINEAR_IN_GRAD_YS = {  # graphs through non-broadcasting ops, whose rules multiply g
    "matmul": lambda x: x @ np.arange(6.0).reshape(3, 2),
    "mean": lambda x: gl.reduce_mean(x * x, axis=1),
    "mean of all": lambda x: gl.reduce_mean(gl.sin(x)),
    "sum of all": lambda x: gl.reduce_sum(gl.sin(x)),
    "reshape": lambda x: gl.reshape(gl.sin(x), (3, 2)),
    "transpose": lambda x: gl.transpose(x) ** 2,
    "index": lambda x: x[[0, 0, 1], 1:] ** 3,
    "prod": lambda x: np.prod(x + 2.0, axis=0),
    "max": lambda x: np.max(x, axis=1) ** 2,
    "cumsum": lambda x: np.cumsum(x, axis=1) ** 2,
    "einsum": lambda x: np.einsum("ij,ij->i", x, x),
}


@pytest.mark.parametrize("name", sorted(LINEAR_IN_GRAD_YS))
@pytest.mark.parametrize("weight", [2.0, 2.5, -1.0, 0.5])
def test_gradients_are_linear_in_grad_ys(name, weight):
    # gradients(y, x, grad_ys=c) is c times gradients(y, x): a weight of the seed must
    # never be dropped as if it were the default ones
    x = gl.placeholder(shape=(2, 3), name="x")
    y = LINEAR_IN_GRAD_YS[name](x)
    (plain,) = gl.gradients(y, x)
    (weighted,) = gl.gradients(y, x, grad_ys=weight)
    (as_array,) = gl.gradients(y, x, grad_ys=np.full(y.shape, weight))
    value = RNG.uniform(0.5, 1.5, (2, 3))
    got_plain, got_weighted, got_array = _run([plain, weighted, as_array], {x: value})
    np.testing.assert_allclose(got_weighted, weight * got_plain, rtol=1e-12)
    np.testing.assert_allclose(got_array, weight * got_plain, rtol=1e-12)


REDUCTIONS = {  # gradlab's reductions and the numpy function each one follows
    "reduce_sum": np.sum, "reduce_mean": np.mean, "reduce_prod": np.prod,
    "reduce_max": np.max, "reduce_min": np.min,
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("axis, keepdims", [(None, None), (None, True), (1, None), (1, True),
                                            ((0, 2), False)])
def test_every_reduction_drops_or_keeps_axes_as_numpy_does(name, axis, keepdims):
    # keepdims=None means "not given": the default must drop the reduced axes
    value = RNG.uniform(0.5, 1.5, (2, 3, 4))
    x = gl.placeholder(shape=(2, 3, 4), name="x")
    options = {} if keepdims is None else {"keepdims": keepdims}
    node = getattr(gl, name)(x, axis=axis, **options)
    expected = REDUCTIONS[name](value, axis=axis, **options)
    got = _run([node], {x: value})[0]
    assert np.shape(got) == np.shape(expected) and node.shape == np.shape(expected)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # the core's own functions (which the widgets and the numpy layer call) have the same defaults
    core = getattr(core_ops, name, None) or getattr(array_ops, name)
    node = core(x, axis=axis, **options)
    assert node.shape == np.shape(expected)
    np.testing.assert_allclose(_run([node], {x: value})[0], expected, rtol=1e-12)


def test_matmul_refuses_a_scalar_on_either_side():
    # (the static shape rule says so while building; constants are folded by numpy instead)
    for a, b in [((), (2,)), ((2,), ()), ((), ())]:
        with pytest.raises(gl.ShapeError, match="at least one dimension"):
            gl.matmul(gl.placeholder(shape=a), gl.placeholder(shape=b))


def test_a_name_given_to_a_result_that_simplified_to_an_input_still_feeds_and_names():
    # x * 1 is x itself; naming it must not make a second, unfed placeholder
    x = gl.placeholder(name="x")
    for node in (gl.multiply(x, 1.0, name="same"), gl.add(x, 0.0, name="plus_zero"),
                 gl.identity(x, name="copy")):
        assert node.name != x.name
        assert _run([node], {x: 3.5})[0] == 3.5


# Every shape rule, fed inputs whose shapes are fully known, partly known (every size
# unknown) or wholly unknown (not even the rank): the static facts must hold for the
# value, a fully known input must give the exact shape, and the value must be numpy's
# (which also pins the default axes: concat's 0, sort's -1, a reduction dropping its axes).
SHAPE_RULES = {
    "concat": ([(2, 3), (2, 3)], lambda a, b: array_ops.concat(a, b),
               lambda a, b: np.concatenate([a, b])),
    "concat axis 1": ([(2, 3), (2, 1)], lambda a, b: array_ops.concat(a, b, axis=1),
                      lambda a, b: np.concatenate([a, b], axis=1)),
    "concat_all": ([(2, 3), (1, 3), (2, 3)], lambda a, b, c: array_ops.concat_all([a, b, c]),
                   lambda a, b, c: np.concatenate([a, b, c])),
    "gather": ([(4, 3), None], lambda p, i: array_ops.gather(p, i), lambda p, i: np.take(p, i, axis=0)),
    "squeeze": ([(1, 3, 1)], lambda x: array_ops.squeeze(x), np.squeeze),
    "squeeze axis": ([(1, 3, 1)], lambda x: array_ops.squeeze(x, axis=2), lambda x: np.squeeze(x, 2)),
    "broadcast_to": ([(3, 1)], lambda x: array_ops.broadcast_to(x, (2, 3, 4)),
                     lambda x: np.broadcast_to(x, (2, 3, 4))),
    "argmax": ([(2, 3, 4)], lambda x: array_ops.argmax(x, axis=1), lambda x: np.argmax(x, axis=1)),
    "sort": ([(2, 3, 4)], lambda x: array_ops.sort(x), np.sort),
    "reduce_any": ([(2, 3)], lambda x: array_ops.reduce_any(core_ops.greater(x, 1.0)),
                   lambda x: np.any(x > 1.0)),
    "reduce_all axis": ([(2, 3)], lambda x: array_ops.reduce_all(core_ops.greater(x, 0.7), axis=1),
                        lambda x: np.all(x > 0.7, axis=1)),
    "matmul": ([(2, 3), (3, 4)], lambda a, b: core_ops.matmul(a, b), np.matmul),
    "matmul vector": ([(3,), (3, 4)], lambda a, b: core_ops.matmul(a, b), np.matmul),
    "gather 3-D": ([(4, 3, 2), None], lambda p, i: array_ops.gather(p, i),
                   lambda p, i: np.take(p, i, axis=0)),
    "gather axis 1": ([(2, 4, 3), None], lambda p, i: array_ops.gather(p, i, axis=1),
                      lambda p, i: np.take(p, i, axis=1)),
    "gather axis -1": ([(3, 4), None], lambda p, i: array_ops.gather(p, i, axis=-1),
                       lambda p, i: np.take(p, i, axis=-1)),
    "argmin": ([(2, 3, 4)], lambda x: array_ops.argmin(x, axis=1), lambda x: np.argmin(x, axis=1)),
    "argmin flat": ([(2, 3)], lambda x: array_ops.argmin(x), lambda x: np.argmin(x)),
    "inv": ([(3, 3)], lambda x: array_ops.inv(x + 3 * np.eye(3)),
            lambda x: np.linalg.inv(x + 3 * np.eye(3))),
    "det": ([(2, 3, 3)], lambda x: array_ops.det(x), np.linalg.det),
    "einsum size 1": ([(1, 3), (3, 4)], lambda a, b: array_ops.einsum2("ij,jk->ik", a, b),
                      lambda a, b: np.einsum("ij,jk->ik", a, b)),
    "shape_of": ([(2, 3)], lambda x: array_ops.shape_of(x),
                 lambda x: np.array(np.shape(x), dtype=np.int32)),
    "einsum outer": ([(2, 1), (1, 3)], lambda a, b: array_ops.einsum2("ij,jk->ik", a, b),
                     lambda a, b: np.einsum("ij,jk->ik", a, b)),
}


INDICES = np.array([3, 0, 0, 2])  # gather's indices: a known integer vector


@pytest.mark.parametrize("name", sorted(SHAPE_RULES))
@pytest.mark.parametrize("knowledge", ["known", "sizes unknown", "rank unknown", "mixed",
                                       "first size unknown", "last size unknown"])
def test_shape_rules_hold_for_partly_known_inputs(name, knowledge):
    shapes, build, reference = SHAPE_RULES[name]
    values = [INDICES if s is None else RNG.uniform(0.5, 1.5, s) for s in shapes]
    placeholders = []
    for k, (shape, value) in enumerate(zip(shapes, values)):
        if shape is None:  # integer indices: a known vector
            placeholders.append(gl.constant(value))
            continue
        told = {"known": shape, "sizes unknown": (None,) * len(shape), "rank unknown": None,
                "mixed": shape if k % 2 else None,
                "first size unknown": (None, *shape[1:]) if k == 0 and shape else shape,
                "last size unknown": (None, *shape[1:]) if k == len(shapes) - 1 and shape
                else shape}[knowledge]
        placeholders.append(gl.placeholder(shape=told, name=f"in{k}"))
    node = build(*placeholders)
    feed = {p: v for p, v in zip(placeholders, values) if p.op.name == "Placeholder"}
    got = _run([node], feed)[0]
    expected = reference(*values)
    np.testing.assert_array_equal(got, expected)
    assert_static_facts_hold([node], feed)
    if knowledge == "known":  # a fully known shape is also the key that proves equal shapes
        assert node.shape == np.shape(expected)
        assert node.skey == node.shape, f"{name}: key {node.skey} for the known shape {node.shape}"
    floats = [p for p in placeholders if p.op.name == "Placeholder"]
    if node.dtype.kind == "f":  # and so must every node of the gradient graph
        grads = gl.gradients(core_ops.reduce_sum(node * node), floats)
        assert_static_facts_hold(grads, feed)


# Shapes an op cannot take are refused while the graph is built, with the op's reason.
REFUSED_SHAPES = [
    (array_ops.inv, (3,), "square matrices"), (array_ops.inv, (2, 3), "square matrices"),
    (array_ops.det, (4, 2, 3), "square matrices"), (array_ops.det, (3,), "square matrices"),
    (array_ops.det, (None, 2, 3), "square matrices"), (array_ops.inv, (None, 4, 3), "square matrices"),
]


@pytest.mark.parametrize("op, shape, reason", REFUSED_SHAPES)
def test_shapes_an_op_cannot_take_are_refused_while_building(op, shape, reason):
    with pytest.raises(gl.ShapeError, match=reason):
        op(gl.placeholder(shape=shape))
    op(gl.placeholder(shape=shape[:-2] + (None, 3)))  # (not known to be wrong: no error yet)


def test_index_text_writes_every_kind_of_index():
    assert array_ops.index_text((Ellipsis, 0)) == "[..., 0]"
    assert array_ops.index_text((slice(1, None), None, slice(None, None, 2))) == "[1:, None, ::2]"


# -- ops that move elements by index: gather, sort, concat, getitem -------------------------

ROWS = np.array([2, 0, 0, 3])  # a repeated index: its gradients must add up
INDEXED = {  # name -> (f of x, the shape of x); each f mixes x's elements nonlinearly
    "gather axis 0": (lambda x: array_ops.gather(x, ROWS, axis=0), (4, 3)),
    "gather axis 1": (lambda x: array_ops.gather(x, ROWS, axis=1), (2, 4, 3)),
    "gather axis -1": (lambda x: array_ops.gather(x, ROWS, axis=-1), (3, 4)),
    "sort axis -1": (lambda x: array_ops.sort(x), (3, 4)),
    "sort axis 0": (lambda x: array_ops.sort(x, axis=0), (3, 4)),
    "concat axis 0": (lambda x: array_ops.concat(x, gl.sin(x[:1]), axis=0), (3, 4)),
    "concat axis 1": (lambda x: array_ops.concat(gl.exp(x[:, 1:]), x, axis=1), (3, 4)),
    "getitem": (lambda x: x[1:, ::2] * x[:2, 1::2], (3, 4)),
}


def _weights(shape):
    return np.linspace(0.5, 1.7, int(np.prod(shape))).reshape(shape)


@pytest.mark.parametrize("name", sorted(INDEXED))
def test_index_ops_first_and_second_derivatives_match_central_differences(name):
    build, shape = INDEXED[name]
    x = gl.placeholder(shape=shape, name="x")
    moved = build(x)
    y = gl.reduce_sum(gl.sin(moved) * _weights(moved.shape))
    (g,) = gl.gradients(y, x)
    value = RNG.uniform(-1.5, 1.5, shape)
    with gl.Session() as session:
        f = lambda v: session.run(y, {x: v})  # noqa: E731
        got = session.run(g, {x: value})
        h, expected = 1e-6, np.zeros(shape)
        for i in np.ndindex(*shape):
            step = np.zeros(shape)
            step[i] = h
            expected[i] = (f(value + step) - f(value - step)) / (2 * h)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    _second_derivative_matches_differences(lambda t, feeds: gl.reduce_sum(
        gl.sin(build(t)) * _weights(moved.shape)), value)


@pytest.mark.parametrize("name", sorted(INDEXED))
def test_index_ops_keep_float32_in_their_gradients(name):
    """Integer indices choose elements; they must not turn a float32 gradient into float64."""
    build, shape = INDEXED[name]
    x = gl.placeholder(gl.float32, shape=shape, name="x")
    y = gl.reduce_sum(gl.sin(build(x)) ** 2)
    (g,) = gl.gradients(y, x)
    (gg,) = gl.gradients(gl.reduce_sum(g * g), x)
    feed = {x: RNG.uniform(-1, 1, shape).astype(np.float32)}
    assert g.dtype == gg.dtype == np.float32
    assert_static_facts_hold([y, g, gg], feed)


@pytest.mark.parametrize("a, b", [((2,), (2, 3)), ((2, 3), (3,)), ((), ()), ((2, 3), (2, 4, 1))])
def test_concat_refuses_shapes_of_different_rank_while_building(a, b):
    with pytest.raises(gl.ShapeError, match="same number"):
        array_ops.concat(gl.placeholder(shape=a), gl.placeholder(shape=b))


def test_index_text_summarises_long_index_arrays_as_numpy_does():
    assert array_ops.index_text((np.arange(6),)) == "[[0 1 2 3 4 5]]"
    assert array_ops.index_text((np.arange(7),)) == "[[0 1 2 ... 4 5 6]]"


# -- integer and boolean data: the dtypes numpy gives ---------------------------------------

DATA = {"int64": np.array([[3, -1, 2], [0, 5, 1]]), "int8": np.array([[3, -1, 2], [0, 5, 1]], np.int8),
        "uint8": np.array([[3, 1, 2], [0, 5, 1]], np.uint8),
        "bool": np.array([[True, False, True], [False, True, True]])}
DATA_OPS = {  # name -> (gradlab, numpy)
    "sin": (gl.sin, np.sin), "sqrt": (gl.sqrt, np.sqrt), "exp": (gl.exp, np.exp),
    "divide": (lambda a: a / 2, lambda a: a / 2), "mean": (gl.reduce_mean, np.mean),
    "sum": (gl.reduce_sum, np.sum), "sum axis": (lambda a: gl.reduce_sum(a, axis=1),
                                                 lambda a: np.sum(a, axis=1)),
    "prod": (gl.reduce_prod, np.prod), "cumsum": (lambda a: gl.cumsum(a, axis=1),
                                                  lambda a: np.cumsum(a, axis=1)),
    "add int": (lambda a: a + 1, lambda a: a + 1), "add float": (lambda a: a + 0.5, lambda a: a + 0.5),
    "multiply": (lambda a: a * a, lambda a: a * a), "negative": (lambda a: -a, np.negative),
    "abs": (gl.abs, np.abs), "maximum": (lambda a: gl.maximum(a, a[:1]), lambda a: np.maximum(a, a[:1])),
    "transpose": (gl.transpose, np.transpose), "reshape": (lambda a: gl.reshape(a, (3, 2)),
                                                          lambda a: np.reshape(a, (3, 2))),
    "getitem": (lambda a: a[1:], lambda a: a[1:]),
    "where": (lambda a: gl.where(a > 0, a, a * 2), lambda a: np.where(a > 0, a, a * 2)),
}


@pytest.mark.parametrize("dtype", sorted(DATA))
@pytest.mark.parametrize("name", sorted(DATA_OPS))
def test_integer_and_boolean_data_get_numpys_dtypes(name, dtype):
    """The dtype a node promises is the one its value has, and numpy's: integers kept by
    sums, shapes and indexing, small integers summed as 64-bit ones, float64 for sin(7) and
    7 / 2 (where numpy picks float16 for sin of int8 or bool data, gradlab computes float64)."""
    build, reference = DATA_OPS[name]
    value = DATA[dtype]
    if dtype == "bool" and name in ("negative", "add int", "multiply", "where", "maximum", "abs"):
        value = value.astype(np.int64)  # numpy refuses -True; these ops need numbers
    x = gl.placeholder(value.dtype, shape=value.shape, name="data")
    node = build(x)
    with np.errstate(all="ignore"):
        expected = np.asarray(reference(value))
    if expected.dtype.kind == "f":  # numpy gives float16 for sin(int8); gradlab float64
        expected = np.asarray(reference(value.astype(np.float64)))
    got = _run([node], {x: value})[0]
    assert node.dtype is not None, f"{name} of {dtype}: no static dtype"
    assert node.dtype == expected.dtype == np.asarray(got).dtype, (node.dtype, expected.dtype)
    np.testing.assert_array_equal(got, expected)


def test_rebuild_builds_again_only_what_depends_on_the_replaced_nodes():
    from gradlab.core.simplify import rebuild
    x, a, b = (gl.placeholder(name=n) for n in "xab")
    untouched = gl.sin(x) * 2.0
    touched = untouched + gl.exp(a)
    new_untouched, new_touched = rebuild([untouched, touched], {a: b})
    assert new_untouched is untouched  # nothing in it depends on a: the very same node
    assert new_touched is not touched
    assert new_touched.inputs[0] is untouched  # the untouched part is shared, not copied
    reached = {id(n) for n in toposort([new_touched])}  # (== on tensors builds a node)
    assert id(a) not in reached and id(b) in reached
    value = _run([new_touched], {x: 0.3, b: -0.2})[0]
    np.testing.assert_allclose(value, 2 * np.sin(0.3) + np.exp(-0.2), rtol=1e-15)


def test_gradients_refuse_integer_inputs_but_take_python_numbers_as_reals():
    x = gl.placeholder(name="x")
    k = gl.placeholder(np.int64, name="k")
    with pytest.raises(TypeError, match="cannot differentiate with respect to 'k'"):
        gl.gradients(x * k, k)
    two = gl.constant(2)  # a Python int: the 2 of 2*x is a real number with a derivative
    (g,) = gl.gradients(two * gl.sin(x), two)
    assert g.dtype == np.float64
    value = _run([g], {x: 0.5})[0]
    assert np.asarray(value).dtype == np.float64 and value == np.sin(0.5)


def test_the_reference_evaluator_runs_variables_and_assignments():
    start = gl.constant(np.array([1.0, 2.0]))
    v = gl.Variable(start * 3.0 + 1.0, name="v")  # an initial value computed by a graph
    assign = v.assign(gl.constant(5.0) * 2.0)
    got_v, got_assign = gl.evaluate([v, assign], {})
    np.testing.assert_array_equal(got_v, [4.0, 7.0])
    np.testing.assert_array_equal(got_assign, [10.0, 10.0])  # the value it would store
    assert got_assign.dtype == v.dtype and got_assign.shape == (2,)


# -- control flow: what a cond promises before it runs -------------------------------------

@pytest.mark.parametrize("shapes", [((3,), (3,)), ((3,), (1,)), ((2, 3), (3,)), ((None,), (None,))])
@pytest.mark.parametrize("taken", [True, False])
def test_a_conds_static_shape_holds_for_either_branch(shapes, taken):
    x = gl.placeholder(shape=(3,), name="x")
    p = gl.placeholder(bool, shape=(), name="p")
    a = gl.placeholder(shape=shapes[0], name="a")
    b = gl.placeholder(shape=shapes[1], name="b")
    out = gl.cond(p, lambda: a * gl.reduce_sum(x), lambda: b + 1.0)
    if shapes[0] == shapes[1] and None not in shapes[0]:
        assert out.shape == out.skey == shapes[0]  # the same known shape either way
    elif shapes[0] != shapes[1]:
        assert out.shape is None  # which branch runs decides
    sizes = [tuple(3 if d is None else d for d in s) for s in shapes]
    feed = {x: np.ones(3), p: taken, a: np.full(sizes[0], 2.0), b: np.zeros(sizes[1])}
    assert_static_facts_hold([out], feed)
    np.testing.assert_array_equal(_run([out], feed)[0], np.full(sizes[0], 6.0) if taken
                                  else np.ones(sizes[1]))


@pytest.mark.parametrize("shape", [(3,), (1, 2), (2, None)])
def test_cond_refuses_a_known_condition_of_more_than_one_boolean_while_building(shape):
    with pytest.raises(gl.ShapeError, match="one boolean"):
        gl.cond(gl.placeholder(bool, shape=shape), lambda: 1.0, lambda: 2.0)


@pytest.mark.parametrize("shape", [(), (1,), (1, 1), (None,), None])
def test_cond_takes_one_boolean_of_any_rank(shape):
    p = gl.placeholder(bool, shape=shape, name="p")
    out = gl.cond(p, lambda: 1.0, lambda: 2.0)
    value = np.ones([1 if d is None else d for d in shape] if shape else (), bool)
    assert _run([out], {p: value})[0] == 1.0


@pytest.mark.parametrize("taken", [True, False])
def test_both_modes_through_a_cond_move_each_input_it_reads(taken):
    p = gl.placeholder(bool, shape=(), name="p")
    a, b = gl.placeholder(name="a"), gl.placeholder(name="b")
    out = gl.cond(p, lambda: gl.sin(a) * b**2, lambda: a**3 - gl.exp(b))
    da, db = gl.forward_gradients(out, [a], [1.0])[0], gl.forward_gradients(out, [b], [1.0])[0]
    (both,) = gl.forward_gradients(out, [a, b], [0.5, -2.0])
    ga, gb = gl.gradients(out, [a, b])  # and reverse mode, for each input
    av, bv = 0.7, -1.3
    got = _run([da, db, both, ga, gb], {p: taken, a: av, b: bv})
    expected = ((np.cos(av) * bv**2, 2 * np.sin(av) * bv) if taken
                else (3 * av**2, -np.exp(bv)))
    np.testing.assert_allclose(got[:2], expected, rtol=1e-14)
    np.testing.assert_allclose(got[2], 0.5 * expected[0] - 2.0 * expected[1], rtol=1e-14)
    np.testing.assert_allclose(got[3:], expected, rtol=1e-14)


@pytest.mark.parametrize("shape", [(3,), (2, 2), (None,)])
def test_a_while_loops_static_shape_is_its_loop_variables(shape):
    v = gl.placeholder(shape=shape, name="v")
    (out, count) = gl.while_loop(lambda v, k: k < 3, lambda v, k: (v * 2.0, k + 1), [v, 0])
    assert out.shape == shape
    if None not in shape:
        assert out.skey == shape
    else:  # no proof of equal shapes beyond itself
        assert not isinstance(out.skey, tuple)
    value = np.ones([2 if d is None else d for d in shape])
    assert_static_facts_hold([out, count], {v: value})
    np.testing.assert_array_equal(_run([out], {v: value})[0], 8 * value)


def test_concat_keeps_a_size_that_either_input_knows():
    a, b = gl.placeholder(shape=(2, 3)), gl.placeholder(shape=(None, 1))
    assert array_ops.concat(a, b, axis=1).shape == (2, 4)
    assert array_ops.concat(b, a, axis=1).shape == (2, 4)
    assert array_ops.concat(b, b, axis=1).shape == (None, 2)


def test_an_empty_index_list_is_an_empty_selection_and_a_float_index_is_refused():
    x = gl.placeholder(shape=(4,), name="x")
    empty = x[[]]
    got = _run([empty], {x: np.arange(4.0)})[0]
    assert got.shape == (0,) and got.dtype == np.float64
    with pytest.raises(TypeError, match="integers or booleans"):
        x[[1.5]]


@pytest.mark.parametrize("relative, passes", [(0.5e-6, True), (1.5e-6, False)])
def test_every_check_holds_its_stated_tolerance_of_1e_minus_6(relative, passes):
    """check_answer, check_formula and check_rule all promise 1e-6 relative: a result off
    by half that passes, one off by one and a half times that fails."""
    expected = np.array([120.0, -340.0, 5000.0])
    assert bool(gl.check_answer(expected * (1 + relative), expected)) is passes
    formula = f"(x^5)*(1 + {relative!r})"
    assert bool(gl.check_formula(formula, "x^5", x_range=(2.0, 3.0))) is passes
    near_zero = np.array([0.0, 1e-3])  # and 1e-8 absolute where the answer is 0
    assert bool(gl.check_answer(near_zero + relative / 1e-6 * 1e-8 * np.array([1, 0]),
                                near_zero)) is passes
    assert bool(gl.check_formula(f"x - x + {relative / 1e-6 * 1e-8!r}", "sin(0*x)")) is passes


@pytest.mark.parametrize("relative, passes", [(2e-7, True), (6e-7, False)])
def test_check_rule_holds_its_tolerance(relative, passes):
    """check_rule accepts a rule whose gradients are within 1e-6 of central differences:
    exp's rule off by 6e-7 relative is off by up to 1.5e-6 on [0.1, 0.9], where exp < 2.5."""
    op = gl.register_op(f"ExpOff{round(relative * 1e7)}", np.exp,
                        [lambda g, out, v: g * out * (1 + relative)])
    assert bool(gl.check_rule(op, np.linspace(0.1, 0.9, 5), orders=(1,))) is passes


@pytest.mark.parametrize("yours, expected, way", [
    (0.5, 0.0, "too large"), (-0.5, 0.0, "too far from 0"), (0.5, 0.4, "too large"),
    (0.3, 0.4, "too small"), (-0.5, -0.4, "too far from 0"), (-0.3, -0.4, "too close to 0"),
    (-0.3, 0.4, "wrong sign"), (0.3, -0.4, "wrong sign")])
def test_a_wrong_answer_is_told_which_way_it_is_off(yours, expected, way):
    result = gl.check_answer(np.array([1.0, yours]), np.array([1.0, expected]))
    assert not result and way in result.message, result.message
    assert result.message.startswith("1 of 2 entries differ")  # how many, for arrays
    others = {"too large", "too small", "too far from 0", "too close to 0", "wrong sign"} - {way}
    assert not any(f" {o}" in result.message for o in others if o not in way), result.message


def test_check_formula_compares_on_both_sides_of_zero_by_default():
    assert gl.check_formula("2*x", "x^2", order=1)
    assert not gl.check_formula("abs(2*x)", "x^2", order=1)  # right for x > 0 only
    assert not gl.check_formula("x^3/3", "x^2")  # order 0 unless told: the formula itself
    assert gl.check_formula("x^2", "x^2")


def test_the_reference_evaluator_computes_an_initial_value_given_as_a_graph():
    first = gl.Variable(np.array([1.0, 2.0]), name="first")
    second = gl.Variable(first * 3.0 + 1.0, name="second")  # needs first's value: not folded
    (got,) = gl.evaluate([second], {})
    np.testing.assert_array_equal(got, [4.0, 7.0])


def test_the_checks_defaults_are_the_documented_ones():
    formula = gl.check_formula("x^2", "x^2")
    assert formula.x[0] == -3.0 and formula.x[-1] == 3.0 and len(formula.x) == 61
    derivative = gl.check_derivative(lambda x: 2 * x, "x^2")
    assert derivative.x[0] == -3.0 and derivative.x[-1] == 3.0
    cube = gl.register_op("CubeDefaults", lambda v: v**3, [lambda g, out, v: g * (3 * v**2)])
    rule = gl.check_rule(cube, np.linspace(0.2, 1.0, 4))
    assert rule and rule.message.endswith("for orders 1, 2")


def test_check_rule_fails_a_rule_that_raises_and_says_why():
    def broken(g, out, v):
        raise RuntimeError("my rule is not written yet")
    op = gl.register_op("BrokenRule", np.exp, [broken])
    result = gl.check_rule(op, np.linspace(0.1, 0.9, 3))
    assert not result and "my rule is not written yet" in result.message


# -- plan building: what may be merged, what is copied, what is frozen -------------------------

@pytest.mark.parametrize("size", [5, 2**15 + 5], ids=["small", "large"])
def test_steps_without_a_key_are_never_merged(size):
    """Two index steps whose attributes cannot be compared (array indices have no key)
    must stay two steps, even on the same input."""
    x = gl.placeholder(name="x")
    first, second = x[np.array([0, 2])], x[np.array([1, 3])]
    values = np.arange(float(size))
    with gl.Session() as session:
        for _ in range(2):  # the interpreted first run, then the compiled plan
            got = session.run([first, second, gl.reduce_sum(first * second)], {x: values})
            np.testing.assert_array_equal(got[0], [0.0, 2.0])
            np.testing.assert_array_equal(got[1], [1.0, 3.0])
            assert got[2] == 6.0


def test_every_run_gives_the_caller_its_own_copy_of_a_fetched_feed_or_constant():
    x = gl.placeholder(name="x")
    c = gl.constant(np.array([1.0, 2.0, 3.0]))
    values = np.array([4.0, 5.0, 6.0])
    with gl.Session() as session:
        for _ in range(3):  # the first run is interpreted, the later ones compiled
            fetched_x, fetched_c, total = session.run([x, c, x + c], {x: values})
            fetched_x[0] = fetched_c[0] = -100.0
            np.testing.assert_array_equal(values, [4.0, 5.0, 6.0])
            np.testing.assert_array_equal(total, [5.0, 7.0, 9.0])
    np.testing.assert_array_equal(gl.evaluate([c])[0], [1.0, 2.0, 3.0])


def test_constants_folded_while_compiling_are_read_only():
    x = gl.placeholder(name="x")
    y = gl.reduce_sum(x * gl.ones_like(x) * 2.0)
    (d,) = gl.gradients(y, x)
    with gl.Session() as session:
        for _ in range(2):
            session.run([y, d], {x: np.linspace(0, 1, 7)})
        (plan,) = session._plans.values()
    folded = [v for slot, v in plan.consts.items()  # OnesLike and 2 * ones: steps of the graph
              if isinstance(v, np.ndarray) and plan.slot_names.get(slot) is not None]
    assert len(folded) >= 2 and all(not a.flags.writeable for a in folded)


@pytest.mark.parametrize("size", [3, 2**15 + 3], ids=["small", "large"])
def test_broadcasting_to_an_equal_shape_still_widens_the_dtype(size):
    """broadcast_like(t, u) has u's dtype when it is wider, even when the shapes already
    agree: a compiled plan may skip the broadcast, never the cast."""
    t = gl.placeholder(gl.float32, name="t")
    u = gl.placeholder(gl.float64, name="u")
    out = core_ops.broadcast_like(t, u)
    feeds = {t: np.full(size, 0.1, np.float32), u: np.zeros(size)}
    with gl.Session() as session:
        for _ in range(3):  # the interpreted first run, then the specialised plan
            got = session.run(out, feeds)
            assert got.dtype == np.float64 and got.shape == (size,)
            np.testing.assert_array_equal(got, np.float64(np.float32(0.1)))


FACTORED_SUMS = [  # products sharing a factor, whose other factor is a scaled sum with a constant
    lambda u, v, w: u * (2.0 * (v + 3.0)) + u * w,
    lambda u, v, w: u * ((v - 1.5) * 4.0) - u * w,
    lambda u, v, w: u * (-(v + 0.25)) + w * u,
    lambda u, v, w: (0.5 * (v + w + 2.0)) * u + u * v,
    lambda u, v, w: u * (3.0 * (2.0 * (v + 1.0) + w)) + u * (w - 7.0),
    lambda u, v, w: u * (2.0 * v + 2.0 * w + 6.0) + u * v,  # the sum carries its factor 2
    lambda u, v, w: u * (-3.0 * v - 3.0 * w + 1.5) - w * u,
    lambda u, v, w: (0.5 * v + 0.5 * w - 4.0) * u + (v - w) * u,
]


@pytest.mark.parametrize("index", range(len(FACTORED_SUMS)))
def test_the_distributive_law_keeps_each_sums_constant_and_scale(index):
    """p·(k·(q + c)) + p·s is computed as p·(k·q + k·c + s): the constant of a sum taken
    apart must be scaled like its terms."""
    build = FACTORED_SUMS[index]
    rng = np.random.default_rng(index)
    values = [rng.uniform(-2, 2, 6) for _ in range(3)]
    names = [gl.placeholder(name=n) for n in "uvw"]
    out = build(*names)
    with gl.Session() as session:
        for _ in range(3):  # the interpreted first run, then the compiled plan
            got = session.run(out, dict(zip(names, values)))
            np.testing.assert_allclose(got, build(*values), rtol=1e-12, atol=1e-12)


def test_a_run_that_falls_back_to_the_interpreter_still_copies_fetched_feeds_and_constants():
    """When the compiled function raises, the plan re-runs step by step (so that the error
    can name its node). If that run succeeds, its fetched feeds and constants must be the
    caller's own copies too."""
    calls = []

    def fails_on_its_second_call(v):
        calls.append(v)
        if len(calls) == 2:  # the first call is the shape pass, the second the compiled run
            raise FloatingPointError("a one-off failure")
        return v + 1.0

    flaky = gl.register_op("FailsOnceGuard", fails_on_its_second_call)
    x = gl.placeholder(name="x")
    c = gl.constant(np.array([1.0, 2.0, 3.0]))
    values = np.array([4.0, 5.0, 6.0])
    with gl.Session() as session:
        fetched_x, fetched_c, total = session.run([x, c, flaky(x + c)], {x: values})
        assert len(calls) == 3  # shape pass, failed compiled run, step-by-step re-run
        fetched_x[0] = fetched_c[0] = -100.0
        np.testing.assert_array_equal(values, [4.0, 5.0, 6.0])
        np.testing.assert_array_equal(total, [6.0, 8.0, 10.0])
        again = session.run([x, c], {x: values})
    np.testing.assert_array_equal(again[0], [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(again[1], [1.0, 2.0, 3.0])


ZERO_SUMS = [  # (gradlab formula, numpy's, points where the sum under the division is 0)
    (lambda x: 1 / (1 - x * x), lambda x: 1 / (1 - x * x), [-1.0, 1.0]),
    (lambda x: 1 / (2 - 2 * x), lambda x: 1 / (2 - 2 * x), [1.0]),
    (lambda x: 1 / (3 - x), lambda x: 1 / (3 - x), [3.0]),
    (lambda x: 1 / gl.sqrt(1 - x**2), lambda x: 1 / np.sqrt(1 - x**2), [-1.0, 1.0]),
    (lambda x: gl.gradients(gl.arcsin(x), x)[0], lambda x: 1 / np.sqrt(1 - x**2), [-1.0, 1.0]),
    (lambda x: gl.gradients(gl.arccos(x), x)[0], lambda x: -1 / np.sqrt(1 - x**2), [-1.0, 1.0]),
    (lambda x: 1 / (x - 1), lambda x: 1 / (x - 1), [1.0]),
    (lambda x: 1 / (0.5 * x - 0.5), lambda x: 1 / (0.5 * x - 0.5), [1.0]),  # carries 0.5
    (lambda x: 1 / (0.5 - 0.25 * x), lambda x: 1 / (0.5 - 0.25 * x), [2.0]),  # carries -0.25
    # a minus the formula puts in front of a sum keeps numpy's -0 (and so its -inf)
    (lambda x: 1 / -(x * x - 1), lambda x: 1 / -(x * x - 1), [-1.0, 1.0]),
    (lambda x: -(x - 1), lambda x: -(x - 1), [1.0]),
    (lambda x: -2.0 * (x * x - 1), lambda x: -2.0 * (x * x - 1), [1.0]),
    (lambda x: -(1 - x * x), lambda x: -(1 - x * x), [1.0]),
    (lambda x: 1 - x * x, lambda x: 1 - x * x, [-1.0, 1.0]),
    (lambda x: gl.gradients(gl.log(-(x - 1)), x)[0], lambda x: 1 / (x - 1), [1.0]),
]


@pytest.mark.parametrize("index", range(len(ZERO_SUMS)))
def test_a_sum_that_is_exactly_zero_keeps_the_sign_numpy_gives_it(index):
    """1 - x*x is +0 at x = 1, so 1/(1 - x*x) is +inf there, and arcsin'(1) = +inf. The
    optimiser collects sums into linear combinations and carries their signs; where it
    writes one out, it must write k - p, not -(p - k), which is -0, unless the formula
    itself negates the sum."""
    build, reference, points = ZERO_SUMS[index]
    x = gl.placeholder(name="x")
    values = np.array([*points, 0.5, -0.25])
    out = build(x)
    with gl.Session() as session, np.errstate(all="ignore"):
        for _ in range(2):  # the shape pass, then the compiled plan
            got, expected = session.run(out, {x: values}), reference(values)
            np.testing.assert_array_equal(got, expected)
            np.testing.assert_array_equal(np.signbit(got), np.signbit(expected))  # +0 or -0
