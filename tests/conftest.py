"""Shared test set-up: a non-interactive matplotlib backend and a fresh graph per test."""

import matplotlib
import pytest

# Set the backend here, not with MPLBACKEND: notebook kernels started by nbval would
# inherit the variable and their inline figures would disappear.
matplotlib.use("Agg")

import gradlab as gl  # noqa: E402


@pytest.fixture(autouse=True)
def fresh_graph():
    """Each test starts with an empty default graph, so node names are predictable."""
    gl.reset_default_graph()
    yield
