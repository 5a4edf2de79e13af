"""The national count's tables: every LAD, every ward, each ward's money by theme and basis, the reconciliation.

These are a contract (the national findings read them): the columns of
:data:`LAD_COLUMNS` and :data:`WARD_COLUMNS` come first, in that order, then
one column per theme and basis (``<theme slug>_measured_gbp``,
``<theme slug>_modelled_gbp``, every theme of ``data/themes.csv``, zeros
included), then the extra columns. What each column is, its basis and its
prices: :data:`tuttotal.england.table_schema.FIELDS` (also the data package's schema).

Money is counted in whole pence. At other prices than cash, each row of the
ward-level count is converted once (its pence times the GDP deflator
factor, rounded to the penny) and the tables add those up, so that a LAD's
money is still exactly the sum of its wards'. **Capital** is *in*
``total_gbp`` (as in a place report's "placed in wards" and per head) and
shown apart in ``capital_gbp`` (``current_gbp`` is the rest: the place
report's current headline).

Examples
--------
>>> theme_slug("working-age adults and worklessness")
'working_age_adults_and_worklessness'
>>> theme_columns(["older people"])
['older_people_measured_gbp', 'older_people_modelled_gbp']
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

import numpy as np

from tuttotal.count.apportion import BASES, MEASURED, MODELLED
from tuttotal.count.real_years import MEASURED as MEASURED_YEAR
from tuttotal.count.real_years import OUTTURN
from tuttotal.data import cra_releases, deflators
from tuttotal.money import format_gbp, pence_to_decimal_string

if TYPE_CHECKING:
    import pandas as pd

    from tuttotal.count.apportion import Count


class CountedEngland(Protocol):
    """What the checks and views below read of a national count (:class:`tuttotal.england.count.EnglandCount`).

    Named here as a shape, not imported: the count module builds its tables with this one, so this one may not
    import it (no import cycle, type-only ones included).
    """

    year: str
    prices: str
    source: str
    count: Count
    lads: pd.DataFrame
    wards: pd.DataFrame
    regions: pd.DataFrame
    ward_theme: pd.DataFrame
    ward_spend: pd.DataFrame
    lad_spend: pd.DataFrame
    reconciliation: pd.DataFrame

    @property
    def prices_label(self) -> str: ...


#: ``lads.csv``: the contract's columns, in order (the theme × basis columns follow, then :data:`LAD_EXTRA`).
LAD_COLUMNS = [
    "year",
    "prices",
    "lad_code",
    "lad_name",
    "region",
    "people",
    "income_deprived",
    "total_gbp",
    "measured_gbp",
    "modelled_gbp",
    "measured_share",
    "per_head_gbp",
    "measured_per_head_gbp",
    "councils_gbp",
    "councils_per_head_gbp",
    "capital_gbp",
]
#: Columns of ``lads.csv`` after the theme × basis ones.
LAD_EXTRA = ["current_gbp", "councils_basis", "local_government_gbp", "wards"]
#: ``wards.csv``: the contract's columns, in order (the theme × basis columns follow, then :data:`WARD_EXTRA`).
WARD_COLUMNS = [
    "year",
    "prices",
    "ward_code",
    "ward_name",
    "lad_code",
    "lad_name",
    "region",
    "people",
    "income_deprived",
    "total_gbp",
    "measured_gbp",
    "modelled_gbp",
    "measured_share",
    "per_head_gbp",
    "measured_per_head_gbp",
]
WARD_EXTRA = ["imd2010_score", "imd2015_score"]
#: ``ward_theme.csv``: one row per ward, theme and basis, exact.
WARD_THEME_COLUMNS = ["ward_code", "theme", "basis", "amount_gbp", "prices"]
REGION_COLUMNS = [
    "region",
    "lads",
    "wards",
    "people",
    "total_gbp",
    "measured_gbp",
    "modelled_gbp",
    "measured_share",
    "per_head_gbp",
    "measured_per_head_gbp",
    "councils_gbp",
    "councils_per_head_gbp",
    "capital_gbp",
]
#: The last row of ``regions`` when the run holds only some of England's LADs.
ALL_RUN = "all the LADs of the run"
RECONCILIATION_COLUMNS = [
    "step",
    "operation",
    "item",
    "amount_gbp",
    "measured_gbp",
    "modelled_gbp",
    "amount_pence",
    "basis",
    "source",
    "codes",
]


def theme_slug(theme: str) -> str:
    """A theme's name as a column name: lower case, words joined by ``_``."""
    return re.sub(r"[^a-z0-9]+", "_", str(theme).lower()).strip("_")


