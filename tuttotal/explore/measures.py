"""The explorer's measures: what a ward's value is (£ total, £ per head, share of the place, people income-deprived).

Shared by the explorer's controls and tables (:mod:`tuttotal.explore.explorer`) and its map widget
(:mod:`tuttotal.explore.leaflet_map`).

Examples
--------
>>> MEASURES["per_head"], value_format("share"), value_format("total")
('£ per head', 'percent', 'gbp')
"""

from __future__ import annotations

#: Measures: key -> label shown on the controls and in titles.
MEASURES: dict[str, str] = {
    "total": "£ total",
    "per_head": "£ per head",
    "share": "share of place",
    "income_deprived": "people income-deprived",
}
#: Measures shown as percentages in legends.
PERCENT_MEASURES = ("share", "income_deprived")


def value_format(measure: str) -> str:
    """How a measure's legend bounds are written: ``percent`` for shares, else ``gbp``."""
    return "percent" if measure in PERCENT_MEASURES else "gbp"
