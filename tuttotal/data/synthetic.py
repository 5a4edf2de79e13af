"""The synthetic demo place's generator: spend counts and drivers for made-up wards, seeded, never real.

Only ``data/sample/make_sample.py`` uses it, to write Demo Vale's spend and
drivers (everything made from it says "synthetic"). Real places are counted
from real data (:mod:`tuttotal.count.topdown`); the illustrative counts this
module once generated for them are retired.

How it is made (all draws from one seed):

- **Drivers** per ward: population around a typical ward size, people by
  age, income- and employment-deprived people and deprivation scores, named
  like the real drivers (:mod:`tuttotal.data.ward_drivers`).
- **Spend**: about £7,000 per head a year in all, split by agency and COFOG
  function so that social protection, education and health take 70–80 %
  (as across the pilots' counts). Benefits and pensions are recorded per
  ward (bottom-up); councils, colleges and tax credits per LAD; NHS,
  police, fire and central departments for the whole place (top-down).
  Each amount gets a ±10 % random factor, and a housing benefit subsidy
  line is added for the count to remove as double counting.

Examples
--------
>>> import pandas as pd
>>> wards = pd.DataFrame({"ward_code": ["W1", "W2"], "ward_name": ["A", "B"],
...                       "lad_code": ["E07000114", "E07000114"], "lad_name": ["Thanet"] * 2})
>>> drivers = illustrative_drivers(wards, seed=1)
>>> sorted(drivers.driver.unique())[:4]
['children_0_15', 'employment_deprived', 'imd2010_score', 'imd2015_score']
>>> table = illustrative_spend(wards, drivers, place_name="Thanet", year="2008-09", seed=1)
>>> sorted(table.agency_type.unique())
['central', 'council', 'dwp', 'fire', 'nhs', 'other', 'police']
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import numpy as np

from tuttotal.money import pence_to_decimal_string

if TYPE_CHECKING:
    import pandas as pd

SPEND_PER_HEAD_GBP = 7_000.0
_WARD_POPULATION = {"E06": 8_000, "E07": 5_000, "E08": 15_000, "E09": 12_000}

# (agency, agency_type, level, function, share of all spend, driver for ward rows, theme override)
# level: "ward" (bottom-up, by driver), "lad" (one row per LAD), "place" (one row for the place).
# "{council}" is the LAD's council, or the county council for county functions of a shire district.
AGENCY_MIX: tuple[tuple[str, str, str, str, float, str, str], ...] = (
    ("{lad} Council", "council", "lad", "01", 0.020, "", ""),
    ("{council}", "council", "lad", "04", 0.020, "", ""),
    ("{lad} Council", "council", "lad", "05", 0.015, "", ""),
    ("{lad} Council", "council", "lad", "06", 0.020, "", ""),
    ("{lad} Council", "council", "lad", "08", 0.015, "", ""),
    ("{council}", "council", "lad", "09", 0.140, "", ""),
    ("{council}", "council", "lad", "10.2", 0.040, "", ""),
    ("{council}", "council", "lad", "10.4", 0.020, "", ""),
    ("{lad} Council", "council", "lad", "10.6", 0.030, "", ""),
    ("{lad} Council", "council", "lad", "03", 0.005, "", ""),
    ("{place} Primary Care Trust", "nhs", "place", "07", 0.180, "", ""),
    ("{place} Police", "police", "place", "03", 0.030, "", ""),
    ("{place} Fire and Rescue Service", "fire", "place", "03", 0.007, "", ""),
    ("Jobcentre Plus", "dwp", "ward", "10.5", 0.025, "employment_deprived", ""),
    ("Jobcentre Plus", "dwp", "ward", "10.1", 0.060, "population", ""),
    ("The Pension Service", "dwp", "ward", "10.2", 0.150, "population", ""),
    ("HM Revenue and Customs", "central", "lad", "10.4", 0.030, "", ""),
    ("Highways Agency", "central", "place", "04", 0.040, "", ""),
    ("Ministry of Justice", "central", "place", "03", 0.010, "", ""),
    ("Ministry of Defence", "central", "place", "02", 0.002, "", ""),
    ("Homes and Communities Agency", "central", "lad", "06", 0.020, "", ""),
    ("Learning and Skills Council", "central", "lad", "09", 0.030, "", ""),
    ("{place} Drug and Alcohol Action Team", "other", "place", "07", 0.003, "", "drugs and alcohol"),
    ("Housing associations", "other", "lad", "06", 0.015, "", ""),
    ("Environment Agency", "other", "place", "05", 0.005, "", ""),
    ("Arts and sports bodies", "other", "place", "08", 0.005, "", ""),
)
COUNTY_FUNCTIONS = {"04", "09", "10.2", "10.4"}
# A transfer the count must not add twice: DWP's housing benefit subsidy to councils
# (data/transfers.csv: dwp, 10.6, council). Generated on top of the calibrated count.
TRANSFER_LINE = ("Department for Work and Pensions: housing benefit subsidy", "dwp", "lad", "10.6", 0.025)


def seed_for(key: str) -> int:
    """A stable seed from a text key (the same on every machine and Python).

    Examples
    --------
    >>> seed_for("kent") == seed_for("kent"), seed_for("kent") == seed_for("durham")
    (True, False)
    """
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")


def illustrative_drivers(wards: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Generated drivers per ward (``area_code, driver, value``), named like the real ones.

    Only for wards the real data does not cover (the synthetic demo place):
    population around a typical ward size, people by age, income- and
    employment-deprived people and deprivation scores.
    """
    import pandas as pd

    rng = np.random.default_rng(seed)
    codes = wards["ward_code"].to_numpy()
    typical = np.array([_WARD_POPULATION.get(str(lad)[:3], 6_000) for lad in wards["lad_code"]], dtype=float)
    population = np.round(typical * rng.lognormal(0.0, 0.25, len(codes)))
    children = np.round(population * rng.normal(0.19, 0.02, len(codes)))
    older = np.round(population * rng.normal(0.24, 0.04, len(codes)))
    people_16_59 = population - children - older
    working_age = np.round(people_16_59 * rng.normal(1.02, 0.01, len(codes)))
    income_share = np.round(rng.beta(2.0, 10.0, len(codes)), 3)
    employment_share = np.round(income_share * rng.normal(0.8, 0.05, len(codes)), 3)
    imd2010 = np.round(10 + 150 * income_share * rng.normal(1.0, 0.1, len(codes)), 2)
    imd2015 = np.round(imd2010 * rng.normal(1.0, 0.08, len(codes)), 2)
    frames = [
        pd.DataFrame({"area_code": codes, "driver": name, "value": values})
        for name, values in (
            ("population", population),
            ("children_0_15", children),
            ("people_16_59", people_16_59),
            ("people_60_plus", older),
            ("working_age", working_age),
            ("income_deprived", np.round(income_share * population)),
            ("employment_deprived", np.round(employment_share * working_age)),
            ("income_deprived_share", income_share),
            ("imd2010_score", imd2010),
            ("imd2015_score", imd2015),
        )
    ]
    return pd.concat(frames, ignore_index=True)


