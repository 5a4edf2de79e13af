"""The national findings: money per head against need across England's districts, deciles and league tables.

Tables in, tables out: nothing here reads a file. The tables are the
national ones (one row per LAD or ward: :mod:`tuttotal.england.councils`,
and the national count's ``lads.csv`` / ``wards.csv``) and the places of
:func:`tuttotal.data.places.pilot_places`.

* :func:`need_correlation`: Pearson's and Spearman's correlation of a value
  with income deprivation, with p-values, and the OLS line with the 95%
  confidence interval of its slope (scipy);
* :func:`fitted_line`: that line and the 95% confidence band of its mean;
* :func:`need_deciles`: the districts in ten groups by income deprivation
  (1 = most deprived), with people, mean, median and people-weighted values;
* :func:`place_points`: each place as a whole (its districts' values
  weighted by their people), to name it beside its districts;
* :func:`rank_among` and :func:`league_table`: where each place's districts
  (or focus wards) stand among all of England's, by any measure, each rank
  with its basis (measured, or measured and modelled with the measured share).

**Ties.** Ranks are *competition* ranks ("1224"): tied values share the best
rank they span, and the next value's rank counts all before it, so a rank is
always 1 + the number of areas strictly ahead. Areas without a value get no
rank and are not counted among those ranked.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"lad_code": list("ABCDE"), "income_deprived": [0.1, 0.2, 0.3, 0.4, 0.5],
...                       "per_head_gbp": [1.0, 2.0, 2.0, 4.0, 5.0]})
>>> row = need_correlation(table, "per_head_gbp").iloc[0]
>>> round(float(row.pearson_r), 3), round(float(row.slope), 1)
(0.962, 10.0)
>>> rank_among(table["per_head_gbp"]).tolist()
[5, 3, 3, 2, 1]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.data.geography import find_ward
from tuttotal.errors import InputError, PlaceNotFoundError

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.data.places import Place

#: The need measure of the national tables: the share of people income-deprived (IMD 2010 income domain).
NEED = "income_deprived"
NEED_WORDS = "people income-deprived (IMD 2010 income domain)"
#: Districts left out of the fitted line and the correlation by default, and why: a per-head figure of a few
#: thousand residents is not comparable with other districts'.
OUTLIERS = {
    "E09000001": "the City of London (7,000 residents; its council serves the square mile's daily workers)",
}
CORRELATION_COLUMNS = [
    "measure",
    "need",
    "n",
    "left_out",
    "excluded",
    "pearson_r",
    "pearson_p",
    "spearman_rho",
    "spearman_p",
    "slope",
    "slope_low",
    "slope_high",
    "intercept",
    "r_squared",
    "level",
]
LEAGUE_COLUMNS = [
    "place",
    "place_name",
    "area_code",
    "area_name",
    "lad_name",
    "measure",
    "what",
    "value",
    "rank",
    "of",
    "direction",
    "basis",
]


def _columns(table: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(
            f"the {what} has no column(s) {missing}; its columns are {list(table.columns)}",
            column=missing[0],
            fix="give the national table (lads.csv / wards.csv) or the councils' table, which have them",
        )


def _kept(table: pd.DataFrame, exclude: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """The table without the areas of ``exclude`` (codes in ``lad_code`` or ``ward_code``), and those left out."""
    if not exclude:
        return table, []
    code = "ward_code" if "ward_code" in table.columns else "lad_code"
    _columns(table, [code], "table")
    out = table[code].isin(list(exclude))
    return table[~out], sorted(table.loc[out, code].tolist())


def _pairs(table: pd.DataFrame, value: str, need: str) -> tuple[np.ndarray, np.ndarray, int]:
    import pandas as pd

    _columns(table, [value, need], "table")
    x = pd.to_numeric(table[need], errors="coerce").to_numpy(dtype=float)
    y = pd.to_numeric(table[value], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        raise InputError(
            f"{int(ok.sum())} area(s) have both {value!r} and {need!r}: a correlation needs at least 3",
            column=value,
            fix="give the table of every district (326) or ward",
        )
    return x[ok], y[ok], int((~ok).sum())


def need_correlation(
    table: pd.DataFrame, value: str, need: str = NEED, *, level: float = 0.95, exclude: Sequence[str] = ()
) -> pd.DataFrame:
    """How ``value`` goes with need across the table's areas: Pearson, Spearman and an OLS line.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per area (LAD or ward) with ``value`` and ``need``.
    value : str
        The column of money (per head, or its change).
    need : str
        The need column (default: the share of people income-deprived).
    level : float
        The confidence level of the slope's interval.
    exclude : sequence of str
        Codes of areas to leave out (:data:`OUTLIERS`), listed in ``excluded``.

    Returns
    -------
    pandas.DataFrame
        One row, :data:`CORRELATION_COLUMNS`: ``n`` areas with both values
        (``left_out`` without, not counting ``excluded``), ``pearson_r`` / ``pearson_p``,
        ``spearman_rho`` / ``spearman_p`` (two-sided), the OLS ``slope``
        (£ per unit of need: per 100 percentage points of people
        income-deprived) with its interval ``slope_low`` – ``slope_high``,
        ``intercept`` and ``r_squared``. Areas are unweighted: each district
        counts once, whatever its people.

    Raises
    ------
    InputError
        A missing column, or fewer than 3 areas with both values.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"income_deprived": [0.1, 0.2, 0.3, 0.4], "v": [4.0, 3.0, 2.0, 1.0]})
    >>> need_correlation(table, "v")[["n", "pearson_r", "spearman_rho", "slope"]].round(6).values.tolist()
    [[4.0, -1.0, -1.0, -10.0]]
    """
    import pandas as pd
    from scipy import stats

    table, excluded = _kept(table, exclude)
    x, y, left_out = _pairs(table, value, need)
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        raise InputError(f"{value!r} or {need!r} is the same in every area: no correlation", column=value)
    pearson = stats.pearsonr(x, y)
    spearman = stats.spearmanr(x, y)
    fit = stats.linregress(x, y)
    t = stats.t.ppf(0.5 + level / 2, x.size - 2)
    row = {
        "measure": value,
        "need": need,
        "n": x.size,
        "left_out": left_out,
        "excluded": " ".join(excluded),
        "pearson_r": float(pearson.statistic),
        "pearson_p": float(pearson.pvalue),
        "spearman_rho": float(spearman.statistic),
        "spearman_p": float(spearman.pvalue),
        "slope": float(fit.slope),
        "slope_low": float(fit.slope - t * fit.stderr),
        "slope_high": float(fit.slope + t * fit.stderr),
        "intercept": float(fit.intercept),
        "r_squared": float(fit.rvalue**2),
        "level": level,
    }
    return pd.DataFrame([row], columns=CORRELATION_COLUMNS)


def fitted_line(
    table: pd.DataFrame,
    value: str,
    need: str = NEED,
    *,
    level: float = 0.95,
    points: int = 60,
    exclude: Sequence[str] = (),
) -> pd.DataFrame:
    """The OLS line of ``value`` on need and the confidence band of its mean, over the range of need.

    The band at need ``x`` is ``fit ± t × s × sqrt(1/n + (x − x̄)² / Σ(xᵢ − x̄)²)``
    (the confidence interval of the mean of ``value`` at ``x``, not of one
    area's value), with ``t`` Student's quantile on ``n − 2`` degrees of freedom.

    Parameters are those of :func:`need_correlation`, and ``points``: how many points along the line.

    Returns
    -------
    pandas.DataFrame
        ``need, fit, low, high``, ``points`` rows from the least to the most need.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"income_deprived": [0.1, 0.2, 0.3, 0.4], "v": [1.0, 2.1, 2.9, 4.0]})
    >>> line = fitted_line(table, "v", points=3)
    >>> line["need"].round(2).tolist(), bool((line["low"] < line["fit"]).all())
    ([0.1, 0.25, 0.4], True)
    """
    import pandas as pd
    from scipy import stats

    x, y, _ = _pairs(_kept(table, exclude)[0], value, need)
    n = x.size
    fit = stats.linregress(x, y)
    residual = y - (fit.intercept + fit.slope * x)
    s = float(np.sqrt((residual**2).sum() / (n - 2)))
    xs = np.linspace(x.min(), x.max(), points)
    centre = fit.intercept + fit.slope * xs
    leverage = 1 / n + (xs - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum()
    spread = stats.t.ppf(0.5 + level / 2, n - 2) * s * np.sqrt(leverage)
    return pd.DataFrame({"need": xs, "fit": centre, "low": centre - spread, "high": centre + spread})


def need_groups(need: pd.Series, groups: int = 10) -> pd.Series:
    """Each area's group of need, 1 = the most deprived tenth of areas (by count of areas, not people).

    Areas are ordered by need, most first; ties in need go by the table's
    order; the ``n`` areas fill groups of ``n // groups`` or one more
    (``group = floor(position × groups / n) + 1``). Areas without a value
    get none (``<NA>``).

    Examples
    --------
    >>> import pandas as pd
    >>> need_groups(pd.Series([0.1, 0.5, 0.3, None, 0.2]), groups=2).tolist()
    [2, 1, 1, <NA>, 2]
    """
    import pandas as pd

    values = pd.to_numeric(need, errors="coerce")
    known = values.notna()
    position = values[known].rank(ascending=False, method="first").astype("int64") - 1
    result = pd.Series(pd.NA, index=need.index, dtype="Int64")
    result[known] = (position * groups // int(known.sum()) + 1).astype("int64")
    return result


def need_deciles(
    table: pd.DataFrame,
    values: str | Sequence[str],
    need: str = NEED,
    *,
    people: str = "people",
    groups: int = 10,
) -> pd.DataFrame:
    """The areas in ten groups by need (1 = the most deprived tenth of areas) and each value in each group.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per area with ``need``, ``people`` and ``values``.
    values : str or sequence of str
        Per-head columns (per head, or the change of per head).
    need : str
        The need column (default: share of people income-deprived).
    people : str
        The weight of the people-weighted means (each area's people).
    groups : int
        10 for deciles, 5 for quintiles.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``decile, areas, people, need_low, need_high,
        need`` (people-weighted), and for each value ``<value>_mean`` (mean
        of the areas), ``<value>_median`` and ``<value>_weighted`` (the mean
        weighted by people: for a year's per head, the group's money over
        its people). Areas without a value are left out of that value's
        figures only.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"income_deprived": [0.1, 0.2, 0.3, 0.4], "people": [1, 1, 1, 3],
    ...                       "per_head_gbp": [1.0, 2.0, 3.0, 5.0]})
    >>> d = need_deciles(table, "per_head_gbp", groups=2)
    >>> d[["decile", "areas", "people"]].values.tolist(), d["per_head_gbp_weighted"].tolist()
    ([[1, 2, 4], [2, 2, 2]], [4.5, 1.5])
    """
    import pandas as pd

    values = [values] if isinstance(values, str) else list(values)
    _columns(table, [need, people, *values], "table")
    group = need_groups(table[need], groups)
    frame = table.assign(_group=group).dropna(subset=["_group"])
    rows = []
    for number, part in frame.groupby("_group", sort=True):
        weight = pd.to_numeric(part[people], errors="coerce").to_numpy(dtype=float)
        x = pd.to_numeric(part[need], errors="coerce").to_numpy(dtype=float)
        row = {
            "decile": int(number),
            "areas": len(part),
            "people": float(np.nansum(weight)),
            "need_low": float(np.nanmin(x)),
            "need_high": float(np.nanmax(x)),
            "need": float(np.nansum(x * weight) / np.nansum(weight)) if np.nansum(weight) > 0 else float("nan"),
        }
        for value in values:
            v = pd.to_numeric(part[value], errors="coerce").to_numpy(dtype=float)
            ok = np.isfinite(v) & np.isfinite(weight)
            row[f"{value}_mean"] = float(v[ok].mean()) if ok.any() else float("nan")
            row[f"{value}_median"] = float(np.median(v[ok])) if ok.any() else float("nan")
            total = weight[ok].sum()
            row[f"{value}_weighted"] = float((v[ok] * weight[ok]).sum() / total) if total > 0 else float("nan")
        rows.append(row)
    result = pd.DataFrame(rows)
    if len(result) and (result["people"] % 1 == 0).all():
        result["people"] = result["people"].astype("int64")
    result.attrs["groups"] = groups
    result.attrs["need"] = need
    return result


@dataclass(frozen=True)
class PlaceAreas:
    """A place's areas for the findings: its slug, name, LAD codes and focus wards (names or codes)."""

    slug: str
    name: str
    lads: tuple[str, ...]
    focus_wards: tuple[str, ...] = ()