def theme_names(theme_table: pd.DataFrame) -> list[str]:
    """Every theme of the themes table (``data/themes.csv``), sorted."""
    return sorted({t for t in theme_table["theme"] if str(t).strip()})


def theme_columns(names: list[str]) -> list[str]:
    """``<slug>_measured_gbp``, ``<slug>_modelled_gbp`` for each theme, in order."""
    return [f"{theme_slug(name)}_{basis}_gbp" for name in names for basis in BASES]


def exact_gbp(pence: int) -> str:
    """Whole pence as exact pounds (``"-1000.01"``)."""
    return pence_to_decimal_string(int(pence))


def exact_gbp_column(pence: np.ndarray) -> pd.Series:
    """:func:`exact_gbp` of every amount, at once.

    Examples
    --------
    >>> exact_gbp_column(np.array([-100001, 5, 123456])).tolist()
    ['-1000.01', '0.05', '1234.56']
    """
    import pandas as pd

    pence = np.asarray(pence, dtype=np.int64)
    whole, part = np.divmod(np.abs(pence), 100)
    text = pd.Series(whole).astype(str) + "." + pd.Series(part).astype(str).str.zfill(2)
    return text.where(pence >= 0, "-" + text)


# --------------------------------------------------------------------------------------------- the tables


def _at_prices(pence: np.ndarray, factor: float) -> np.ndarray:
    """Each amount at the table's prices, rounded to the penny once (the place report's rule)."""
    if factor == 1.0:
        return np.asarray(pence, dtype=np.int64)
    return np.rint(np.asarray(pence, dtype=float) * factor).astype(np.int64)


def _per_head(gbp: pd.Series, people: pd.Series) -> pd.Series:
    return (gbp / people).where(people > 0)


