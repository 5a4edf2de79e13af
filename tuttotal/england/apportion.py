"""Apportionment for the whole country at once: every LAD's money into its wards in one vectorised pass.

:func:`tuttotal.count.apportion.apportion` places a place's LAD-level money in
its wards one group at a time (one call of
:func:`tuttotal.money.largest_remainder` per LAD, agency, function, theme,
basis and driver): about 60,000 groups for England in a year, 7.5 s on the
development machine. :func:`apportion_national` gives the same result,
penny for penny and row for row, with arrays: every group is laid out over
its LAD's wards in one long array, the shares of all groups are floored at
once, and the pence left over go to the largest fractional parts within
each group (:func:`grouped_largest_remainder`, the same rule, ties and
float operations as ``largest_remainder``). Everything around the split
(years, excluded functions, transfers, unknown areas, the basis check,
drivers missing or summing to zero, the reconciliation and its notes) is
``apportion``'s own rule, so the :class:`~tuttotal.count.apportion.Count`
it returns is interchangeable with ``apportion``'s (``tests/test_england_count.py``
holds them equal on real places and on random tables).

Examples
--------
>>> import numpy as np
>>> grouped_largest_remainder(np.array([100, -7]), np.array([0, 3]),
...                           np.array([1.0, 1.0, 1.0, 2.0, 1.0]), np.array([3.0, 3.0])).tolist()
[34, 33, 33, -5, -2]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tuttotal.count.apportion import (
    DRIVER_ZERO,
    MEASURED,
    NO_DRIVER_VALUE,
    PLACE,
    UNKNOWN_AREA,
    Count,
    finish_count,
    pence_by_basis,
    start_count,
)
from tuttotal.errors import InputError
from tuttotal.money import largest_remainder

if TYPE_CHECKING:
    import pandas as pd

KEYS = ["agency", "agency_type", "function", "theme", "basis"]


def grouped_largest_remainder(
    amounts: np.ndarray, starts: np.ndarray, weights: np.ndarray, totals: np.ndarray
) -> np.ndarray:
    """:func:`tuttotal.money.largest_remainder` of many groups at once, with the same result for each.

    Parameters
    ----------
    amounts : numpy.ndarray
        Whole pence of each group (int64; negative amounts are split as their
        absolute value and negated).
    starts : numpy.ndarray
        The first row of each group: groups are consecutive runs of rows, in
        order, none empty.
    weights : numpy.ndarray
        Non-negative weight of each row.
    totals : numpy.ndarray
        Each group's sum of weights, positive. For the very shares
        ``largest_remainder`` gives, pass ``weights[rows].sum()`` of each
        group (numpy's own summation: a float sum depends on its order).

    Returns
    -------
    numpy.ndarray
        int64 shares per row; each group's add up to its amount exactly.

    Examples
    --------
    >>> grouped_largest_remainder(np.array([10, 0]), np.array([0, 2]), np.array([1.0, 2.0, 5.0]),
    ...                           np.array([3.0, 5.0])).tolist()
    [3, 7, 0]
    """
    amounts = np.asarray(amounts, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    weights = np.asarray(weights, dtype=float)
    totals = np.asarray(totals, dtype=float)
    n_rows = len(weights)
    if not len(starts):
        return np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.append(starts, n_rows))
    if (sizes <= 0).any() or starts[0] != 0:
        raise ValueError("every group needs at least one row, and the first starts at row 0")
    if not (totals > 0).all():
        raise ValueError("weights must have a positive sum in every group")
    group = np.repeat(np.arange(len(starts)), sizes)
    sign = np.where(amounts < 0, -1, 1)
    whole = np.abs(amounts)
    # largest_remainder: quotas = whole * (weights / total); the same float operations, row by row
    quotas = whole.astype(float)[group] * (weights / totals[group])
    shares = np.floor(quotas).astype(np.int64)
    left = whole - np.add.reduceat(shares, starts)
    fractions = quotas - shares
    shares += _extra_pence(fractions, starts, sizes, left)
    for g in np.flatnonzero(left < 0):  # float rounding pushed a floor up: the scalar rule, as it is
        rows = slice(starts[g], starts[g] + sizes[g])
        shares[rows] = largest_remainder(int(whole[g]), weights[rows])
    return sign[group] * shares


def _extra_pence(fractions: np.ndarray, starts: np.ndarray, sizes: np.ndarray, left: np.ndarray) -> np.ndarray:
    """1 for the ``left`` rows of each group with the largest fractions (the earlier row first on ties), else 0.

    Groups of the same size are ranked together, as the rows of one matrix
    (a stable sort along each row): far quicker than one sort of every row
    by group and fraction.
    """
    extra = np.zeros(len(fractions), dtype=np.int64)
    need = np.flatnonzero(left > 0)
    if not len(need):
        return extra
    need = need[np.argsort(sizes[need], kind="stable")]
    bounds = np.flatnonzero(np.diff(sizes[need])) + 1
    for chunk in np.split(need, bounds):
        size = int(sizes[chunk[0]])
        rows = starts[chunk][:, None] + np.arange(size)[None, :]
        order = np.argsort(-fractions[rows], axis=1, kind="stable")  # largest first, ties by position
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.broadcast_to(np.arange(size), order.shape), axis=1)
        extra[rows] = rank < left[chunk][:, None]
    return extra


def _driver_matrix(drivers: pd.DataFrame | None, ward_codes: np.ndarray) -> tuple[dict[str, int], np.ndarray]:
    """Each driver's column and a ``wards × drivers`` matrix of values (NaN where a ward has none).

    Raises the error ``apportion`` raises for a driver given twice for an area.
    """
    import pandas as pd

    if drivers is None or not len(drivers):
        return {}, np.zeros((len(ward_codes), 0))
    names = drivers["driver"].astype(str)
    twice = pd.DataFrame({"driver": names, "area_code": drivers["area_code"]}).duplicated()
    if twice.any():
        at = int(np.flatnonzero(twice.to_numpy())[0])
        raise InputError(
            f"the {names.iloc[at]} of {drivers['area_code'].iloc[at]} is given twice in the driver table",
            fix="keep one row per area_code and driver",
        )
    columns = {name: i for i, name in enumerate(names.unique().tolist())}
    matrix = np.full((len(ward_codes), len(columns)), np.nan)
    row = pd.Index(ward_codes).get_indexer(drivers["area_code"].to_numpy())
    inside = row >= 0
    column = names.map(columns).to_numpy(dtype=np.int64)
    matrix[row[inside], column[inside]] = drivers["value"].to_numpy(dtype=float)[inside]
    return columns, matrix


def factorize_rows(frame: pd.DataFrame) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each row's number among the frame's distinct rows, and those rows column by column, sorted as tuples sort.

    Examples
    --------
    >>> import pandas as pd
    >>> number, found = factorize_rows(pd.DataFrame({"a": ["y", "x", "y"], "b": ["2", "9", "1"]}))
    >>> number.tolist(), [column.tolist() for column in found]
    ([2, 0, 1], [['x', 'y', 'y'], ['9', '1', '2']])
    """
    import pandas as pd

    mixed = np.zeros(len(frame), dtype=np.int64)
    levels = []
    for column in frame.columns:
        codes, uniques = pd.factorize(frame[column], sort=True)
        levels.append(np.asarray(uniques, dtype=object))
        mixed = mixed * len(uniques) + codes
    if np.prod([float(max(len(u), 1)) for u in levels]) >= 2.0**62:  # too many combinations for one integer
        number, found = pd.MultiIndex.from_frame(frame).factorize(sort=True)
        columns = [found.get_level_values(i).to_numpy(dtype=object) for i in range(found.nlevels)]
        return np.asarray(number, dtype=np.int64), columns
    found, number = np.unique(mixed, return_inverse=True)
    digits = np.unravel_index(found, [max(len(u), 1) for u in levels]) if len(found) else [found] * len(levels)
    return number.astype(np.int64).reshape(-1), [u[d] for u, d in zip(levels, digits, strict=True)]


def text_column(values, codes: np.ndarray):
    """``values[codes]`` as a text column of pandas' default text dtype (taken by Arrow when that is Arrow's)."""
    import pandas as pd

    dtype = pd.Series([""]).dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        import pyarrow as pa
        import pyarrow.compute as pc

        pool = pa.system_memory_pool()  # mimalloc, the default, was ten times slower here for million-row takes
        taken = pc.take(pa.array(np.asarray(values, dtype=object), type=pa.string()), pa.array(codes), memory_pool=pool)
        return pd.array(taken, dtype=dtype)
    return np.asarray(values, dtype=object)[codes]


def apportion_national(
    spend: pd.DataFrame,
    wards: pd.DataFrame,
    drivers: pd.DataFrame | None = None,
    *,
    year: str | None = None,
    driver: str | None = None,
    transfer_rules: pd.DataFrame | None = None,
) -> Count:
    """:func:`tuttotal.count.apportion.apportion`, vectorised: the same Count for any number of LADs.

    Parameters
    ----------
    spend : pandas.DataFrame
        A classified spend table (``theme`` and ``driver`` columns), as for ``apportion``.
    wards : pandas.DataFrame
        The ward contract (``ward_code``, ``lad_code`` at least): here, every ward of England.
    drivers : pandas.DataFrame, optional
        ``area_code, driver, value`` (:func:`tuttotal.data.ward_drivers.long_drivers`).
    year, driver, transfer_rules
        As for ``apportion``.

    Returns
    -------
    tuttotal.count.apportion.Count
        ``ward_spend`` rows, amounts, order, reconciliation, drivers used and
        notes as ``apportion`` makes them.

    Examples
    --------
    >>> import pandas as pd
    >>> spend = pd.DataFrame({"year": ["2008-09"] * 2, "agency": ["A", "B"], "agency_type": ["council"] * 2,
    ...                       "area_code": ["L1", "L2"], "function": ["09"] * 2, "theme": ["children"] * 2,
    ...                       "driver": ["population"] * 2, "amount_pence": [1000, 1]})
    >>> wards = pd.DataFrame({"ward_code": ["W1", "W2", "W3"], "lad_code": ["L1", "L1", "L2"]})
    >>> drivers = pd.DataFrame({"area_code": ["W1", "W2", "W3"], "driver": "population", "value": [1, 3, 5]})
    >>> count = apportion_national(spend, wards, drivers, year="2008-09")
    >>> count.ward_spend[["ward_code", "agency", "amount_pence"]].values.tolist()
    [['W1', 'A', 250], ['W2', 'A', 750], ['W3', 'B', 1]]
    """
    import pandas as pd

    input_pence, by_basis, unplaced, work, transfers = start_count(
        spend, wards, year=year, transfer_rules=transfer_rules
    )
    codes, lads = wards["ward_code"].tolist(), wards["lad_code"].tolist()  # plain lists: quick to walk

    # every ward once, sorted by code; a LAD's wards are its codes in that order (apportion's targets)
    ward_codes = np.array(sorted(codes), dtype=object)
    position = pd.Index(ward_codes)
    by_lad = sorted(zip(lads, codes, strict=True))
    lad_list = list(dict.fromkeys(lad for lad, _ in by_lad))
    ward_positions = position.get_indexer([ward for _, ward in by_lad])
    lad_starts = np.searchsorted([lad for lad, _ in by_lad], lad_list)
    lad_ends = np.append(lad_starts[1:], len(by_lad))
    targets_of = {lad: ward_positions[s:e] for lad, s, e in zip(lad_list, lad_starts, lad_ends, strict=True)}
    targets_of[PLACE] = np.arange(len(ward_codes))

    is_ward = work["area_code"].isin(ward_codes)
    is_lad = work["area_code"].isin(lad_list)
    is_place = work["area_code"] == PLACE
    unknown = work[~(is_ward | is_lad | is_place)]
    if len(unknown):
        unplaced.append(
            {
                "reason": UNKNOWN_AREA,
                "amount_pence": int(unknown.amount_pence.sum()),
                "codes": sorted(unknown.area_code.unique().tolist()),
            }
        )
        by_basis[UNKNOWN_AREA] = pence_by_basis(unknown)
    if "basis" not in work.columns:  # a spend table of a body's own books: measured
        work = work.assign(basis=MEASURED)
    bottom_up = work[is_ward][["area_code", *KEYS, "amount_pence"]].rename(columns={"area_code": "ward_code"})
    if len(bottom_up):
        bottom_up = bottom_up.groupby(["ward_code", *KEYS], as_index=False, sort=True)["amount_pence"].sum()
    bottom_up["method"] = "bottom-up"

    columns, matrix = _driver_matrix(drivers, ward_codes)
    top = work[is_lad | is_place].copy()
    if driver:
        top["driver"] = driver
    groups = top.groupby(["area_code", *KEYS, "driver"], sort=True)["amount_pence"].sum().reset_index()

    # ---- each (area, driver) once: its wards, weights and whether they can share money
    used: dict[str, str] = {}
    for name in groups["driver"].unique().tolist():
        used[name] = name if name in columns else ("population" if "population" in columns else "equal")
    pair_id, (pair_areas, pair_drivers) = factorize_rows(groups[["area_code", "driver"]])
    pairs = list(zip(pair_areas.tolist(), pair_drivers.tolist(), strict=True))
    pair_targets, pair_weights = [], []
    pair_total, pair_state = np.zeros(len(pairs)), np.zeros(len(pairs), dtype=np.int64)
    for i, (area, name) in enumerate(pairs):
        targets = targets_of[area]
        resolved = used[name]
        weights = matrix[targets, columns[resolved]] if resolved != "equal" else np.ones(len(targets))
        pair_targets.append(targets)
        pair_weights.append(weights)
        if np.isnan(weights).any():
            pair_state[i] = 1  # a ward without a driver value: never guessed
        elif not weights.sum() > 0:
            pair_state[i] = 2
        else:
            pair_total[i] = weights.sum()  # numpy's own sum of the same array: largest_remainder's total
    amounts = groups["amount_pence"].to_numpy(dtype=np.int64)
    state = pair_state[pair_id]
    no_value_rows = np.flatnonzero(state == 1)
    if len(no_value_rows):
        missing_wards: set[str] = set()
        for i in np.flatnonzero(pair_state == 1):
            missing_wards.update(ward_codes[pair_targets[i][np.isnan(pair_weights[i])]])
        listed = sorted(missing_wards)
        unplaced.append(
            {
                "reason": NO_DRIVER_VALUE,
                "amount_pence": int(amounts[no_value_rows].sum()),
                "codes": listed[:20] + ([f"… {len(listed) - 20} more"] if len(listed) > 20 else []),
            }
        )
        by_basis[NO_DRIVER_VALUE] = pence_by_basis(groups.iloc[no_value_rows])
    zero_rows = np.flatnonzero(state == 2)
    if len(zero_rows):
        unplaced.append(
            {
                "reason": DRIVER_ZERO,
                "amount_pence": int(amounts[zero_rows].sum()),
                "codes": sorted(set(groups["area_code"].to_numpy()[zero_rows].tolist())),
            }
        )
        by_basis[DRIVER_ZERO] = pence_by_basis(groups.iloc[zero_rows])

    # ---- every placeable group over its wards, split at once, then summed by ward and key (apportion's order)
    ok = np.flatnonzero(state == 0)
    if len(ok):
        sizes = np.array([len(t) for t in pair_targets], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        all_targets = np.concatenate(pair_targets)
        all_weights = np.concatenate(pair_weights)
        ids = pair_id[ok]
        row_sizes = sizes[ids]
        starts = np.concatenate([[0], np.cumsum(row_sizes)[:-1]])
        take = np.repeat(offsets[ids] - starts, row_sizes) + np.arange(int(row_sizes.sum()))
        shares = grouped_largest_remainder(amounts[ok], starts, all_weights[take], pair_total[ids])
        key_id, keys = factorize_rows(groups.iloc[ok][KEYS])
        n_keys = len(keys[0])
        combined = all_targets[take].astype(np.int64) * n_keys + np.repeat(key_id, row_sizes)
        order = np.argsort(combined, kind="stable")
        combined = combined[order]
        first = np.flatnonzero(np.concatenate([[True], combined[1:] != combined[:-1]]))
        summed = np.add.reduceat(shares[order], first)
        cell = combined[first]
        key_of_cell = cell % n_keys
        top_down = pd.DataFrame(
            {
                "ward_code": text_column(ward_codes, cell // n_keys),
                **{key: text_column(keys[i], key_of_cell) for i, key in enumerate(KEYS)},
                "amount_pence": summed.astype(np.int64),
            }
        )
    else:
        top_down = bottom_up.iloc[:0].drop(columns="method")
        top_down = top_down.groupby(["ward_code", *KEYS], as_index=False, sort=True)["amount_pence"].sum()
    return finish_count(
        bottom_up,
        top_down,
        input_pence=input_pence,
        by_basis=by_basis,
        unplaced=unplaced,
        transfers=transfers,
        used=used,
    )
