"""Deprivation beside the money: who lives where the spending goes.

Tables only (figures are in :mod:`tuttotal.figures.need_charts`). Every function
takes tables (ward totals, the ward driver table), not a whole report:

* :func:`ward_need`: each ward's population, income deprivation (IMD 2010
  domain share) with its rank in the place, IMD 2015 score and the England
  decile that score falls in (against all 32,844 English LSOAs);
* :func:`spend_in_most_deprived`: the share of the place's spend, and of
  its people, in its most income-deprived 10% and 20% of wards;
* :func:`lorenz_gini`: the Lorenz curve and Gini coefficient of spend per
  head across wards (wards as units), by PySAL's ``inequality``.

Examples
--------
>>> import pandas as pd
>>> need = pd.DataFrame({"ward_code": list("ABCDEFGHIJ"), "amount_gbp": [10.0] * 9 + [30.0],
...                      "population": [1.0] * 10, "income_deprived_share": [.1] * 9 + [.5]})
>>> spend_in_most_deprived(need).round(3).to_dict("records")[0]
{'most_deprived': '10% of wards', 'wards': 1, 'spend_share': 0.25, 'population_share': 0.1}
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.data.lsoa import imd_decile

if TYPE_CHECKING:
    import pandas as pd


def ward_need(
    ward_totals: pd.DataFrame, driver_table: pd.DataFrame, england_cut_offs: list[float] | None = None
) -> pd.DataFrame:
    """Each ward's money beside its people and need.

    Parameters
    ----------
    ward_totals : pandas.DataFrame
        ``ward_code, ward_name, lad_code, lad_name, amount_gbp`` and
        optionally ``per_head_gbp``.
    driver_table : pandas.DataFrame
        :func:`tuttotal.data.ward_drivers.ward_driver_table` of the same wards.
    england_cut_offs : list of float, optional
        :func:`tuttotal.data.lsoa.england_imd_deciles`; without it no decile.

    Returns
    -------
    pandas.DataFrame
        ``ward_code, ward_name, lad_code, lad_name, amount_gbp, population,
        per_head_gbp, income_deprived_share, income_rank_in_place`` (1 = most
        income-deprived), ``imd2010_score, imd2015_score`` and
        ``england_imd_decile`` (1 = among England's most deprived 10% of LSOAs).
    """
    import pandas as pd

    columns = ["ward_code", "population", "income_deprived_share", "imd2010_score", "imd2015_score"]
    keep = [c for c in ("ward_code", "ward_name", "lad_code", "lad_name", "amount_gbp") if c in ward_totals]
    table = ward_totals[keep].merge(driver_table[columns], on="ward_code", how="left")
    people = table["population"].where(table["population"] > 0)
    table["per_head_gbp"] = table["amount_gbp"] / people
    table["income_rank_in_place"] = table["income_deprived_share"].rank(ascending=False, method="min").astype("Int64")
    if england_cut_offs is not None:
        table["england_imd_decile"] = [
            imd_decile(score, england_cut_offs) if np.isfinite(score) else pd.NA for score in table["imd2015_score"]
        ]
        table["england_imd_decile"] = table["england_imd_decile"].astype("Int64")
    return table.sort_values("ward_code", ignore_index=True)


def spend_in_most_deprived(need: pd.DataFrame, shares: tuple[float, ...] = (0.1, 0.2)) -> pd.DataFrame:
    """Share of spend and of people in the place's most income-deprived wards.

    The most deprived ``s`` of wards are the ``ceil(s × wards)`` wards with
    the highest ``income_deprived_share`` (ties broken by ward code).

    Parameters
    ----------
    need : pandas.DataFrame
        ``ward_code, amount_gbp, population, income_deprived_share`` (:func:`ward_need`).
    shares : tuple of float
        Fractions of wards, e.g. 0.1 and 0.2.

    Returns
    -------
    pandas.DataFrame
        ``most_deprived`` (e.g. ``"10% of wards"``), ``wards``,
        ``spend_share``, ``population_share``.
    """
    import pandas as pd

    ranked = need.sort_values(["income_deprived_share", "ward_code"], ascending=[False, True], na_position="last")
    spend = float(ranked["amount_gbp"].sum())
    people = float(ranked["population"].sum())
    rows = []
    for share in shares:
        n = max(1, math.ceil(share * len(ranked)))
        top = ranked.head(n)
        rows.append(
            {
                "most_deprived": f"{share:.0%} of wards",
                "wards": n,
                "spend_share": float(top["amount_gbp"].sum()) / spend if spend else float("nan"),
                "population_share": float(top["population"].sum()) / people if people else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def lorenz_gini(per_head) -> tuple[np.ndarray, np.ndarray, float]:
    """Lorenz curve and Gini coefficient of spend per head across wards (each ward one unit).

    Wards without a value are left out. Uses PySAL ``inequality``
    (``wolfson.lorenz_curve`` and ``gini.Gini``).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, float)
        Cumulative share of wards (0 … 1), cumulative share of the summed
        per-head values, and the Gini coefficient (0 = every ward alike).

    Examples
    --------
    >>> x, y, g = lorenz_gini([1.0, 1.0, 1.0, 1.0])
    >>> round(g, 6), y.tolist()
    (0.0, [0.0, 0.25, 0.5, 0.75, 1.0])
    """
    from inequality.gini import Gini
    from inequality.wolfson import lorenz_curve

    values = np.asarray(per_head, dtype=float)
    values = values[np.isfinite(values)]
    if values.size == 0:
        raise ValueError("no ward has a value per head")
    share_of_wards, share_of_spend = lorenz_curve(values)
    return np.asarray(share_of_wards), np.asarray(share_of_spend), float(Gini(values).g)
