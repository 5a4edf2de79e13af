"""The national count at scale, measured: every figure and ratio comes from this one run.

``tuttotal.england.count.england_count`` (every LAD and ward of England counted
for one year: the regions' CRA lines and the authorities' RS lines shared to
every LAD, then to every ward, with the tables and the reconciliation) with its
caches warm (the parsed wards, the ward drivers, the CRA table, the LSOA table:
a warm-up process fills them first), each measurement in a new process whose
imports come before the clock:

* **the national count of one year**: the call in a new process (what
  ``tuttotal england`` pays) and again in the same process (warm in memory),
  wall and CPU seconds, peak memory;
* **baselines, measured here too**: the place machinery on all 326 LADs as one
  area (``topdown_count`` + ``outturn_count`` + ``combine`` + ``classify`` +
  ``apportion``: the same count, made as a place report makes one), and place
  after place (the same for each LAD alone: ten LADs measured, the 326 estimated
  from their mean);
* **growth**: 10, 40 and 326 LADs (the call, warm), and 1, 3 and 5 years counted
  one after another in one process;
* **the whole run**: ``tuttotal england --year 2008-09`` (a new process: checks,
  the notebook in a new kernel, ``report.html``, publishing), wall time and the
  peak of the resident memory of the command and its kernel added up (sampled
  every 0.05 s).

Targets (issue 21, this 2-core machine): the warm national count of one year in
at most 10 s, the whole run in at most 3 minutes, peak memory at most 4 GiB.
The machine is shared: every measurement also gives its CPU seconds, which other
work on the machine does not inflate. Exits 1 when a target is missed.

What it prints goes, unedited, to ``docs/benchmarks/results/england_count.txt``
(``benchmarks/publish.py``), which ``docs/benchmarks/england_count.md`` includes: run
this again rather than edit it.

Usage, from the repository::

    python benchmarks/england_count.py --data-dir ../shared/data [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from publish import commit, machine

REPO = Path(__file__).resolve().parents[1]
RESULT = "RESULT "
GIB = 1024**3
COUNT_TARGET_S = 10.0
RUN_TARGET_S = 180.0
MEMORY_TARGET = 4 * GIB
YEAR = "2008-09"
YEARS = ("2004-05", "2008-09", "2010-11", "2013-14", "2016-17")
SIZES = (10, 40)
PLACE_SAMPLE = 10


def libraries() -> str:
    from importlib.metadata import version

    return ", ".join(f"{name} {version(name)}" for name in ("pandas", "numpy", "pyarrow", "geopandas", "papermill"))


def load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def spread(codes: list[str], n: int) -> list[str]:
    """``n`` LADs spread over the sorted list (every region, every kind of LAD), or all of them."""
    if n >= len(codes):
        return codes
    step = len(codes) / n
    return [codes[int(i * step)] for i in range(n)]


def peak_rss() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ------------------------------------------------------------------------------------------ children


def child_count(data_dir: str, n_lads: int, years: list[str], calls: int) -> dict:
    """In a new process: imports, then the national count of each year (the first call timed alone), then
    ``calls`` more calls of the first year (warm in memory)."""
    import warnings

    warnings.simplefilter("ignore")
    from tuttotal.data import cra
    from tuttotal.england.count import england_count

    codes = spread(sorted(cra.lad_regions(data_dir)), n_lads)
    lads = None if n_lads >= len(codes) and n_lads >= 326 else codes
    found = {"lads": len(codes), "years": years, "per_year": [], "again": []}
    for year in years:
        start, cpu = time.perf_counter(), time.process_time()
        result = england_count(year, data_dir, lads=lads)
        found["per_year"].append(
            {"year": year, "s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu, **result.timings}
        )
    found["wards"] = len(result.wards)
    found["ward_rows"] = len(result.ward_spend)
    found["placed_pence"] = result.count.reconciliation.placed_pence
    for _ in range(calls):
        start, cpu = time.perf_counter(), time.process_time()
        england_count(years[0], data_dir, lads=lads)
        found["again"].append({"s": time.perf_counter() - start, "cpu_s": time.process_time() - cpu})
    found["peak_bytes"] = peak_rss()
    return found


def _place_count(lads: list[str], year: str, data_dir: str, wards=None, long_drivers=None) -> dict:
    """The count as a place report makes it (``tuttotal.report.prepare`` without figures or files), stage by stage:
    the wards and their drivers (when not given), the LADs' shares of the lines, the wards."""
    from tuttotal.count import measured_modelled, outturn_count, themes, topdown
    from tuttotal.count.apportion import apportion, load_transfer_rules
    from tuttotal.data import place_wards, places, ward_drivers

    found = {}
    clock, cpu = time.perf_counter(), time.process_time()

    def lap(name: str) -> None:
        nonlocal clock, cpu
        found[f"{name}_s"], found[f"{name}_cpu_s"] = time.perf_counter() - clock, time.process_time() - cpu
        clock, cpu = time.perf_counter(), time.process_time()

    if wards is None:
        wards = place_wards.load_place_wards(places.area_from_lads(lads), data_dir)
        long_drivers = ward_drivers.long_drivers(ward_drivers.ward_driver_table(wards, data_dir))
    lap("geography")
    table = themes.load_themes()
    top = topdown.topdown_count(lads, data_dir=data_dir, years=(year,), theme_table=table)
    books = outturn_count.outturn_count(lads, data_dir=data_dir, years=(year,), theme_table=table)
    spend = measured_modelled.combine(top.spend, books.spend, (year,))
    classified = themes.assign_themes(spend, table, {})
    lap("lads")
    count = apportion(classified, wards, long_drivers, year=year, transfer_rules=load_transfer_rules())
    lap("wards")
    found["placed_pence"] = count.reconciliation.placed_pence
    return found


