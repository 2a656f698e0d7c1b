"""numpy code on tensors: every supported function, against numpy and finite differences.

Each case is a function written with plain numpy calls. Run on numpy arrays it is
numpy's own computation, which is the reference; run on placeholders it builds a
gradlab graph. For each case the test checks

* the value, against numpy;
* the gradient of ``sum(w * f(x))`` (random weights w), against central finite
  differences of numpy's own f;
* a Hessian-vector product (the gradient of ``sum(gradient * v)``), against central
  differences of the gradient: second derivatives through the same ops.

Inputs are drawn so that no case sits on a kink or a tie (values are distinct and
kept away from zero where that matters).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import gradlab as gl
from invariants import assert_static_facts_hold

RNG = np.random.default_rng(7)


def _inputs(shapes, low=0.3, high=1.5, signed=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays = []
    for shape in shapes:
        size = int(np.prod(shape))
        # distinct magnitudes, so sorting, max and clip never meet a tie
        magnitudes = low + (high - low) * (rng.permutation(size) + rng.uniform(0.1, 0.9, size)) / size
        signs = rng.choice([-1.0, 1.0], size) if signed else 1.0
        arrays.append((magnitudes * signs).reshape(shape))
    return arrays


def _total(outputs, weights):
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    return sum((w * o).sum() for w, o in zip(weights, outputs))


def _central(f, arrays, i, eps=1e-6):
    """Central differences of the scalar f(*arrays) with respect to arrays[i]."""
    grad = np.zeros_like(arrays[i])
    for k in np.ndindex(arrays[i].shape):
        up = [a.copy() for a in arrays]
        down = [a.copy() for a in arrays]
        up[i][k] += eps
        down[i][k] -= eps
        grad[k] = (f(*up) - f(*down)) / (2 * eps)
    return grad


def check(f, *arrays, order=2, rtol=1e-5, atol=1e-6):
    """f built on tensors agrees with numpy's f in value, gradient and Hessian-vector
    product (a second derivative in every direction v at once)."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    expected = f(*arrays)
    expected_list = expected if isinstance(expected, (list, tuple)) else [expected]
    weights = [RNG.uniform(0.5, 1.5, np.shape(e)) for e in expected_list]

    xs = [gl.placeholder(shape=a.shape, name=f"a{i}") for i, a in enumerate(arrays)]
    built = f(*xs)
    built_list = built if isinstance(built, (list, tuple)) else [built]
    assert all(isinstance(b, gl.Tensor) for b in built_list), "f did not build graph nodes"
    loss = _total(built_list, [gl.constant(w) for w in weights])
    grads = gl.gradients(loss, xs)
    feed = dict(zip(xs, arrays))
    with gl.Session() as session:
        values = session.run(built_list, feed)
        for v, e, b in zip(values, expected_list, built_list):
            np.testing.assert_allclose(v, e, rtol=1e-12, atol=1e-12)
            assert np.shape(v) == np.shape(e)
            if b.shape is not None and None not in b.shape:
                assert b.shape == np.shape(e), "the static shape is wrong"
        got = session.run(grads, feed)

        def numpy_loss(*a):
            return _total(f(*a), weights)

        for i, g in enumerate(got):
            assert g.shape == arrays[i].shape
            np.testing.assert_allclose(g, _central(numpy_loss, arrays, i), rtol=rtol, atol=atol)
        if order < 2:
            assert_static_facts_hold(built_list + grads, feed)
            return
        directions = [RNG.uniform(-1, 1, a.shape) for a in arrays]
        hvp = gl.gradients(sum(gl.reduce_sum(g * d) for g, d in zip(grads, directions)), xs)
        # forward mode: the tangents of the outputs along the directions (J v), and the
        # tangent of the gradients (forward over reverse: the same Hessian-vector product)
        jv = gl.forward_gradients(built_list, xs, [gl.constant(d) for d in directions])
        hvp_forward = gl.forward_gradients(grads, xs, [gl.constant(d) for d in directions])
        assert_static_facts_hold(built_list + grads + hvp + jv + hvp_forward, feed)
        got2, got_jv, got2_forward = session.run([hvp, jv, hvp_forward], feed)
        eps = 1e-5
        up = session.run(grads, {x: a + eps * d for x, a, d in zip(xs, arrays, directions)})
        down = session.run(grads, {x: a - eps * d for x, a, d in zip(xs, arrays, directions)})
        for h, hf, u, dn in zip(got2, got2_forward, up, down):
            np.testing.assert_allclose(h, (u - dn) / (2 * eps), rtol=1e-4, atol=1e-5)
            np.testing.assert_allclose(hf, h, rtol=1e-9, atol=1e-10)
        moved_up = f(*[a + eps * d for a, d in zip(arrays, directions)])
        moved_down = f(*[a - eps * d for a, d in zip(arrays, directions)])
        moved_up = moved_up if isinstance(moved_up, (list, tuple)) else [moved_up]
        moved_down = moved_down if isinstance(moved_down, (list, tuple)) else [moved_down]
        for t, e, mu, md in zip(got_jv, expected_list, moved_up, moved_down):
            assert np.shape(t) == np.shape(e)
            np.testing.assert_allclose(t, (np.asarray(mu) - np.asarray(md)) / (2 * eps),
                                       rtol=1e-5, atol=1e-6)
        # the two modes are transposes: <w, J v> = <J^T w, v>
        forward_pairing = sum(np.sum(w * t) for w, t in zip(weights, got_jv))
        reverse_pairing = sum(np.sum(g * d) for g, d in zip(got, directions))
        np.testing.assert_allclose(forward_pairing, reverse_pairing, rtol=1e-9, atol=1e-10)


