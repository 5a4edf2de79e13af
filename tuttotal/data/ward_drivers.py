"""Real drivers for any wards: people by age and deprivation, moved from LSOAs by area.

For each LAD of the wards, the LAD's 2011 LSOAs (:mod:`tuttotal.data.lsoa`, with
their boundaries from :mod:`tuttotal.data.sources`) are laid over its wards
(:mod:`tuttotal.data.interpolate`):

* **counts** (:data:`tuttotal.data.lsoa.COUNTS`: ``population``,
  ``children_0_15``, ``people_16_59``, ``people_60_plus``, ``working_age``,
  ``income_deprived``, ``employment_deprived``) are split by the share of
  each LSOA's area inside each ward, then **renormalised within the LAD**
  so that its wards add up to its LSOA total exactly (generalised
  boundaries leave slivers; where the wards cover less than 95% of the LAD,
  as a user's partial ward file may, nothing is scaled and a note says so);
* **rates** (:data:`tuttotal.data.lsoa.RATES`: ``income_deprived_share``,
  ``imd2010_score``, ``imd2015_score``) are means weighted by the
  population each share carries.

Vintages: populations are mid-2015 and deprivation IMD 2010 (mostly 2008
indicators) and IMD 2015; a count of 2008-09 apportioned by them says so.

Examples
--------
>>> from tuttotal.data import place_wards, places, ward_drivers
>>> wards = place_wards.load_place_wards(places.get_place("E07000114"), "../shared/data")  # doctest: +SKIP
>>> table = ward_drivers.ward_driver_table(wards, "../shared/data")  # doctest: +SKIP
>>> round(table["population"].sum())  # doctest: +SKIP
139822
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import cache, settings
from tuttotal.data import interpolate, lsoa, sources
from tuttotal.errors import GeographyError, InputError

if TYPE_CHECKING:
    import pandas as pd

#: Below this share of a LAD's LSOA area inside its wards, counts are not renormalised.
FULL_COVER = 0.95
#: Below this share of the wards' area inside the LSOA file, the LSOA file is wrong for them.
MIN_WARD_COVER = 0.90
DRIVERS = (*lsoa.COUNTS, *lsoa.RATES)
SOURCE_NAMES = ("population", "imd2010", "imd2015", "lsoa01_to_lsoa11")
_FORMAT = 1
_ENTRIES = cache.Disk("drivers", "drivers")
_MEMORY = cache.Memory("drivers-memory", maxsize=None)  # tables read or made in this process (a warm kernel keeps them)


def has_real_drivers(lad_codes) -> bool:
    """True when every LAD is an English LAD of 2013 (which the real data covers)."""
    registry = sources.lsoa_registry()
    return bool(len(lad_codes)) and all(code in registry for code in lad_codes)


def ward_driver_table(
    wards: pd.DataFrame, data_dir: settings.DataRootLike = None, *, download: bool = True
) -> pd.DataFrame:
    """Every driver for every ward, wide: ``ward_code, ward_name, lad_code`` and :data:`DRIVERS`.

    Parameters
    ----------
    wards : geopandas.GeoDataFrame
        The ward contract (``ward_code``, ``ward_name``, ``lad_code``,
        geometry); any vintage, English LADs of 2013.
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    download : bool
        Whether missing source files may be downloaded.

    Returns
    -------
    pandas.DataFrame
        One row per ward; ``attrs`` hold ``notes`` (sentences for figures),
        ``files`` (name → path of every file read) and ``sources`` (the
        source names, for licences).

    Raises
    ------
    InputError
        A LAD with no population rows, an LSOA file whose LSOAs are not the
        LAD's or do not cover its wards; a missing or damaged data file.
    """
    lad_codes = sorted(wards["lad_code"].unique())
    files = {name: str(path) for name, path in input_files(lad_codes, data_dir, download=download).items()}
    entry = _result_entry(wards, lad_codes, data_dir)
    found = _read_result(entry)
    if found is None:
        found = _compute(wards, lad_codes, files, data_dir, download)
        _write_result(entry, found)
    out = found.copy()
    out.attrs.update(notes=list(found.attrs.get("notes", [])), files=files, sources=[*SOURCE_NAMES, "lsoa_boundaries"])
    return out


def _result_entry(wards: pd.DataFrame, lad_codes: list[str], data_dir=None) -> Path:
    """Cache entry of a ward driver table: the wards as read, every source's hash (pinned, or an extract's), the code.

    The table holds the wards' names and LADs: they are in the key, so that a boundary file with the same
    codes and shapes but other names (a user's ``--wards``) never hands its names to another run.
    """
    digest = hashlib.sha256(f"format {_FORMAT} {interpolate.wards_fingerprint(wards)}".encode())
    for name, lad in zip(wards["ward_name"], wards["lad_code"], strict=True):
        digest.update(f"{name}\0{lad}\0".encode())
    inputs = [sources.source_sha256(name, data_dir) for name in SOURCE_NAMES]
    inputs += [sources.lsoa_sha256(lad, data_dir) for lad in lad_codes]
    return _ENTRIES.path(f"{cache.key(digest.hexdigest(), *inputs, code=[__file__])}.parquet")


def _read_result(entry: Path) -> pd.DataFrame | None:
    import json

    import pyarrow.parquet as pq

    if entry in _MEMORY:
        return _MEMORY.get(entry)
    if not entry.is_file():
        return None
    try:
        table = pq.read_table(entry)
        frame = table.to_pandas()
        frame.attrs["notes"] = json.loads((table.schema.metadata or {}).get(b"tuttotal_notes", b"[]"))
    except Exception:  # a damaged entry is computed again
        return None
    return _MEMORY.put(entry, frame)


def _write_result(entry: Path, frame: pd.DataFrame) -> None:
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = {**(table.schema.metadata or {}), b"tuttotal_notes": json.dumps(frame.attrs.get("notes", [])).encode()}
    cache.write_atomic(entry, lambda temporary: pq.write_table(table.replace_schema_metadata(metadata), temporary))
    _MEMORY.put(entry, frame)


def _compute(wards, lad_codes: list[str], files: dict[str, str], data_dir, download: bool) -> pd.DataFrame:
    """The ward driver table from the LSOA table and the (cached) overlay weights."""
    import pandas as pd

    table = lsoa.lsoa_table(data_dir, download=download)
    values = table.set_index("lsoa11_code")
    notes: list[str] = []
    ward_files = ", ".join(Path(source).name for source in wards.attrs.get("sources", []))
    lsoa_files = {lad: Path(files[f"lsoa:{lad}"]) for lad in lad_codes}
    if wards.crs is None or wards.crs.to_epsg() != interpolate.BNG:
        wards = wards.to_crs(interpolate.BNG)
    ward_area = wards.geometry.area.groupby(wards["lad_code"].to_numpy()).sum()
    all_weights, renormalise = [], []
    for lad in lad_codes:
        lad_wards = wards[wards["lad_code"] == lad]
        own = table["lsoa11_code"][table["lad13_code"] == lad]
        if not len(own):
            raise InputError(
                f"the population file has no LSOA of LAD {lad}",
                file=files["data:population"],
                fix="wards must carry 2013 LAD codes (e.g. E06000028 Bournemouth, not 2019's E06000058)",
            )
        path = lsoa_files[lad]
        weights = interpolate.cached_area_weights(path, sources.lsoa_sha256(lad, data_dir), lad_wards)
        strangers = weights["lsoa11_code"][~weights["lsoa11_code"].isin(own)].unique().tolist()
        if strangers:
            raise GeographyError(
                f"{len(strangers)} LSOA(s) of this file are not in LAD {lad} (e.g. {strangers[0]})",
                file=path,
                fix=f"use the pinned LSOA file of {lad} (tuttotal data fetch)",
            )
        inside = float(weights["area_m2"].sum())
        if ward_area[lad] > 0 and inside / ward_area[lad] < MIN_WARD_COVER:
            raise GeographyError(
                f"the LSOAs of this file cover only {inside / ward_area[lad]:.0%} of the wards of LAD {lad}"
                + (f" (wards from {ward_files})" if ward_files else ""),
                file=path,
                fix=f"check that the wards are in {lad} (their LAD codes) and that the LSOA file is the "
                "pinned one of that LAD",
            )
        _, first = np.unique(weights["lsoa11_code"].to_numpy(dtype=str), return_index=True)
        lad_cover = inside / float(weights["lsoa_area_m2"].to_numpy()[first].sum())
        if lad_cover >= FULL_COVER:
            renormalise.append(lad)
        else:
            notes.append(
                f"The wards cover {lad_cover:.0%} of {lad}: drivers are area shares of its LSOAs, not renormalised."
            )
        all_weights.append(weights)
    counts = list(lsoa.COUNTS)
    wide = interpolate.interpolate(
        pd.concat(all_weights, ignore_index=True), values, extensive=counts, intensive=list(lsoa.RATES)
    ).reindex(wards["ward_code"])
    empty = wide["population"].isna().to_numpy()
    if empty.any():
        notes.append(f"{int(empty.sum())} ward(s) meet no LSOA: their drivers are 0.")
        wide.loc[empty, counts] = 0.0
    lad_of_ward = wards["lad_code"].to_numpy()
    sums = wide[counts].groupby(lad_of_ward).transform("sum")
    totals = lsoa.lad_totals(table).reindex(lad_of_ward)
    scale = totals.to_numpy() / sums.where(sums > 0).to_numpy()
    scale[~pd.Series(lad_of_ward).isin(renormalise).to_numpy()] = 1.0
    wide[counts] = wide[counts].to_numpy() * pd.DataFrame(scale).fillna(0).to_numpy()
    out = pd.concat(
        [wards[["ward_code", "ward_name", "lad_code"]].reset_index(drop=True), wide.reset_index(drop=True)], axis=1
    )
    out.attrs["notes"] = notes
    return out


def long_drivers(table: pd.DataFrame) -> pd.DataFrame:
    """The driver table of the count (``area_code, driver, value``) from :func:`ward_driver_table`."""
    long = table.melt(id_vars=["ward_code"], value_vars=list(DRIVERS), var_name="driver", value_name="value")
    long = long.rename(columns={"ward_code": "area_code"})
    long.attrs.update(table.attrs)
    return long


def drivers_csv_table(table: pd.DataFrame) -> pd.DataFrame:
    """``drivers.csv``: ``ward_code, ward_name, lad_code, driver, value, source``, one row per ward and driver."""
    long = table.melt(
        id_vars=["ward_code", "ward_name", "lad_code"], value_vars=list(DRIVERS), var_name="driver", value_name="value"
    )
    long["value"] = long["value"].round(6)
    long["source"] = long["driver"].map(lsoa.DRIVER_SOURCES) + "; areal interpolation from 2011 LSOAs"
    return long


def input_files(lad_codes, data_dir: settings.DataRootLike = None, *, download: bool = False) -> dict:
    """The data files the drivers of ``lad_codes`` are made from, named as in ``summary.json``'s ``inputs``.

    ``data:<source>`` for the tabular sources, ``lsoa:<LAD>`` for each LSOA
    boundary file. Used by the report's provenance and by ``--resume``.
    """
    files = {f"data:{name}": sources.get_path(name, data_dir, download=download) for name in SOURCE_NAMES}
    for lad, path in sources.lsoa_paths(list(lad_codes), data_dir, download=download).items():
        files[f"lsoa:{lad}"] = path
    return files
