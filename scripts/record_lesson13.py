"""Record what lesson 13's PyTorch, JAX and TensorFlow examples print, for machines without them.

Lesson 13 (notebooks/13_from_tf1_to_today.ipynb) hands each example of another library to
``run_if_installed``, which prints a recording where the library is missing (as on CI). This
script makes those recordings. Run it with a Python that has all three libraries, kept apart
from the course's own environment (none of them is a dependency of gradlab):

    python -m venv /tmp/lesson13-env
    /tmp/lesson13-env/bin/pip install -e . numpy torch==2.13.0 jax jaxlib tensorflow-cpu
    /tmp/lesson13-env/bin/python scripts/record_lesson13.py

(torch==2.13.0 is a CPU build; an unpinned torch can pull a CUDA build of several GB.) It runs
every code cell of the lesson in order, in one namespace, as a fresh kernel would, keeps what
each example prints, and writes gradlab/show/recorded_runs.py with the versions used. Then
re-execute the lesson in the course environment, so that its saved outputs are the recording:

    python scripts/run_notebooks.py notebooks/13_from_tf1_to_today.ipynb

With ``--check`` it writes nothing: it says whether every example still prints its recording
(exit status 1 if one does not), for a machine that has the libraries at other versions.
tests/test_lesson13.py checks the recorded numbers against numpy and gradlab.
"""

from __future__ import annotations

import linecache
import os
import platform
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "notebooks" / "13_from_tf1_to_today.ipynb"
TARGET = ROOT / "gradlab" / "show" / "recorded_runs.py"
LIBRARIES = ("torch", "jax", "jaxlib", "tensorflow")


def code_cells(path: Path) -> list[str]:
    """The sources of the notebook's code cells, in order (read as JSON: no nbformat needed)."""
    import json

    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in cells if c["cell_type"] == "code"]


def render(versions: dict[str, str], outputs: dict[str, tuple[str, str]]) -> str:
    """The text of recorded_runs.py for these versions and outputs."""
    lines = ['"""What lesson 13\'s PyTorch, JAX and TensorFlow examples printed (written by',
             'scripts/record_lesson13.py: do not edit by hand)."""', "",
             "VERSIONS: dict[str, str] = {"]
    lines += [f"    {name!r}: {version!r}," for name, version in versions.items()]
    lines += ["}", '"""The Python and library versions the recording was made with."""', "",
              "OUTPUTS: dict[str, tuple[str, str]] = {"]
    for name, (library, text) in outputs.items():  # one printed line per source line
        lines.append(f"    {name!r}: ({library!r}, (")
        lines += [f"        {line!r}" for line in text.splitlines(keepends=True)] or ["        ''"]
        lines.append("    )),")
    lines += ["}", '"""Example name -> (library, what it printed)."""', ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    import matplotlib

    matplotlib.use("Agg")
    from gradlab.show import other_libraries

    missing = [name for name in LIBRARIES if not other_libraries.installed(name)]
    if missing:
        print(f"this Python lacks {', '.join(missing)}: run me with one that has them "
              "(see the docstring)", file=sys.stderr)
        return 2
    os.chdir(LESSON.parent)  # where the notebook's kernel would run
    namespace: dict = {"__name__": "__main__"}
    with other_libraries.recording() as recorded:
        for number, source in enumerate(code_cells(LESSON)):
            # Give each cell a file name of its own in linecache, as IPython does, so that
            # code which reads a function's source (TensorFlow's AutoGraph) finds it.
            filename = f"<lesson 13, code cell {number}>"
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            exec(compile(source, filename, "exec"), namespace)  # the lesson's own cells
    if check:
        from gradlab.show import recorded_runs

        changed = sorted(name for name in set(recorded) | set(recorded_runs.OUTPUTS)
                         if recorded.get(name) != recorded_runs.OUTPUTS.get(name))
        for name in changed:
            print(f"{name}: prints something else than its recording", file=sys.stderr)
        print(f"{len(recorded) - len(changed)} of {len(recorded)} examples print their recording")
        return 1 if changed else 0
    versions = {"python": platform.python_version(),
                "numpy": other_libraries.version_of("numpy") or "?"}
    versions.update({name: other_libraries.version_of(name) or "?" for name in LIBRARIES})
    TARGET.write_text(render(versions, dict(sorted(recorded.items()))), encoding="utf-8")
    print(f"\nrecorded {len(recorded)} examples with {versions} into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
