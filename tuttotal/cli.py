"""The ``tuttotal`` command: list places, run place reports, fetch boundaries.

Exit codes: 0 all done; 1 one or more places failed (the others are still
written, and the summary says which and why); 2 bad usage or bad input found
before any work.

Examples
--------
.. code-block:: console

    $ tuttotal places
    $ tuttotal run                                   # the synthetic demo, offline
    $ tuttotal run --place kent --data-dir ../shared/data
    $ tuttotal run --lad E07000114 --focus-ward "Margate Central"
    $ tuttotal run --all --workers 2 --resume              # every pilot, in parallel
    $ tuttotal run --each-lad all --executor dask          # every local LAD as its own area
    $ tuttotal run --place kent --place durham --spend kent=kent.csv
    $ tuttotal data fetch --place kent
    $ tuttotal data fetch --england                         # every file a national run needs
    $ tuttotal england --year 2008-09 --prices 2016-17     # every LAD and ward of England

Several places run in parallel worker processes, each place on its own: a
place whose notebook fails, or whose input file is bad, is reported with
the notebook cell or the file and the cause, and the others are still
written (exit code 1). With one place, bad input is found before any work
(exit code 2).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from tuttotal import __version__, cache, settings
from tuttotal.analysis.deep_dive import check_theme
from tuttotal.data import datasets, places, sources
from tuttotal.data.deflators import financial_year
from tuttotal.data.limits import check_path, check_writable_folder
from tuttotal.data.outturn import TOTALS, read_year
from tuttotal.data.places import list_places
from tuttotal.data.spend import parse_year
from tuttotal.data.tabular import check_limits
from tuttotal.england.national_data import england_files, fetch_england_data
from tuttotal.errors import InputError, TuttotalError
from tuttotal.names import normalise
from tuttotal.run.batch import (
    PlaceJob,
    PlaceResult,
    RunOptions,
    absolute_job,
    check_inputs,
    clean_leftovers,
    is_up_to_date,
    notebook_path,
)
from tuttotal.run.england_run import run_england
from tuttotal.run.executors import default_workers, run_jobs
from tuttotal.run.pages import INDEX_HTML, INDEX_JSON, write_index


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tuttotal",
        description="Total Place counts for any English place: ward maps and theme breakdowns.",
    )
    parser.add_argument("--version", action="version", version=f"tuttotal {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    commands.add_parser("places", help="list places (slug, name, LADs, focus wards)")

    run = commands.add_parser(
        "run",
        help="run place reports (the synthetic demo when no place is given)",
        description="Run the report notebook for places and write outputs/<place>/.",
    )
    which = run.add_argument_group("what to run (default: the synthetic demo place)")
    which.add_argument(
        "--place", action="append", default=[], metavar="NAME", help="a place by slug or name; repeatable"
    )
    which.add_argument("--all", action="store_true", help=places.ALL_HELP)
    which.add_argument(
        "--lad", action="append", default=[], metavar="CODE", help="an area of English LAD(s); repeatable"
    )
    which.add_argument(
        "--each-lad",
        nargs="+",
        default=[],
        metavar="CODE",
        help="every LAD given as its own area (outputs/<LAD code>/); 'all' for every LAD whose "
        "boundaries are in the data folder or the cache",
    )
    data = run.add_argument_group("inputs")
    data.add_argument(
        "--focus-ward",
        action="append",
        default=[],
        metavar="WARD",
        help="ward name or code to outline and compare; repeatable",
    )
    data.add_argument(
        "--spend",
        action="append",
        default=[],
        metavar="[PLACE=]FILE",
        help="your spend count (CSV, XLSX, Parquet); default: the real top-down count. With several places, "
        "one per place as PLACE=FILE (e.g. kent=kent.csv); repeatable",
    )
    data.add_argument(
        "--drivers",
        action="append",
        default=[],
        metavar="[PLACE=]FILE",
        help="your driver table (area_code, driver, value); PLACE=FILE with several places",
    )
    data.add_argument("--year", default="", help="financial year to count, e.g. 2008-09")
    data.add_argument(
        "--data-dir",
        default=settings.env_data_dir(),
        metavar="DIR",
        help="data root laid out like ../shared/data (wards-2013/, lsoa-2011/, population/, deprivation/, "
        "lookups/…), or a folder of <LAD code>.geojson ward files (default: $TUTTOTAL_DATA_DIR)",
    )
    data.add_argument("--wards", action="append", default=[], metavar="FILE", help="your own boundary file; repeatable")
    data.add_argument(
        "--driver",
        default="",
        metavar="NAME",
        help="one driver for every function, e.g. population (default: each function's from data/themes.csv)",
    )
    data.add_argument(
        "--prices",
        default="",
        metavar="YEAR",
        help="series over years (the trend, the cuts) in real terms at the prices of YEAR, e.g. 2016-17, from "
        "HM Treasury's GDP deflator (default: cash)",
    )
    out = run.add_argument_group("outputs")
    out.add_argument("--output", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    out.add_argument("--notebook", default="place_report", help="notebook in notebooks/ to run (default: place_report)")
    out.add_argument("--show-code", action="store_true", help="keep code cells in report.html")
    out.add_argument(
        "--theme", default="", help="theme of the theme_deep_dive notebook (default: the reported or largest theme)"
    )
    out.add_argument(
        "--resume",
        action="store_true",
        help="skip places whose outputs are complete and made from the same inputs and parameters",
    )
    how = run.add_argument_group("how to run")
    how.add_argument("--workers", type=int, default=0, metavar="N", help="worker processes (default: the cores)")
    how.add_argument("--executor", choices=["local", "dask"], default="local", help="local processes or Dask")
    how.add_argument(
        "--scheduler", default="", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786"
    )
    how.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start a new kernel for every place (default: each worker reuses one, reset between places)",
    )

    england = commands.add_parser(
        "england",
        help="count every LAD and ward of England for a year (outputs/england/<year>/)",
        description="Count every LAD and ward of England for a year in one pass (notebooks/england.ipynb) and "
        "write outputs/england/<year>/: lads.csv, wards.csv, ward_theme.csv, regions.csv, reconciliation.csv, "
        "summary.json, datapackage.json and report.html.",
    )
    england.add_argument("--year", required=True, help="financial year to count, e.g. 2008-09 (2003-04 to 2017-18)")
    england.add_argument(
        "--prices",
        default="",
        metavar="YEAR",
        help="the tables in real terms at the prices of YEAR, e.g. 2016-17 (HM Treasury's GDP deflator; default: cash)",
    )
    england.add_argument(
        "--lads",
        nargs="+",
        default=[],
        metavar="CODE",
        help="count only these LADs of 2013 (each gets what a run of all England gives it), written to "
        "outputs/england/<year>-<LADs>/ (default: all 326)",
    )
    england.add_argument(
        "--scheduler", default="", metavar="ADDRESS", help="a running Dask scheduler, e.g. tcp://host:8786"
    )
    england.add_argument(
        "--out", "--output", dest="output", default="outputs", metavar="DIR", help="output folder (default: outputs)"
    )
    england.add_argument(
        "--data-dir",
        default=settings.env_data_dir(),
        metavar="DIR",
        help="data root laid out like ../shared/data (default: $TUTTOTAL_DATA_DIR)",
    )
    england.add_argument("--show-code", action="store_true", help="keep code cells in report.html")

    data_cmd = commands.add_parser("data", help="download and verify boundaries and the data the drivers need")
    data_sub = data_cmd.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    fetch = data_sub.add_parser(
        "fetch", help="download and hash-check ward and LSOA boundaries, populations, deprivation and lookups"
    )
    fetch.add_argument("--place", action="append", default=[], metavar="NAME")
    fetch.add_argument("--lad", action="append", default=[], metavar="CODE")
    fetch.add_argument("--all", action="store_true", help=places.ALL_HELP)
    fetch.add_argument(
        "--england",
        action="store_true",
        help="every file a national run needs: the ward and LSOA boundaries of all 326 LADs and every data file",
    )
    fetch.add_argument("--data-dir", default=settings.env_data_dir(), metavar="DIR")
    fetch.add_argument(
        "--boundaries-only",
        action="store_true",
        help="ward boundaries only (default: also the LSOA boundaries, populations and deprivation the drivers need)",
    )
    check = data_sub.add_parser(
        "check-outturn",
        help="read a Revenue Outturn (RS) workbook as the count would, and say what it holds or what is wrong",
    )
    check.add_argument("file", metavar="FILE", help="an RS workbook (.xls, or .xlsx for later releases)")
    check.add_argument("--year", required=True, metavar="YYYY-YY", help="the financial year it holds, e.g. 2012-13")

    cache_cmd = commands.add_parser("cache", help="list or empty the caches of parsed files and results")
    cache_sub = cache_cmd.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    cache_sub.add_parser("info", help="each cache: where it is, its entries and bytes")
    clear = cache_sub.add_parser("clear", help="empty every cache but the downloads, or the one named")
    clear.add_argument("name", nargs="?", metavar="NAME", help="one cache (see 'tuttotal cache info'), e.g. spend")
    orphans_help = "remove instead the files in the cache folder that no cache owns (listed by 'tuttotal cache info')"
    clear.add_argument("--orphans", action="store_true", help=orphans_help)
    return parser


def cmd_cache(args: argparse.Namespace) -> int:
    """``tuttotal cache info`` (a table of the caches) and ``tuttotal cache clear [NAME]`` (what was removed)."""
    if args.cache_command == "clear" and args.orphans:
        if args.name is not None:
            print("tuttotal: error: 'cache clear --orphans' takes no cache name", file=sys.stderr)
            return 2
        removed_files = cache.clear_orphans()
        print(f"removed {len(removed_files)} files that belonged to no cache from {settings.cache_dir()}")
        return 0
    if args.cache_command == "clear":
        on_disk = [row.name for row in cache.info() if row.kind != "memory"]
        if args.name is not None and args.name not in on_disk:
            known = ", ".join(on_disk)
            print(f"tuttotal: error: no cache on disk called {args.name!r}; known: {known}", file=sys.stderr)
            return 2
        removed = [row for row in cache.clear(args.name) if row.kind != "memory"]
        for row in removed:
            print(f"removed {row.entries} entries ({row.bytes / 1e6:,.1f} MB) of {row.name} from {row.where}")
        print("the caches of parsed files and results are empty" if args.name is None else f"{args.name} is empty")
        return 0
    rows = [row for row in cache.info() if row.kind != "memory"]  # a new process holds nothing in memory
    width = max(len(row.name) for row in rows)
    print(f"{'cache':<{width}}  {'entries':>7}  {'MB':>8}  folder (TUTTOTAL_CACHE_DIR: {settings.cache_dir()})")
    for row in rows:
        note = "  (kept by 'cache clear'; 'cache clear downloads' empties it)" if row.kind == "downloads" else ""
        print(f"{row.name:<{width}}  {row.entries:>7}  {row.bytes / 1e6:>8,.1f}  {row.where}{note}")
    print(f"{'total':<{width}}  {sum(r.entries for r in rows):>7}  {sum(r.bytes for r in rows) / 1e6:>8,.1f}")
    if left := cache.orphans():
        root, size = settings.cache_dir(), sum(path.stat().st_size for path in left) / 1e6
        print(f"\n{len(left)} files in {root} belong to no cache ({size:,.1f} MB, an older layout's; "
              "'tuttotal cache clear --orphans' removes them):")  # fmt: skip
        more = [f"  … and {len(left) - ORPHANS_SHOWN} more"] if len(left) > ORPHANS_SHOWN else []
        print(*[f"  {path.relative_to(root)}" for path in left[:ORPHANS_SHOWN]], *more, sep="\n")
    return 0


def cmd_data_check_outturn(args: argparse.Namespace) -> int:
    """Read one RS workbook with the count's reader: a summary, or the first problem (file, sheet, row, column)."""

    path = check_path(args.file, "check-outturn", must_exist=False)
    if not path.is_file():
        raise InputError("no such file", file=path, fix="give the path of an RS workbook")
    table = read_year(path, args.year)
    table = table[~table["service"].isin(list(TOTALS))]  # the RS's own totals are read beside the services
    sheet = table["sheet"].iloc[0] if len(table) else "?"
    print(
        f"{path.name}, sheet '{sheet}': {table['e_code'].nunique()} authorities, {table['service'].nunique()} "
        f"services, £{table['amount_pence'].sum() / 100:,.0f} of net current expenditure and benefits ({args.year})"
    )
    return 0