def build(
    *,
    year: str,
    prices: str,
    factor: float,
    ward_spend: pd.DataFrame,
    lad_spend: pd.DataFrame,
    boundaries: pd.DataFrame,
    drivers: pd.DataFrame,
    people: tuple[pd.Series, pd.Series, bool],
    theme_names: list[str],
    source: str,
    england_lads: int = 326,
) -> dict[str, pd.DataFrame]:
    """``lads``, ``wards``, ``ward_theme`` and ``regions`` from the ward-level count.

    Parameters
    ----------
    ward_spend : pandas.DataFrame
        ``ward_code, lad_code, theme, basis, amount_pence`` (cash, exact).
    lad_spend : pandas.DataFrame
        The LAD-level count (``area_code, agency_type, body, spend_type, source, basis, transfer, amount_pence``).
    people : tuple
        People of the year by ward (floats) and by LAD (whole), and whether the estimates cover the year.
    factor : float
        What a cash pound of ``year`` is multiplied by at ``prices`` (1 for cash).
    """
    import pandas as pd

    label = deflators.prices_label(prices)
    ward_people, lad_people, _ = people
    pence = _at_prices(ward_spend["amount_pence"].to_numpy(), factor)
    ward_theme = sum_by(ward_spend[["ward_code", "theme", "basis"]], pence)
    ward_theme["amount_gbp"] = exact_gbp_column(ward_theme["amount_pence"].to_numpy())
    ward_theme["prices"] = label

    found = sorted(set(ward_theme["theme"].unique().tolist()))
    names = [*theme_names, *(t for t in found if t not in theme_names)]  # a spend row's own theme: its own columns
    columns = theme_columns(names)
    column_of = {(t, b): f"{theme_slug(t)}_{b}_gbp" for t in names for b in BASES}
    slug = ward_theme["theme"].map({t: theme_slug(t) for t in found})
    wide = (
        ward_theme.assign(column=slug + "_" + ward_theme["basis"] + "_gbp")
        .pivot_table(index="ward_code", columns="column", values="amount_pence", aggfunc="sum", fill_value=0)
        .reindex(columns=columns, fill_value=0)
    )
    info = boundaries[["ward_code", "ward_name", "lad_code", "lad_name", "region"]].drop_duplicates("ward_code")
    info = info.set_index("ward_code").sort_index()
    wide = wide.reindex(info.index, fill_value=0).astype(np.int64)
    measured_cols = [column_of[(t, MEASURED)] for t, _ in column_of if _ == MEASURED]
    modelled_cols = [column_of[(t, MODELLED)] for t, _ in column_of if _ == MODELLED]

    def money_frame(frame: pd.DataFrame) -> pd.DataFrame:
        """Pence → pounds, with the totals (summed in pence first)."""
        out = pd.DataFrame(index=frame.index)
        out["total_pence"] = frame[columns].sum(axis=1)
        out["measured_pence"] = frame[measured_cols].sum(axis=1)
        out["modelled_pence"] = frame[modelled_cols].sum(axis=1)
        for column in columns:
            out[column] = frame[column] / 100
        return out

    drv = drivers.set_index("ward_code")
    # ---- wards
    wards = info.copy()
    wards.insert(0, "prices", label)
    wards.insert(0, "year", year)
    wards["people"] = ward_people.reindex(wards.index).astype(float)
    wards["income_deprived"] = drv["income_deprived_share"].reindex(wards.index).astype(float)
    money = money_frame(wide)
    wards = _money_columns(wards, money)
    for column in WARD_EXTRA:
        wards[column] = drv[column].reindex(wards.index).astype(float)
    wards = wards.reset_index()[[*WARD_COLUMNS, *columns, *WARD_EXTRA]]

    # ---- LADs: the sum of their wards' pence (exact), with councils and capital from the LAD-level rows
    lad_info = info.drop_duplicates("lad_code").set_index("lad_code")[["lad_name", "region"]].sort_index()
    lad_wide = wide.groupby(info["lad_code"]).sum().reindex(lad_info.index, fill_value=0)
    lads = lad_info.copy()
    lads.insert(0, "prices", label)
    lads.insert(0, "year", year)
    lads["people"] = lad_people.reindex(lads.index).fillna(0).astype(np.int64)
    counts = drv.groupby("lad_code")[["income_deprived", "population"]].sum().reindex(lads.index)
    lads["income_deprived"] = (counts["income_deprived"] / counts["population"]).where(counts["population"] > 0)
    lads = _money_columns(lads, money_frame(lad_wide))
    kept = lad_spend[~lad_spend["transfer"].to_numpy(dtype=bool)]
    kept_pence = _at_prices(kept["amount_pence"].to_numpy(), factor)

    def lad_sum(mask: np.ndarray) -> pd.Series:
        frame = pd.DataFrame({"lad": kept["area_code"].to_numpy()[mask], "pence": kept_pence[mask]})
        return frame.groupby("lad")["pence"].sum().reindex(lads.index, fill_value=0).astype(np.int64)

    body = kept["body"].fillna("").to_numpy()
    current = (kept["spend_type"].fillna("") == "current").to_numpy()
    councils_type = (kept["agency_type"] == "council").to_numpy()
    books = (kept["source"] == "outturn").to_numpy()
    measured_year = source in (MEASURED_YEAR, OUTTURN)
    local = books if measured_year else (body == "LG") & current
    councils = lad_sum(local & councils_type)
    lads["councils_gbp"] = councils / 100
    lads["councils_per_head_gbp"] = _per_head(lads["councils_gbp"], lads["people"])
    capital = lad_sum((kept["spend_type"] == "capital").to_numpy())
    lads["capital_gbp"] = capital / 100
    for column in columns:
        lads[column] = lad_wide[column] / 100
    lads["current_gbp"] = (lads["total_pence"] - capital) / 100
    lads["councils_basis"] = MEASURED if measured_year else MODELLED
    lads["local_government_gbp"] = lad_sum(local) / 100
    lads["wards"] = info.groupby("lad_code").size().reindex(lads.index).fillna(0).astype(np.int64)
    lads["capital_pence"] = capital
    lads["councils_pence"] = councils
    lads_out = lads.reset_index()[[*LAD_COLUMNS, *columns, *LAD_EXTRA]]

    regions = _regions(lads, "England" if len(lads) == england_lads else ALL_RUN)
    ward_theme = ward_theme[["ward_code", "theme", "basis", "amount_gbp", "prices", "amount_pence"]]
    return {"lads": lads_out, "wards": wards, "ward_theme": ward_theme, "regions": regions}


