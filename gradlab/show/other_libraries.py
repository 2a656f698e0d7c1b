"""Examples written for PyTorch, JAX and TensorFlow 2, which the course runs when it can.

Lesson 13 puts one computation side by side in gradlab and in three other libraries. The
course must still run where none of them is installed (on CI, on Binder, on a student's
laptop), so each such example is a function that *prints* its results, handed over as
``run_if_installed("torch", torch_sin)``:

* when ``torch`` can be imported, the example runs here and now, and prints;
* when it cannot, the lines it printed when it was *recorded* are printed instead, exactly
  (they live in :mod:`gradlab.show.recorded_runs`, which ``scripts/record_lesson13.py``
  writes by running the lesson's examples where the libraries are installed).

The examples print numbers rounded to six digits (:func:`six_digits`), so both ways give the
same text and a saved notebook compares equal under nbval whichever way its cells went.
Which way they went is said by :func:`libraries_here`, never by an example's own output.

Nothing here imports the other libraries: :func:`importlib.util.find_spec` only asks whether
they could be imported. Only the example itself imports them.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import io
import os
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from . import recorded_runs

QUIET = {"tensorflow": {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}}
"""Environment settings made (unless already set) before an example of a library runs.
TensorFlow writes log lines at import straight to the process's error stream, where no
Python redirect catches them and where a notebook shows them; these two keep it quiet
(the second one also turns off oneDNN's reordered sums, so float64 results do not move)."""

_recording: dict[str, tuple[str, str]] | None = None


def installed(library: str) -> bool:
    """Can ``library`` (its import name, such as ``"torch"``) be imported here? Finding out
    does not import it."""
    try:
        return importlib.util.find_spec(library) is not None
    except (ImportError, ValueError):  # a broken or half-installed package
        return False


def version_of(library: str) -> str | None:
    """The installed version of the package that provides the import name ``library``, or
    None. (``tensorflow`` may come from the distribution ``tensorflow-cpu``.)"""
    names = importlib.metadata.packages_distributions().get(library, [library])
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def six_digits(values: Any) -> str:
    """Numbers rounded to six decimals, each 9 characters wide, in one line:
    ``six_digits([1, -0.41614684])`` is ``' 1.000000 -0.416147'``.

    Any array-like works (a numpy array, a JAX array, a TensorFlow tensor, a PyTorch
    tensor that needs no gradient). A rounded zero never prints as ``-0.000000``, so a
    library whose cos(pi/2) is -6e-17 prints what one whose cos(pi/2) is 6e-17 prints.
    """
    flat = np.asarray(values, dtype=np.float64).ravel()
    return " ".join(f"{round(float(v), 6) + 0.0:9.6f}" for v in flat)


def run_if_installed(library: str, example: Callable[[], Any]) -> None:
    """Run ``example()`` if ``library`` can be imported, else print what it printed when it
    was recorded.

    ``example`` is a function without arguments that imports ``library`` itself and prints
    its results (its name, such as ``torch_sin``, is its key among the recordings). Either
    way this prints the same text, as long as the installed version computes the same
    numbers as the recorded one (:data:`recorded_runs.VERSIONS`).

    Inside :func:`recording`, the example must run, and what it prints is kept.
    """
    name = example.__name__
    if installed(library):
        for key, value in QUIET.get(library, {}).items():
            os.environ.setdefault(key, value)
        if _recording is None:
            example()
            return
        if name in _recording:
            raise ValueError(f"two examples are called {name!r}: give each its own name")
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            example()
        _recording[name] = (library, printed.getvalue())
        print(printed.getvalue(), end="")
        return
    if _recording is not None:
        raise LookupError(f"cannot record {name!r}: {library} is not installed here")
    saved = recorded_runs.OUTPUTS.get(name)
    if saved is None or saved[0] != library:
        print(f"({name} has no recorded output for {library}: install {library} to run it, or "
              "record it again with scripts/record_lesson13.py)")
        return
    print(saved[1], end="")


@contextlib.contextmanager
def recording() -> Iterator[dict[str, tuple[str, str]]]:
    """Keep what each :func:`run_if_installed` example prints, by its name: the dict it
    yields fills with ``name -> (library, printed text)``. Used by
    ``scripts/record_lesson13.py``; an example whose library is missing raises instead of
    printing an old recording."""
    global _recording
    outer, _recording = _recording, {}
    try:
        yield _recording
    finally:
        _recording = outer


@dataclass(frozen=True)
class LibraryReport:
    """Which of the other libraries this Python has; its text says, for each, whether its
    examples run here or print their recording (and which version made that)."""

    rows: tuple[tuple[str, str | None, str | None], ...]  # (library, installed, recorded)

    def __repr__(self) -> str:
        lines = []
        for library, here, recorded in self.rows:
            if here is not None:
                lines.append(f"{library:10} {here} is installed: its examples run here")
            else:
                made = f" (made with {recorded})" if recorded else ""
                lines.append(f"{library:10} not installed: its examples print their recording{made}")
        return "\n".join(lines)


def libraries_here(*libraries: str) -> LibraryReport:
    """Which of ``libraries`` (import names; by default ``torch``, ``jax`` and
    ``tensorflow``) are installed here, with their versions. This differs from machine to
    machine, so a notebook cell that shows it is left out of nbval's comparison."""
    names = libraries or ("torch", "jax", "tensorflow")
    rows = []
    for name in names:
        here = (version_of(name) or "(version unknown)") if installed(name) else None
        rows.append((name, here, recorded_runs.VERSIONS.get(name)))
    return LibraryReport(tuple(rows))


__all__ = ["QUIET", "LibraryReport", "installed", "libraries_here", "recording",
           "run_if_installed", "six_digits", "version_of"]
