"""A place count in words for the notebook: its totals, its focus wards, why nothing was placed.

Tables and the reconciliation in, plain text out (the notebooks print it).

Examples
--------
>>> from tuttotal.count.apportion import Reconciliation
>>> r = Reconciliation(input_pence=500, placed_pence=0, unplaced=[{"reason": "no ward", "amount_pence": 500,
...                                                                  "codes": ["X"]}])
>>> nothing_placed_text(r, "Demo")
'Nothing of the £5 input could be placed in a ward of Demo (no ward: £5). Every pound is listed in reconciliation.csv.'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal.money import format_gbp

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.count.apportion import Reconciliation


def nothing_placed_text(reconciliation: Reconciliation, place_name: str) -> str:
    """Why nothing was placed, from the reconciliation: each reason and its amount."""
    r = reconciliation
    reasons = "; ".join(f"{u['reason']}: {format_gbp(u['amount_pence'])}" for u in r.unplaced) or "no spend"
    return (
        f"Nothing of the {format_gbp(r.input_pence)} input could be placed in a ward of {place_name} "
        f"({reasons}). Every pound is listed in reconciliation.csv."
    )


def totals_text(
    reconciliation: Reconciliation,
    *,
    heading: str,
    provenance: str,
    warnings: list[str] = (),
    population: pd.Series | None = None,
) -> str:
    """A short plain-text statement of a count's totals.

    Parameters
    ----------
    reconciliation : Reconciliation
        The count's money: input, placed, transfers, not placed.
    heading : str
        The first line (the place, year, wards and LADs).
    provenance : str
        Where the money came from.
    warnings : list of str
        Lines after the totals (nothing placed, partial ward coverage).
    population : pandas.Series, optional
        People per ward: the per-head line.

    Examples
    --------
    >>> from tuttotal.count.apportion import Reconciliation
    >>> print(totals_text(Reconciliation(input_pence=1000, placed_pence=1000), heading="Demo", provenance="Made."))
    Demo
    Made.
    input total:  £10.00 (£10)
    placed:       £10.00
    not placed:   £0.00
    """
    r = reconciliation
    lines = [
        heading,
        provenance,
        f"input total:  £{r.input_pence / 100:,.2f} ({format_gbp(r.input_pence)})",
        f"placed:       £{r.placed_pence / 100:,.2f}",
        f"not placed:   £{r.unplaced_pence / 100:,.2f}",
    ]
    if r.transfers_pence:
        lines.insert(-2, f"transfers removed as double counting: £{r.transfers_pence / 100:,.2f}")
    lines.extend(warnings)
    for item in r.unplaced:
        lines.append(f"  {item['reason']}: £{item['amount_pence'] / 100:,.2f} ({', '.join(item['codes'])})")
    if population is not None:
        lines.append(
            f"per head:     £{r.placed_pence / 100 / population.sum():,.0f} (population {population.sum():,.0f})"
        )
    return "\n".join(lines)


def focus_text(
    profiles: pd.DataFrame,
    focus_codes,
    *,
    place_name: str,
    need: pd.DataFrame | None = None,
    people_year: str = "",
) -> str:
    """The focus wards: total, per head, share of their LAD and of the place, rank, and their need.

    Parameters
    ----------
    profiles : pandas.DataFrame
        :func:`tuttotal.analysis.breakdown.ward_profiles` of the place (``attrs["ranked_by"]``).
    focus_codes : list of str
        The focus wards' codes.
    place_name : str
        The place's name.
    need : pandas.DataFrame, optional
        :func:`tuttotal.analysis.need.place_ward_need` (None: no need line).
    people_year : str
        The year of the people and IMD 2010 need of the real drivers (``""``: a drivers table's, unnamed).
    """
    if not len(focus_codes):
        return "No focus wards."
    per_head = profiles.attrs["ranked_by"] == "per_head_gbp"
    lad_sizes = profiles.lad_code.value_counts()
    lines = []
    for ward in profiles[profiles.ward_code.isin(focus_codes)].itertuples():
        text = f"{ward.ward_name} ({ward.ward_code}, {ward.lad_name}): {format_gbp(ward.amount_gbp * 100, 3)}"
        if per_head:
            text += f", £{ward.per_head_gbp:,.0f} per head"
        text += (
            f"; {ward.share_of_lad:.1%} of {ward.lad_name}, {ward.share_of_place:.2%} of {place_name}"
            f"; rank {ward.rank_in_lad} of {lad_sizes[ward.lad_code]} in {ward.lad_name},"
            f" {ward.rank_in_place} of {len(profiles)} in {place_name}"
            f" ({'per head' if per_head else 'in total'})"
        )
        lines.append(text)
        if need is not None:
            row = need.set_index("ward_code").loc[ward.ward_code]
            real = bool(people_year)
            text = (
                f"    {row.population:,.0f} people{f' (mid-{people_year[:4]})' if real else ''}; "
                f"{row.income_deprived_share:.1%} income-deprived{' (IMD 2010)' if real else ''}, "
                f"rank {row.income_rank_in_place} of {len(profiles)} in {place_name}"
            )
            if "england_imd_decile" in row and row.england_imd_decile is not None:
                text += f"; IMD 2015 score in England's decile {row.england_imd_decile} (1 = most deprived)"
            lines.append(text)
    return "\n".join(lines)
