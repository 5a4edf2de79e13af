"""Comparisons: a focus ward against its LAD, its place and the median pilot place; change over years.

The "compare with parent area" view of area-profile tools, as tidy tables
(``area, level, theme, amount_gbp, per_head_gbp``) that
:func:`tuttotal.charts.comparison_bars` and :func:`tuttotal.charts.trend_lines`
draw.

The median pilot place is the median, theme by theme, of the spend per head
of the thirteen pilots' real top-down counts (:mod:`tuttotal.topdown`: no
boundaries needed, only the LSOA tables). It is cached on disk; for a year
the regional analysis does not cover, or without the data, it is left out,
and the table says so in its ``attrs["notes"]``.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .breakdown import theme_per_head

if TYPE_CHECKING:
    import pandas as pd

    from .report import PlaceReport

ALL_THEMES = "all themes"
MEDIAN_PILOT = "Median pilot place"


def _pilot_cache_key(year: str) -> str:
    from . import __version__, paths

    digest = hashlib.sha256(f"{__version__}|{year}".encode())
    here = Path(__file__).parent
    for path in (
        paths.data_dir() / "themes.csv",
        paths.data_dir() / "cra_lines.csv",
        *(here / f"{name}.py" for name in ("cra", "topdown", "lsoa", "themes", "compare")),
        here / "registry" / "sources.csv",
    ):
        digest.update(path.read_bytes())
    for params in sorted(paths.params_dir().glob("*.yaml")):
        digest.update(params.read_bytes())
    return digest.hexdigest()[:16]


def place_theme_per_head(place, data_dir: str | os.PathLike | None, year: str) -> pd.Series:
    """Spend per head by theme (and ``all themes``) of a place's real top-down count (no boundaries needed)."""
    from . import lsoa, topdown

    count = topdown.topdown_count(place.lad_codes, data_dir=data_dir, years=(year,))
    people = float(lsoa.lad_totals(lsoa.lsoa_table(data_dir)).loc[list(place.lad_codes), "population"].sum())
    by_theme = count.spend.groupby("theme")["amount_pence"].sum() / 100 / people
    by_theme[ALL_THEMES] = count.spend["amount_pence"].sum() / 100 / people
    return by_theme


def pilot_median_per_head(data_dir: str | os.PathLike | None, year: str) -> pd.Series | None:
    """Median across the 13 pilots of their real counts' spend per head by theme, or None without the data."""
    import pandas as pd

    from . import cra, datasets, places
    from .errors import DataUnavailableError, HashMismatchError

    if year not in cra.YEARS:
        return None
    cache = datasets.cache_dir() / f"pilot-median-{_pilot_cache_key(year)}.json"
    if cache.is_file():
        return pd.Series(json.loads(cache.read_text(encoding="utf-8")), dtype=float)
    try:
        columns = {p.slug: place_theme_per_head(p, data_dir, year) for p in places.pilot_places()}
    except (DataUnavailableError, HashMismatchError):
        return None
    median = pd.DataFrame(columns).median(axis=1)
    cache.parent.mkdir(parents=True, exist_ok=True)
    temporary = cache.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(median.round(6).to_dict(), sort_keys=True), encoding="utf-8")
    os.replace(temporary, cache)
    return median


