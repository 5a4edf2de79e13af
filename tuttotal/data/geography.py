"""Ward boundaries from any ONS-style file, normalised to one contract.

Whatever the source (GeoJSON, GeoPackage, Shapefile, TopoJSON, GeoParquet;
``WDyyCD``/``WDyyNM`` columns of any vintage; any CRS that is set),
:func:`read_wards` returns a GeoDataFrame with the columns

``ward_code, ward_name, lad_code, lad_name, geometry``

in EPSG:27700 (British National Grid, metres), with ``attrs["vintage"]``
(e.g. ``"2013"``), ``attrs["sources"]`` and ``attrs["repaired"]`` (the
number of invalid geometries that were repaired).

Examples
--------
>>> from tuttotal.data import geography
>>> wards = geography.read_wards(
...     "../shared/data/wards-2013/E07000114.geojson", lad_code="E07000114"
... )  # doctest: +SKIP
>>> len(wards), wards.crs.to_epsg(), wards.attrs["vintage"]  # doctest: +SKIP
(23, 27700, '2013')
>>> geography.find_ward(wards, "margate central").ward_code  # doctest: +SKIP
'E05005093'
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal.errors import GeographyError, PlaceNotFoundError, TuttotalWarning
from tuttotal.names import normalise, suggest

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


WARD_COLUMNS = ["ward_code", "ward_name", "lad_code", "lad_name", "geometry"]
BRITISH_NATIONAL_GRID = 27700
_WARD_CODE = re.compile(r"^WD(\d{2})CD$", re.IGNORECASE)
_WARD_NAME = re.compile(r"^WD(\d{2})NM$", re.IGNORECASE)
_LAD_CODE = re.compile(r"^LAD(\d{2})CD$", re.IGNORECASE)
_LAD_NAME = re.compile(r"^LAD(\d{2})NM$", re.IGNORECASE)
_POLYGONAL = {"Polygon", "MultiPolygon"}


def _matching(columns: Iterable[str], pattern: re.Pattern) -> dict[str, str]:
    """Column name -> two-digit year, for columns matching ``pattern``."""
    return {c: m.group(1) for c in columns if (m := pattern.match(str(c)))}


def _read_any(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    import pyogrio

    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:
        raise GeographyError(
            f"cannot be read as a boundary file ({type(exc).__name__}: {str(exc).splitlines()[0]})",
            file=path,
            fix="give a complete GeoJSON, GeoPackage, Shapefile, TopoJSON or GeoParquet file; "
            "a truncated download should be fetched again",
        ) from None
    if layer is None and len(layers) > 1:
        # TopoJSON and GeoPackage may hold several layers: take the one with ward codes.
        for name in layers:
            info = pyogrio.read_info(path, layer=name)
            if _matching(info["fields"], _WARD_CODE):
                layer = name
                break
    try:
        return pyogrio.read_dataframe(path, layer=layer)
    except Exception as exc:
        raise GeographyError(
            f"cannot be read as a boundary file ({type(exc).__name__}: {str(exc).splitlines()[0]})",
            file=path,
            fix="give a complete GeoJSON, GeoPackage, Shapefile, TopoJSON or GeoParquet file",
        ) from None


def _read_frame(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    if path.suffix.lower() in {".parquet", ".geoparquet"}:
        import geopandas as gpd

        try:
            return gpd.read_parquet(path)
        except Exception as exc:
            raise GeographyError(f"cannot be read as GeoParquet ({type(exc).__name__}: {exc})", file=path) from None
    return _read_any(path, layer)


def _pick_one(found: dict[str, str], what: str, path: Path, columns: list[str]) -> tuple[str | None, str | None]:
    years = sorted(set(found.values()))
    if len(years) > 1:
        raise GeographyError(
            f"{what} columns of two vintages are mixed: {', '.join(sorted(found))}",
            file=path,
            fix="keep the columns of one ward vintage only (e.g. WD13CD/WD13NM)",
        )
    if not found:
        return None, None
    return sorted(found)[0], years[0]


def read_wards(
    path: str | os.PathLike,
    *,
    lad_code: str | None = None,
    lad_name: str | None = None,
    layer: str | None = None,
    assume_crs: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read ward boundaries from an ONS-style file into the ward contract.

    Parameters
    ----------
    path : path
        GeoJSON, GeoPackage, Shapefile, TopoJSON or GeoParquet with a
        ``WDyyCD`` column (``WDyyNM`` for names; ``LADyyCD``/``LADyyNM``
        when the file covers several LADs).
    lad_code, lad_name : str, optional
        The LAD of every ward, for files without LAD columns (one file per
        LAD, as the ONS ward-by-LAD files are).
    layer : str, optional
        Layer to read; by default the one holding ward codes.
    assume_crs : str or int, optional
        CRS to set when the file has none. Only for files whose CRS is
        known from elsewhere (the registry's TopoJSON is CRS84); a user's
        file with no CRS is an error.

    Returns
    -------
    geopandas.GeoDataFrame
        ``ward_code, ward_name, lad_code, lad_name, geometry`` in EPSG:27700.

    Raises
    ------
    GeographyError
        For an unreadable or empty file, no CRS, no ward-code column (the
        columns found are listed), mixed vintages, duplicate ward codes,
        missing or non-polygon geometries.
    """
    import geopandas as gpd

    path = Path(path)
    if not path.exists():
        raise GeographyError("no such file", file=path, fix="check the path")
    frame = _read_frame(path, layer)
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]

    if len(frame) == 0:
        raise GeographyError("the file has no features", file=path, fix="give a file with ward polygons")

    code_col, vintage = _pick_one(_matching(columns, _WARD_CODE), "ward-code", path, columns)
    name_col, name_vintage = _pick_one(_matching(columns, _WARD_NAME), "ward-name", path, columns)
    if code_col is None and "ward_code" in columns:
        code_col, name_col, vintage = (
            "ward_code",
            "ward_name" if "ward_name" in columns else None,
            frame.attrs.get("vintage", ""),
        )
    if code_col is None:
        raise GeographyError(
            f"no ward-code column; the columns found are {columns}",
            file=path,
            fix="give ONS-style columns WDyyCD and WDyyNM (e.g. WD13CD, WD13NM) "
            "or rename the ward-code column to one of these",
        )
    if name_vintage and vintage and name_vintage != vintage:
        raise GeographyError(
            f"ward codes and names are of two vintages ({code_col}, {name_col})",
            file=path,
            fix="take the code and name columns of one vintage",
        )

    if frame.crs is None:
        if assume_crs is None:
            raise GeographyError(
                "the file has no coordinate reference system (CRS)",
                file=path,
                fix="set one, e.g. ogr2ogr -a_srs EPSG:27700 out.gpkg in.shp, or in Python "
                "gdf.set_crs('EPSG:4326'); ONS files are in EPSG:27700 or EPSG:4326",
            )
        frame = frame.set_crs(assume_crs)

    geometry = frame.geometry
    missing_geometry = geometry.isna() | geometry.is_empty
    if missing_geometry.any():
        first = frame.loc[missing_geometry, code_col].iloc[0]
        raise GeographyError(
            f"{int(missing_geometry.sum())} feature(s) have no geometry, the first is ward {first!r}",
            file=path,
            fix="drop or redraw the features without a geometry",
        )
    _check_coordinates(frame, code_col, path)
    kinds = set(geometry.geom_type)
    if not kinds <= _POLYGONAL:
        bad = sorted(kinds - _POLYGONAL)
        first = frame.loc[~geometry.geom_type.isin(list(_POLYGONAL)), code_col].iloc[0]
        raise GeographyError(
            f"wards must be polygons, but the file holds {', '.join(bad)} (first: ward {first!r})",
            file=path,
            fix="give ward boundaries (Polygon or MultiPolygon), not centroids or lines",
        )
    if frame.crs.is_geographic:
        minx, miny, maxx, maxy = geometry.total_bounds
        if min(minx, miny) < -180 or maxx > 180 or maxy > 90:
            raise GeographyError(
                f"the CRS says degrees ({frame.crs.name}) but the coordinates reach "
                f"{maxx:,.0f}, {maxy:,.0f}: they look like metres",
                file=path,
                fix="set the CRS the coordinates are in (British National Grid is EPSG:27700) instead of reprojecting",
            )

    _check_codes(frame, code_col, name_col, path)
    codes = _normalised_codes(frame[code_col].astype(str).str.strip(), code_col, path)
    duplicated = codes[codes.duplicated(keep=False)]
    if len(duplicated):
        listed = ", ".join(sorted(set(duplicated))[:10])
        raise GeographyError(
            f"ward codes appear more than once: {listed}",
            file=path,
            column=code_col,
            fix="keep one feature per ward (dissolve multi-part wards into one MultiPolygon)",
        )

    lad_code_col, _ = _pick_one(_matching(columns, _LAD_CODE), "LAD-code", path, columns)
    lad_name_col, _ = _pick_one(_matching(columns, _LAD_NAME), "LAD-name", path, columns)
    if lad_code_col is None and "lad_code" in columns:
        lad_code_col, lad_name_col = "lad_code", "lad_name" if "lad_name" in columns else None
    if lad_code_col is not None:
        lad_codes = frame[lad_code_col].astype(str).str.strip()
        lad_names = frame[lad_name_col].astype(str) if lad_name_col else lad_codes
    elif lad_code is not None:
        lad_codes = lad_code
        lad_names = lad_name or lad_code
    else:
        raise GeographyError(
            f"the file has no LAD column (LADyyCD) and no LAD was given; columns found: {columns}",
            file=path,
            fix="add a LADyyCD column, or give the file's LAD (read_wards(path, lad_code=...))",
        )

    invalid = ~geometry.is_valid
    repaired = int(invalid.sum())
    if repaired:
        geometry = geometry.copy()
        geometry[invalid] = geometry[invalid].make_valid()
        warnings.warn(
            f"{path}: {repaired} invalid ward geometr{'y was' if repaired == 1 else 'ies were'} "
            "repaired (self-intersections made valid)",
            TuttotalWarning,
            stacklevel=2,
        )

    wards = gpd.GeoDataFrame(
        {
            "ward_code": codes.to_numpy(),
            "ward_name": _names(frame, name_col, codes, path).to_numpy(),
            "lad_code": lad_codes if isinstance(lad_codes, str) else lad_codes.to_numpy(),
            "lad_name": lad_names if isinstance(lad_names, str) else lad_names.to_numpy(),
        },
        geometry=geometry.to_numpy(),
        crs=frame.crs,
    ).to_crs(BRITISH_NATIONAL_GRID)
    # A repaired polygon may come back as a collection: keep its polygonal part.
    if repaired:
        wards["geometry"] = wards.geometry.apply(_polygonal_part)
    wards.attrs.update(
        vintage=f"20{vintage}" if vintage and len(str(vintage)) == 2 else str(vintage or ""),
        sources=[str(path)],
        repaired=repaired,
    )
    return wards[WARD_COLUMNS]


