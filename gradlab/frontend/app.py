"""``tf.app.run`` and ``tf.app.flags``: command-line flags for TF1-style scripts, on argparse.

A TF1 script declares its flags at the top and reads them from ``FLAGS``::

    flags = gl.app.flags
    flags.DEFINE_integer("steps", 1000, "training steps")
    FLAGS = flags.FLAGS

    def main(argv):
        print(FLAGS.steps)

    if __name__ == "__main__":
        gl.app.run()          # python train.py --steps 200

Flags are parsed from the command line the first time one is read (or by
``app.run``); arguments that are not flags are left alone, so a notebook kernel's
own arguments do no harm.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, Sequence


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "y", "t"):
        return True
    if lowered in ("0", "false", "no", "n", "f"):
        return False
    raise argparse.ArgumentTypeError(f"not a boolean: {text!r}")


class _FlagValues:
    """The parsed flags: ``FLAGS.steps``. Parsing happens on the first read."""

    def __init__(self) -> None:
        object.__setattr__(self, "_parser", argparse.ArgumentParser(add_help=False))
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_defaults", {})
        object.__setattr__(self, "_parsed", False)

    def _define(self, name: str, default: Any, help: str, kind: Callable) -> None:  # noqa: A002
        if name in self._defaults:
            raise ValueError(f"flag --{name} is defined twice")
        self._defaults[name] = default
        if kind is _boolean:
            self._parser.add_argument(f"--{name}", type=_boolean, nargs="?", const=True,
                                      default=default, help=help)
            self._parser.add_argument(f"--no{name}", dest=name, action="store_false")
        else:
            self._parser.add_argument(f"--{name}", type=kind, default=default, help=help)
        object.__setattr__(self, "_parsed", False)

    def _parse(self, argv: Sequence[str]) -> list[str]:
        known, rest = self._parser.parse_known_args(list(argv))
        self._values.update(vars(known))
        object.__setattr__(self, "_parsed", True)
        return rest

    def __getattr__(self, name: str) -> Any:
        if name not in self._defaults:
            raise AttributeError(f"no flag --{name} is defined (use flags.DEFINE_...)")
        if not self._parsed:
            self._parse(sys.argv[1:])
        return self._values[name]

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._defaults:
            raise AttributeError(f"no flag --{name} is defined")
        if not self._parsed:
            self._parse(sys.argv[1:])
        self._values[name] = value

    def __contains__(self, name: str) -> bool:
        return name in self._defaults


class _FlagsModule:
    """``tf.app.flags``: ``DEFINE_string``, ``DEFINE_integer``, ``DEFINE_float``,
    ``DEFINE_boolean`` (also ``DEFINE_bool``) and ``FLAGS``."""

    def __init__(self) -> None:
        self.FLAGS = _FlagValues()

    def DEFINE_string(self, name: str, default: Any, help: str = "", **kw: Any) -> None:  # noqa: N802,A002
        self.FLAGS._define(name, default, help, str)

    def DEFINE_integer(self, name: str, default: Any, help: str = "", **kw: Any) -> None:  # noqa: N802,A002
        self.FLAGS._define(name, default, help, int)

    def DEFINE_float(self, name: str, default: Any, help: str = "", **kw: Any) -> None:  # noqa: N802,A002
        self.FLAGS._define(name, default, help, float)

    def DEFINE_boolean(self, name: str, default: Any, help: str = "", **kw: Any) -> None:  # noqa: N802,A002
        self.FLAGS._define(name, default, help, _boolean)

    DEFINE_bool = DEFINE_boolean


flags = _FlagsModule()


def run(main: Callable | None = None, argv: Sequence[str] | None = None) -> None:
    """Parse the flags from ``argv`` (default ``sys.argv``), then exit with
    ``main(remaining_argv)``, as TF1's ``app.run`` does. ``main`` defaults to the
    ``main`` function of the script that was started."""
    argv = list(sys.argv if argv is None else argv)
    rest = flags.FLAGS._parse(argv[1:])
    if main is None:
        main = getattr(sys.modules["__main__"], "main", None)
        if main is None:
            raise ValueError("app.run() found no main function: pass app.run(main=...)")
    sys.exit(main(argv[:1] + rest))
