"""Cost of the real ward drivers, measured: every figure and ratio comes from this one run.

``ward_drivers.ward_driver_table`` (every driver of every ward, by areal
interpolation from 2011 LSOAs) for Kent (12 LADs) and for every LAD of the
data folder (all 326 English LADs in ``../shared/data``), in three states of its caches (the whole ward driver
table under ``$TUTTOTAL_CACHE_DIR/drivers/``, and what it is made from: the
LSOA table under ``lsoa/`` and the area weights of each LAD under
``weights/``; each also kept in memory by the process):

* **cold**: a new process, an empty cache folder of its own;
* **warm from disk**: a new process, the cache folder a cold run filled;
* **warm in memory**: the same process calling again.

Each new process imports everything and loads its wards (from a ward cache
filled beforehand) before the clock starts, so the times are the call alone.
The baseline, measured here too, is the plain overlay with no cache at all:
``interpolate.read_lsoas`` + ``interpolate.area_weights`` for each LAD.
Target (the issue): a warm place pays at most 0.1 s for its drivers, checked
for Kent warm from disk. Exits 1 when it is missed.

Usage, from the repository::

    python benchmarks/drivers.py --data-dir ../shared/data [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from publish import machine

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 0.1
MEMORY_CALLS = 5
SINGLE_RUN_OVER_S = 20.0  # a cold measurement slower than this is not repeated
RESULT = "RESULT "


def lad_codes(data_dir: Path) -> list[str]:
    """The LADs of the data folder: its ``wards-2013/*.geojson`` files."""
    return sorted(p.stem for p in (data_dir / "wards-2013").glob("*.geojson"))


def make_place(area: str, data_dir: Path):
    from tuttotal.data import places

    if area == "kent":
        return places.get_place("kent")
    # places.area_from_lads(codes) would make the slug of 69 joined codes, longer than a slug may be
    codes = lad_codes(data_dir)
    return places.Place(
        slug="all", name=f"all {len(codes)} LADs", lads=tuple(places.Lad(c, places.lad_name(c)) for c in codes)
    )


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def child(area: str, data_dir: Path, ward_cache: Path, driver_cache: Path, calls: int) -> dict:
    """In a new process: imports and wards first, then the timed call(s); the result as one JSON line."""
    start = time.perf_counter()
    import geopandas  # noqa: F401  (imports are not what is measured)
    import pyarrow.parquet  # noqa: F401
    import pyogrio  # noqa: F401
    import pyreadr  # noqa: F401
    import shapely  # noqa: F401

    from tuttotal.data import place_wards, ward_drivers

    imports_s = time.perf_counter() - start
    os.environ["TUTTOTAL_CACHE_DIR"] = str(ward_cache)
    wards = place_wards.load_place_wards(make_place(area, data_dir), data_dir)
    os.environ["TUTTOTAL_CACHE_DIR"] = str(driver_cache)
    before = files_in(driver_cache)
    start = time.perf_counter()
    table = ward_drivers.ward_driver_table(wards, data_dir, download=False)
    first_s = time.perf_counter() - start
    written = sorted(files_in(driver_cache) - before)
    again, same = [], True
    for _ in range(calls):
        start = time.perf_counter()
        repeat = ward_drivers.ward_driver_table(wards, data_dir, download=False)
        again.append(time.perf_counter() - start)
        same = same and repeat[list(ward_drivers.DRIVERS)].equals(table[list(ward_drivers.DRIVERS)])
    drivers = list(ward_drivers.DRIVERS)
    reads = {}
    if calls:  # where a warm-from-disk call goes: reading the Parquet entries themselves (done after, untimed above)
        import pandas as pd

        for kind in ("drivers", "lsoa", "weights"):
            start = time.perf_counter()
            for path in sorted((driver_cache / kind).glob("*.parquet")):
                pd.read_parquet(path)
            reads[kind] = time.perf_counter() - start
    return {
        "imports_s": imports_s,
        "first_s": first_s,
        "memory_s": again,
        "cache_empty_before": not before,
        "files_written": len(written),
        "lads": int(wards["lad_code"].nunique()),
        "wards": len(wards),
        "rows": len(table),
        "population": float(table["population"].sum()),
        "checksum": float(table[drivers].fillna(0).to_numpy().sum()),
        "same_in_memory": same,
        "reads_s": reads,
    }


def run_child(area: str, data_dir: Path, ward_cache: Path, driver_cache: Path, calls: int, env: dict) -> dict:
    cmd = [sys.executable, __file__, "--child", area, "--data-dir", str(data_dir)]
    cmd += ["--ward-cache", str(ward_cache), "--driver-cache", str(driver_cache), "--calls", str(calls)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True)
    wall_s = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT)]
    if proc.returncode != 0 or not lines:
        sys.exit(f"the {area} subprocess failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    result = json.loads(lines[-1][len(RESULT) :])
    result["process_s"] = wall_s
    return result


def bench_area(area: str, data_dir: Path, ward_cache: Path, work: Path, repeat: int, env: dict) -> dict:
    """Cold runs (each in a new process, a new empty cache folder), then warm runs on the first one's folder."""
    cold = []
    for i in range(repeat):
        folder = work / f"{area}-cold-{i}"
        folder.mkdir()
        cold.append(run_child(area, data_dir, ward_cache, folder, 0, env))
        if cold[0]["first_s"] > SINGLE_RUN_OVER_S:
            break
    filled = work / f"{area}-cold-0"
    on_disk = files_in(filled)
    warm = [run_child(area, data_dir, ward_cache, filled, MEMORY_CALLS, env) for _ in range(repeat)]
    assert files_in(filled) == on_disk, "a warm run wrote to the cache"
    runs = cold + warm
    same = all(
        r["rows"] == runs[0]["rows"] and abs(r["checksum"] - runs[0]["checksum"]) <= 1e-9 * abs(runs[0]["checksum"])
        for r in runs
    )
    return {
        "lads": warm[0]["lads"],
        "wards": warm[0]["wards"],
        "population": warm[0]["population"],
        "cold_s": statistics.median(r["first_s"] for r in cold),
        "cold_n": len(cold),
        "cold_files": statistics.median(r["files_written"] for r in cold),
        "cold_was_empty": all(r["cache_empty_before"] for r in cold),
        "disk_s": statistics.median(r["first_s"] for r in warm),
        "disk_n": len(warm),
        "disk_runs": [r["first_s"] for r in warm],
        "disk_written": sum(r["files_written"] for r in warm),
        "memory_s": statistics.median(t for r in warm for t in r["memory_s"]),
        "memory_n": sum(len(r["memory_s"]) for r in warm),
        "process_s": statistics.median(r["process_s"] for r in warm),
        "imports_s": statistics.median(r["imports_s"] for r in warm),
        "read_drivers_s": statistics.median(r["reads_s"]["drivers"] for r in warm),
        "read_lsoa_s": statistics.median(r["reads_s"]["lsoa"] for r in warm),
        "read_weights_s": statistics.median(r["reads_s"]["weights"] for r in warm),
        "same": same and all(r["same_in_memory"] for r in warm),
        "cache_mib": sum(p.stat().st_size for p in filled.rglob("*") if p.is_file()) / 1024**2,
    }


def bench_overlay(wards_by_area: dict, data_dir: Path, repeat: int) -> dict:
    """The baseline: read each LAD's LSOA file and overlay its wards, nothing cached."""
    from tuttotal.data import interpolate, sources

    out = {}
    for area, wards in wards_by_area.items():
        codes = sorted(wards["lad_code"].unique())
        paths = sources.lsoa_paths(codes, data_dir, download=False)
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            pairs = 0
            for code in codes:
                lsoas = interpolate.read_lsoas(paths[code])
                lad_wards = wards[wards["lad_code"] == code].to_crs(interpolate.BNG)
                pairs += len(interpolate.area_weights(lsoas, lad_wards))
            times.append(time.perf_counter() - start)
        out[area] = {"overlay_s": statistics.median(times), "n": len(times), "pairs": pairs}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"), help="the data root")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (median)")
    parser.add_argument("--child", choices=["kent", "all"], help=argparse.SUPPRESS)
    parser.add_argument("--ward-cache", help=argparse.SUPPRESS)
    parser.add_argument("--driver-cache", help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    if args.child:
        result = child(args.child, data_dir, Path(args.ward_cache), Path(args.driver_cache), args.calls)
        print(RESULT + json.dumps(result), flush=True)
        return 0

    if not (data_dir / "lsoa-2011").is_dir() or not (data_dir / "wards-2013").is_dir():
        parser.error(f"{data_dir} is not a data root with wards-2013/ and lsoa-2011/ (see ../shared/data/README.md)")
    repeat = max(1, args.repeat)
    work = Path(tempfile.mkdtemp(prefix="tuttotal-bench-drivers-"))
    ward_cache = work / "wards-cache"
    env = {**os.environ, "TUTTOTAL_CACHE_DIR": str(ward_cache)}
    env.pop("TUTTOTAL_DATA_DIR", None)
    print(f"machine: {machine()}")
    print(f"data: {data_dir}; scratch: {work}; repeat: {repeat}; OS file cache warm (files read once first)")
    print(f"load average at start: {os.getloadavg()[0]:.2f} (other work on the machine makes every number slower)\n")
    began = time.perf_counter()

    # wards are loaded once here (filling the ward cache the subprocesses read): not what is measured
    os.environ["TUTTOTAL_CACHE_DIR"] = str(ward_cache)
    os.environ.pop("TUTTOTAL_DATA_DIR", None)

    from tuttotal.data.place_wards import load_place_wards

    wards_by_area = {area: load_place_wards(make_place(area, data_dir), data_dir) for area in ("kent", "all")}
    baseline = bench_overlay(wards_by_area, data_dir, repeat)
    results = {area: bench_area(area, data_dir, ward_cache, work, repeat, env) for area in ("kent", "all")}

    names = {"kent": "Kent", "all": "All LADs"}
    print("ward_drivers.ward_driver_table: seconds for the call alone, median of n runs")
    print(
        f"{'':<9} {'LADs':>4} {'wards':>6} {'overlay, no cache':>18} {'cold':>13} {'warm, disk':>13} "
        f"{'warm, memory':>14}"
    )
    for area, r in results.items():
        b = baseline[area]
        print(
            f"{names[area]:<9} {r['lads']:>4} {r['wards']:>6} {b['overlay_s']:>12.3f} (n={b['n']}) "
            f"{r['cold_s']:>7.3f} (n={r['cold_n']}) {r['disk_s']:>7.3f} (n={r['disk_n']}) "
            f"{r['memory_s']:>7.3f} (n={r['memory_n']})"
        )
    print(
        "overlay: read_lsoas + area_weights per LAD, in this process; cold / warm disk: a new process each, imports "
        f"and wards before the clock; warm memory: {MEMORY_CALLS} more calls in each warm process\n"
    )
    for area, r in results.items():
        b = baseline[area]
        print(f"{names[area]} ({b['pairs']:,} LSOA-ward pairs, population {r['population']:,.0f})")
        print(
            f"   warm from disk is {b['overlay_s'] / r['disk_s']:.1f}x faster than computing the overlay, "
            f"warm in memory {b['overlay_s'] / r['memory_s']:.1f}x"
        )
        print(
            f"   cold costs {r['cold_s'] / b['overlay_s']:.2f}x the overlay (it also builds the LSOA table and "
            f"writes the caches: {r['cold_files']:.0f} files, {r['cache_mib']:.1f} MiB)"
        )
        print(
            f"   a warm-from-disk call reads one Parquet entry, the driver table: {r['read_drivers_s']:.3f} s; "
            f"a new pair of boundaries would also read the LSOA table ({r['read_lsoa_s']:.3f} s) and the "
            f"weights ({r['read_weights_s']:.3f} s)"
        )
        print(
            f"   a warm new process takes {r['process_s']:.2f} s in all ({r['imports_s']:.2f} s of imports, "
            "then its wards, then the call)"
        )
        print(
            f"   checks: every cold cache folder empty before: {r['cold_was_empty']}; files a warm run wrote: "
            f"{r['disk_written']}; same table in every run: {r['same']}"
        )
        if r["cold_n"] < repeat:
            print(f"   cold measured once: the first cold run took over {SINGLE_RUN_OVER_S:.0f} s")
    kent = results["kent"]["disk_s"]
    met = kent <= TARGET_S
    runs = ", ".join(f"{t:.3f}" for t in results["kent"]["disk_runs"])
    print(
        f"\ntarget: a warm place pays at most {TARGET_S} s for its drivers; Kent warm from disk {kent:.3f} s "
        f"(median of {runs}): {'met' if met else 'NOT MET'}"
    )
    print(f"benchmark took {time.perf_counter() - began:.0f} s; load average at end: {os.getloadavg()[0]:.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    if "--child" in sys.argv:  # a measured subprocess: its output is data, not results
        sys.exit(main())
    from publish import published

    with published("drivers", sys.argv):
        status = main()
    sys.exit(status)
