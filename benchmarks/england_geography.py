"""England's geography at scale, measured: every figure and ratio comes from this one run.

``tuttotal.england.geography.england_ward_drivers`` (the drivers of every ward of
England: the LSOA → ward overlay, one LAD per task on Dask, then the table) in
these states, each in a new process with a cache folder of its own:

* **cold, all cores**: an empty cache folder (no parsed wards, no LSOA table, no
  overlay), a ``LocalCluster`` of one worker process per core, for 10, 40 and all
  326 LADs: how the cost grows with the LADs and wards;
* **cold, one process** (``serial=True``), for the same 40 LADs and for all 326: the
  baseline the cluster is measured against (the same tables, checked equal);
* **warm**: a new process on the cache the national cold run filled (one file read).

Peak memory is each process's own peak resident size (``getrusage``): the main
process and every worker (read from the workers before the cluster closes); their
sum bounds the run's memory. Targets (issue 21, on a 2-core machine): the cold
national overlay in at most 5 minutes, peak memory at most 4 GiB, a warm call well
under 10 s. Exits 1 when one is missed.

The results are printed and written to ``docs/benchmarks/england_geography.md``
(generated: run this again rather than edit it).

Usage, from the repository::

    python benchmarks/england_geography.py --data-dir ../shared/data [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from publish import commit, machine

REPO = Path(__file__).resolve().parents[1]
REPORT = REPO / "docs" / "benchmarks" / "england_geography.md"
RESULT = "RESULT "
GIB = 1024**3
COLD_TARGET_S = 300.0
MEMORY_TARGET = 4 * GIB
WARM_TARGET_S = 10.0
SUBSETS = (10, 40)


def versions() -> str:
    import dask
    import distributed
    import geopandas
    import pandas
    import shapely

    return (
        f"shapely {shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))}), geopandas "
        f"{geopandas.__version__}, pandas {pandas.__version__}, dask {dask.__version__}, distributed "
        f"{distributed.__version__}"
    )


def subset(codes: list[str], n: int) -> list[str]:
    """``n`` LADs spread over the sorted codes (unitaries, districts, metropolitan, London alike)."""
    if n >= len(codes):
        return list(codes)
    step = len(codes) / n
    return [codes[int(i * step)] for i in range(n)]


# --------------------------------------------------------------------------- in the child process


def cpu_seconds() -> float:
    """CPU time this process has used (user and system)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(mode: str, data_dir: Path, lads_file: Path, out: Path, workers: int) -> dict:
    """One measurement in a fresh process (its cache folder is ``$TUTTOTAL_CACHE_DIR``)."""
    start = time.perf_counter()
    from tuttotal.england import cluster, geography

    imports_s = time.perf_counter() - start
    codes = json.loads(lads_file.read_text())
    cache = Path(os.environ["TUTTOTAL_CACHE_DIR"])
    empty_before = not any(cache.rglob("*"))
    result: dict = {"imports_s": imports_s, "cache_empty_before": empty_before}
    if mode == "warm":
        start = time.perf_counter()
        table = geography.england_ward_drivers(data_dir, lads=codes, progress=False, download=False)
        result["call_s"] = time.perf_counter() - start
        result["process_s"] = result["call_s"] + imports_s
    elif mode == "serial":
        start = time.perf_counter()
        table = geography.england_ward_drivers(data_dir, lads=codes, serial=True, progress=False, download=False)
        result["call_s"] = time.perf_counter() - start
        result["workers_peak"] = {}
    else:
        start = time.perf_counter()
        with cluster.dask_client(workers=workers) as client:
            result["startup_s"] = time.perf_counter() - start
            before = sum(client.run(cpu_seconds).values())
            table = geography.england_ward_drivers(data_dir, lads=codes, client=client, progress=False, download=False)
            result["call_s"] = time.perf_counter() - start  # start-up included, as a call without a client has it
            result["workers_peak"] = cluster.workers_peak_memory(client)
            result["workers_cpu_s"] = sum(client.run(cpu_seconds).values()) - before
    result["main_peak"] = cluster.peak_memory_bytes()
    result["main_cpu_s"] = cpu_seconds()
    weights = list((cache / "weights").glob("*.parquet"))
    if weights:
        import pandas as pd

        result["pairs"] = int(sum(len(pd.read_parquet(p)) for p in weights))
    result.update(lads=int(table["lad_code"].nunique()), wards=len(table), population=float(table["population"].sum()))
    table.to_parquet(out)
    return result


