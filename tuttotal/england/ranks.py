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
  count (:func:`tuttotal.england.lad_shares.national_topdown` and
  :func:`~tuttotal.england.lad_shares.national_books`: every LAD, no wards), and
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

from tuttotal import cache, settings
from tuttotal.count import measured_modelled, themes
from tuttotal.count.apportion import flag_transfers, load_transfer_rules
from tuttotal.count.real_years import measured_years
from tuttotal.data import cra, datasets, deflators, lsoa, population_years
from tuttotal.england import councils, geography
from tuttotal.england.checks import check_prices
from tuttotal.england.count import england_count
from tuttotal.england.findings import LAD_MEASURES, WARD_MEASURES, Measure, PlaceAreas, basis_words, league_table
from tuttotal.england.lad_shares import BOOKS_SOURCE, national_books, national_topdown
from tuttotal.errors import TuttotalError

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)

#: The change a district is ranked by: councils' own spending per head, first to last outturn year, real terms,
#: transfers of function apart (:func:`tuttotal.england.councils.councils_change`). Wards have none.
CHANGE = "change_without_transfers_per_head_gbp"
#: The measures a place report ranks by: all money per head, measured money per head, the councils' change, need.
RANK_MEASURES = ("per_head_gbp", "measured_per_head_gbp", CHANGE, "income_deprived")
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

    :func:`tuttotal.england.geography.caches_warm` for all of England: reads
    no input file, only asks whether the cache entries exist (a cold
    national overlay costs minutes).
    """
    return geography.caches_warm()


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


def count_lad_level(year: str, data_dir: settings.DataRootLike = None, prices: str = deflators.CASH) -> pd.DataFrame:
    """Every LAD of England by the LAD-level national count (no wards): per head, measured, need.

    The regions' CRA lines and the authorities' Revenue Outturn lines shared to
    every LAD (:func:`~tuttotal.england.lad_shares.national_topdown`,
    :func:`~tuttotal.england.lad_shares.national_books`), transfers between agencies
    removed (``data/transfers.csv``); people of the year (ONS mid-year
    estimates, mid-2015 where they do not cover it) and income deprivation
    from the LSOAs (IMD 2010). It differs from ``lads.csv`` only by the money
    the ward step could not place. Money in cash, or at ``prices`` (each
    LAD's pence times the year's GDP deflator factor, rounded to the penny
    once, as ``lads.csv`` is). Computed anew at every call: a report calls
    :func:`lad_level_table`, which keeps it.

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
    classified = themes.assign_themes(spend, theme_table, {})
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
    out.insert(0, "prices", deflators.prices_label(prices))
    out.insert(0, "year", year)
    out["lad_name"] = [registry[code].lad_name if code in registry else "" for code in codes]
    out["people"] = people.to_numpy(dtype=float)
    out["income_deprived"] = (totals["income_deprived"] / totals["population"]).to_numpy(dtype=float)
    factor = float(deflators.price_factors([year], prices, data_dir=data_dir)[0])
    out["total_gbp"] = _at_prices(total.to_numpy(), factor) / 100
    out["measured_gbp"] = _at_prices(books_pence.to_numpy(), factor) / 100
    with np.errstate(invalid="ignore", divide="ignore"):
        out["measured_share"] = np.where(out["total_gbp"] > 0, out["measured_gbp"] / out["total_gbp"], np.nan)
        out["per_head_gbp"] = np.where(out["people"] > 0, out["total_gbp"] / out["people"], np.nan)
        out["measured_per_head_gbp"] = np.where(out["people"] > 0, out["measured_gbp"] / out["people"], np.nan)
    return out


def _at_prices(pence: np.ndarray, factor: float) -> np.ndarray:
    """Whole pence at a price factor, rounded once (half to even); cash unchanged."""
    pence = np.asarray(pence, dtype=np.int64)
    return pence if factor == 1.0 else np.rint(pence.astype(float) * factor).astype(np.int64)


def _root_of(data_dir: settings.DataRootLike) -> str:
    """The text naming the data root: ``data_dir``, or ``$TUTTOTAL_DATA_DIR`` (``""``: the cache only)."""
    return settings.data_root(data_dir).text()


def _lad_level_once(_lsoa_table: pd.DataFrame, key: tuple[str, str, str]) -> pd.DataFrame:
    year, root, prices = key
    return count_lad_level(year, root or None, prices)


#: The LAD-level count, once per (year, data root, prices) and per LSOA table (the process's shared one).
_lad_level = cache.TableMemo("england-lad-level", _lad_level_once)


