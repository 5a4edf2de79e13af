"""The explorer's HTML: the cards beside the map (themes, legend, ward profile), its header and notes, escaped.

Each function takes what :mod:`tuttotal.explore.model` computed and returns
a string of HTML for an ``ipywidgets.HTML``; every text that comes from
data (a ward's, a district's or a theme's name, a note) goes through
:func:`escape`. No widget is made here.

Examples
--------
>>> from tuttotal.explore.html_cards import escape
>>> escape("Rye & Winchelsea")
'Rye &amp; Winchelsea'
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.explore.measures import MEASURES, value_format
from tuttotal.explore.model import whole_pounds
from tuttotal.figures.classify import class_labels
from tuttotal.figures.style import (
    HOUSE_BLUE,
    LAD_EDGE,
    MUTED,
    NO_DATA_COLOUR,
    SELECTED_EDGE,
    STAMP_COLOUR,
    TEXT_DARK,
    TEXT_MUTED,
    class_colours,
)
from tuttotal.money import format_gbp

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.explore.model import DriverSensitivity, WardProfile

__all__ = [
    "CONTROLS_HINT",
    "EXPLORER_CSS",
    "bars",
    "driver_html",
    "escape",
    "header_html",
    "legend_html",
    "map_title_html",
    "no_profile_html",
    "notes_html",
    "profile_html",
    "status_html",
    "theme_html",
]

#: The explorer's own CSS: chosen options of the lists in light blue, the map's outlines let the pointer through.
EXPLORER_CSS = (
    "<style>"
    ".tuttotal-explorer select[multiple] option:checked {"
    " background: #cfe3f1 linear-gradient(0deg, #cfe3f1 0%, #cfe3f1 100%); color: #1a1a1a; }"
    ".tuttotal-explorer select[multiple] option { padding: 1px 4px; }"
    ".tuttotal-explorer select[multiple] { background: white; }"
    ".tuttotal-explorer .leaflet-container { background: #f4f6f8; }"
    ".tuttotal-explorer .tuttotal-map path.leaflet-interactive[fill='none'] { pointer-events: none; }"
    "</style>"
)
#: The line under the theme and agency lists.
CONTROLS_HINT = (
    f"<div style='font-size:11.5px;color:{TEXT_MUTED};line-height:1.3;margin:2px 0 0 4px'>"
    "Ctrl / ⌘-click to choose several themes or agencies; shift-click for a range.</div>"
)


def escape(text: object) -> str:
    """``text`` as HTML text: ``&``, ``<``, ``>`` and quotes escaped.

    Examples
    --------
    >>> escape("Hastings & Rye <E07000062>")
    'Hastings &amp; Rye &lt;E07000062&gt;'
    """
    return html.escape(str(text))


def bars(values: Sequence[float], scale: float, colours: Sequence[str]) -> str:
    """Thin horizontal CSS bars, one under the other, scaled to ``scale``."""
    out = []
    for value, colour in zip(values, colours, strict=True):
        width = 0.0 if not (np.isfinite(value) and scale and scale > 0) else max(0.0, 100 * value / scale)
        out.append(f"<div style='height:4px;margin:1px 0;width:{width:.1f}%;background:{colour}'></div>")
    return "".join(out)


def theme_html(table: pd.DataFrame, *, place_name: str, agencies_note: str) -> str:
    """The theme breakdown as an HTML table of bars: chosen themes in blue, the others grey."""

    scale = float(table["amount_gbp"].max()) if len(table) else 0.0
    per_head = "per_head_gbp" in table
    rows = []
    for row in table.itertuples():
        colour = HOUSE_BLUE if row.chosen else MUTED
        text_colour = TEXT_DARK if row.chosen else "#8a8a8a"
        width = 100 * row.amount_gbp / scale if scale > 0 else 0
        share = f"{row.share_of_chosen:.0%}" if row.chosen and np.isfinite(row.share_of_chosen) else ""
        rows.append(
            f"<tr style='color:{text_colour}'>"
            f"<td style='padding:2px 8px 2px 0;white-space:nowrap'>{escape(row.theme)}</td>"
            f"<td style='width:45%;padding:2px 0'><div style='height:12px;width:{max(width, 0):.1f}%;"
            f"background:{colour}'></div></td>"
            f"<td style='text-align:right;padding:2px 0 2px 8px;white-space:nowrap'>"
            f"{format_gbp(row.amount_gbp * 100, 3)}</td>"
            + (
                f"<td style='text-align:right;padding:2px 0 2px 8px'>{whole_pounds(row.per_head_gbp)}</td>"
                if per_head
                else ""
            )
            + f"<td style='text-align:right;padding:2px 0 2px 8px;color:{TEXT_MUTED}'>{share}</td></tr>"
        )
    chosen = table[table.chosen]
    total = chosen["amount_gbp"].sum()
    head_cells = ["Theme", "", "£ total", *(["£ / head"] if per_head else []), "share"]
    header = "".join(
        f"<th style='text-align:{'left' if i == 0 else 'right'};font-weight:600;padding:2px 0 2px 8px;"
        f"border-bottom:1px solid #ccc'>{c}</th>"
        for i, c in enumerate(head_cells)
    )
    return (
        f"<div class='tuttotal-themes-card' style='font-size:12.5px;line-height:1.3;color:{TEXT_DARK}'>"
        f"<div style='font-size:14px;font-weight:bold;margin-bottom:2px'>{escape(place_name)}: spend by theme</div>"
        f"<div style='color:{TEXT_MUTED};margin-bottom:6px'>{escape(agencies_note)}. Chosen themes "
        f"({len(chosen)} of {len(table)}) in blue: {format_gbp(total * 100, 3)} in all.</div>"
        f"<table style='border-collapse:collapse;width:100%'><tr>{header}</tr>{''.join(rows)}</table></div>"
    )


def legend_html(
    bins: np.ndarray,
    values: np.ndarray,
    classes: np.ndarray,
    *,
    measure: str,
    scheme_name: str,
    focus: bool = False,
    selected: str = "",
) -> str:
    """The map's legend as HTML: the classes with their colours and ward counts, then the outlines."""
    from matplotlib.colors import to_hex

    labels = class_labels(bins, values, classes, value_format(measure)) if bins.size else []
    palette = [to_hex(c) for c in class_colours(max(bins.size, 1))]
    swatch = "display:inline-block;width:16px;height:12px;margin-right:7px;vertical-align:-1px;"
    rows = [
        f"<div><span style='{swatch}background:{colour};border:1px solid #999'></span>{escape(label)}</div>"
        for colour, label in zip(palette, labels, strict=False)
    ]
    missing = int((classes < 0).sum())
    if missing:
        rows.append(
            f"<div><span style='{swatch}background:{NO_DATA_COLOUR};border:1px solid #999'></span>"
            f"no data ({missing})</div>"
        )
    outline = "display:inline-block;width:16px;margin-right:7px;vertical-align:3px;"
    extra = [f"<div><span style='{outline}border-top:1.5px solid {LAD_EDGE}'></span>District boundary</div>"]
    if focus:
        extra.append(
            f"<div><span style='{swatch}border:1.5px solid #111;box-sizing:border-box'></span>Focus ward</div>"
        )
    if selected:
        extra.append(
            f"<div><span style='{swatch}border:2.5px solid {SELECTED_EDGE};box-sizing:border-box'></span>"
            f"{escape(selected)}</div>"
        )
    title = f"{MEASURES[measure]} ({scheme_name}, {bins.size} class{'' if bins.size == 1 else 'es'})"
    return (
        f"<div class='tuttotal-legend-card' style='font-size:12.5px;line-height:1.65;color:{TEXT_DARK}'>"
        f"<div style='font-weight:bold;margin-bottom:2px'>{escape(title)}</div>{''.join(rows)}"
        f"<div style='margin-top:8px'>{''.join(extra)}</div></div>"
    )