def place_areas(places: Iterable[Place]) -> list[PlaceAreas]:
    """The slug, name, LADs and focus wards of each :class:`tuttotal.data.places.Place`.

    Examples
    --------
    >>> from tuttotal.data.places import get_place
    >>> place_areas([get_place("kent")])[0].focus_wards
    ('Margate Central', 'Cliftonville West')
    """
    return [PlaceAreas(p.slug, p.name, tuple(p.lad_codes), tuple(p.focus_wards)) for p in places]


def _as_areas(places) -> list[PlaceAreas]:
    return [p if isinstance(p, PlaceAreas) else place_areas([p])[0] for p in places]


def place_points(
    table: pd.DataFrame,
    places,
    values: str | Sequence[str],
    *,
    people: str = "people",
    need: str = NEED,
) -> pd.DataFrame:
    """Each place as a whole: its districts' values and need weighted by their people.

    For a year's per head this is the place's money over its people; for a
    change of per head, the change of its districts weighted by ``people``
    (say which year's people in the notes).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per LAD (``lad_code``) with ``values``, ``need`` and ``people``.
    places : sequence of Place or PlaceAreas
        The places (:func:`tuttotal.data.places.pilot_places`).

    Returns
    -------
    pandas.DataFrame
        ``place, place_name, lads`` (how many of its districts have values), ``people``, ``need``
        and each value.

    Raises
    ------
    InputError
        A place's LAD that is not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"lad_code": ["A", "B"], "people": [1.0, 3.0], "income_deprived": [0.1, 0.3],
    ...                       "v": [10.0, 20.0]})
    >>> place_points(table, [PlaceAreas("ab", "AB", ("A", "B"))], "v")[["need", "v"]].round(4).values.tolist()
    [[0.25, 17.5]]
    """
    import pandas as pd

    values = [values] if isinstance(values, str) else list(values)
    _columns(table, ["lad_code", people, need, *values], "table of districts")
    indexed = table.set_index("lad_code")
    rows = []
    for place in _as_areas(places):
        missing = [code for code in place.lads if code not in indexed.index]
        if missing:
            raise InputError(
                f"the place {place.slug!r} has the LAD {missing[0]}, which is not in the table of districts",
                column="lad_code",
                value=missing[0],
                fix="give the national table of every district",
            )
        part = indexed.loc[list(place.lads)]
        weight = pd.to_numeric(part[people], errors="coerce").to_numpy(dtype=float)
        row = {"place": place.slug, "place_name": place.name}
        x = part[need].to_numpy(dtype=float)
        for column in values:
            v = pd.to_numeric(part[column], errors="coerce").to_numpy(dtype=float)
            ok = np.isfinite(v) & np.isfinite(weight)
            row[column] = float((v[ok] * weight[ok]).sum() / weight[ok].sum()) if weight[ok].sum() > 0 else np.nan
        ok = np.isfinite(x) & np.isfinite(weight)
        row["need"] = float((x[ok] * weight[ok]).sum() / weight[ok].sum()) if weight[ok].sum() > 0 else np.nan
        row["people"] = float(np.nansum(weight))
        row["lads"] = len(place.lads)
        rows.append(row)
    return pd.DataFrame(rows, columns=["place", "place_name", "lads", "people", "need", *values])


