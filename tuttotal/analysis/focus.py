"""A place's focus wards against their LAD, the place and the median pilot place: one table, tables in.

:func:`tuttotal.analysis.compare.focus_comparison` compares one focus ward;
:func:`focus_wards_table` puts every focus ward of a place in one table and
:func:`focus_comparison_table` adds a row per basis (``focus_comparison.csv``,
the comparison chart). The median pilot place is given, with
:func:`pilot_median_note` saying what it is (or why it is left out); nothing
here reads a file.

Examples
--------
>>> import pandas as pd
>>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "ward_name": ["A", "B"],
...                       "lad_code": ["L1", "L1"], "lad_name": ["Lad", "Lad"]})
>>> spend = pd.DataFrame({"ward_code": ["W1", "W2"], "theme": ["t", "t"], "amount_pence": [1000, 3000]})
>>> people = pd.Series({"W1": 1.0, "W2": 3.0})
>>> table = focus_comparison_table(spend, wards, people, ["W1"], place_name="P")
>>> table[table.theme == "t"][["area", "level", "per_head_gbp"]].to_dict("records")
[{'area': 'A', 'level': 'ward', 'per_head_gbp': 10.0}, {'area': 'Lad', 'level': 'LAD', 'per_head_gbp': 10.0}]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.analysis.breakdown import BASES, with_basis
from tuttotal.analysis.compare import focus_comparison
from tuttotal.count.apportion import MODELLED

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

#: The order of a comparison's levels: the ward, its LAD, the place, the median pilot place.
LEVEL_ORDER = {"ward": 0, "LAD": 1, "place": 2, "pilot median": 3}


def pilot_median_note(year: str, median: pd.Series | None) -> str:
    """What the median pilot place of ``year`` is, or why it is left out (``median`` None: no data for the year).

    Examples
    --------
    >>> pilot_median_note("2003-04", None)
    'Median pilot place left out: the regional analysis has no 2003-04, or its data are not available.'
    """
    if median is None:
        return f"Median pilot place left out: the regional analysis has no {year}, or its data are not available."
    return (
        "Median pilot place: the median of the 13 pilots' real top-down counts, theme by theme "
        f"({year}, HM Treasury CRA shared by need)."
    )


def focus_wards_table(
    ward_spend: pd.DataFrame,
    wards: pd.DataFrame,
    population: pd.Series,
    focus_codes: Sequence[str],
    *,
    place_name: str,
    pilot_median: pd.Series | None = None,
    pilot_note: str = "",
) -> pd.DataFrame:
    """:func:`~tuttotal.analysis.compare.focus_comparison` of every focus ward, in one table.

    A LAD (or the place) shared by two focus wards has its rows once; rows
    are ordered ward, LAD, place, pilot median (stably). ``attrs["notes"]``
    is the first ward's (the median pilot's note).

    Parameters
    ----------
    ward_spend : pandas.DataFrame
        ``ward_code, theme, amount_pence`` (a basis's rows only, for a part).
    wards : pandas.DataFrame
        ``ward_code, ward_name, lad_code, lad_name`` of every ward of the place.
    population : pandas.Series
        People per ward code.
    focus_codes : sequence of str
        The focus wards' codes (at least one).
    place_name : str
        The place's name.
    pilot_median : pandas.Series, optional
        The median pilot place's £ per head by theme.
    pilot_note : str
        :func:`pilot_median_note`.

    Returns
    -------
    pandas.DataFrame
        ``area, level, theme, amount_gbp, per_head_gbp``.
    """
    import pandas as pd

    tables = [
        focus_comparison(
            ward_spend,
            wards,
            population,
            code,
            place_name=place_name,
            pilot_median=pilot_median,
            pilot_note=pilot_note,
        )
        for code in focus_codes
    ]
    table = pd.concat(tables, ignore_index=True).drop_duplicates(["area", "level", "theme"])
    table = table.sort_values(["level"], key=lambda c: c.map(LEVEL_ORDER), kind="stable", ignore_index=True)
    table.attrs["notes"] = tables[0].attrs.get("notes", [])
    return table


def focus_comparison_table(
    ward_spend: pd.DataFrame,
    wards: pd.DataFrame,
    population: pd.Series | None,
    focus_codes: Sequence[str],
    *,
    place_name: str,
    pilot_median: pd.Series | None = None,
    pilot_note: str = "",
    by_basis: bool = False,
) -> pd.DataFrame:
    """Each focus ward against its LAD, the place and (given) the median pilot place, by theme.

    Parameters
    ----------
    ward_spend, wards, focus_codes, place_name, pilot_median, pilot_note
        As :func:`focus_wards_table`; ``ward_spend`` is the whole count's.
    population : pandas.Series or None
        People per ward code; None: an empty table.
    by_basis : bool
        A row per basis (``measured`` first; none for a basis without money
        there), each per head of the area's people, so an area's rows for a
        theme add up to its row without ``by_basis``; the median pilot place
        is ``modelled`` (the pilots' top-down counts) and per head only.

    Returns
    -------
    pandas.DataFrame
        ``area, level, theme[, basis], amount_gbp, per_head_gbp``; empty
        without focus wards or population.
    """
    import pandas as pd

    columns = ["area", "level", "theme", *(["basis"] if by_basis else []), "amount_gbp", "per_head_gbp"]
    if population is None or not len(focus_codes):
        return pd.DataFrame(columns=columns)

    def of(spend: pd.DataFrame, median: pd.Series | None) -> pd.DataFrame:
        return focus_wards_table(
            spend, wards, population, focus_codes, place_name=place_name, pilot_median=median, pilot_note=pilot_note
        )

    whole = of(ward_spend, pilot_median)
    if not by_basis:
        return whole
    spend = with_basis(ward_spend)
    frames = [
        of(spend[spend["basis"] == basis], None).assign(basis=basis)
        for basis in BASES
        if (spend["basis"] == basis).any()
    ]
    frames.append(whole[whole["level"] == "pilot median"].assign(basis=MODELLED))
    table = pd.concat(frames, ignore_index=True)
    row_at = {key: i for i, key in enumerate(zip(whole["area"], whole["level"], whole["theme"], strict=True))}
    keys = zip(table["area"], table["level"], table["theme"], table["basis"], strict=True)
    order = [(row_at[(area, level, theme)], BASES.index(basis)) for area, level, theme, basis in keys]
    table = table.iloc[sorted(range(len(table)), key=order.__getitem__)][columns].reset_index(drop=True)
    table.attrs["notes"] = whole.attrs.get("notes", [])
    return table
