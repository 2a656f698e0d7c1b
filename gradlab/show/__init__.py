"""Showing the math: the formula parser, formulas and LaTeX, graph drawings and trace
tables, derivative checks and Taylor coefficients."""