def _is_tty() -> bool:
    return sys.stderr.isatty() and not settings.in_ci()


def cmd_places() -> int:
    """Print the places table."""

    rows = list_places()
    width = max(len(p.slug) for p in rows)
    print(f"{'slug':<{width}}  {'status':<14} {'LADs':>4}  name; focus wards")
    for p in rows:
        focus = f"; focus: {', '.join(p.focus_wards)}" if p.focus_wards else ""
        print(f"{p.slug:<{width}}  {p.status:<14} {len(p.lads):>4}  {p.name}{focus}")
        print(f"{'':<{width}}  {'':<14}       {' '.join(p.lad_codes)}")
    return 0


#: How many of the files that belong to no cache ``tuttotal cache info`` names (the rest are counted).
ORPHANS_SHOWN = 10
_SLUGLIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _per_place(values: list[str], chosen: list, option: str) -> dict[str, str]:
    """``--spend``/``--drivers`` values as {slug: file}: ``FILE`` for one place, ``PLACE=FILE`` for any."""

    by_key = {}
    for place in chosen:
        by_key[place.slug.lower()] = place.slug
        by_key[normalise(place.name)] = place.slug
    mapping: dict[str, str] = {}
    for value in values:
        key, sep, path = value.partition("=")
        slug = (by_key.get(key.strip().lower()) or by_key.get(normalise(key))) if sep else None
        if slug is None and sep and _SLUGLIKE.match(key.strip()) and not Path(value).exists():
            raise InputError(
                f"{option} {value!r}: {key!r} is not one of the places of this run",
                fix=f"give {option} PLACE=FILE with PLACE one of: {', '.join(p.slug for p in chosen)}",
            )
        if slug is None:
            if len(chosen) > 1:
                raise InputError(
                    f"{option} {value} goes with one place, and this run has {len(chosen)}",
                    fix=f"name the place of each file: {option} {chosen[0].slug}={value}",
                )
            slug, path = chosen[0].slug, value
        if slug in mapping:
            raise InputError(f"{option} is given twice for {slug}", fix="give one file per place")
        mapping[slug] = path
    return mapping


