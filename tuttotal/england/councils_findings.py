"""Councils' spending and need across England, drawn and tabled: the findings of the 2010s cuts, measured.

From the councils' table (:func:`tuttotal.england.councils.councils_table`)
and its change (:func:`tuttotal.england.councils.councils_change`), nothing
read from a file:

* :func:`correlation_summary`: how councils' spending per head in the first
  year, and its change to the last, go with income deprivation, for every
  measure (with and without transfers of function, £ and %), for all
  districts and without the outliers (:data:`tuttotal.england.findings.OUTLIERS`);
* :func:`decile_summary`: the same by decile of income deprivation;
* :func:`need_scatter`, :func:`decile_chart` and :func:`district_map`: the
  figures, with the 13 Total Place pilots named (or outlined);
* :func:`findings_tables`: every table of the findings, by file name.

Examples
--------
>>> from tuttotal.england import councils, councils_findings  # doctest: +SKIP
>>> change = councils.councils_change(councils.councils_table("../shared/data"))  # doctest: +SKIP
>>> summary = councils_findings.correlation_summary(change)  # doctest: +SKIP
>>> round(float(summary.set_index(["measure", "sample"]).loc[
...     ("change_without_transfers_per_head_gbp", "typical"), "pearson_r"]), 2)  # doctest: +SKIP
-0.71
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tuttotal.data.datasets import ATTRIBUTION
from tuttotal.england import findings
from tuttotal.figures import england_charts, england_maps
from tuttotal.figures.style import CMAP

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd
    from matplotlib.figure import Figure

FIRST = "first_without_transfers_per_head_gbp"
CHANGE = "change_without_transfers_per_head_gbp"
#: The measures of the change table, in words (``{first}``, ``{last}``: its years).
MEASURES = {
    "first_per_head_gbp": "councils' spending per head in {first}, all services",
    FIRST: "councils' spending per head in {first}, transfers of function apart",
    "change_per_head_gbp": "change in councils' spending per head, {first} to {last}, all services",
    CHANGE: "change in councils' spending per head, {first} to {last}, transfers of function apart",
    "change_pct": "change in councils' spending per head, {first} to {last}, all services, %",
    "change_without_transfers_pct": "change in councils' spending per head, {first} to {last}, transfers apart, %",
}
#: The two findings the figures draw: the first year's level, and the change.
WHICH = {"first": FIRST, "change": CHANGE}


def _years(change: pd.DataFrame) -> tuple[str, str]:
    return change.attrs.get("first") or change["first_year"].iloc[0], change.attrs.get("last") or change[
        "last_year"
    ].iloc[0]


def _which(which: str) -> str:
    if which not in WHICH:
        raise ValueError(f"unknown finding {which!r}: use one of {sorted(WHICH)}")
    return WHICH[which]


def correlation_summary(change: pd.DataFrame, exclude: Sequence[str] = tuple(findings.OUTLIERS)) -> pd.DataFrame:
    """Each measure of the change table against income deprivation, for every district and the typical ones.

    Returns
    -------
    pandas.DataFrame
        ``what, sample`` (``all``: every district with a value; ``typical``:
        without ``exclude``) and :data:`tuttotal.england.findings.CORRELATION_COLUMNS`.
    """
    import pandas as pd

    first, last = _years(change)
    rows = []
    for column, words in MEASURES.items():
        for sample, left_out in (("all", ()), ("typical", exclude)):
            row = findings.need_correlation(change, column, exclude=left_out)
            row.insert(0, "sample", sample)
            row.insert(0, "what", words.format(first=first, last=last))
            rows.append(row)
    result = pd.concat(rows, ignore_index=True)
    result.attrs.update(change.attrs)
    return result


def decile_summary(change: pd.DataFrame, exclude: Sequence[str] = tuple(findings.OUTLIERS)) -> pd.DataFrame:
    """Every measure of the change table by decile of income deprivation (people of the first year as weights).

    The districts of ``exclude`` (:data:`tuttotal.england.findings.OUTLIERS`)
    are left out, as from the fitted line: the City of London's £22,000 a head
    would add about £50 a head to its decile's people-weighted figure.
    """
    kept = change[~change["lad_code"].isin(list(exclude))]
    result = findings.need_deciles(kept, list(MEASURES), people="people_first")
    result.attrs.update(change.attrs)
    result.attrs["excluded"] = sorted(set(exclude) & set(change["lad_code"]))
    return result


def _transfer_words(transfers: dict[str, str]) -> str:
    """``education (schools leaving council books as academies, from 2010-11); …``: short, for figure notes."""
    parts = []
    for group, what in transfers.items():
        short = what.split(":")[0].split(",")[0].split(" (from")[0]
        since = what.rsplit("(from ", 1)[-1].rstrip(")") if "(from " in what else ""
        parts.append(f"{group} ({short}{', from ' + since if since else ''})")
    return "; ".join(parts)


def figure_notes(change: pd.DataFrame, *, places: int = 0) -> list[str]:
    """The notes every figure of the councils' findings carries: what is counted, prices, transfers, sources.

    ``places``: how many places the figure names as wholes (0: none).
    """
    first, last = _years(change)
    transfers = change.attrs.get("transfers", {})
    counted = [
        note
        for note in change.attrs.get("notes", [])
        if not note.startswith("Transfer of function") and not note.startswith("No RS return")
    ]
    notes = list(counted)
    for column, year in (("first_per_head_gbp", first), ("last_per_head_gbp", last)):
        if column in change and change[column].isna().any():
            names = ", ".join(sorted(change.loc[change[column].isna(), "lad_name"].astype(str)))
            notes.append(f"No councils' books for {year} (DCLG marks 'not available'): {names}; no change shown.")
    if transfers:
        notes.append(f"Transfers of function, not cuts, left out of both years: {_transfer_words(transfers)}.")
    if places:
        notes.append(
            f"The {places} Total Place pilots (2009-10), each as a whole: its districts weighted by their people."
        )
    notes.append(f"Sources: DCLG RS {first} to {last}; ONS; HM Treasury GDP deflator (Sept. 2019); IMD 2010 (DCLG).")
    return notes


def scatter_areas(change: pd.DataFrame, places, column: str, exclude: Sequence[str]) -> pd.DataFrame:
    """The chart's table of districts: ``area_name, need, value, place, in_fit``."""
    import pandas as pd

    lookup = findings.pilot_lookup(places)
    return pd.DataFrame(
        {
            "area_name": change["lad_name"],
            "need": change["income_deprived"],
            "value": change[column],
            "place": change["lad_code"].map(lookup).fillna(""),
            "in_fit": ~change["lad_code"].isin(list(exclude)),
        }
    )


