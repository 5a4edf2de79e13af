"""What a national count rests on: every file it read with its SHA-256, the datasets' sources and the libraries.

:func:`input_provenance` names each file read and hashes it (the ward and
LSOA boundaries as one digest per kind, over their pinned SHA-256, LAD by
LAD); :func:`source_list` gives each dataset's title, vintage, licence and
address; :func:`library_versions` the versions the numbers depend on. They
fill :attr:`tuttotal.england.count.EnglandCount.inputs`, ``sources`` and
``summary.json``.

Examples
--------
>>> from tuttotal.england.provenance import library_versions
>>> sorted(library_versions())[:3]
['geopandas', 'numpy', 'pandas']
"""

from __future__ import annotations

import hashlib

from tuttotal import __version__, settings
from tuttotal.count import outturn_count, topdown
from tuttotal.data import datasets, deflators, sources


def _digest(hashes: list[str]) -> str:
    return hashlib.sha256("\n".join(hashes).encode()).hexdigest()


def library_versions() -> dict[str, str]:
    """The versions of Python, tuttotal and the libraries the count's numbers depend on."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    found = {"tuttotal": __version__, "python": platform.python_version()}
    for name in ("pandas", "numpy", "pyarrow", "geopandas", "shapely"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def input_provenance(
    year: str,
    lad_codes: tuple[str, ...],
    data_dir: settings.DataRootLike,
    prices: str,
    books_years: tuple[str, ...],
) -> tuple[dict[str, str], dict[str, str]]:
    """Every file read (name → path) and the inputs' SHA-256 (boundaries as one digest per kind)."""
    files = {name: str(path) for name, path in topdown.input_files(data_dir).items()}
    if books_years:
        files.update({n: str(p) for n, p in outturn_count.input_files(data_dir, years=books_years).items()})
    if prices != deflators.CASH:
        files["data:deflator_hmt"] = str(sources.get_path("deflator_hmt", data_dir))
    inputs = {name: datasets.sha256_of(path) for name, path in files.items()}
    registry = datasets.registry()
    lsoa_registry = sources.lsoa_registry()
    inputs["boundaries:wards-2013"] = _digest([f"{c} {registry[c].sha256}" for c in lad_codes])
    inputs["boundaries:lsoa-2011"] = _digest([f"{c} {lsoa_registry[c].sha256}" for c in lad_codes])
    files["boundaries:wards-2013"] = f"{len(lad_codes)} ward files (wards-2013/<LAD>.geojson)"
    files["boundaries:lsoa-2011"] = f"{len(lad_codes)} LSOA files (lsoa-2011/<LAD>.geojson)"
    return files, inputs


def source_list(files: dict[str, str]) -> list[dict]:
    names = [name.split(":", 1)[1].split(" ")[0] for name in files if name.startswith("data:")]
    found = [
        {"name": s.name, "title": s.description, "vintage": s.vintage, "licence": s.licence, "url": s.url}
        for s in (sources.source(n) for n in dict.fromkeys(names))
    ]
    found.append(
        {
            "name": "boundaries",
            "title": "2013 ward and 2011 LSOA boundaries of every English LAD",
            "vintage": "2013",
            "licence": datasets.ATTRIBUTION,
            "url": "https://github.com/martinjc/UK-GeoJSON",
        }
    )
    return found