# --------------------------------------------------------------------------------------------- ranks


def rank_among(values: pd.Series, *, descending: bool = True) -> pd.Series:
    """Competition ranks ("1224"): 1 + the number of values strictly ahead; ``<NA>`` for a missing value.

    Parameters
    ----------
    values : pandas.Series
        Numbers (NaN: no rank).
    descending : bool
        Rank 1 is the largest value (per head, need); ``False``: the smallest
        (the deepest cut).

    Returns
    -------
    pandas.Series
        ``Int64``, same index.

    Examples
    --------
    >>> import pandas as pd
    >>> rank_among(pd.Series([3.0, 1.0, 3.0, None, 2.0])).tolist()
    [1, 4, 1, <NA>, 3]
    >>> rank_among(pd.Series([3.0, 1.0, 3.0, None, 2.0]), descending=False).tolist()
    [3, 1, 3, <NA>, 2]
    """
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    ranks = numbers.rank(method="min", ascending=not descending, na_option="keep")
    return ranks.astype("Int64")


@dataclass(frozen=True)
class Measure:
    """A column to rank by: what it is in words, which way rank 1 lies, and the basis of its money.

    ``basis`` is ``"measured"``, ``"need"`` (not money), or ``"mixed"``
    (measured and modelled: the row's ``measured_share`` is stated).
    """

    column: str
    what: str
    descending: bool = True
    basis: str = "measured"

    @property
    def direction(self) -> str:
        """``1 = most`` or ``1 = least`` (for a change: ``1 = the deepest cut``)."""
        if "change" in self.column:
            return "1 = the largest rise" if self.descending else "1 = the deepest cut"
        return "1 = the most" if self.descending else "1 = the least"


