"""Forward against reverse mode: the cost of a whole Jacobian, and where the two cross.

    python bench/jacobians.py [--sizes 1 3 10 30 100 300 1000] [--rounds 7]

The theory: forward mode finds one *column* of the Jacobian per pass (a tangent per
input element), reverse mode one *row* per pass (a cotangent per output element). So

* for f: Rⁿ → R (a loss), jacfwd needs n passes and jacrev one;
* for g: R → Rⁿ (a curve), jacfwd needs one pass and jacrev n.

Both functions here are the course's f(x) = sin(x) exp(-x/5), as a sum over a vector
x (f) and as a curve sampled at n rates (g(t) = sin(c t) exp(-c t / 5)).

For each n the script prints the plan steps (gradlab compiles all the passes of one
Jacobian into one plan) and the median time per call after the first call has traced
and compiled it, for gradlab's jacfwd and jacrev, and their ratio fwd/rev. When JAX is
installed (``pip install -e ".[bench]"`` in a separate environment), its jit-compiled
jacfwd and jacrev are timed in the same process as a reference; JAX batches the passes
(vmap), gradlab runs them one after another inside one plan. Values are checked
against the closed-form Jacobian before anything is timed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Callable

import numpy as np

import gradlab as gl

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
except ImportError:  # the reference is optional
    jax = None


def loss(x):  # f: R^n -> R
    return np.sum(np.sin(x) * np.exp(-x / 5))


def loss_jacobian(x):
    return np.cos(x) * np.exp(-x / 5) - np.sin(x) * np.exp(-x / 5) / 5


def curve(rates):  # g: R -> R^n, for a fixed vector of rates c
    def g(t):
        return np.sin(rates * t) * np.exp(-rates * t / 5)

    return g


def curve_jacobian(rates, t):
    return rates * (np.cos(rates * t) - np.sin(rates * t) / 5) * np.exp(-rates * t / 5)


def median_time(call: Callable[[], object], rounds: int) -> float:
    call()  # traced and compiled here, not timed
    times = []
    for _ in range(rounds):
        repeat, start = 0, time.perf_counter()
        while True:  # at least 20 ms per round, so short calls are measured well
            call()
            repeat += 1
            elapsed = time.perf_counter() - start
            if elapsed > 0.02:
                break
        times.append(elapsed / repeat)
    return statistics.median(times)


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:9.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 3, 10, 30, 100, 300, 1000])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)

    cases = []
    for n in args.sizes:
        x = np.linspace(0.1, 3.0, n)
        rates = np.linspace(1.0, 2.0, n)
        g = curve(rates)
        cases.append(("f: R^n -> R", n, loss, x, loss_jacobian(x)[None, :].reshape(np.shape(loss(x)) + x.shape)))
        cases.append(("g: R -> R^n", n, g, 0.7, curve_jacobian(rates, 0.7)))

    print("ms per call (median); steps = plan steps; the passes one Jacobian needs: fwd n for f, rev n for g\n")
    header = "| function | n | fwd steps | rev steps | fwd ms | rev ms | fwd/rev |"
    if jax is not None:
        header += " JAX fwd ms | JAX rev ms | JAX fwd/rev |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for name, n, fn, point, exact in cases:
        forward, backward = gl.jacfwd(fn), gl.jacrev(fn)
        for got in (forward(point), backward(point)):
            np.testing.assert_allclose(np.reshape(got, np.shape(exact)), exact, rtol=1e-10, atol=1e-12)
        steps = (len(forward.plan(point)), len(backward.plan(point)))
        fwd = median_time(lambda: forward(point), args.rounds)
        rev = median_time(lambda: backward(point), args.rounds)
        row = f"| {name} | {n} | {steps[0]} | {steps[1]} | {_ms(fwd)} | {_ms(rev)} | {fwd / rev:8.3g} |"
        if jax is not None:
            if name.startswith("f"):
                jf = lambda v: jnp.sum(jnp.sin(v) * jnp.exp(-v / 5))  # noqa: E731
            else:
                c = jnp.asarray(np.linspace(1.0, 2.0, n))
                jf = lambda t, c=c: jnp.sin(c * t) * jnp.exp(-c * t / 5)  # noqa: E731
            jfwd, jrev = jax.jit(jax.jacfwd(jf)), jax.jit(jax.jacrev(jf))
            p = jnp.asarray(point)
            np.testing.assert_allclose(np.reshape(jfwd(p), np.shape(exact)), exact, rtol=1e-10)
            tf = median_time(lambda: jfwd(p).block_until_ready(), args.rounds)
            tr = median_time(lambda: jrev(p).block_until_ready(), args.rounds)
            row += f" {_ms(tf)} | {_ms(tr)} | {tf / tr:8.3g} |"
        print(row, flush=True)
    print("\nfwd/rev > 1: reverse mode is cheaper; < 1: forward mode is cheaper.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
