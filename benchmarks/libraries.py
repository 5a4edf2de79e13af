"""Hand-written copies of libraries against the libraries, in whole place runs: every figure from this one run.

Issue 22 keeps a copy of a library only where it saves at least 20% of a
whole place run or batch. For each copy, a whole place run (Kent, 12 LADs)
and a batch of places (several pilots counted one after another in one
process, as a warm kernel runs them) are timed with the copy and with the
library swapped in, each in a new Python process (nothing warm carries from
one to the other), alternated, ``--repeat`` times; the median is quoted.

A place run here is what the report notebook does for a place, in one
process: ``report.prepare(...)`` then ``write_outputs()`` (every figure, table,
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

``--parts`` measures the copies left, each a small part of a place run,
inside one (Kent) and against its library on the same inputs, first in a
process and again: the areal interpolation (tobler; and the overlay alone, the
per-LAD work of England's national overlay), ``datapackage.json`` (the
hand-written writer, in the tree, against frictionless' of commit
:data:`DATAPACKAGE_LIBRARY_AT`, read from git; in a Kent run and in a batch of
single-LAD areas), ``report.html``'s passes
(nbconvert's own exporter), the focus labels (adjustText, both ward maps kept
in ``--pictures``) and the map classes (mapclassify with and without numba,
``FisherJenksSampled``); its results go to
``docs/benchmarks/results/libraries_parts.txt``.

Usage, from the repository::

    python benchmarks/libraries.py --data-dir ../shared/data
    python benchmarks/libraries.py --parts --numba-path FOLDER_WITH_NUMBA --pictures FOLDER
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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
#: A batch of single-LAD areas, as ``benchmarks/batch.py`` section 3 runs them: the second is measured, warm.
BATCH_AREAS = ["E06000001", "E06000002"]
COPIES = ("canvas", "classify")
THRESHOLD = 0.20


#: The commit whose copies the results were measured on: since then both are gone (the libraries replace them).
MEASURED_AT = "b603a39"
#: The commit whose copies ``--parts`` measured: since then report.html's regex passes are gone (nbconvert's own).
PARTS_MEASURED_AT = "f29fe80"
#: The last commit with frictionless' ``datapackage.json`` writer (``Resource.infer``, ``validate``, ``Package``): the
#: tree's is the hand-written one again, kept by this script's ``datapackage_area`` figure.
DATAPACKAGE_LIBRARY_AT = "53409e6"


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
    from tuttotal.writers.place import write_outputs

    start = time.perf_counter()
    if variant == "library":
        use_library(copy)
    for place in places:
        write_outputs(report.prepare(place=place, output_dir=os.path.join(output, place)))
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
    parser.add_argument("--parts", action="store_true", help="the parts of a place run: " + ", ".join(PARTS))
    parser.add_argument("--numba-path", default="", help="a folder holding numba, for the classes' numba variant")
    parser.add_argument("--pictures", default="", help="where the parts keep the ward maps of both labellings")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--child-parts", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-classes", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_parts:
        parts_child(int(args.child_parts[0]), *args.child_parts[1:])
        return 0
    if args.child_classes:
        classes_child(*args.child_classes)
        return 0
    if args.child:
        copy, variant, output, *places = args.child
        child(copy, variant, places, output)
        return 0
    env = {**os.environ, "MPLBACKEND": "Agg"}
    if args.data_dir:
        env["TUTTOTAL_DATA_DIR"] = str(Path(args.data_dir).resolve())
    if args.parts:
        with published("libraries_parts", [sys.argv[0], "--parts", "--repeat", str(args.repeat)], script="libraries"):
            print(f"machine: {machine()}")
            parts(args, env)
        return 0
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


# --------------------------------------------------------------------------- the parts of one place run
#
# The copies left after canvas and classify: each is timed inside one place run (how long the copy
# took there) and then against its library on the same inputs, in the same process, ``--repeat``
# times (median). A part's share is (library - copy) / the place run: what keeping the copy saves.

PARTS = ("interpolate", "datapackage", "html", "labels", "classes")


class Stopwatch:
    """Wraps a module's function: its calls, their wall and CPU seconds, and the first call's arguments."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name, self.inner = module, name, getattr(module, name)
        self.calls, self.wall, self.cpu, self.first, self.every = 0, 0.0, 0.0, None, []
        setattr(module, name, self)

    def __call__(self, *args, **kwargs):
        if self.first is None:
            self.first = (args, kwargs)
        self.every.append((args, kwargs))
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return self.inner(*args, **kwargs)
        finally:
            self.calls += 1
            self.wall += time.perf_counter() - start
            self.cpu += time.process_time() - cpu