def _each_lad(codes: list[str], data_dir: str) -> list[str]:
    if [c.lower() for c in codes] == ["all"]:
        found = datasets.available_lads(data_dir or None)
        if not found:
            raise InputError(
                "--each-lad all found no LAD boundary file in the data folder or the cache",
                fix="point --data-dir (or TUTTOTAL_DATA_DIR) at a folder of <LAD code>.geojson files, "
                "or fetch some first (tuttotal data fetch --lad CODE …)",
            )
        return found
    return codes


def _jobs(args: argparse.Namespace):
    notebook_path(args.notebook)
    chosen = [places.get_place(name) for name in args.place]
    if args.all:
        chosen += [p for p in places.pilot_places() if p not in chosen]
    if args.lad:
        chosen.append(places.area_from_lads(args.lad))
    for code in _each_lad(args.each_lad, args.data_dir):
        area = places.area_from_lads([code])
        if area not in chosen:
            chosen.append(area)
    if not chosen:
        chosen = [places.get_place("demo")]
    seen: set[str] = set()
    chosen = [p for p in chosen if not (p.slug in seen or seen.add(p.slug))]
    if args.theme:
        import papermill

        if "theme" not in papermill.inspect_notebook(str(notebook_path(args.notebook))):
            raise InputError(
                f"the notebook {args.notebook!r} takes no theme", fix="add --notebook theme_deep_dive, or drop --theme"
            )
    spend = _per_place(args.spend, chosen, "--spend")
    drivers = _per_place(args.drivers, chosen, "--drivers")
    if args.theme:
        _check_theme(args.theme, [p for p in chosen if p.slug not in spend and not p.is_synthetic])
    return [
        absolute_job(
            PlaceJob(
                place,
                year=args.year,
                focus_wards=tuple(args.focus_ward),
                spend_path=spend.get(place.slug, ""),
                drivers_path=drivers.get(place.slug, ""),
                data_dir=args.data_dir,
                wards_paths=tuple(args.wards),
                notebook=args.notebook,
                theme=args.theme,
                driver=args.driver.strip().lower(),
                prices=_prices(args.prices),
            )
        )
        for place in chosen
    ]


