"""Comparisons: a focus ward against its LAD, its place and the median pilot place; change over years.

The "compare with parent area" view of area-profile tools, as tidy tables
(``area, level, theme, amount_gbp, per_head_gbp``) that
:func:`tuttotal.figures.charts.comparison_bars` and :func:`tuttotal.figures.charts.trend_lines`
draw.

The median pilot place is the median, theme by theme, of the spend per head
of the thirteen pilots' real top-down counts, given as a table
(:func:`tuttotal.count.pilot_medians.pilots_theme_per_head` counts and caches
them); for a year the regional analysis does not cover, or without the data,
it is left out, and the table says so in its ``attrs["notes"]``. Nothing here
reads a file: tables in, tables out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.analysis.breakdown import BASES, theme_per_head, with_basis
from tuttotal.count.pilot_medians import ALL_THEMES
from tuttotal.data.geography import find_ward

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

MEDIAN_PILOT = "Median pilot place"


def pilot_median_per_head(per_pilot: pd.DataFrame | None) -> pd.Series | None:
    """The median pilot place: the median across the pilots of their spend per head, theme by theme.

    Rounded to a millionth of a pound, themes in order, so that a report is
    the same whichever run counted the pilots.

    Parameters
    ----------
    per_pilot : pandas.DataFrame or None
        £ per head, a row a theme (and ``all themes``), a column a pilot
        (:func:`tuttotal.count.pilot_medians.pilots_theme_per_head`); None without the data.

    Examples
    --------
    >>> import pandas as pd
    >>> per_pilot = pd.DataFrame({"a": {"health": 1.0, "all themes": 3.0}, "b": {"health": 2.0, "all themes": 5.0},
    ...                           "c": {"health": 4.0, "all themes": 4.0}})
    >>> pilot_median_per_head(per_pilot).to_dict()
    {'all themes': 4.0, 'health': 2.0}
    >>> pilot_median_per_head(None) is None
    True
    """
    if per_pilot is None:
        return None
    median = per_pilot.median(axis=1).round(6).sort_index()
    median.index.name = None
    return median.astype(float)


def focus_comparison(
    ward_spend: pd.DataFrame,
    wards: pd.DataFrame,
    population: pd.Series,
    ward: str,
    *,
    place_name: str,
    pilot_median: pd.Series | None = None,
    pilot_note: str = "",
) -> pd.DataFrame:
    """A focus ward against its LAD, the place and (given) the median pilot place.

    Parameters
    ----------
    ward_spend : pandas.DataFrame
        The count's ward spend (``ward_code, theme, amount_pence``).
    wards : pandas.DataFrame
        ``ward_code, ward_name, lad_code, lad_name`` of every ward of the place.
    population : pandas.Series
        People per ward code.
    ward : str
        Ward name or code.
    place_name : str
        The place's name, for its row (shown when it has several LADs).
    pilot_median : pandas.Series, optional
        Spend per head by theme of the median pilot place
        (:func:`pilot_median_per_head`); left out when None.
    pilot_note : str
        A note for ``attrs["notes"]`` about the median pilot (why it is in, or out).

    Returns
    -------
    pandas.DataFrame
        ``area, level, theme, amount_gbp, per_head_gbp``; ``theme`` includes
        ``all themes``.

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "ward_name": ["A", "B"],
    ...                       "lad_code": ["L1", "L1"], "lad_name": ["Lad", "Lad"]})
    >>> spend = pd.DataFrame({"ward_code": ["W1", "W2"], "theme": ["t", "t"], "amount_pence": [1000, 3000]})
    >>> people = pd.Series({"W1": 1.0, "W2": 3.0})
    >>> table = focus_comparison(spend, wards, people, "A", place_name="P")
    >>> table[table.theme == "t"][["area", "per_head_gbp"]].to_dict("records")
    [{'area': 'A', 'per_head_gbp': 10.0}, {'area': 'Lad', 'per_head_gbp': 10.0}]
    """
    import pandas as pd

    row = find_ward(wards, ward)
    lad_wards = wards.loc[wards.lad_code == row.lad_code, "ward_code"]
    areas = [(row.ward_name, "ward", [row.ward_code]), (row.lad_name, "LAD", list(lad_wards))]
    if wards.lad_code.nunique() > 1:
        areas.append((place_name, "place", list(wards.ward_code)))
    frames = []
    for name, level, codes in areas:
        per_head = theme_per_head(ward_spend, population, codes)
        amounts = ward_spend[ward_spend.ward_code.isin(codes)].groupby("theme")["amount_pence"].sum() / 100
        people = float(population.reindex(codes).sum())
        per_head[ALL_THEMES] = amounts.sum() / people
        amounts[ALL_THEMES] = amounts.sum()
        frames.append(
            pd.DataFrame(
                {
                    "area": name,
                    "level": level,
                    "theme": per_head.index,
                    "amount_gbp": amounts.reindex(per_head.index).to_numpy(),
                    "per_head_gbp": per_head.to_numpy(),
                }
            )
        )
    if pilot_median is not None:
        frames.append(
            pd.DataFrame(
                {
                    "area": MEDIAN_PILOT,
                    "level": "pilot median",
                    "theme": pilot_median.index,
                    "amount_gbp": float("nan"),
                    "per_head_gbp": pilot_median.to_numpy(),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table.attrs["notes"] = [pilot_note] if pilot_note else []
    return table


def _pence_by_ward_and_basis(spend: pd.DataFrame) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Whole pence by ward, and by ward for each of :data:`BASES`, from one grouping of the rows."""
    pairs = spend.groupby(["basis", "ward_code"])["amount_pence"].sum()
    by_ward = pairs.groupby(level="ward_code").sum()
    found = set(pairs.index.get_level_values("basis"))
    empty = pairs.iloc[:0].droplevel("basis")
    return by_ward, {basis: pairs.xs(basis, level="basis") if basis in found else empty for basis in BASES}