def sum_by(keys: pd.DataFrame, pence: np.ndarray) -> pd.DataFrame:
    """``pence`` summed by the rows of ``keys`` (exactly, in int64), sorted by them: a quick ``groupby().sum()``.

    Examples
    --------
    >>> import pandas as pd
    >>> keys = pd.DataFrame({"ward": ["b", "a", "b"], "theme": ["x", "y", "x"]})
    >>> sum_by(keys, np.array([1, 2, 3])).values.tolist()
    [['a', 'y', 2], ['b', 'x', 4]]
    """
    import pandas as pd

    combined = np.zeros(len(keys), dtype=np.int64)
    uniques = []
    for column in keys.columns:
        codes, found = pd.factorize(keys[column], sort=True)
        uniques.append(np.asarray(found, dtype=object))
        combined = combined * len(found) + codes
    order = np.argsort(combined, kind="stable")
    combined = combined[order]
    first = np.flatnonzero(np.concatenate([[True], combined[1:] != combined[:-1]])) if len(combined) else []
    sums = np.add.reduceat(np.asarray(pence, dtype=np.int64)[order], first) if len(combined) else np.zeros(0)
    digits = np.unravel_index(combined[first], [max(len(u), 1) for u in uniques])
    out = pd.DataFrame({column: u[d] for column, u, d in zip(keys.columns, uniques, digits, strict=True)})
    out["amount_pence"] = np.asarray(sums, dtype=np.int64)
    return out


def _money_columns(frame: pd.DataFrame, money: pd.DataFrame) -> pd.DataFrame:
    """Add the money columns of :data:`LAD_COLUMNS` / :data:`WARD_COLUMNS` (and ``*_pence`` helpers)."""
    frame = frame.copy()
    for name in ("total", "measured", "modelled"):
        frame[f"{name}_pence"] = money[f"{name}_pence"].reindex(frame.index).fillna(0).astype(np.int64)
        frame[f"{name}_gbp"] = frame[f"{name}_pence"] / 100
    frame["measured_share"] = (frame["measured_pence"] / frame["total_pence"]).where(frame["total_pence"] != 0)
    frame["per_head_gbp"] = _per_head(frame["total_gbp"], frame["people"])
    frame["measured_per_head_gbp"] = _per_head(frame["measured_gbp"], frame["people"])
    for column in money.columns:
        if column.endswith("_gbp"):
            frame[column] = money[column].reindex(frame.index).fillna(0.0)
    return frame


def _regions(lads: pd.DataFrame, everything: str = "England") -> pd.DataFrame:
    """The regions and England (``everything``: all the LADs counted), LADs' pence and people added up, then per
    head and shares."""
    import pandas as pd

    sums = ["people", "total_pence", "measured_pence", "modelled_pence", "councils_pence", "capital_pence", "wards"]
    by_region = lads.groupby("region")[sums].sum()
    by_region["lads"] = lads.groupby("region").size()
    england = by_region.sum().to_frame(everything).T
    table = pd.concat([by_region, england])
    out = pd.DataFrame(index=table.index)
    out["lads"] = table["lads"].astype(np.int64)
    out["wards"] = table["wards"].astype(np.int64)
    out["people"] = table["people"].astype(np.int64)
    for name in ("total", "measured", "modelled", "councils", "capital"):
        out[f"{name}_gbp"] = table[f"{name}_pence"] / 100
    out["measured_share"] = (table["measured_pence"] / table["total_pence"]).where(table["total_pence"] != 0)
    out["per_head_gbp"] = _per_head(out["total_gbp"], out["people"])
    out["measured_per_head_gbp"] = _per_head(out["measured_gbp"], out["people"])
    out["councils_per_head_gbp"] = _per_head(out["councils_gbp"], out["people"])
    return out.rename_axis("region").reset_index()[REGION_COLUMNS]


