"""The house style: one set of colours, type sizes and figure furniture for maps, charts and the explorer.

Every figure of the package (report maps, charts, the explorer's exported
map) takes its colours and text sizes from here, and draws its title,
subtitle, notes and stamp with the same properties, so that a reader sees
one family of figures.

Examples
--------
>>> from tuttotal.figures import style
>>> style.STAMP_BOX["edgecolor"] == style.STAMP_COLOUR
True
"""

from __future__ import annotations

from tuttotal.money import format_gbp

# --------------------------------------------------------------------------- colours

CMAP = "YlGnBu"  # choropleths: sequential, colour-blind safe, prints in grey scale
NO_DATA_COLOUR = "#d4d4d4"
HOUSE_BLUE = "#2b6f9e"  # bars, chosen items
NEGATIVE_COLOUR = "#b4533a"  # negative amounts
MUTED = "#b9c6d0"  # items not chosen
POINT_COLOUR = "#7fa7c6"  # wards as points
AREA_COLOURS = (HOUSE_BLUE, "#e3a548", "#bdbdbd", "#a0668f", "#4f9a8c")  # areas side by side
WARD_EDGE = "white"
LAD_EDGE = "#3a3a3a"
FOCUS_EDGE = "#111111"
SELECTED_EDGE = "#c2185b"  # the ward chosen in the explorer
STAMP_COLOUR = "#9b2226"  # the stamp (SYNTHETIC, USER DATA), focus wards in charts
TEXT_DARK = "#1a1a1a"
TEXT_MUTED = "#555555"
NOTE_COLOUR = "#333333"
GRID_COLOUR = "#e3e3e3"


def class_colours(n: int, name: str = CMAP) -> list[tuple[float, float, float, float]]:
    """The colours of ``n`` map classes, light to dark, from the house colour map (one class: its middle).

    Every map (report PNGs, the reports' interactive maps, the explorer) colours its classes with these.

    Examples
    --------
    >>> len(class_colours(5)), class_colours(1) == class_colours(1)
    (5, True)
    """
    import numpy as np
    from matplotlib import colormaps

    cmap = colormaps[name]
    if n == 1:
        return [cmap(0.55)]
    return [cmap(x) for x in np.linspace(0.14, 0.92, n)]


# --------------------------------------------------------------------------- type sizes, in points

TITLE_PT = 13
MAP_TITLE_PT = 14
SUBTITLE_PT = 10
LABEL_PT = 9.5
TICK_PT = 9.5
NOTE_PT = 9
ATTRIBUTION_PT = 8
LEGEND_PT = 9
STAMP_PT = 10

# --------------------------------------------------------------------------- furniture

#: The stamp's text and box: bold, in the stamp colour, boxed in white.
STAMP_TEXT = {"fontsize": STAMP_PT, "fontweight": "bold", "color": STAMP_COLOUR}
STAMP_BOX = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": STAMP_COLOUR, "linewidth": 1.0}
#: A title: bold, dark.
TITLE_TEXT = {"fontweight": "bold", "color": TEXT_DARK}
#: A subtitle or a legend's small print: muted.
SUBTITLE_TEXT = {"color": TEXT_MUTED}
#: Notes under a figure (source, method, year).
NOTE_TEXT = {"fontsize": NOTE_PT, "color": NOTE_COLOUR, "linespacing": 1.35}

# --------------------------------------------------------------------------- measured or modelled

#: The hatch of modelled money (a region's money shared by a driver) in every money figure; measured
#: money (a body's own books) is drawn solid.
MODELLED_HATCH = "////"
MEASURED_LABEL = "measured: the body's own books"
MODELLED_LABEL = "modelled: region's money by driver"


def basis_handles(
    colour: str = HOUSE_BLUE,
    *,
    measured: str | None = MEASURED_LABEL,
    modelled: str | None = MODELLED_LABEL,
    hatch_colour: str = "white",
) -> list:
    """Legend handles telling measured money (a solid swatch) from modelled money (the same swatch, hatched).

    Every money figure that shows the two apart (the theme, focus comparison
    and trend charts) keys them with these; ``None`` leaves an entry out.

    Examples
    --------
    >>> [(h.get_label(), h.get_hatch()) for h in basis_handles()]
    [("measured: the body's own books", None), ("modelled: region's money by driver", '////')]
    >>> [h.get_label() for h in basis_handles(measured=None)]
    ["modelled: region's money by driver"]
    """
    from matplotlib.patches import Patch

    handles = []
    if measured is not None:
        handles.append(Patch(facecolor=colour, label=measured))
    if modelled is not None:
        handles.append(Patch(facecolor=colour, edgecolor=hatch_colour, hatch=MODELLED_HATCH, label=modelled))
    return handles


def basis_split_labels(measured_gbp: float, modelled_gbp: float) -> list[str]:
    """The money by basis in words, each with its share of the two: a map's legend entries.

    Examples
    --------
    >>> basis_split_labels(312_400_000, 1_011_000_000)
    ['measured £312m (24%)', 'modelled £1.01bn (76%)']
    >>> basis_split_labels(0, 5_000)
    ['measured £0 (0%)', 'modelled £5k (100%)']
    """
    total = measured_gbp + modelled_gbp
    return [
        f"{name} {format_gbp(pounds * 100, 3)} ({pounds / total:.0%})" if total else f"{name} {format_gbp(0)}"
        for name, pounds in (("measured", measured_gbp), ("modelled", modelled_gbp))
    ]
