"""The canvas every report figure is drawn on, and how a figure becomes a PNG.

:func:`new_figure` gives a :class:`ReportFigure` (a matplotlib
:class:`~matplotlib.figure.Figure` that shows itself as a PNG in a notebook,
rendered once) on an Agg canvas that never draws on its own and measures
each text once. :func:`save_figure` writes any figure as a PNG with its
blank margin trimmed.

Three things make a report figure quicker to render than on a plain Agg
canvas, with the same pixels (byte for byte: ``tests/test_figures.py``):

- geopandas ends every ``plot`` with ``canvas.draw_idle()``, which on a plain
  Agg canvas renders the whole figure: a county's ward map was rendered six
  times while it was built. Nothing is on screen to refresh, so idle draws
  are skipped.
- matplotlib remembers a text's size per renderer, and a figure saved with
  its margin trimmed is drawn by a second renderer of the trimmed size, so
  every text was measured by FreeType twice per figure (and the source notes
  that every figure of a place carries, once per figure). The size of a
  text depends only on the text, its font and the dots per inch: the
  canvas's renderers share one memory of it.
- ``savefig(bbox_inches="tight")`` draws the whole figure once, rendering
  off, only to find the box to trim to; the figures are laid out by hand,
  so :meth:`ReportFigure.png` measures the same box from the artists'
  extents, one draw fewer.

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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import Bbox

__all__ = ["PNG_OPTIONS", "ReportFigure", "new_figure", "save_figure"]

#: zlib level 3, not Pillow's 6: the report figures encode in two thirds of the time and come out
#: smaller (flat colours and text compress as well at the lower level).
PNG_OPTIONS = {"compress_level": 3}


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
                    dpi=100,
                    bbox_inches=self._trimmed_box(100),
                    pad_inches=0.15,
                    facecolor="white",
                    pil_kwargs=PNG_OPTIONS,
                )
            finally:
                self._rendering = False
            self._png_cache = buffer.getvalue()
        return self._png_cache

    def _trimmed_box(self, dpi: float) -> Bbox | str:
        """The box ``bbox_inches="tight"`` would find (padded by 0.15 in), measured without drawing.

        Given ``"tight"``, ``savefig`` draws the whole figure once with rendering
        switched off only to find this box, then draws it again for the pixels.
        The report figures are laid out by hand (no layout engine) and every
        axes takes its final shape from ``apply_aspect``, so the box follows
        from the artists' extents alone: the same box, one draw fewer
        (``tests/test_figures.py`` holds the PNGs to matplotlib's own, byte for
        byte). Figures with a layout engine, or not on an Agg canvas, are left to ``"tight"``.

        Examples
        --------
        >>> fig = ReportFigure(figsize=(2, 1))  # not from new_figure: a plain canvas, savefig's own way
        >>> _ = fig.text(0.1, 0.5, "£1.2m")
        >>> fig._trimmed_box(100), fig.png()[1:4] == b"PNG"
        ('tight', True)
        """
        if self.get_layout_engine() is not None or not hasattr(self.canvas, "get_renderer"):
            return "tight"
        saved = self.dpi
        try:
            self.dpi = dpi
            renderer = self.canvas.get_renderer()
            for ax in self.axes:
                ax.apply_aspect()
            return self.get_tightbbox(renderer).padded(0.15)
        finally:
            self.dpi = saved

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
    ('ReportFigure', 'QuietAggCanvas', [4.0, 3.0])
    """
    fig = ReportFigure(figsize=figsize, facecolor="white")
    _canvas_class()(fig)
    return fig, fig.canvas.get_renderer()


#: Plain-text extents (width, height, descent in pixels) by text, font, dpi and hinting: the same
#: notes and labels recur in every figure of a place and of a batch. Emptied when full.
_MEASURED: dict[tuple, tuple[float, float, float]] = {}
_MEASURED_MAX = 8192


def _measured(text: str, prop: FontProperties, dpi: float, renderer) -> tuple[float, float, float]:
    """``renderer``'s measure of ``text``, taken once per text, font file, size, dpi and hinting."""
    import matplotlib as mpl
    from matplotlib.font_manager import findfont

    key = (
        text,
        findfont(prop),  # the font file the renderer will use (rcParams' families resolved)
        tuple(prop.get_family()),
        prop.get_style(),
        prop.get_variant(),
        prop.get_weight(),
        prop.get_stretch(),
        prop.get_size_in_points(),
        dpi,
        mpl.rcParams["text.hinting"],
        mpl.rcParams["text.hinting_factor"],
        mpl.rcParams["text.kerning_factor"],
    )
    found = _MEASURED.get(key)
    if found is None:
        found = renderer.measure(text, prop)
        if len(_MEASURED) >= _MEASURED_MAX:
            _MEASURED.clear()
        _MEASURED[key] = found
    return found


@lru_cache(maxsize=1)
def _renderer_class() -> type:
    """Agg's renderer, its plain-text measures remembered across renderers.

    Examples
    --------
    >>> from matplotlib.backends.backend_agg import RendererAgg
    >>> from matplotlib.font_manager import FontProperties
    >>> font = FontProperties(size=10)
    >>> ours = _renderer_class()(1, 1, 100).get_text_width_height_descent("Margate Central", font, False)
    >>> ours == RendererAgg(1, 1, 100).get_text_width_height_descent("Margate Central", font, False)
    True
    """
    from matplotlib.backends.backend_agg import RendererAgg

    class SharedMeasureRendererAgg(RendererAgg):
        """Agg's renderer, its plain text measured once for all renderers (the same numbers)."""

        def get_text_width_height_descent(self, s, prop, ismath):
            if ismath:  # mathtext and TeX as matplotlib does them
                return super().get_text_width_height_descent(s, prop, ismath)
            return _measured(s, prop, float(self.dpi), self)

        def measure(self, s, prop) -> tuple[float, float, float]:
            return RendererAgg.get_text_width_height_descent(self, s, prop, False)

    return SharedMeasureRendererAgg


@lru_cache(maxsize=1)
def _canvas_class() -> type:
    """An Agg canvas that renders only when asked to (``draw``, ``savefig``) and measures text once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer_class = _renderer_class()

    class QuietAggCanvas(FigureCanvasAgg):
        def draw_idle(self, *args, **kwargs) -> None:
            pass

        def get_renderer(self):
            w, h = self.figure.bbox.size
            key = w, h, self.figure.dpi
            if self._lastKey != key:
                self.renderer = renderer_class(w, h, self.figure.dpi)
                self._lastKey = key
            return self.renderer

    return QuietAggCanvas


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
