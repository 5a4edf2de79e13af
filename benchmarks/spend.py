"""Big spend files, measured: every figure and ratio comes from this one run.

Spend files of 10,000, 100,000 and 1,000,000 rows for Thanet (its 23 real
wards, the LAD and the whole place; seven agencies; eleven functions; amounts
to the penny) are generated into a temporary folder (never committed). For
each:

* **baseline**: ``pandas.read_csv(path, dtype=str)``, every column as text
  (amounts need cleaning), measured in this run;
* **read_spend**: ``tuttotal.data.spend.read_spend`` with an empty cache (the
  parse: pyarrow.csv, bulk checks of every column, the validated table
  written to the cache) and warm (the cached table);
* **the whole run** (1M rows, and a 10-row file for comparison; twice each, alternated: the median time
  and the highest peak):
  ``tuttotal run --lad E07000114 --spend FILE`` in a new process, with the
  resident memory of the process and every process it starts (worker,
  kernel) summed, sampled every 0.05 s.

Targets (issue 14): the 1M file adds at most 8x the baseline's time to a run
(the run with it, less the run with 10 rows); peak memory of the whole run
under 1 GiB. Absurd files are refused before memory fills: a 2 GB file of NUL
bytes (sparse), a 900 MB one (under the size limit: the NUL scan refuses it)
and a file whose second line is 300 MB; time and peak memory of each refusal
are printed. Exits 1 when a target is missed.

Usage, from the repository::

    python benchmarks/spend.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
THANET = "E07000114"
SIZES = (10_000, 100_000, 1_000_000)
TARGET_RATIO = 8.0
TARGET_MEMORY_GIB = 1.0
RUNS = 2  # whole runs of each file: the median time, the highest peak


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024**2:.0f} GiB RAM"
    except OSError:
        pass
    return f"{cores} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def write_spend(path: Path, rows: int, data_dir: Path, seed: int = 14) -> None:
    """A spend file of ``rows`` rows for Thanet, the same bytes for the same arguments."""
    import numpy as np

    wards = [
        f["properties"]["WD13CD"]
        for f in json.loads((data_dir / "wards-2013" / f"{THANET}.geojson").read_text())["features"]
    ]
    areas = np.array([*wards, THANET, "*"])
    agencies = [
        ("Thanet District Council", "council"),
        ("Kent County Council", "council"),
        ("NHS Eastern and Coastal Kent", "nhs"),
        ("Kent Police", "police"),
        ("Kent Fire and Rescue Service", "fire"),
        ("Jobcentre Plus", "dwp"),
        ("Home Office", "central"),
    ]
    functions = np.array(["01", "03", "04", "05", "06", "07", "07.1", "08", "09", "10", "10.2"])
    rng = np.random.default_rng(seed)
    agency = rng.integers(0, len(agencies), rows)
    area = areas[rng.integers(0, len(areas), rows)]
    function = functions[rng.integers(0, len(functions), rows)]
    pence = rng.integers(1, 10_000_000, rows)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("year,agency,agency_type,area_code,function,amount_gbp\n")
        for i in range(rows):
            name, kind = agencies[agency[i]]
            f.write(f"2008-09,{name},{kind},{area[i]},{function[i]},{pence[i] // 100}.{pence[i] % 100:02d}\n")


def child(code: str, env: dict) -> dict:
    """Run ``code`` in a new Python process; it prints one JSON line, returned with the peak memory."""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


READ = """
import json, time, pandas as pd, warnings
import pyarrow.compute, pyarrow.csv, pyarrow.parquet  # imported before the clock, as a running count has them
from tuttotal.data import spend
from tuttotal.errors import TuttotalError
warnings.simplefilter("ignore")
path = {path!r}
t = time.perf_counter(); pd.read_csv(path, dtype=str); baseline = time.perf_counter() - t
t = time.perf_counter(); table = spend.read_spend(path); cold = time.perf_counter() - t
t = time.perf_counter(); spend.read_spend(path); warm = time.perf_counter() - t
print(json.dumps({{"baseline": baseline, "cold": cold, "warm": warm, "rows": len(table),
                  "pence": int(table.amount_pence.sum())}}))
"""

REFUSE = """
import json, time
def peak_mib():  # this process's own peak (ru_maxrss would count the parent's memory from before exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
from tuttotal.data import spend
from tuttotal.errors import TuttotalError
t = time.perf_counter()
try:
    spend.read_spend({path!r}); message = "read!"
except TuttotalError as exc:
    message = str(exc).splitlines()[0]
print(json.dumps({{"seconds": time.perf_counter() - t, "message": message,
                  "peak_mib": peak_mib()}}))
