"""Build the package's registries (``tuttotal/data/registry/``) from the shared reference data.

* ``wards_2013.csv`` and ``lsoa_2011.csv``: per English LAD of 2013, the
  boundary file's source path, SHA-256 and size (LAD names from the LAD
  TopoJSON, so that any of the 326 districts can be named without a download);
* ``sources.csv``: every tabular source of the data root (population,
  deprivation, lookups, regional analysis, outturn) with its place in the
  data root, its pinned public URL, SHA-256, size, licence and vintage.

Registries are metadata: no data file is copied.

Usage
-----
    python scripts/build_registry.py ../shared/data

Re-running it on the same input rewrites the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import pyogrio

REGISTRY = Path(__file__).resolve().parents[1] / "tuttotal" / "data" / "registry"
OUT = REGISTRY / "wards_2013.csv"
SOURCES_TEMPLATE = Path(__file__).with_name("sources_template.csv")


def main(shared_data: Path) -> None:
    lads = pyogrio.read_dataframe(
        shared_data / "lad-2013" / "england_lad_2013.topojson",
        layer="lad",
        read_geometry=False,
    )
    names = dict(zip(lads["LAD13CD"], lads["LAD13NM"], strict=True))
    with open(shared_data / "wards-2013" / "registry.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    missing = [r["lad_code"] for r in rows if r["lad_code"] not in names]
    if missing:
        raise SystemExit(f"LAD codes with no name in the TopoJSON: {missing}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["lad_code", "lad_name", "path", "sha256", "bytes"])
        for r in sorted(rows, key=lambda r: r["lad_code"]):
            writer.writerow([r["lad_code"], names[r["lad_code"]], r["path"], r["sha256"], r["bytes"]])
    print(f"wrote {OUT} ({len(rows)} LADs)")
    with open(shared_data / "lsoa-2011" / "registry.csv", newline="") as f:
        lsoa_rows = sorted(csv.DictReader(f), key=lambda r: r["lad_code"])
    with open(REGISTRY / "lsoa_2011.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["lad_code", "lad_name", "path", "sha256", "bytes"])
        for r in lsoa_rows:
            writer.writerow([r["lad_code"], names[r["lad_code"]], r["path"], r["sha256"], r["bytes"]])
    print(f"wrote {REGISTRY / 'lsoa_2011.csv'} ({len(lsoa_rows)} LADs)")
    with open(SOURCES_TEMPLATE, newline="") as f:
        sources = list(csv.DictReader(f))
    with open(REGISTRY / "sources.csv", "w", newline="") as f:
        fields = ["name", "path", "url", "sha256", "bytes", "licence", "vintage", "description"]
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in sources:
            local = shared_data / row["path"]
            digest = hashlib.sha256(local.read_bytes()).hexdigest()
            writer.writerow({**row, "sha256": digest, "bytes": local.stat().st_size})
    print(f"wrote {REGISTRY / 'sources.csv'} ({len(sources)} files)")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
