"""The national count's files: its tables as CSV, ``summary.json`` and a data package describing every column.

:func:`write_outputs` writes, into one folder (the staging folder of a run:
:mod:`tuttotal.run.england_run` publishes it whole), ``lads.csv``,
``wards.csv``, ``ward_theme.csv``, ``regions.csv``, ``reconciliation.csv``,
``bridge.csv`` (a year of Revenue Outturn), ``summary.json`` and
``datapackage.json``. Every CSV goes through :func:`tuttotal.writers.safe_csv.write_csv`
(formula-like text neutralised, written to a temporary file then moved);
the JSON files are written the same way. The data package's schema gives
every column its description, unit, basis (measured, modelled or both) and
prices (:data:`tuttotal.england.table_schema.FIELDS`). The count itself is
:func:`tuttotal.england.notebook.notebook_count`'s.

Examples
--------
>>> from tuttotal.england import notebook
>>> from tuttotal.writers import england
>>> england.OUTPUT_FILES[:2]
('lads.csv', 'wards.csv')
>>> import tempfile
>>> result = notebook.notebook_count(year="2008-09", lads=["E07000114"])  # Thanet, from $TUTTOTAL_DATA_DIR
>>> with tempfile.TemporaryDirectory() as folder:
...     sorted(p.name for p in england.write_outputs(result, folder).values())
['bridge.csv', 'datapackage.json', 'lads.csv', 'reconciliation.csv', 'regions.csv', 'summary.json', \
'ward_theme.csv', 'wards.csv']
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuttotal import settings
from tuttotal.count import themes
from tuttotal.data.datasets import ATTRIBUTION
from tuttotal.england import table_schema, tables
from tuttotal.writers.datapackage import PACKAGE_FILE, package_descriptor
from tuttotal.writers.safe_csv import write_csv

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.england.count import EnglandCount

#: The files of a national run's folder (``bridge.csv`` only in a year of Revenue Outturn).
OUTPUT_FILES = (
    "lads.csv",
    "wards.csv",
    "ward_theme.csv",
    "regions.csv",
    "reconciliation.csv",
    "summary.json",
    "datapackage.json",
)


def _rounded(frame: pd.DataFrame) -> pd.DataFrame:
    """Per head to the penny, shares and need to six places, ward people to three (money stays exact pence/100)."""
    out = frame.copy()
    for column in out.columns:
        if column.endswith("per_head_gbp"):
            out[column] = out[column].round(2)
        elif column in ("measured_share", "income_deprived", "imd2010_score", "imd2015_score"):
            out[column] = out[column].round(6)
        elif column == "people" and out[column].dtype.kind == "f":
            out[column] = out[column].round(3)
    return out


def _write_json(data: Any, path: Path) -> Path:
    """Write JSON to a temporary file beside ``path``, then move it into place."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def table_frames(result: EnglandCount) -> dict[str, pd.DataFrame]:
    """The CSV tables of a national count, by file name, as they are written."""
    recon = result.reconciliation[tables.RECONCILIATION_COLUMNS]
    frames = {
        "lads.csv": _rounded(result.lads),
        "wards.csv": _rounded(result.wards),
        "ward_theme.csv": result.ward_theme[tables.WARD_THEME_COLUMNS],
        "regions.csv": _rounded(result.regions.assign(year=result.year, prices=result.prices_label)),
        "reconciliation.csv": recon.assign(prices="cash"),
    }
    if len(result.bridge):
        frames["bridge.csv"] = result.bridge.round(2).assign(prices="cash")
    return frames


def write_outputs(result: EnglandCount, folder: str | os.PathLike) -> dict[str, Path]:
    """Write the national count's files into ``folder`` (made if missing); their paths by name.

    Examples
    --------
    >>> import tempfile
    >>> from tuttotal.england.count import england_count
    >>> result = england_count("2008-09", lads=["E07000114"])  # Thanet, from $TUTTOTAL_DATA_DIR
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sorted(write_outputs(result, folder))
    ['bridge.csv', 'datapackage.json', 'lads.csv', 'reconciliation.csv', 'regions.csv', 'summary.json', \
'ward_theme.csv', 'wards.csv']

    Parameters
    ----------
    result : EnglandCount
        :func:`tuttotal.england.count.england_count`.
    folder : path
        Where the files go (``outputs/england/<year>/``, or a run's staging folder).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in table_frames(result).items():
        written[name] = write_csv(frame, folder / name)
    summary = result.summary()
    summary["files"] = sorted([*written, "summary.json", PACKAGE_FILE])
    summary["environment_data_dir"] = settings.env_data_dir()
    written["summary.json"] = _write_json(summary, folder / "summary.json")
    written[PACKAGE_FILE] = write_datapackage(result, folder)
    return written


def write_datapackage(result: EnglandCount, folder: str | os.PathLike) -> Path:
    """``datapackage.json``: every CSV of ``folder`` with its title, and each column's description, unit, basis
    and prices; the sources and licences of the count (from :func:`tuttotal.writers.datapackage.package_descriptor`)."""
    folder = Path(folder)
    names = [name.split(":", 1)[1].split(" ")[0] for name in result.inputs if name.startswith("data:")]
    descriptor = package_descriptor(
        folder,
        place_name="England",
        sources=names,
        boundaries_attribution=ATTRIBUTION,
        spend_kind="real",
        year=result.year,
    )
    label = result.prices_label
    theme_of = {
        f"{tables.theme_slug(theme)}_{basis}_gbp": (theme, basis)
        for theme in set(result.ward_theme["theme"]) | set(tables.theme_names(themes.load_themes()))
        for basis in ("measured", "modelled")
    }
    descriptor["name"] = f"england-{result.year}"
    descriptor["title"] = f"England: public spending by LAD and ward, {result.year} ({label})"
    descriptor["description"] = (
        f"{result.provenance} Every LAD and ward of England counted in one pass by tuttotal (the Total Place count "
        "at national scale). Money is in pounds (GBP) at the prices each field states; measured money is the "
        "authorities' own books, modelled money a share of a region's money by a driver (the field's 'basis'). "
        "reconciliation.csv walks from HM Treasury's CRA total and the Revenue Outturn to the wards, to the penny."
    )
    for resource in descriptor["resources"]:
        title, description = table_schema.TABLES.get(resource["path"], (resource["title"], resource["description"]))
        resource["title"], resource["description"] = title, description
        prices = "cash" if resource["path"] in ("reconciliation.csv", "bridge.csv") else label
        for field in resource["schema"]["fields"]:
            found = table_schema.field_of(field["name"], theme_of, prices)
            kind = found.pop("type", None)
            field.update(found)
            if kind in ("integer", "string"):  # else the type read from the values (a number may be whole)
                field["type"] = kind
    return _write_json(descriptor, folder / PACKAGE_FILE)
