"""What ``summary.json`` says of a count's money: by basis, and of a real place's two counts (tables in, dicts out).

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"amount_pence": [150, 50], "basis": ["measured", "modelled"]})
>>> basis_summary(spend)
{'measured_gbp': '1.50', 'modelled_gbp': '0.50', 'measured_share': 0.75}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.analysis.breakdown import basis_totals
from tuttotal.count.apportion import MEASURED, MODELLED
from tuttotal.money import pence_to_decimal_string

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.count.outturn_count import OutturnCount
    from tuttotal.count.topdown import TopDown


def basis_summary(ward_spend: pd.DataFrame) -> dict:
    """The money by basis: measured and modelled pounds (exact decimal strings) and the measured share.

    ``measured`` is money the body that spent it reports in its own books
    (councils' Revenue Outturn, a user's spend file); ``modelled`` is a
    share of a region's money by a driver (the top-down count). The share is
    None when nothing was placed.
    """
    totals = basis_totals(ward_spend)
    placed = sum(totals.values())
    return {
        "measured_gbp": pence_to_decimal_string(totals[MEASURED]),
        "modelled_gbp": pence_to_decimal_string(totals[MODELLED]),
        "measured_share": round(totals[MEASURED] / placed, 6) if placed else None,
    }


def real_counts_summary(
    topdown: TopDown,
    outturn: OutturnCount | None,
    bridge: pd.DataFrame,
    *,
    topdown_method: str,
    books_method: str,
) -> dict:
    """Both real counts of a real place: their years, method, and what the outturn could not place.

    Parameters
    ----------
    topdown, outturn : TopDown, OutturnCount or None
        The region's money top down, and councils' books (None: not measured).
    bridge : pandas.DataFrame
        Where the two cover the same money (:func:`tuttotal.count.measured_modelled.place_bridge` and its region's).
    topdown_method, books_method : str
        Each count's method, in a sentence.
    """
    found = {"top-down": {"years": sorted(set(topdown.lines["year"])), "method": topdown_method}}
    if outturn is not None:
        found["outturn"] = {
            "years": sorted(set(outturn.lines["year"])),
            "method": books_method,
            "authorities": sorted(set(outturn.lines["authority"])),
            "not_placed_anywhere": [
                {"reason": u["reason"], "amount_gbp": u["amount_pence"] / 100, "codes": u["codes"]}
                for u in outturn.unplaced
            ],
        }
        found["bridge"] = bridge.to_dict("records") if len(bridge) else []
    return found