def timed(function, repeat: int) -> tuple[float, float, float, float]:
    """Wall and CPU seconds of the first call of ``function()`` (its imports, templates: what one place run pays),
    then the median of ``repeat`` more (what a warm kernel's next place pays)."""
    walls, cpus = [], []
    for _ in range(repeat + 1):
        start, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return walls[0], cpus[0], statistics.median(walls[1:]), statistics.median(cpus[1:])


def tobler_drivers(wards, lsoa_files: dict, values):
    """The ward drivers' interpolation by PySAL's ``tobler.area_weighted.area_interpolate``, LAD by LAD.

    Counts are extensive; a rate moves as its count (rate x population), divided
    by the population moved: the method of :func:`tuttotal.data.interpolate.interpolate`.
    """
    import warnings

    import pandas as pd
    from tobler.area_weighted import area_interpolate

    from tuttotal.data import interpolate, lsoa

    counts, rates = list(lsoa.COUNTS), list(lsoa.RATES)
    out = []
    for lad, path in lsoa_files.items():
        lsoas = interpolate.read_lsoas(path)
        frame = lsoas.join(values[counts + rates], on="lsoa11_code")
        for rate in rates:
            frame[f"{rate}__x"] = frame[rate] * frame["population"]
        lad_wards = wards[wards["lad_code"] == lad].to_crs(interpolate.BNG)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            moved = area_interpolate(
                frame, lad_wards, extensive_variables=counts + [f"{r}__x" for r in rates], allocate_total=False
            )
        moved.index = lad_wards["ward_code"].to_numpy()
        for rate in rates:
            moved[rate] = moved.pop(f"{rate}__x") / moved["population"].where(moved["population"] > 0)
        out.append(moved[counts + rates])
    return pd.concat(out)


def copy_drivers(wards, lsoa_files: dict, values):
    """The same interpolation by the copy: :mod:`tuttotal.data.interpolate`, the weights computed (a cold run)."""
    import pandas as pd

    from tuttotal.data import interpolate, lsoa

    weights = [
        interpolate.compute_area_weights(path, wards[wards["lad_code"] == lad].to_crs(interpolate.BNG))
        for lad, path in lsoa_files.items()
    ]
    return interpolate.interpolate(
        pd.concat(weights, ignore_index=True), values, extensive=list(lsoa.COUNTS), intensive=list(lsoa.RATES)
    )


def module_at(commit: str, path: str, name: str):
    """The module ``path`` of the repository as it was at ``commit`` (``git show``), imported as ``name``."""
    import types

    text = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parents[1]), "show", f"{commit}:{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(name)
    module.__file__ = f"{commit}:{path}"
    sys.modules[name] = module
    exec(compile(text, module.__file__, "exec"), module.__dict__)
    return module


def overlay_copy(wards, lsoas: dict):
    """The overlay alone (the LSOA files read beforehand), by the copy: ``interpolate.area_weights`` per LAD."""
    from tuttotal.data import interpolate

    return {lad: interpolate.area_weights(frame, wards[wards["lad_code"] == lad]) for lad, frame in lsoas.items()}