def driver_html(driver: DriverSensitivity) -> str:
    """A small block of the profile card: the sentence, then the modelled money by each driver."""
    modelled = (
        f"Modelled money (the region's, shared by driver): {format_gbp(driver.modelled_need_gbp * 100, 3)} by the "
        f"need drivers, {format_gbp(driver.modelled_population_gbp * 100, 3)} by population alone"
    )
    if driver.measured_gbp:
        modelled += (
            f"; measured money, {format_gbp(driver.measured_gbp * 100, 3)} (the authorities' own books), is the "
            "same in both"
        )
    modelled += ". The gap is the choice of driver, not a measurement."
    return (
        "<div class='tuttotal-driver-sensitivity' style='margin:0 0 8px 0'>"
        f"<div style='font-weight:600'>How much the driver decides ({escape(driver.year)}, all themes and "
        "agencies)</div>"
        f"<div>{escape(driver.sentence())}</div>"
        f"<div style='color:{TEXT_MUTED};font-size:11.5px'>{escape(modelled)}</div></div>"
    )


def profile_html(profile: WardProfile) -> str:
    """The profile as a small HTML card (what the explorer shows)."""

    per_head = profile.ranked_by == "per_head_gbp"
    what = "per head" if per_head else "in total"
    facts = [
        ("Spend counted", f"{format_gbp(profile.amount_gbp * 100, 3)} (£{profile.amount_gbp:,.0f})"),
    ]
    if per_head:
        facts.append(("Per head", f"£{profile.per_head_gbp:,.0f} ({profile.population:,.0f} people)"))
    if np.isfinite(profile.income_deprived_share):
        text = f"{profile.income_deprived_share:.1%} of people"
        if profile.income_rank_in_place is not None:
            text += f", rank {profile.income_rank_in_place} of {profile.place_wards} in {profile.place_name} (1 = most)"
        facts.append(("Income-deprived", text))
    if profile.england_imd_decile is not None:
        facts.append(("IMD 2015", f"England decile {profile.england_imd_decile} of 10 (1 = most deprived LSOAs)"))
    facts += [
        (
            "Share",
            f"{profile.share_of_lad:.1%} of {profile.lad_name}, {profile.share_of_place:.2%} of {profile.place_name}",
        ),
        (
            "Rank",
            f"{profile.rank_in_lad} of {profile.lad_wards} in {profile.lad_name}, "
            f"{profile.rank_in_place} of {profile.place_wards} in {profile.place_name} ({what}, 1 = highest)",
        ),
    ]
    fact_rows = "".join(
        f"<tr><th style='text-align:left;padding:1px 10px 1px 0;color:{TEXT_MUTED};font-weight:normal'>{k}</th>"
        f"<td style='padding:1px 0'>{escape(v)}</td></tr>"
        for k, v in facts
    )
    head = (
        f"<div class='tuttotal-profile-card' style='font-size:13px;line-height:1.35;color:{TEXT_DARK}'>"
        f"<div style='font-size:15px;font-weight:bold;margin-bottom:2px'>{escape(profile.ward_name)}</div>"
        f"<div style='color:{TEXT_MUTED};margin-bottom:6px'>{escape(profile.ward_code)} · {escape(profile.lad_name)} "
        f"({escape(profile.lad_code)}) · {escape(profile.place_name)}</div>"
        f"<table style='border-collapse:collapse;margin-bottom:8px'>{fact_rows}</table>"
        + (driver_html(profile.driver) if profile.driver is not None else "")
    )
    if not len(profile.by_theme):
        return head + "<div>No theme chosen.</div></div>"
    if per_head:
        scale = np.nanmax(profile.by_theme[["ward_per_head_gbp", "lad_per_head_gbp", "place_per_head_gbp"]].to_numpy())
        cells = ["Theme", "Ward £", "Ward / head", "LAD / head", "Place / head", ""]
    else:
        scale = float(profile.by_theme["ward_gbp"].max())
        cells = ["Theme", "Ward £", ""]
    header = "".join(
        f"<th style='text-align:{'left' if i == 0 else 'right'};padding:2px 6px;border-bottom:1px solid #ccc;"
        f"font-weight:600'>{c}</th>"
        for i, c in enumerate(cells)
    )
    rows = []
    for row in profile.by_theme.itertuples():
        td = "style='text-align:right;padding:1px 6px;white-space:nowrap'"
        line = f"<td style='padding:1px 6px'>{escape(row.theme)}</td>"
        line += f"<td {td}>{format_gbp(row.ward_gbp * 100, 3)}</td>"
        if per_head:
            line += "".join(
                f"<td {td}>{whole_pounds(v)}</td>"
                for v in (row.ward_per_head_gbp, row.lad_per_head_gbp, row.place_per_head_gbp)
            )
            drawn = bars(
                [row.ward_per_head_gbp, row.lad_per_head_gbp, row.place_per_head_gbp],
                scale,
                [SELECTED_EDGE, "#e3a548", "#9e9e9e"],
            )
        else:
            drawn = bars([row.ward_gbp], scale, [SELECTED_EDGE])
        rows.append(f"<tr>{line}<td style='padding:1px 6px;width:70px;min-width:50px'>{drawn}</td></tr>")
    key = (
        f"<div style='color:{TEXT_MUTED};font-size:11.5px;margin-top:4px'>Bars: "
        + " ".join(
            f"<span style='display:inline-block;width:9px;height:9px;background:{c};margin:0 3px 0 8px'></span>{n}"
            for c, n in ((SELECTED_EDGE, "ward"), ("#e3a548", profile.lad_name), ("#9e9e9e", profile.place_name))
        )
        + " (per head)</div>"
        if per_head
        else ""
    )
    table = f"<table style='border-collapse:collapse;font-size:12.5px'><tr>{header}</tr>{''.join(rows)}</table>"
    return head + table + key + "</div>"


