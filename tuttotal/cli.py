"""The ``tuttotal`` command: list places, run place reports, fetch boundaries.

Exit codes: 0 all done; 1 one or more places failed (the others are still
written, and the summary says which and why); 2 bad usage or bad input found
before any work.

Examples
--------
.. code-block:: console

    $ tuttotal places
    $ tuttotal run                                   # the synthetic demo, offline
    $ tuttotal run --place kent --data-dir ../shared/data/wards-2013
    $ tuttotal run --lad E07000114 --focus-ward "Margate Central"
    $ tuttotal data fetch --place kent
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from . import __version__
from .errors import InputError, TuttotalError


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
    which.add_argument("--all", action="store_true", help="every Total Place pilot place")
    which.add_argument(
        "--lad", action="append", default=[], metavar="CODE", help="an area of English LAD(s); repeatable"
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
        default="",
        metavar="FILE",
        help="your spend count (CSV, XLSX, Parquet); default: illustrative",
    )
    data.add_argument("--drivers", default="", metavar="FILE", help="your driver table (area_code, driver, value)")
    data.add_argument("--year", default="", help="financial year to count, e.g. 2008-09")
    data.add_argument(
        "--data-dir",
        default=os.environ.get("TUTTOTAL_DATA_DIR", ""),
        metavar="DIR",
        help="folder of <LAD code>.geojson registry files (default: $TUTTOTAL_DATA_DIR)",
    )
    data.add_argument("--wards", action="append", default=[], metavar="FILE", help="your own boundary file; repeatable")
    out = run.add_argument_group("outputs")
    out.add_argument("--output", default="outputs", metavar="DIR", help="output folder (default: outputs)")
    out.add_argument("--notebook", default="place_report", help="notebook in notebooks/ to run (default: place_report)")
    out.add_argument("--show-code", action="store_true", help="keep code cells in report.html")

    data_cmd = commands.add_parser("data", help="download and verify boundary files")
    data_sub = data_cmd.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    fetch = data_sub.add_parser("fetch", help="download and hash-check ward boundaries")
    fetch.add_argument("--place", action="append", default=[], metavar="NAME")
    fetch.add_argument("--lad", action="append", default=[], metavar="CODE")
    fetch.add_argument("--all", action="store_true", help="every place in params/")
    fetch.add_argument("--data-dir", default=os.environ.get("TUTTOTAL_DATA_DIR", ""), metavar="DIR")
    return parser


def _is_tty() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


def cmd_places() -> int:
    """Print the places table."""
    from .places import list_places

    rows = list_places()
    width = max(len(p.slug) for p in rows)
    print(f"{'slug':<{width}}  {'status':<14} {'LADs':>4}  name; focus wards")
    for p in rows:
        focus = f"; focus: {', '.join(p.focus_wards)}" if p.focus_wards else ""
        print(f"{p.slug:<{width}}  {p.status:<14} {len(p.lads):>4}  {p.name}{focus}")
        print(f"{'':<{width}}  {'':<14}       {' '.join(p.lad_codes)}")
    return 0


def _jobs(args: argparse.Namespace):
    from . import places
    from .batch import PlaceJob, notebook_path

    notebook_path(args.notebook)
    chosen = [places.get_place(name) for name in args.place]
    if args.all:
        chosen += [p for p in places.pilot_places() if p not in chosen]
    if args.lad:
        chosen.append(places.area_from_lads(args.lad))
    if not chosen:
        chosen = [places.get_place("demo")]
    if (args.spend or args.drivers) and len(chosen) > 1:
        raise InputError("--spend and --drivers go with one place at a time", fix="run each place on its own")
    return [
        PlaceJob(
            place,
            year=args.year,
            focus_wards=tuple(args.focus_ward),
            spend_path=args.spend,
            drivers_path=args.drivers,
            data_dir=args.data_dir,
            wards_paths=tuple(args.wards),
            notebook=args.notebook,
        )
        for place in chosen
    ]


def _check_inputs(job) -> None:
    """Everything that can be checked before a kernel starts: exit code 2 if wrong."""
    from . import geography
    from .spend import check_ward_vintage, parse_year, read_drivers, read_spend

    if job.year:
        try:
            parse_year(job.year)
        except ValueError as exc:
            raise InputError(f"--year {job.year!r} {exc}", fix="write e.g. --year 2008-09") from None
    wards = geography.load_place_wards(job.place, job.data_dir or None, job.wards_paths)
    for query in job.focus_wards or job.place.focus_wards:
        geography.find_ward(wards, query)
    if job.spend_path:
        check_ward_vintage(read_spend(job.spend_path), wards)
    if job.drivers_path:
        read_drivers(job.drivers_path)


def cmd_run(args: argparse.Namespace) -> int:
    """Run every chosen place; return the exit code."""
    import warnings

    from .batch import run_place
    from .errors import TuttotalWarning

    jobs = _jobs(args)
    print(f"checking inputs of {len(jobs)} place(s)…", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TuttotalWarning)  # the report records them
        for job in jobs:
            _check_inputs(job)
    results = []
    for job in jobs:
        print(f"{job.place.slug}: running {job.notebook}…", flush=True)
        result = run_place(job, args.output, progress=_is_tty(), show_code=args.show_code)
        results.append(result)
        print(result.line().strip(), flush=True)
        if result.ok and job.place.is_synthetic:
            print("  (the demo place and its spend are SYNTHETIC)")
        elif result.ok and not job.spend_path:
            print(
                f"  note: no --spend file was given, so {job.place.name}'s spend is ILLUSTRATIVE "
                "(generated for its real wards, not a reported count); every figure says so."
            )
    failed = [r for r in results if not r.ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} place(s) done:")
    for result in results:
        print(result.line())
    return 1 if failed else 0


def cmd_data_fetch(args: argparse.Namespace) -> int:
    """Download and verify the boundaries of the chosen places."""
    from . import datasets, places

    codes: list[str] = []
    chosen = list(places.list_places()) if args.all else [places.get_place(p) for p in args.place]
    for place in chosen:
        if not place.is_synthetic:
            codes += [c for c in place.lad_codes if c not in codes]
    codes += [c.strip().upper() for c in args.lad if c.strip().upper() not in codes]
    if not codes:
        raise InputError("nothing to fetch", fix="give --place NAME, --lad CODE or --all")
    files = datasets.fetch(codes, args.data_dir or None, progress=_is_tty())
    for code, path in files.items():
        print(f"{code}  {path}")
    print(f"{len(files)} boundary file(s) present and verified")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``tuttotal`` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "places":
            return cmd_places()
        if args.command == "run":
            return cmd_run(args)
        if args.command == "data":
            return cmd_data_fetch(args)
        parser.print_help()
        return 2
    except TuttotalError as exc:
        print(f"tuttotal: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("tuttotal: interrupted; no partial output was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
