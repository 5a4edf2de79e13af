"""Real terms: every series over years in cash or at the prices of a year the user picks (--prices)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tuttotal.writers.place import write_tables

from .conftest import REPO, THANET


@pytest.fixture(scope="module")
def thanet_both(data_root, tmp_path_factory):
    from tuttotal import report

    def run(prices):
        out = tmp_path_factory.mktemp(f"prices{prices or 'cash'}")
        return report.prepare(
            lads=[THANET], year="2012-13", data_dir=str(data_root), output_dir=str(out), prices=prices
        )

    return run(""), run("2016-17")


def test_the_series_are_cash_times_each_years_deflator(thanet_both, data_root):
    from tuttotal.data import deflators

    cash, real = thanet_both
    assert cash.prices_label == "cash" and real.prices_label == "2016-17 prices"
    factor = dict(
        zip(
            ["2010-11", "2014-15"],
            deflators.price_factors(["2010-11", "2014-15"], "2016-17", data_dir=data_root),
            strict=True,
        )
    )
    a = cash.change.cuts_by_service().set_index("service")
    b = real.change.cuts_by_service().set_index("service").loc[a.index]
    assert b["first_gbp"].to_numpy() == pytest.approx(a["first_gbp"].to_numpy() * factor["2010-11"], abs=0.01)
    assert b["last_gbp"].to_numpy() == pytest.approx(a["last_gbp"].to_numpy() * factor["2014-15"], abs=0.01)
    assert factor["2010-11"] > factor["2014-15"] > 1, "older money is worth more at 2016-17 prices"
    trend_cash = cash.change.change_by_year().query("level == 'place'").set_index("year")["amount_gbp"]
    trend_real = real.change.change_by_year().query("level == 'place'").set_index("year")["amount_gbp"]
    years = list(trend_cash.index)
    factors = deflators.price_factors(years, "2016-17", data_dir=data_root)
    wards = len(cash.wards)
    assert trend_real.to_numpy() == pytest.approx(trend_cash.to_numpy() * factors, abs=0.01 * wards * 50)
    assert trend_real["2016-17"] == pytest.approx(trend_cash["2016-17"], abs=0.01), "a year at its own prices"


def test_every_series_says_its_prices(thanet_both):
    import pandas as pd

    cash, real = thanet_both
    for run, label in ((cash, "cash"), (real, "2016-17 prices")):
        written = write_tables(run)
        for name in ("change_by_year", "cuts_by_service", "cuts_by_ward"):
            assert set(pd.read_csv(written[name])["prices"]) == {label}, name
    fig = real.change.trend_chart()
    assert any("2016-17 prices" in t.get_text() for t in fig.texts) or "2016-17 prices" in fig.axes[0].get_ylabel()
    assert "2016-17 prices" in real.prices_words


@pytest.mark.parametrize("prices", ["2030-31", "twenty"])
def test_a_price_year_the_deflator_has_not_is_refused_before_any_work(prices, data_root, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tuttotal",
            "run",
            "--lad",
            THANET,
            "--prices",
            prices,
            "--data-dir",
            str(data_root),
            "--output",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Fix:" in result.stderr
    assert not (tmp_path / "out" / THANET).exists()
