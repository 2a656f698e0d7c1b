"""The command line: ``gradlab plot`` and ``gradlab diff`` (also ``python -m gradlab``).

    gradlab plot "sin(x)*exp(-x/5)" --x-range 0 2*pi --order 2 -o damped.png
    gradlab diff "x**3"                 # prints 3*x**2
    gradlab diff "a*sin(b*x)" --latex   # prints a b \\cos\\left(b x\\right)

Bad input prints one line to stderr and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import Sequence

EXIT_BAD_INPUT = 2
MAX_POINTS = 100_000  # a plot of more points looks the same and takes much longer
DPI_RANGE = (20, 600)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage dump
        raise _BadInput(f"{message} (see 'gradlab {self._subcommand()}--help')")

    def _subcommand(self) -> str:
        words = self.prog.split()[1:]
        return " ".join(words) + " " if words else ""


class _BadInput(Exception):
    pass


def _number(text: str) -> float:
    """A number, or a constant formula such as ``2*pi``."""
    from .core.graph import toposort
    from .show.expr import ExpressionError, parse

    try:
        expression = parse(text)
        if expression.parameters or expression.x in set(toposort([expression.tensor])):
            raise ExpressionError("a number cannot depend on x or on parameters")
        return float(expression(0.0))
    except ExpressionError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r} (use e.g. 3.5 or 2*pi)") from None


def _param(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip().isidentifier():
        raise argparse.ArgumentTypeError(f"parameters look like a=2.5, not {text!r}")
    return name.strip(), _number(value)


def _parser() -> _Parser:
    parser = _Parser(
        prog="gradlab",
        description="Plot a function and its derivatives, or print a derivative's formula.",
        epilog="Formulas use x as the variable, + - * / ** (or ^), pi, e and functions such as "
               "sin, cos, exp, log, sqrt, tanh, sigmoid, relu. Other names are parameters.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    plot = commands.add_parser("plot", help="write a seaborn-styled PNG of f and its derivatives",
                               description="Write a PNG of f and its derivatives up to --order.")
    plot.add_argument("formula", help='the function of x, e.g. "sin(x)*exp(-x/5)"')
    plot.add_argument("--x-range", nargs=2, type=_number, default=[-5.0, 5.0], metavar=("LOW", "HIGH"),
                      help="the interval of x to plot; numbers or formulas such as 2*pi (default: -5 5)")
    plot.add_argument("--order", type=int, default=1, choices=[0, 1, 2, 3],
                      help="plot f and its derivatives up to this order (default: 1, f and f')")
    plot.add_argument("--param", action="append", type=_param, default=[], metavar="NAME=VALUE",
                      help="a value for a parameter of the formula; repeat for several")
    plot.add_argument("-n", "--points", type=int, default=400,
                      help="how many points of x to evaluate (default: 400)")
    plot.add_argument("-o", "--output", default="gradlab.png",
                      help="the PNG file to write (default: gradlab.png)")
    plot.add_argument("--dpi", type=int, default=100, help="resolution of the PNG (default: 100)")

    diff = commands.add_parser("diff", help="print the derivative's formula",
                               description="Print the formula of the derivative of f with respect to x.")
    diff.add_argument("formula", help='the function of x, e.g. "x**3"')
    diff.add_argument("--order", type=int, default=1, help="which derivative (default: 1)")
    diff.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from .core.errors import GradlabError

    try:
        args = _parser().parse_args(_protect_negative_values(list(sys.argv[1:] if argv is None else argv)))
        if args.command == "diff":
            return _diff(args)
        return _plot(args)
    except _BadInput as err:
        print(f"gradlab: error: {err}", file=sys.stderr)
    except GradlabError as err:  # ExpressionError and friends: first line is the reason
        print(f"gradlab: error: {str(err).splitlines()[0]}", file=sys.stderr)
    except (ValueError, OSError, ArithmeticError, MemoryError, RecursionError) as err:
        print(f"gradlab: error: {type(err).__name__}: {err}".splitlines()[0], file=sys.stderr)
    return EXIT_BAD_INPUT


def _protect_negative_values(argv: list[str]) -> list[str]:
    """``--x-range -2*pi 2*pi``: argparse takes ``-2*pi`` for an option (it knows only plain
    negative numbers). A value after ``--x-range`` or ``--param`` that starts with ``-`` but
    is not an option gets a leading space, which makes it a value; formulas ignore spaces."""
    result, expect = [], 0
    for arg in argv:
        if expect and arg.startswith("-") and not arg.startswith("--") and arg not in ("-n", "-o", "-h"):
            arg = " " + arg
        expect = 2 if arg == "--x-range" else 1 if arg == "--param" else max(expect - 1, 0)
        result.append(arg)
    return result


def _diff(args: argparse.Namespace) -> int:
    from .show.expr import parse

    if args.order < 1:
        raise _BadInput("--order must be 1 or more")
    derivative = parse(args.formula).derivative(args.order)
    print(derivative.to_latex() if args.latex else str(derivative))
    return 0


def _plot(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from .show.expr import parse
    from .widgets.plotting import plot, render_png

    if not 2 <= args.points <= MAX_POINTS:
        raise _BadInput(f"--points must be between 2 and {MAX_POINTS:,}")
    if not DPI_RANGE[0] <= args.dpi <= DPI_RANGE[1]:
        raise _BadInput(f"--dpi must be between {DPI_RANGE[0]} and {DPI_RANGE[1]}")
    expression = parse(args.formula)
    params = dict(args.param)
    missing = [p for p in expression.parameters if p not in params]
    if missing:
        raise _BadInput(f"the formula has parameter '{missing[0]}': add --param {missing[0]}=VALUE")
    figure = plot(expression, tuple(args.x_range), orders=range(args.order + 1), n=args.points,
                  params=params)
    png = render_png(figure, dpi=args.dpi)  # in memory first: a failure leaves the file alone
    folder = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(folder):
        raise _BadInput(f"cannot write {args.output!r}: the folder {folder!r} does not exist")
    with tempfile.NamedTemporaryFile("wb", dir=folder, suffix=".png", delete=False) as out:
        out.write(png)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(out.name, 0o666 & ~umask)  # as a plain open() would have made it
        os.replace(out.name, args.output)
    except OSError:
        os.unlink(out.name)
        raise
    print(f"wrote {args.output}")
    return 0

