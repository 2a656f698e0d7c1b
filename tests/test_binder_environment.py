"""The closest thing to Binder that runs here: a fresh virtual environment built from
binder/requirements.txt alone, running every notebook under strict nbval."""

import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_notebooks_pass_strict_nbval_in_a_fresh_binder_environment(tmp_path):
    env_dir = tmp_path / "binder-env"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", "binder/requirements.txt"],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    check = subprocess.run(["bash", "binder/postBuild"], cwd=ROOT, capture_output=True, text=True,
                           env={"PATH": f"{python.parent}:/usr/bin:/bin"}, timeout=120)
    assert check.returncode == 0 and "is ready" in check.stdout, check.stderr
    run = subprocess.run(
        [str(python), "-m", "pytest", "notebooks", "-o", "addopts=", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", "tests/sanitize.cfg", "-p", "no:cacheprovider", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout[-5000:]
    assert " passed" in run.stdout and "failed" not in run.stdout
