"""Shared test set-up: a non-interactive matplotlib backend and a fresh graph per test."""

import os

import matplotlib
import pytest
from hypothesis import Phase, settings

# Set the backend here, not with MPLBACKEND: notebook kernels started by nbval would
# inherit the variable and their inline figures would disappear.
matplotlib.use("Agg")

import gradlab as gl  # noqa: E402

# scripts/mutate.py only needs to know whether a test fails: no shrinking, no example database,
# and the same examples every run (its coverage map of which tests run which line must hold)
settings.register_profile("mutation", phases=[Phase.explicit, Phase.reuse, Phase.generate],
                          derandomize=True,
                          database=None, deadline=None)
settings.load_profile(os.environ.get("GRADLAB_HYPOTHESIS", "default"))


@pytest.fixture(autouse=True)
def fresh_graph():
    """Each test starts with an empty default graph, so node names are predictable."""
    gl.reset_default_graph()
    yield
