"""datapackage.json: a Frictionless Data Package of a place's output folder, checked with the real validator."""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tuttotal.data import datasets, sources
from tuttotal.errors import TuttotalWarning
from tuttotal.writers import datapackage

frictionless = pytest.importorskip(
    "frictionless", reason="frictionless is a test-only dependency: .venv/bin/pip install frictionless"
)

SOURCES = ["population", "imd2010", "cra_chapter9", "cra_chapter10", "cra_cofog_map"]
NAME = re.compile(r"^[-a-z0-9._/]+$")

#: A real-looking output folder of Thanet: a few rows of each table, as report.py writes them.
TABLES = {
    # money exact to the penny (decimals), per head rounded, one ward without a population
    "ward_theme.csv": (
        "ward_code,ward_name,lad_code,theme,amount_gbp,per_head\n"
        "E05005088,Cliftonville West,E07000114,education,1523409.17,215.47\n"
        "E05005088,Cliftonville West,E07000114,health,2100000.05,297.03\n"
        "E05005093,Margate Central,E07000114,health,987654.30,\n"
    ),
    "reconciliation.csv": (
        "item,codes,amount_gbp\n"
        "input,,4611063.52\n"
        "unplaced: no ward in the place,X01 X02,0.00\n"
        "placed in wards,,4611063.52\n"
    ),
    "theme_agency.csv": (
        "theme,nhs,council,all agencies\nhealth,3087654.35,0.0,3087654.35\neducation,0.0,1523409.17,1523409.17\n"
    ),
    # rank_in_lad left out: a known column absent from the file is not described
    "ward_profiles.csv": (
        "ward_code,ward_name,lad_code,lad_name,amount_gbp,population,per_head_gbp,share_of_lad,share_of_place,"
        "rank_in_place\n"
        "E05005088,Cliftonville West,E07000114,Thanet,3623409.22,7070.4,512.48,0.785826,0.785826,1\n"
        "E05005093,Margate Central,E07000114,Thanet,987654.3,,,0.214174,0.214174,\n"
    ),
    # COFOG codes look like numbers but are codes; excluded lines have no drivers
    "topdown.csv": (
        "year,release,region,department,body,function,sub_function,cofog,spend_type,theme,region_gbp,driver,"
        "region_driver,place_driver,place_gbp,source,reason\n"
        "2008-09,CRA 2010,South East,Department of Health,CG,Health,Medical services,07,current,health,"
        "11000000000.00,population,8309627.0,139822.0,185093312.11,CRA 2010,\n"
        "2008-09,CRA 2010,South East,Ministry of Defence,CG,Defence,,02,current,,12000000.00,excluded,,,0.00,"
        'CRA 2010,"defence is national: not a place\'s spending"\n'
        "2003-04,PESA 2009,South East,,CG,General public services,International services,01.2,capital,,3000000.00,"
        "excluded,,,0.00,PESA 2009; body: split by the region's 2004-05 shares,foreign aid is spent abroad\n"
    ),
    "drivers.csv": (
        "ward_code,ward_name,lad_code,driver,value,source\n"
        "E05005088,Cliftonville West,E07000114,population,7070.4,mid-2015 population (IoD 2019 File 6)\n"
        "E05005088,Cliftonville West,E07000114,income_deprived_share,0.312,IMD 2010 income domain\n"
    ),
    # an unknown table: every type inferred
    "zz_analyst_notes.csv": (
        "ward_code,visits,cost_gbp,checked,comment\n"
        "E05005088,12,1200.50,True,first visit\n"
        "E05005093,,99.99,false,\n"
        'E05005093,3,1e3,TRUE,"quoted, with a comma"\n'
    ),
}