"""


def whole_run(spend: Path, output: Path, env: dict) -> tuple[float, float, int]:
    """Seconds, peak GiB of the process tree (summed) and exit code of ``tuttotal run`` with ``spend``."""
    import psutil

    command = [sys.executable, "-m", "tuttotal", "run", "--lad", THANET, "--spend", str(spend), "--output", str(output)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    root = psutil.Process(process.pid)
    peak = 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if process.returncode:
        sys.stderr.write(process.stderr.read().decode())
    return seconds, peak / 1024**3, process.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("TUTTOTAL_DATA_DIR", str(REPO.parent / "shared" / "data")))
    parser.add_argument("--repeat", type=int, default=3, help="runs of the 10k and 100k reads (median)")
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    started = time.perf_counter()
    print(f"machine: {machine()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} (other work on the machine makes every number slower)\n")
    with tempfile.TemporaryDirectory(prefix="tuttotal-bench-spend-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "TUTTOTAL_DATA_DIR": str(data_dir), "MPLBACKEND": "Agg"}
        # Boundaries, drivers and the real data's caches are shared and warmed first; the spend cache is per run.
        shared_cache = work / "cache"
        files = {}
        for rows in (10, *SIZES):
            files[rows] = work / f"spend_{rows}.csv"
            write_spend(files[rows], rows, data_dir)
        print("1. Reading a spend file (in this process's children; seconds, median of runs for 10k and 100k)")
        print(
            f"{'rows':>10} {'MB':>6} {'read_csv dtype=str':>19} {'read_spend cold':>16} {'ratio':>6}"
            f" {'warm (cache)':>13}"
        )
        reads = {}
        for rows in SIZES:
            runs = []
            for i in range(1 if rows == SIZES[-1] else args.repeat):
                cache = work / f"cache-read-{rows}-{i}"
                runs.append(child(READ.format(path=str(files[rows])), {**env, "TUTTOTAL_CACHE_DIR": str(cache)}))
            r = {k: statistics.median(run[k] for run in runs) for k in ("baseline", "cold", "warm")}
            assert all(run["rows"] == rows for run in runs), "every row read"
            reads[rows] = {**r, "rows": runs[0]["rows"], "pence": runs[0]["pence"]}
            size = files[rows].stat().st_size / 1e6
            print(
                f"{rows:>10,} {size:>6.1f} {r['baseline']:>17.3f} s {r['cold']:>14.3f} s"
                f" {r['cold'] / r['baseline']:>5.1f}x"
                f" {r['warm']:>11.3f} s"
            )
        print("\n2. The whole run: tuttotal run --lad E07000114 --spend FILE (a new process; memory of every process)")
        whole_run(files[10], work / "warm-up", {**env, "TUTTOTAL_CACHE_DIR": str(shared_cache)})  # fill the caches
        smalls, bigs = [], []
        for i in range(RUNS):  # alternated, so that a busy moment of the machine hits both alike
            cache = {**env, "TUTTOTAL_CACHE_DIR": str(shared_cache)}
            smalls.append(whole_run(files[10], work / f"out-10-{i}", cache))
            shutil.rmtree(shared_cache / "spend", ignore_errors=True)  # every 1M run parses its file
            bigs.append(whole_run(files[SIZES[-1]], work / f"out-1m-{i}", cache))
        small = (statistics.median(r[0] for r in smalls), max(r[1] for r in smalls), max(r[2] for r in smalls))
        big = (statistics.median(r[0] for r in bigs), max(r[1] for r in bigs), max(r[2] for r in bigs))
        baseline = child(
            "import json, time, pandas as pd; t = time.perf_counter(); "
            f"pd.read_csv({str(files[SIZES[-1]])!r}, dtype=str); print(json.dumps(time.perf_counter() - t))",
            env,
        )
        added = big[0] - small[0]
        ratio = added / baseline
        print(
            f"   10 rows           {small[0]:6.1f} s   peak {small[1]:.2f} GiB   exit {small[2]}   (median of {RUNS})"
        )
        print(f"   1,000,000 rows    {big[0]:6.1f} s   peak {big[1]:.2f} GiB   exit {big[2]}   (median of {RUNS})")
        print(f"   pandas.read_csv(dtype=str) of the 1M file, measured just after: {baseline:.2f} s")
        print(
            f"   the 1M file adds {added:.1f} s = {ratio:.1f}x read_csv   target <= {TARGET_RATIO:.0f}x: "
            f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}"
        )
        print(
            f"   peak memory of the whole run {big[1]:.2f} GiB   target < {TARGET_MEMORY_GIB:.0f} GiB: "
            f"{'met' if big[1] < TARGET_MEMORY_GIB else 'MISSED'}"
        )
        summary = json.loads((work / "out-1m-0" / THANET / "summary.json").read_text())
        counted = round(float(summary["totals"]["input_gbp"]) * 100)
        print(
            f"   counted £{counted / 100:,.2f}; the file's own sum £{reads[SIZES[-1]]['pence'] / 100:,.2f}: "
            f"{'every penny' if counted == reads[SIZES[-1]]['pence'] else 'DIFFERENT'}"
        )

        print("\n3. Absurd files, refused before memory fills (a new process each; peak resident memory)")
        nul_2gb = work / "nul_2gb.csv"
        with open(nul_2gb, "wb") as f:
            f.truncate(2 * 1024**3)  # sparse: takes no disk
        nul_900mb = work / "nul_900mb.csv"
        with open(nul_900mb, "wb") as f:
            f.truncate(900 * 1024**2)
        long_line = work / "long_line.csv"
        with open(long_line, "wb") as f:
            f.write(b"year,agency,agency_type,area_code,function,amount_gbp\n")
            block = b"a" * (1024**2)
            for _ in range(300):
                f.write(block)
        refusals_ok = True
        for path, what in (
            (nul_2gb, "2 GB of NUL bytes"),
            (nul_900mb, "900 MB of NUL bytes"),
            (long_line, "a 300 MB line"),
        ):
            r = child(REFUSE.format(path=str(path)), {**env, "TUTTOTAL_CACHE_DIR": str(work / "cache-refuse")})
            refusals_ok &= r["message"] != "read!" and r["peak_mib"] < 512
            print(f"   {what:<20} {r['seconds']:6.3f} s  peak {r['peak_mib']:5.0f} MiB  {r['message'][:110]}")
    met = ratio <= TARGET_RATIO and big[1] < TARGET_MEMORY_GIB and big[2] == 0 and refusals_ok
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s; load average at end: {os.getloadavg()[0]:.2f}")
    return 0 if met else 1


if __name__ == "__main__":
    from publish import published

    with published("spend", sys.argv):
        status = main()
    sys.exit(status)
