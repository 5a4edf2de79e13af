"""The count: place every pound of a spend table in a ward, and reconcile.

Amounts recorded at a ward stay there (bottom-up). Amounts at a LAD or the
whole place (``*``) are apportioned (top-down) to that area's wards by a
driver (population, households, …) with the largest-remainder method on
whole pence, so ward amounts add up to the input exactly. Whatever cannot be
placed is reported in the :class:`Reconciliation` with its reason, never
dropped. The placing is :func:`place_rows`, one loop for a year (:func:`apportion`)
and for several at once (:func:`tuttotal.count.year_counts.count_years`, a leading
``year`` key).

Examples
--------
>>> import numpy as np
>>> largest_remainder(100, np.array([1.0, 1.0, 1.0]))
array([34, 33, 33])
>>> int(largest_remainder(-1001, np.array([2.0, 1.0])).sum())
-1001
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tuttotal import cache, paths
from tuttotal.data.spend import parse_function
from tuttotal.errors import InputError, TuttotalWarning
from tuttotal.money import format_gbp, largest_remainder
from tuttotal.money import pence_to_decimal_string as gbp

if TYPE_CHECKING:
    import pandas as pd

UNKNOWN_AREA = "unknown area code"
DRIVER_ZERO = "driver sums to zero"
YEAR_OUTSIDE = "year outside the run"
NO_DRIVER_VALUE = "ward without a driver value"
EXCLUDED = "not a place's spending (excluded in the themes table)"
PLACE = "*"
MEASURED = "measured"
MODELLED = "modelled"
#: What a pound of a count is: reported by the body that spent it, or a share of a region's money by a driver.
BASES = (MEASURED, MODELLED)


@dataclass
class Reconciliation:
    """Input total, placed total, and every pound not placed with its reason (all in pence)."""

    input_pence: int
    placed_pence: int
    unplaced: list[dict] = field(default_factory=list)
    transfers_pence: int = 0
    #: Pence of each line by basis: ``input``, each unplaced reason, ``transfers removed`` and ``placed in wards``
    #: → ``{"measured": …, "modelled": …}`` (empty when not tracked: every line is then of its count's one basis).
    basis_pence: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def unplaced_pence(self) -> int:
        """Pence that could not be placed in a ward."""
        return sum(item["amount_pence"] for item in self.unplaced)

    def check(self) -> None:
        """Assert that placed + unplaced + transfers removed = input, to the penny (and so for each basis)."""
        if self.placed_pence + self.unplaced_pence + self.transfers_pence != self.input_pence:
            raise AssertionError(f"money not conserved: {self}")
        if self.basis_pence:
            lines = ["placed in wards", "transfers removed", *(u["reason"] for u in self.unplaced)]
            for basis in BASES:
                out = sum(self.basis_pence.get(line, {}).get(basis, 0) for line in lines)
                if out != self.basis_pence["input"][basis]:
                    raise AssertionError(f"{basis} money not conserved: {self}")

    def to_summary(self) -> dict:
        """The ``totals`` block of ``summary.json``: pounds (floats, for reading) and exact integer pence.

        A float of pounds is exact only below about £90 trillion; the ``*_pence``
        integers beside them are exact at any size (placed + unplaced +
        transfers removed = input, to the penny).

        Examples
        --------
        >>> r = Reconciliation(990_000_000_000_000_001, 990_000_000_000_000_000, [], 1)
        >>> totals = r.to_summary()
        >>> parts = ("placed_pence", "unplaced_pence", "transfers_removed_pence")
        >>> sum(totals[k] for k in parts) == totals["input_pence"]
        True
        """
        return {
            "input_gbp": self.input_pence / 100,
            "placed_gbp": self.placed_pence / 100,
            "unplaced_gbp": self.unplaced_pence / 100,
            "transfers_removed_gbp": self.transfers_pence / 100,
            "input_pence": int(self.input_pence),
            "placed_pence": int(self.placed_pence),
            "unplaced_pence": int(self.unplaced_pence),
            "transfers_removed_pence": int(self.transfers_pence),
            "unplaced": [
                {
                    "reason": u["reason"],
                    "amount_gbp": u["amount_pence"] / 100,
                    "amount_pence": int(u["amount_pence"]),
                    "codes": u["codes"],
                }
                for u in self.unplaced
            ],
        }

    def table(self) -> pd.DataFrame:
        """One line per item: input, each unplaced reason, transfers removed, placed.

        ``item, codes, amount_gbp``, and with :attr:`basis_pence` ``measured_gbp``
        and ``modelled_gbp``, the line's money by basis (they add up to
        ``amount_gbp``), all exact to the penny.

        Examples
        --------
        >>> r = Reconciliation(500, 400, [{"reason": YEAR_OUTSIDE, "amount_pence": 100, "codes": ["2009-10"]}],
        ...                    basis_pence={"input": {"measured": 150, "modelled": 350},
        ...                                 YEAR_OUTSIDE: {"measured": 100, "modelled": 0},
        ...                                 "placed in wards": {"measured": 50, "modelled": 350}})
        >>> r.check()
        >>> r.table()[["item", "amount_gbp", "measured_gbp", "modelled_gbp"]].values.tolist()[-1]
        ['placed in wards', '4.00', '0.50', '3.50']
        """
        import pandas as pd

        lines = [("input", "input", "", self.input_pence)]
        lines += [
            (f"unplaced: {u['reason']}", u["reason"], " ".join(u["codes"]), u["amount_pence"]) for u in self.unplaced
        ]
        if self.transfers_pence:
            lines.append(("transfers removed", "transfers removed", "", self.transfers_pence))
        lines.append(("placed in wards", "placed in wards", "", self.placed_pence))
        rows = []
        for item, key, codes, pence in lines:
            row = {"item": item, "codes": codes, "amount_gbp": gbp(pence)}
            if self.basis_pence:
                parts = self.basis_pence.get(key, {})
                row.update({f"{basis}_gbp": gbp(parts.get(basis, 0)) for basis in BASES})
            rows.append(row)
        return pd.DataFrame(rows)


@dataclass
class Count:
    """The result of :func:`apportion`.

    Attributes
    ----------
    ward_spend : pandas.DataFrame
        ``ward_code, agency, agency_type, function, theme, basis, method, amount_pence``
        (``method`` is ``bottom-up`` or ``top-down``; ``basis`` is ``measured``, money a body
        reports for itself, or ``modelled``, a share of a region's money by a driver).
    reconciliation : Reconciliation
    drivers_used : dict
        Driver asked for → driver used (differs where a fallback was taken).
    notes : list of str
        Sentences for figures and reports (e.g. "equal shares").
    """

    ward_spend: pd.DataFrame
    reconciliation: Reconciliation
    drivers_used: dict
    notes: list[str]


def pence_by_basis(rows: pd.DataFrame) -> dict[str, int]:
    """Pence of ``rows`` by basis (a table without a ``basis`` column is a body's own books: all measured)."""
    if "basis" not in rows.columns:
        return {MEASURED: int(rows["amount_pence"].sum()), MODELLED: 0}
    sums = rows.groupby("basis", observed=True)["amount_pence"].sum()
    return {basis: int(sums.get(basis, 0)) for basis in BASES}


def driver_values_of(drivers: pd.DataFrame | None) -> dict[str, dict[str, float]]:
    """Driver → area code → value, from a driver table (``area_code, driver, value``); an area twice is refused.

    Examples
    --------
    >>> import pandas as pd
    >>> driver_values_of(pd.DataFrame({"area_code": ["W1"], "driver": ["population"], "value": [10.0]}))
    {'population': {'W1': 10.0}}
    """
    driver_values: dict[str, dict[str, float]] = {}
    if drivers is not None and len(drivers):
        for name, code, value in zip(drivers["driver"], drivers["area_code"], drivers["value"], strict=True):
            values = driver_values.setdefault(str(name), {})
            if code in values:
                raise InputError(
                    f"the {name} of {code} is given twice in the driver table",
                    fix="keep one row per area_code and driver",
                )
            values[code] = value
    return driver_values


def weights_for(
    driver: str, ward_codes: np.ndarray, driver_values: dict[str, dict[str, float]], used: dict[str, str]
) -> np.ndarray:
    """Driver values of ``ward_codes`` (NaN where a ward has none), falling back to population, then equal.

    ``used`` records the driver taken for ``driver``.

    Examples
    --------
    >>> used = {}
    >>> weights_for("households", np.array(["W1", "W2"]), {"population": {"W1": 3.0}}, used).tolist(), used
    ([3.0, nan], {'households': 'population'})
    """
    for name in (driver, "population"):
        values = driver_values.get(name)
        if values is not None:
            used[driver] = name
            return np.array([values.get(code, np.nan) for code in ward_codes], dtype=float)
    used[driver] = "equal"
    return np.ones(len(ward_codes))


def load_transfer_rules(path: str | None = None) -> pd.DataFrame:
    """The agency-type pairs whose payments are transfers (``data/transfers.csv``).

    A rule ``payer_type, function, recipient_type`` says that the payer's spend
    on that function is money the recipient spends and counts; it is removed
    as double counting when the recipient's spend on the function is in the
    count too.

    The table is read once per file content (path, size and modification
    time; :func:`tuttotal.paths.file_version`): treat it as read-only.
    """
    return _load_transfer_rules(paths.file_version(path or paths.data_dir() / "transfers.csv"))


@cache.memoize("apportion-load-transfer-rules", maxsize=8)
def _load_transfer_rules(version: tuple[str, int, int]) -> pd.DataFrame:
    import pandas as pd

    source = version[0]
    try:
        rules = pd.read_csv(source, dtype=str, keep_default_na=False)
        rules["function"] = rules["function"].map(parse_function)
    except (OSError, KeyError, ValueError) as exc:
        raise InputError(f"cannot read the transfer rules ({exc})", file=source) from None
    rules.attrs["source"] = str(source)
    return rules


def flag_transfers(
    spend: pd.DataFrame,
    rules: pd.DataFrame | None,
    lad_of_ward: dict | None = None,
    *,
    within: pd.Series | None = None,
) -> pd.Series:
    """Which rows are transfers: flagged in the ``transfer`` column, or matched by a rule **in the same place**.

    A rule removes the payer's rows only where the recipient serves the same
    wards: a payer row at a ward is matched by a recipient row at that ward,
    its LAD or the whole place (``*``); a payer row at a LAD by a recipient
    row at that LAD, one of its wards or the whole place; a payer row for the
    whole place by any recipient row. A council's housing benefit in one LAD
    does not remove DWP's subsidy to another.

    Parameters
    ----------
    spend : pandas.DataFrame
        ``function``, ``agency_type``, ``area_code`` (and optionally ``transfer``).
    rules : pandas.DataFrame or None
        :func:`load_transfer_rules`.
    lad_of_ward : dict, optional
        Ward code → LAD code of the place's wards.
    within : pandas.Series, optional
        A group of each row (a table of several years: its ``year``): a rule
        matches payer and recipient rows of the same group only, as if each
        group were flagged alone.

    Examples
    --------
    >>> import pandas as pd
    >>> rules = pd.DataFrame({"payer_type": ["dwp"], "function": ["10"], "recipient_type": ["council"]})
    >>> spend = pd.DataFrame({"function": ["10", "10", "10"], "agency_type": ["dwp", "council", "dwp"],
    ...                       "area_code": ["*", "*", "*"], "year": ["2008-09", "2008-09", "2009-10"]})
    >>> flag_transfers(spend, rules).tolist()
    [True, False, True]
    >>> flag_transfers(spend, rules, within=spend["year"]).tolist()
    [True, False, False]
    """
    import pandas as pd

    flagged = spend["transfer"].astype(bool) if "transfer" in spend else pd.Series(False, index=spend.index)
    if rules is None or not len(rules):
        return flagged
    lad_of_ward = lad_of_ward or {}
    # Each distinct function and area once (a spend file has few), not once per row.
    division = spend["function"].map({f: str(f).split(".")[0] for f in spend["function"].unique()})
    area = spend["area_code"].astype(str)
    lad = area.map({code: lad_of_ward.get(code, code) for code in area.unique()})
    group = None if within is None else within.astype(str)
    area_key = area if group is None else group + "\x1f" + area
    lad_key = lad if group is None else group + "\x1f" + lad
    for rule in rules.itertuples():
        matches = spend["function"] == rule.function if "." in rule.function else division == rule.function
        recipient = matches & (spend["agency_type"] == rule.recipient_type) & ~flagged
        if not recipient.any():
            continue
        served_areas = set(area_key[recipient])
        served_lads = set(lad_key[recipient])
        payer = matches & (spend["agency_type"] == rule.payer_type)
        if group is not None:  # a recipient for the whole place serves its group's every row
            everywhere = group.isin(set(group[recipient & (area == PLACE)]))
            at_place = (area == PLACE) & group.isin(set(group[recipient]))
            same_place = everywhere | at_place | area_key.isin(served_areas) | lad_key.isin(served_lads)
        elif PLACE in served_areas:
            same_place = pd.Series(True, index=spend.index)
        else:
            same_place = (area == PLACE) | area.isin(served_areas) | lad.isin(served_lads)
        flagged = flagged | (payer & same_place)
    return flagged


def apportion(
    spend: pd.DataFrame,
    wards: pd.DataFrame,
    drivers: pd.DataFrame | None = None,
    *,
    year: str | None = None,
    driver: str | None = None,
    transfer_rules: pd.DataFrame | None = None,
) -> Count:
    """Place a classified spend table in wards, top-down where needed, and reconcile.

    Parameters
    ----------
    spend : pandas.DataFrame
        From :func:`tuttotal.data.spend.read_spend` then :func:`tuttotal.count.themes.assign_themes`
        (needs ``theme`` and ``driver`` columns).
    wards : pandas.DataFrame
        The ward contract (``ward_code``, ``lad_code`` at least).
    drivers : pandas.DataFrame, optional
        ``area_code, driver, value``. Without it, top-down amounts go to
        wards in equal shares.
    year : str, optional
        Only rows of this year are placed; others are reported as
        "year outside the run".
    driver : str, optional
        One driver for every function, instead of the themes table's.
    transfer_rules : pandas.DataFrame, optional
        From :func:`load_transfer_rules`; rows flagged in a ``transfer``
        column are removed as double counting whatever the rules.

    Returns
    -------
    Count
    """
    input_pence, by_basis, unplaced, work, transfers = start_count(
        spend, wards, year=year, transfer_rules=transfer_rules
    )
    placed = place_rows(work, wards, drivers, driver=driver)
    unplaced += placed.unplaced.get(None, [])
    by_basis.update(placed.basis_pence.get(None, {}))
    return finish_count(
        placed.bottom_up,
        placed.top_down,
        input_pence=input_pence,
        by_basis=by_basis,
        unplaced=unplaced,
        transfers=transfers,
        used=placed.drivers_used,
    )


#: The columns a ward's money is kept apart by, after its ward (and a leading ``year`` in several years' count).
KEYS = ["agency", "agency_type", "function", "theme", "basis"]


@dataclass
class Placed:
    """What :func:`place_rows` made of the rows left to place: ward rows, and the money it could not place.

    Attributes
    ----------
    bottom_up : pandas.DataFrame
        The rows recorded at a ward, summed: ``[by,] ward_code, agency, agency_type, function, theme,
        basis, amount_pence, method`` (``method`` is ``bottom-up``), sorted by those keys.
    top_down : pandas.DataFrame
        The rows at a LAD or the whole place, shared among its wards, in the same columns and order
        (``method`` is ``top-down``).
    drivers_used : dict
        Driver asked for → driver used (differs where a fallback was taken).
    unplaced : dict
        The group (a ``year``; ``None`` without ``by``) → its unplaced lines, in the order a
        :class:`Reconciliation` lists them: unknown area codes, wards without a driver value,
        drivers that sum to zero (a group with none is absent).
    basis_pence : dict
        The group → each of its unplaced reasons → ``{"measured": …, "modelled": …}`` pence.
    """

    bottom_up: pd.DataFrame
    top_down: pd.DataFrame
    drivers_used: dict[str, str]
    unplaced: dict[str | None, list[dict]]
    basis_pence: dict[str | None, dict[str, dict[str, int]]]


def place_rows(
    work: pd.DataFrame,
    wards: pd.DataFrame,
    drivers: pd.DataFrame | None = None,
    *,
    driver: str | None = None,
    by: str | None = None,
) -> Placed:
    """Place rows in wards: a ward's rows stay there, a LAD's or the place's are shared among its wards.

    The one placing loop of :func:`apportion` (one year) and of
    :func:`tuttotal.count.year_counts.count_years` (several, ``by="year"``). Each area's amount of a
    line (its :data:`KEYS` and driver) is shared by the driver's values of the area's wards, by the
    largest remainder on whole pence; a line whose wards lack a value of the driver, or whose values
    sum to zero, and rows of an area code that is neither a ward, a LAD of ``wards`` nor ``*``, are
    not placed but reported by group, with their pence by basis. With ``by``, every group of rows
    (a year) is placed as if it were placed alone: its rows, their order and its unplaced lines are
    the same.

    Parameters
    ----------
    work : pandas.DataFrame
        Classified rows to place, already checked, without other years, excluded functions or transfers:
        ``area_code, agency, agency_type, function, theme, driver, amount_pence`` (optionally ``basis``,
        measured without it; and ``by``).
    wards : pandas.DataFrame
        ``ward_code, lad_code`` at least.
    drivers : pandas.DataFrame, optional
        ``area_code, driver, value``; without it top-down amounts go to wards in equal shares.
    driver : str, optional
        One driver for every function, instead of each row's.
    by : str, optional
        A column that leads the keys (``year``): its groups are placed apart and reported apart.

    Returns
    -------
    Placed

    Examples
    --------
    >>> import pandas as pd
    >>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "lad_code": ["L1", "L1"]})
    >>> work = pd.DataFrame({"year": ["2008-09", "2009-10", "2009-10"], "area_code": ["L1", "L1", "X9"],
    ...                      "agency": "Council", "agency_type": "council", "function": "07", "theme": "Care",
    ...                      "driver": "population", "amount_pence": [101, 7, 5]})
    >>> placed = place_rows(work, wards, by="year")
    >>> placed.top_down[["year", "ward_code", "amount_pence"]].values.tolist()
    [['2008-09', 'W1', 51], ['2008-09', 'W2', 50], ['2009-10', 'W1', 4], ['2009-10', 'W2', 3]]
    >>> placed.drivers_used, placed.unplaced
    ({'population': 'equal'}, {'2009-10': [{'reason': 'unknown area code', 'amount_pence': 5, 'codes': ['X9']}]})
    """
    import pandas as pd

    lead = [by] if by else []
    ward_codes = pd.Index(sorted(wards["ward_code"]))
    listed: dict[str, list[str]] = {}
    for lad, ward in sorted(zip(wards["lad_code"], wards["ward_code"], strict=True)):
        listed.setdefault(lad, []).append(ward)
    wards_of_lad = {lad: np.array(codes) for lad, codes in listed.items()}
    everywhere = ward_codes.to_numpy()
    unplaced: dict[str | None, list[dict]] = {}
    lost_by_basis: dict[str | None, dict[str, dict[str, int]]] = {}

    def report(group: str | None, reason: str, pence: int, codes: list[str], bases: dict[str, int]) -> None:
        unplaced.setdefault(group, []).append({"reason": reason, "amount_pence": pence, "codes": codes})
        lost_by_basis.setdefault(group, {})[reason] = bases

    is_ward = work["area_code"].isin(ward_codes)
    is_lad = work["area_code"].isin(list(wards_of_lad))
    is_place = work["area_code"] == PLACE
    unknown = work[~(is_ward | is_lad | is_place)]
    if len(unknown):
        for group, part in unknown.groupby(by, sort=False) if by else [(None, unknown)]:
            codes = sorted(part.area_code.unique().tolist())
            report(group, UNKNOWN_AREA, int(part.amount_pence.sum()), codes, pence_by_basis(part))

    if "basis" not in work.columns:  # a spend table of a body's own books: measured
        work = work.assign(basis=MEASURED)
    bottom_up = work[is_ward][[*lead, "area_code", *KEYS, "amount_pence"]].rename(columns={"area_code": "ward_code"})
    if len(bottom_up):  # a top-down count has none: no grouping of nothing
        bottom_up = bottom_up.groupby([*lead, "ward_code", *KEYS], as_index=False, sort=True)["amount_pence"].sum()
    empty = bottom_up.iloc[:0]
    bottom_up["method"] = "bottom-up"

    driver_values = driver_values_of(drivers)
    used: dict[str, str] = {}
    top = work[is_lad | is_place].copy()
    if driver:
        top["driver"] = driver
    groups = top.groupby([*lead, "area_code", *KEYS, "driver"], sort=True)["amount_pence"].sum()
    n = len(lead)
    piece_wards: list[np.ndarray] = []
    piece_keys: list[tuple] = []
    piece_amounts: list[np.ndarray] = []
    lost: dict[tuple[str | None, str], dict] = {}  # (group, reason) → pence by area and by basis
    no_value_wards: dict[str | None, set[str]] = {}
    weights_of: dict[tuple[str, str], np.ndarray] = {}  # the same area and driver recur across functions
    for key, amount in groups.items():
        area, basis, driver_name = key[n], key[-2], key[-1]
        targets = everywhere if area == PLACE else wards_of_lad[area]
        if (area, driver_name) not in weights_of:
            weights_of[(area, driver_name)] = weights_for(driver_name, targets, driver_values, used)
        weights = weights_of[(area, driver_name)]
        missing = np.isnan(weights)
        group = key[0] if n else None  # the line's year in several years' count
        if missing.any():
            _lose(lost, (group, NO_DRIVER_VALUE), area, basis, int(amount))
            no_value_wards.setdefault(group, set()).update(targets[missing])
            continue
        if not weights.sum() > 0:
            _lose(lost, (group, DRIVER_ZERO), area, basis, int(amount))
            continue
        piece_wards.append(targets)
        piece_keys.append((*key[:n], *key[n + 1 : -1], len(targets)))
        piece_amounts.append(largest_remainder(int(amount), weights))
    for group in dict.fromkeys(group for group, _ in lost):
        if (group, NO_DRIVER_VALUE) in lost:
            missing_in = lost[(group, NO_DRIVER_VALUE)]
            wards_listed = sorted(no_value_wards[group])
            more = [f"… {len(wards_listed) - 20} more"] if len(wards_listed) > 20 else []
            pence = sum(missing_in["areas"].values())
            report(group, NO_DRIVER_VALUE, pence, wards_listed[:20] + more, missing_in["bases"])
        if (group, DRIVER_ZERO) in lost:
            zero = lost[(group, DRIVER_ZERO)]
            report(group, DRIVER_ZERO, sum(zero["areas"].values()), sorted(zero["areas"]), zero["bases"])
    top_down = pieces_frame(piece_wards, piece_keys, piece_amounts, [*lead, *KEYS], empty=empty, lead=n)
    top_down["method"] = "top-down"
    return Placed(bottom_up, top_down, used, unplaced, lost_by_basis)


def _lose(lost: dict, at: tuple[str | None, str], area: str, basis: str, pence: int) -> None:
    """Add ``pence`` of ``area`` and ``basis`` to the money not placed at ``at`` (a group and a reason)."""
    found = lost.setdefault(at, {"areas": {}, "bases": dict.fromkeys(BASES, 0)})
    found["areas"][area] = found["areas"].get(area, 0) + pence
    found["bases"][basis] += pence


def pieces_frame(
    piece_wards: list[np.ndarray],
    piece_keys: list[tuple],
    piece_amounts: list[np.ndarray],
    keys: list[str],
    *,
    empty: pd.DataFrame,
    lead: int = 0,
) -> pd.DataFrame:
    """The top-down pieces as one table, a row per ward and key, summed (``ward_code``, *keys*, ``amount_pence``).

    Each piece is one amount shared among its wards: ``piece_wards[i]`` the wards, ``piece_amounts[i]``
    their pence and ``piece_keys[i]`` the values of *keys* followed by the number of wards. The first
    ``lead`` keys (a ``year``) come before ``ward_code``, in the columns and in the order of the rows.
    :func:`place_rows` builds the top-down table of both :func:`apportion` (one year) and
    :func:`tuttotal.count.year_counts.count_years` (a leading ``year`` key) here.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> pieces_frame([np.array(["W1", "W2"])], [("council", 2)], [np.array([3, 2])], ["agency"],
    ...              empty=pd.DataFrame(columns=["ward_code", "agency", "amount_pence"]))
      ward_code   agency  amount_pence
    0        W1  council             3
    1        W2  council             2
    """
    import pandas as pd

    if piece_wards:
        repeats = [n for *_, n in piece_keys]
        table = pd.DataFrame(
            {
                "ward_code": np.concatenate(piece_wards),
                **{
                    key: np.repeat(np.array([k[i] for k in piece_keys], dtype=object), repeats)
                    for i, key in enumerate(keys)
                },
                "amount_pence": np.concatenate(piece_amounts).astype(np.int64),
            }
        )
    else:
        table = empty
    order = [*keys[:lead], "ward_code", *keys[lead:]]
    return table.groupby(order, as_index=False, sort=True)["amount_pence"].sum()


def check_basis(spend: pd.DataFrame) -> None:
    """Refuse a ``basis`` column that holds anything but ``measured`` or ``modelled`` (no column is measured).

    Examples
    --------
    >>> import pandas as pd
    >>> check_basis(pd.DataFrame({"basis": ["measured", "modelled"]}))
    >>> try:
    ...     check_basis(pd.DataFrame({"basis": ["guessed"]}))
    ... except InputError as exc:
    ...     print(str(exc).splitlines()[0])
    column 'basis': the spend table's basis column holds ['guessed'].
    """
    if "basis" in spend.columns:
        bad_basis = sorted(set(spend["basis"].astype(str)) - set(BASES))
        if bad_basis:
            raise InputError(
                f"the spend table's basis column holds {bad_basis[:5]}",
                column="basis",
                fix=f"use one of {', '.join(BASES)} (or leave the column out: a spend file is measured)",
            )


def start_count(
    spend: pd.DataFrame, wards: pd.DataFrame, *, year: str | None, transfer_rules: pd.DataFrame | None
) -> tuple[int, dict, list[dict], pd.DataFrame, pd.DataFrame]:
    """The first steps of a count (:func:`apportion` and the national one): check the table, set aside the
    rows of other years, the excluded functions and the transfers.

    Returns ``input_pence, by_basis, unplaced, work, transfers``: the rows left to place are ``work``.
    """
    if "driver" not in spend.columns:
        raise InputError(
            "the spend table has no driver column", fix="classify it with tuttotal.count.themes.assign_themes first"
        )
    check_basis(spend)
    input_pence = int(spend["amount_pence"].sum())
    by_basis = {"input": pence_by_basis(spend)}
    unplaced: list[dict] = []
    work = spend
    if year is not None:
        outside = work[work["year"] != year]
        if len(outside):
            unplaced.append(
                {
                    "reason": YEAR_OUTSIDE,
                    "amount_pence": int(outside.amount_pence.sum()),
                    "codes": sorted(outside.year.unique().tolist()),
                }
            )
            by_basis[YEAR_OUTSIDE] = pence_by_basis(outside)
        work = work[work["year"] == year]
    excluded = work[work["driver"] == "excluded"]
    if len(excluded):
        unplaced.append(
            {
                "reason": EXCLUDED,
                "amount_pence": int(excluded.amount_pence.sum()),
                "codes": sorted(excluded.function.unique().tolist()),
            }
        )
        by_basis[EXCLUDED] = pence_by_basis(excluded)
        work = work[work["driver"] != "excluded"]
    lad_of_ward = dict(zip(wards["ward_code"], wards["lad_code"], strict=True))
    is_transfer = flag_transfers(work, transfer_rules, lad_of_ward)
    transfers = work[is_transfer]
    work = work[~is_transfer]
    by_basis["transfers removed"] = pence_by_basis(transfers)

    return input_pence, by_basis, unplaced, work, transfers


def finish_count(
    bottom_up: pd.DataFrame,
    top_down: pd.DataFrame,
    *,
    input_pence: int,
    by_basis: dict,
    unplaced: list[dict],
    transfers: pd.DataFrame,
    used: dict[str, str],
) -> Count:
    """The last steps of a count: the ward rows (bottom-up then top-down), reconciled, warned of and noted."""
    import pandas as pd

    top_down["method"] = "top-down"
    ward_spend = pd.concat([bottom_up, top_down], ignore_index=True)
    ward_spend["amount_pence"] = ward_spend["amount_pence"].astype("int64")

    by_basis["placed in wards"] = pence_by_basis(ward_spend)
    recon = Reconciliation(
        input_pence=input_pence,
        placed_pence=int(ward_spend.amount_pence.sum()),
        unplaced=unplaced,
        transfers_pence=int(transfers.amount_pence.sum()),
        basis_pence=by_basis,
    )
    recon.check()
    for item in unplaced:
        listed = ", ".join(item["codes"][:10])
        warnings.warn(
            f"£{item['amount_pence'] / 100:,.2f} not placed in wards: {item['reason']} ({listed})",
            TuttotalWarning,
            stacklevel=3,
        )
    notes = []
    if "equal" in used.values():
        notes.append("LAD- and place-level spend shared equally between wards (no driver given).")
    fallbacks = sorted({k for k, v in used.items() if v not in (k, "equal")})
    if fallbacks:
        notes.append(f"No {', '.join(fallbacks)} driver given: population used instead.")
    if recon.transfers_pence:
        notes.append(
            f"{format_gbp(recon.transfers_pence, 3)} of transfers between agencies removed as double counting."
        )
    return Count(ward_spend=ward_spend, reconciliation=recon, drivers_used=used, notes=notes)