def write_folder(folder: Path) -> Path:
    """A place's output folder: the tables, a non-CSV file and a subfolder with its own CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in TABLES.items():
        (folder / name).write_text(text, encoding="utf-8", newline="\n")
    (folder / "summary.json").write_text("{}\n", encoding="utf-8")
    (folder / "explore").mkdir(exist_ok=True)
    (folder / "explore" / "margate.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder


def write(folder: Path, **overrides) -> Path:
    arguments = {
        "place_name": "Thanet (test)",
        "sources": SOURCES,
        "boundaries_attribution": datasets.ATTRIBUTION,
        "spend_kind": "real",
        "year": "2008-09",
        **overrides,
    }
    return datapackage.write_datapackage(folder, **arguments)


def validate(path: Path):
    """The frictionless validation report of a datapackage.json (installed API: frictionless.validate)."""
    return frictionless.validate(str(path))


def errors_of(report) -> str:
    """Every error of a report, one line each, by resource."""
    return "\n".join(
        f"{task.name}: {error}"
        for task in report.tasks
        for error in task.flatten(["rowNumber", "fieldName", "type", "note"])
    ) or "\n".join(map(str, report.flatten(["type", "note"])))


@pytest.fixture
def folder(tmp_path) -> Path:
    return write_folder(tmp_path / "thanet")


@pytest.fixture
def package(folder) -> dict:
    return json.loads(write(folder).read_text(encoding="utf-8"))


def test_package_validates_with_frictionless(folder):
    report = validate(write(folder))
    assert report.valid, errors_of(report)
    assert sorted(task.name for task in report.tasks) == sorted(Path(n).stem for n in TABLES)
    assert all(task.stats["rows"] >= 2 for task in report.tasks)


def test_every_csv_of_the_folder_is_a_resource_with_its_header(folder, package):
    resources = package["resources"]
    assert [r["path"] for r in resources] == sorted(TABLES)  # not summary.json, not explore/margate.csv
    for resource in resources:
        with open(folder / resource["path"], newline="", encoding="utf-8") as f:
            header = next(csv.reader(f))
        assert [field["name"] for field in resource["schema"]["fields"]] == header, resource["path"]
        assert NAME.match(resource["name"]), resource["name"]
        assert resource["profile"] == "tabular-data-resource"
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == ("csv", "text/csv", "utf-8")
        assert resource["title"] and resource["description"]
        assert all(field["description"] for field in resource["schema"]["fields"])
    assert len({r["name"] for r in resources}) == len(resources)


def test_fields_keep_their_documented_types_and_units(package):
    fields = {r["path"]: {f["name"]: f for f in r["schema"]["fields"]} for r in package["resources"]}
    theme = fields["ward_theme.csv"]
    assert (theme["amount_gbp"]["type"], theme["amount_gbp"]["unit"]) == ("number", "GBP")
    assert (theme["per_head"]["type"], theme["per_head"]["unit"]) == ("number", "GBP per head")
    assert fields["topdown.csv"]["cofog"]["type"] == "string"  # "07", "01.2": codes, not numbers
    assert fields["topdown.csv"]["year"]["type"] == "string"
    profiles = fields["ward_profiles.csv"]
    assert profiles["rank_in_place"]["type"] == "integer"
    assert profiles["population"]["unit"] == "people"
    assert profiles["share_of_lad"]["unit"] == "share (0-1)"
    assert "rank_in_lad" not in profiles
    agency = fields["theme_agency.csv"]
    assert all(agency[c]["type"] == "number" and agency[c]["unit"] == "GBP" for c in ("nhs", "council", "all agencies"))
    assert "'nhs'" in agency["nhs"]["description"]
    notes = fields["zz_analyst_notes.csv"]
    assert {name: f["type"] for name, f in notes.items()} == {
        "ward_code": "string",
        "visits": "integer",
        "cost_gbp": "number",
        "checked": "boolean",
        "comment": "string",
    }
    unknown = next(r for r in package["resources"] if r["path"] == "zz_analyst_notes.csv")
    assert unknown["description"].startswith("Not documented")


def test_extra_column_of_a_known_table_is_inferred(folder):
    (folder / "ward_theme.csv").write_text(
        "ward_code,ward_name,lad_code,theme,amount_gbp,per_head,flag\n"
        "E05005088,Cliftonville West,E07000114,health,2100000.05,297.03,1\n"
        "E05005093,Margate Central,E07000114,health,987654.30,,0\n",
        encoding="utf-8",
    )
    path = write(folder)
    fields = next(r for r in json.loads(path.read_text())["resources"] if r["path"] == "ward_theme.csv")
    flag = fields["schema"]["fields"][-1]
    assert (flag["name"], flag["type"]) == ("flag", "integer")
    assert flag["description"].startswith("Not documented")
    report = validate(path)
    assert report.valid, errors_of(report)


def test_licences_and_sources(package):
    assert package["name"] == "thanet-test"
    assert "2008-09" in package["title"]
    assert "Country and Regional Analysis" in package["description"]
    assert "created" not in package
    licences = {licence["name"]: licence for licence in package["licenses"]}
    assert licences["OGL-UK-3.0"]["path"] == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    assert "CC-BY-4.0" in licences  # named by the boundary attribution
    given = [s for s in package["sources"] if s.get("name") != "boundaries"]
    assert [s["path"] for s in given] == [sources.source(n).url for n in SOURCES]
    assert [s["vintage"] for s in given] == [sources.source(n).vintage for n in SOURCES]
    assert [s["title"] for s in given] == [sources.source(n).description for n in SOURCES]
    assert {"name": "boundaries", "title": datasets.ATTRIBUTION} in package["sources"]


def test_synthetic_place_without_sources_validates(folder):
    path = write(
        folder,
        place_name="Demoshire",
        sources=[],
        boundaries_attribution="Synthetic boundaries made by data/sample/make_sample.py.",
        spend_kind="synthetic",
        year="2010-11",
    )
    package = json.loads(path.read_text(encoding="utf-8"))
    assert "licenses" not in package  # nothing to license: no source names one
    assert "SYNTHETIC" in package["description"]
    report = validate(path)
    assert report.valid, errors_of(report)


def test_two_calls_give_byte_identical_files(folder):
    first = write(folder).read_bytes()
    second = write(folder).read_bytes()
    assert first == second
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_value_contradicting_its_type_fails_validation(folder):
    text = TABLES["ward_profiles.csv"].replace(",0.214174,0.214174,\n", ",0.214174,0.214174,second\n")
    (folder / "ward_profiles.csv").write_text(text, encoding="utf-8")
    with pytest.warns(TuttotalWarning, match="rank_in_place.*integer.*'second'"):
        path = write(folder)
    report = validate(path)
    assert not report.valid
    found = {task.name: task.flatten(["rowNumber", "fieldName", "type"]) for task in report.tasks if not task.valid}
    assert found == {"ward_profiles": [[3, "rank_in_place", "type-error"]]}, found


def test_csv_changed_after_the_package_fails_validation(folder):
    path = write(folder)
    text = TABLES["ward_theme.csv"].replace("1523409.17", "1523409.18")
    (folder / "ward_theme.csv").write_text(text, encoding="utf-8")
    report = validate(path)
    assert not report.valid
    assert "hash-count" in {error[0] for error in report.flatten(["type"])}


def test_unknown_source_or_kind_raises_and_writes_nothing(folder):
    with pytest.raises(KeyError, match="no data source 'pesa_2099'"):
        write(folder, sources=["population", "pesa_2099"])
    with pytest.raises(ValueError, match="unknown kind of spend 'illustrative'"):
        write(folder, spend_kind="illustrative")
    assert not (folder / "datapackage.json").exists()


def test_no_warning_for_a_folder_that_keeps_its_contract(folder):
    with warnings.catch_warnings():
        warnings.simplefilter("error", TuttotalWarning)
        write(folder)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.text(alphabet='ab1.,"\n -', max_size=6), min_size=1, max_size=5),
        min_size=1,
        max_size=8,
    )
)
def test_tables_are_read_as_pandas_reads_them_as_text(rows):
    """A CSV's cells as pandas reads them (dtype=str, bad lines skipped, short rows padded), however ragged.

    One pandas rule is left out: when the first row that is not blank has one cell more than the header,
    pandas takes its first column as an unnamed index (``index_col`` inferred), which no table tuttotal
    writes can meet (every row as wide as its header); such cases are not generated.
    """
    import csv
    import io
    import tempfile

    import pandas as pd

    from tuttotal.writers.datapackage import _blank, _read_table

    header = [f"c{i}" for i in range(len(rows[0]))]
    first = next((row for row in rows if not _blank(row)), None)
    assume(first is None or len(first) <= len(header))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
        path.write_text(buffer.getvalue(), encoding="utf-8")
        names, columns = _read_table(path)
        expected = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, on_bad_lines="skip")
    assert names == header
    assert columns == [expected[name].fillna("").tolist() for name in header]


CELLS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["true", "False", "", "2008-09", "07", "01.2", "E05005093", "x y", "1e3"]),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(CELLS, min_size=3, max_size=3), min_size=1, max_size=150))
def test_any_undocumented_table_gives_a_package_that_frictionless_validates(rows):
    """The parity guard of the hand-written writer: whatever an undocumented table holds, the types it infers
    are ones frictionless reads every cell as (the package validates), and nothing documented warns."""
    import csv
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with open(folder / "zz_any.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f, lineterminator="\n").writerows([["a", "b", "c"], *rows])
        with warnings.catch_warnings():
            warnings.simplefilter("error", TuttotalWarning)
            path = write(folder, sources=[], boundaries_attribution="", spend_kind="synthetic")
        report = validate(path)
        assert report.valid, errors_of(report)