# --------------------------------------------------------------------------------------------- reconciliation


def reconciliation_table(items: list[dict], lad_spend: pd.DataFrame, count: Count) -> pd.DataFrame:
    """Every step from the releases to the wards, cash pence: the count's items, then transfers, then the wards.

    Each step's money by basis too (``measured_gbp``, ``modelled_gbp``: they add up to ``amount_gbp``); a step
    of one basis says it in ``basis`` (empty for a step of both).
    """
    import pandas as pd

    def parts(measured: int, modelled: int) -> dict:
        return {"measured_pence": int(measured), "modelled_pence": int(modelled)}

    rows = []
    for item in items:
        row = dict(item)
        if "measured_pence" not in row:  # a step of one basis
            amount = row["amount_pence"]
            row.update(parts(amount, 0) if row["basis"] == MEASURED else parts(0, amount))
        rows.append(row)
    by_basis = lad_spend.groupby("basis")["amount_pence"].sum()
    rows.append(
        {
            "item": "counted in the run's LADs (modelled and measured)",
            "amount_pence": int(lad_spend["amount_pence"].sum()),
            "source": "the LAD-level count: the two subtotals above",
            "codes": "",
            "kind": "counted",
            **parts(by_basis.get(MEASURED, 0), by_basis.get(MODELLED, 0)),
        }
    )
    recon = count.reconciliation
    split = recon.basis_pence

    def negated(key: str) -> dict:
        found = split.get(key, {})
        return parts(-found.get(MEASURED, 0), -found.get(MODELLED, 0))

    if recon.transfers_pence:
        rows.append(
            {
                "item": "transfers between agencies removed as double counting (data/transfers.csv)",
                "amount_pence": -int(recon.transfers_pence),
                "source": "data/transfers.csv",
                "codes": "",
                "kind": "transfers",
                **negated("transfers removed"),
            }
        )
    for unplaced in recon.unplaced:
        rows.append(
            {
                "item": f"not placed in wards: {unplaced['reason']}",
                "amount_pence": -int(unplaced["amount_pence"]),
                "source": "",
                "codes": " ".join(map(str, unplaced["codes"])),
                "kind": "ward_unplaced",
                **negated(unplaced["reason"]),
            }
        )
    placed = split.get("placed in wards", {})
    rows.append(
        {
            "item": "placed in wards (wards.csv, lads.csv and ward_theme.csv add up to it, in cash)",
            "amount_pence": int(recon.placed_pence),
            "source": "",
            "codes": "",
            "kind": "placed",
            **parts(placed.get(MEASURED, 0), placed.get(MODELLED, 0)),
        }
    )
    table = pd.DataFrame(rows)
    table.insert(0, "step", np.arange(1, len(table) + 1))
    subtotal = {"subtotal", "counted", "placed"}
    table.insert(
        1,
        "operation",
        [
            "total" if k in subtotal else ("add" if a >= 0 else "less")
            for k, a in zip(table["kind"], table["amount_pence"], strict=True)
        ],
    )
    table["basis"] = [
        MEASURED if not modelled else (MODELLED if not measured else "")
        for measured, modelled in zip(table["measured_pence"], table["modelled_pence"], strict=True)
    ]
    for name in ("amount", "measured", "modelled"):
        table[f"{name}_pence"] = table[f"{name}_pence"].astype(np.int64)
        table[f"{name}_gbp"] = exact_gbp_column(table[f"{name}_pence"].to_numpy())
    return table[[*RECONCILIATION_COLUMNS, "measured_pence", "modelled_pence", "kind"]]


