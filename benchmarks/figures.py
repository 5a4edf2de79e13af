"""A report figure's PNG: matplotlib's ``savefig(bbox_inches="tight")`` against the box found without a draw.

``savefig(bbox_inches="tight")`` draws the whole figure once only to measure
the box to trim to, then draws it again into the PNG.
:func:`tuttotal.figures.canvas.trimmed_box` asks matplotlib's own
``Figure.get_tightbbox`` for that box on the renderer the figure was drawn
with, and hands it to ``savefig``. This script measures both ways on every
figure of real counts, in one process, checks that the bytes are the same,
and sets the time saved against what the area's whole ``prepare`` +
``write_outputs`` took (a warm process, as a batch's kernel runs an area).

Usage, from the repository (the real data root)::

    python benchmarks/figures.py [--data-dir ../shared/data] [--repeat 5]

The areas: ``E06000002`` (Middlesbrough, a single-LAD area of
``benchmarks/batch.py`` section 3, counted warm after ``E06000001``) and
Kent (12 LADs, a pilot place).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from publish import machine, published

AREAS = ({"lads": ["E06000001"]}, {"lads": ["E06000002"]}, {"place": "kent"})
MEASURED = (1, 2)  # the areas measured (the first only warms the process)


def png(fig, trimmed: bool) -> bytes:
    """``fig`` as a report PNG: ``savefig(bbox_inches="tight")`` (the baseline: two draws), or handed
    :func:`~tuttotal.figures.canvas.trimmed_box` (what ``ReportFigure.png`` does now: one)."""
    from tuttotal.figures.canvas import DPI, PAD_INCHES, PNG_OPTIONS, trimmed_box

    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=DPI,
        bbox_inches=trimmed_box(fig) if trimmed else "tight",
        pad_inches=PAD_INCHES,
        facecolor="white",
        pil_kwargs=PNG_OPTIONS,
    )
    return buffer.getvalue()


def cpu_median(function, repeat: int) -> float:
    """Median CPU seconds of ``repeat`` calls of ``function()``."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=os.environ.get("TUTTOTAL_DATA_DIR", "../shared/data"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ["TUTTOTAL_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("MPLBACKEND", "Agg")
    warnings.simplefilter("ignore")

    from tuttotal.report import prepare
    from tuttotal.writers.place import FIGURES, write_outputs

    with published("figures", sys.argv):
        print(f"machine: {machine()}")
        print(f"load average at the start: {os.getloadavg()[0]:.1f}; CPU seconds, median of {args.repeat}")
        same_everywhere = True
        with tempfile.TemporaryDirectory(prefix="tuttotal-figures-") as scratch:
            for n, area in enumerate(AREAS):
                start = time.process_time()
                count = prepare(**area, output_dir=os.path.join(scratch, str(n)))
                write_outputs(count)
                whole = time.process_time() - start
                if n not in MEASURED:
                    continue
                name = area.get("place") or " ".join(area["lads"])
                print(f"\n{name}: prepare + write_outputs {whole:.2f} s CPU (a warm process)")
                print(f"  {'figure':<24} {'tight':>7} {'trimmed':>8} {'ratio':>6}  same bytes")
                totals = [0.0, 0.0]
                for figure_name, entry in FIGURES.items():
                    fig = entry.draw(count)
                    if fig is None:
                        continue
                    same = png(fig, trimmed=False) == png(fig, trimmed=True)
                    same_everywhere &= same
                    tight = cpu_median(lambda fig=fig: png(fig, trimmed=False), args.repeat)
                    trimmed = cpu_median(lambda fig=fig: png(fig, trimmed=True), args.repeat)
                    totals[0] += tight
                    totals[1] += trimmed
                    print(f"  {figure_name:<24} {tight:7.3f} {trimmed:8.3f} {trimmed / tight:6.2f}  {same}")
                saved = totals[0] - totals[1]
                print(
                    f"  {'all':<24} {totals[0]:7.3f} {totals[1]:8.3f} {totals[1] / totals[0]:6.2f}  "
                    f"saves {saved:.2f} s = {saved / whole:.1%} of the area's prepare + write_outputs"
                )
        print(f"\nthe same bytes for every figure: {same_everywhere}")
    return 0 if same_everywhere else 1


if __name__ == "__main__":
    sys.exit(main())
