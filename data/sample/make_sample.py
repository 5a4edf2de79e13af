"""Write the embedded synthetic place ``demo`` (Demo Vale): wards, spend count, drivers.

SYNTHETIC DATA. Demo Vale, its two districts and its 24 wards do not exist.
The ward polygons are Voronoi cells of seeded random points, placed in the
sea west of the Isles of Scilly (British National Grid), and the codes
(``X05…`` wards, ``X07…`` districts) can never be ONS codes, which start
with E, W, S, N, K, L or M. Spend and drivers come from
:mod:`tuttotal.illustrative` with a fixed seed.

Run from the repository root; a re-run rewrites the same bytes::

    python data/sample/make_sample.py [OUTPUT_FOLDER]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, mapping

from tuttotal.data.synthetic import illustrative_drivers, illustrative_spend

SEED = 20090422  # the Budget that launched Total Place, 22 April 2009
HERE = Path(__file__).resolve().parent
YEAR = "2008-09"
LADS = {"X07000001": "Ashcombe", "X07000002": "Brindlemoor"}
WARD_NAMES = [
    "Harbour",
    "Old Town",
    "Castle Hill",
    "Northgate",
    "Millbrook",
    "St Anne's",
    "Quayside",
    "Westfield",
    "Abbey Meads",
    "Orchard Vale",
    "Kingsway",
    "Riverside",
    "Beacon Heath",
    "Fernbrook",
    "Hollins Green",
    "Marsh End",
    "Priory",
    "Stonebridge",
    "Thornbury Down",
    "Upper Brindle",
    "Wickham Fields",
    "Yewcroft",
    "Lowmoor",
    "Elm Park",
]


def ward_polygons(rng: np.random.Generator) -> list:
    """24 Voronoi cells inside an irregular outline, in metres (EPSG:27700)."""
    centre = np.array([40_000.0, 30_000.0])
    angles = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    radii = 11_000 * (1 + 0.18 * np.sin(3 * angles + 0.7) + 0.08 * np.cos(5 * angles))
    outline = shapely.Polygon(np.c_[centre[0] + radii * np.cos(angles), centre[1] + radii * 0.75 * np.sin(angles)])
    points = []
    while len(points) < len(WARD_NAMES):
        # Denser towards the harbour in the west: small urban wards there, large rural ones east.
        x, y = rng.normal(centre[0] - 3_000, 5_500), rng.uniform(centre[1] - 8_000, centre[1] + 8_000)
        if outline.buffer(-600).contains(Point(x, y)):
            points.append((x, y))
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=outline)
    ordered = []
    for x, y in points:
        cell = next(c for c in cells.geoms if c.contains(Point(x, y)))
        ordered.append(shapely.set_precision(cell.intersection(outline), 1.0))
    return ordered


def write_geojson(path: Path, wards: list[dict]) -> None:
    collection = {
        "type": "FeatureCollection",
        "name": "demo_vale_wards_synthetic",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
        "features": [
            {
                "type": "Feature",
                "properties": {k: w[k] for k in ("WD13CD", "WD13NM", "LAD13CD", "LAD13NM")},
                "geometry": mapping(w["geometry"]),
            }
            for w in wards
        ],
    }
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text.replace('{"type":"Feature"', '\n{"type":"Feature"') + "\n", encoding="utf-8")


def main(folder: Path = HERE) -> None:
    import pandas as pd

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    polygons = ward_polygons(rng)
    split = float(np.median([p.centroid.x for p in polygons]))
    wards = []
    for i, (name, polygon) in enumerate(sorted(zip(WARD_NAMES, polygons, strict=True), key=lambda t: t[0]), start=1):
        lad = "X07000001" if polygon.centroid.x <= split else "X07000002"
        wards.append(
            {
                "WD13CD": f"X0500{i:04d}",
                "WD13NM": name,
                "LAD13CD": lad,
                "LAD13NM": LADS[lad],
                "geometry": polygon,
            }
        )
    write_geojson(folder / "wards.geojson", wards)

    frame = pd.DataFrame(
        {
            "ward_code": [w["WD13CD"] for w in wards],
            "ward_name": [w["WD13NM"] for w in wards],
            "lad_code": [w["LAD13CD"] for w in wards],
            "lad_name": [w["LAD13NM"] for w in wards],
        }
    )
    drivers = illustrative_drivers(frame, seed=SEED)
    drivers["value"] = [int(v) if float(v).is_integer() else float(v) for v in drivers["value"]]
    drivers.to_csv(folder / "drivers.csv", index=False, lineterminator="\n")
    spend = illustrative_spend(frame, drivers, place_name="Demo Vale", year=YEAR, seed=SEED)
    spend.to_csv(folder / "spend.csv", index=False, lineterminator="\n")
    print(f"wrote {folder}: {len(wards)} wards, {len(spend)} spend rows (synthetic)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
