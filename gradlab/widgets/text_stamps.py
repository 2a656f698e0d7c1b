"""Text drawn once and stamped after: an Agg canvas for figures that redraw the same labels.

A slider that moves the x range redraws the tick labels "0", "1", "2" ... at new places,
again and again; a new formula redraws the y tick labels, legends and axis labels. In
matplotlib 3.11 each piece of text is laid out glyph by glyph with text shaping and
rendered at its exact sub-pixel position, about a millisecond per tick label on our
2 GHz test machine: most of the time the explorer spends drawing.

:class:`StampCanvas` draws each distinct piece of text (the same string, font, size,
angle and colour) once into a small image of its own, a *stamp*, and from then on only
copies that image onto the picture. For that, the text's anchor is rounded to a whole
pixel, as matplotlib itself did for every text before version 3.11: the letters sit at
most half a pixel from where unrounded drawing would put them, and a stamp gives the
pixels that drawing the same text at the rounded anchor gives (the tests check this; where
two letters' pixels overlap, blending them on a transparent stamp first can round one
colour level or two differently). Layout (where each label goes) is matplotlib's own and
unchanged. Texts at angles other than 0° and 90°, translucent, clipped and TeX texts are
drawn as matplotlib draws them.

Used by the explorer's figure only; :func:`gradlab.widgets.plotting.plot` draws as
matplotlib does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

MAX_STAMPS = 2000
"""Distinct texts kept per canvas; beyond that the stamps are forgotten and made anew."""


class StampRenderer(RendererAgg):
    """A :class:`RendererAgg` whose ``draw_text`` copies a stamp made once per text."""

    def __init__(self, width: float, height: float, dpi: float, stamps: dict) -> None:
        super().__init__(width, height, dpi)
        self.stamps = stamps  # shared by the canvas's renderers: it survives a resize
        self.stamp_count = 0  # stamps made (the rest of the texts were copied)

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float,
                  ismath: Any = False, mtext: Any = None) -> None:
        # x from the left, y from the top (Agg's text convention), in pixels
        if (ismath == "TeX" or angle not in (0, 90) or gc.get_alpha() != 1.0
                or gc.get_hatch() is not None or gc.get_clip_rectangle() is not None
                or gc.get_clip_path()[0] is not None):
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)  # drawn as matplotlib does
            return
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, hash(prop), float(angle), ismath, tuple(gc.get_rgb()), gc.get_antialiased(),
               self.dpi, str(features), str(language))
        stamp = self.stamps.get(key)
        if stamp is None:
            if len(self.stamps) >= MAX_STAMPS:
                self.stamps.clear()
            stamp = self.stamps[key] = self._make_stamp(gc, s, prop, angle, ismath, mtext)
        image, left, top = stamp
        if image is None:  # only blanks
            return
        column = math.floor(x + 0.5) + left
        row = math.floor(y + 0.5) + top
        # draw_image wants the image's lower-left corner, from the bottom of the canvas
        self.draw_image(gc, column, self.height - (row + image.shape[0]), image)

    def _make_stamp(self, gc: Any, s: str, prop: Any, angle: float, ismath: Any,
                    mtext: Any) -> tuple[np.ndarray | None, int, int]:
        """The text drawn on a transparent square around a whole-pixel anchor, cut to its
        ink: (RGBA image with its bottom row first, columns and rows from the anchor to
        its top-left corner)."""
        self.stamp_count += 1
        width, height, descent = self.get_text_width_height_descent(s, prop, ismath)
        reach = math.ceil(max(width, height + descent)) + 4  # level or upright, it fits
        size = 2 * reach + 1
        scratch = RendererAgg(size, size, self.dpi)
        scratch_gc = scratch.new_gc()
        scratch_gc.copy_properties(gc)
        scratch_gc.set_clip_rectangle(None)
        scratch_gc.set_clip_path(None)
        RendererAgg.draw_text(scratch, scratch_gc, reach, reach, s, prop, angle, ismath, mtext)
        pixels = np.asarray(scratch.buffer_rgba())
        ink = pixels[..., 3] > 0
        rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            return None, 0, 0
        cut = pixels[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]
        return np.ascontiguousarray(cut[::-1]), int(columns[0]) - reach, int(rows[0]) - reach


class StampCanvas(FigureCanvasAgg):
    """An Agg canvas that draws text with :class:`StampRenderer`."""

    def __init__(self, figure: Any = None) -> None:
        self.stamps: dict = {}
        super().__init__(figure)

    def get_renderer(self) -> StampRenderer:
        width, height = self.get_width_height(physical=True)
        key = width, height, self.figure.dpi
        if self._lastKey != key:  # as FigureCanvasAgg does, with our renderer
            self.renderer = StampRenderer(width, height, self.figure.dpi, self.stamps)
            self._lastKey = key
        return self.renderer
