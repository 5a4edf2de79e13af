"""A place set in England: its districts' ranks among England's LADs and its focus wards' among England's wards.

The ranks are read from the national tables a ``tuttotal england`` run wrote
(``<output root>/england/<year>/lads.csv`` and ``wards.csv``) when they are
there, of the same year and prices. Without them:

* when the national caches are warm (the wards and ward drivers of all 326
  LADs, :func:`national_cache_warm`), the national
  count is made (:func:`tuttotal.england.count.england_count`, a few seconds)
  and both tables ranked;
* otherwise (a cold national overlay costs minutes, never paid silently
  inside a place report) the districts are ranked by the LAD-level national
  count (:func:`tuttotal.england.count.national_topdown` and
  :func:`~tuttotal.england.count.national_books`: every LAD, no wards), and
  the focus wards' rows say how to get theirs (``tuttotal england --year Y``).

Each row states the basis of its rank (:func:`tuttotal.england.findings.basis_words`)
and where its national table came from.

Examples
--------
>>> from tuttotal.england.ranks import national_folder
>>> national_folder("outputs", "2008-09").as_posix()
'outputs/england/2008-09'
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.count import measured_modelled, themes
from tuttotal.count.apportion import flag_transfers, load_transfer_rules
from tuttotal.count.real import measured_years
from tuttotal.data import cra, datasets, deflators, lsoa, population_years
from tuttotal.england import geography
from tuttotal.england.count import BOOKS_SOURCE, england_count, national_books, national_topdown
from tuttotal.england.findings import LAD_MEASURES, WARD_MEASURES, Measure, PlaceAreas, basis_words, league_table
from tuttotal.errors import TuttotalError

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: The measures a place report ranks by: all money per head, measured money per head, income deprivation.
RANK_MEASURES = ("per_head_gbp", "measured_per_head_gbp", "income_deprived")
#: Columns of :func:`place_ranks` (``england_ranks.csv``).
RANK_COLUMNS = [
    "level",
    "area_code",
    "area_name",
    "lad_name",
    "measure",
    "what",
    "value",
    "rank",
    "of",
    "direction",
    "rank_basis",
    "measured_share",
    "prices",
    "table",
    "note",
]
#: Where a table came from when it was not read from a file.
COMPUTED = "computed"


def national_folder(output_root: str | os.PathLike, year: str) -> Path:
    """``<output root>/england/<year>``: where ``tuttotal england --year <year>`` writes England's tables."""
    return Path(output_root) / "england" / year


def national_cache_warm() -> bool:
    """Whether the wards and ward drivers of all 326 LADs are cached: a national count then takes seconds.

    Reads no input file: it only asks whether the two cache entries
    :func:`tuttotal.england.geography.england_wards` and
    :func:`~tuttotal.england.geography.england_ward_drivers` would read exist
    (a cold national overlay costs minutes). Kept here, not in the geography
    module, whose code is part of its caches' keys.
    """
    codes = geography.england_lad_codes()
    try:
        entries = (
            geography._entry("wards", geography._ward_parts(codes)),
            geography._entry("ward_drivers", geography._drivers_parts(codes)),
        )
    except (KeyError, TuttotalError):  # a registry without an entry: nothing cached for it
        return False
    return all(entry.is_file() for entry in entries)


def _prices_of(table: pd.DataFrame) -> str:
    values = table["prices"].dropna().unique().tolist() if "prices" in table else []
    return str(values[0]) if len(values) == 1 else ""


def read_national(output_root: str | os.PathLike, year: str, prices: str = deflators.CASH):
    """England's ``lads.csv`` and ``wards.csv`` of ``year`` at ``prices`` under ``output_root``, or None.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.DataFrame, Path) or None
        The LAD and ward tables and their folder; None when either file is
        missing, unreadable, or of another year or prices.
    """
    import pandas as pd

    folder = national_folder(output_root, year)
    lads_path, wards_path = folder / "lads.csv", folder / "wards.csv"
    if not (lads_path.is_file() and wards_path.is_file()):
        return None
    label = deflators.prices_label(prices)
    try:
        lads = pd.read_csv(lads_path, dtype={"lad_code": str})
        wards = pd.read_csv(wards_path, dtype={"ward_code": str, "lad_code": str})
    except (OSError, ValueError, pd.errors.ParserError) as error:
        logger.warning("England's tables in %s could not be read (%s): not used", folder, error)
        return None
    for table in (lads, wards):
        years = set(table["year"].astype(str)) if "year" in table else set()
        if years != {year} or _prices_of(table) != label:
            logger.info("England's tables in %s are not of %s at %s: not used", folder, year, label)
            return None
    return lads, wards, folder


