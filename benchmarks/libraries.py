"""Hand-written copies of libraries against the libraries, in whole place runs: every figure from this one run.

Issue 22 keeps a copy of a library only where it saves at least 20% of a
whole place run or batch. For each copy, a whole place run (Kent, 12 LADs)
and a batch of places (several pilots counted one after another in one
process, as a warm kernel runs them) are timed with the copy and with the
library swapped in, each in a new Python process (nothing warm carries from
one to the other), alternated, ``--repeat`` times; the median is quoted.

A place run here is what the report notebook does for a place, in one
process: ``report.prepare(...)`` then ``write_all()`` (every figure, table,
summary and datapackage), from after ``import tuttotal.report`` to the last
file. The notebook's kernel and the report page add time to both sides, so
the share saved of a ``tuttotal run`` is smaller still.

The copies, and the library each is measured against:

* ``canvas``: ``tuttotal.figures.canvas`` (an Agg canvas that skips idle
  draws, shares text measures across renderers, finds the trimmed box without
  a draw) against a plain ``FigureCanvasAgg`` and ``savefig(bbox_inches="tight")``;
* ``classify``: the numpy class bounds of ``tuttotal.figures.classify``
  against mapclassify's ``Quantiles``, ``FisherJenks`` and ``EqualInterval``
  (mapclassify imported in the run, as a kernel would).

Usage, from the repository::

    python benchmarks/libraries.py --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publish import machine, published

PLACE = ["kent"]
BATCH = ["herefordshire", "croydon", "lewisham"]
COPIES = ("canvas", "classify")
THRESHOLD = 0.20


#: The commit whose copies the results were measured on: since then both are gone (the libraries replace them).
MEASURED_AT = "b603a39"


def use_library(copy: str) -> None:
    """Swap the library in for the copy named ``copy``, in this process (at :data:`MEASURED_AT`)."""
    from tuttotal.figures import canvas, classify

    if copy == "canvas" and hasattr(canvas, "_canvas_class"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        canvas._canvas_class = lambda: FigureCanvasAgg
        canvas.ReportFigure._trimmed_box = lambda self, dpi: "tight"
    elif copy == "classify" and hasattr(classify, "BINS"):

        def bins(name: str):
            def compute(values, k):
                import warnings

                import mapclassify

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    return getattr(mapclassify, name)(values, k=k).bins

            return compute

        classify.BINS.update({name: bins(name) for name in classify.BINS})
    else:
        raise SystemExit(
            f"the {copy} copy is gone (the library replaced it): check out commit {MEASURED_AT} to measure it again"
        )


def child(copy: str, variant: str, places: list[str], output: str) -> None:
    """One measured process: the places counted and written, with the copy or the library."""
    from tuttotal import report

    start = time.perf_counter()
    if variant == "library":
        use_library(copy)
    for place in places:
        report.prepare(place=place, output_dir=os.path.join(output, place)).write_all()
    print(json.dumps({"seconds": time.perf_counter() - start}))


def measure(copy: str, variant: str, places: list[str], env: dict) -> tuple[float, float]:
    """Wall seconds of the run (from the child) and the CPU seconds (user + system) of its process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory(prefix="tuttotal-libraries-") as output:
        done = subprocess.run(
            [sys.executable, __file__, "--child", copy, variant, output, *places],
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode:
        raise RuntimeError(f"{copy} {variant} {places}: {done.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"], cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", default=os.environ.get("TUTTOTAL_DATA_DIR", ""))
    parser.add_argument("--repeat", type=int, default=2, help="runs of each variant, alternated (median quoted)")
    parser.add_argument("--copies", nargs="*", default=list(COPIES), choices=COPIES)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        copy, variant, output, *places = args.child
        child(copy, variant, places, output)
        return 0
    env = {**os.environ, "MPLBACKEND": "Agg"}
    if args.data_dir:
        env["TUTTOTAL_DATA_DIR"] = str(Path(args.data_dir).resolve())
    with published("libraries", sys.argv):
        print(f"machine: {machine()}")
        print(f"runs: {args.repeat} of each variant, alternated copy/library, each in a new process; medians\n")
        print("wall: seconds of the run; cpu: user + system seconds of its process (the import of Python included)")
        print(
            f"{'copy':<9} {'run':<30} {'wall: copy':>10} {'library':>8} {'saves':>6}"
            f" {'cpu: copy':>10} {'library':>8} {'saves':>6}  verdict (keep at >= 20%)"
        )
        for copy in args.copies:
            for label, places in (("place: " + ", ".join(PLACE), PLACE), ("batch: " + ", ".join(BATCH), BATCH)):
                measure(copy, "copy", places[:1], env)  # warm-up: the disk caches filled, the files read once
                times: dict[str, list[tuple[float, float]]] = {"copy": [], "library": []}
                for _ in range(args.repeat):
                    for variant in ("copy", "library"):
                        times[variant].append(measure(copy, variant, places, env))
                row, shares = [], []
                for i in (0, 1):  # wall, cpu
                    mine = statistics.median(t[i] for t in times["copy"])
                    theirs = statistics.median(t[i] for t in times["library"])
                    shares.append((theirs - mine) / theirs)
                    row.append(f"{mine:10.1f} {theirs:8.1f} {shares[-1]:6.1%}")
                verdict = "keep" if min(shares) >= THRESHOLD else "use the library"
                name = label if len(label) <= 30 else label[:27] + "..."
                print(f"{copy:<9} {name:<30} {row[0]} {row[1]}  {verdict}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