def check_reconciliation(result: CountedEngland) -> None:
    """Hold the national count to its sums, to the penny (an AssertionError naming the step that fails).

    * each subtotal is the sum of the steps since the one before (``modelled``
      from England's CRA total, ``measured`` from the RS total);
    * the counted LAD money is the two subtotals, and the LAD-level count's sum;
    * placed in wards = counted − transfers − unplaced = the ward-level count's sum;
    * in cash, ``ward_theme``, ``wards`` and ``lads`` add up to the placed money, and each LAD's money is the sum
      of its wards'.
    """
    table = result.reconciliation
    if not (table["measured_pence"] + table["modelled_pence"] == table["amount_pence"]).all():
        raise AssertionError("a step's measured and modelled parts do not add up to it")
    placed_parts = table[table["kind"] == "placed"]
    spend = result.ward_spend
    for basis in BASES:
        in_wards = int(spend.loc[spend["basis"] == basis, "amount_pence"].sum())
        if int(placed_parts[f"{basis}_pence"].sum()) != in_wards:
            raise AssertionError(f"the {basis} money placed is not the wards' ({in_wards} pence)")
    amounts = table["amount_pence"].astype(int).tolist()
    kinds = table["kind"].tolist()
    running = 0
    subtotals = []
    for step, kind, amount, item in zip(table["step"], kinds, amounts, table["item"], strict=True):
        if kind in ("cra_total", "rs_total"):
            running = amount
        elif kind == "subtotal":
            if running != amount:
                raise AssertionError(f"reconciliation step {step} ({item}): {amount} pence, the steps give {running}")
            subtotals.append(amount)
        elif kind == "counted":
            if sum(subtotals) != amount:
                raise AssertionError(f"step {step} ({item}): {amount} pence, the subtotals give {sum(subtotals)}")
            running = amount
        elif kind == "placed":
            if running != amount:
                raise AssertionError(f"step {step} ({item}): {amount} pence, the steps give {running}")
        else:
            running += amount
    counted = int(result.lad_spend["amount_pence"].sum())
    recon = result.count.reconciliation
    placed = int(result.ward_spend["amount_pence"].sum())
    if counted != recon.input_pence or placed != recon.placed_pence:
        raise AssertionError(f"the LAD-level count ({counted}) or the wards ({placed}) differ from the apportionment")
    if kinds.count("placed") != 1 or amounts[kinds.index("placed")] != placed:
        raise AssertionError("the reconciliation's placed money is not the wards'")
    if result.prices == deflators.CASH:
        lads_pence = round(float(result.lads["total_gbp"].sum()) * 100)
        wards_pence = round(float(result.wards["total_gbp"].sum()) * 100)
        theme_pence = int(result.ward_theme["amount_pence"].sum())
        if not (theme_pence == placed and abs(lads_pence - placed) <= 1 and abs(wards_pence - placed) <= 1):
            raise AssertionError(f"tables add up to {theme_pence}, {lads_pence}, {wards_pence}; placed {placed}")
    by_lad = result.ward_spend.groupby("lad_code")["amount_pence"].sum()
    lad_pence = (result.lads.set_index("lad_code")["total_gbp"] * 100).round().astype("int64")
    if result.prices == deflators.CASH and not (by_lad.reindex(lad_pence.index, fill_value=0) == lad_pence).all():
        raise AssertionError("a LAD's money is not the sum of its wards'")


# --------------------------------------------------------------------------------------------- words


