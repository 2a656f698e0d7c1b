"""HTML for messages and formulas, with everything a student typed escaped.

Widgets show errors, notes and formulas in ``ipywidgets.HTML`` and ``HTMLMath``.
Their values are markup, and an error message often repeats the text that caused
it: ``<img src=x onerror=alert(1)>`` typed into a text box must come back as
those characters, never as an image that runs a script. So every HTML value
gradlab builds from text goes through :func:`escape`, here and nowhere else.
"""

from __future__ import annotations

import html
from typing import Any

ERROR, NOTE, GOOD, HINT = "#b00020", "#8a5a00", "#2e7d32", "#555555"


def escape(text: Any) -> str:
    """``text`` as HTML that shows exactly these characters (``<`` becomes ``&lt;`` ...)."""
    return html.escape(str(text), quote=True)


def error_html(message: Any, hint: str = "") -> str:
    """A red, preformatted error message (it keeps the caret under the typo aligned)."""
    text = f'<pre style="color:{ERROR};margin:0;line-height:1.3">{escape(message)}</pre>'
    return text + (f"<span style='color:{HINT}'>{escape(hint)}</span>" if hint else "")


def note_html(message: Any, colour: str = NOTE, bold: bool = False) -> str:
    """A one-line coloured note (``bold`` for a verdict)."""
    tag = "b" if bold else "span"
    return f"<{tag} style='color:{colour}'>{escape(message)}</{tag}>"


def math_html(latex: str) -> str:
    """Inline LaTeX for ``HTMLMath``: the HTML special characters in it are escaped, and
    MathJax still reads them as the characters they stand for."""
    return "$" + html.escape(latex, quote=False) + "$"  # quotes are harmless outside tags