def lad_level_table(year: str, data_dir: settings.DataRootLike = None, prices: str = deflators.CASH) -> pd.DataFrame:
    """:func:`count_lad_level`, made once per (year, data root, prices) in a process.

    Every real place report without England's tables ranks its districts by
    this count (about 1 s warm, 16 s with cold caches); a batch of places in
    one kernel (:mod:`tuttotal.run.kernels`) pays it once. Kept by
    :class:`tuttotal.cache.TableMemo` on the process's shared LSOA table
    (:func:`tuttotal.data.lsoa.lsoa_table`): a new LSOA table starts afresh.
    The table returned is shared by every later call: read it, never change it.

    Examples
    --------
    >>> a = lad_level_table("2008-09", "../shared/data")  # doctest: +SKIP
    >>> a is lad_level_table("2008-09", "../shared/data")  # doctest: +SKIP
    True
    >>> a is lad_level_table("2008-09", "../shared/data", "2016-17")  # doctest: +SKIP
    False
    """
    root = _root_of(data_dir)
    prices = check_prices(prices, root or None)
    return _lad_level(lsoa.lsoa_table(root or None), (year, root, prices))


def _change_once(_lsoa_table: pd.DataFrame, key: tuple[str, str]) -> pd.DataFrame:
    root, prices = key
    return councils.councils_change(councils.councils_table(root or None, prices=prices))


#: The councils' change, once per (data root, prices) and per LSOA table.
_councils_change = cache.TableMemo("england-councils-change", _change_once)


def change_table(data_dir: settings.DataRootLike = None, prices: str = deflators.CASH) -> pd.DataFrame:
    """Each LAD's change in councils' own spending per head, 2010-11 to the latest outturn year, in real terms.

    :func:`tuttotal.england.councils.councils_change` of
    :func:`~tuttotal.england.councils.councils_table` (all 326 LADs, every
    outturn year from :data:`~tuttotal.england.councils.FIRST_YEAR`): the
    measure of the national findings, ranked in a place report beside per
    head. At ``prices`` when they are a year, else at
    :data:`~tuttotal.england.councils.DEFAULT_PRICES` (a change over years is
    in real terms or not at all). Made once per (data root, prices) in a
    process, as :func:`lad_level_table`; the table is shared: never change it.

    Examples
    --------
    >>> change = change_table("../shared/data")  # doctest: +SKIP
    >>> change.attrs["first"], change.attrs["last"], change["prices"].iloc[0]  # doctest: +SKIP
    ('2010-11', '2016-17', '2016-17 prices')
    """
    root = _root_of(data_dir)
    prices = check_prices(prices, root or None)
    real = councils.DEFAULT_PRICES if prices == deflators.CASH else prices
    return _councils_change(lsoa.lsoa_table(root or None), (root, real))


def _measures(defaults: tuple[Measure, ...]) -> list[Measure]:
    """The measures of :data:`RANK_MEASURES` a national table has (the change is ranked from its own table)."""
    known = {m.column: m for m in defaults}
    return [known[column] for column in RANK_MEASURES if column in known and column != CHANGE]


def _value_share(measure: str, share: float) -> float:
    """The measured share of a ranked value: all of a measured per head or change, none of need (not money: NaN)."""
    if measure in ("measured_per_head_gbp", CHANGE):
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


def _rank_beside(others: pd.Series, value: float, descending: bool) -> int:
    """The competition rank of ``value`` among ``others``: 1 + those strictly ahead (larger, or smaller)."""
    return int((others > value).sum() if descending else (others < value).sum()) + 1


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
                "rank": _rank_beside(others, value, measure.descending),
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


def _change_measure(change: pd.DataFrame) -> Measure:
    """The change's measure, its years in words (``councils_change``'s first and last)."""
    base = {m.column: m for m in LAD_MEASURES}[CHANGE]
    first, last = change.attrs.get("first", councils.FIRST_YEAR), change.attrs.get("last", "")
    what = f"change in councils' spending per head, {first} to {last}, transfers of function apart (real terms)"
    return Measure(CHANGE, what, base.descending, base.basis)


def _change_note(change: pd.DataFrame) -> str:
    first, last = change.attrs.get("first", councils.FIRST_YEAR), change.attrs.get("last", "")
    moved = ", ".join(change.attrs.get("transfers", {}))  # the service groups (what moved: the findings' notes)
    return (
        f"councils' own books (DCLG Revenue Outturn, measured), {first} to {last} whatever the report's year, "
        f"{change['prices'].iloc[0]}, per head of each year's people; police, fire and joint authorities apart; "
        f"transfers of function left out of both years{f' ({moved})' if moved else ''}"
    )