def _prices(value: str) -> str:
    """``--prices``: ``""`` for cash, or the financial year whose prices the series are in (checked at once)."""
    text = value.strip()
    if not text or text.lower() == "cash":
        return ""
    try:
        return financial_year(text)
    except (InputError, ValueError) as exc:
        raise InputError(
            f"--prices {value!r} is not a financial year",
            fix="give a year such as 2016-17 (HM Treasury's GDP deflator covers 1956-57 to 2018-19), or leave it out "
            "for cash",
        ) from exc


def _check_theme(theme: str, real: list) -> None:
    """Refuse a ``--theme`` that no real count has (its themes are those of ``data/themes.csv``), at once.

    A place with its own spend file (or the synthetic demo) may name themes of
    its own in the spend's ``theme`` column: :func:`tuttotal.run.batch.check_inputs`
    checks those once the spend is read.
    """
    if real:
        check_theme(theme)


def _check_paths(args: argparse.Namespace, jobs: list) -> None:
    """Refuse a FIFO, device, socket or symlink loop given to a path option, before anything is opened.

    A missing path passes: the reader of the file reports it in its own words.
    """
    if args.data_dir:
        check_path(args.data_dir, "--data-dir", folder=True, must_exist=False)
    for path in args.wards:
        check_path(path, "--wards", must_exist=False)
    for job in jobs:
        if job.spend_path:
            check_path(job.spend_path, "--spend", must_exist=False)
        if job.drivers_path:
            check_path(job.drivers_path, "--drivers", must_exist=False)
        if len(jobs) == 1:  # a bomb refused before the wards load (in a batch, its place fails alone)
            for path in (job.spend_path, job.drivers_path):
                if path:
                    check_limits(path)