def need_scatter(
    change: pd.DataFrame, places, which: str = "change", *, exclude: Sequence[str] = tuple(findings.OUTLIERS)
) -> Figure:
    """England's districts: councils' spending per head (``which="first"``) or its change, against need.

    The 13 pilots (``places``: :func:`tuttotal.data.places.pilot_places`)
    named as wholes, their districts highlighted; the OLS line and its 95%
    band fitted without ``exclude`` (drawn hollow), the correlation in the subtitle.
    """
    column = _which(which)
    first, last = _years(change)
    prices = change["prices"].iloc[0]
    stats = findings.need_correlation(change, column, exclude=exclude).iloc[0]
    everyone = findings.need_correlation(change, column).iloc[0]
    line = findings.fitted_line(change, column, exclude=exclude)
    points = findings.place_points(change, places, column, people="people_first").rename(columns={column: "value"})
    if which == "first":
        title = f"Councils' spending per head in {first} against income deprivation, England's districts"
        measure = f"£ per head in {first}, {prices}"
    else:
        title = f"Change in councils' spending per head, {first} to {last}, against income deprivation"
        measure = f"Change in £ per head, {first} to {last}, {prices}"
    notes = figure_notes(change, places=len(points))
    left_out = [code for code in exclude if code in set(change["lad_code"])]
    if left_out:
        notes.insert(
            0,
            "Left out of the line and r: "
            + "; ".join(findings.OUTLIERS.get(code, code) for code in left_out)
            + f". With it, all {int(everyone['n'])} districts: r = {everyone['pearson_r']:.2f}, "
            f"ρ = {everyone['spearman_rho']:.2f}.",
        )
    if int(stats["left_out"]):
        notes.insert(1, f"{int(stats['left_out'])} district(s) without books in a year (no RS return) left out.")
    return england_charts.need_fit_scatter(
        scatter_areas(change, places, column, exclude),
        line,
        title=title,
        measure=measure,
        stats=stats,
        places=points,
        notes=notes,
    )