def map_title_html(title: str, subtitle: str) -> str:
    """The map's title and subtitle (:func:`tuttotal.explore.model.view_titles`) over the map widget."""
    return (
        f"<div style='font-size:15px;font-weight:bold;color:{TEXT_DARK}'>{escape(title)}</div>"
        f"<div style='font-size:12px;color:{TEXT_MUTED};margin-bottom:4px'>{escape(subtitle)}</div>"
    )


def no_profile_html(place_name: str, typed: str = "") -> str:
    """What the profile panel says with no ward chosen: how to choose one, or that ``typed`` matches none yet.

    Examples
    --------
    >>> "No ward of Kent matches" in no_profile_html("Kent", "Nowhere")
    True
    """
    message = (
        f"No ward of {escape(place_name)} matches “{escape(typed)}” yet: pick one from the list."
        if typed
        else "Choose a ward above (type part of its name) to see its profile."
    )
    return f"<div style='color:{TEXT_MUTED};font-size:12.5px;margin-top:6px'>{message}</div>"


def header_html(name: str, year: str, *, stamp: str | None, wards: int, lads: Sequence[str], provenance: str) -> str:
    """The explorer's header: place and year, its stamp (SYNTHETIC), its wards and districts, the money's source."""

    mark = (
        f" <span style='border:1px solid {STAMP_COLOUR};color:{STAMP_COLOUR};border-radius:3px;padding:0 4px;"
        f"font-size:11px;font-weight:bold'>{stamp}</span>"
        if stamp
        else ""
    )
    named = ", ".join(lads)
    return (
        f"<div style='margin:0 0 6px 0'><span style='font-size:17px;font-weight:bold;color:{TEXT_DARK}'>"
        f"{escape(name)}, {escape(year)}</span>{mark}"
        f"<div style='font-size:12px;color:{TEXT_MUTED}'>{wards} wards in {len(lads)} "
        f"district(s): {escape(textwrap.shorten(named, 160, placeholder=' …'))}. "
        f"{escape(provenance)}"
        "</div></div>"
    )


def notes_html(notes: Sequence[str]) -> str:
    """The notes under the map (the count's notes and the attribution), one a line."""
    lines = "<br>".join(escape(n) for n in notes)
    return f"<div style='font-size:11px;color:{TEXT_MUTED};line-height:1.35'>{lines}</div>"


def status_html(text: str, colour: str = TEXT_MUTED) -> str:
    """A line of the status beside the export button (``text`` is HTML already: escape what it quotes)."""
    return f"<span style='color:{colour};font-size:12.5px;margin-left:10px'>{text}</span>"
