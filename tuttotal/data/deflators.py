"""Prices: cash amounts of each financial year in real terms, from the GDP deflator.

Two pinned sources (:mod:`tuttotal.data.sources`):

* ``deflator_hmt`` (**the one used**): HM Treasury's *GDP deflators at
  market prices*, September 2019 (Quarterly National Accounts), one
  change factor per financial year (``1.025519`` = +2.55% on the year
  before), 1956-57 to 2023-24, chained here into an index. The years from
  **2019-20 on are OBR forecasts**, not outturn: they are left out unless
  asked for (``include_forecasts=True``), so a price base or an amount in a
  forecast year is refused by default.
* ``deflator_ons``: ONS series YBGB (GDP at market prices, implied
  deflator, seasonally adjusted; June 2025 vintage, 2022 = 100), whose
  quarters are averaged April–March into financial years (only years with
  all four quarters). A later vintage of the same measure, kept as a check:
  the two agree within 1.5% for every year 2003-04 to 2017-18.

A *cash* amount of year ``y`` at the prices of year ``p`` is the amount ×
index(p) / index(y); the base year of the index does not matter. Money
kept as whole pence (integer columns) is rounded once per amount, half to
even, after the multiplication, so real terms stay whole pence; float
columns are not rounded. Converting to a year's prices and back with
:func:`to_cash` returns every amount within a penny (for price factors of
at least one half, which covers 1970-71 to 2018-19 against any year since
2003-04).

Examples
--------
>>> from tuttotal.data import deflators
>>> index = deflators.deflator_index("2010-11")
>>> round(float(index["2008-09"]), 2)
96.72
>>> import pandas as pd
>>> spend = pd.DataFrame({"year": ["2008-09", "2016-17"], "amount_gbp": [100_00, 100_00]})
>>> deflators.to_real(spend, "2016-17")
      year  amount_gbp
0  2008-09       11432
1  2016-17       10000
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from tuttotal import cache, settings
from tuttotal.data import sources
from tuttotal.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

#: The deflator series, by ``source`` argument: the name of the pinned file.
SOURCES = {"hmt": "deflator_hmt", "ons": "deflator_ons"}
#: The first year of HM Treasury's September 2019 file that is an OBR forecast, not outturn.
FORECAST_FROM = "2019-20"
#: What ``prices`` means when amounts are left as they were spent.
CASH = "cash"

_YEAR = re.compile(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$|^(\d{4})$")


def financial_year(value: object) -> str:
    """A financial year as ``2008-09`` (``2008/09``, ``2008-2009`` and ``2008`` accepted).

    Raises
    ------
    InputError
        For anything else, naming the value.

    Examples
    --------
    >>> financial_year("2016/17"), financial_year(2008), financial_year("2009-2010")
    ('2016-17', '2008-09', '2009-10')
    """
    text = str(value).strip()
    m = _YEAR.match(text)
    if m and m.group(1):
        start, end = int(m.group(1)), int(m.group(2))
        if end % 100 == (start + 1) % 100:
            return f"{start}-{(start + 1) % 100:02d}"
    elif m:
        start = int(m.group(3))
        return f"{start}-{(start + 1) % 100:02d}"
    raise InputError(
        "is not a financial year", value=value, fix="write a financial year such as 2016-17 (or 'cash' for no change)"
    )


def _read_rda(path: Path) -> pd.DataFrame:
    import pyreadr

    try:
        frames = pyreadr.read_r(str(path))
    except Exception as exc:
        raise InputError(f"cannot read this R data file ({type(exc).__name__}: {exc})", file=path) from None
    return next(iter(frames.values()))


def chain_factors(frame: pd.DataFrame, *, file: object = None) -> pd.Series:
    """HM Treasury's yearly change factors chained into an index (unscaled), by financial year.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``financial_year`` (``2008`` = 2008-09) and ``percent_change`` (the
        factor on the year before, ``1.025519`` = +2.55%), consecutive years.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"financial_year": [2009, 2010], "percent_change": [1.5, 1.2]})
    >>> chain_factors(rows).round(2).to_dict()
    {'2009-10': 1.5, '2010-11': 1.8}
    """
    import numpy as np
    import pandas as pd

    for column in ("financial_year", "percent_change"):
        if column not in frame.columns:
            raise InputError(f"the HM Treasury deflator table lacks the column {column!r}", file=file)
    frame = frame.sort_values("financial_year")
    starts = frame["financial_year"].astype(int).to_numpy()
    if len(starts) and (np.diff(starts) != 1).any():
        gap = int(starts[np.flatnonzero(np.diff(starts) != 1)[0]])
        raise InputError(f"the years of the deflator are not consecutive after {gap}", file=file)
    factors = pd.to_numeric(frame["percent_change"], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(factors) | (factors <= 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError("is not a yearly change factor", file=file, row=row + 1, column="percent_change")
    years = [f"{y}-{(y + 1) % 100:02d}" for y in starts]
    return pd.Series(np.cumprod(factors), index=pd.Index(years, name="year"), name="gdp_deflator")


@cache.memoize("deflators-hmt-levels", maxsize=4)
def _hmt_levels(path: str) -> pd.Series:
    """HM Treasury's index (unscaled) from the pinned file, forecasts included."""
    return chain_factors(_read_rda(Path(path)), file=path)


