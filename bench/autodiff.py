"""gradlab against hand-written numpy and the autodiff libraries, on the slider workload.

    python bench/autodiff.py [--rounds 30] [--quick]

Workloads (float64):

* W1: f = sin(x); compute f and f'                              n = 100 and 10**6
* W2: f = sin(3x) exp(-x/5) + x**2/10 - log(1 + x**2) tanh(x); f and f'     n = 100 and 10**6
* W3: f'' of W2 alone                                             n = 100 and 10**6
* W4: linear regression y = W x + b by gradient descent, 100 points, 1000 steps

Systems: hand-written numpy derivatives (the floor), gradlab (a Session re-running a fetch list
on a placeholder, as the explorer does), gradlab's functional face (gl.value_and_grad and
gl.grad of plain numpy functions: a trace-once plan cache), and when installed HIPS autograd, PyTorch eager, JAX
(jit) and TensorFlow 1 graph mode. Systems that are not installed are skipped, and the script
says so. ``pip install -e ".[bench]"`` installs them (use a separate virtual environment).

Every system's values are checked against the hand-written derivatives before anything is timed.
Timings are interleaved in one process: each round runs every system once, in turn, so a slow
moment of the machine is shared. Medians are printed with their ratio to the floor, then the
targets of the performance issue with "met" or "MISSED". At n = 10**6 the peak memory of numpy's
allocations (tracemalloc) is compared for the floor and gradlab.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time
import tracemalloc
from typing import Callable

import numpy as np

import gradlab as gl

SMALL, LARGE = 100, 10**6
STEPS, RATE = 1000, 0.5


# ---------------------------------------------------------------------------------------
# The floor: derivatives written by hand with numpy
# ---------------------------------------------------------------------------------------

def numpy_w1(x):
    return np.sin(x), np.cos(x)


def numpy_w2(x):
    t = np.tanh(x)
    e = np.exp(-x / 5)
    s, c = np.sin(3 * x), np.cos(3 * x)
    q = 1 + x * x
    L = np.log(q)
    f = s * e + x * x / 10 - L * t
    df = e * (3 * c - s / 5) + x / 5 - 2 * x * t / q - L * (1 - t * t)
    return f, df


def numpy_w3(x):
    t = np.tanh(x)
    e = np.exp(-x / 5)
    s, c = np.sin(3 * x), np.cos(3 * x)
    q = 1 + x * x
    u = 1 - t * t  # tanh'
    return (e * (-8.96 * s - 1.2 * c) + 0.2
            - (2 * (1 - x * x) / (q * q) * t + 4 * x / q * u - 2 * np.log(q) * t * u))


def regression_data():
    rng = np.random.default_rng(0)
    xs = rng.uniform(0, 1, (SMALL, 1))
    return xs, 3 * xs + 2 + rng.normal(0, 0.1, (SMALL, 1))


def numpy_w4(xs, ys):
    def train():
        W, b = np.zeros((1, 1)), np.zeros(1)
        for _ in range(STEPS):
            r = xs @ W + b - ys
            W = W - RATE * (2 / SMALL) * (xs.T @ r)
            b = b - RATE * (2 / SMALL) * r.sum(axis=0)
        return W, b
    return train


# ---------------------------------------------------------------------------------------
# The systems. Each maker returns {workload: (function computing the outputs, to_numpy)}.
# ---------------------------------------------------------------------------------------

def make_numpy(points):
    xs, ys = regression_data()
    return {
        "W1": (lambda: numpy_w1(points), None),
        "W2": (lambda: numpy_w2(points), None),
        "W3": (lambda: numpy_w3(points), None),
        "W4": (numpy_w4(xs, ys), None),
    }


def w2_formula(m):
    """W2 written against a numpy-like module m (gradlab, autograd.numpy, torch, jnp, tf)."""
    return lambda x: m.sin(3 * x) * m.exp(-x / 5) + x**2 / 10 - m.log(1 + x**2) * m.tanh(x)


def make_gradlab(points):
    made = {}
    for name, f in (("W1", gl.sin), ("W2", w2_formula(gl))):
        graph = gl.Graph()
        with graph.as_default():
            x = gl.placeholder(name="x")
            y = f(x)
            (dy,) = gl.gradients(y, x)
            (d2y,) = gl.gradients(dy, x)
        session = gl.Session(graph)
        fetch_1, fetch_2, feed = [y, dy], [d2y], {x: points}
        made[name] = (lambda s=session, q=fetch_1, d=feed: s.run(q, d), None)
        if name == "W2":
            made["W3"] = (lambda s=session, q=fetch_2, d=feed: s.run(q, d)[0], None)
    xs, ys = regression_data()
    graph = gl.Graph()
    with graph.as_default():
        x = gl.placeholder(shape=(None, 1), name="x")
        y_ = gl.placeholder(shape=(None, 1), name="y_")
        W = gl.Variable(np.zeros((1, 1)), name="W")
        b = gl.Variable(np.zeros(1), name="b")
        cost = gl.reduce_mean((x @ W + b - y_) ** 2)
        step = gl.train.GradientDescentOptimizer(RATE).minimize(cost)
        init = gl.global_variables_initializer()
    session = gl.Session(graph)

    def train():
        feed = {x: xs, y_: ys}
        session.run(init)
        for _ in range(STEPS):
            session.run(step, feed)
        return session.run([W, b])

    made["W4"] = (train, None)
    return made


def make_gradlab_functional(points):
    """gradlab's functional face: gl.value_and_grad and gl.grad of plain numpy functions
    (traced once, then a cached plan per call; the per-call cost of the trace cache)."""
    f2 = w2_formula(np)
    slope_1, slope_2 = gl.value_and_grad(np.sin), gl.value_and_grad(f2)
    second = gl.grad(gl.grad(f2))
    xs, ys = regression_data()
    cost = gl.value_and_grad(lambda p: np.mean((xs @ p[0] + p[1] - ys) ** 2))

    def train():
        W, b = np.zeros((1, 1)), np.zeros(1)
        for _ in range(STEPS):
            _, (gW, gb) = cost((W, b))
            W, b = W - RATE * gW, b - RATE * gb
        return W, b

    return {
        "W1": (lambda: slope_1(points), None),
        "W2": (lambda: slope_2(points), None),
        "W3": (lambda: second(points), None),
        "W4": (train, None),
    }


def make_autograd(points):
    import autograd.numpy as anp
    from autograd import elementwise_grad, make_vjp

    def value_and_slope(f):
        def run():
            vjp, value = make_vjp(f)(points)
            return value, vjp(np.ones_like(value))
        return run

    f2 = w2_formula(anp)
    xs, ys = regression_data()
    grad_cost = elementwise_grad(lambda p: anp.mean((xs @ p[0] + p[1] - ys) ** 2))

    def train():
        W, b = np.zeros((1, 1)), np.zeros(1)
        for _ in range(STEPS):
            gW, gb = grad_cost((W, b))
            W, b = W - RATE * gW, b - RATE * gb
        return W, b

    return {
        "W1": (value_and_slope(anp.sin), None),
        "W2": (value_and_slope(f2), None),
        "W3": (lambda: elementwise_grad(elementwise_grad(f2))(points), None),
        "W4": (train, None),
    }


def make_torch(points):
    import torch

    torch.set_num_threads(1)
    xt = torch.tensor(points, dtype=torch.float64)
    f2 = w2_formula(torch)

    def value_and_slope(f):
        def run():
            x = xt.detach().requires_grad_(True)
            y = f(x)
            (g,) = torch.autograd.grad(y, x, torch.ones_like(y))
            return y, g
        return run

    def second():
        x = xt.detach().requires_grad_(True)
        y = f2(x)
        (g,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=True)
        (g2,) = torch.autograd.grad(g, x, torch.ones_like(g))
        return g2

    xs, ys = (torch.tensor(a) for a in regression_data())

    def train():
        W = torch.zeros((1, 1), dtype=torch.float64, requires_grad=True)
        b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
        for _ in range(STEPS):
            cost = ((xs @ W + b - ys) ** 2).mean()
            gW, gb = torch.autograd.grad(cost, (W, b))
            with torch.no_grad():
                W -= RATE * gW
                b -= RATE * gb
        return W, b

    to_numpy = lambda out: [t.detach().numpy() for t in (out if isinstance(out, (tuple, list)) else [out])]  # noqa: E731
    return {"W1": (value_and_slope(torch.sin), to_numpy), "W2": (value_and_slope(f2), to_numpy),
            "W3": (second, to_numpy), "W4": (train, to_numpy)}


def make_jax(points):
    import jax

    jax.config.update("jax_enable_x64", True)
    jax.config.update("jax_cpu_enable_async_dispatch", False)
    import jax.numpy as jnp

    xj = jnp.asarray(points)
    f2 = w2_formula(jnp)

    def value_and_slope(f):
        compiled = jax.jit(lambda x: (f(x), jax.grad(lambda v: f(v).sum())(x)))
        return lambda: jax.block_until_ready(compiled(xj))

    second = jax.jit(jax.grad(lambda x: jax.grad(lambda v: f2(v).sum())(x).sum()))
    xs, ys = (jnp.asarray(a) for a in regression_data())

    @jax.jit
    def step(W, b):
        gW, gb = jax.grad(lambda W, b: jnp.mean((xs @ W + b - ys) ** 2), argnums=(0, 1))(W, b)
        return W - RATE * gW, b - RATE * gb

    def train():
        W, b = jnp.zeros((1, 1)), jnp.zeros(1)
        for _ in range(STEPS):
            W, b = step(W, b)
        return jax.block_until_ready((W, b))

    to_numpy = lambda out: [np.asarray(a) for a in (out if isinstance(out, (tuple, list)) else [out])]  # noqa: E731
    return {"W1": (value_and_slope(jnp.sin), to_numpy), "W2": (value_and_slope(f2), to_numpy),
            "W3": (lambda: jax.block_until_ready(second(xj)), to_numpy), "W4": (train, to_numpy)}


def make_tensorflow(points):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    v1 = tf.compat.v1
    v1.disable_eager_execution()
    made = {}
    graph = tf.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float64)
        f2 = w2_formula(tf.math)
        y1 = tf.sin(x)
        g1 = tf.gradients(y1, x)[0]
        y2 = f2(x)
        g2 = tf.gradients(y2, x)[0]
        h2 = tf.gradients(g2, x)[0]
        xs_, ys_ = regression_data()
        X = v1.placeholder(tf.float64, (None, 1))
        Y = v1.placeholder(tf.float64, (None, 1))
        W = tf.Variable(np.zeros((1, 1)))
        b = tf.Variable(np.zeros(1))
        cost = tf.reduce_mean((tf.matmul(X, W) + b - Y) ** 2)
        step = v1.train.GradientDescentOptimizer(RATE).minimize(cost)
        init = v1.global_variables_initializer()
    session = v1.Session(graph=graph, config=v1.ConfigProto(intra_op_parallelism_threads=1,
                                                            inter_op_parallelism_threads=1))
    feed = {x: points}
    made["W1"] = (lambda: session.run([y1, g1], feed), None)
    made["W2"] = (lambda: session.run([y2, g2], feed), None)
    made["W3"] = (lambda: session.run(h2, feed), None)

    def train():
        session.run(init)
        data = {X: xs_, Y: ys_}
        for _ in range(STEPS):
            session.run(step, data)
        return session.run([W, b])

    made["W4"] = (train, None)
    return made


MAKERS: dict[str, Callable] = {
    "numpy (floor)": make_numpy,
    "gradlab": make_gradlab,
    "gradlab gl.grad": make_gradlab_functional,
    "autograd": make_autograd,
    "PyTorch eager": make_torch,
    "JAX jit": make_jax,
    "TensorFlow 1": make_tensorflow,
}


# ---------------------------------------------------------------------------------------
# Checking and timing
# ---------------------------------------------------------------------------------------

def as_arrays(out, to_numpy):
    if to_numpy is not None:
        return to_numpy(out)
    return [np.asarray(a) for a in (out if isinstance(out, (tuple, list)) else [out])]


def check(systems, n):
    """Every system must agree with the hand-written derivatives before it is timed."""
    floor = systems["numpy (floor)"]
    for workload in ("W1", "W2", "W3", "W4"):
        if workload == "W4" and n != SMALL:
            continue
        want = as_arrays(floor[workload][0](), None)
        for name, made in systems.items():
            fn, to_numpy = made[workload]
            got = as_arrays(fn(), to_numpy)
            for g, w in zip(got, want):
                tol = 1e-6 if workload == "W4" else 1e-9
                if not np.allclose(np.reshape(g, np.shape(w)), w, rtol=tol, atol=tol):
                    raise SystemExit(f"{name} gives wrong values for {workload} at n = {n}")


def timings(systems, workload, n, rounds):
    """Median seconds per call for each system, interleaved round by round."""
    inner = 1 if workload == "W4" or n >= LARGE else max(1, 20000 // n)
    times = {name: [] for name in systems}
    for r in range(rounds):
        names = list(systems)
        names = names[r % len(names):] + names[: r % len(names)]  # rotate who goes first
        for name in names:
            fn = systems[name][workload][0]
            gc.disable()
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            times[name].append((time.perf_counter() - start) / inner)
            gc.enable()
    return {name: statistics.median(t) for name, t in times.items()}


def peak_memory(fn):
    gc.collect()
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def fmt(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.2f} s "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="interleaved rounds per workload")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, for a smoke test")
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds

    print(f"gradlab {gl.__version__}, numpy {np.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} cores; medians of {rounds} interleaved rounds\n")
    results = {}
    for n in (SMALL, LARGE):
        points = np.linspace(0.1, 6.0, n)
        systems = {}
        for name, maker in MAKERS.items():
            try:
                systems[name] = maker(points)
            except ImportError as err:
                if n == SMALL:
                    print(f"  ({name} is not installed, skipped: {err.name})")
        check(systems, n)
        for workload in ("W1", "W2", "W3") + (("W4",) if n == SMALL else ()):
            if workload == "W4":
                wl_rounds = max(3, rounds // 5)
            else:
                wl_rounds = rounds if n == SMALL else max(5, rounds // 3)
            results[(workload, n)] = timings(systems, workload, n, wl_rounds)
        if n == LARGE:
            for workload in ("W1", "W2", "W3"):
                results[("memory", workload)] = {
                    name: peak_memory(systems[name][workload][0])
                    for name in ("numpy (floor)", "gradlab")
                }
    print()
    header = f"{'workload':10} {'n':>8}  {'system':16} {'median':>11}  {'× floor':>8}"
    print(header)
    print("-" * len(header))
    for (workload, n), medians in results.items():
        if workload == "memory":
            continue
        floor = medians["numpy (floor)"]
        for name, t in sorted(medians.items(), key=lambda kv: kv[1]):
            size = "1000 st." if workload == "W4" else f"{n:>8}"
            print(f"{workload:10} {size:>8}  {name:16} {fmt(t)}  {t / floor:8.2f}")
        print()
    print("peak memory of numpy allocations at n = 10**6 (tracemalloc):")
    for workload in ("W1", "W2", "W3"):
        m = results[("memory", workload)]
        ratio = m["gradlab"] / m["numpy (floor)"]
        print(f"  {workload}: floor {m['numpy (floor)'] / 1e6:6.1f} MB, gradlab "
              f"{m['gradlab'] / 1e6:6.1f} MB, ratio {ratio:.2f}")
    print()
    report_targets(results)


def report_targets(results) -> None:
    def ratio(workload, n, system="gradlab"):
        medians = results[(workload, n)]
        return medians[system] / medians["numpy (floor)"]

    def beats(workload, n, others):
        medians = results[(workload, n)]
        present = [o for o in others if o in medians]
        return all(medians["gradlab"] < medians[o] for o in present), present

    others = ["autograd", "PyTorch eager", "JAX jit", "TensorFlow 1"]
    lines = []
    for w in ("W1", "W2"):
        lines.append((f"{w} n=100 within 2x of the floor ({ratio(w, SMALL):.2f}x)", ratio(w, SMALL) <= 2))
        ok, present = beats(w, SMALL, others)
        lines.append((f"{w} n=100 faster than {', '.join(present) or 'nothing measured'}", ok))
    lines.append((f"W3 n=100 within 3x of the floor ({ratio('W3', SMALL):.2f}x)", ratio("W3", SMALL) <= 3))
    ok, present = beats("W3", SMALL, ["autograd", "PyTorch eager", "TensorFlow 1"])
    lines.append((f"W3 n=100 faster than {', '.join(present) or 'nothing measured'}", ok))
    if "JAX jit" in results[("W3", SMALL)]:
        jax_ratio = results[("W3", SMALL)]["gradlab"] / results[("W3", SMALL)]["JAX jit"]
        lines.append((f"W3 n=100 within 1.7x of JAX jit ({jax_ratio:.2f}x)", jax_ratio <= 1.7))
    for w in ("W1", "W2", "W3"):
        lines.append((f"{w} n=10**6 within 1.25x of the floor ({ratio(w, LARGE):.2f}x)",
                      ratio(w, LARGE) <= 1.25))
        m = results[("memory", w)]
        mem = m["gradlab"] / m["numpy (floor)"]
        lines.append((f"{w} n=10**6 peak memory within 1.5x of the floor's ({mem:.2f}x)", mem <= 1.5))
    ok, present = beats("W4", SMALL, ["PyTorch eager", "TensorFlow 1"])
    lines.append((f"W4 faster than {', '.join(present) or 'nothing measured'}", ok))
    print("targets:")
    for text, ok in lines:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")


if __name__ == "__main__":
    main()
