"""Doctests read the suite's data root and show the pinned download addresses, also offline on the Thanet fixture.

A doctest that reads data calls the function without a folder, as a user who has set ``TUTTOTAL_DATA_DIR``
would: within a doctest that variable names the suite's data root (``../shared/data`` when it is beside the
repository, else the committed Thanet fixture, ``tests/fixtures/thanet/``), so the example runs on a fresh
clone too and shows what both give (Thanet, the South East). ``tests/conftest.py`` points downloads at a
refused port when the suite reads the fixture (no network); a doctest of a download address
(``datasets.get_url``, ``sources.lsoa_url``) must still show the pinned one.

A doctest whose every example is skipped (``# doctest: +SKIP``: it needs England's 326 districts, a Dask
cluster, a kernel) gives its reason in :data:`SKIPPED_DOCTESTS`; one without a reason there fails.
"""

from __future__ import annotations

import doctest
import os

import pytest

from tests.conftest import DATA_ROOT, REFUSED_URL

#: Doctests (by name) whose every example is skipped, and why: what the fixture cannot stand in for.
SKIPPED_DOCTESTS = {
    "tuttotal.count.topdown.lad_per_head": "the top-down count of England's 326 districts",
    "tuttotal.england.cluster.dask_client": "starts a Dask cluster (worker processes)",
    "tuttotal.england.councils_findings": "the councils' books of England's 326 districts",
    "tuttotal.england.count.england_count": "the count of England's 326 districts (minutes)",
    "tuttotal.england.count.england_counts": "two years of England's count (test_england_count.py counts Thanet's)",
    "tuttotal.england.geography.caches_warm": "the drivers of England's 7,681 wards, made once in the disk cache",
    "tuttotal.england.geography.england_lads": "England's 326 districts",
    "tuttotal.england.lad_shares.national_books": "the books of every authority of England",
    "tuttotal.england.national_data.fetch_england_data": "downloads England's data (the network)",
    "tuttotal.england.ranks.change_table": "the councils' books of England's 326 districts",
    "tuttotal.england.ranks.lad_level_table": "England's 326 districts",
    "tuttotal.explore.england_view.EnglandSwitch": "England's map of 326 districts in the explorer",
    "tuttotal.explore.england_view.england_year": "England's 326 districts",
    "tuttotal.figures.maps": "Kent's 12 districts' wards, saved to a folder of the reader's",
    "tuttotal.figures.webmap": "the demo's web map, shown by the place report (test_webmap.py draws it)",
    "tuttotal.figures.webmap.ward_map": "the demo's web map, shown by the place report (test_webmap.py draws it)",
}


def pytest_collection_modifyitems(config, items):
    """Give each doctest whose every example is ``+SKIP`` the reason of :data:`SKIPPED_DOCTESTS`."""
    for item in items:
        test = getattr(item, "dtest", None)
        if test is None or not test.examples or not all(e.options.get(doctest.SKIP) for e in test.examples):
            continue
        why = SKIPPED_DOCTESTS.get(test.name)
        if why is None:
            raise pytest.UsageError(
                f"{item.path}: every example of the doctest {test.name} is skipped (+SKIP) and conftest.py's "
                "SKIPPED_DOCTESTS gives no reason: make it run on the suite's data root, or add its reason there"
            )
        item.add_marker(pytest.mark.skip(reason=f"every example skipped: {why}"))


@pytest.fixture(autouse=True)
def doctest_environment(request, monkeypatch):
    """Within a doctest, ``TUTTOTAL_DATA_DIR`` is the suite's data root and the download addresses are the
    pinned ones, not the refused one of an offline run."""
    if type(request.node).__name__ == "DoctestItem":
        monkeypatch.setenv("TUTTOTAL_DATA_DIR", str(DATA_ROOT))
        for variable in ("TUTTOTAL_BASE_URL", "TUTTOTAL_DATA_URL"):
            if os.environ.get(variable) == REFUSED_URL:
                monkeypatch.delenv(variable)