#: The measures of the league tables of districts: the national count's lads.csv and the councils' change.
LAD_MEASURES = (
    Measure("per_head_gbp", "public spending per head, all bodies", True, "mixed"),
    Measure("measured_per_head_gbp", "measured spending per head (bodies' own books)", True, "measured"),
    Measure(
        "change_without_transfers_per_head_gbp",
        "change in councils' spending per head, transfers of function apart (real terms)",
        False,
        "measured",
    ),
    Measure("change_per_head_gbp", "change in councils' spending per head, all services (real terms)", False),
    Measure(NEED, NEED_WORDS, True, "need"),
)
#: The measures of the league tables of wards.
WARD_MEASURES = (
    Measure("per_head_gbp", "public spending per head, all bodies", True, "mixed"),
    Measure("measured_per_head_gbp", "measured spending per head (bodies' own books)", True, "measured"),
    Measure(NEED, NEED_WORDS, True, "need"),
)


def basis_words(measure: Measure, measured_share: float | None = None) -> str:
    """The basis of a rank in words.

    Examples
    --------
    >>> basis_words(Measure("per_head_gbp", "per head", True, "mixed"), 0.384)
    'measured and modelled (38% measured): the modelled part follows its drivers, not any books'
    >>> basis_words(Measure("income_deprived", "need", True, "need"))
    'need (IMD 2010 income domain), not money'
    """
    if measure.basis == "need":
        return "need (IMD 2010 income domain), not money"
    if measure.basis == "measured":
        return "measured (bodies' own books)" if "councils" not in measure.what else "measured (councils' own books)"
    share = "" if measured_share is None or not np.isfinite(measured_share) else f" ({measured_share:.0%} measured)"
    return f"measured and modelled{share}: the modelled part follows its drivers, not any books"