def lad_level_table(year: str, data_dir: str | os.PathLike | None = None) -> pd.DataFrame:
    """Every LAD of England by the LAD-level national count (no wards), in cash: per head, measured, need.

    The regions' CRA lines and the authorities' Revenue Outturn lines shared to
    every LAD (:func:`~tuttotal.england.count.national_topdown`,
    :func:`~tuttotal.england.count.national_books`), transfers between agencies
    removed (``data/transfers.csv``); people of the year (ONS mid-year
    estimates, mid-2015 where they do not cover it) and income deprivation
    from the LSOAs (IMD 2010). It differs from ``lads.csv`` only by the money
    the ward step could not place.

    Returns
    -------
    pandas.DataFrame
        ``year, prices, lad_code, lad_name, people, income_deprived, total_gbp, measured_gbp,
        measured_share, per_head_gbp, measured_per_head_gbp``, one row per LAD (326).
    """
    import pandas as pd

    theme_table = themes.load_themes()
    books_years = (year,) if year in measured_years(data_dir) else ()
    modelled = national_topdown(year, data_dir, theme_table)
    books = national_books(year, data_dir, theme_table) if books_years else None
    spend = measured_modelled.combine(modelled.spend, None if books is None else books.spend, books_years)
    classified = themes.classify(spend, theme_table, {})
    transfer = flag_transfers(classified, load_transfer_rules(), None).to_numpy(dtype=bool)
    kept = classified[~transfer]
    measured = (kept["source"] == BOOKS_SOURCE).to_numpy()
    pence = kept["amount_pence"].to_numpy(dtype=np.int64)
    regions = cra.lad_regions(data_dir)
    codes = sorted(regions)
    total = pd.Series(pence, index=kept["area_code"].to_numpy()).groupby(level=0).sum().reindex(codes, fill_value=0)
    books_pence = (
        pd.Series(np.where(measured, pence, 0), index=kept["area_code"].to_numpy())
        .groupby(level=0)
        .sum()
        .reindex(codes, fill_value=0)
    )
    totals = lsoa.lad_totals(lsoa.lsoa_table(data_dir)).reindex(codes)
    if population_years.covers(year, data_dir):
        people = population_years.lad_population_of_year(year, data_dir).reindex(codes)
    else:
        people = totals["population"]
    registry = datasets.registry()
    out = pd.DataFrame({"lad_code": codes})
    out.insert(0, "prices", deflators.prices_label(deflators.CASH))
    out.insert(0, "year", year)
    out["lad_name"] = [registry[code].lad_name if code in registry else "" for code in codes]
    out["people"] = people.to_numpy(dtype=float)
    out["income_deprived"] = (totals["income_deprived"] / totals["population"]).to_numpy(dtype=float)
    out["total_gbp"] = total.to_numpy() / 100
    out["measured_gbp"] = books_pence.to_numpy() / 100
    with np.errstate(invalid="ignore", divide="ignore"):
        out["measured_share"] = np.where(out["total_gbp"] > 0, out["measured_gbp"] / out["total_gbp"], np.nan)
        out["per_head_gbp"] = np.where(out["people"] > 0, out["total_gbp"] / out["people"], np.nan)
        out["measured_per_head_gbp"] = np.where(out["people"] > 0, out["measured_gbp"] / out["people"], np.nan)
    return out


def _measures(defaults: tuple[Measure, ...]) -> list[Measure]:
    known = {m.column: m for m in defaults}
    return [known[column] for column in RANK_MEASURES]


def _value_share(measure: str, share: float) -> float:
    """The measured share of a ranked value: all of a measured per head, none of need (not money: NaN)."""
    if measure == "measured_per_head_gbp":
        return 1.0
    return share if measure == "per_head_gbp" else float("nan")


def _rows(
    league: pd.DataFrame, table_of: pd.DataFrame, code: str, level: str, table: str, prices: str, note: str
) -> pd.DataFrame:
    out = league.drop(columns=["place", "place_name"]).rename(columns={"basis": "rank_basis"})
    out.insert(0, "level", level)
    shares = table_of.set_index(code)["measured_share"] if "measured_share" in table_of else {}
    out["measured_share"] = [
        _value_share(m, float(shares.get(a, np.nan)) if len(shares) else np.nan)
        for m, a in zip(out["measure"], out["area_code"], strict=True)
    ]
    out["prices"] = np.where(out["measure"] == "income_deprived", "", prices)
    out["table"] = table
    out["note"] = note
    return out[RANK_COLUMNS]


def _place_rows(lads: pd.DataFrame, area: PlaceAreas, table: str, prices: str, note: str) -> pd.DataFrame:
    """The place, as if one district, ranked among the table's LADs by per head (all and measured)."""
    import pandas as pd

    inside = lads["lad_code"].isin(area.lads)
    people = float(lads.loc[inside, "people"].sum())
    rows = []
    for measure in _measures(LAD_MEASURES)[:2]:
        money = "total_gbp" if measure.column == "per_head_gbp" else "measured_gbp"
        if money not in lads or not people:
            continue
        value = float(lads.loc[inside, money].sum()) / people
        others = pd.to_numeric(lads.loc[~inside, measure.column], errors="coerce").dropna()
        share = float(lads.loc[inside, "measured_gbp"].sum() / lads.loc[inside, "total_gbp"].sum())
        rows.append(
            {
                "level": "place",
                "area_code": " ".join(area.lads),
                "area_name": area.name,
                "lad_name": "",
                "measure": measure.column,
                "what": measure.what,
                "value": value,
                "rank": int((others > value).sum()) + 1,
                "of": len(others) + 1,
                "direction": measure.direction,
                "rank_basis": basis_words(measure, share),
                "measured_share": _value_share(measure.column, share),
                "prices": prices,
                "table": table,
                "note": f"the place as if one district, among the other districts; {note}",
            }
        )
    return pd.DataFrame(rows, columns=RANK_COLUMNS)


