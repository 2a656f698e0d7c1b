"""What a hostile or careless student can do, and what gradlab does about it.

Each test is one item of the hardening pass: markup typed into text boxes, graphs
that grow exponentially, memory, compile time, the command line, and four places
where the engine used to give a wrong answer. Budgets are checked by node and step
counts, never by the clock.
"""

import re
from html.parser import HTMLParser

import ipywidgets as widgets
import numpy as np
import pytest

import gradlab as gl

MARKUP = '<img src=x onerror=alert(1)> <script>alert("x")</script>'


def _html_values(widget):
    """The value of every HTML and HTMLMath widget inside ``widget``."""
    found = []
    stack = [widget]
    while stack:
        w = stack.pop()
        if isinstance(w, (widgets.HTML, widgets.HTMLMath)):
            found.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return found


class _Tags(HTMLParser):
    """The tags and attribute names in a piece of HTML."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes = set(), set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def _typed_into(widget, text):
    widget.text.value = text
    return _html_values(widget)


@pytest.mark.parametrize("make", [
    lambda: gl.explore("sin(x)"),
    lambda: gl.explore_descent("x**2"),
    lambda: gl.explore_taylor("sin(x)"),
], ids=["explorer", "descent", "taylor"])
def test_markup_typed_into_a_text_box_is_shown_as_text(make):
    widget = make()
    values = _typed_into(widget, MARKUP)
    joined = "\n".join(values)
    assert "&lt;img" in joined  # the message repeats what was typed, escaped
    for value in values:
        found = _Tags(value)
        assert found.tags <= {"pre", "span", "b"}, value
        assert found.attributes <= {"style"}, value


def test_a_self_check_escapes_the_message_of_a_students_exception():
    def yours(x):
        raise ValueError("<b>bold</b> & <script>alert(1)</script>")

    verdict = gl.check_derivative(yours, "x**2")
    html = verdict._repr_html_()
    assert "&lt;script&gt;" in html
    assert _Tags(html).tags == {"p", "b"}  # the check mark's own <b>, nothing typed