def child_baseline(data_dir: str, year: str) -> dict:
    """In a new process: the place machinery on all of England as one area (the first call, then again), then place
    after place on a sample of LADs."""
    import warnings

    warnings.simplefilter("ignore")
    from tuttotal.data import cra

    codes = sorted(cra.lad_regions(data_dir))
    found = {"first": _place_count(codes, year, data_dir), "again": _place_count(codes, year, data_dir)}
    times, cpus = [], []
    for code in spread(codes, PLACE_SAMPLE):
        stages = _place_count([code], year, data_dir)
        times.append(sum(v for k, v in stages.items() if k.endswith("_s") and not k.endswith("cpu_s")))
        cpus.append(sum(v for k, v in stages.items() if k.endswith("cpu_s")))
    found["per_lad_s"], found["per_lad_cpu_s"] = times, cpus
    found["peak_bytes"] = peak_rss()
    return found


def run_child(kind: str, data_dir: Path, *args: str) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--data-dir", str(data_dir), *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{kind} {args} failed: {done.stderr[-2000:]}")
    return json.loads(lines[-1][len(RESULT) :])


def whole_run(data_dir: Path, output: Path) -> dict:
    """``tuttotal england --year 2008-09``: wall time and the peak of the process tree's resident memory."""
    import psutil

    start = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tuttotal",
            "england",
            "--year",
            YEAR,
            "--data-dir",
            str(data_dir),
            "--out",
            str(output),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    parent = psutil.Process(process.pid)
    peak, cpu = 0, {}
    while process.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            total = 0
            for p in tree:
                try:
                    total += p.memory_info().rss
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
                except psutil.Error:
                    pass
            peak = max(peak, total)
        except psutil.Error:
            pass
        time.sleep(0.05)
    out, err = process.communicate()
    seconds = time.perf_counter() - start
    return {
        "s": seconds,
        "exit": process.returncode,
        "peak_bytes": peak,
        "cpu_s": sum(cpu.values()),
        "stdout": out.strip().splitlines()[-2:] if out else [],
        "stderr": err[-500:],
    }


# ------------------------------------------------------------------------------------------ report


