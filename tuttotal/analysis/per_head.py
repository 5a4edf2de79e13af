"""A place's money per head by theme beside its region(s), England and the median pilot: tables in, tables out.

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"theme": ["Crime", "Crime", "Health"], "amount_pence": [100_00, 50_00, 200_00]})
>>> others = pd.DataFrame({"South East": [2.0, 3.0, 5.0], "England": [1.0, 4.0, 5.0]},
...                       index=["Crime", "Health", "all themes"])
>>> table = theme_per_head_beside(spend, 10.0, "Thanet", others, ["South East"], None)
>>> table[table.area == "Thanet"][["theme", "per_head_gbp"]].to_dict("records")
[{'theme': 'Crime', 'per_head_gbp': 15.0}, {'theme': 'Health', 'per_head_gbp': 20.0}, \
{'theme': 'all themes', 'per_head_gbp': 35.0}]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.analysis.compare import ALL_THEMES
from tuttotal.count.apportion import MODELLED

if TYPE_CHECKING:
    import pandas as pd

#: The columns of :func:`theme_per_head_beside`.
COLUMNS = ["theme", "area", "level", "basis", "per_head_gbp"]


def theme_per_head_beside(
    ward_spend: pd.DataFrame,
    people: float,
    place_name: str,
    others: pd.DataFrame,
    regions: list[str],
    median: pd.Series | None,
) -> pd.DataFrame:
    """£ per head by theme of the place (and all themes), then each region's, England's and the median pilot's.

    Parameters
    ----------
    ward_spend : DataFrame
        The place's money placed in wards (``theme``, ``amount_pence``).
    people : float
        The place's people of the year.
    place_name : str
        The place's name (its rows' ``area``).
    others : DataFrame
        £ per head by theme (index) of every region and ``England`` (columns), of the same lines
        (:func:`tuttotal.count.topdown.region_theme_per_head`).
    regions : list of str
        The place's regions.
    median : Series or None
        The median pilot's £ per head by theme, where there is one.

    Returns
    -------
    DataFrame
        ``theme, area, level, basis, per_head_gbp``: every row ``modelled`` (a top-down year's money).
    """
    import pandas as pd

    own = ward_spend.groupby("theme")["amount_pence"].sum() / 100 / people
    own[ALL_THEMES] = own.sum()
    frames = [pd.DataFrame({"theme": own.index, "area": place_name, "level": "place", "per_head_gbp": own})]
    for region in regions:
        frames.append(
            pd.DataFrame(
                {"theme": others.index, "area": region, "level": "region", "per_head_gbp": others[region].to_numpy()}
            )
        )
    frames.append(
        pd.DataFrame(
            {"theme": others.index, "area": "England", "level": "England", "per_head_gbp": others["England"].to_numpy()}
        )
    )
    if median is not None:
        frames.append(
            pd.DataFrame(
                {
                    "theme": median.index,
                    "area": "Median pilot place",
                    "level": "pilot median",
                    "per_head_gbp": median.to_numpy(),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    table.insert(3, "basis", MODELLED)  # a top-down year: no money of the count is measured
    return table
