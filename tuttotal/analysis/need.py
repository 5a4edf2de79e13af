"""A place's need figures: on which money, with which caveat, in which words (tables in, tables out).

:mod:`tuttotal.analysis.deprivation` measures need beside money; this module
decides what a place report sets beside need and says so:

* :func:`need_basis`: the money the need figures are computed on (a real
  count's measured money where it has any, else all of it);
* :func:`by_construction_note`: the caveat of need figures on money placed by
  drivers, and :func:`need_notes`, the footer of the need figures;
* :func:`drivers_wide` and :func:`place_ward_need`: each ward's spend, people
  of the year and need;
* :func:`gini`, :func:`need_text` and :func:`deprivation_summary`: the
  figures in a number, in a few lines and in ``summary.json``.

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"amount_pence": [100, 300], "basis": ["measured", "modelled"]})
>>> need_basis(spend, is_real=True), need_basis(spend, is_real=False)
('measured', 'all')
>>> need_money_basis("all", is_real=True)
'modelled'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.analysis.breakdown import basis_totals
from tuttotal.analysis.deprivation import lorenz_gini, spend_in_most_deprived, ward_need
from tuttotal.count.apportion import MEASURED, MODELLED

if TYPE_CHECKING:
    import pandas as pd

#: What ``summary.json``'s deprivation figures measure.
NEED_MEASURE = "income deprivation: IMD 2010 income domain share"


def need_basis(ward_spend: pd.DataFrame, *, is_real: bool) -> str:
    """The money the need figures are computed on: ``measured`` where a real count has any, else ``all``.

    A real count's modelled money is the region's shared out by population
    and need drivers, so how it follows need is so by construction; the
    measured money (authorities' own books) differs between authorities for
    reasons of their own. A spend file's money is all measured.
    """
    if is_real and basis_totals(ward_spend)[MEASURED] > 0:
        return MEASURED
    return "all"


def need_money_basis(basis: str, *, is_real: bool) -> str:
    """``measured`` or ``modelled``: the basis of the money the need figures of :func:`need_basis` ``basis`` are on.

    The measured money where a real count has any; else all the count's
    money, which is modelled for a real count (the region's shared by
    driver) and measured for a spend file or the demo (a body's own books:
    a spend table carries no modelled money).
    """
    if basis == MEASURED or not is_real:
        return MEASURED
    return MODELLED


def by_construction_note(basis: str, *, is_real: bool) -> str | None:
    """The caveat of need figures on money placed by drivers (:func:`need_basis` ``basis``), or None where none is.

    Examples
    --------
    >>> by_construction_note("all", is_real=False) is None
    True
    >>> by_construction_note("all", is_real=True).startswith("All of this money is modelled")
    True
    """
    if not is_real:
        return None
    if basis == MEASURED:
        return (
            "Measured money only (authorities' own books). Within an authority's area it is placed in wards "
            "by population and need drivers, so how it follows need there is so by construction; between "
            "authorities it is as they spent it."
        )
    return (
        "All of this money is modelled: the region's spending shared out by population and need drivers, so "
        "how it follows need follows the drivers by construction, not from any body's books."
    )


def need_notes(
    *,
    coverage_notes: list[str],
    provenance: str,
    year: str,
    real_drivers: bool,
    drivers_note: str | None,
    construction: str | None,
) -> list[str]:
    """Footer lines of the deprivation figures.

    Parameters
    ----------
    coverage_notes : list of str
        Warnings on wards the user's files cover in part (first).
    provenance : str
        Where the money came from.
    year : str
        The year counted (the people's mid-year).
    real_drivers : bool
        Whether the drivers are the real ones (IMD 2010, mid-2015 people); else ``drivers_note`` names them.
    drivers_note : str or None
        One sentence on the drivers.
    construction : str or None
        :func:`by_construction_note`.
    """
    notes = [*coverage_notes, provenance]
    if real_drivers:
        notes.append(
            "Income deprivation: IMD 2010 income domain (DCLG; indicators mostly 2008), people: mid-2015 "
            "(IoD 2019 File 6), moved from 2011 LSOAs onto wards by area, per head scaled to the ONS "
            f"mid-year estimate of mid-{year[:4]}."
        )
    elif drivers_note:
        notes.append(drivers_note)
    if construction:
        notes.append(construction)
    return notes


def deprivation_label(*, real_drivers: bool) -> str:
    """What income deprivation is, for axes: its source for real drivers."""
    if real_drivers:
        return "People income-deprived (IMD 2010 income domain)"
    return "People income-deprived (from the driver table)"


def drivers_wide(drivers: pd.DataFrame | None, ward_codes) -> pd.DataFrame | None:
    """A long driver table (``area_code, driver, value``) one row per ward of ``ward_codes``, or None.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"area_code": ["W1", "W1", "L1"], "driver": ["population", "imd", "population"],
    ...                      "value": [10.0, 0.2, 99.0]})
    >>> drivers_wide(long, ["W1"]).to_dict("records")
    [{'ward_code': 'W1', 'imd': 0.2, 'population': 10.0}]
    """
    if drivers is None:
        return None
    wide = drivers[drivers.area_code.isin(ward_codes)].pivot_table(
        index="area_code", columns="driver", values="value", aggfunc="first"
    )
    wide.columns.name = None
    return wide.rename_axis("ward_code").reset_index()


def has_need(wide: pd.DataFrame | None) -> bool:
    """True when a wide driver table carries population and income deprivation (:func:`drivers_wide`)."""
    return wide is not None and {"population", "income_deprived_share"} <= set(wide.columns)


def place_ward_need(
    ward_totals: pd.DataFrame,
    wide: pd.DataFrame | None,
    people: pd.Series | None,
    england_cut_offs: list[float] | None = None,
) -> pd.DataFrame:
    """Each ward's spend, people of the year and income deprivation (:func:`~tuttotal.analysis.deprivation.ward_need`).

    Parameters
    ----------
    ward_totals : pandas.DataFrame
        ``ward_code, ward_name, lad_code, lad_name, amount_gbp`` (the money of :func:`need_basis`).
    wide : pandas.DataFrame or None
        The drivers one row per ward (:func:`drivers_wide`, or the real driver table).
    people : pandas.Series or None
        People per ward code of the year: the per-head denominator (the need, shares and scores, as it is).
    england_cut_offs : list of float, optional
        England's IMD 2015 deciles (a real count), for each ward's decile.
    """
    totals = ward_totals[["ward_code", "ward_name", "lad_code", "lad_name", "amount_gbp"]]
    if wide is not None and people is not None and "population" in wide:
        wide = wide.assign(population=wide["ward_code"].map(people).to_numpy())
    return ward_need(totals, wide, england_cut_offs)


def need_measurable(need: pd.DataFrame) -> bool:
    """True when some ward of :func:`place_ward_need` has a value per head."""
    import numpy as np

    return bool(np.isfinite(need["per_head_gbp"].to_numpy(dtype=float)).any())


def gini(need: pd.DataFrame) -> float:
    """Gini coefficient of spend per head across the wards of :func:`place_ward_need`.

    Examples
    --------
    >>> import pandas as pd
    >>> gini(pd.DataFrame({"per_head_gbp": [1.0, 1.0, 1.0]}))
    0.0
    """
    return lorenz_gini(need["per_head_gbp"])[2]


def need_text(need: pd.DataFrame | None, *, has_need: bool, construction: str | None) -> str:
    """Deprivation beside the money, in a few lines: the most deprived wards' share and the Gini.

    ``need`` is :func:`place_ward_need` where it can be measured (:func:`need_measurable`, something placed),
    else None; ``has_need``: :func:`has_need` of the drivers; ``construction``: :func:`by_construction_note`.

    Examples
    --------
    >>> need_text(None, has_need=True, construction=None)[:29]
    'No ward has spending per head'
    """
    if not has_need:
        return "No population and deprivation drivers: nothing to show beside the money."
    if need is None:
        return "No ward has spending per head (nothing was placed, or no ward has people): nothing to compare."
    lines = []
    for row in spend_in_most_deprived(need).itertuples():
        lines.append(
            f"The most income-deprived {row.most_deprived} ({row.wards}) hold {row.spend_share:.1%} of the "
            f"spending and {row.population_share:.1%} of the people."
        )
    lines.append(f"Gini of spend per head across wards: {gini(need):.3f}.")
    if construction:
        lines.append(construction)
    return "\n".join(lines)


def deprivation_summary(need: pd.DataFrame) -> dict:
    """``summary.json``'s deprivation: the Gini and the most deprived wards' shares of :func:`place_ward_need`."""
    return {
        "gini_per_head_across_wards": round(gini(need), 6),
        "most_deprived": spend_in_most_deprived(need).round(6).to_dict("records"),
        "measure": NEED_MEASURE,
    }