def method_notes(year: str, source: str, prices: str) -> list[str]:
    """What every table and figure of a national count should say about it."""
    release = cra_releases.YEAR_RELEASE.get(year, "")
    notes = []
    if source == MEASURED_YEAR:
        notes.append(
            f"{year}: local government measured (every authority's Revenue Outturn, its own books), central "
            f"government, public corporations and local government capital modelled (HM Treasury CRA, {release}: "
            "each region's lines shared by mid-2015 population and IMD 2010 need)."
        )
    elif source == OUTTURN:
        notes.append(f"{year}: councils' own books only (Revenue Outturn), measured; no regional analysis.")
    else:
        notes.append(
            f"{year}: top-down, all modelled (HM Treasury CRA, {release}: each region's lines shared by mid-2015 "
            "population and IMD 2010 need)."
        )
    notes.append(
        "Each region's lines are shared to all its LADs at once with whole pence conserved (largest remainder); a "
        "place report shares them to its own LADs one by one, so a LAD's figure there can differ by a penny a line."
    )
    notes.append(
        "Modelled money follows the drivers by construction: comparing it with need measures the drivers, not the "
        "spending; the measured money (councils' books) is what can be set against need."
    )
    if prices != deflators.CASH:
        notes.append(
            f"Money in the tables at {prices} prices (HM Treasury GDP deflator, each amount rounded to the penny "
            "once); the reconciliation is in cash."
        )
    notes.append("Capital is in the totals and shown apart (capital_gbp); the Revenue Outturn is current only.")
    return notes


def headline(result: CountedEngland) -> pd.DataFrame:
    """England's headline figures (``figure``, ``value``, ``note``): total, measured share, per head, capital."""
    import pandas as pd

    england = result.regions.iloc[-1]  # England, or all the LADs of the run
    total = float(england["total_gbp"]) * 100
    rows = [
        ("Public money placed in wards", format_gbp(total, 3), f"{result.prices_label}; {result.year}"),
        (
            "Measured",
            f"{format_gbp(float(england['measured_gbp']) * 100, 3)} ({float(england['measured_share'] or 0):.0%})",
            "the authorities' own books (Revenue Outturn)",
        ),
        (
            "Modelled",
            format_gbp(float(england["modelled_gbp"]) * 100, 3),
            "the regions' money (HM Treasury CRA) shared by population and need",
        ),
        (
            "Current spending",
            format_gbp((float(england["total_gbp"]) - float(england["capital_gbp"])) * 100, 3),
            "revenue: running services",
        ),
        ("Capital spending (apart)", format_gbp(float(england["capital_gbp"]) * 100, 3), "the CRA's capital lines"),
        ("People", f"{int(england['people']):,}", f"ONS mid-year estimate, mid-{result.year[:4]} (LSOAs scaled)"),
        ("Per head", f"£{float(england['per_head_gbp']):,.0f}", "all money placed over the people of the year"),
        (
            "Councils' own spending per head",
            f"£{float(england['councils_per_head_gbp']):,.0f}",
            "current, " + ("measured (their books)" if result.source != "top-down" else "modelled (CRA lines)"),
        ),
        ("LADs and wards", f"{int(england['lads'])} and {int(england['wards']):,}", "2013 boundaries"),
    ]
    return pd.DataFrame(rows, columns=["figure", "value", "note"])


def reconciliation_view(result: CountedEngland) -> pd.DataFrame:
    """The reconciliation as a reader sees it: step, sign, item, pounds (the exact pence are in the CSV), codes."""
    table = result.reconciliation
    view = table[["step", "operation", "item", "codes"]].copy()
    view.insert(3, "amount_gbp", table["amount_pence"].to_numpy() / 100)
    view["codes"] = view["codes"].str.slice(0, 80)
    return view


#: Columns a reader sees as whole numbers (ranks, steps, counts), and names that say what a column is.
_WHOLE = ("rank", "step", "lads", "wards")
_SHOWN_AS = {"income_deprived": "income_deprived_share"}


def view(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as the notebook shows it: ranks, steps and counts as whole numbers, income deprivation as a share.

    The values stay what they are; only the column's kind changes, for
    :func:`tuttotal.figures.tables.styled` (which shows ``*_share`` as per cent).

    Examples
    --------
    >>> import pandas as pd
    >>> view(pd.DataFrame({"rank": [1], "income_deprived": [0.25]})).columns.tolist()
    ['rank', 'income_deprived_share']
    """
    out = frame.rename(columns=_SHOWN_AS)
    for column in _WHOLE:
        if column in out.columns:
            out[column] = [f"{int(v):,}" for v in out[column]]
    return out