def _holds(lads: pd.DataFrame, wards: pd.DataFrame, area: PlaceAreas) -> bool:
    """Whether the tables hold every LAD of the place and every focus ward given by its code."""
    codes = set(wards["ward_code"])
    focus = [w for w in area.focus_wards if str(w).startswith("E05")]
    return set(area.lads) <= set(lads["lad_code"]) and all(w in codes for w in focus)


def place_ranks(
    area: PlaceAreas,
    year: str,
    *,
    output_root: str | os.PathLike | None = None,
    data_dir: str | os.PathLike | None = None,
    prices: str = deflators.CASH,
    compute: bool | None = None,
) -> pd.DataFrame:
    """A place's districts ranked among England's LADs and its focus wards among England's wards.

    Parameters
    ----------
    area : PlaceAreas
        The place's slug, name, LADs and focus wards (names or codes).
    year : str
        The financial year of the count.
    output_root : path, optional
        Where ``tuttotal england`` writes ``england/<year>/`` (the parent of
        a place's output folder); its tables are read when they are there
        and hold the place's LADs and focus wards.
    data_dir : path, optional
        The data root, for a computed table.
    prices : str
        ``cash`` or a financial year: the tables read must be at these prices.
    compute : bool, optional
        Without tables: ``True`` makes the national count whatever it costs,
        ``False`` never (the LAD-level count only); ``None`` (default) makes it
        only when the national caches are warm (a few seconds).

    Returns
    -------
    pandas.DataFrame
        :data:`RANK_COLUMNS`: ``level`` (``place``, ``district`` or ``ward``),
        the area, the measure and its rank ``of`` the areas with a value
        (competition ranks), which way 1 lies, the ``rank_basis`` in words
        (:func:`~tuttotal.england.findings.basis_words`), the ``measured_share``
        of the value (1 for measured money per head, none for need), the
        ``prices`` of the value, the ``table`` the rank was read from (a
        path, or ``computed: …``) and a ``note``. ``attrs["table"]`` says the
        same for the whole.
    """
    import pandas as pd

    found = read_national(output_root, year, prices) if output_root is not None else None
    if found is not None and not _holds(found[0], found[1], area):
        logger.info("England's tables in %s do not hold all of %s's areas: not used", found[2], area.name)
        found = None
    label = deflators.prices_label(prices)
    frames = []
    if found is not None:
        lads, wards, folder = found
        lad_source, ward_source = str(folder / "lads.csv"), str(folder / "wards.csv")
        note = f"England's national count of {year} (tuttotal england), {label}"
    else:
        warm = national_cache_warm() if compute is None else compute
        if warm:
            result = england_count(year, data_dir)
            lads, wards = result.lads, result.wards
            lad_source = ward_source = f"{COMPUTED}: the national count of {year} (england_count, caches warm)"
            note = f"England's national count of {year}, made for this report, cash"
            label = deflators.prices_label(deflators.CASH)
        else:
            lads, wards = lad_level_table(year, data_dir), None
            lad_source = f"{COMPUTED}: the LAD-level national count of {year} (no wards; national caches cold)"
            ward_source = ""
            note = f"England's LAD-level count of {year}, transfers removed, before the ward step, cash"
            label = deflators.prices_label(deflators.CASH)
    league = league_table(lads, [area], level="lad", measures=_measures(LAD_MEASURES))
    if len(area.lads) > 1:
        frames.append(_place_rows(lads, area, lad_source, label, note))
    frames.append(_rows(league, lads, "lad_code", "district", lad_source, label, note))
    if wards is not None and area.focus_wards:
        league = league_table(wards, [area], level="ward", measures=_measures(WARD_MEASURES))
        frames.append(_rows(league, wards, "ward_code", "ward", ward_source, label, note))
    elif area.focus_wards:
        command = f"tuttotal england --year {year}" + ("" if prices == deflators.CASH else f" --prices {prices}")
        rows = [
            {
                "level": "ward",
                "area_code": "",
                "area_name": str(ward),
                "measure": measure.column,
                "what": measure.what,
                "direction": measure.direction,
                "rank_basis": "",
                "prices": "",
                "table": "",
                "note": f"no national ward table: run `{command}` (it writes england/{year}/wards.csv beside this "
                "report's folder), then make the report again",
            }
            for ward in area.focus_wards
            for measure in _measures(WARD_MEASURES)
        ]
        frames.append(pd.DataFrame(rows, columns=RANK_COLUMNS))
    table = pd.concat([f for f in frames if len(f)], ignore_index=True)
    table["rank"] = table["rank"].astype("Int64")
    table["of"] = table["of"].astype("Int64")
    table.attrs["table"] = lad_source
    return table
