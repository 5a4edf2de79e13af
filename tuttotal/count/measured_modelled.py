"""One count of a year, as the pilots made theirs: the bodies' own books, then the rest top down.

In a year with councils' Revenue Outturn, local government is **measured**:
each authority's own RS lines placed in the place (:mod:`tuttotal.count.outturn_count`).
Central government and public corporations stay **modelled**: the region's
``CG`` and ``PC`` lines of HM Treasury's Country and Regional Analysis shared
by population and need (:mod:`tuttotal.count.topdown`). The CRA's ``LG``
*current* lines are the same money as the books, so they leave the total
(never both in it) and are set beside the books in a **bridge**; ``LG``
capital stays modelled, since the RS is current spending only. In a year
without outturn every line is modelled.

Examples
--------
>>> import pandas as pd
>>> td = pd.DataFrame({"year": ["2008-09"] * 3, "body": ["CG", "LG", "LG"],
...                    "spend_type": ["current", "current", "capital"], "amount_pence": [10, 20, 5]})
>>> books = pd.DataFrame({"year": ["2008-09"], "amount_pence": [18]})
>>> spend = combine(td, books, measured_years=("2008-09",))
>>> spend[["body", "basis", "amount_pence"]].values.tolist()
[['CG', 'modelled', 10], ['LG', 'modelled', 5], [nan, 'measured', 18]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.count.apportion import MEASURED, MODELLED

if TYPE_CHECKING:
    import pandas as pd

METHOD = (
    "Measured where it was measured: every council, police and fire authority serving the place from its own "
    "books (DCLG Revenue Outturn, net current expenditure by service, cash), its part by mid-2015 population and "
    "IMD 2010 need; the region's central government and public corporation spending, with local government "
    "capital, top down (HM Treasury Country and Regional Analysis by body, cash) by the same drivers."
)
#: What the CRA's local government current lines are in a measured year: the same money as the books.
REPLACED = "measured elsewhere: the authorities' own books (outturn.csv) count this money; see bridge.csv"
BRIDGE_NOTE = (
    "The CRA's local government current spending (HM Treasury, compiled from councils' returns on the public "
    "spending framework) beside the authorities' own net current expenditure (DCLG Revenue Outturn: revenue "
    "accounts net of their services' sales, fees and charges; specific grants come below that line): close but not "
    "the same measure, "
    "so the count uses the books and shows the modelled figure only here."
)


def replaced_by_books(lines: pd.DataFrame, measured_years: tuple[str, ...]) -> pd.Series:
    """Rows of a top-down table (spend or ``topdown.csv`` lines) that the authorities' books replace."""
    return lines["year"].isin(list(measured_years)) & (lines["body"] == "LG") & (lines["spend_type"] == "current")


def combine(topdown_spend: pd.DataFrame, books_spend: pd.DataFrame | None, measured_years: tuple[str, ...]):
    """The count's spend of every year: modelled top-down rows without the money the books measure, and the books.

    Parameters
    ----------
    topdown_spend : pandas.DataFrame
        :attr:`tuttotal.count.topdown.TopDown.spend` (``year, body, spend_type, amount_pence…``).
    books_spend : pandas.DataFrame or None
        :attr:`tuttotal.count.outturn_count.OutturnCount.spend`.
    measured_years : tuple of str
        The years whose local government is measured.

    Returns
    -------
    pandas.DataFrame
        The rows of both, with ``source`` (``top-down``, ``outturn``) and
        ``basis`` (``modelled``, ``measured``).
    """
    import pandas as pd

    modelled = topdown_spend.assign(source="top-down", basis=MODELLED)
    parts = [modelled[~replaced_by_books(modelled, measured_years)]]
    if books_spend is not None:
        books = books_spend[books_spend["year"].isin(list(measured_years))]
        parts.append(books.assign(source="outturn", basis=MEASURED))
    return pd.concat(parts, ignore_index=True)


def mark_lines(lines: pd.DataFrame, measured_years: tuple[str, ...]) -> pd.DataFrame:
    """``topdown.csv`` with ``basis`` (``modelled``) and ``in_count``: what each line is in the count.

    ``in_count`` is ``modelled`` for a line counted top down, ``excluded`` for
    a line that is not a place's spending, or :data:`REPLACED` for local
    government's current lines in a year the books measure.
    """
    import numpy as np

    out = lines.copy()
    replaced = replaced_by_books(out, measured_years).to_numpy()
    excluded = (out["driver"] == "excluded").to_numpy()
    out["basis"] = MODELLED
    out["in_count"] = np.where(replaced, REPLACED, np.where(excluded, "excluded", "modelled"))
    return out


