"""The command line, run as a student would: a real process, its output and exit status."""

import subprocess
import sys

import pytest
from PIL import Image


def gradlab(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gradlab", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_plot_writes_a_valid_png(tmp_path):
    out = tmp_path / "sine.png"
    result = gradlab("plot", "sin(x)", "--x-range", "0", "2*pi", "--order", "2", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"wrote {out}"
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size[0] >= 500


def test_plot_with_parameters_and_negative_numbers(tmp_path):
    out = tmp_path / "wave.png"
    result = gradlab("plot", "a*sin(b*x)", "--x-range", "-3", "3", "--param", "a=2",
                     "--param", "b=pi", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


@pytest.mark.parametrize("args, want", [
    (["diff", "x**3"], "3*x**2"),
    (["diff", "sin(x)"], "cos(x)"),
    (["diff", "a*sin(b*x)", "--latex"], r"a b \cos\left(b x\right)"),
    (["diff", "x^4", "--order", "2"], "12*x**2"),
])
def test_diff_prints_the_formula(args, want):
    result = gradlab(*args)
    assert result.returncode == 0 and result.stdout == want + "\n" and result.stderr == ""


@pytest.mark.parametrize("args, message", [
    (["diff", "sine(x)"], "unknown function 'sine'; did you mean 'sin'?"),
    (["diff", "x.__class__"], "attribute access"),
    (["plot", "a*x"], "add --param a=VALUE"),
    (["plot", "x", "--x-range", "0", "pie"], "not a number: 'pie'"),
    (["plot", "x", "--order", "9"], "invalid choice"),
    (["plot", "x", "-o", "/no/such/folder/out.png"], "does not exist"),
    (["plot", "x", "--dpi", "100000"], "--dpi must be between"),
    (["plot", "x", "--points", "50000000"], "--points must be between"),
    (["diff", "x**x", "--order", "2000"], "graph nodes"),
    (["diff", "x**x**x**x**x**x**x**x", "--order", "14"], "graph nodes"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
])
def test_bad_input_prints_one_line_and_exits_with_2(args, message):
    result = gradlab(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradlab: error:") and message in lines[0]
    assert "Traceback" not in result.stderr


def test_help_explains_every_option():
    text = gradlab("plot", "--help").stdout
    for option in ("--x-range", "--order", "--param", "--points", "--output", "--dpi"):
        assert option in text
    assert "--latex" in gradlab("diff", "--help").stdout
    assert gradlab("--help").returncode == 0


def test_console_script_is_installed():
    import os
    import sysconfig

    scripts = sysconfig.get_path("scripts")  # where pip put it, next to this Python
    path = os.path.join(scripts, "gradlab.exe" if os.name == "nt" else "gradlab")
    assert os.path.exists(path)
    result = subprocess.run([path, "diff", "exp(2*x)"], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "2*exp(2*x)"


def test_x_range_accepts_negative_formulas(tmp_path):
    out = tmp_path / "wide.png"
    result = gradlab("plot", "sin(x)", "--x-range", "-2*pi", "2*pi", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


def test_a_failed_plot_leaves_the_old_file_alone(tmp_path):
    out = tmp_path / "keep.png"
    out.write_bytes(b"the old picture")
    result = gradlab("plot", "sin(x)", "--dpi", "100000", "-o", str(out))
    assert result.returncode == 2
    assert out.read_bytes() == b"the old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.png"]  # no temporary left
    result = gradlab("plot", "sin(x)", "-o", str(out))
    assert result.returncode == 0 and out.read_bytes()[:4] == b"\x89PNG"
