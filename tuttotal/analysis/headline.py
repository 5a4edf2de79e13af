"""A place's headline figures, one per row: what its report opens with, tables in, a table out.

Examples
--------
>>> from tuttotal.count.apportion import MEASURED, MODELLED
>>> table = headline_table(placed_pence=100_000_00, input_pence=100_000_00, totals={MEASURED: 0, MODELLED: 100_000_00},
...                        provenance="Demo.", wards=2, lads=1, people=1000.0, year="2010-11")
>>> table.set_index("figure").loc["Per head", "value"]
'£100'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.count.apportion import MEASURED, MODELLED
from tuttotal.money import format_gbp

if TYPE_CHECKING:
    import pandas as pd


def headline_table(
    *,
    placed_pence: int,
    input_pence: int,
    totals: dict[str, int],
    provenance: str,
    wards: int,
    lads: int,
    year: str,
    warnings: list[str] = (),
    capital_pence: int = 0,
    transfers_pence: int = 0,
    unplaced: list[dict] = (),
    people: float | None = None,
    drivers_note: str = "",
    ranks: list[tuple[str, tuple[str, str]]] = (),
) -> pd.DataFrame:
    """The headline figures: ``figure``, ``value`` (formatted), ``note``.

    Parameters
    ----------
    placed_pence, input_pence : int
        The money placed in wards and the money counted.
    totals : dict
        Placed pence by basis (``measured``, ``modelled``).
    provenance : str
        Where the money came from, in a sentence.
    wards, lads : int
        How many wards and districts.
    year : str
        The year counted.
    warnings : list of str
        Lines shown first, as warnings.
    capital_pence, transfers_pence : int
        Capital in the count (shown apart) and transfers removed between agencies.
    unplaced : list of dict
        What could not be placed (``reason``, ``amount_pence``, ``codes``).
    people : float, optional
        The place's people of the year (None or 0: no per head rows).
    drivers_note : str
        Where the people come from.
    ranks : list
        ``(figure, (rank, note))`` rows of the place's ranks in England, shown after the per head.
    """
    import pandas as pd

    rows = [("Warning", "", text) for text in warnings] + [
        ("Public money counted", format_gbp(input_pence, 3), provenance),
        ("Placed in wards", format_gbp(placed_pence, 3), f"{wards} wards, {lads} district(s)"),
    ]
    if placed_pence:
        rows += [
            (
                "Measured",
                f"{format_gbp(totals[MEASURED], 3)} ({totals[MEASURED] / placed_pence:.0%})",
                "reported by the bodies that spent it (councils' Revenue Outturn, or the spend file)",
            ),
            (
                "Modelled",
                f"{format_gbp(totals[MODELLED], 3)} ({totals[MODELLED] / placed_pence:.0%})",
                "the region's money (HM Treasury's regional analysis) shared by population and need",
            ),
        ]
    if capital_pence:
        rows += [
            (
                "Current spending (the headline)",
                format_gbp(placed_pence - capital_pence, 3),
                "revenue: running services",
            ),
            ("Capital spending (apart)", format_gbp(capital_pence, 3), "the CRA's capital lines (modelled)"),
        ]
    if transfers_pence:
        rows.append(("Transfers removed", format_gbp(transfers_pence, 3), "between agencies: double counting"))
    for item in unplaced:
        codes = ", ".join(item["codes"])
        rows.append((f"Not placed: {item['reason']}", format_gbp(item["amount_pence"], 3), codes))
    if people:
        rows.append(("People", f"{people:,.0f}", drivers_note or ""))
        per_head = placed_pence / 100 / people
        rows.append(("Per head", f"£{per_head:,.0f}", f"placed money over the people, {year}"))
        rows += [(figure, rank[0], rank[1]) for figure, rank in ranks if rank]
    return pd.DataFrame(rows, columns=["figure", "value", "note"])