def place_bridge(lines: pd.DataFrame, books_lines: pd.DataFrame | None, measured_years: tuple[str, ...]):
    """For each measured year: the CRA's local government current money the place would have had, modelled,
    beside the authorities' own books placed in it (measured), and the difference (pounds).

    ``books_lines`` is ``outturn.csv`` (``year, place_gbp``).
    """
    import pandas as pd

    rows = []
    replaced = lines[replaced_by_books(lines, measured_years)]
    # each year's rows in their order, summed as a column of them is (the same floats, found in one pass)
    modelled_of = {year: part["place_gbp"] for year, part in replaced.groupby("year", sort=False)}
    books_of = {} if books_lines is None else {y: p["place_gbp"] for y, p in books_lines.groupby("year", sort=False)}
    for year in measured_years:
        modelled = float(modelled_of[year].sum()) if year in modelled_of else 0.0
        measured = float(books_of[year].sum()) if year in books_of else 0.0  # none without books
        if not modelled and not measured:
            continue
        rows.append(
            {
                "year": year,
                "area": "place",
                "modelled_gbp": modelled,
                "measured_gbp": measured,
                "difference_gbp": measured - modelled,
                "difference_pct": 100 * (measured - modelled) / modelled if modelled else None,
                "modelled_is": "the CRA's local government current lines of the region, the place's share by driver",
                "measured_is": "the authorities' own net current expenditure by service (RS), the place's part",
            }
        )
    return pd.DataFrame(rows)


def region_bridge(
    lines: pd.DataFrame,
    totals: pd.DataFrame,
    authority_regions: dict[str, str],
    measured_years: tuple[str, ...],
) -> pd.DataFrame:
    """For each region of the place and measured year: the CRA's local government current total beside the sum
    of the region's authorities' RS net current expenditure.

    Parameters
    ----------
    lines : pandas.DataFrame
        ``topdown.csv`` lines (``year, region, body, spend_type, region_gbp``).
    totals : pandas.DataFrame
        :func:`tuttotal.data.outturn.read_totals` (``year, e_code, net current expenditure`` in pence).
    authority_regions : dict
        E-code → region of authorities wholly inside one region.
    measured_years : tuple of str
    """
    import pandas as pd

    rows = []
    lg = lines[(lines["body"] == "LG") & (lines["spend_type"] == "current")]
    lg = lg[lg["year"].isin(list(measured_years))]
    totals = totals[totals["year"].isin(list(measured_years))]
    region = totals["e_code"].map(authority_regions)
    inside = region.isin(list(lg["region"].unique())).to_numpy()
    pence = totals["net current expenditure"][inside]
    # whole pence and the number of authorities of each year and region, in one grouping
    books_of = pence.groupby([totals["year"][inside], region[inside]]).agg(["sum", "size"])
    for (year, region), part in lg.groupby(["year", "region"], sort=True):
        pence, authorities = books_of.loc[(year, region)] if (year, region) in books_of.index else (0, 0)
        books = int(pence) / 100
        cra = float(part["region_gbp"].sum())
        rows.append(
            {
                "year": year,
                "area": f"region: {region}",
                "modelled_gbp": cra,
                "measured_gbp": books,
                "difference_gbp": books - cra,
                "difference_pct": 100 * (books - cra) / cra if cra else None,
                "modelled_is": "the CRA's local government current spending of the region (identifiable)",
                "measured_is": f"net current expenditure of the region's {int(authorities)} authorities (RS)",
            }
        )
    return pd.DataFrame(rows)


def authority_regions(authorities: pd.DataFrame, lad_regions: dict[str, str]) -> dict[str, str]:
    """E-code → region of every authority whose 2013 LADs all lie in one region (``data/authorities.csv``).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"e_code": ["E1", "E2"], "lads": ["L1 L2", "L2 L3"]})
    >>> authority_regions(table, {"L1": "North", "L2": "North", "L3": "South"})
    {'E1': 'North'}
    """
    found = {}
    for code, lads in zip(authorities["e_code"], authorities["lads"], strict=True):
        regions = {lad_regions.get(lad) for lad in str(lads).split()}
        if len(regions) == 1 and None not in regions:
            found[code] = regions.pop()
    return found
