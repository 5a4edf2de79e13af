"""Where a warm batch area's processor time goes, and the least a batch's marginal second can be.

``benchmarks/batch.py`` section 3 measures the marginal second of an area in ``tuttotal run
--each-lad``; this script says what it is made of, each part measured in this one run on the
same LADs (the first ``--lads N`` of the data root in code order after ``--warm K`` areas that
warm the caches and the kernel, which are not counted; ``--rounds`` times, sections 1 and 2 one
after the other, since the machine's speed moves from minute to minute):

1. In one process, for each area in turn: the count (:func:`tuttotal.report.prepare`), its tables
   (:func:`tuttotal.writers.place_tables.place_tables`: the change by year, the cuts, the
   sensitivity, the bridge…), its figures (each drawn and rendered to PNG, the tables already made)
   and the files (:func:`tuttotal.writers.place.write_outputs`: the CSVs, ``summary.json``,
   ``datapackage.json``, ``web_map.json``; the figures' PNGs already rendered; less the time of
   making the tables a second time, which ``write_outputs`` does). Processor time.
2. The same LADs as a batch, ``tuttotal run --each-lad … --workers 1`` (the batch runs in its own
   process, its warm kernel a child of it): the processor time of the kernel and of the process
   that drives it (papermill, nbclient, ``report.html``), read from both processes each time an area
   is reported done.
3. What the notebook adds: the batch's kernel and driver together, less the one-process total of
   section 1 (the Jupyter protocol, the notebook's displayed tables and text, papermill's
   notebook, ``report.html``), per round. Then the least a marginal second could be on ``--workers`` cores
   if counting and the tables cost nothing: (figures + files + notebook) / workers, against
   issue 12's target of 1.0 s.

Not a test; a few minutes. Run it on a quiet machine::

    python benchmarks/area_cost.py --data-dir ../shared/data [--lads 8] [--workers 2]

Needs ``psutil`` (``pip install -e ".[bench]"``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from batch import reference_seconds  # the machine's speed, as the batch benchmark measures it

REPO = Path(__file__).resolve().parents[1]
TARGET_S = 1.0  # issue 12: the marginal second of an area on this 2-core machine
PARTS = ("count", "tables", "figures", "files")


def lads_of(data_dir: Path, warm: int, count: int) -> list[str]:
    """The first ``warm + count`` LAD codes of the data root's ward files, in code order."""
    from tuttotal import settings

    codes = sorted(p.stem for p in settings.data_root(data_dir).wards_dir.glob("E*.geojson"))
    return codes[: warm + count]


def in_one_process(codes: list[str], warm: int, data_dir: Path, scratch: Path) -> list[dict[str, float]]:
    """Section 1: each area's count, tables, figures and files, in processor seconds (warm areas not kept)."""
    from tuttotal.report import prepare
    from tuttotal.writers.place import FIGURES, write_outputs
    from tuttotal.writers.place_tables import place_tables

    rows = []
    for index, code in enumerate(codes):
        clock = time.process_time()
        report = prepare(lads=[code], data_dir=str(data_dir))
        count_s = time.process_time() - clock
        clock = time.process_time()
        place_tables(report)
        tables_s = time.process_time() - clock
        each = {}
        for entry in FIGURES.values():
            clock = time.process_time()
            figure = entry.draw(report)
            if figure is not None:
                figure.png()
                each[f"figure {entry.file}"] = time.process_time() - clock
        figures_s = sum(each.values())
        clock = time.process_time()
        place_tables(report)  # again: write_outputs makes them again, which is not writing files
        again_s = time.process_time() - clock
        clock = time.process_time()
        write_outputs(report, scratch / code, with_web_map=True)
        files_s = time.process_time() - clock - again_s
        if index >= warm:
            rows.append({"count": count_s, "tables": tables_s, "figures": figures_s, "files": files_s, **each})
    return rows


def processor_seconds(process) -> float:
    """User + system seconds of a process so far."""
    times = process.cpu_times()
    return times.user + times.system


