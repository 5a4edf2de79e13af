"""Councils' own spending in every district of England, year by year, from their books, in real terms.

What a researcher of the 2010s cuts asks of councils, measured the same way
for all 326 districts (LADs of 2013) and every year of DCLG's Revenue Outturn
from 2010-11 to the latest (2016-17, or a later RS release dropped into the
data root):

* **Whose money.** The principal councils' own net current expenditure by
  service (RS classes ``SC`` county, ``SD`` district, ``UA`` unitary, ``MD``
  metropolitan district, ``L`` London borough): not police, fire and rescue
  (a county's own fire line included: :func:`tuttotal.count.outturn_count.agency_of`),
  nor joint authorities (waste and transport authorities, combined
  authorities, the GLA). Services only by default: the lines under the RS's
  *total service expenditure*. Housing benefit, council tax benefit and
  mandatory student awards, which councils pay out for central government
  (:data:`BENEFIT_GROUPS`), are kept apart (``benefits=True`` adds them).
* **Where.** A unitary, metropolitan district or London borough is its own
  LAD: its books are its LAD's, exactly. In two-tier areas a district's books
  are its own and the **county's are shared among its districts** by the
  service's driver (``data/outturn_services.csv``: children for education and
  children's social care, people 60 and over for adult social care,
  income-deprived people for housing, people otherwise), as the place
  reports do (:mod:`tuttotal.count.outturn_count`). Each authority's line is
  split over its districts by the largest remainder on whole pence, so the
  districts add up to every RS line **exactly** (the ``county_gbp`` column
  says how much of a district's figure is such a share).
* **Prices and people.** Cash of each year at the prices of one year (HM
  Treasury's GDP deflator, :mod:`tuttotal.data.deflators`), per head of that
  year's people (:mod:`tuttotal.data.population_years`).
* **Transfers of function are not cuts** (``data/function_transfers.csv``):
  schools leaving council books as academies (education, from 2010-11),
  public health arriving from the NHS (2013-14), council tax benefit replaced
  by council tax support (2013-14). The service groups that moved between
  the table's first and last year are counted in ``transfers_gbp`` and left
  out of every year of ``councils_without_transfers_gbp``, as the place
  reports' cuts (:meth:`tuttotal.report.change.ChangeSection.cuts_by_service`) do.

Examples
--------
>>> from tuttotal.england import councils
>>> table = councils.councils_table(lads=["E07000114"])
>>> table[["year", "councils_per_head_gbp"]].round().head(2).to_dict("list")
{'year': ['2010-11', '2011-12'], 'councils_per_head_gbp': [1750.0, 1540.0]}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import settings
from tuttotal.count import outturn_count
from tuttotal.data import cra, datasets, deflators, lsoa, outturn, population_years
from tuttotal.errors import InputError
from tuttotal.money import largest_remainder, split_parts

if TYPE_CHECKING:
    import pandas as pd

#: The first year of the findings: the first outturn year after the April 2009 reorganisation's
#: transition and the first of the 2010s cuts.
FIRST_YEAR = "2010-11"
#: Prices of the findings unless asked otherwise: the latest pinned outturn year.
DEFAULT_PRICES = "2016-17"
#: The RS lines below *total service expenditure*: money councils pay out for central government.
BENEFIT_GROUPS = ("housing benefit", "council tax benefit", "student support")
#: The RS classes of principal councils.
COUNCIL_CLASSES = ("SC", "SD", "UA", "MD", "L", "LB")
LINE_COLUMNS = [
    "year",
    "e_code",
    "authority",
    "class",
    "lad_code",
    "service",
    "group",
    "driver",
    "amount_pence",
]
TABLE_COLUMNS = [
    "year",
    "prices",
    "lad_code",
    "lad_name",
    "region",
    "people",
    "income_deprived",
    "councils_cash_gbp",
    "councils_gbp",
    "councils_per_head_gbp",
    "transfers_gbp",
    "councils_without_transfers_gbp",
    "councils_without_transfers_per_head_gbp",
    "county_gbp",
    "benefits_gbp",
    "no_return",
]
CHANGE_COLUMNS = [
    "prices",
    "first_year",
    "last_year",
    "lad_code",
    "lad_name",
    "region",
    "income_deprived",
    "people_first",
    "people_last",
    "first_gbp",
    "last_gbp",
    "change_gbp",
    "first_per_head_gbp",
    "last_per_head_gbp",
    "change_per_head_gbp",
    "change_pct",
    "first_without_transfers_per_head_gbp",
    "last_without_transfers_per_head_gbp",
    "change_without_transfers_per_head_gbp",
    "change_without_transfers_pct",
]
SOURCE = (
    "DCLG Revenue Outturn (RS), councils' net current expenditure by service; ONS mid-year population "
    "estimates; HM Treasury GDP deflator; IMD 2010 income domain"
)


def outturn_years(data_dir: settings.DataRootLike = None, first: str = FIRST_YEAR) -> tuple[str, ...]:
    """The outturn years from ``first`` (2010-11) to the latest in the data root.

    Examples
    --------
    >>> outturn_years()
    ('2010-11', '2011-12', '2012-13', '2013-14', '2014-15', '2015-16', '2016-17')
    """
    return tuple(year for year in outturn.available_years(data_dir) if year >= first)


def _checked_years(years: Sequence[str] | None, data_dir) -> tuple[str, ...]:
    available = outturn.available_years(data_dir)
    if years is None:
        return outturn_years(data_dir)
    chosen = []
    for position, value in enumerate(years):
        year = deflators.financial_year(value)
        if year not in available:
            raise InputError(
                f"the revenue outturn has no year {year}: it covers {available[0]} to {available[-1]}",
                row=position,
                column="years",
                value=value,
                fix=f"choose years from {available[0]} to {available[-1]}, or drop a later RS workbook into "
                "<data root>/outturn/",
            )
        chosen.append(year)
    if not chosen:
        raise InputError("no year given", column="years", fix=f"choose years from {available[0]} to {available[-1]}")
    return tuple(sorted(set(chosen)))


def split_by_weight(amounts, groups, weights) -> np.ndarray:
    """Split each group's amount (whole pence, the same on each of its rows) over its rows by weight, exactly.

    A vectorised :func:`tuttotal.money.largest_remainder` for many groups at
    once: each share is floored, and the pence left over go one each to the
    largest fractional parts, ties to the earlier row; a negative amount is
    split as its absolute value and negated. The shares of a group add up to
    its amount. Every group needs a positive sum of weights.

    Parameters
    ----------
    amounts : array of int
        The group's amount on each of its rows.
    groups : array of int
        Group numbers, one per row.
    weights : array of float
        Non-negative weights.

    Returns
    -------
    numpy.ndarray
        int64 shares, one per row.

    Examples
    --------
    >>> split_by_weight([10, 10, 10, 7], [0, 0, 0, 1], [1.0, 1.0, 1.0, 5.0]).tolist()
    [4, 3, 3, 7]
    >>> split_by_weight([-5, -5], [3, 3], [1.0, 1.0]).tolist()
    [-3, -2]
    """
    amounts = np.asarray(amounts, dtype=np.int64)
    groups = np.asarray(groups, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    n = amounts.size
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _, group = np.unique(groups, return_inverse=True)
    totals = np.bincount(group, weights=weights)
    if not (totals > 0).all():
        raise ValueError("every group needs a positive sum of weights")
    whole = np.abs(amounts)
    quotas = whole * (weights / totals[group])
    shares = np.floor(quotas).astype(np.int64)
    first_row = np.full(totals.size, n)
    np.minimum.at(first_row, group, np.arange(n))
    left = whole[first_row] - np.bincount(group, weights=shares, minlength=totals.size).astype(np.int64)
    fractions = quotas - shares
    order = np.lexsort((np.arange(n), -fractions, group))  # by group, largest fraction first, earlier row first
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, np.arange(totals.size))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - starts[sorted_group]
    shares += (rank < left[group]).astype(np.int64)
    odd = np.flatnonzero(left < 0)  # float rounding pushed a floor up: rare; done exactly, group by group
    for g in odd:
        rows = np.flatnonzero(group == g)
        shares[rows] = largest_remainder(int(whole[rows[0]]), weights[rows])
    return np.sign(amounts) * shares


def council_lines(
    data_dir: settings.DataRootLike = None,
    *,
    years: Sequence[str] | None = None,
    lads: Sequence[str] | None = None,
    download: bool = True,
) -> pd.DataFrame:
    """Every council's RS service lines of every year, each split exactly over the districts it serves.

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    years : sequence of str, optional
        Outturn years (default: :func:`outturn_years`, 2010-11 to the latest).
    lads : sequence of str, optional
        2013 LAD codes to keep (default: all 326); a county's share of each is
        the same as in the national table.
    download : bool
        Whether missing source files may be downloaded.

    Returns
    -------
    pandas.DataFrame
        :data:`LINE_COLUMNS`, cash in whole pence (``amount_pence``, int64),
        one row per authority line part and LAD. ``attrs``: ``years``,
        ``files`` (the RS files read), ``no_return`` (year → the LADs served
        by a council whose RS row holds only "not available" marks, read as £0),
        ``unplaced`` (council lines the authorities table places nowhere:
        reason, pence, codes).

    Raises
    ------
    InputError
        A year the outturn does not have, naming it and the years it has.

    Examples
    --------
    >>> lines = council_lines(years=["2010-11"], lads=["E07000114"])
    >>> sorted(lines.authority.unique())
    ['Kent', 'Thanet']
    """
    import pandas as pd

    years = _checked_years(years, data_dir)
    table = outturn.read_outturn(data_dir, download=download, years=years)
    files = dict(table.attrs.get("files", {}))
    authorities = outturn_count.authority_table()
    covers = {row.e_code: row.lads.split() for row in authorities.itertuples() if row.lads.strip()}
    councils = set(table.loc[table["class"].isin(COUNCIL_CLASSES), "e_code"])
    no_return = {  # the LADs a council without figures serves, by year
        year: sorted({lad for code in codes if code in councils for lad in covers.get(code, [])})
        for year, codes in table.attrs.get("no_return", {}).items()
    }
    rows = table[
        table["class"].isin(COUNCIL_CLASSES)
        & (table["service"] != outturn_count.FIRE_SERVICE)
        & (table["amount_pence"] != 0)
    ]
    placed = rows["e_code"].isin(list(covers))
    unplaced = []
    if (~placed).any():
        unplaced.append(
            {
                "reason": "council not placed in any LAD by data/authorities.csv",
                "amount_pence": int(rows.loc[~placed, "amount_pence"].sum()),
                "codes": sorted(rows.loc[~placed, "e_code"].unique().tolist()),
            }
        )
    rows = rows[placed]
    if lads is not None:
        wanted = {str(code).strip().upper() for code in lads}
        unknown = sorted(wanted - set(datasets.lad_names()))
        if unknown:
            raise InputError(
                f"{unknown[0]!r} is not an English LAD code of 2013",
                column="lads",
                value=unknown[0],
                fix="LAD codes look like E06000047, E07000114, E08000025 or E09000008",
            )
        rows = rows[rows["e_code"].map(lambda code: bool(wanted & set(covers[code])))]
    else:
        wanted = None

    services = outturn.service_table()
    parts = rows.merge(services[["service", "group", "driver", "share"]], on="service", how="left")
    if parts["group"].isna().any():
        missing = sorted(parts.loc[parts["group"].isna(), "service"].unique())
        raise InputError(f"RS services without a row: {missing}", file=services.attrs["source"])
    # 2010-11's one social care line: its children's and adults' parts by their fixed shares
    parts["weight"] = pd.to_numeric(parts["share"], errors="coerce").fillna(1.0)
    parts["amount_pence"] = split_parts(parts, ["year", "e_code", "service"], "amount_pence", "weight")
    parts = parts.reset_index(drop=True)
    parts["part"] = np.arange(len(parts))
    parts["lad_code"] = parts["e_code"].map(covers)
    pairs = parts.explode("lad_code", ignore_index=True)
    drivers = lsoa.lad_totals(lsoa.lsoa_table(data_dir, download=download))
    lookup = drivers.stack()
    weight = lookup.reindex(list(zip(pairs["lad_code"], pairs["driver"], strict=True))).to_numpy(dtype=float)
    if np.isnan(weight).any():
        where = pairs[np.isnan(weight)].iloc[0]
        raise InputError(
            f"no driver {where['driver']!r} for LAD {where['lad_code']} (authority {where['e_code']})",
            file=services.attrs["source"],
            column="driver",
            value=where["driver"],
        )
    pairs["amount_pence"] = split_by_weight(pairs["amount_pence"], pairs["part"], weight)
    if wanted is not None:
        pairs = pairs[pairs["lad_code"].isin(wanted)]
    lines = pairs[LINE_COLUMNS].sort_values(["year", "lad_code", "e_code", "service", "driver"], ignore_index=True)
    lines["amount_pence"] = lines["amount_pence"].astype("int64")
    lines.attrs.update(years=years, files=files, no_return=no_return, unplaced=unplaced)
    return lines


def council_totals(
    lines: pd.DataFrame,
    people: pd.DataFrame,
    need: pd.Series,
    factors: dict[str, float],
    *,
    prices: str = DEFAULT_PRICES,
    benefits: bool = False,
    lad_names: dict[str, str] | None = None,
    regions: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The LAD × year table from :func:`council_lines` and the people, need and price factors of each year.

    Tables in, table out (no file is read): :func:`councils_table` reads
    what it needs and calls this.

    Parameters
    ----------
    lines : pandas.DataFrame
        :func:`council_lines`.
    people : pandas.DataFrame
        ``year, lad_code, people``: each LAD's people of each year.
    need : pandas.Series
        Share of people income-deprived (IMD 2010) by LAD code.
    factors : dict
        Year → what a pound of that year's cash is worth at ``prices``
        (:func:`tuttotal.data.deflators.price_factors`).
    prices : str
        The prices' year (``cash`` for none), for the ``prices`` column.
    benefits : bool
        Count housing benefit, council tax benefit and student awards
        (:data:`BENEFIT_GROUPS`) in ``councils_gbp`` (default: kept apart in
        ``benefits_gbp``).
    lad_names, regions : dict, optional
        LAD code → name, → CRA region.

    Returns
    -------
    pandas.DataFrame
        :data:`TABLE_COLUMNS`, one row per LAD and year. Money in pounds at
        ``prices`` (``councils_cash_gbp`` in cash), each LAD-year's pence
        converted once, half to even. ``attrs``: ``years``, ``prices``,
        ``transfers`` (group → what moved and when), ``benefits``, ``notes``.

    Examples
    --------
    >>> import pandas as pd
    >>> lines = pd.DataFrame({"year": ["2010-11", "2016-17"], "e_code": ["E1", "E1"], "authority": ["A", "A"],
    ...     "class": ["UA", "UA"], "lad_code": ["E06000001"] * 2, "service": ["education", "culture"],
    ...     "group": ["education", "culture"], "driver": ["population"] * 2, "amount_pence": [100_00, 50_00]})
    >>> people = pd.DataFrame({"year": ["2010-11", "2016-17"], "lad_code": ["E06000001"] * 2, "people": [10, 10]})
    >>> table = council_totals(lines, people, pd.Series({"E06000001": 0.2}), {"2010-11": 1.1, "2016-17": 1.0})
    >>> table[["year", "councils_gbp", "transfers_gbp", "councils_without_transfers_per_head_gbp"]].values.tolist()
    [['2010-11', 110.0, 110.0, 0.0], ['2016-17', 50.0, 0.0, 5.0]]
    """
    import pandas as pd

    years = sorted(lines.attrs.get("years") or lines["year"].unique())
    groups = lines["group"]
    is_benefit = groups.isin(BENEFIT_GROUPS)
    counted = lines if benefits else lines[~is_benefit]
    transfers = outturn.function_transfers(years[0], years[-1]) if len(years) > 1 else {}
    if not benefits:  # the benefits are not counted: their transfer (council tax benefit) is not in the table
        transfers = {group: what for group, what in transfers.items() if group not in BENEFIT_GROUPS}

    def pence_by(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby(["lad_code", "year"])["amount_pence"].sum()

    keys = pd.MultiIndex.from_product([sorted(set(lines["lad_code"])), years], names=["lad_code", "year"])
    wide = pd.DataFrame(
        {
            "councils": pence_by(counted),
            "transfers": pence_by(counted[counted["group"].isin(list(transfers))]),
            "county": pence_by(counted[counted["class"] == "SC"]),
            "benefits": pence_by(lines[is_benefit]),
        }
    ).reindex(keys)
    wide = wide.fillna(0).astype("int64").reset_index()
    factor = wide["year"].map(factors)
    if factor.isna().any():
        raise InputError(f"no price factor for the year {wide.loc[factor.isna(), 'year'].iloc[0]}", column="year")

    def real(column: str) -> np.ndarray:  # whole pence at the prices, rounded once, half to even; in pounds
        return np.rint(wide[column].to_numpy(dtype=float) * factor.to_numpy(dtype=float)) / 100

    heads = people.set_index(["lad_code", "year"])["people"]
    people_of = heads.reindex(list(zip(wide["lad_code"], wide["year"], strict=True))).to_numpy(dtype=float)
    missing_books = {(lad, year) for year, lads in lines.attrs.get("no_return", {}).items() for lad in lads}
    table = pd.DataFrame(
        {
            "year": wide["year"],
            "prices": deflators.prices_label(prices),
            "lad_code": wide["lad_code"],
            "lad_name": [(lad_names or {}).get(code, "") for code in wide["lad_code"]],
            "region": [(regions or {}).get(code, "") for code in wide["lad_code"]],
            "people": people_of,
            "income_deprived": wide["lad_code"].map(need).to_numpy(dtype=float),
            "councils_cash_gbp": wide["councils"] / 100,
            "councils_gbp": real("councils"),
            "transfers_gbp": real("transfers"),
            "county_gbp": real("county"),
            "benefits_gbp": real("benefits"),
            "no_return": [pair in missing_books for pair in zip(wide["lad_code"], wide["year"], strict=True)],
        }
    )
    table["councils_without_transfers_gbp"] = table["councils_gbp"] - table["transfers_gbp"]
    heads_ok = table["people"].where(table["people"] > 0)
    books = ~table["no_return"]
    table["councils_per_head_gbp"] = (table["councils_gbp"] / heads_ok).where(books)
    table["councils_without_transfers_per_head_gbp"] = (table["councils_without_transfers_gbp"] / heads_ok).where(books)
    table = table[TABLE_COLUMNS].sort_values(["lad_code", "year"], ignore_index=True)
    table.attrs.update(
        years=tuple(years),
        prices=deflators.prices_label(prices),
        transfers=transfers,
        benefits=benefits,
        notes=table_notes(years, prices, transfers, benefits=benefits, no_return=missing_books),
    )
    return table


def table_notes(
    years: Sequence[str],
    prices: str,
    transfers: dict[str, str],
    *,
    benefits: bool = False,
    no_return: set | None = None,
) -> list[str]:
    """The sentences that say what the councils' table counts (for figure notes and CSV descriptions).

    Examples
    --------
    >>> table_notes(["2010-11", "2016-17"], "2016-17", {})[0][:60]
    "Measured: councils' own books (DCLG Revenue Outturn, net cur"
    """
    counted = (
        "services and the benefits councils pay out for DWP (housing benefit, council tax benefit)"
        if benefits
        else "services (housing and council tax benefit, paid out for DWP, apart)"
    )
    notes = [
        f"Measured: councils' own books (DCLG Revenue Outturn, net current expenditure), {years[0]} to "
        f"{years[-1]}: {counted}; police, fire and joint authorities (waste, transport, GLA) apart. A county "
        "council's spending is shared among its districts by each service's driver (children, older people, people).",
        f"{'Cash' if prices == deflators.CASH else deflators.prices_label(prices).capitalize()} "
        "(HM Treasury GDP deflator); per head of each year's people (ONS mid-year estimates).",
    ]
    notes += [f"Transfer of function, not a cut (left out): {group}: {what}" for group, what in transfers.items()]
    if no_return:
        notes.append(
            "No RS return (DCLG marks 'not available'; left out that year): "
            + ", ".join(f"{lad} {year}" for lad, year in sorted(no_return))
        )
    return notes


def councils_table(
    data_dir: settings.DataRootLike = None,
    *,
    years: Sequence[str] | None = None,
    prices: str = DEFAULT_PRICES,
    benefits: bool = False,
    lads: Sequence[str] | None = None,
    download: bool = True,
) -> pd.DataFrame:
    """Councils' own spending per head by LAD for every outturn year, in real terms, transfers of function apart.

    Parameters
    ----------
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    years : sequence of str, optional
        Outturn years (default: 2010-11 to the latest, :func:`outturn_years`).
    prices : str
        A financial year (default :data:`DEFAULT_PRICES`) or ``"cash"``.
    benefits : bool
        Count the benefits councils pay out (:data:`BENEFIT_GROUPS`) as their spending.
    lads : sequence of str, optional
        2013 LAD codes (default: all 326).
    download : bool
        Whether missing source files may be downloaded.

    Returns
    -------
    pandas.DataFrame
        :func:`council_totals` (:data:`TABLE_COLUMNS`), with ``attrs`` ``sources``.

    Raises
    ------
    InputError
        A year the outturn or the population estimates do not have, prices
        outside the deflator's years, an unknown LAD code.

    Examples
    --------
    >>> table = councils_table(lads=["E07000114"], years=["2010-11", "2016-17"])
    >>> table.councils_per_head_gbp.round(-1).tolist()
    [1750.0, 1260.0]
    """
    import pandas as pd

    years = _checked_years(years, data_dir)
    prices = deflators.CASH if str(prices).strip().lower() == deflators.CASH else deflators.financial_year(prices)
    factors = dict(zip(years, deflators.price_factors(years, prices, data_dir=data_dir), strict=True))
    lines = council_lines(data_dir, years=years, lads=lads, download=download)
    people = pd.concat(
        [
            population_years.lad_population_of_year(year, data_dir)
            .rename("people")
            .rename_axis("lad_code")
            .reset_index()
            .assign(year=year)
            for year in years
        ],
        ignore_index=True,
    )
    totals = lsoa.lad_totals(lsoa.lsoa_table(data_dir, download=download))
    need = totals["income_deprived"] / totals["population"]
    table = council_totals(
        lines,
        people,
        need,
        factors,
        prices=prices,
        benefits=benefits,
        lad_names=datasets.lad_names(),
        regions=cra.lad_regions(data_dir),
    )
    table.attrs["sources"] = {**lines.attrs.get("files", {}), "source": SOURCE}
    table.attrs["unplaced"] = lines.attrs.get("unplaced", [])
    return table


def councils_change(table: pd.DataFrame, first: str | None = None, last: str | None = None) -> pd.DataFrame:
    """Each LAD's change in councils' spending per head from ``first`` to ``last``, with and without transfers.

    Tables in, table out. Both years are at the table's prices, each per head
    of its own people; the change is the difference of the two per-head
    figures (so it includes the change in people), and the percentage is
    the change over the first year's per head. *Without transfers* leaves
    out, from both years, the service groups that moved between the
    table's first and last years (``attrs["transfers"]``). A LAD without
    books in either year (``no_return``) has no change (NaN).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`councils_table`.
    first, last : str, optional
        Years of the table (default: its first and last).

    Returns
    -------
    pandas.DataFrame
        :data:`CHANGE_COLUMNS`, one row per LAD; ``attrs`` as the table's, with ``first`` and ``last``.

    Raises
    ------
    InputError
        A year that is not in the table, or ``last`` not after ``first``.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"year": ["2010-11", "2016-17"], "prices": "2016-17 prices",
    ...     "lad_code": ["E06000001"] * 2, "lad_name": "Hartlepool", "region": "North East", "people": [10.0, 20.0],
    ...     "income_deprived": 0.2, "councils_gbp": [300.0, 400.0], "councils_per_head_gbp": [30.0, 20.0],
    ...     "councils_without_transfers_gbp": [200.0, 300.0],
    ...     "councils_without_transfers_per_head_gbp": [20.0, 15.0], "no_return": False})
    >>> change = councils_change(table)
    >>> change[["change_per_head_gbp", "change_pct", "change_without_transfers_pct"]].round(2).values.tolist()
    [[-10.0, -33.33, -25.0]]
    """
    import pandas as pd

    years = sorted(table["year"].unique())
    first = years[0] if first is None else deflators.financial_year(first)
    last = years[-1] if last is None else deflators.financial_year(last)
    for year in (first, last):
        if year not in years:
            raise InputError(
                f"the councils' table has no year {year}: it has {', '.join(years)}",
                column="year",
                value=year,
                fix="choose two years of the table, or build it with those years",
            )
    if not last > first:
        raise InputError(f"the last year ({last}) must come after the first ({first})", value=(first, last))
    a = table[table["year"] == first].set_index("lad_code")
    b = table[table["year"] == last].set_index("lad_code").reindex(a.index)
    change = pd.DataFrame(
        {
            "prices": a["prices"],
            "first_year": first,
            "last_year": last,
            "lad_name": a["lad_name"],
            "region": a["region"],
            "income_deprived": a["income_deprived"],
            "people_first": a["people"],
            "people_last": b["people"],
            "first_gbp": a["councils_gbp"],
            "last_gbp": b["councils_gbp"],
            "first_per_head_gbp": a["councils_per_head_gbp"],
            "last_per_head_gbp": b["councils_per_head_gbp"],
            "first_without_transfers_per_head_gbp": a["councils_without_transfers_per_head_gbp"],
            "last_without_transfers_per_head_gbp": b["councils_without_transfers_per_head_gbp"],
        }
    )
    change["change_gbp"] = change["last_gbp"] - change["first_gbp"]
    change["change_per_head_gbp"] = change["last_per_head_gbp"] - change["first_per_head_gbp"]
    change["change_pct"] = (
        100 * change["change_per_head_gbp"] / change["first_per_head_gbp"].where(change["first_per_head_gbp"] != 0)
    )
    change["change_without_transfers_per_head_gbp"] = (
        change["last_without_transfers_per_head_gbp"] - change["first_without_transfers_per_head_gbp"]
    )
    change["change_without_transfers_pct"] = (
        100
        * change["change_without_transfers_per_head_gbp"]
        / change["first_without_transfers_per_head_gbp"].where(change["first_without_transfers_per_head_gbp"] != 0)
    )
    change = change.reset_index()[CHANGE_COLUMNS]
    change.attrs.update(table.attrs)
    change.attrs.update(first=first, last=last)
    return change