def overlay_tobler(wards, lsoas: dict):
    """The overlay alone by tobler: ``area_interpolate`` with the LSOA as a categorical variable (areas, no
    frequencies), the only public way to its LSOA x ward table of areas, which England's weights cache keeps."""
    import warnings

    import geopandas as gpd
    import numpy as np
    from tobler.area_weighted import area_interpolate

    out = {}
    for lad, frame in lsoas.items():
        source = gpd.GeoDataFrame({"lsoa": np.arange(len(frame))}, geometry=frame.geometry.to_numpy(), crs=frame.crs)
        target = gpd.GeoDataFrame(geometry=wards[wards["lad_code"] == lad].geometry.to_numpy(), crs=frame.crs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[lad] = area_interpolate(source, target, categorical_variables=["lsoa"], categorical_frequency=False)
    return out


def adjusttext_focus(ax, renderer, layout, focus_rows, all_focus, fontsize: float = 9, inside_ok: bool = False) -> None:
    """Focus ward labels placed by adjustText: each starts at its ward, pushed apart and off the focus wards."""
    from adjustText import adjust_text

    from tuttotal.figures.map_labels import MAP_LABEL_PT
    from tuttotal.figures.style import FOCUS_EDGE, TEXT_DARK

    box_style = {"boxstyle": "round,pad=0.25", "facecolor": "white", "edgecolor": "#9a9a9a", "linewidth": 0.6}
    texts, xs, ys = [], [], []
    for row in focus_rows:
        point = row.geometry.representative_point()
        xs.append(point.x)
        ys.append(point.y)
        texts.append(
            ax.text(
                point.x,
                point.y,
                str(row.ward_name),
                fontsize=MAP_LABEL_PT,
                fontweight="bold",
                color=TEXT_DARK,
                bbox=box_style,
                zorder=6,
                gid="focus-label",
            )
        )
        ax.plot([point.x], [point.y], marker="o", markersize=3, color=FOCUS_EDGE, zorder=7)
    adjust_text(
        texts,
        x=xs,
        y=ys,
        ax=ax,
        expand=(1.6, 2.0),
        ensure_inside_axes=True,
        arrowprops={"arrowstyle": "-", "color": "#333333", "linewidth": 0.8},
    )


def parts_child(repeat: int, output: str, pictures: str) -> None:
    """One process: a place run with the copies timed inside it, then each copy against its library."""
    import numpy as np

    from tuttotal import report, settings
    from tuttotal.data import interpolate, lsoa, sources, ward_drivers
    from tuttotal.figures import classify, maps
    from tuttotal.run import report_page
    from tuttotal.writers import datapackage
    from tuttotal.writers.place import save_figure, write_outputs

    watches = {
        "interpolate": Stopwatch(ward_drivers, "ward_driver_table"),
        "datapackage": Stopwatch(datapackage, "write_datapackage"),
        "labels": Stopwatch(maps, "label_focus"),
        "classes": Stopwatch(classify, "class_bounds"),
    }
    start, cpu = time.perf_counter(), time.process_time()
    place = report.prepare(place=PLACE[0], output_dir=os.path.join(output, PLACE[0]))
    write_outputs(place)
    run = (time.perf_counter() - start, time.process_time() - cpu)
    print(json.dumps({"part": "run", "wall": run[0], "cpu": run[1]}))
    for name, watch in watches.items():
        print(json.dumps({"part": name, "in_run": [watch.wall, watch.cpu], "calls": watch.calls}))
    folder = Path(output) / PLACE[0]
    rows = []

    # (a) interpolation, cold: the copy's overlay weights and sums against tobler's area_interpolate
    wards = place.wards
    root = settings.data_root()
    lsoa_files = sources.lsoa_paths(sorted(wards["lad_code"].unique()), root, download=False)
    values = lsoa.lsoa_table(root, download=False).set_index("lsoa11_code")
    copy_time = timed(lambda: copy_drivers(wards, lsoa_files, values), repeat)
    library_time = timed(lambda: tobler_drivers(wards, lsoa_files, values), repeat)
    ours, theirs = copy_drivers(wards, lsoa_files, values), tobler_drivers(wards, lsoa_files, values)
    gap = float(np.nanmax(np.abs(ours.to_numpy() - theirs.reindex(ours.index)[ours.columns].to_numpy())))
    rows.append(("interpolate", copy_time, library_time, f"{len(lsoa_files)} LADs cold; largest difference {gap:.2g}"))

    # (a') the overlay alone, LAD by LAD: the work England's national overlay does for each of its 326 LADs
    bng = wards.to_crs(interpolate.BNG)
    lsoas = {lad: interpolate.read_lsoas(path) for lad, path in lsoa_files.items()}
    rows.append(
        (
            "overlay",
            timed(lambda: overlay_copy(bng, lsoas), repeat),
            timed(lambda: overlay_tobler(bng, lsoas), repeat),
            f"{len(lsoas)} LADs, LSOA files read beforehand; the national overlay's per-LAD work",
        )
    )

    # (b) datapackage.json: the tree's hand-written writer against frictionless' (as at DATAPACKAGE_LIBRARY_AT)
    args, kwargs = watches["datapackage"].first
    library = module_at(DATAPACKAGE_LIBRARY_AT, "tuttotal/writers/datapackage.py", "datapackage_library")
    copy_time = timed(lambda: watches["datapackage"].inner(*args, **kwargs), repeat)
    in_run = watches["datapackage"]
    copy_time = (in_run.wall, in_run.cpu, *copy_time[2:])  # its first call is the one the run made
    library_time = timed(lambda: library.write_datapackage(*args, **kwargs), repeat)  # imports frictionless first
    rows.append(
        (
            "datapackage",
            copy_time,
            library_time,
            f"{len(list(folder.glob('*.csv')))} CSVs; the library as at {DATAPACKAGE_LIBRARY_AT}; copy: first call in "
            "run",
        )
    )

    # (c) report.html: the regex accessibility pass against nbconvert's own (BeautifulSoup) exporter
    notebook = Path(pictures) / "report.ipynb"
    if not hasattr(report_page, "accessible"):
        print(json.dumps({"part": "html", "gone": f"the copy is gone: check out commit {PARTS_MEASURED_AT}"}))
    elif notebook.is_file():
        import nbformat
        from nbconvert import HTMLExporter

        node = nbformat.read(notebook, as_version=4)
        mine = report_page.report_exporter(False)
        library = HTMLExporter(
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, optimistic_validation=True
        )
        copy_time = timed(lambda: mine.from_notebook_node(node), repeat)  # the first call loads the templates
        library_time = timed(lambda: library.from_notebook_node(node), repeat)
        same = mine.from_notebook_node(node)[0] == library.from_notebook_node(node)[0]
        note = f"{notebook.stat().st_size / 1e6:.1f} MB notebook; same bytes: {same}"
        rows.append(("html", copy_time, library_time, note))

    # (d) focus labels: the copy's search against adjustText, on the ward map (both PNGs kept)
    figure_args = {}
    for variant, function in (("copy", watches["labels"].inner), ("library", adjusttext_focus)):
        maps.label_focus = function
        figure_args[variant] = timed(  # the first call imports adjustText
            lambda: save_figure(place.maps.draw_ward_map(), folder / "ward_map_timed.png"), repeat
        )
        save_figure(place.maps.draw_ward_map(), Path(pictures) / f"ward_map_labels_{variant}.png")
    rows.append(("labels", figure_args["copy"], figure_args["library"], "the whole ward map drawn each way"))
    for row in rows:
        print(json.dumps({"part": row[0], "copy": row[1], "library": row[2], "note": row[3]}))
    calls = [(np.asarray(a[0], dtype=float).tolist(), a[1], a[2]) for a, _ in watches["classes"].every]
    (Path(pictures) / "class_calls.json").write_text(json.dumps(calls))

    # (b') datapackage.json in a batch of single-LAD areas (benchmarks/batch.py section 3): a warm process's next area,
    # BATCH_AREAS[1] after BATCH_AREAS[0], its prepare + write_outputs timed, then copy against library on its folder
    for code in BATCH_AREAS:
        area_start, area_cpu = time.perf_counter(), time.process_time()
        area = report.prepare(lads=[code], output_dir=os.path.join(output, code))
        write_outputs(area)
        area_time = (time.perf_counter() - area_start, time.process_time() - area_cpu)
    args, kwargs = watches["datapackage"].every[-1]
    area_row = (
        "datapackage_area",
        timed(lambda: watches["datapackage"].inner(*args, **kwargs), repeat),
        timed(lambda: library.write_datapackage(*args, **kwargs), repeat),
        f"{len(list((Path(output) / code).glob('*.csv')))} CSVs of {code}, a warm process's next single-LAD "
        f"area (prepare + write_outputs {area_time[0]:.2f} s wall, {area_time[1]:.2f} s cpu: the base of 'again')",
        area_time,
    )
    print(json.dumps(dict(zip(("part", "copy", "library", "note", "base"), area_row, strict=True))))
    shutil.rmtree(folder, ignore_errors=True)


def classes_child(variant: str, calls_file: str) -> None:
    """A new process: mapclassify imported, then the class bounds of every call of the place run.

    ``variant``: ``installed`` (mapclassify as installed here), ``sampled``
    (``FisherJenksSampled`` for natural breaks). With numba on ``PYTHONPATH``
    mapclassify compiles its Fisher-Jenks when it is imported.
    """
    import warnings

    import numpy as np

    calls = json.loads(Path(calls_file).read_text())
    start, cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import mapclassify
        from mapclassify.classifiers import HAS_NUMBA

        imported = time.perf_counter() - start
        from tuttotal.figures.classify import SCHEMES, scheme_key

        bounds = []
        for values, scheme, k in calls:
            name = SCHEMES[scheme_key(scheme)][0]
            if variant == "sampled" and name == "FisherJenks":
                name = "FisherJenksSampled"
            bounds.append(getattr(mapclassify, name)(np.asarray(values), k=k).bins.tolist())
    schemes = sorted({scheme for _, scheme, _ in calls})
    # natural breaks, as the explorer draws them (the place run draws quantiles): the largest call's values, k=5
    largest = np.asarray(max((values for values, _, _ in calls), key=len))
    natural, natural_cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        name = "FisherJenksSampled" if variant == "sampled" else "FisherJenks"
        natural_bins = getattr(mapclassify, name)(largest, k=5).bins.tolist()
    natural, natural_cpu = time.perf_counter() - natural, time.process_time() - natural_cpu
    print(
        json.dumps(
            {
                "wall": time.perf_counter() - start,
                "cpu": time.process_time() - cpu,
                "import": imported,
                "numba": HAS_NUMBA,
                "bounds": bounds,
                "natural": [natural, natural_cpu],
                "natural_bins": natural_bins,
                "schemes": schemes,
                "sizes": sorted({len(v) for v, _, _ in calls}),
            }
        )
    )


def classes(calls_file: str, numba_path: str, env: dict, repeat: int) -> dict:
    """Each variant of the class bounds in ``repeat`` new processes, alternated: median wall and CPU, bounds."""
    variants = {"installed": env, "sampled": env}
    if numba_path:
        variants["numba"] = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [numba_path, env.get("PYTHONPATH")]))}
    found: dict[str, list[dict]] = {name: [] for name in variants}
    for _ in range(repeat):
        for name, variant_env in variants.items():
            done = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child-classes",
                    "sampled" if name == "sampled" else "installed",
                    calls_file,
                ],
                env=variant_env,
                capture_output=True,
                text=True,
                check=True,
            )
            found[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {
        name: {
            "wall": statistics.median(r["wall"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs),
            "import": statistics.median(r["import"] for r in runs),
            "natural": [statistics.median(r["natural"][i] for r in runs) for i in (0, 1)],
            **{key: runs[0][key] for key in ("numba", "bounds", "natural_bins", "schemes", "sizes")},
            "same": all(
                r["bounds"] == runs[0]["bounds"] and r["natural_bins"] == runs[0]["natural_bins"] for r in runs
            ),
        }
        for name, runs in found.items()
    }


def parts(args, env: dict) -> None:
    """The parts of a place run: the whole ``tuttotal run``, the run in one process, each copy and its library."""
    with tempfile.TemporaryDirectory(prefix="tuttotal-parts-") as scratch:
        scratch = Path(scratch)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "tuttotal", "run", "--place", PLACE[0], "--output", str(scratch / "run")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        whole = (time.perf_counter() - start, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        pictures = Path(args.pictures) if args.pictures else scratch / "pictures"
        pictures.mkdir(parents=True, exist_ok=True)
        shutil.copy(scratch / "run" / PLACE[0] / "report.ipynb", pictures / "report.ipynb")
        done = subprocess.run(
            [sys.executable, __file__, "--child-parts", str(args.repeat), str(scratch / "out"), str(pictures)],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(done.stderr[-3000:])
        found: dict[str, dict] = {}
        for line in done.stdout.strip().splitlines():
            if line.startswith("{"):
                row = json.loads(line)
                found.setdefault(row["part"], {}).update(row)
        bounds = classes(str(pictures / "class_calls.json"), args.numba_path, env, args.repeat)
    run = found.pop("run")
    print(
        f"whole place run ({PLACE[0]}): `tuttotal run` (kernel, notebook, report page) {whole[0]:.1f} s wall, "
        f"{whole[1]:.1f} s cpu; prepare + write_outputs in one process "
        f"{run['wall']:.1f} s wall, {run['cpu']:.1f} s cpu"
    )
    print("\nin the run: what each copy took inside prepare + write_outputs (a warm run: the disk caches filled)")
    for name in ("interpolate", "datapackage", "labels", "classes"):
        row = found[name]
        print(
            f"  {name:<12} {row['calls']:>3} call(s) {row['in_run'][0]:7.2f} s wall {row['in_run'][1]:7.2f} s cpu"
            f"  = {row['in_run'][1] / run['cpu']:6.1%} of the run's cpu"
        )
    print(
        "\ncopy against library on the same inputs, in one process: the first call (imports, templates: what one"
        f" place run pays), then the median of {args.repeat} more (a warm kernel's next place); saves = (library -"
        " copy) / the whole `tuttotal run` for the first call, / prepare + write_outputs for the next place (a"
        " batch's area); the copy is kept where either saves 20%"
    )
    print(
        f"{'part':<12} {'first, wall: copy':>17} {'library':>8} {'saves':>6} {'cpu: copy':>10} {'library':>8}"
        f" {'saves':>6} {'again, cpu: copy':>17} {'library':>8} {'saves':>6}  verdict (keep at >= 20%)  note"
    )
    for name in ("interpolate", "overlay", "datapackage", "datapackage_area", "html", "labels"):
        if "copy" not in found.get(name, {}):
            print(f"{name:<12} not measured ({found.get(name, {}).get('gone', 'no report notebook')})")
            continue
        row = found[name]
        # issue 22's rule: a copy stays where it saves 20% of a whole place run (the first call against the
        # whole `tuttotal run`) or of a batch (a warm kernel's next place: again, against prepare + write_outputs)
        # (a batch of single-LAD areas: the next area's own prepare + write_outputs)
        bases = (*whole, *row.get("base", (run["wall"], run["cpu"])))
        shares = [(row["library"][i] - row["copy"][i]) / base for i, base in enumerate(bases)]
        verdict = "keep" if min(shares[:2]) >= THRESHOLD or min(shares[2:]) >= THRESHOLD else "use the library"
        print(
            f"{name:<12} {row['copy'][0]:17.2f} {row['library'][0]:8.2f} {shares[0]:6.1%} {row['copy'][1]:10.2f}"
            f" {row['library'][1]:8.2f} {shares[1]:6.1%} {row['copy'][3]:17.2f} {row['library'][3]:8.2f}"
            f" {shares[3]:6.1%}  {verdict:<25} {row['note']}"
        )
    if "copy" in found.get("overlay", {}):
        row = found["overlay"]
        print(
            f"overlay: tobler / copy, first call {row['library'][0] / row['copy'][0]:.2f}x wall "
            f"{row['library'][1] / row['copy'][1]:.2f}x cpu, again {row['library'][2] / row['copy'][2]:.2f}x wall "
            f"{row['library'][3] / row['copy'][3]:.2f}x cpu: England's cold overlay (326 LADs, the national run's "
            "costliest step, benchmarks/england_geography.py) is this work LAD by LAD; its verdict is England's, "
            "not the place run's"
        )
    print(
        f"\nclasses: mapclassify's bounds of every call of the run ({', '.join(bounds['installed']['schemes'])}; "
        f"{', '.join(map(str, bounds['installed']['sizes']))} values), imported in a new process, "
        f"median of {args.repeat}"
    )
    reference, natural = bounds["installed"]["bounds"], bounds["installed"]["natural_bins"]
    largest = max(bounds["installed"]["sizes"])
    for name, row in bounds.items():
        print(
            f"  {name:<10} numba {row['numba']!s:<5} import {row['import']:5.2f} s, import + calls "
            f"{row['wall']:5.2f} s wall {row['cpu']:5.2f} s cpu = {row['cpu'] / run['cpu']:5.1%} of the run's cpu;"
            f" bounds as installed: {row['bounds'] == reference}, the same in every process: {row['same']}"
        )
        print(
            f"  {'':<10} natural breaks (k=5, {largest} values): {row['natural'][0]:5.3f} s wall "
            f"{row['natural'][1]:5.3f} s cpu; bounds as installed: {row['natural_bins'] == natural}"
        )


if __name__ == "__main__":
    sys.exit(main())
