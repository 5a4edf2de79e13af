"""The notebooks' parameters: one list that every notebook's ``parameters`` cell matches.

Any notebook of ``notebooks/`` runs for any place or area with the same
names (``tuttotal run`` passes them through papermill, and so can a user);
a notebook may add its own after them (the deep dive's ``theme``). A test
reads each notebook's parameters cell and compares it with this list, which is
that of :class:`tuttotal.count.parameters.PlaceParameters`.

Examples
--------
>>> from tuttotal.run import parameters
>>> parameters.names_of("theme_deep_dive")[-1]
'theme'
>>> parameters.PARAMETERS[:3]
('place', 'lads', 'year')
"""

from __future__ import annotations

from tuttotal.count.parameters import NOTEBOOK_PARAMETERS

#: Every notebook's parameters, in the order of its parameters cell (those of one place count).
PARAMETERS = NOTEBOOK_PARAMETERS
#: Parameters a notebook adds after the common ones.
EXTRA = {"theme_deep_dive": ("theme",), "england": ("scheduler",)}


def names_of(notebook: str) -> tuple[str, ...]:
    """The parameters a notebook (by its stem, e.g. ``place_report``) must declare, in order."""
    return PARAMETERS + EXTRA.get(notebook, ())