def in_a_batch(codes: list[str], warm: int, data_dir: Path, scratch: Path) -> list[dict[str, float]]:
    """Section 2: each area's processor seconds in the batch's kernel and in the process driving it."""
    import psutil

    env = {**os.environ, "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "tuttotal", "run", "--each-lad", *codes, "--data-dir", str(data_dir)]
    cmd += ["--workers", "1", "--output", str(scratch / "batch")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    driver = psutil.Process(proc.pid)
    marks: list[tuple[float, float]] = []  # (driver, kernel) seconds when an area is reported done
    output = []
    assert proc.stdout is not None
    for line in proc.stdout:
        output.append(line)
        if line.startswith("[") and "] ok" in line:
            kernel = sum(processor_seconds(child) for child in driver.children(recursive=True))
            marks.append((processor_seconds(driver), kernel))
    if proc.wait() != 0 or len(marks) != len(codes):
        raise SystemExit("the batch failed:\n" + "".join(output[-30:]))
    rows = []
    for index in range(max(warm, 1), len(marks)):
        (driver_before, kernel_before), (driver_after, kernel_after) = marks[index - 1], marks[index]
        rows.append({"kernel": kernel_after - kernel_before, "driver": driver_after - driver_before})
    return rows


def median(rows: list[dict[str, float]], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--lads", type=int, default=8, metavar="N", help="areas measured (after the warm ones)")
    parser.add_argument("--warm", type=int, default=2, metavar="K", help="areas run first and not counted")
    parser.add_argument("--rounds", type=int, default=3, help="one-process and batch passes, interleaved")
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)), help="cores of a batch")
    args = parser.parse_args()
    data_dir = Path(args.data_dir).resolve()
    warnings.simplefilter("ignore")  # the data's own notices (a repaired ward geometry) are not what is measured
    codes = lads_of(data_dir, args.warm, args.lads)
    measured = codes[args.warm :]
    print(f"machine speed now: a reference loop (pure Python, one core) takes {reference_seconds():.3f} s")
    print(
        f"areas: {measured[0]} to {measured[-1]} ({len(measured)}, each one LAD), after {args.warm} warm-up "
        f"area(s); {args.rounds} rounds, each in one process then in a batch; medians of the areas, processor seconds\n"
    )

    one: list[dict[str, float]] = []
    batch: list[dict[str, float]] = []
    notebooks, speeds = [], []
    for _ in range(args.rounds):  # interleaved: the machine's speed moves from minute to minute
        with tempfile.TemporaryDirectory(prefix="tuttotal-area-cost-") as scratch:
            speeds.append(reference_seconds())
            one_round = in_one_process(codes, args.warm, data_dir, Path(scratch))
            batch_round = in_a_batch(codes, args.warm, data_dir, Path(scratch))
            speeds.append(reference_seconds())
        one += one_round
        batch += batch_round
        notebooks.append(
            statistics.median(row["kernel"] + row["driver"] for row in batch_round)
            - statistics.median(sum(row[key] for key in PARTS) for row in one_round)
        )

    parts = {key: median(one, key) for key in PARTS}
    one_total = statistics.median(sum(row[key] for key in PARTS) for row in one)
    kernel, driver = median(batch, "kernel"), median(batch, "driver")
    batch_total = statistics.median(row["kernel"] + row["driver"] for row in batch)
    notebook = statistics.median(notebooks)
    print("1. In one process (report.prepare, place_tables, each figure drawn and rendered, write_outputs)")
    for key, label in (
        ("count", "the count"),
        ("tables", "the tables"),
        ("figures", "the figures (PNG)"),
        ("files", "the files"),
    ):
        print(f"   {label:38s} {parts[key]:6.2f} s   {parts[key] / one_total:5.1%}")
        if key == "figures":
            for name in sorted({name for row in one for name in row if name.startswith("figure ")}):
                times = [row.get(name, 0.0) for row in one]
                print(f"     {name[7:]:36s} {statistics.median(times):6.2f} s")
    print(f"   {'an area, in one process':38s} {one_total:6.2f} s")
    print()
    print("2. In a batch (tuttotal run --each-lad --workers 1)")
    print(f"   {'the kernel':38s} {kernel:6.2f} s")
    print(f"   {'its driver (papermill, report.html)':38s} {driver:6.2f} s")
    print(f"   {'an area, in a batch':38s} {batch_total:6.2f} s   {batch_total / one_total:4.2f}x the one-process area")
    print(f"   machine speed: the reference loop took {min(speeds):.3f} s to {max(speeds):.3f} s")
    print()
    floor = parts["figures"] + parts["files"] + notebook
    print("3. What an area costs a batch, and the least its marginal second can be")
    share = notebook / batch_total
    print(
        f"   {'the notebook (batch less one process)':38s} {notebook:6.2f} s   {share:5.1%} of a batch area "
        f"(median of the rounds' {', '.join(f'{n:.2f}' for n in notebooks)} s)"
    )
    print(
        f"   {'count and tables':38s} {parts['count'] + parts['tables']:6.2f} s   "
        f"{(parts['count'] + parts['tables']) / batch_total:5.1%}"
    )
    print(f"   {'figures, files and notebook':38s} {floor:6.2f} s   {floor / batch_total:5.1%}")
    as_it_is = f"marginal second on {args.workers} cores, as it is"
    print(f"   {as_it_is:38s} {batch_total / args.workers:6.2f} s   (a batch area / cores)")
    reach = "within reach" if floor / args.workers <= TARGET_S else "out of reach without drawing or publishing less"
    print(
        f"   {'the same with a free count and tables':38s} {floor / args.workers:6.2f} s   "
        f"target <= {TARGET_S} s (issue 12): {reach}"
    )
    return 0


if __name__ == "__main__":
    from publish import published

    with published("area_cost", sys.argv):
        status = main()
    sys.exit(status)
