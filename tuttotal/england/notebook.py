"""The national count of ``notebooks/england.ipynb``: its parameters in, the count out, its tables ranked.

:func:`notebook_count` is what ``notebooks/england.ipynb`` calls with its
parameters; :func:`connect` reaches a Dask scheduler; :func:`ranked` shows a
table's top and bottom rows. The count's files are written by
:func:`tuttotal.writers.england.write_outputs`.

Examples
--------
Thanet counted as the national count counts every district (the data root
is ``$TUTTOTAL_DATA_DIR``; all 326 LADs when ``lads`` is left out):

>>> from tuttotal.england import notebook
>>> result = notebook.notebook_count(year="2008-09", lads=["E07000114"])
>>> result.year, len(result.wards)
('2008-09', 23)
>>> notebook.ranked(result.lads, "per_head_gbp", 10)[["rank", "lad_name", "councils_basis"]].values.tolist()
[[1, 'Thanet', 'measured']]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuttotal import settings
from tuttotal.england.count import EnglandCount, england_count
from tuttotal.errors import InputError

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client

#: The year a national count is of when none is given: the pilots' own, with councils measured.
DEFAULT_YEAR = "2008-09"


def connect(scheduler: str, timeout: str = "10s") -> Client:
    """A :class:`distributed.Client` of the Dask scheduler at ``scheduler`` (an InputError when it is unreachable)."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask's distributed package", fix='pip install "tuttotal[dask]"') from None
    try:
        return Client(scheduler, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}: {exc})",
            fix="start it (dask scheduler), check the address (tcp://host:8786), or leave --scheduler out",
        ) from None


def notebook_count(
    year: str = "",
    data_dir: str = "",
    prices: str = "",
    lads: list[str] | tuple[str, ...] = (),
    scheduler: str = "",
    *,
    place: str = "",
    spend_path: str = "",
    drivers_path: str = "",
    wards_paths: list[str] | tuple[str, ...] = (),
    driver: str = "",
) -> EnglandCount:
    """The national count of ``notebooks/england.ipynb``: its parameters in, an :class:`EnglandCount` out.

    Empty parameters take their defaults: the year 2008-09, ``$TUTTOTAL_DATA_DIR``,
    cash, all 326 LADs, this process (no Dask scheduler). The notebook takes
    every notebook's parameters (:mod:`tuttotal.run.parameters`); those a
    national count cannot honour (a place, a spend file, drivers, boundaries,
    one driver for all) are refused, never ignored.
    """
    given = {
        "place": place if place.strip().lower() not in ("", "england") else "",
        "spend_path": spend_path,
        "drivers_path": drivers_path,
        "wards_paths": list(wards_paths),
        "driver": driver,
    }
    refused = [name for name, value in given.items() if value]
    if refused:
        raise InputError(
            f"the national count is the real one for every LAD and ward of England: it takes no {', '.join(refused)}",
            fix="leave them empty (choose LADs with lads=, a year with year=, real terms with prices=), or run a "
            "place report (tuttotal run) for a place with its own spend file",
        )
    client = connect(scheduler) if scheduler else None
    try:
        return england_count(
            year or DEFAULT_YEAR,
            data_dir or settings.env_data_dir() or None,
            lads=list(lads) or None,
            prices=prices or None,
            client=client,
        )
    finally:
        if client is not None:
            client.close()


def ranked(frame: pd.DataFrame, column: str, n: int = 10, *, columns: list[str] | None = None) -> pd.DataFrame:
    """The ``n`` rows with most and least ``column``, ranked (1 = most), with the columns to show.

    Examples
    --------
    >>> import pandas as pd
    >>> lads = pd.DataFrame({"lad_name": ["A", "B", "C"], "per_head_gbp": [3.0, 1.0, 2.0]})
    >>> ranked(lads, "per_head_gbp", 1)[["rank", "lad_name"]].values.tolist()
    [[1, 'A'], [3, 'B']]
    """
    columns = columns or list(frame.columns)
    order = frame.sort_values(column, ascending=False, kind="stable").reset_index(drop=True)
    order.insert(0, "rank", range(1, len(order) + 1))
    shown = order if len(order) <= 2 * n else order.iloc[[*range(n), *range(len(order) - n, len(order))]]
    return shown[["rank", *[c for c in columns if c != "rank"]]].reset_index(drop=True)
