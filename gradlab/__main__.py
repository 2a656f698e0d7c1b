"""``python -m gradlab``: the command line (see :mod:`gradlab.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