def illustrative_spend(
    wards: pd.DataFrame,
    drivers: pd.DataFrame,
    *,
    place_name: str,
    year: str,
    seed: int,
    per_head_gbp: float = SPEND_PER_HEAD_GBP,
    transfers: bool = True,
) -> pd.DataFrame:
    """A spend count in the file schema (``amount_gbp`` as a decimal string of pounds).

    A transfer line (housing benefit subsidy) is added on top, for the count
    to remove as double counting.
    """
    import pandas as pd

    rng = np.random.default_rng(seed + 1)
    by_driver = {name: g.set_index("area_code")["value"] for name, g in drivers.groupby("driver")}
    population = by_driver["population"].reindex(wards["ward_code"]).to_numpy(dtype=float)
    lad_population = pd.Series(population, index=wards["lad_code"].to_numpy()).groupby(level=0, sort=False).sum()
    lad_names = dict(zip(wards["lad_code"], wards["lad_name"], strict=True))
    county = f"{place_name} County Council" if lad_population.size > 1 else "County council"
    total_population = float(population.sum())
    rows: list[list] = []

    def add(agency: str, agency_type: str, area: str, function: str, pounds: float, theme: str) -> None:
        rows.append([year, agency, agency_type, area, function, round(pounds * 100 * rng.lognormal(0.0, 0.1)), theme])

    for agency, agency_type, level, function, share, driver, theme in AGENCY_MIX:
        budget = per_head_gbp * share
        if level == "place":
            add(agency.format(place=place_name), agency_type, "*", function, budget * total_population, theme)
        elif level == "lad":
            for lad, people in lad_population.items():
                shire = str(lad).startswith("E07") and function in COUNTY_FUNCTIONS
                council = county if shire else f"{lad_names[lad]} Council"
                name = agency.format(lad=lad_names[lad], council=council)
                add(name, agency_type, lad, function, budget * people, theme)
        else:
            weights = by_driver[driver].reindex(wards["ward_code"]).to_numpy(dtype=float)
            rate = budget * total_population / weights.sum()
            for code, weight in zip(wards["ward_code"], weights, strict=True):
                add(agency, agency_type, code, function, rate * weight, theme)
    columns = ["year", "agency", "agency_type", "area_code", "function", "amount_pence", "theme"]
    table = pd.DataFrame(rows, columns=columns)
    if transfers:
        agency, agency_type, _, function, share = TRANSFER_LINE
        for lad, people in lad_population.items():
            pence = round(per_head_gbp * share * people * 100 * rng.lognormal(0.0, 0.1))
            table.loc[len(table)] = [year, agency, agency_type, lad, function, pence, ""]
    table["amount_gbp"] = table.pop("amount_pence").map(pence_to_decimal_string)
    return table[["year", "agency", "agency_type", "area_code", "function", "amount_gbp", "theme"]]
