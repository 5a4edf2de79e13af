"""What the ward web map shows: each ward's money, per head and income deprivation, one table.

Examples
--------
>>> import pandas as pd
>>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "amount_gbp": [1.0, 2.0]})
>>> web_map_wards(wards, pd.Series({"W2": 0.25})).to_dict("records")[1]
{'ward_code': 'W2', 'amount_gbp': 2.0, 'per_head_gbp': nan, 'income_deprived_share': 0.25}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def web_map_wards(ward_totals: pd.DataFrame, income_deprived: pd.Series | None = None) -> pd.DataFrame:
    """The wards with £, per head (NaN without people) and income deprivation (NaN where not known).

    Parameters
    ----------
    ward_totals : pandas.DataFrame or geopandas.GeoDataFrame
        The wards with ``amount_gbp`` and (with people) ``per_head_gbp``; changed in place and returned.
    income_deprived : pandas.Series, optional
        The share of people income-deprived per ward code (None: not known).
    """
    import numpy as np

    wards = ward_totals
    if "per_head_gbp" not in wards:
        wards["per_head_gbp"] = np.nan
    wards["income_deprived_share"] = np.nan
    if income_deprived is not None:
        wards["income_deprived_share"] = wards["ward_code"].map(income_deprived).astype(float)
    return wards