def change_by_year(
    ward_spend_by_year: Mapping[str, pd.DataFrame],
    wards: pd.DataFrame,
    drivers: pd.DataFrame | None,
    *,
    focus_codes: list[str],
    place_name: str,
    people_by_year: Mapping[str, pd.Series] | None = None,
) -> pd.DataFrame:
    """Spend per head by year for the focus wards, their LADs and the place, with the change on the year before.

    Parameters
    ----------
    ward_spend_by_year : mapping of str to pandas.DataFrame
        Each year's ward spend (``ward_code, amount_pence`` at least), in the
        order to show: each year counted the same way (same wards, drivers,
        classification and rules), so the years differ only by their money.
        :meth:`tuttotal.report.change.ChangeSection.change_by_year` gives its count's.
    wards : pandas.DataFrame
        ``ward_code, ward_name, lad_code, lad_name``.
    drivers : pandas.DataFrame or None
        ``area_code, driver, value`` (per head needs a ``population`` driver).
    focus_codes : list of str
        The focus wards' codes (their LADs come too).
    place_name : str
        The place's row (shown with several LADs, or without focus wards).
    people_by_year : mapping of str to pandas.Series, optional
        Each year's people by ward code, the per-head denominator of that
        year (:meth:`tuttotal.report.core.ReportCore.population_of_year`); a year
        not in it, or without it, is per head of the ``population`` driver.

    Returns
    -------
    pandas.DataFrame
        ``year, area, level, amount_gbp, measured_gbp, modelled_gbp,
        per_head_gbp, change_pct``: ``measured_gbp`` and ``modelled_gbp`` are
        the area's money by basis (a spend table without a ``basis`` column is
        all measured), adding up to ``amount_gbp``; per head and the change
        are of the whole.

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "ward_name": ["North", "South"],
    ...                       "lad_code": ["L1", "L1"], "lad_name": ["Town", "Town"]})
    >>> drivers = pd.DataFrame({"area_code": ["W1", "W2"], "driver": "population", "value": [100.0, 300.0]})
    >>> spend = {year: pd.DataFrame({"ward_code": ["W1", "W2"], "amount_pence": [pence, 3 * pence]})
    ...          for year, pence in (("2007-08", 100_000), ("2008-09", 110_000))}
    >>> table = change_by_year(spend, wards, drivers, focus_codes=["W1"], place_name="Town")
    >>> table.drop(columns=["measured_gbp", "modelled_gbp"])
          year   area level  amount_gbp  per_head_gbp  change_pct
    0  2007-08  North  ward      1000.0          10.0         NaN
    1  2007-08   Town   LAD      4000.0          10.0         NaN
    2  2008-09  North  ward      1100.0          11.0        10.0
    3  2008-09   Town   LAD      4400.0          11.0        10.0
    >>> table[["measured_gbp", "modelled_gbp"]].sum().tolist()
    [10500.0, 0.0]
    """
    import pandas as pd

    population = _population(drivers, wards)
    focus = wards[wards.ward_code.isin(focus_codes)]
    areas = [(w.ward_name, "ward", [w.ward_code]) for w in focus.itertuples()]
    for lad in dict.fromkeys(focus.lad_code):
        lad_rows = wards[wards.lad_code == lad]
        areas.append((lad_rows.lad_name.iloc[0], "LAD", list(lad_rows.ward_code)))
    if wards.lad_code.nunique() > 1 or not areas:
        areas.append((place_name, "place", list(wards.ward_code)))
    people_by_year = people_by_year or {}
    rows = []
    for year, spend in ward_spend_by_year.items():
        of_year = people_by_year.get(year, population)
        people = {
            name: float(of_year.reindex(codes).sum()) if of_year is not None else float("nan")
            for name, _, codes in areas
        }
        spend = with_basis(spend)
        by_ward, by_basis = _pence_by_ward_and_basis(spend)
        for name, level, codes in areas:
            amount = int(by_ward.reindex(codes, fill_value=0).sum()) / 100
            rows.append(
                {
                    "year": year,
                    "area": name,
                    "level": level,
                    "amount_gbp": amount,
                    **{
                        f"{basis}_gbp": int(pence.reindex(codes, fill_value=0).sum()) / 100
                        for basis, pence in by_basis.items()
                    },
                    "per_head_gbp": amount / people[name] if people[name] else float("nan"),
                }
            )
    table = pd.DataFrame(rows)
    measure = "per_head_gbp" if population is not None else "amount_gbp"
    table["change_pct"] = (table.groupby("area")[measure].pct_change() * 100).round(1)
    # a change is on the year before: none across a gap (the top-down years skip the councils' 2010-11 to 2014-15)
    previous = table.groupby("area")["year"].shift()
    table.loc[previous.notna() & (previous != table["year"].map(_year_before)), "change_pct"] = float("nan")
    return table


def _year_before(year: str) -> str | None:
    """The financial year before ``year`` (``2015-16`` → ``2014-15``), None for another spelling.

    Examples
    --------
    >>> _year_before("2015-16"), _year_before("2000-01"), _year_before("2015")
    ('2014-15', '1999-00', None)
    """
    if len(year) != 7 or year[4] != "-" or not (year[:4] + year[5:]).isdigit():
        return None
    start = int(year[:4]) - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _population(drivers: pd.DataFrame | None, wards: pd.DataFrame) -> pd.Series | None:
    """People per ward code from a ``population`` driver, or None without one."""
    if drivers is None:
        return None
    people = drivers[drivers.driver == "population"].set_index("area_code")["value"].reindex(wards.ward_code)
    return people if people.notna().any() else None