def decile_chart(
    change: pd.DataFrame, which: str = "change", *, exclude: Sequence[str] = tuple(findings.OUTLIERS)
) -> Figure:
    """Councils' spending per head (or its change) by decile of income deprivation: each decile's people-weighted
    value (its money over its people for a year; its districts' change weighted by their people for a change),
    ``exclude`` left out as from the fitted line."""
    column = _which(which)
    first, last = _years(change)
    prices = change["prices"].iloc[0]
    left_out = [code for code in exclude if code in set(change["lad_code"])]
    kept = change[~change["lad_code"].isin(left_out)]
    deciles = findings.need_deciles(kept, column, people="people_first")
    notes = figure_notes(change)
    if left_out:
        notes.insert(0, "Left out: " + "; ".join(findings.OUTLIERS.get(code, code) for code in left_out) + ".")
    if which == "first":
        title = f"Councils' spending per head in {first}, by decile of income deprivation, England's districts"
        measure = f"£ per head, {prices}"
    else:
        title = f"Change in councils' spending per head, {first} to {last}, by decile of income deprivation"
        measure = f"Change in £ per head, {prices}"
    return england_charts.decile_bars(
        deciles,
        f"{column}_weighted",
        title=title,
        measure=measure,
        subtitle=f"{int(kept[column].notna().sum())} districts in ten groups by income deprivation; "
        f"each group's districts weighted by their people of {first}",
        notes=notes,
    )


def district_map(change: pd.DataFrame, lads: gpd.GeoDataFrame, which: str = "change", places=None) -> Figure:
    """A map of England's districts (``lads``: their polygons) by councils' spending per head or its change.

    ``places`` (the pilots) are outlined. The change is coloured darkest for
    the deepest cut.
    """
    column = _which(which)
    first, last = _years(change)
    prices = change["prices"].iloc[0]
    frame = lads[["lad_code", lads.geometry.name, *(["region"] if "region" in lads else [])]].merge(
        change[["lad_code", "lad_name", column]], on="lad_code", how="left"
    )
    highlight = None
    if places:
        lookup = findings.pilot_lookup(places)
        chosen = frame[frame["lad_code"].isin(list(lookup))].assign(place=lambda t: t["lad_code"].map(lookup))
        highlight = england_maps.outline_of(chosen, "place")
    if which == "first":
        title = f"Councils' spending per head in {first}, England's districts"
        measure, reverse, cmap = f"£ a head, {prices}", False, CMAP
    else:
        title = f"Change in councils' spending per head, {first} to {last}, England's districts"
        measure, reverse, cmap = f"Change, £ a head, {prices}", True, "OrRd"
    return england_maps.england_map(
        frame,
        column,
        title=title,
        measure=measure,
        basis="Basis: measured (councils' own books), transfers of function apart",
        highlight=highlight,
        highlight_label="Total Place pilot (13)",
        notes=figure_notes(change),
        attribution=ATTRIBUTION,
        cmap=cmap,
        reverse=reverse,
    )


def findings_tables(table: pd.DataFrame, change: pd.DataFrame, places) -> dict[str, pd.DataFrame]:
    """Every table of the councils' findings, by the name of its CSV.

    ``councils_by_year`` (LAD × year), ``councils_change`` (LAD),
    ``councils_need_correlation``, ``councils_need_deciles`` and
    ``councils_league`` (each pilot's districts ranked among England's).
    """
    return {
        "councils_by_year": table,
        "councils_change": change,
        "councils_need_correlation": correlation_summary(change),
        "councils_need_deciles": decile_summary(change),
        "councils_league": findings.league_table(change, places),
    }


def with_councils_change(lads: pd.DataFrame, change: pd.DataFrame) -> pd.DataFrame:
    """The national table of districts (``lads.csv``) with the councils' change beside each district.

    Adds ``change_per_head_gbp``, ``change_without_transfers_per_head_gbp``
    and their ``_pct`` (measured: councils' own books, at the change table's
    prices), so that one league table ranks each district by money per head,
    its change and need. Columns of the same name in ``lads`` are replaced.

    Examples
    --------
    >>> import pandas as pd
    >>> lads = pd.DataFrame({"lad_code": ["A", "B"], "per_head_gbp": [9000.0, 8000.0]})
    >>> change = pd.DataFrame({"lad_code": ["B", "A"], "change_per_head_gbp": [-100.0, -50.0],
    ...                        "change_without_transfers_per_head_gbp": [-80.0, -10.0],
    ...                        "change_pct": [-10.0, -5.0], "change_without_transfers_pct": [-9.0, -1.0]})
    >>> with_councils_change(lads, change)["change_per_head_gbp"].tolist()
    [-50.0, -100.0]
    """
    columns = ["change_per_head_gbp", CHANGE, "change_pct", "change_without_transfers_pct"]
    kept = lads.drop(columns=[c for c in columns if c in lads.columns])
    merged = kept.merge(change[["lad_code", *columns]], on="lad_code", how="left", validate="one_to_one")
    merged.attrs.update(lads.attrs)
    return merged


def national_league(lads: pd.DataFrame, change: pd.DataFrame, places) -> pd.DataFrame:
    """Each place's districts ranked among England's 326: per head (all money, and measured), councils' change and
    need, each rank with its basis (:func:`tuttotal.england.findings.league_table`)."""
    return findings.league_table(with_councils_change(lads, change), places, level="lad")
