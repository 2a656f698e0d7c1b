"""Interactive widgets for Jupyter: the explorer of f and f', gradient descent, Taylor
polynomials; and the plotting they share (matplotlib figures published as PNG)."""
