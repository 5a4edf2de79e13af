"""Illustrative counts for the real places: calibrated to the published figures, plausible, labelled."""

from __future__ import annotations

import pytest

from tuttotal import places, report

SOCIAL_EDUCATION_HEALTH = ("07", "09", "10")


def count_of(slug, wards_dir, tmp_path):
    return report.prepare(place=slug, data_dir=str(wards_dir), output_dir=str(tmp_path))


def sums(run, column):
    spend = run.count.ward_spend
    return spend.groupby(column).amount_pence.sum()


def test_birmingham_matches_its_published_2008_09_count(wards_dir, tmp_path):
    run = count_of("birmingham", wards_dir, tmp_path)
    recon = run.count.reconciliation
    assert recon.placed_pence + recon.unplaced_pence == 7_300_000_000_00  # £7.3bn, after double counting
    assert sums(run, "agency_type")["council"] == 3_600_000_000_00
    assert sums(run, "agency_type")["nhs"] == 1_900_000_000_00
    assert sums(run, "agency")["Jobcentre Plus"] == 699_000_000_00
    assert recon.transfers_pence > 0  # the housing benefit subsidy was counted once, not twice
    summary = run.summary()
    assert summary["illustrative"] is True and summary["totals"]["placed_gbp"] == 7.3e9


def test_worcestershire_matches_its_published_count(wards_dir, tmp_path):
    run = count_of("worcestershire", wards_dir, tmp_path)
    assert run.count.reconciliation.placed_pence == 3_500_000_000_00
    assert sums(run, "agency_type")["council"] == 1_300_000_000_00


@pytest.mark.parametrize("place", [p.slug for p in places.pilot_places()])
def test_seventy_to_eighty_percent_on_social_protection_education_and_health(place, wards_dir, tmp_path):
    run = count_of(place, wards_dir, tmp_path)
    spend = run.count.ward_spend
    share = spend[spend.function.str[:2].isin(SOCIAL_EDUCATION_HEALTH)].amount_pence.sum() / spend.amount_pence.sum()
    assert 0.70 <= share <= 0.80
    assert spend.agency_type.nunique() == 7


def test_the_same_place_gives_the_same_count(wards_dir, tmp_path):
    a = count_of("lewisham", wards_dir, tmp_path / "a").count.ward_spend
    b = count_of("lewisham", wards_dir, tmp_path / "b").count.ward_spend
    assert a.equals(b)


def test_every_output_says_illustrative(wards_dir, tmp_path):
    run = count_of("croydon", wards_dir, tmp_path)
    assert run.stamp == "ILLUSTRATIVE"
    assert "ILLUSTRATIVE" in run.provenance_note and "ILLUSTRATIVE" in run.totals_text()
    assert run.summary()["illustrative"] is True
