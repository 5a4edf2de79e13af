"""tuttotal: place-based public spending analysis, the Total Place "count".

Load ward geography and spend counts, apportion and classify the spend, and
draw ward maps and theme charts for any English place.

``import tuttotal`` is kept fast: the heavy libraries (pandas, geopandas,
matplotlib, papermill) are imported by the submodules that need them.

Examples
--------
>>> import tuttotal
>>> from tuttotal.data import places
>>> places.get_place("Kent").lad_codes[:2]
('E07000105', 'E07000106')
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
