"""Doctests show the pinned download addresses, also in the offline run of the Thanet fixture.

``tests/conftest.py`` points downloads at a refused port when the suite reads the fixture (no network);
a doctest of a download address (``datasets.get_url``, ``sources.lsoa_url``) must still show the pinned one.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import REFUSED_URL


@pytest.fixture(autouse=True)
def pinned_addresses_in_doctests(request, monkeypatch):
    """Within a doctest, the download addresses are the pinned ones, not the refused one of an offline run."""
    if type(request.node).__name__ == "DoctestItem":
        for variable in ("TUTTOTAL_BASE_URL", "TUTTOTAL_DATA_URL"):
            if os.environ.get(variable) == REFUSED_URL:
                monkeypatch.delenv(variable)