# --------------------------------------------------------------------------- in the parent


def run_child(mode: str, codes: list[str], cache: Path, args, work: Path, tag: str) -> dict:
    lads_file = work / f"{tag}.json"
    lads_file.write_text(json.dumps(codes))
    out = work / f"{tag}.parquet"
    env = {**os.environ, "TUTTOTAL_CACHE_DIR": str(cache), "MPLBACKEND": "Agg"}
    env.pop("TUTTOTAL_DATA_DIR", None)
    cmd = [sys.executable, __file__, "--child", mode, "--data-dir", str(args.data_dir), "--lads-file", str(lads_file)]
    cmd += ["--out", str(out), "--workers", str(args.workers)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = [line for line in proc.stdout.splitlines() if line.startswith(RESULT)]
    if proc.returncode != 0 or not lines:
        sys.exit(f"the {tag} run failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    result = json.loads(lines[-1][len(RESULT) :])
    result.update(wall_s=wall, table=str(out))
    result["memory"] = result["main_peak"] + sum(result.get("workers_peak", {}).values())
    result["cpu_s"] = result["main_cpu_s"] + result.get("workers_cpu_s", 0.0)
    return result


def same_tables(*paths: str) -> bool:
    import pandas as pd

    first = pd.read_parquet(paths[0])
    for path in paths[1:]:
        try:
            pd.testing.assert_frame_equal(pd.read_parquet(path), first)
        except AssertionError:
            return False
    return True


def gib(n: float) -> str:
    return f"{n / GIB:.2f} GiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"), help="the data root")
    parser.add_argument("--workers", type=int, default=0, help="worker processes (default: the cores)")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs (median); cold runs once each")
    parser.add_argument("--no-report", action="store_true", help="print only; leave docs/benchmarks/ alone")
    parser.add_argument("--child", choices=["cluster", "serial", "warm"], help=argparse.SUPPRESS)
    parser.add_argument("--lads-file", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.data_dir = Path(args.data_dir).resolve()
    if args.child:
        result = child(args.child, args.data_dir, Path(args.lads_file), Path(args.out), args.workers)
        print(RESULT + json.dumps(result), flush=True)
        return 0

    if not (args.data_dir / "lsoa-2011").is_dir() or not (args.data_dir / "wards-2013").is_dir():
        parser.error(f"{args.data_dir} is not a data root with wards-2013/ and lsoa-2011/ (../shared/data/README.md)")
    from tuttotal import settings
    from tuttotal.england import geography, national_data

    args.workers = args.workers or settings.cores()
    os.environ.pop("TUTTOTAL_DATA_DIR", None)
    national_data.check_england_data(args.data_dir)  # every file here before anything is timed
    codes = geography.england_lad_codes()
    work = Path(tempfile.mkdtemp(prefix="tuttotal-bench-england-"))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_start = os.getloadavg()[0]
    print(f"machine: {machine()}\n{versions()}\ncommit {commit()}, {when}; scratch {work}")
    print(f"load average at start: {load_start:.2f} (other work on the machine makes every number slower)\n")
    began = time.perf_counter()

    cold = {}
    for n in (*SUBSETS, len(codes)):
        print(f"cold, {args.workers} worker processes, {n} LADs…", flush=True)
        cold[n] = run_child("cluster", subset(codes, n), work / f"cache-cluster-{n}", args, work, f"cluster-{n}")
    base_n = SUBSETS[-1]
    print(f"cold, one process, {base_n} LADs…", flush=True)
    serial = run_child("serial", subset(codes, base_n), work / "cache-serial", args, work, "serial")
    print(f"cold, one process, {len(codes)} LADs…", flush=True)
    serial_all = run_child("serial", codes, work / "cache-serial-all", args, work, "serial-all")
    national_cache = work / f"cache-cluster-{len(codes)}"
    files_before = sorted(str(p) for p in national_cache.rglob("*") if p.is_file())
    warm = []
    for i in range(max(1, args.repeat)):
        print(f"warm {i + 1}…", flush=True)
        warm.append(run_child("warm", codes, national_cache, args, work, f"warm-{i}"))
    written = sorted(str(p) for p in national_cache.rglob("*") if p.is_file()) != files_before

    national = cold[len(codes)]
    warm_call = statistics.median(w["call_s"] for w in warm)
    warm_process = statistics.median(w["process_s"] for w in warm)
    identical_serial = same_tables(cold[base_n]["table"], serial["table"]) and same_tables(
        national["table"], serial_all["table"]
    )
    identical_warm = same_tables(national["table"], *(w["table"] for w in warm))
    memory = max(r["memory"] for r in (*cold.values(), serial, serial_all))
    load_end = os.getloadavg()[0]
    took = time.perf_counter() - began

    rows = []
    for n, r in cold.items():
        rows.append(
            f"| {n} | {r['wards']:,} | {r.get('pairs', 0):,} | {r['call_s']:.1f} | {r['startup_s']:.1f} | "
            f"{r['cpu_s']:.1f} ({r['cpu_s'] / r['wall_s']:.2f}) | "
            f"{r['call_s'] / n:.3f} | {1000 * r['call_s'] / r['wards']:.1f} | "
            f"{1000 * r['call_s'] / max(1, r.get('pairs', 0)):.2f} | {gib(r['main_peak'])} | "
            f"{gib(sum(r['workers_peak'].values()))} | {gib(r['memory'])} |"
        )
    speedup = serial["call_s"] / cold[base_n]["call_s"]
    speedup_all = serial_all["call_s"] / national["call_s"]
    slope = (national["call_s"] - cold[base_n]["call_s"]) / (len(codes) - base_n)
    met = {
        "cold": national["call_s"] <= COLD_TARGET_S,
        "memory": memory <= MEMORY_TARGET,
        "warm": warm_call <= WARM_TARGET_S,
    }
    lines = [
        "# England's geography at scale: measured",
        "",
        "*Generated by `benchmarks/england_geography.py`; run it again rather than edit this file.*",
        "",
        f"- machine: {machine()}",
        f"- libraries: {versions()}",
        f"- commit `{commit()}`, {when}; {args.workers} worker processes (one thread each)",
        f"- load average {load_start:.2f} at the start, {load_end:.2f} at the end (the machine is shared: other work "
        "slows every number)",
        "",
        "`england_ward_drivers`: the drivers of every ward (population by age, deprivation), made by laying each "
        "LAD's 2011 LSOAs over its 2013 wards. Each run is a new process with a cache folder of its own; *cold* "
        "starts from an empty cache (the ward files parsed, the LSOA table built, every LAD overlaid), on a "
        "`LocalCluster` started by the call (its start-up included).",
        "",
        "## Cold, all cores, by the number of LADs",
        "",
        "| LADs | wards | LSOA-ward pairs | seconds | of which cluster start-up | CPU seconds (cores used) | "
        "s per LAD | ms per ward | ms per pair | peak, main process | peak, workers (sum) | peak, all |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        f"Growth: from {base_n} to {len(codes)} LADs, each LAD added cost {slope:.2f} s "
        f"({1000 * slope * (len(codes) - base_n) / (national['wards'] - cold[base_n]['wards']):.0f} ms per ward "
        f"added, {1000 * slope * (len(codes) - base_n) / max(1, national['pairs'] - cold[base_n]['pairs']):.1f} ms "
        f"per LSOA-ward pair added: each pair is one polygon intersection). A small run is mostly fixed cost: "
        f"cluster start-up, the LSOA table of England built once ({cold[SUBSETS[0]]['call_s']:.1f} s in all for "
        f"{SUBSETS[0]} LADs). England: {national['wards']:,} wards, {national['population']:,.0f} people (mid-2015).",
        "",
        "## Against one process, and warm",
        "",
        "| run | LADs | seconds | CPU seconds (cores used) | ratio |",
        "|---|---:|---:|---:|---:|",
        f"| cold, one process (`serial=True`): the baseline | {base_n} | {serial['call_s']:.1f} | "
        f"{serial['cpu_s']:.1f} ({serial['cpu_s'] / serial['wall_s']:.2f}) | 1 |",
        f"| cold, {args.workers} workers | {base_n} | {cold[base_n]['call_s']:.1f} | {cold[base_n]['cpu_s']:.1f} "
        f"({cold[base_n]['cpu_s'] / cold[base_n]['wall_s']:.2f}) | {speedup:.2f}x as fast |",
        f"| cold, one process (`serial=True`): the baseline | {len(codes)} | {serial_all['call_s']:.1f} | "
        f"{serial_all['cpu_s']:.1f} ({serial_all['cpu_s'] / serial_all['wall_s']:.2f}) | 1 |",
        f"| cold, {args.workers} workers | {len(codes)} | {national['call_s']:.1f} | {national['cpu_s']:.1f} "
        f"({national['cpu_s'] / national['wall_s']:.2f}) | {speedup_all:.2f}x as fast |",
        f"| warm, the call (median of {len(warm)}) | {len(codes)} | {warm_call:.3f} | | "
        f"{national['call_s'] / warm_call:,.0f}x as fast as cold |",
        f"| warm, a new process with its imports | {len(codes)} | {warm_process:.2f} | | |",
        "",
        "CPU seconds: the main process's over its whole life (imports included) and the workers' from the call's "
        "start; cores used = CPU seconds over the main process's wall time. On a shared machine a run gets a "
        "share of the cores, not the cores: two workers help only as far as they are given more CPU than one "
        "process is.",
        "",
        f"Tables identical (`assert_frame_equal`): one process and {args.workers} workers on the same LADs ({base_n} "
        f"and {len(codes)}): "
        f"**{identical_serial}**; cold and every warm run: **{identical_warm}**. Files a warm run wrote: "
        f"{'some (unexpected)' if written else 'none'}.",
        "",
        "## Targets (issue 21, this 2-core machine)",
        "",
        f"- cold national overlay ≤ {COLD_TARGET_S / 60:.0f} min: {national['call_s']:.0f} s, "
        f"**{'met' if met['cold'] else 'NOT MET'}**",
        f"- peak memory ≤ {gib(MEMORY_TARGET)}: {gib(memory)} (the largest run's main process and workers' peaks "
        "added), "
        f"**{'met' if met['memory'] else 'NOT MET'}**",
        f"- warm well under {WARM_TARGET_S:.0f} s: {warm_call:.3f} s for the call, {warm_process:.2f} s with a new "
        f"process's imports, **{'met' if met['warm'] else 'NOT MET'}**",
        "",
        f"The benchmark took {took:.0f} s.",
        "",
    ]
    text = "\n".join(lines)
    print("\n" + text)
    if not args.no_report:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        temporary = REPORT.with_name(f".{REPORT.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, REPORT)
        print(f"written: {REPORT.relative_to(REPO)}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(met.values()) and identical_serial and identical_warm and not written else 1


if __name__ == "__main__":
    sys.exit(main())
