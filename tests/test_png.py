"""gradlab's own PNG encoder, checked against independent readers: Pillow for the
pictures, zlib for the deflate streams. Every test runs twice: with ISA-L's deflate
(the ``isal`` package) and with zlib alone, as on a platform where isal has no wheel."""

from __future__ import annotations

import io
import platform
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from gradlab.widgets import png


@pytest.fixture(autouse=True, params=["isal", "zlib"])
def deflater(request, monkeypatch):
    if request.param == "zlib":
        monkeypatch.setattr(png, "fast_zlib", None)
    elif platform.machine() in ("x86_64", "AMD64", "aarch64", "arm64"):  # pyproject's marker
        assert png.fast_zlib is not None, "isal is a dependency here: it should be installed"
    elif png.fast_zlib is None:
        pytest.skip("no isal wheel for this platform: gradlab deflates with zlib")
    return request.param


def decoded(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return np.asarray(image)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(height=st.integers(1, 40), width=st.integers(1, 40), channels=st.sampled_from([3, 4]),
       seed=st.integers(0, 2**32 - 1))
def test_small_pictures_read_back_exactly(height, width, channels, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, channels), dtype=np.uint8)
    assert np.array_equal(decoded(png.encode_png(pixels)), pixels)


@pytest.mark.parametrize("shape", [(420, 680, 4), (421, 681, 3), (1000, 300, 4)])
def test_large_pictures_deflated_on_two_threads_read_back_exactly(shape, deflater):
    rng = np.random.default_rng(sum(shape))
    pixels = np.full(shape, 234, np.uint8)  # a flat plot-like picture with noisy patches
    pixels[::7, ::3] = rng.integers(0, 256, pixels[::7, ::3].shape, dtype=np.uint8)
    pixels[shape[0] // 2 - 3: shape[0] // 2 + 3] = rng.integers(0, 256, pixels[:6].shape, dtype=np.uint8)
    assert shape[0] * (1 + shape[1] * shape[2]) >= png.PARALLEL_BYTES  # zlib's two-thread path
    assert np.array_equal(decoded(png.encode_png(pixels)), pixels)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.sampled_from([0, 1, png.PARALLEL_BYTES - 1, png.PARALLEL_BYTES, png.PARALLEL_BYTES + 1,
                             3 * png.PARALLEL_BYTES + 7]),
       level=st.integers(0, 9), seed=st.integers(0, 2**32 - 1), noise=st.floats(0, 1))
def test_deflate_makes_one_zlib_stream(size, level, seed, noise):
    rng = np.random.default_rng(seed)
    data = np.where(rng.random(size) < noise, rng.integers(0, 256, size), 7).astype(np.uint8).tobytes()
    stream = png.deflate(data, level)
    reader = zlib.decompressobj()
    assert reader.decompress(stream) == data  # checks the adler-32 at the end too
    assert reader.eof and reader.unused_data == b""  # one stream, nothing after its end


def test_a_corrupted_checksum_is_caught():
    data = bytes(range(256)) * 4096
    stream = bytearray(png.deflate(data))
    stream[-1] ^= 1
    with pytest.raises(zlib.error):
        zlib.decompress(bytes(stream))


@pytest.mark.parametrize("pixels", [np.zeros((4, 4, 4), np.float64), np.zeros((4, 4), np.uint8),
                                    np.zeros((4, 4, 2), np.uint8), np.zeros((0, 4, 3), np.uint8)])
def test_what_is_not_a_picture_is_refused(pixels):
    with pytest.raises(ValueError):
        png.encode_png(pixels)