def _resolve_measures(table: pd.DataFrame, measures: Sequence[Measure | str], default: Sequence[Measure]):
    known = {m.column: m for m in default}
    chosen = []
    for measure in measures:
        if isinstance(measure, str):
            measure = known.get(measure, Measure(measure, measure.replace("_", " ")))
        chosen.append(measure)
    present = [m for m in chosen if m.column in table.columns]
    if not present:
        raise InputError(
            f"the table has none of the measures {[m.column for m in chosen]}",
            column=chosen[0].column if chosen else None,
            fix="give the national table (lads.csv / wards.csv) or the councils' change table",
        )
    return present


def league_table(
    table: pd.DataFrame,
    places,
    *,
    level: str = "lad",
    measures: Sequence[Measure | str] | None = None,
) -> pd.DataFrame:
    """Each place's districts (``level="lad"``) or focus wards (``"ward"``) ranked among all of the table's.

    Parameters
    ----------
    table : pandas.DataFrame
        Every LAD of England (``lad_code, lad_name`` …) or every ward
        (``ward_code, ward_name, lad_code, lad_name`` …), with the measures'
        columns and, for a mixed basis, ``measured_share``. The ranks are
        among the table's rows: give the whole of England.
    places : sequence of Place or PlaceAreas
        The places whose areas to list (:func:`tuttotal.data.places.pilot_places`);
        for wards, their ``focus_wards`` (names or codes) are found among
        the wards of their LADs.
    level : {"lad", "ward"}
    measures : sequence of Measure or str, optional
        Default :data:`LAD_MEASURES` or :data:`WARD_MEASURES`, those the
        table has. A column named by a string is ranked largest first, its
        basis measured unless it is one of the defaults.

    Returns
    -------
    pandas.DataFrame
        :data:`LEAGUE_COLUMNS`: one row per place, area and measure;
        ``rank`` (competition rank, ``<NA>`` without a value) ``of`` the
        areas with a value, ``direction`` (which way 1 lies) and ``basis``
        in words (:func:`basis_words`).

    Raises
    ------
    InputError
        A missing code column, an unknown level, a place's LAD not in the table.
    tuttotal.errors.PlaceNotFoundError
        A focus ward not among its place's wards.

    Examples
    --------
    >>> import pandas as pd
    >>> lads = pd.DataFrame({"lad_code": ["A", "B", "C"], "lad_name": ["Ay", "Bee", "Sea"],
    ...                      "income_deprived": [0.3, 0.1, 0.2]})
    >>> league = league_table(lads, [PlaceAreas("c", "Sea place", ("C",))])
    >>> league[["area_name", "value", "rank", "of", "basis"]].values.tolist()
    [['Sea', 0.2, 2, 3, 'need (IMD 2010 income domain), not money']]
    """
    import pandas as pd

    if level not in ("lad", "ward"):
        raise InputError(f"unknown level {level!r}", value=level, fix="use 'lad' or 'ward'")
    code, name = f"{level}_code", f"{level}_name"
    _columns(table, [code, name, "lad_code"], "table")
    default = LAD_MEASURES if level == "lad" else WARD_MEASURES
    chosen = _resolve_measures(table, default if measures is None else measures, default)
    indexed = table.reset_index(drop=True)
    ranks = {m.column: rank_among(indexed[m.column], descending=m.descending) for m in chosen}
    counts = {m.column: int(pd.to_numeric(indexed[m.column], errors="coerce").notna().sum()) for m in chosen}
    share = indexed["measured_share"] if "measured_share" in indexed else pd.Series(np.nan, index=indexed.index)
    lad_names = indexed.drop_duplicates("lad_code").set_index("lad_code")["lad_name"] if "lad_name" in indexed else {}
    rows = []
    for place in _as_areas(places):
        if level == "lad":
            missing = [c for c in place.lads if c not in set(indexed["lad_code"])]
            if missing:
                raise InputError(
                    f"the place {place.slug!r} has the LAD {missing[0]}, which is not in the table",
                    column="lad_code",
                    value=missing[0],
                    fix="give the national table of every district",
                )
            positions = [int(np.flatnonzero(indexed["lad_code"].to_numpy() == c)[0]) for c in place.lads]
        else:
            own = indexed[indexed["lad_code"].isin(place.lads)]
            positions = []
            for query in place.focus_wards:
                try:
                    found = find_ward(own, query)
                except PlaceNotFoundError as error:
                    raise PlaceNotFoundError(
                        f"{place.name}: {error.message}", fix=error.fix or "give the ward's code (E05…)"
                    ) from None
                positions.append(int(found.name))
        for position in positions:
            row = indexed.loc[position]
            for measure in chosen:
                value = pd.to_numeric(pd.Series([row[measure.column]]), errors="coerce").iloc[0]
                rows.append(
                    {
                        "place": place.slug,
                        "place_name": place.name,
                        "area_code": row[code],
                        "area_name": row[name],
                        "lad_name": lad_names.get(row["lad_code"], "") if len(lad_names) else "",
                        "measure": measure.column,
                        "what": measure.what,
                        "value": float(value),
                        "rank": ranks[measure.column].iloc[position],
                        "of": counts[measure.column],
                        "direction": measure.direction,
                        "basis": basis_words(measure, float(share.iloc[position])),
                    }
                )
    result = pd.DataFrame(rows, columns=LEAGUE_COLUMNS)
    result["rank"] = result["rank"].astype("Int64")
    result.attrs["level"] = level
    result.attrs["ties"] = "competition ranks (1224): tied values share the best rank; no value, no rank"
    return result