def check_cache_folder() -> Path:
    """Refuse a cache folder (``TUTTOTAL_CACHE_DIR``) that cannot be made or written: exit code 2, before any work."""
    return check_writable_folder(
        settings.cache_dir(),
        "the cache folder",
        fix="set TUTTOTAL_CACHE_DIR to a folder you can write in, with free space (or unset it for the user cache)",
    )


def _check_year(year: str) -> None:
    if year:
        try:
            parse_year(year)
        except ValueError as exc:
            raise InputError(f"--year {year!r} {exc}", fix="write e.g. --year 2008-09") from None


def _notes(jobs, results) -> list[str]:
    """What the user must know about the spend of the places just written."""
    done = {r.slug for r in results if r.status == "ok"}
    synthetic = [j.place for j in jobs if j.place.slug in done and j.place.is_synthetic]
    real = [j.place for j in jobs if j.place.slug in done and not j.place.is_synthetic and not j.spend_path]
    notes = []
    if synthetic:
        notes.append("  (the demo place and its spend are SYNTHETIC)")
    if real:
        what = real[0].name if len(real) == 1 else f"{len(real)} places"
        notes.append(
            f"  note: no --spend file was given for {what}: the count is the real one, the authorities' own books "
            "where DCLG's Revenue Outturn has the year (measured) and the rest HM Treasury's regional analysis "
            "shared by population and need (modelled); every figure and table says which."
        )
    return notes