def _check_codes(frame, code_col: str, name_col: str | None, path: Path) -> None:
    """Refuse a ward with no code (null or blank): it could not be matched, counted or sorted."""
    raw = frame[code_col]
    blank = raw.isna() | (raw.astype(str).str.strip() == "")
    if blank.any():
        first = int(blank.to_numpy().argmax())
        name = frame[name_col].iloc[first] if name_col else None
        named = f" (named {str(name)!r})" if name is not None and name == name else ""
        raise GeographyError(
            f"{int(blank.sum())} ward(s) have no code, the first is feature {first + 1}{named}",
            file=path,
            column=code_col,
            fix=f"give every ward its code in {code_col}, or drop the features that are not wards",
        )


#: Text that stands for a missing value, not a code (what a spreadsheet or pandas writes for one).
_PLACEHOLDERS = {"nan", "none", "null", "na", "n/a", "0", "-", "#n/a"}
#: An ONS ward code: since 2011 a GSS code, a letter and eight digits (E05005093; the demo's synthetic
#: X05… codes have the form too); before, a six-character code (00AAFA).
_GSS_CODE = r"^(?:[A-Z]\d{8}|\d{2}[A-Z]{4})$"


def _normalised_codes(codes: pd.Series, code_col: str, path: Path) -> pd.Series:
    """Ward codes checked as ONS codes: placeholders refused, lower case made upper (noted), others noted.

    ``"NaN"``, ``"None"`` or ``"0"`` are what a missing code becomes on the
    way through a spreadsheet: refused, naming the feature. A code in lower
    case is upper-cased, as spend files' codes are, with a warning (so
    spend for ``e05005093`` reaches ward ``E05005093`` in the open). A code
    of another form is kept as given, with a warning.
    """
    placeholder = codes.str.lower().isin(_PLACEHOLDERS).to_numpy()
    if placeholder.any():
        first = int(placeholder.argmax())
        raise GeographyError(
            f"{int(placeholder.sum())} ward code(s) are a placeholder for a missing value, not a code; "
            f"the first is feature {first + 1}",
            file=path,
            column=code_col,
            value=codes.iloc[first],
            fix=f"give every ward its ONS code in {code_col} (e.g. E05005093), or drop the features that are not wards",
        )
    lower = (codes != codes.str.upper()).to_numpy()
    if lower.any():
        first = codes.iloc[int(lower.argmax())]
        warnings.warn(
            f"{path}: {int(lower.sum())} ward code(s) in {code_col} are in lower case (the first is {first!r}): "
            "read in upper case, as ONS codes and spend files' codes are",
            TuttotalWarning,
            stacklevel=3,
        )
        codes = codes.str.upper()
    other = ~codes.str.match(_GSS_CODE).to_numpy()
    if other.any():
        first = codes.iloc[int(other.argmax())]
        warnings.warn(
            f"{path}: {int(other.sum())} ward code(s) in {code_col} are not ONS codes (such as E05005093, or "
            f"00AAFA before 2011; the first is {first!r}): kept as given, so spend must use the same codes",
            TuttotalWarning,
            stacklevel=3,
        )
    return codes