@cache.memoize("deflators-ons-levels", maxsize=4)
def _ons_levels(path: str) -> pd.Series:
    """ONS YBGB quarters averaged April–March into financial years (years with all four quarters)."""
    import pandas as pd

    frame = _read_rda(Path(path))
    if frame.shape[1] != 2:
        raise InputError(f"the ONS deflator file has {frame.shape[1]} columns, not 2 (period, value)", file=path)
    period = frame.iloc[:, 0].astype(str).str.strip()
    quarters = period.str.extract(r"^(\d{4}) Q([1-4])$").dropna()
    values = pd.to_numeric(frame.iloc[:, 1].loc[quarters.index], errors="coerce")
    calendar = quarters[0].astype(int)
    start = calendar.where(quarters[1] != "1", calendar - 1)  # January–March belong to the year before's April
    grouped = values.groupby(start).agg(["mean", "count"])
    grouped = grouped[grouped["count"] == 4]
    years = [f"{y}-{(y + 1) % 100:02d}" for y in grouped.index]
    return pd.Series(grouped["mean"].to_numpy(), index=pd.Index(years, name="year"), name="gdp_deflator")


def deflator_index(
    base: str = "2010-11",
    source: str = "hmt",
    data_dir: settings.DataRootLike = None,
    *,
    include_forecasts: bool = False,
    download: bool = True,
) -> pd.Series:
    """The GDP deflator as an index with ``base`` = 100, by financial year.

    Parameters
    ----------
    base : str
        The year whose prices are 100 (``2010-11``).
    source : {"hmt", "ons"}
        HM Treasury's September 2019 series (the one used) or ONS YBGB (the check).
    data_dir : path, optional
        The data root (``$TUTTOTAL_DATA_DIR`` when omitted).
    include_forecasts : bool
        Keep HM Treasury's years from :data:`FORECAST_FROM` on (OBR forecasts).
    download : bool
        Whether a missing file may be downloaded.

    Returns
    -------
    pandas.Series
        Floats indexed by ``YYYY-YY`` (HM Treasury: 1956-57 to 2018-19, or
        2023-24 with forecasts); ``attrs`` name the source file and the base.

    Raises
    ------
    InputError
        An unknown source, or a base year the series does not cover.

    Examples
    --------
    >>> index = deflator_index("2010-11")
    >>> round(float(index["2003-04"]), 2), round(float(index["2017-18"]), 2)
    (84.81, 112.44)
    """
    if source not in SOURCES:
        raise InputError(f"there is no deflator source {source!r}", fix=f"use one of {', '.join(SOURCES)}")
    path = sources.get_path(SOURCES[source], data_dir, download=download)
    levels = _hmt_levels(str(path)) if source == "hmt" else _ons_levels(str(path))
    if source == "hmt" and not include_forecasts:
        levels = levels[levels.index < FORECAST_FROM]
    base = _known_year(base, levels, source, include_forecasts, what="price year")
    index = levels / levels[base] * 100
    index.attrs.update(source=sources.source(SOURCES[source]).path, base=base)
    return index


def _known_year(year: object, levels: pd.Series, source: str, include_forecasts: bool, *, what: str) -> str:
    year = financial_year(year)
    if year in levels.index:
        return year
    covered = f"{levels.index[0]} to {levels.index[-1]}"
    if source == "hmt" and not include_forecasts and year >= FORECAST_FROM:
        raise InputError(
            f"the {what} {year} is an OBR forecast in HM Treasury's deflator (September 2019), not outturn; "
            f"outturn covers {covered}",
            fix=f"choose a year from {covered} (or pass include_forecasts=True to use OBR's forecasts)",
        )
    raise InputError(
        f"the {what} {year} is not covered by the {source.upper()} GDP deflator, which covers {covered}",
        fix=f"choose a year from {covered}",
    )


def prices_label(prices: str) -> str:
    """How a table or figure says which prices it is in: ``cash`` or ``2016-17 prices``.

    Examples
    --------
    >>> prices_label("cash"), prices_label("2016/17")
    ('cash', '2016-17 prices')
    """
    return CASH if str(prices).strip().lower() == CASH else f"{financial_year(prices)} prices"