def check_output_folder(output: str | os.PathLike) -> Path:
    """Refuse an output folder that is a file, lies under a file, or cannot be written; make nothing.

    The folder itself is made later, by the run; here the nearest folder that
    exists (the output folder or a parent) must be a folder this process can
    write in: a file is created in it and removed.

    Raises
    ------
    InputError
        Naming the path, the cause and the fix (exit code 2, before any work).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> check_output_folder(pathlib.Path(tempfile.mkdtemp()) / "new" / "outputs").name
    'outputs'
    """
    import tempfile

    path = Path(output)
    if path.exists() and not path.is_dir():
        raise InputError(
            "--output names a file, not a folder",
            file=path,
            fix="give a folder for the outputs (a new one is made), e.g. --output outputs",
        )
    check_path(path, "--output", folder=True, must_exist=False)  # a symlink loop, here or in a parent
    for name in (INDEX_HTML, INDEX_JSON):
        page = path / name
        if page.is_symlink() or (page.exists() and not page.is_file()):
            raise InputError(
                f"is {'a symbolic link' if page.is_symlink() else 'a folder'}, where the run writes its index page",
                file=page,
                fix=f"move {page} away (the run writes {name} itself), or choose another folder with --output DIR",
            )
    existing = path.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(
            f"the output folder cannot be made: {existing} is a file",
            file=path,
            fix="give a folder whose parents are folders, e.g. --output outputs",
        )
    try:
        handle, probe = tempfile.mkstemp(prefix=".tuttotal-write-check-", dir=existing)
        os.close(handle)
        os.remove(probe)
    except OSError as exc:
        raise InputError(
            f"the output folder cannot be written ({exc.strerror or exc} in {existing})",
            file=path,
            fix="choose a folder you can write in with --output DIR, or give yourself write permission on it",
        ) from None
    return path