def _place_change_row(change: pd.DataFrame, area: PlaceAreas, measure: Measure, table: str, note: str) -> dict:
    """The place as if one district: its councils' money per head in the last year less the first's, transfers apart."""
    inside = change["lad_code"].isin(area.lads)
    part = change[inside]
    first_people, last_people = float(part["people_first"].sum()), float(part["people_last"].sum())
    first = float((part["first_without_transfers_per_head_gbp"] * part["people_first"]).sum(min_count=len(part)))
    last = float((part["last_without_transfers_per_head_gbp"] * part["people_last"]).sum(min_count=len(part)))
    value = last / last_people - first / first_people if first_people and last_people else float("nan")
    others = change.loc[~inside, CHANGE].dropna()
    known = bool(np.isfinite(value))
    return {
        "level": "place",
        "area_code": " ".join(area.lads),
        "area_name": area.name,
        "lad_name": "",
        "measure": CHANGE,
        "what": measure.what,
        "value": value,
        "rank": _rank_beside(others, value, measure.descending) if known else None,
        "of": len(others) + 1 if known else len(others),
        "direction": measure.direction,
        "rank_basis": basis_words(measure),
        "measured_share": 1.0,
        "prices": str(change["prices"].iloc[0]),
        "table": table,
        "note": f"the place as if one district, among the other districts; {note}"
        if known
        else "no change figure: one of its councils made no RS return in the first or last year",
    }


def _change_rows(area: PlaceAreas, data_dir, prices: str) -> pd.DataFrame:
    """The place's districts (and the place, when it has several) ranked by the councils' change among England's."""
    import pandas as pd

    try:
        change = change_table(data_dir, prices)
    except TuttotalError as error:  # the outturn years or the deflator missing from the data root
        message = " ".join(error.message.split())
        rows = [
            {"level": "district", "area_code": code, "measure": CHANGE, "note": f"no change figure: {message}"}
            for code in area.lads
        ]
        return pd.DataFrame(rows, columns=RANK_COLUMNS)
    measure = _change_measure(change)
    first, last = change.attrs.get("first", ""), change.attrs.get("last", "")
    table = f"{COMPUTED}: councils' change per head {first} to {last} (councils_change, all 326 districts)"
    note = _change_note(change)
    league = league_table(change, [area], level="lad", measures=[measure])
    out = _rows(league, change, "lad_code", "district", table, str(change["prices"].iloc[0]), note)
    out.loc[out["value"].isna(), "note"] = (
        f"no change figure: the council made no RS return (DCLG: 'not available') in {first} or {last}"
    )
    if len(area.lads) > 1:
        place = pd.DataFrame([_place_change_row(change, area, measure, table, note)], columns=RANK_COLUMNS)
        out = pd.concat([place, out], ignore_index=True)
    return out


def _ward_change_rows(wards: pd.DataFrame) -> pd.DataFrame:
    """One row per focus ward saying that wards have no change figure (rather than leaving the measure out)."""
    out = wards.drop_duplicates("area_name")[["level", "area_code", "area_name", "lad_name"]].copy()
    measure = {m.column: m for m in LAD_MEASURES}[CHANGE]
    out["measure"] = CHANGE
    out["what"] = measure.what
    out["direction"] = measure.direction
    out["rank_basis"] = out["prices"] = out["table"] = ""
    out["note"] = (
        "no change figure for a ward: councils' books (the Revenue Outturn) are by authority, not by ward, and a "
        "ward's money is shared to it by drivers; see its district's change"
    )
    return out.reindex(columns=RANK_COLUMNS)


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by level (place, districts, wards), each area in its first order, its measures in :data:`RANK_MEASURES`."""
    levels = {"place": 0, "district": 1, "ward": 2}
    areas = {name: i for i, name in enumerate(dict.fromkeys(table["area_name"].astype(str)))}
    keys = (
        table["level"].map(levels).to_numpy(),
        table["area_name"].astype(str).map(areas).to_numpy(),
        table["measure"].map({m: i for i, m in enumerate(RANK_MEASURES)}).fillna(len(RANK_MEASURES)).to_numpy(),
    )
    return table.iloc[np.lexsort(keys[::-1])].reset_index(drop=True)


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
    data_dir: settings.DataRootLike = None,
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
            result = england_count(year, data_dir, prices=prices)
            lads, wards = result.lads, result.wards
            lad_source = ward_source = f"{COMPUTED}: the national count of {year} (england_count, caches warm)"
            note = f"England's national count of {year}, made for this report, {label}"
        else:
            lads, wards = lad_level_table(year, data_dir, prices), None
            lad_source = f"{COMPUTED}: the LAD-level national count of {year} (no wards; national caches cold)"
            ward_source = ""
            note = f"England's LAD-level count of {year}, transfers removed, before the ward step, {label}"
    league = league_table(lads, [area], level="lad", measures=_measures(LAD_MEASURES))
    if len(area.lads) > 1:
        frames.append(_place_rows(lads, area, lad_source, label, note))
    frames.append(_rows(league, lads, "lad_code", "district", lad_source, label, note))
    frames.append(_change_rows(area, data_dir, prices))
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
    if area.focus_wards:
        frames.append(_ward_change_rows(frames[-1]))
    table = _ordered(pd.concat([f for f in frames if len(f)], ignore_index=True))
    table["rank"] = table["rank"].astype("Int64")
    table["of"] = table["of"].astype("Int64")
    table.attrs["table"] = lad_source
    return table