def focus_comparison(run: PlaceReport, ward: str, *, with_pilots: bool = True) -> pd.DataFrame:
    """A focus ward against its LAD, the place and (for pilots) the median pilot place.

    Parameters
    ----------
    run : PlaceReport
        A prepared place (:func:`tuttotal.report.prepare`) with a population driver.
    ward : str
        Ward name or code.
    with_pilots : bool
        Add the median pilot place when the place is a pilot.

    Returns
    -------
    pandas.DataFrame
        ``area, level, theme, amount_gbp, per_head_gbp``; ``theme`` includes
        ``all themes``.
    """
    import pandas as pd

    from . import geography

    population = run.population
    if population is None:
        raise ValueError("a comparison per head needs a population driver")
    row = geography.find_ward(run.wards, ward)
    spend = run.count.ward_spend
    lad_wards = run.wards.loc[run.wards.lad_code == row.lad_code, "ward_code"]
    areas = [(row.ward_name, "ward", [row.ward_code]), (row.lad_name, "LAD", list(lad_wards))]
    if len(run.place.lads) > 1:
        areas.append((run.place.name, "place", list(run.wards.ward_code)))
    frames = []
    for name, level, codes in areas:
        per_head = theme_per_head(spend, population, codes)
        amounts = spend[spend.ward_code.isin(codes)].groupby("theme")["amount_pence"].sum() / 100
        people = float(population.reindex(codes).sum())
        per_head[ALL_THEMES] = amounts.sum() / people
        amounts[ALL_THEMES] = amounts.sum()
        frames.append(
            pd.DataFrame(
                {
                    "area": name,
                    "level": level,
                    "theme": per_head.index,
                    "amount_gbp": amounts.reindex(per_head.index).to_numpy(),
                    "per_head_gbp": per_head.to_numpy(),
                }
            )
        )
    notes = []
    if with_pilots and run.place.status == "pilot":
        median = pilot_median_per_head(run.parameters.get("data_dir") or None, run.year)
        if median is None:
            notes.append(
                f"Median pilot place left out: the regional analysis has no {run.year}, or its data are not available."
            )
        else:
            frames.append(
                pd.DataFrame(
                    {
                        "area": MEDIAN_PILOT,
                        "level": "pilot median",
                        "theme": median.index,
                        "amount_gbp": float("nan"),
                        "per_head_gbp": median.to_numpy(),
                    }
                )
            )
            notes.append(
                "Median pilot place: the median of the 13 pilots' real top-down counts, theme by theme "
                f"({run.year}, HM Treasury CRA shared by need)."
            )
    table = pd.concat(frames, ignore_index=True)
    table.attrs["notes"] = notes
    return table


def change_by_year(run: PlaceReport, wards: list[str] | None = None) -> pd.DataFrame:
    """Spend per head by year for the focus wards, their LADs and the place, with the change on the year before.

    Each year of the spend file is counted on its own (same wards, drivers
    and rules). Returns ``year, area, level, amount_gbp, per_head_gbp,
    change_pct``.
    """
    import pandas as pd

    from . import themes
    from .count import apportion, load_transfer_rules

    population = run.population
    years = sorted(run.comparable_years)
    totals = (
        {str(k): float(v) for k, v in run.drivers.groupby("driver")["value"].sum().items()}
        if run.drivers is not None
        else {}
    )
    classified = themes.classify(run.spend, themes.load_themes(run.parameters.get("themes_path") or None), totals)
    rules = load_transfer_rules(run.parameters.get("transfers_path") or None)
    focus = run.focus if wards is None else run.wards[run.wards.ward_code.isin(wards)]
    areas = [(w.ward_name, "ward", [w.ward_code]) for w in focus.itertuples()]
    for lad in dict.fromkeys(focus.lad_code):
        lad_rows = run.wards[run.wards.lad_code == lad]
        areas.append((lad_rows.lad_name.iloc[0], "LAD", list(lad_rows.ward_code)))
    if len(run.place.lads) > 1 or not areas:
        areas.append((run.place.name, "place", list(run.wards.ward_code)))
    rows = []
    for year in years:
        one_year = classified[classified["year"] == year]
        spend = apportion(one_year, run.wards, run.drivers, year=year, transfer_rules=rules).ward_spend
        for name, level, codes in areas:
            amount = spend[spend.ward_code.isin(codes)]["amount_pence"].sum() / 100
            people = float(population.reindex(codes).sum()) if population is not None else float("nan")
            rows.append(
                {
                    "year": year,
                    "area": name,
                    "level": level,
                    "amount_gbp": amount,
                    "per_head_gbp": amount / people if people else float("nan"),
                }
            )
    table = pd.DataFrame(rows)
    measure = "per_head_gbp" if population is not None else "amount_gbp"
    table["change_pct"] = (table.groupby("area")[measure].pct_change() * 100).round(1)
    return table
