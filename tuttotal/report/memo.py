"""What a place's report has derived from its count, kept: tables, figures and the other years' counts.

One :class:`ReportMemo` per report, shared by its sections (:mod:`tuttotal.report.place_report`): a table
or figure is made on first use and kept, never stored back into the count.

Examples
--------
>>> import pandas as pd
>>> memo = ReportMemo()
>>> memo.table("t", lambda: pd.DataFrame({"a": [1]})).shape
(1, 1)
>>> memo.figure("f", lambda: None) is None, ("f",) in memo.figures
(True, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure


@dataclass(eq=False)
class ReportMemo:
    """Tables, figures and other years' ward spend of one report, each made once.

    Attributes
    ----------
    tables : dict
        Tables by key (a copy is handed out, so callers may change it).
    figures : dict
        Figures by key (``None`` is remembered too: the figure does not apply).
    year_counts : dict
        Ward spend of the years other than the report's, by year.
    """

    tables: dict[str, Any] = field(default_factory=dict)
    figures: dict[tuple, Figure | None] = field(default_factory=dict)
    year_counts: dict[str, pd.DataFrame] = field(default_factory=dict)

    def table(self, key: str, make: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The table under ``key``, made on first use (a copy each time, so callers may change it)."""
        if key not in self.tables:
            self.tables[key] = make()
        table = self.tables[key]
        copy = table.copy()
        copy.attrs.update(table.attrs)
        return copy

    def figure(self, key: tuple | str, draw: Callable[[], Figure | None]) -> Figure | None:
        """The figure under ``key``, drawn on first use (None figures are remembered too)."""
        key = key if isinstance(key, tuple) else (key,)
        if key not in self.figures:
            self.figures[key] = draw()
        return self.figures[key]