def league_wide(league: pd.DataFrame) -> pd.DataFrame:
    """A league table with one row per area and a ``rank`` / ``value`` column pair per measure, for reading.

    Examples
    --------
    >>> import pandas as pd
    >>> lads = pd.DataFrame({"lad_code": ["A", "B"], "lad_name": ["Ay", "Bee"], "income_deprived": [0.3, 0.1]})
    >>> league_wide(league_table(lads, [PlaceAreas("b", "B", ("B",))])).columns.tolist()[-2:]
    ['income_deprived', 'income_deprived_rank']
    """
    import pandas as pd

    keys = ["place", "place_name", "area_code", "area_name", "lad_name"]
    parts = []
    for measure, part in league.groupby("measure", sort=False):
        piece = part.set_index(keys)[["value", "rank"]]
        piece.columns = [measure, f"{measure}_rank"]
        parts.append(piece)
    if not parts:
        return pd.DataFrame(columns=keys)
    return pd.concat(parts, axis=1).reset_index()


def rank_notes(league: pd.DataFrame) -> list[str]:
    """One line per measure of a league table: what it ranks, which way, on what basis, among how many.

    Examples
    --------
    >>> import pandas as pd
    >>> lads = pd.DataFrame({"lad_code": ["A", "B"], "lad_name": ["Ay", "Bee"], "income_deprived": [0.3, 0.1]})
    >>> rank_notes(league_table(lads, [PlaceAreas("b", "B", ("B",))]))[0]
    'people income-deprived (IMD 2010 income domain): 1 = the most, among 2 districts; need, not money.'
    """
    lines = []
    unit = "districts" if league.attrs.get("level", "lad") == "lad" else "wards"
    for _, part in league.groupby("measure", sort=False):
        first = part.iloc[0]
        basis = str(first["basis"])
        if basis.startswith("measured and modelled"):
            kind = "measured and modelled (each area's measured share in its basis)"
        elif basis.startswith("need"):
            kind = "need, not money"
        else:
            kind = basis.split(":")[0]
        lines.append(f"{first['what']}: {first['direction']}, among {first['of']:,} {unit}; {kind}.")
    return lines


def pilot_lookup(places) -> Mapping[str, str]:
    """LAD code → the name of the place it belongs to (for highlighting a place's districts).

    Examples
    --------
    >>> pilot_lookup([PlaceAreas("x", "X place", ("E1", "E2"))])
    {'E1': 'X place', 'E2': 'X place'}
    """
    return {code: place.name for place in _as_areas(places) for code in place.lads}
