"""Build ``tuttotal/registry/wards_2013.csv`` from the shared reference data.

The registry is metadata (LAD code, LAD name, source path, SHA-256, size):
no boundary is copied. LAD names are read from the LAD TopoJSON, so that
any of the 326 English districts can be named without a download.

Usage
-----
    python scripts/build_registry.py ../shared/data

Re-running it on the same input rewrites the same bytes.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pyogrio

OUT = Path(__file__).resolve().parents[1] / "tuttotal" / "registry" / "wards_2013.csv"


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


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