def cmd_run(args: argparse.Namespace) -> int:
    """Run every chosen place (in parallel when there are several); return the exit code."""

    check_output_folder(args.output)  # before any work: a folder, or a place for one, that can be written
    check_cache_folder()
    _stop_cleanly_on_signals(args.output)
    clean_leftovers(args.output)  # what earlier, interrupted runs left behind
    jobs = _jobs(args)
    _check_paths(args, jobs)
    for job in jobs:
        folder = job.output_folder(args.output)
        if folder.exists() and not folder.is_dir():
            raise InputError(
                f"the output of {job.place.slug} would replace a file that is not a folder",
                file=folder,
                fix="move that file away, or choose another folder with --output DIR",
            )
    _check_year(args.year)
    if args.scheduler and args.executor != "dask":
        raise InputError("--scheduler goes with --executor dask", fix="add --executor dask")
    if args.workers < 0:
        raise InputError(f"--workers {args.workers} is not a number of workers", fix="give 1 or more")
    done: dict[str, PlaceResult] = {}
    todo = []
    for job in jobs:  # decided by hashes of the inputs: no spend or boundary file is parsed
        if args.resume and is_up_to_date(job, args.output, args.show_code):
            done[job.place.slug] = PlaceResult(
                job.place.slug, True, 0.0, output=job.output_folder(args.output), status="skipped"
            )
        else:
            todo.append(job)
    single = len(jobs) == 1
    if single and todo:  # one place: bad input is bad usage, found before any work (exit code 2)
        print("checking inputs of 1 place…", flush=True)
        check_inputs(jobs[0])
    options = RunOptions(
        show_code=args.show_code,
        reuse_kernels=not args.fresh_kernels,
        check_inputs=not single,
        progress=single and _is_tty(),
    )
    workers = min(args.workers or default_workers(), max(1, len(todo)))
    if done:
        print(f"resume: {len(done)} place(s) up to date, skipped", flush=True)
    if todo:
        where = f"Dask ({args.scheduler or 'LocalCluster'})" if args.executor == "dask" else "local processes"
        print(f"running {len(todo)} place(s) on {workers} worker(s), {where}…", flush=True)
    bar = None
    if todo and not single and _is_tty():
        from tqdm import tqdm

        bar = tqdm(total=len(todo), unit="place", file=sys.stderr, dynamic_ncols=True)
    try:
        scheduler = args.scheduler or None
        results_iter = run_jobs(
            todo, args.output, options=options, executor=args.executor, workers=workers, scheduler=scheduler
        )
        for n, result in enumerate(results_iter, start=1):
            done[result.slug] = result
            if bar is not None:
                bar.set_postfix_str(f"{result.slug} {result.status}", refresh=False)
                bar.update()
                if not result.ok:
                    bar.write(result.line())
            else:
                print(f"[{n}/{len(todo)}] {result.line().strip()}", flush=True)
    finally:
        if bar is not None:
            bar.close()
    results = [done[job.place.slug] for job in jobs if job.place.slug in done]
    # The index lists place reports; other notebooks' outputs sit inside their place's folder.
    index = (
        write_index(args.output, results)
        if jobs[0].output_folder(args.output).parent == Path(args.output).resolve()
        else None
    )
    for note in _notes(jobs, results):
        print(note)
    failed = [r for r in results if not r.ok]
    skipped = [r for r in results if r.status == "skipped"]
    extra = f", {len(skipped)} skipped as up to date" if skipped else ""
    print(f"\n{len(results) - len(failed)} of {len(results)} place(s) done{extra}:")
    for result in results:
        print(result.line())
    if index is not None:
        print(f"index: {index}")
    return 1 if failed else 0


def cmd_data_fetch_england(args: argparse.Namespace) -> int:
    """``data fetch --england``: download and verify every file a national run needs, with one progress bar."""

    if args.data_dir:
        check_path(args.data_dir, "--data-dir", folder=True, must_exist=False)
    check_cache_folder()
    wanted = england_files(boundaries_only=args.boundaries_only)
    print(f"checking {len(wanted)} file(s) a national run needs (downloading what is missing)…", flush=True)
    root = settings.data_root(args.data_dir or None)  # resolved once
    files = fetch_england_data(root, boundaries_only=args.boundaries_only, progress=_is_tty())
    kinds = {"wards-2013": "ward boundary", "lsoa-2011": "LSOA boundary"}
    counts: dict[str, int] = {}
    for key in files:
        kind = kinds.get(key.partition("/")[0], "data")
        counts[kind] = counts.get(kind, 0) + 1
    cache = str(settings.cache_dir())
    downloaded = sum(1 for path in files.values() if str(path).startswith(cache))
    listed = ", ".join(f"{n} {kind} file(s)" for kind, n in counts.items())
    print(f"{listed}: {len(files)} present and verified ({downloaded} in the download cache {cache})")
    return 0


