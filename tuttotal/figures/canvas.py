"""The canvas every report figure is drawn on, and how a figure becomes a PNG.

:func:`new_figure` gives a :class:`ReportFigure` (a matplotlib
:class:`~matplotlib.figure.Figure` on matplotlib's own Agg canvas that shows
itself as a PNG in a notebook, rendered once) and its renderer, for figures
that measure their text. :func:`save_figure` writes any figure as a PNG with
its blank margin trimmed: matplotlib's ``savefig(bbox_inches="tight")``; a
:class:`ReportFigure` hands ``savefig`` that box itself (:func:`trimmed_box`:
one draw instead of two, the same bytes; ``benchmarks/figures.py``).

Until issue 22 the canvas was a subclass of Agg's that skipped idle draws,
shared text measures across renderers and found the trimmed box without a
draw, for the same bytes. ``benchmarks/libraries.py`` measured what it saved
of a whole place run and of a batch (``docs/benchmarks/libraries.md``): under
the 20% that keeps a copy of a library, so plain matplotlib draws them now,
the PNGs byte for byte the same.

Examples
--------
>>> import os, tempfile
>>> fig, renderer = new_figure((3, 1))
>>> _ = fig.text(0.1, 0.5, "£1.2m")
>>> out = save_figure(fig, os.path.join(tempfile.mkdtemp(), "figs", "demo"))
>>> out.name, out.read_bytes()[:4] == b"\\x89PNG"
('demo.png', True)
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.transforms import Bbox

__all__ = ["DPI", "PAD_INCHES", "PNG_OPTIONS", "ReportFigure", "new_figure", "save_figure", "trimmed_box"]

#: zlib level 3, not Pillow's 6: the report figures encode in two thirds of the time and come out
#: smaller (flat colours and text compress as well at the lower level).
PNG_OPTIONS = {"compress_level": 3}


#: The resolution of every report PNG, and the blank margin (inches) kept around the trimmed figure.
DPI, PAD_INCHES = 100, 0.15


def trimmed_box(fig: Figure) -> Bbox | str:
    """The box ``savefig(bbox_inches="tight", pad_inches=PAD_INCHES)`` trims ``fig`` to, found without a draw.

    ``savefig``'s ``"tight"`` draws the whole figure once only to measure it
    (then again to render the PNG). The box is matplotlib's own
    :meth:`~matplotlib.figure.Figure.get_tightbbox`, asked of the renderer
    that the figure's drawing already measured its text on (``new_figure``'s),
    and ``savefig`` is handed it: the same box, so the same bytes (a test
    holds every report figure of a real count to it), for one draw less.
    ``benchmarks/figures.py`` measures it. Where the renderer is not the one
    ``savefig`` would measure with (a layout engine lays the figure out at
    draw time, another dpi), it is ``"tight"``.

    Examples
    --------
    >>> fig, renderer = new_figure((3, 1))
    >>> _ = fig.text(0.1, 0.5, "£1.2m")
    >>> box = trimmed_box(fig)
    >>> round(float(box.x0), 2), float(box.width) < 3  # the text's left edge less the margin; not the figure's width
    (0.15, True)
    """
    if fig.get_layout_engine() is not None or fig.dpi != DPI:
        return "tight"
    return fig.get_tightbbox(fig.canvas.get_renderer()).padded(PAD_INCHES)


class ReportFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that a notebook shows as a PNG (trimmed, 100 dpi).

    IPython shows a plain Figure as a picture only once pyplot's inline
    backend is loaded; this one shows itself either way. It is rendered
    once: the PNG that a notebook shows is the one :func:`save_figure`
    writes, until the figure is changed (any change makes it stale and
    drops the stored PNG).
    """

    _png_cache: bytes | None = None
    _rendering: bool = False

    @property
    def stale(self) -> bool:
        return Figure.stale.fget(self)

    @stale.setter
    def stale(self, value: bool) -> None:
        Figure.stale.fset(self, value)
        if value and not self._rendering:
            self._png_cache = None

    def png(self) -> bytes:
        """The figure as PNG bytes (100 dpi, blank margin trimmed), rendered once until changed."""
        if self._png_cache is None:
            buffer = io.BytesIO()
            self._rendering = True
            try:
                self.savefig(
                    buffer,
                    format="png",
                    dpi=DPI,
                    bbox_inches=trimmed_box(self),
                    pad_inches=PAD_INCHES,
                    facecolor="white",
                    pil_kwargs=PNG_OPTIONS,
                )
            finally:
                self._rendering = False
            self._png_cache = buffer.getvalue()
        return self._png_cache

    def _repr_png_(self) -> bytes:
        return self.png()

    def _ipython_display_(self) -> None:
        # Ahead of pyplot's inline formatter, which would render the figure a second time.
        from IPython.display import Image, display

        display(Image(data=self.png(), format="png"))


def new_figure(figsize: tuple[float, float]) -> tuple[Figure, RendererBase]:
    """A white :class:`ReportFigure` on the package's Agg canvas, and its renderer.

    No pyplot state is touched. The figure shows itself as a PNG when it is
    the last expression of a notebook cell, whether or not pyplot's inline
    backend has been loaded.

    Examples
    --------
    >>> fig, renderer = new_figure((4, 3))
    >>> type(fig).__name__, type(fig.canvas).__name__, fig.get_size_inches().tolist()
    ('ReportFigure', 'FigureCanvasAgg', [4.0, 3.0])
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = ReportFigure(figsize=figsize, facecolor="white")
    FigureCanvasAgg(fig)
    return fig, fig.canvas.get_renderer()


def save_figure(fig: Figure, path: str | os.PathLike, *, dpi: int = 100) -> Path:
    """Save ``fig`` as a PNG (the blank margin trimmed) and return its path.

    Parent folders are made; a path without a suffix gets ``.png``. Other
    suffixes (``.svg``, ``.pdf``) save in that format.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import tempfile, os
    >>> fig = Figure(figsize=(2, 1))
    >>> _ = fig.text(0.1, 0.5, "£1.2m")
    >>> out = save_figure(fig, os.path.join(tempfile.mkdtemp(), "figs", "demo"))
    >>> out.name, out.stat().st_size > 0
    ('demo.png', True)
    """
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(".png")
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(fig, ReportFigure) and path.suffix.lower() == ".png" and dpi == 100:
        path.write_bytes(fig.png())  # the very PNG the notebook showed: rendered once
        return path
    options = {"pil_kwargs": PNG_OPTIONS} if path.suffix.lower() == ".png" else {}
    fig.savefig(path, dpi=dpi, bbox_inches="tight", pad_inches=0.15, facecolor="white", **options)
    return path