# -- fixed cases: (name, function, input shapes, keyword options for the inputs) -------------
CASES = [
    # products
    ("dot 1d 1d", lambda a, b: np.dot(a, b), [(3,), (3,)], {}),
    ("dot 2d 1d", lambda a, b: np.dot(a, b), [(2, 3), (3,)], {}),
    ("dot 1d 2d", lambda a, b: np.dot(a, b), [(3,), (3, 2)], {}),
    ("dot 2d 2d", lambda a, b: np.dot(a, b), [(2, 3), (3, 2)], {}),
    ("dot 3d 2d", lambda a, b: np.dot(a, b), [(2, 2, 3), (3, 2)], {}),
    ("dot 2d 3d", lambda a, b: np.dot(a, b), [(2, 3), (2, 3, 2)], {}),
    ("dot scalar", lambda a, b: np.dot(a, b), [(), (3,)], {}),
    ("vdot", lambda a, b: np.vdot(a, b), [(2, 3), (3, 2)], {}),
    ("inner", lambda a, b: np.inner(a, b), [(2, 3), (4, 3)], {}),
    ("inner 1d", lambda a, b: np.inner(a, b), [(3,), (3,)], {}),
    ("outer", lambda a, b: np.outer(a, b), [(3,), (2, 2)], {}),
    ("tensordot 2", lambda a, b: np.tensordot(a, b), [(2, 3, 2), (3, 2)], {}),
    ("tensordot 1", lambda a, b: np.tensordot(a, b, 1), [(2, 3), (3, 2)], {}),
    ("tensordot pairs", lambda a, b: np.tensordot(a, b, axes=([1, 0], [0, 1])), [(2, 3, 2), (3, 2)], {}),
    ("matmul", lambda a, b: np.matmul(a, b), [(2, 2, 3), (3, 2)], {}),
    ("einsum ij,jk->ik", lambda a, b: np.einsum("ij,jk->ik", a, b), [(2, 3), (3, 2)], {}),
    ("einsum implicit", lambda a, b: np.einsum("ij,jk", a, b), [(2, 3), (3, 2)], {}),
    ("einsum implicit ba", lambda a, b: np.einsum("ba,ac", a, b), [(2, 3), (3, 2)], {}),
    ("einsum trace", lambda a: np.einsum("ii->", a), [(3, 3)], {}),
    ("einsum diagonal", lambda a: np.einsum("ii->i", a), [(3, 3)], {}),
    ("einsum implicit trace", lambda a: np.einsum("ii", a), [(3, 3)], {}),
    ("einsum transpose", lambda a: np.einsum("ijk->kji", a), [(2, 3, 2)], {}),
    ("einsum sum", lambda a: np.einsum("ij->j", a), [(2, 3)], {}),
    ("einsum batch", lambda a, b: np.einsum("bij,bjk->bik", a, b), [(2, 2, 3), (2, 3, 2)], {}),
    ("einsum ellipsis", lambda a, b: np.einsum("...ij,...jk->...ik", a, b), [(2, 2, 3), (3, 2)], {}),
    ("einsum outer", lambda a, b: np.einsum("i,j->ij", a, b), [(3,), (2,)], {}),
    ("einsum dot", lambda a, b: np.einsum("i,i", a, b), [(3,), (3,)], {}),
    ("einsum three", lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c), [(2, 3), (3, 2), (2, 2)], {}),
    ("einsum summed away", lambda a, b: np.einsum("ijk,kj->i", a, b), [(2, 3, 2), (2, 3)], {}),
    ("einsum broadcast 1", lambda a, b: np.einsum("ij,ij->ij", a, b), [(1, 3), (2, 3)], {}),
    ("einsum scalar", lambda a, b: np.einsum(",ij->ij", a, b), [(), (2, 3)], {}),
    # shapes
    ("transpose", lambda a: np.transpose(a, (1, 2, 0)), [(2, 3, 2)], {}),
    ("swapaxes", lambda a: np.swapaxes(a, 0, 2), [(2, 3, 2)], {}),
    ("moveaxis", lambda a: np.moveaxis(a, 0, -1), [(2, 3, 2)], {}),
    ("moveaxis many", lambda a: np.moveaxis(a, [0, 1], [2, 0]), [(2, 3, 4)], {}),
    ("reshape", lambda a: np.reshape(a, (3, -1)), [(2, 3, 2)], {}),
    ("ravel", lambda a: np.ravel(a) * np.arange(1, 13.0), [(2, 3, 2)], {}),
    ("squeeze", lambda a: np.squeeze(a), [(2, 1, 3, 1)], {}),
    ("squeeze axis", lambda a: np.squeeze(a, axis=1), [(2, 1, 3, 1)], {}),
    ("expand_dims", lambda a: np.expand_dims(a, 1) * np.ones((2, 3, 3)), [(2, 3)], {}),
    ("expand_dims tuple", lambda a: np.expand_dims(a, (0, -1)), [(2, 3)], {}),
    ("broadcast_to", lambda a: np.broadcast_to(a, (2, 2, 3)) ** 2, [(2, 1, 3)], {}),
    ("concatenate", lambda a, b: np.concatenate([a, b, a]) ** 2, [(2, 3), (1, 3)], {}),
    ("concatenate axis 1", lambda a, b: np.concatenate([a, b], axis=1) ** 3, [(2, 3), (2, 1)], {}),
    ("concatenate axis None", lambda a, b: np.concatenate([a, b], axis=None) ** 2, [(2, 2), (3,)], {}),
    ("stack", lambda a, b: np.stack([a, b, a * b]) ** 2, [(2, 3), (2, 3)], {}),
    ("stack axis -1", lambda a, b: np.stack([a, b], axis=-1) ** 2, [(2, 3), (2, 3)], {}),
    ("hstack", lambda a, b: np.hstack([a, b]) ** 2, [(3,), (2,)], {}),
    ("hstack 2d", lambda a, b: np.hstack([a, b]) ** 2, [(2, 3), (2, 1)], {}),
    ("vstack", lambda a, b: np.vstack([a, b]) ** 2, [(3,), (2, 3)], {}),
    ("split", lambda a: [p ** (i + 1) for i, p in enumerate(np.split(a, 3, axis=1))], [(2, 6)], {}),
    ("split points", lambda a: [p ** 2 for p in np.split(a, [1, 3])], [(5, 2)], {}),
    ("array_split", lambda a: [p ** (i + 2) for i, p in enumerate(np.array_split(a, 3))], [(5,)], {}),
    ("repeat", lambda a: np.repeat(a, 2, axis=0) ** 2, [(2, 3)], {}),
    ("repeat flat", lambda a: np.repeat(a, [1, 2, 0, 3]) ** 2, [(2, 2)], {}),
    ("tile", lambda a: np.tile(a, (2, 1, 2)) ** 2, [(2, 3)], {}),
    ("tile number", lambda a: np.tile(a, 3) ** 2, [(2,)], {}),
    ("append", lambda a, b: np.append(a, b) ** 2, [(2, 2), (3,)], {}),
    ("append axis", lambda a, b: np.append(a, b, axis=0) ** 2, [(2, 2), (1, 2)], {}),
    ("flip", lambda a: np.flip(a) * np.arange(6.0).reshape(2, 3), [(2, 3)], {}),
    ("flip axis", lambda a: np.flip(a, 1) * np.arange(6.0).reshape(2, 3), [(2, 3)], {}),
    ("roll", lambda a: np.roll(a, 2) * np.arange(6.0).reshape(2, 3), [(2, 3)], {}),
    ("roll axis", lambda a: np.roll(a, -1, axis=1) * np.arange(6.0).reshape(2, 3), [(2, 3)], {}),
    ("roll axes", lambda a: np.roll(a, (1, 2), axis=(0, 1)) * np.arange(6.0).reshape(2, 3), [(2, 3)], {}),
    # selection, matrices and norms
    ("where", lambda a, b: np.where(a > 0, a * b, b ** 2), [(2, 3), (2, 3)], {}),
    ("clip", lambda a: np.clip(a, -0.8, 0.9) ** 2, [(3, 4)], {}),
    ("clip low", lambda a: np.clip(a, -0.8, None) ** 3, [(3, 4)], {}),
    ("trace", lambda a: np.trace(a) * np.sum(a), [(3, 3)], {}),
    ("trace offset", lambda a: np.trace(a, 1) ** 2, [(3, 4)], {}),
    ("diag of matrix", lambda a: np.diag(a) ** 2, [(3, 3)], {}),
    ("diag of vector", lambda a: np.diag(a, 1) @ np.arange(16.0).reshape(4, 4), [(3,)], {}),
    ("diag below", lambda a: np.diag(a, -1) ** 2, [(2,)], {}),
    ("diagonal", lambda a: np.diagonal(a, 0, 1, 2) ** 2, [(2, 3, 3)], {}),
    ("diagonal offset", lambda a: np.diagonal(a, -1) ** 2, [(3, 3)], {}),
    ("tril", lambda a: np.tril(a) ** 2, [(3, 3)], {}),
    ("triu k", lambda a: np.triu(a, 1) ** 2, [(2, 3, 3)], {}),
    ("norm", lambda a: np.linalg.norm(a), [(2, 3)], {}),
    ("norm axis", lambda a: np.linalg.norm(a, axis=1), [(2, 3)], {}),
    ("norm 1", lambda a: np.linalg.norm(a, 1) ** 2, [(4,)], {}),
    ("norm 3", lambda a: np.linalg.norm(a, 3), [(4,)], {}),
    ("norm inf", lambda a: np.linalg.norm(a, np.inf) ** 2, [(4,)], {}),
    ("norm 0", lambda a: np.linalg.norm(a, 0) * np.sum(a ** 2), [(4,)], {}),
    ("norm -inf", lambda a: np.linalg.norm(a, -np.inf) ** 2, [(4,)], {}),
    ("norm matrix -1", lambda a: np.linalg.norm(a, -1) ** 2, [(3, 3)], {}),
    ("norm fro", lambda a: np.linalg.norm(a, "fro"), [(2, 3)], {}),
    ("norm matrix 1", lambda a: np.linalg.norm(a, 1) ** 2, [(3, 3)], {}),
    ("norm matrix inf", lambda a: np.linalg.norm(a, np.inf, keepdims=True) ** 2, [(3, 3)], {}),
    ("inv", lambda a: np.linalg.inv(a + 3 * np.eye(3)), [(3, 3)], {}),
    ("inv batch", lambda a: np.linalg.inv(a + 3 * np.eye(2)), [(2, 2, 2)], {}),
    ("det", lambda a: np.linalg.det(a + 2 * np.eye(3)), [(3, 3)], {}),
    ("det batch", lambda a: np.linalg.det(a + 2 * np.eye(2)) ** 2, [(3, 2, 2)], {}),
    ("sort", lambda a: np.sort(a) * np.arange(1.0, 5.0), [(3, 4)], {}),
    ("sort axis 0", lambda a: np.sort(a, axis=0) * np.arange(1.0, 13.0).reshape(3, 4), [(3, 4)], {}),
    ("sort flat", lambda a: np.sort(a, axis=None) * np.arange(6.0), [(2, 3)], {}),
    ("zeros_like", lambda a: np.zeros_like(a) + a ** 2, [(2, 3)], {}),
    ("ones_like", lambda a: np.ones_like(a) * a ** 2, [(2, 3)], {}),
    ("full_like", lambda a: np.full_like(a, 2.5) * a ** 2, [(2, 3)], {}),
    ("cumsum flat", lambda a: np.cumsum(a) ** 2, [(2, 3)], {}),
    ("round", lambda a: np.round(a, 1) + a ** 2, [(4,)], {}),
    # more arrangements
    ("flipud fliplr", lambda a: np.flipud(a) * np.fliplr(a) ** 2, [(2, 3)], {}),
    ("rot90", lambda a: np.rot90(a) * np.arange(6.0).reshape(3, 2), [(2, 3)], {}),
    ("rot90 k", lambda a: [np.rot90(a, k) ** 2 for k in (2, 3, -1, 4)], [(2, 3)], {}),
    ("atleast", lambda a, b: [np.atleast_2d(a) ** 2, np.atleast_3d(b) ** 3, np.atleast_1d(a) * 2], [(), (3,)], {}),
    ("atleast_3d of matrix", lambda a: np.atleast_3d(a) ** 2, [(2, 2)], {}),
    ("column_stack", lambda a, b: np.column_stack([a, b]) ** 2, [(3,), (3, 2)], {}),
    ("dstack", lambda a, b: np.dstack([a, b]) ** 2, [(2, 2), (2, 2)], {}),
    ("hsplit vsplit", lambda a: [p ** 2 for p in np.hsplit(a, 2) + np.vsplit(a, [1])], [(2, 4)], {}),
    ("dsplit", lambda a: [p ** (i + 2) for i, p in enumerate(np.dsplit(a, 2))], [(1, 2, 4)], {}),
    ("rollaxis", lambda a: np.rollaxis(a, 2) ** 2 * np.arange(12.0).reshape(2, 2, 3), [(2, 3, 2)], {}),
    ("rollaxis start", lambda a: np.rollaxis(a, 0, 3) ** 2, [(2, 3, 2)], {}),
    ("diff", lambda a: np.diff(a) ** 2, [(2, 5)], {}),
    ("diff n axis", lambda a: np.diff(a, n=2, axis=0) ** 2, [(5, 2)], {}),
    ("diff prepend", lambda a: np.diff(a, prepend=0.0, append=1.0) ** 2, [(4,)], {}),
    ("kron", lambda a, b: np.kron(a, b) ** 2, [(2, 2), (2, 3)], {}),
    ("kron 1d", lambda a, b: np.kron(a, b), [(2,), (3,)], {}),
    ("cross", lambda a, b: np.cross(a, b) ** 2, [(2, 3), (2, 3)], {}),
    ("pad", lambda a: np.pad(a, 1) ** 2 * np.arange(20.0).reshape(4, 5), [(2, 3)], {}),
    ("pad widths", lambda a: np.pad(a, ((0, 1), (2, 0)), constant_values=1.5) ** 2, [(2, 3)], {}),
    ("linspace", lambda a, b: np.linspace(a, b, 5) ** 2, [(), ()], {}),
    ("linspace vectors", lambda a, b: np.linspace(a, b, 4, endpoint=False) ** 2, [(2,), (2,)], {}),
    ("sinc", lambda a: np.sinc(a) * a, [(5,)], {}),
    ("nan_to_num", lambda a: np.nan_to_num(a) ** 2, [(4,)], {}),
    ("select", lambda a: np.select([a < -0.5, a < 0.5], [a ** 2, a ** 3], a), [(8,)], {}),
    ("slogdet", lambda a: np.linalg.slogdet(a + 3 * np.eye(3))[1], [(3, 3)], {}),
    ("real imag conj", lambda a: np.real(a) * np.conj(a) + np.imag(a), [(3,)], {}),
    ("floor_divide", lambda a: (a // 0.7) * a + a % 0.7, [(4,)], {}),
    ("einsum sublists", lambda a, b: np.einsum(a, [0, 1], b, [1, 2], [0, 2]), [(2, 3), (3, 2)], {}),
    ("einsum sublist implicit", lambda a: np.einsum(a, [1, 0]), [(2, 3)], {}),
    ("vstack of one array", lambda a: np.vstack(a) ** 2, [(2, 3)], {}),
    # methods and indexing
    ("method sum", lambda a: a.sum(axis=0) ** 2, [(2, 3)], {}),
    ("method mean", lambda a: a.mean(1, keepdims=True) * a, [(2, 3)], {}),
    ("method max", lambda a: a.max(axis=1) ** 2, [(2, 3)], {}),
    ("method min", lambda a: a.min() ** 2, [(2, 3)], {}),
    ("method prod", lambda a: a.prod(axis=0), [(2, 3)], {}),
    ("method reshape", lambda a: a.reshape(3, 2) @ a, [(2, 3)], {}),
    ("method reshape tuple", lambda a: a.reshape((6,)) ** 2, [(2, 3)], {}),
    ("method transpose", lambda a: a.transpose(2, 0, 1) ** 2, [(2, 3, 2)], {}),
    ("method T", lambda a: a.T @ a, [(2, 3)], {}),
    ("method ravel flatten", lambda a: a.ravel() * a.flatten(), [(2, 3)], {}),
    ("method squeeze", lambda a: a.squeeze() ** 2, [(1, 3)], {}),
    ("method dot", lambda a, b: a.dot(b), [(2, 3), (3,)], {}),
    ("method astype", lambda a: a.astype(np.float32).astype(np.float64) * 0 + a ** 2, [(3,)], {}),
    ("method clip", lambda a: a.clip(-0.8, 0.9) ** 2, [(3, 4)], {}),
    ("index int", lambda a: a[1] ** 2, [(3, 2)], {}),
    ("index negative", lambda a: a[-1, 0] * a[0, -1], [(3, 2)], {}),
    ("index slice", lambda a: a[1:, ::2] ** 2, [(3, 4)], {}),
    ("index reversed", lambda a: a[::-1] * np.arange(4.0), [(4,)], {}),
    ("index ellipsis", lambda a: a[..., 1] ** 2, [(2, 3, 2)], {}),
    ("index None", lambda a: a[:, None] * a[None, :], [(3,)], {}),
    ("index repeated", lambda a: a[[0, 0, 2, 0]] ** 2, [(3,)], {}),
    ("index array 2d", lambda a: a[np.array([[0, 1], [1, 1]]), 1:] ** 2, [(3, 3)], {}),
    ("index pairs", lambda a: a[[0, 2, 0], [1, 1, 1]] ** 2, [(3, 3)], {}),
    ("index mask", lambda a: a[np.array([[True, False, True], [False, True, True]])] ** 2, [(2, 3)], {}),
    ("index mask row", lambda a: a[np.array([True, False, True])] ** 2, [(3, 2)], {}),
    ("iterate", lambda a: sum(row ** (i + 1) for i, row in enumerate(a)), [(3, 2)], {}),
]


@pytest.mark.parametrize("name, f, shapes, options", CASES, ids=[c[0] for c in CASES])
def test_numpy_function_on_tensors(name, f, shapes, options):
    check(f, *_inputs(shapes, **options))


UFUNCS = [  # (numpy function, low, high, signed)
    (np.log2, 0.3, 2.0, False), (np.log10, 0.3, 2.0, False), (np.exp2, 0.3, 2.0, True),
    (np.expm1, 0.3, 2.0, True), (np.arcsinh, 0.3, 2.0, True), (np.arccosh, 1.2, 3.0, False),
    (np.arctanh, 0.1, 0.8, True), (np.reciprocal, 0.3, 2.0, True), (np.fabs, 0.3, 2.0, True),
    (np.deg2rad, 0.3, 2.0, True), (np.rad2deg, 0.3, 2.0, True), (np.radians, 0.3, 2.0, True),
    (np.degrees, 0.3, 2.0, True), (np.floor, 0.3, 2.0, True), (np.ceil, 0.3, 2.0, True),
    (np.rint, 0.3, 2.0, True), (np.trunc, 0.3, 2.0, True), (np.round, 0.3, 2.0, True),
]
BINARY_UFUNCS = [np.arctan2, np.hypot, np.logaddexp, np.logaddexp2, np.fmax, np.fmin, np.mod,
                 np.remainder, np.fmod]


@pytest.mark.parametrize("f, low, high, signed", UFUNCS, ids=[u[0].__name__ for u in UFUNCS])
def test_more_ufuncs(f, low, high, signed):
    # multiplied by x**2, so that the flat ones (floor ...) still have a derivative to check
    [a] = _inputs([(5,)], low, high, signed)
    a = a + 0.013  # off the integers and halves where rounding jumps
    check(lambda x: f(x) * x**2, a)


@pytest.mark.parametrize("f", BINARY_UFUNCS, ids=[u.__name__ for u in BINARY_UFUNCS])
def test_more_binary_ufuncs(f):
    a, b = _inputs([(6,), (6,)], 0.3, 2.0, True, seed=3)
    b = np.where(np.abs(b) < 0.5, b + np.sign(b), b)  # mod: not too close to 0
    check(lambda x, y: f(x, y) * y, a, b)


def test_every_new_ufunc_has_a_gl_name_that_computes_it():
    x = np.linspace(0.3, 0.9, 4)
    for f, low, high, _ in UFUNCS:
        with gl.Session() as session:
            x = np.linspace(low, high, 4)
            np.testing.assert_allclose(session.run(getattr(gl, f.__name__)(gl.constant(x))), f(x))
    x = np.linspace(0.3, 0.9, 4)
    for f in BINARY_UFUNCS:
        with gl.Session() as session:
            got = session.run(getattr(gl, f.__name__)(gl.constant(x), gl.constant(x[::-1])))
            np.testing.assert_allclose(got, f(x, x[::-1]))


# -- reductions over Hypothesis-drawn shapes and axes ----------------------------------------

@st.composite
def shape_and_axis(draw):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=3)))
    n = len(shape)
    axis = draw(st.one_of(
        st.none(), st.integers(-n, n - 1),
        st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True).map(tuple)))
    return shape, axis, draw(st.booleans())


