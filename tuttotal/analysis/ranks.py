"""A place's ranks among England's, in words: the table of ranks in, a headline row out.

The ranks themselves are read or computed by :func:`tuttotal.england.ranks.place_ranks`
(a later step of the flow, which reads files); here they are only labelled
(:func:`with_ranks_note`), replaced for a count that is not England's
(:func:`no_ranks`), and said in a sentence (:func:`place_rank`).

Examples
--------
>>> import pandas as pd
>>> ranks = pd.DataFrame([{"level": "district", "measure": "per_head_gbp", "rank": 3.0, "of": 326.0,
...     "value": 2345.6, "direction": "1 = most", "what": "£ per head", "prices": "cash",
...     "rank_basis": "all money", "table": "computed"}])
>>> place_rank(ranks, "per_head_gbp", several_lads=False)[0]
'3 of 326'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

#: ``attrs["note"]`` of a place's ranks: how they are ranked, before the table they were read from.
RANKS_NOTE = (
    "Competition ranks (tied values share the best rank), 1 = the most; among England's 326 districts of 2013 "
    "and its wards (the 'of' column: those with a value). Table: "
)


def no_ranks(columns: Sequence[str], *, illustrative: bool) -> pd.DataFrame:
    """The empty ranks of a count that is not England's (the demo, a spend file), its ``attrs["note"]`` saying why.

    Examples
    --------
    >>> no_ranks(["level", "rank"], illustrative=True).attrs["note"].split(":")[0]
    "No ranks among England's"
    """
    import pandas as pd

    table = pd.DataFrame(columns=list(columns))
    kind = "the synthetic demo" if illustrative else "a spend file of your own"
    table.attrs["note"] = (
        f"No ranks among England's: this report counts {kind}, not the real releases England's tables count."
    )
    return table


def with_ranks_note(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (:func:`tuttotal.england.ranks.place_ranks`) with its ``attrs["note"]``: :data:`RANKS_NOTE` and
    the table it was read from (``attrs["table"]``). The same table, labelled."""
    table.attrs["note"] = RANKS_NOTE + str(table.attrs.get("table", ""))
    return table


def place_rank(
    ranks: pd.DataFrame, measure: str, *, several_lads: bool, signed: bool = False
) -> tuple[str, str] | None:
    """Where the place ranks among England's districts by ``measure``: ``(rank, note)`` or None without a rank.

    Parameters
    ----------
    ranks : pandas.DataFrame
        The place's ranks (:data:`tuttotal.england.ranks.RANK_COLUMNS`).
    measure : str
        ``per_head_gbp`` (all money per head: the headline's words) or another measure of the table.
    several_lads : bool
        The place has several districts: its ``place`` row (as if one district), else its ``district`` row.
    signed : bool
        The measure is a change, shown with its sign (the councils' change per head).

    Returns
    -------
    tuple of str or None
        ``("3 of 326", "the district among England's districts of 2013 (…)")``.
    """
    level = "place" if several_lads else "district"
    rows = ranks[(ranks["level"] == level) & (ranks["measure"] == measure) & ranks["rank"].notna()]
    if not len(rows):
        return None
    row = rows.iloc[0]
    what = "the district" if level == "district" else "the place, as if one district,"
    if measure == "per_head_gbp":  # the headline's words since the ranks were added
        value = f"1 = most per head; £{row['value']:,.0f} a head"
    elif signed:
        sign = "−" if row["value"] < 0 else "+"
        value = f"{row['direction']}; {row['what']}: {sign}£{abs(row['value']):,.0f} a head"
    else:
        value = f"{row['direction']}; {row['what']}: {row['value']:,.3g}"
    return (
        f"{int(row['rank'])} of {int(row['of'])}",
        f"{what} among England's districts of 2013 ({value}, {row['prices'] or 'not money'}, in the national "
        f"table): {row['rank_basis']}; table: {row['table']}",
    )
