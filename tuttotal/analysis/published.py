"""A place's count beside the count it published: the comparison and the bridge, tables in, tables out.

Some pilots published their own count (the place file's ``published``:
``year``, ``total_gbp``, ``by_agency_type``, ``by_agency``, ``source``).
:func:`published_comparison` sets our estimate beside each published figure;
:func:`published_bridge` walks from ours to theirs step by step (capital,
coverage, gross against net), each step's money split into measured and
modelled. Both read no files: the report passes the count's tables in.

Examples
--------
>>> import pandas as pd
>>> spend = pd.DataFrame({"agency_type": ["council", "nhs"], "function": ["09", "07"], "amount_pence": [300, 700]})
>>> table = published_comparison({"total_gbp": 20, "source": " Pilot "}, spend, spend, 1000, "top-down")
>>> table[["measure", "published_gbp", "estimate_gbp", "difference_pct"]].to_dict("records")
[{'measure': 'total', 'published_gbp': 20.0, 'estimate_gbp': 10.0, 'difference_pct': -50.0}]
>>> table.attrs["source"]
'Pilot'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tuttotal.analysis.breakdown import with_basis
from tuttotal.count.apportion import BASES, MODELLED
from tuttotal.data import cra_releases
from tuttotal.money import format_gbp

if TYPE_CHECKING:
    import pandas as pd

#: The columns of :func:`published_comparison` and :func:`published_bridge`.
COMPARISON_COLUMNS = ["measure", "published_gbp", "estimate_gbp", "difference_gbp", "difference_pct", "note"]
BRIDGE_COLUMNS = ["measure", "step", "kind", "amount_gbp", "measured_gbp", "modelled_gbp", "running_gbp", "source"]


def published_comparison(
    published: dict[str, Any], ward_spend: pd.DataFrame, year_spend: pd.DataFrame, placed_pence: int, source: str
) -> pd.DataFrame:
    """Our estimate beside each published figure.

    ``measure, published_gbp, estimate_gbp, difference_gbp, difference_pct, note``.

    Parameters
    ----------
    published : dict
        The place's published count (of the count's year: the caller checks).
    ward_spend : DataFrame
        The count's money placed in wards (``agency_type``, ``amount_pence``).
    year_spend : DataFrame
        The count's input rows of the year (``agency_type``, ``function``, ``amount_pence``).
    placed_pence : int
        The money placed in wards.
    source : str
        The real count's kind of year: ``measured`` (councils' books and the rest top down) or ``top-down``.
    """
    import pandas as pd

    columns = COMPARISON_COLUMNS
    spend = ward_spend
    rows = []

    def add(measure: str, figure, estimate: float | None, note: str) -> None:
        figure = float(figure)
        diff = None if estimate is None else estimate - figure
        rows.append(
            {
                "measure": measure,
                "published_gbp": figure,
                "estimate_gbp": estimate,
                "difference_gbp": diff,
                "difference_pct": None if diff is None else 100 * diff / figure,
                "note": note,
            }
        )

    total = placed_pence / 100
    add(
        "total",
        published["total_gbp"],
        total,
        "ours: every line of the regional analysis a place receives (benefits, health, education, police…); "
        "the published count: the bodies the pilot counted",
    )
    by_type = spend.groupby("agency_type")["amount_pence"].sum() / 100
    notes = {
        "council": "ours: the lines the regional analysis says local government spends (schools, local "
        "transport, social care, housing…), police and fire apart",
        "nhs": "ours: the Department of Health's lines (NHS)",
    }
    if source == "measured":
        notes["council"] = (
            "ours: the councils' own books (net current expenditure, measured) with their capital and housing "
            "revenue accounts (modelled); police and fire apart"
        )
        notes["nhs"] = "ours: the Department of Health's lines of the region, shared by need (modelled)"
    for agency_type, figure in (published.get("by_agency_type") or {}).items():
        add(
            f"agency type: {agency_type}",
            figure,
            float(by_type.get(agency_type, 0.0)),
            notes.get(agency_type, "ours: the lines the regional analysis says this type of body spends"),
        )
    year_spend = year_spend
    jcp = year_spend["agency_type"].eq("dwp") & year_spend["function"].isin(["04.1.2", "10.5"])
    for agency, figure in (published.get("by_agency") or {}).items():
        if "jobcentre" in agency.lower():
            add(
                f"agency: {agency}",
                figure,
                float(year_spend.loc[jcp, "amount_pence"].sum()) / 100,
                "ours: the DWP lines it can be compared with, employment policies and unemployment benefits "
                "(modelled: the region's, shared by employment-deprived people)",
            )
            continue
        add(
            f"agency: {agency}",
            figure,
            None,
            "no comparable line: the regional analysis is by function, not by spending body",
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["source"] = str(published.get("source", "")).strip()
    return frame



def published_bridge(published: dict[str, Any], year_spend: pd.DataFrame, year: str) -> pd.DataFrame:
    """From our figure to each published one, step by step (``published.csv``).

    For each published figure: our figure, each step that moves it toward
    theirs with its amount, kind (coverage, capital, body, gross vs net)
    and source, what is left that the open data cannot explain, and the
    published figure. ``measure, step, kind, amount_gbp, measured_gbp,
    modelled_gbp, running_gbp, source``: ``measured_gbp`` and
    ``modelled_gbp`` are our figure's and each step's amount by basis
    (they add up to ``amount_gbp``), empty for the rest and the published
    figure, which are not our money.
    """
    import pandas as pd

    columns = BRIDGE_COLUMNS
    spend = with_basis(year_spend)
    cra = f"HM Treasury CRA ({cra_releases.YEAR_RELEASE.get(year, '')}), shared by driver: modelled"
    rs = "DCLG Revenue Outturn, the authorities' own books: measured"
    capital = spend["spend_type"].eq("capital") if "spend_type" in spend else spend["year"].ne(spend["year"])

    def pounds(mask) -> float:
        return float(spend.loc[mask, "amount_pence"].sum()) / 100

    is_dwp = spend["agency_type"].eq("dwp")
    jcp_lines = spend["function"].isin(["04.1.2", "10.5"])
    rows: list[dict] = []

    def money(mask, sign: int = 1) -> dict:
        """The amount of the rows of ``mask`` (times ``sign``), and its measured and modelled parts."""
        parts = {f"{basis}_gbp": sign * pounds(mask & spend["basis"].eq(basis)) + 0.0 for basis in BASES}
        return {"amount_gbp": sign * pounds(mask) + 0.0, **parts}  # + 0.0: never a -0.0 in the CSV

    def measure(name: str, ours, ours_source: str, steps: list, figure: float, rest: str) -> None:
        found = money(ours)
        running = found["amount_gbp"]
        rows.append(
            dict(measure=name, step="our count", kind="ours", **found, running_gbp=running, source=ours_source)
        )
        for step, kind, mask, source in steps:
            found = money(mask, -1)
            running += found["amount_gbp"]
            rows.append(dict(measure=name, step=step, kind=kind, **found, running_gbp=running, source=source))
        rows.append(
            dict(
                measure=name,
                step=rest,
                kind="not explained by open data",
                amount_gbp=figure - running,
                running_gbp=figure,
                source="",
            )
        )
        rows.append(
            dict(
                measure=name,
                step="published",
                kind="published",
                amount_gbp=figure,
                running_gbp=figure,
                source=str(published.get("source", "")).strip(),
            )
        )

    measure(
        "total",
        spend["amount_pence"].notna(),
        f"this count: measured {rs.split(':')[0]}, modelled {cra.split(',')[0]}",
        [
            ("less capital (the CRA's capital lines)", "capital", capital, cra),
            (
                "less DWP benefits other than Jobcentre Plus's lines (pensions, disability, family benefits, "
                "paid nationally, not by a body of the place)",
                "coverage",
                is_dwp & ~jcp_lines & ~capital,
                cra,
            ),
        ],
        float(published["total_gbp"]),
        "the rest: bodies and lines the pilot counted or left out, gross against net",
    )
    for agency_type, figure in (published.get("by_agency_type") or {}).items():
        own = spend["agency_type"].eq(agency_type)
        if agency_type == "council":
            steps = [
                (
                    "less the councils' capital and housing revenue accounts (modelled)",
                    "capital",
                    own & spend["basis"].eq(MODELLED),
                    cra,
                ),
            ]
            rest = (
                "gross against net: the council's gross spending (before its services' fees, charges and the "
                "specific grants below the RS's net current expenditure line), not in the open data"
            )
        else:
            steps = [("less capital", "capital", own & capital, cra)]
            rest = "the bodies' own books (not open here) against the region's spending shared by need"
        measure(
            f"agency type: {agency_type}",
            own,
            rs if agency_type == "council" else cra,
            steps,
            float(figure),
            rest,
        )
    for agency, figure in (published.get("by_agency") or {}).items():
        if "jobcentre" in agency.lower():
            measure(
                f"agency: {agency}",
                is_dwp & jcp_lines,
                "the DWP lines Jobcentre Plus can be compared with: employment policies (04.1.2) and "
                f"unemployment benefits (10.5); {cra}",
                [],
                float(figure),
                "benefits Jobcentre Plus paid that the CRA files under other lines (income support, incapacity "
                "benefit) and its running costs",
            )
    return pd.DataFrame(rows, columns=columns)



def published_explanation(source: str) -> str:
    """What the comparison compares, in a paragraph (``source``: the real count's kind of year)."""
    return (
    "Coverage: ours is every council, police and fire authority's own books (measured) and the region's "
    "other identifiable spending shared by mid-2015 population and IMD 2010 need (modelled: all "
    "departments, capital and current, benefits included, defence and debt interest left out); the "
    "published count is what the pilot's bodies counted. Year: both 2008-09, cash. published.csv "
    "bridges the two step by step."
    if source == "measured"
    else "Coverage: the estimate is HM Treasury's identifiable spending for the region (all departments, "
    "capital and current, benefits included, defence and debt interest left out), the published count "
    "what the pilot's bodies counted. Year: both 2008-09, cash. Method: a share of the region by "
    "mid-2015 population and IMD 2010 need, not the local accounts."
    )


def published_summary(table: pd.DataFrame, year: str, source: str) -> dict:
    """The comparison for ``summary.json`` (``{}`` without a published count); NaN written as null."""
    if not len(table):
        return {}
    return {
        "year": year,
        "source": table.attrs.get("source", ""),
        "figures": [
            {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in table.to_dict("records")
        ],
        "explanation": published_explanation(source),
    }


def published_text(table: pd.DataFrame, source: str) -> str:
    """The published count beside our estimate, in a few lines (empty without a published count)."""
    if not len(table):
        return ""
    lines = [f"Published count ({table.attrs.get('source', '')}):"]
    for row in table.itertuples():
        if row.estimate_gbp is None or row.estimate_gbp != row.estimate_gbp:
            lines.append(f"  {row.measure}: published {format_gbp(row.published_gbp * 100, 3)}; {row.note}")
            continue
        lines.append(
            f"  {row.measure}: published {format_gbp(row.published_gbp * 100, 3)}, ours "
            f"{format_gbp(row.estimate_gbp * 100, 3)} ({row.difference_pct:+.0f}%); {row.note}"
        )
    lines.append(published_explanation(source))
    return "\n".join(lines)
