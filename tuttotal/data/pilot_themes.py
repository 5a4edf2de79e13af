"""``data/pilot_themes.csv``: each theme a pilot reported, the count's theme that holds it, and why.

The deep dive (:mod:`tuttotal.analysis.deep_dive`) is given this table to
find a place's own reported theme among the count's; it reads no file itself.

Examples
--------
>>> table = read_pilot_themes()
>>> list(table.columns)[:2]
['reported', 'theme']
>>> table.attrs["source"].endswith("pilot_themes.csv")
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal import paths

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PILOT_THEMES_CSV", "read_pilot_themes"]

#: The file's name in the package's data folder (:func:`tuttotal.paths.data_dir`).
PILOT_THEMES_CSV = "pilot_themes.csv"


def read_pilot_themes() -> pd.DataFrame:
    """The table of ``data/pilot_themes.csv``, every cell text (``reported, theme, reason``), its path in ``attrs``.

    Returns
    -------
    pandas.DataFrame
        One row per theme a pilot reported; ``attrs["source"]`` is the file read.
    """
    import pandas as pd

    path = paths.data_dir() / PILOT_THEMES_CSV
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.attrs["source"] = str(path)
    return table