def _names(frame, name_col: str | None, codes, path: Path):
    """Ward names; a ward with no name (null or blank) is named by its code, with a warning."""
    if not name_col:
        return codes
    raw = frame[name_col]
    names = raw.astype(str).str.strip()
    missing = (raw.isna() | (names == "")).to_numpy()
    if missing.any():
        first = codes.iloc[int(missing.argmax())]
        warnings.warn(
            f"{path}: {int(missing.sum())} ward(s) have no name in {name_col} (the first is {first}): "
            "named by their code",
            TuttotalWarning,
            stacklevel=3,
        )
        names = names.where(~missing, codes)
    return names


def _check_coordinates(frame, code_col: str, path: Path) -> None:
    """Refuse NaN or infinite coordinates (heights too), naming the ward: geometry operations cannot use them."""
    import numpy as np
    import shapely

    coordinates, owner = shapely.get_coordinates(frame.geometry.to_numpy(), include_z=False, return_index=True)
    bad = ~np.isfinite(coordinates).all(axis=1)
    if bad.any():
        wards = np.unique(owner[bad])
        first = frame[code_col].iloc[int(wards[0])]
        raise GeographyError(
            f"{len(wards)} ward(s) have coordinates that are not numbers (NaN or infinite), the first is ward "
            f"{first!r} (feature {int(wards[0]) + 1})",
            file=path,
            fix="redraw or repair those wards (e.g. in QGIS: Vector ▸ Geometry Tools ▸ Check Validity), "
            "or take the boundaries again from the ONS",
        )
    geometries = frame.geometry.to_numpy()
    with_z = np.flatnonzero(shapely.has_z(geometries))
    if with_z.size:  # heights are not used, but a NaN one breaks the geometry operations all the same
        heights, owner = shapely.get_coordinates(geometries[with_z], include_z=True, return_index=True)
        bad = ~np.isfinite(heights[:, 2])
        if bad.any():
            wards = with_z[np.unique(owner[bad])]
            first = frame[code_col].iloc[int(wards[0])]
            raise GeographyError(
                f"{len(wards)} ward(s) have z coordinates (heights) that are not numbers (NaN or infinite), the "
                f"first is ward {first!r} (feature {int(wards[0]) + 1})",
                file=path,
                fix="drop the heights, which wards do not need (ogr2ogr -dim XY out.gpkg in.geojson, or in Python "
                "shapely.force_2d), or take the boundaries again from the ONS",
            )


