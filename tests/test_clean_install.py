"""A clean-room install: the wheel, not the source tree.

Builds gradlab's wheel, installs it (no ``-e``) into a fresh virtual environment,
imports it from there, and runs the first lesson under strict nbval in that
environment, from a folder that holds nothing but the notebook.
"""

import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, **kwargs)
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    return result


def test_the_wheel_installs_in_a_fresh_environment_and_runs_lesson_1(tmp_path):
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(wheels),
         str(ROOT)])
    (wheel,) = wheels.glob("gradlab-*.whl")

    env_dir = tmp_path / "clean-env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         f"{wheel}[course]", "pytest", "nbval"])

    where = run([str(python), "-c", "import gradlab; print(gradlab.__file__)"], cwd=tmp_path)
    assert str(env_dir) in where.stdout  # imported from the wheel, not from the source tree

    lesson = tmp_path / "lesson"
    lesson.mkdir()
    shutil.copy(ROOT / "notebooks" / "01_the_2017_experiment.ipynb", lesson)
    shutil.copytree(ROOT / "notebooks" / "solutions", lesson / "solutions")
    shutil.copy(ROOT / "tests" / "sanitize.cfg", lesson)
    result = run([str(python), "-m", "pytest", "--nbval", "--nbval-current-env",
                  "--nbval-sanitize-with", "sanitize.cfg", "-p", "no:cacheprovider", "-q",
                  "01_the_2017_experiment.ipynb"], cwd=lesson)
    assert " passed" in result.stdout
