"""Where a place's money and boundaries come from, in the words every figure and file carries.

:class:`Provenance` is the report's section of notes (``report.provenance``): the source of each
year's money and its sentence, the footers of figures, the ward files' coverage, the drivers, the
measured and modelled parts, the boundaries' attribution and the datasets the outputs rest on.
:func:`package_versions` gives the versions ``summary.json`` records.

Examples
--------
>>> from tuttotal.report import prepare
>>> demo = prepare(place="demo")
>>> demo.provenance.attribution
'Synthetic boundaries made by data/sample/make_sample.py.'
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

from tuttotal import __version__
from tuttotal.analysis.breakdown import basis_totals
from tuttotal.count.real_years import source_of_year
from tuttotal.count.sources import CountSource, RealSource
from tuttotal.data import geography, sources
from tuttotal.data.datasets import ATTRIBUTION
from tuttotal.report.core import ReportCore


@dataclass(frozen=True, eq=False)
class Provenance:
    """The notes of a place's report: sources, footers, coverage, drivers, basis, attribution.

    Attributes
    ----------
    count : ReportCore
        The report whose notes these are.
    """

    count: ReportCore

    def source_of(self, year: str) -> CountSource:
        """The source of ``year``'s money: the count's own, or for a real place the kind of that year's count."""
        count = self.count
        if not isinstance(count.count_source, RealSource):
            return count.count_source
        return count.count_source.of_year(source_of_year(year, count.data_root))

    def provenance_for(self, year: str) -> str:
        """One sentence on where the spend of ``year`` came from (a real place's years come from two counts)."""
        return self.source_of(year).provenance(year)

    @property
    def provenance_note(self) -> str:
        """One sentence on where the spend of the report's year came from."""
        return self.provenance_for(self.count.year)

    def notes_for(self, year: str) -> list[str]:
        """Footer lines of a figure of ``year`` (the count's own notes only for the counted year)."""
        count = self.count
        notes = [self.provenance_for(year)]
        if self.drivers_note:
            notes.append(self.drivers_note.replace(f"a {count.year} count", f"a {year} count"))
        return [*self.coverage_notes, *notes, *(count.count.notes if year == count.year else [])]

    @property
    def coverage(self) -> dict[str, float]:
        """Share of each LAD's area the user's ward files cover (empty for the registry's or the demo's wards)."""
        return dict(self.count.wards.attrs.get("coverage", {}))

    @property
    def coverage_notes(self) -> list[str]:
        """A warning for each LAD the user's ward files cover less than 95% of (first on every figure)."""
        names = {lad.code: lad.name for lad in self.count.place.lads}
        return geography.partial_cover_notes(self.coverage, names, self.count.wards)

    @property
    def drivers_note(self) -> str | None:
        """One sentence on the drivers: where they come from and their vintage."""
        count = self.count
        if count.driver_table is not None:
            return (
                "People: mid-2015 populations (IoD 2019 File 6) and IMD 2010 deprivation, moved from 2011 LSOAs "
                "onto wards by area (tuttotal areal interpolation)"
                + (f"; applied to a {count.year} count" if count.year else "")
                + "; per head of each year's people (mid-2015 scaled to the ONS mid-year estimate)."
            )
        if count.parameters.drivers_path:
            return f"Drivers: {Path(count.parameters.drivers_path).name}."
        return None

    @property
    def basis_note(self) -> str | None:
        """One sentence on how much of the count is measured and how much modelled (None when nothing was placed).

        A spend file's money (and the demo's) is all measured (the body's own
        books), which the sentence says; a real count mixes councils' own
        books (measured) with shares of the region's money by driver
        (modelled), which follow the drivers by construction: the figures
        hatch the modelled part, or give both in a map's legend.
        """
        return self.count.count_source.basis_note(basis_totals(self.count.count.ward_spend))

    @property
    def figure_notes(self) -> list[str]:
        """Footer lines of every figure."""
        notes = [*self.coverage_notes, self.provenance_note]
        if self.basis_note:
            notes.append(self.basis_note)
        if self.drivers_note:
            notes.append(self.drivers_note)
        return [*notes, *self.count.count.notes]

    @property
    def attribution(self) -> str:
        """The boundary data's attribution line."""
        count = self.count
        if count.place.is_synthetic:
            return "Synthetic boundaries made by data/sample/make_sample.py."
        if count.parameters.wards_paths:
            return "Boundaries: " + ", ".join(Path(p).name for p in count.parameters.wards_paths) + "."
        return ATTRIBUTION

    def source_list(self) -> list[dict]:
        """Every dataset the outputs rest on: name, what it is, vintage, licence, URL."""
        count = self.count
        names = [name.split(":", 1)[1] for name in count.inputs if name.startswith("data:")]
        found = [
            {"name": s.name, "title": s.description, "vintage": s.vintage, "licence": s.licence, "url": s.url}
            for s in (sources.source(n) for n in dict.fromkeys(names))
        ]
        if not count.place.is_synthetic and not count.parameters.wards_paths:
            found.append(
                {
                    "name": "boundaries",
                    "title": "2013 ward and 2011 LSOA boundaries",
                    "vintage": "2013",
                    "licence": ATTRIBUTION,
                    "url": "https://github.com/martinjc/UK-GeoJSON",
                }
            )
        return found


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages that shape the results.

    Examples
    --------
    >>> list(package_versions())[:3]
    ['tuttotal', 'python', 'pandas']
    """
    from importlib.metadata import PackageNotFoundError, version

    found = {"tuttotal": __version__, "python": platform.python_version()}
    for name in (
        "pandas",
        "numpy",
        "geopandas",
        "shapely",
        "pyproj",
        "pyogrio",
        "matplotlib",
        "papermill",
        "nbformat",
    ):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found
