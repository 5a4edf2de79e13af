"""Build ``data/lad13_upper_tier.csv``: the upper-tier area of ONS's mid-year estimates that holds each 2013 LAD.

Usage::

    python scripts/build_lad13_upper_tier.py DATA_DIR [OUTPUT]

``DATA_DIR`` is the shared data folder (``population/ons_mye_upper_tier_2001_2024.csv``
is read); ``OUTPUT`` defaults to ``data/lad13_upper_tier.csv`` of this
repository. The file is rewritten byte for byte the same on every run (rows
sorted by LAD code, ``\\n`` line ends, UTF-8): ``lad13_code, lad13_name,
upper_tier_code, upper_tier_name, rule``.

The mid-year estimates are on **April 2023** upper-tier areas (counties and
unitaries), so every 2013 LAD falls wholly in one of them. Rules, in order:

1. **Own area**: a unitary, metropolitan district or London borough whose
   2013 code is an upper-tier code of the estimates (Kent's Medway
   E06000035, Birmingham E08000025).
2. **Merged after 2013** (:data:`SUCCESSORS`): the districts of the counties
   abolished in 2019–2023, and Bournemouth and Poole, go to the unitary
   that now holds them (Christchurch goes with Bournemouth and Poole, not
   with Dorset; Cumbria and Northamptonshire split in two by district).
3. **County**: a shire district goes to its county, from
   ``data/authorities.csv`` (the county council's LADs in DCLG's Revenue
   Outturn, class ``SC``), matched to the estimates by the county's name.

The script stops if a 2013 LAD (``tuttotal/data/registry/wards_2013.csv``)
gets no area or two, if an area is not an English upper-tier area of the
estimates, or if an English area of the estimates gets no LAD.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "lad13_upper_tier.csv"
MYE = "population/ons_mye_upper_tier_2001_2024.csv"

#: Upper-tier areas made after 2013 from 2013 LADs: the new unitary's code → its 2013 LADs.
SUCCESSORS = {
    "E06000058": ("E06000028", "E06000029", "E07000048"),  # Bournemouth, Christchurch and Poole (2019)
    "E06000059": ("E07000049", "E07000050", "E07000051", "E07000052", "E07000053"),  # Dorset (2019)
    "E06000060": ("E07000004", "E07000005", "E07000006", "E07000007"),  # Buckinghamshire (2020)
    "E06000061": ("E07000150", "E07000152", "E07000153", "E07000156"),  # North Northamptonshire (2021)
    "E06000062": ("E07000151", "E07000154", "E07000155"),  # West Northamptonshire (2021)
    "E06000063": ("E07000026", "E07000028", "E07000029"),  # Cumberland (2023)
    "E06000064": ("E07000027", "E07000030", "E07000031"),  # Westmorland and Furness (2023)
    "E06000065": tuple(f"E07000{n}" for n in range(163, 170)),  # North Yorkshire (2023)
    "E06000066": tuple(f"E07000{n}" for n in range(187, 192)),  # Somerset (2023)
}


def main(shared_data: Path, output: Path = OUT) -> None:
    with open(REPO / "tuttotal" / "data" / "registry" / "wards_2013.csv", newline="", encoding="utf-8") as f:
        lads = {row["lad_code"]: row["lad_name"] for row in csv.DictReader(f)}
    with open(shared_data / MYE, newline="", encoding="utf-8") as f:
        areas = {row["region_code"]: row["region"] for row in csv.DictReader(f) if row["region_code"].startswith("E")}
    by_name = {name: code for code, name in areas.items()}
    with open(REPO / "data" / "authorities.csv", newline="", encoding="utf-8") as f:
        counties = [row for row in csv.DictReader(f) if row["class"] == "SC"]

    found: dict[str, list[tuple[str, str]]] = {code: [] for code in lads}
    for code in lads:
        if code in areas:
            found[code].append((code, "own area"))
    for area, members in SUCCESSORS.items():
        for code in members:
            found[code].append((area, f"merged after 2013 into {areas[area]}"))
    for county in counties:
        name = county["authority"].removesuffix(" CC")
        for code in county["lads"].split():
            if found[code]:  # its own area or merged after 2013 (and the counties abolished in 2009)
                continue
            if name not in by_name:
                sys.exit(f"county {name!r} ({county['e_code']}) is not an area of the estimates")
            found[code].append((by_name[name], f"county: {name} (data/authorities.csv {county['e_code']})"))

    problems = [f"{code} {lads[code]}: {hits or 'no area'}" for code, hits in found.items() if len(hits) != 1]
    unused = sorted(set(areas) - {hits[0][0] for hits in found.values() if hits})
    if problems or unused:
        sys.exit("\n".join([*problems, *(f"area {a} {areas[a]} has no 2013 LAD" for a in unused)]))

    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["lad13_code", "lad13_name", "upper_tier_code", "upper_tier_name", "rule"])
        for code in sorted(lads):
            area, rule = found[code][0]
            writer.writerow([code, lads[code], area, areas[area], rule])
    print(f"{len(lads)} LADs of 2013 in {len(areas)} upper-tier areas -> {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"), Path(sys.argv[2]) if len(sys.argv) > 2 else OUT)