def _polygonal_part(geom):
    from shapely.geometry import MultiPolygon

    if geom.geom_type in _POLYGONAL:
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in _POLYGONAL]
    polygons = [p for g in parts for p in getattr(g, "geoms", [g])]
    return MultiPolygon(polygons)


def combine(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Concatenate ward frames of one vintage, refusing mixed vintages or repeated wards."""
    import geopandas as gpd
    import pandas as pd

    vintages = {f.attrs.get("vintage", "") for f in frames}
    if len(vintages) > 1:
        sources = "; ".join(f"{f.attrs['sources'][0]} ({f.attrs.get('vintage')})" for f in frames)
        raise GeographyError(
            f"boundary files of two vintages are mixed: {sources}",
            fix="use boundaries of one ward vintage for a run",
        )
    wards = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
    duplicated = wards.loc[wards.ward_code.duplicated(), "ward_code"]
    if len(duplicated):
        raise GeographyError(
            f"ward codes appear in more than one file: {', '.join(sorted(set(duplicated))[:10])}",
            fix="give each ward once",
        )
    wards.attrs.update(
        vintage=vintages.pop(),
        sources=[s for f in frames for s in f.attrs.get("sources", [])],
        repaired=sum(f.attrs.get("repaired", 0) for f in frames),
    )
    return wards


#: Below this share of a LAD's area, a boundary file is partial: a warning says so in the report,
#: on the figures and in ``summary.json`` (generalised boundaries of two sources differ by a few %).
FULL_COVER = 0.95


def lad_coverage(wards: gpd.GeoDataFrame, reference: gpd.GeoDataFrame) -> dict[str, float]:
    """The share of each LAD's area that ``wards`` cover: their area over ``reference``'s, by ``lad_code``.

    ``reference`` holds every ward of the LADs (the hash-pinned 2013 ward
    files); both are measured in British National Grid. LADs absent from
    ``reference`` are left out.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> lad = gpd.GeoDataFrame({"lad_code": ["L1"] * 4}, geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs=27700)
    >>> lad_coverage(lad.iloc[:1], lad)
    {'L1': 0.25}
    """

    def areas(frame) -> pd.Series:
        frame = (
            frame
            if frame.crs is not None and frame.crs.to_epsg() == BRITISH_NATIONAL_GRID
            else frame.to_crs(BRITISH_NATIONAL_GRID)
        )
        return frame.geometry.area.groupby(frame["lad_code"].to_numpy()).sum()

    ours, whole = areas(wards), areas(reference)
    return {str(lad): float(ours[lad] / whole[lad]) for lad in ours.index if lad in whole.index and whole[lad] > 0}


def partial_cover_notes(coverage: dict[str, float], lad_names: dict[str, str], wards: pd.DataFrame) -> list[str]:
    """A sentence for each LAD a boundary file covers less than :data:`FULL_COVER` of.

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.DataFrame({"lad_code": ["E07000114"] * 5})
    >>> partial_cover_notes({"E07000114": 0.2}, {"E07000114": "Thanet"}, wards)  # doctest: +NORMALIZE_WHITESPACE
    ['PARTIAL BOUNDARIES: the ward file(s) cover 20% of Thanet (E07000114), 5 ward(s): spend counted for the
    whole LAD is shared among these wards only, so their amounts and spend per head are overstated (or give
    every ward of the LAD).']
    """
    notes = []
    for lad, share in sorted(coverage.items()):
        if share >= FULL_COVER:
            continue
        count = int((wards["lad_code"] == lad).sum())
        notes.append(
            f"PARTIAL BOUNDARIES: the ward file(s) cover {share:.0%} of {lad_names.get(lad, lad)} ({lad}), "
            f"{count} ward(s): spend counted for the whole LAD is shared among these wards only, so their "
            "amounts and spend per head are overstated (or give every ward of the LAD)."
        )
    return notes


def find_ward(wards: gpd.GeoDataFrame | pd.DataFrame, query: str) -> pd.Series:
    """The ward named or coded ``query``: case, spacing and punctuation ignored.

    A name shared by wards of two LADs is refused with both listed, so that
    the code (or ``"Name, LAD name"``) can be given instead.

    Raises
    ------
    PlaceNotFoundError
        With the closest ward names suggested.
    """
    text = str(query).strip()
    by_code = wards[wards.ward_code == text.upper()]
    if len(by_code):
        return by_code.iloc[0]
    key = normalise(text)
    names = wards.ward_name.map(normalise)
    hits = wards[names == key]
    if len(hits) == 0:
        # "Name, LAD name" or "Name (LAD name)"
        qualified = (wards.ward_name + " " + wards.lad_name).map(normalise)
        hits = wards[qualified == normalise(text.replace("(", " ").replace(")", " "))]
    if len(hits) == 1:
        return hits.iloc[0]
    if len(hits) > 1:
        options = "; ".join(f"{w.ward_name}, {w.lad_name} ({w.ward_code})" for w in hits.itertuples())
        raise PlaceNotFoundError(
            f"ward name {text!r} is shared by {len(hits)} wards: {options}",
            fix="give the ward code, or the name with its LAD, e.g. 'Abbey, Merton'",
        )
    raise PlaceNotFoundError(
        f"no ward called {text!r} in this area.{suggest(text, wards.ward_name)}",
        fix="give a ward name or code (E05…) of the area's wards",
    )