REDUCTIONS = {"sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min,
              "amax": np.amax, "amin": np.amin, "var": np.var, "std": np.std}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@settings(max_examples=12, deadline=None)
@given(drawn=shape_and_axis(), seed=st.integers(0, 1000))
def test_reductions_over_drawn_shapes_and_axes(name, drawn, seed):
    shape, axis, keepdims = drawn
    reduce = REDUCTIONS[name]
    [a] = _inputs([shape], seed=seed)
    if name == "std":
        assume(_spread(shape, axis))  # the std of one value is 0, where sqrt has no derivative
    check(lambda x: reduce(x, axis=axis, keepdims=keepdims), a)


def _spread(shape, axis):
    """Every std is over at least two values (at one value std has no derivative)."""
    axes = range(len(shape)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    return int(np.prod([shape[i] for i in axes])) >= 2


@settings(max_examples=15, deadline=None)
@given(drawn=shape_and_axis(), ddof=st.integers(0, 1), seed=st.integers(0, 1000))
def test_var_with_ddof(drawn, ddof, seed):
    shape, axis, keepdims = drawn
    assume(_spread(shape, axis) or ddof == 0)
    [a] = _inputs([shape], seed=seed)
    check(lambda x: np.var(x, axis=axis, ddof=ddof, keepdims=keepdims), a)


@settings(max_examples=15, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), data=st.data())
def test_cumsum_over_drawn_axes(shape, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    [a] = _inputs([shape], seed=len(shape))
    check(lambda x: np.cumsum(x, axis=axis) ** 2, a)


def test_std_of_equal_values_has_gradient_zero_not_nan():
    # the std of one value (or of equal values) is 0 and flat to first order
    np.testing.assert_array_equal(gl.grad(np.std)(3.5), 0.0)
    np.testing.assert_array_equal(gl.grad(lambda x: np.std(x, axis=0))(np.ones((1, 3))), np.zeros((1, 3)))


def test_a_mask_argument_is_passed_through_and_keys_the_trace():
    f = gl.grad(lambda c, x: np.sum(np.where(c, x**2, 0.0)), argnum=1)
    np.testing.assert_allclose(f(np.array([True, False]), np.ones(2) * 3), [6.0, 0.0])
    np.testing.assert_allclose(f(np.array([False, True]), np.ones(2) * 3), [0.0, 6.0])


def test_max_with_ties_splits_the_gradient_as_maximum_does():
    x = gl.placeholder(shape=(4,), name="x")
    (g,) = gl.gradients(np.max(x), x)
    (g2,) = gl.gradients(gl.maximum(x[0], x[1]), x)
    with gl.Session() as session:
        np.testing.assert_allclose(session.run(g, {x: [3.0, 1.0, 3.0, 3.0]}), [1 / 3, 0, 1 / 3, 1 / 3])
        np.testing.assert_allclose(session.run(g2, {x: [2.0, 2.0, 0.0, 0.0]}), [0.5, 0.5, 0, 0])


def test_prod_gradient_with_zeros_is_the_product_of_the_others():
    x = gl.placeholder(shape=(4,), name="x")
    (g,) = gl.gradients(np.prod(x), x)
    (h,) = gl.gradients(g[1], x)  # d/dx of prod(others of x[1])
    with gl.Session() as session:
        np.testing.assert_allclose(session.run(g, {x: [2.0, 0.0, 3.0, 5.0]}), [0, 30, 0, 0])
        np.testing.assert_allclose(session.run(g, {x: [0.0, 0.0, 3.0, 5.0]}), [0, 0, 0, 0])
        np.testing.assert_allclose(session.run(h, {x: [2.0, 0.0, 3.0, 5.0]}), [15, 0, 10, 6])


# -- indexing ---------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(indices=st.lists(st.integers(-5, 4), min_size=1, max_size=8))
def test_repeated_indices_add_up_in_the_gradient(indices):
    x = gl.placeholder(shape=(5,), name="x")
    (g,) = gl.gradients(gl.reduce_sum(x[indices] * np.arange(1.0, len(indices) + 1)), x)
    expected = np.zeros(5)
    for weight, i in enumerate(indices, start=1):
        expected[i] += weight
    with gl.Session() as session:
        np.testing.assert_allclose(session.run(g, {x: np.ones(5)}), expected)


def test_indexing_matches_numpy_for_many_kinds_of_index():
    values = np.arange(24.0).reshape(2, 3, 4)
    x = gl.placeholder(shape=(2, 3, 4), name="x")
    indices = [0, -1, (1, 2), slice(None, None, 2), (Ellipsis, 1), (None, 0), (0, None, 1),
               ([0, 1, 1],), (slice(None), [2, 0]), (0, [1, 2], [3, 3]), values > 10,
               (values[:, 0, 0] > 5,), (Ellipsis, None), (1, slice(None), slice(1, 3))]
    with gl.Session() as session:
        for index in indices:
            got = session.run(x[index], {x: values})
            np.testing.assert_array_equal(got, values[index])
            assert x[index].shape == values[index].shape


def test_an_index_that_does_not_fit_is_a_shape_error():
    x = gl.placeholder(shape=(3,), name="x")
    with pytest.raises(gl.ShapeError, match="does not fit"):
        x[5]
    with pytest.raises(TypeError, match="cannot be an index"):
        x[x]


def test_item_assignment_explains_that_graphs_are_immutable():
    x = gl.placeholder(shape=(3,), name="x")
    with pytest.raises(TypeError) as err:
        x[0] = 1.0
    assert "in place" in str(err.value) and "gl.where" in str(err.value)


def test_array_manners_len_ndim_size_and_iteration():
    x = gl.placeholder(shape=(3, 2), name="x")
    assert (len(x), x.ndim, x.size, x.T.shape) == (3, 2, 6, (2, 3))
    assert [row.shape for row in x] == [(2,)] * 3
    assert np.shape(x) == (3, 2) and np.ndim(x) == 2 and np.size(x) == 6
    unknown = gl.placeholder(name="u")
    with pytest.raises(TypeError, match="not known"):
        len(unknown)
    with pytest.raises(TypeError, match="cannot be iterated"):
        list(unknown)


# -- refusals -----------------------------------------------------------------------------------

def test_an_unsupported_numpy_function_is_named():
    x = gl.placeholder(shape=(3,), name="x")
    for call, name in [(lambda: np.unique(x), "np.unique"), (lambda: np.linalg.svd(x), "np.linalg.svd"),
                       (lambda: np.add.reduce(x), "np.add.reduce"), (lambda: np.cbrt(x), "np.cbrt"),
                       (lambda: np.sum(x, where=x > 0), "np.sum(..., where=...)"),
                       (lambda: np.sin(x, out=np.zeros(3)), "np.sin(..., out=...)")]:
        with pytest.raises(TypeError) as err:
            call()
        assert name in str(err.value) and "not supported" in str(err.value)


def test_np_array_of_tensors_says_to_use_stack():
    x = gl.placeholder(shape=(3,), name="x")
    with pytest.raises(TypeError, match=r"np\.stack"):
        np.array([x, x])


def test_complex_numbers_are_refused_clearly():
    with pytest.raises(TypeError, match="complex"):
        gl.grad(lambda z: z * z)(1 + 2j)
    x = gl.placeholder(shape=(2,), name="x")
    with pytest.raises(TypeError, match="complex"):
        np.multiply(x, np.array([1j, 2]))


def test_functions_that_need_a_known_shape_say_so():
    x = gl.placeholder(name="x")  # any shape
    with pytest.raises(gl.ShapeError, match="give the placeholder a shape"):
        np.tile(x, 2)
    with pytest.raises(gl.ShapeError, match="number of axes"):
        np.dot(x, x)


# -- shape functions over Hypothesis-drawn shapes and axes -----------------------------------

@st.composite
def shape_and_one_axis(draw, min_dims=1):
    shape = tuple(draw(st.lists(st.integers(1, 3), min_size=min_dims, max_size=3)))
    return shape, draw(st.integers(-len(shape), len(shape) - 1))


SHAPE_FUNCTIONS = {
    "transpose": lambda x, axis: np.transpose(x, tuple(np.roll(np.arange(x.ndim), axis))),
    "swapaxes": lambda x, axis: np.swapaxes(x, axis, 0),
    "moveaxis": lambda x, axis: np.moveaxis(x, axis, -1),
    "expand_dims": lambda x, axis: np.expand_dims(x, axis) * 2,
    "flip": lambda x, axis: np.flip(x, axis) * np.arange(x.size).reshape(x.shape),
    "roll": lambda x, axis: np.roll(x, 1, axis) * np.arange(x.size).reshape(x.shape),
    "concatenate": lambda x, axis: np.concatenate([x, x ** 2], axis),
    "stack": lambda x, axis: np.stack([x, x ** 2], axis),
    "repeat": lambda x, axis: np.repeat(x, 2, axis) ** 2,
    "split": lambda x, axis: [p ** (k + 2) for k, p in enumerate(np.array_split(x, 2, axis))],
    "cumsum": lambda x, axis: np.cumsum(x, axis) ** 2,
    "sort": lambda x, axis: np.sort(x, axis) * np.arange(x.size).reshape(x.shape),
    "max": lambda x, axis: np.max(x, axis) ** 2,
    "diff": lambda x, axis: np.diff(x, axis=axis) ** 2 if x.shape[axis] > 1 else x.sum(),
}


@pytest.mark.parametrize("name", sorted(SHAPE_FUNCTIONS))
@settings(max_examples=8, deadline=None)
@given(drawn=shape_and_one_axis(), seed=st.integers(0, 1000))
def test_shape_functions_over_drawn_shapes_and_axes(name, drawn, seed):
    shape, axis = drawn
    [a] = _inputs([shape], seed=seed)
    check(lambda x: SHAPE_FUNCTIONS[name](x, axis), a)


@settings(max_examples=15, deadline=None)
@given(drawn=shape_and_one_axis(min_dims=2), seed=st.integers(0, 1000))
def test_einsum_contracting_a_drawn_axis(drawn, seed):
    shape, axis = drawn
    k = axis % len(shape)
    letters = "abc"[:len(shape)]
    other_shape = (shape[k], 2)
    spec = f"{letters},{letters[k]}z->{letters.replace(letters[k], '')}z"
    a, b = _inputs([shape, other_shape], seed=seed)
    check(lambda x, y: np.einsum(spec, x, y), a, b)