def price_factors(
    years,
    prices: str,
    source: str = "hmt",
    data_dir: settings.DataRootLike = None,
    *,
    include_forecasts: bool = False,
    column: str | None = None,
):
    """What each year's cash is multiplied by to be at ``prices``: index(prices) / index(year).

    Returns a float numpy array, one factor per year (all ones for ``"cash"``).

    Raises
    ------
    InputError
        ``prices`` or a year outside the deflator's years; for a year of the
        list, the error names its position (``row``, counted from 0) and ``column``.
    """
    import numpy as np

    years = list(years)
    if str(prices).strip().lower() == CASH:
        return np.ones(len(years))
    index = deflator_index(prices, source, data_dir, include_forecasts=include_forecasts)
    factors = np.empty(len(years))
    known: dict[object, float] = {}
    for position, value in enumerate(years):
        if value not in known:
            try:
                year = _known_year(value, index, source, include_forecasts, what="year of an amount")
            except InputError as exc:
                raise InputError(exc.message, row=position, column=column, value=exc.value, fix=exc.fix) from None
            known[value] = 100.0 / float(index[year])  # index(prices) = 100
        factors[position] = known[value]
    return factors


def _convert(data, prices: str, *, inverse: bool, year_column: str, amount_columns, source, data_dir, forecasts):
    import numpy as np
    import pandas as pd

    label = prices_label(prices)
    result = data.copy()
    if isinstance(data, pd.Series):
        years, columns, where = data.index, [None], None
    else:
        if year_column not in data.columns:
            raise InputError(f"the table has no {year_column!r} column of financial years", column=year_column)
        years, where = data[year_column], year_column
        if amount_columns is None:
            amount_columns = [c for c in data.columns if str(c).endswith("_gbp")]
        columns = list(amount_columns)
        missing = [c for c in columns if c not in data.columns]
        if missing:
            raise InputError(f"the table has no amount column(s) {missing}")
    factors = price_factors(years, prices, source, data_dir, include_forecasts=forecasts, column=where)
    if inverse:
        factors = 1.0 / factors
    for column in columns:
        values = result if column is None else result[column]
        if pd.api.types.is_integer_dtype(values.dtype):
            converted = np.rint(values.to_numpy(dtype=float) * factors).astype(np.int64)  # once, half to even
        else:
            converted = values.to_numpy(dtype=float) * factors
        if column is None:
            result = pd.Series(converted, index=data.index, name=data.name)
        else:
            result[column] = converted
    result.attrs.update(data.attrs)
    result.attrs["prices"] = CASH if inverse else label
    return result


def to_real(
    data,
    prices: str = CASH,
    *,
    year_column: str = "year",
    amount_columns: list[str] | tuple[str, ...] | None = None,
    source: str = "hmt",
    data_dir: settings.DataRootLike = None,
    include_forecasts: bool = False,
):
    """Cash amounts of each year at the prices of one year (``"cash"``: unchanged).

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series
        A table with a column of financial years, or a series indexed by them.
    prices : str
        ``"cash"`` (the default: the input is returned unchanged) or a
        financial year such as ``"2016-17"``.
    year_column : str
        The column of financial years of a table.
    amount_columns : list of str, optional
        The money columns of a table; default: ``amount_gbp`` and every
        column ending ``_gbp``. Integer columns (whole pence) are rounded
        once per amount, half to even; float columns are not rounded.
    source : {"hmt", "ons"}
        The deflator (HM Treasury's, unless checking).
    data_dir : path, optional
        The data root.
    include_forecasts : bool
        Allow HM Treasury's forecast years (2019-20 on) as prices or as years of amounts.

    Returns
    -------
    Same type as ``data``
        A copy, with ``attrs["prices"]`` = ``"cash"`` or ``"2016-17 prices"``.

    Raises
    ------
    InputError
        A year (of ``prices`` or of an amount, naming its row) outside the deflator's years.

    Examples
    --------
    >>> import pandas as pd
    >>> cash = pd.Series([100_00, 100_00], index=["2008-09", "2016-17"])
    >>> to_real(cash, "cash").tolist()
    [10000, 10000]
    >>> to_real(cash, "2016-17").tolist()
    [11432, 10000]
    """
    if str(prices).strip().lower() == CASH:
        result = data.copy()
        result.attrs["prices"] = CASH
        return result
    return _convert(
        data,
        prices,
        inverse=False,
        year_column=year_column,
        amount_columns=amount_columns,
        source=source,
        data_dir=data_dir,
        forecasts=include_forecasts,
    )


def to_cash(
    data,
    prices: str,
    *,
    year_column: str = "year",
    amount_columns: list[str] | tuple[str, ...] | None = None,
    source: str = "hmt",
    data_dir: settings.DataRootLike = None,
    include_forecasts: bool = False,
):
    """The inverse of :func:`to_real`: amounts at ``prices`` back to each year's cash.

    Same parameters as :func:`to_real`; the result has ``attrs["prices"] = "cash"``.
    """
    if str(prices).strip().lower() == CASH:
        result = data.copy()
        result.attrs["prices"] = CASH
        return result
    return _convert(
        data,
        prices,
        inverse=True,
        year_column=year_column,
        amount_columns=amount_columns,
        source=source,
        data_dir=data_dir,
        forecasts=include_forecasts,
    )