def cmd_england(args: argparse.Namespace) -> int:
    """Count every LAD and ward of England for a year, through its notebook; exit 2 on bad input, before any work."""
    import json

    check_output_folder(args.output)
    check_cache_folder()
    if args.data_dir:
        check_path(args.data_dir, "--data-dir", folder=True, must_exist=False)
    _check_year(args.year)
    prices = _prices(args.prices)
    _stop_cleanly_on_signals(args.output)
    clean_leftovers(args.output)
    what = f"{len(args.lads)} LAD(s) of England" if args.lads else "every LAD and ward of England"
    print(f"counting {what}, {args.year}{f', {prices} prices' if prices else ''}…", flush=True)
    folder = run_england(
        args.year,
        data_dir=args.data_dir,
        output_root=args.output,
        lads=args.lads,
        prices=prices,
        scheduler=args.scheduler,
        show_code=args.show_code,
        progress=_is_tty(),
    )
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    totals = summary["totals"]
    print(
        f"{summary['name']}, {summary['year']}: £{totals['placed_gbp']:,.0f} placed in {summary['wards']:,} wards "
        f"(cash), {summary['basis']['measured_share']:.0%} measured; every penny from the releases to the wards in "
        "reconciliation.csv"
    )
    print(f"written: {folder}")
    return 0


def cmd_data_fetch(args: argparse.Namespace) -> int:
    """Download and verify the boundaries of the chosen places."""

    if args.england:
        return cmd_data_fetch_england(args)
    codes: list[str] = []
    chosen = [places.get_place(p) for p in args.place]
    if args.all:
        chosen += [p for p in places.pilot_places() if p not in chosen]
    for place in chosen:
        if not place.is_synthetic:
            codes += [c for c in place.lad_codes if c not in codes]
    codes += [c.strip().upper() for c in args.lad if c.strip().upper() not in codes]
    if not codes:
        raise InputError("nothing to fetch", fix="give --place NAME, --lad CODE, --all or --england")
    if args.data_dir:
        check_path(args.data_dir, "--data-dir", folder=True, must_exist=False)
    check_cache_folder()
    root = settings.data_root(args.data_dir or None)  # resolved once
    files = datasets.fetch(codes, root, progress=_is_tty())
    for code, path in files.items():
        print(f"{code}  {path}")
    print(f"{len(files)} boundary file(s) present and verified")
    if args.boundaries_only:
        return 0

    lsoa = sources.lsoa_paths(codes, root, progress=_is_tty())
    for code, path in lsoa.items():
        print(f"{code}  {path}")
    print(f"{len(lsoa)} LSOA boundary file(s) present and verified")
    names = list(sources.sources())
    for name in names:
        print(f"{name}  {sources.get_path(name, root)}")
    print(
        f"{len(names)} population, deprivation, lookup, regional analysis, outturn and LAD boundary file(s) "
        "present and verified"
    )
    return 0


def _stop_cleanly_on_signals(output: str) -> None:
    """Ctrl-C or SIGTERM stop a run at once, with no partial output left behind.

    The handler stops the workers and kernels (every child process), sweeps
    this run's staging folders (previous complete outputs stay or are put
    back), says so, and exits with code 130. It runs in place of Python's
    KeyboardInterrupt, which would surface wherever the run happens to be
    (inside papermill's event loop, a worker pool) and could be swallowed.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            import psutil

            children = psutil.Process().children(recursive=True)
            for child in children:
                child.terminate()
            _, alive = psutil.wait_procs(children, timeout=5)
            for child in alive:
                child.kill()
        except Exception:  # stopping must not fail on a process that is already gone
            pass
        import contextlib

        # This thread may hold the output folder's lock (publishing): do not wait long; the next run sweeps.
        with contextlib.suppress(Exception):
            clean_leftovers(output, mine=True, timeout=5)
        sys.stdout.flush()
        sys.stderr.write("tuttotal: interrupted; no partial output was kept\n")
        sys.stderr.flush()
        os._exit(130)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tuttotal`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "places":
            return cmd_places()
        if args.command == "run":
            return cmd_run(args)
        if args.command == "england":
            return cmd_england(args)
        if args.command == "data" and args.data_command == "check-outturn":
            return cmd_data_check_outturn(args)
        if args.command == "data":
            return cmd_data_fetch(args)
        if args.command == "cache":
            return cmd_cache(args)
        parser.print_help()
        return 2
    except TuttotalError as exc:
        print(f"tuttotal: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("tuttotal: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
