"""Re-execute the course notebooks in place, in a fresh kernel each, and save them.

    python scripts/run_notebooks.py               # every notebooks/*.ipynb
    python scripts/run_notebooks.py notebooks/01_the_2017_experiment.ipynb

The saved notebooks are what ``pytest --nbval`` compares against, so run this after
editing a notebook or changing gradlab's printed output. Widget state is not saved
(nbval ignores widget views, and saved state would go stale); outputs are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent


def _kernel_log(output: dict) -> bool:
    """The kernel's own start-up log lines (not output of the lesson's code)."""
    return output.get("output_type") == "stream" and output.get("text", "").startswith("[IPKernelApp]")


def run(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not _kernel_log(o)]
    nbformat.write(notebook, path)
    print(f"executed {path.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    paths = [Path(p).resolve() for p in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        run(path)
    return 0


if __name__ == "__main__":
    matplotlib.use("Agg")
    sys.exit(main(sys.argv[1:]))