def gib(n: float) -> str:
    return f"{n / GIB:.2f} GiB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("TUTTOTAL_DATA_DIR", str(REPO.parent / "shared/data")))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", default="")
    parser.add_argument("--lads", type=int, default=326)
    parser.add_argument("--years", default=YEAR)
    parser.add_argument("--calls", type=int, default=0)
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    if args.child == "count":
        print(RESULT + json.dumps(child_count(str(data_dir), args.lads, args.years.split(","), args.calls)))
        return 0
    if args.child == "baseline":
        print(RESULT + json.dumps(child_baseline(str(data_dir), args.years)))
        return 0

    began = time.perf_counter()
    start_load = load()
    header = [
        f"machine: {machine()}",
        f"libraries: {libraries()}",
        f"commit `{commit()}`, {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
    ]
    print("\n".join(header), f"\nload average at start: {start_load:.2f}\n", flush=True)

    # warm-up: every cache the runs below read (wards, drivers of each set of LADs, CRA, LSOA tables)
    print("warming the caches (one untimed run of each size)…", flush=True)
    for n in (*SIZES, 326):
        run_child("count", data_dir, "--lads", str(n), "--years", YEAR)

    print("1. the national count of one year, warm", flush=True)
    national = [
        run_child("count", data_dir, "--lads", "326", "--years", YEAR, "--calls", "2") for _ in range(args.repeat)
    ]
    first = [r["per_year"][0] for r in national]
    again = [a for r in national for a in r["again"]]
    count_s = statistics.median(r["s"] for r in first)
    count_cpu = statistics.median(r["cpu_s"] for r in first)
    memory_s = statistics.median(a["s"] for a in again)
    memory_cpu = statistics.median(a["cpu_s"] for a in again)
    steps = {k: statistics.median(r[k] for r in first) for k in ("geography_s", "lads_s", "wards_s", "tables_s")}
    count_peak = max(r["peak_bytes"] for r in national)
    print(f"   new process, warm caches: {count_s:.2f} s ({count_cpu:.2f} CPU s); again in memory {memory_s:.2f} s")

    print("2. baselines: the place machinery", flush=True)
    base = run_child("baseline", data_dir, "--years", YEAR)
    stages = ("geography", "lads", "wards")
    base_first = {k: base["first"][f"{k}_s"] for k in stages}
    base_first_cpu = {k: base["first"][f"{k}_cpu_s"] for k in stages}
    base_s, base_cpu = sum(base_first.values()), sum(base_first_cpu.values())
    base_again = sum(base["again"][f"{k}_s"] for k in stages)
    base_again_cpu = sum(base["again"][f"{k}_cpu_s"] for k in stages)
    per_lad = statistics.mean(base["per_lad_s"])
    per_lad_cpu = statistics.mean(base["per_lad_cpu_s"])
    print(f"   one area of 326 LADs {base_s:.1f} s ({base_cpu:.1f} CPU s); place after place {per_lad:.2f} s a LAD")

    print("3. growth with LADs and years", flush=True)
    by_size = []
    for n in SIZES:
        runs = [run_child("count", data_dir, "--lads", str(n), "--years", YEAR) for _ in range(args.repeat)]
        by_size.append(
            {
                "lads": runs[0]["lads"],
                "wards": runs[0]["wards"],
                "rows": runs[0]["ward_rows"],
                "s": statistics.median(r["per_year"][0]["s"] for r in runs),
                "cpu_s": statistics.median(r["per_year"][0]["cpu_s"] for r in runs),
            }
        )
    by_size.append(
        {
            "lads": national[0]["lads"],
            "wards": national[0]["wards"],
            "rows": national[0]["ward_rows"],
            "s": count_s,
            "cpu_s": count_cpu,
        }
    )
    years = run_child("count", data_dir, "--lads", "326", "--years", ",".join(YEARS))
    print("   done", flush=True)

    print("4. the whole run: tuttotal england --year 2008-09", flush=True)
    with tempfile.TemporaryDirectory(prefix="tuttotal-bench-england-") as tmp:
        whole = whole_run(data_dir, Path(tmp) / "outputs")
    print(f"   {whole['s']:.1f} s, peak {gib(whole['peak_bytes'])}, exit {whole['exit']}")
    end_load = load()

    # ---------------------------------------------------------------------------------------- the page
    peak = max(count_peak, whole["peak_bytes"])
    met = {
        "count": count_s <= COUNT_TARGET_S,
        "run": whole["s"] <= RUN_TARGET_S and whole["exit"] == 0,
        "memory": peak <= MEMORY_TARGET,
    }
    word = {True: "**met**", False: "**missed**"}
    _, n40, n326 = by_size
    slope_ward = (n326["s"] - n40["s"]) / (n326["wards"] - n40["wards"]) * 1000
    slope_cpu = (n326["cpu_s"] - n40["cpu_s"]) / (n326["wards"] - n40["wards"]) * 1000
    per_year = years["per_year"]
    later = per_year[1:]
    lines = [
        "",
        "The national count at scale, measured",
        "",
        *[f"- {line}" for line in header],
        f"- load average {start_load:.2f} at the start, {end_load:.2f} at the end (the machine is shared: other "
        "work slows every wall-clock number; CPU seconds are this work's own)",
        "",
        "`england_count`: every LAD and ward of England counted for a year (the regions' CRA lines and the "
        "authorities' RS lines shared to every LAD, then to every ward; the tables; the reconciliation), its caches "
        "warm (parsed wards, ward drivers, the CRA and LSOA tables: a warm-up run filled them). Each run is a new "
        "process whose imports come before the clock.",
        "",
        f"## 1. The national count of one year ({YEAR}), warm",
        "",
        "| run | seconds | CPU seconds | ratio (CPU) |",
        "|---|---:|---:|---:|",
        f"| the place machinery on one area of all 326 LADs (`topdown_count`, `outturn_count`, `apportion`), a new "
        f"process: the baseline | {base_s:.2f} | {base_cpu:.2f} | 1 |",
        f"| the same, again in that process | {base_again:.2f} | {base_again_cpu:.2f} | "
        f"{base_cpu / base_again_cpu:.1f}x |",
        f"| place after place, each LAD its own area (mean of {PLACE_SAMPLE} LADs × 326, estimated) | "
        f"{per_lad * 326:.0f} | {per_lad_cpu * 326:.0f} | {base_cpu / (per_lad_cpu * 326):.2f}x |",
        f"| `england_count`, a new process (median of {args.repeat}) | {count_s:.2f} | {count_cpu:.2f} | "
        f"{base_cpu / count_cpu:.1f}x |",
        f"| `england_count` again in the same process (median of {len(again)}) | {memory_s:.2f} | {memory_cpu:.2f} | "
        f"{base_cpu / memory_cpu:.1f}x |",
        "",
        "Stage by stage, the first call in a new process (wall seconds; the machine's load moves them, the CPU "
        "ratio above does not):",
        "",
        "| stage | place machinery | `england_count` |",
        "|---|---:|---:|",
        f"| the wards and their drivers (the same caches; `england_count` first checks every data file is here) | "
        f"{base_first['geography']:.2f} | {steps['geography_s']:.2f} |",
        f"| the LADs' shares of the CRA and RS lines | {base_first['lads']:.2f} | {steps['lads_s']:.2f} |",
        f"| into the wards (`apportion` / `apportion_national`) | {base_first['wards']:.2f} | {steps['wards_s']:.2f} |",
        f"| the tables, the reconciliation, the bridge | (none) | {steps['tables_s']:.2f} |",
        "",
        f"Money placed: {national[0]['placed_pence'] / 100:,.2f} here, "
        f"{base['first']['placed_pence'] / 100:,.2f} by the place machinery on one area of 326 LADs "
        f"({abs(national[0]['placed_pence'] - base['first']['placed_pence'])} pence apart: there each LAD's share of "
        "a line is rounded on its own, here a region's lines are shared to all its LADs at once by largest "
        f"remainder). Peak memory of a count's process: {gib(count_peak)}.",
        "",
        "## 2. How the cost grows",
        "",
        "| LADs | wards | ward-level rows | seconds | CPU seconds | ms per ward |",
        "|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {r['lads']} | {r['wards']:,} | {r['rows']:,} | {r['s']:.2f} | {r['cpu_s']:.2f} | "
            f"{1000 * r['s'] / r['wards']:.2f} |"
            for r in by_size
        ],
        "",
        f"From 40 to 326 LADs each ward added {slope_ward:.2f} ms ({slope_cpu:.2f} ms of CPU): the count grows "
        "linearly with the wards (every array is one row per ward and line); a run of a few LADs pays the fixed "
        f"cost of sharing every region's lines to all 326 LADs (so that a LAD gets the same pence in any run).",
        "",
        "| years, one process | seconds | CPU seconds |",
        "|---|---:|---:|",
        *[f"| {r['year']} | {r['s']:.2f} | {r['cpu_s']:.2f} |" for r in per_year],
        "",
        f"The first year, in a new process, {per_year[0]['s']:.2f} s ({per_year[0]['cpu_s']:.2f} CPU s); each later "
        f"year {statistics.mean(r['s'] for r in later):.2f} s ({statistics.mean(r['cpu_s'] for r in later):.2f} CPU s) "
        f"on average: {len(per_year)} years in {sum(r['s'] for r in per_year):.1f} s. Years are independent: "
        "`england_counts(years, client=...)` counts each on a Dask worker.",
        "",
        "## 3. The whole run",
        "",
        "| run | seconds | CPU seconds | peak memory (command + kernel) | exit |",
        "|---|---:|---:|---:|---:|",
        f"| `tuttotal england --year {YEAR}` (checks, notebook in a new kernel, report.html, publish) | "
        f"{whole['s']:.1f} | {whole['cpu_s']:.1f} | {gib(whole['peak_bytes'])} | {whole['exit']} |",
        "",
        "## Targets (issue 21, this 2-core machine)",
        "",
        f"- warm national count of one year ≤ {COUNT_TARGET_S:.0f} s: {count_s:.2f} s ({count_cpu:.2f} CPU s), "
        f"{word[met['count']]}",
        f"- the whole run ≤ {RUN_TARGET_S / 60:.0f} min: {whole['s']:.0f} s, {word[met['run']]}",
        f"- peak memory ≤ {gib(MEMORY_TARGET)}: {gib(peak)}, {word[met['memory']]}",
        "",
        f"Benchmark took {time.perf_counter() - began:.0f} s.",
        "",
    ]
    print("\n".join(lines))
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    if "--child" in sys.argv:  # a measured subprocess: its output is data, not results
        sys.exit(main())
    from publish import published

    with published("england_count", sys.argv):
        status = main()
    sys.exit(status)
