"""Limits before parsing (issue 23): bombs refused from their metadata, special files from ``os.stat``,
and every bad path, cache or name refused with exit code 2 and a fix before any work."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal import cli
from tuttotal.data import limits, parquet_footer, places, tabular
from tuttotal.data.datasets import lad_names
from tuttotal.errors import InputError, SpendFileError

from .bad_inputs.corpus import HERE as CORPUS
from .bad_inputs.make_corpus import xlsx_dimension_bomb
from .conftest import REPO, SPEND_HEADER

SPEND = ("year", "agency", "agency_type", "area_code", "function", "amount_gbp")


def tuttotal(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command in its own process: a reader that opened a FIFO would block, and the timeout would fail it."""
    return subprocess.run(
        [sys.executable, "-m", "tuttotal", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def fifo(tmp_path) -> Path:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


# --------------------------------------------------------------------------- special files


@pytest.mark.parametrize("option", ["--spend", "--drivers", "--wards", "--data-dir"])
def test_a_fifo_is_refused_for_every_path_option_without_being_opened(option, fifo, tmp_path):
    args = ["run", option, str(fifo), "--output", str(tmp_path / "out")]
    if option == "--wards":
        args += ["--lad", "E07000114"]
    result = tuttotal(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    expected = "folder" if option == "--data-dir" else "regular file"
    assert f"{option} names a named pipe (FIFO), not a {expected}" in result.stderr
    assert str(fifo) in result.stderr and "Fix:" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_device_is_refused_for_spend_and_check_outturn(tmp_path):
    spend = tuttotal("run", "--spend", "/dev/zero", "--output", "out", cwd=tmp_path)
    assert spend.returncode == 2 and "--spend names a character device" in spend.stderr
    outturn = tuttotal("data", "check-outturn", "/dev/zero", "--year", "2010-11", cwd=tmp_path)
    assert outturn.returncode == 2 and "check-outturn names a character device" in outturn.stderr


def test_a_fifo_among_the_place_files_is_refused(fifo, tmp_path):
    home = tmp_path / "home"
    (home / "params").mkdir(parents=True)
    (home / "notebooks").mkdir()
    os.mkfifo(home / "params" / "pipe.yaml")
    result = tuttotal("places", cwd=tmp_path, env={"TUTTOTAL_HOME": str(home)})
    assert result.returncode == 2
    assert "pipe.yaml: a place file names a named pipe (FIFO)" in result.stderr


@pytest.mark.parametrize(
    ("kind", "message"),
    [("fifo", r"named pipe \(FIFO\)"), ("folder", "names a folder, not a file"), ("file", None)],
)
def test_check_path(kind, message, tmp_path):
    path = tmp_path / "x"
    {"fifo": lambda: os.mkfifo(path), "folder": path.mkdir, "file": path.touch}[kind]()
    if message is None:
        assert limits.check_path(path, "--spend") == path
    else:
        with pytest.raises(InputError, match=message):
            limits.check_path(path, "--spend")


def test_a_symlink_loop_above_the_output_folder_is_refused(tmp_path):
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(InputError, match="symlink loop"):
        cli.check_output_folder(loop / "outputs")


def test_an_index_json_folder_is_refused_before_work(tmp_path):
    (tmp_path / "out" / "index.json").mkdir(parents=True)
    with pytest.raises(InputError, match=r"index\.json: is a folder, where the run writes its index page"):
        cli.check_output_folder(tmp_path / "out")


# --------------------------------------------------------------------------- the cache folder


@pytest.mark.parametrize("command", [["run"], ["data", "fetch", "--lad", "E07000114"]])
def test_a_cache_folder_under_a_file_exits_2_before_any_work(command, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    cache = tmp_path / "a-file" / "cache"
    args = [*command, "--output", "out"] if command == ["run"] else command
    result = tuttotal(*args, cwd=tmp_path, env={"TUTTOTAL_CACHE_DIR": str(cache)})
    assert result.returncode == 2, result.stderr
    assert f"{cache}: the cache folder cannot be written" in result.stderr
    assert "TUTTOTAL_CACHE_DIR" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- many LADs


def test_an_area_of_69_lads_gets_a_short_valid_slug_and_name():
    """`--lad` with any number of codes: the run's jobs are planned (the slug and folder), no work done."""
    codes = sorted(c for c in lad_names() if c.startswith("E07"))[:69]
    args = cli._parser().parse_args(["run", *(x for c in codes for x in ("--lad", c)), "--output", "out"])
    (job,) = cli._jobs(args)
    slug = job.place.slug
    assert places.validate_slug(slug) == slug and len(slug) <= 50
    assert slug.startswith(f"lads-{codes[0]}-and-68-more-")
    assert job.place.lad_codes == tuple(codes)
    assert job.place.name.endswith("and 67 more districts") and len(job.place.name) <= limits.MAX_NAME_CHARS
    assert places.area_from_lads(codes[::-1]).slug.endswith(slug[-8:])  # the same districts, the same hash
    assert places.area_from_lads(codes[:2]).slug == f"{codes[0]}_{codes[1]}"  # short areas keep their slug


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 999_999), min_size=1, max_size=80, unique=True))
def test_area_slugs_are_valid_folder_names_and_name_their_set_of_districts(numbers):
    codes = [f"E07{n:06d}" for n in numbers]
    slug = places.area_slug(codes)
    assert places.validate_slug(slug) == slug and len(slug) <= 100
    if len(codes) > places.MAX_JOINED_LADS:
        assert places.area_slug(sorted(codes)).endswith(slug[-8:])
    else:
        assert slug.split("_") == codes


# --------------------------------------------------------------------------- YAML


def test_a_yaml_alias_bomb_is_refused_at_its_first_alias():
    text = (CORPUS / "params_alias_bomb.yaml").read_text()
    with pytest.raises(InputError, match=r"YAML alias \('\*a0' on line 5\)"):
        limits.load_yaml(text, "bomb.yaml")


def test_a_place_file_over_1_mib_is_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("slug: big\nnotes: " + "x" * limits.MAX_YAML_BYTES + "\n")
    with pytest.raises(InputError, match="over the limit of 1 MiB"):
        limits.read_yaml(path)


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=80, deadline=None)
@given(plain)
def test_yaml_without_aliases_reads_as_safe_load_does(value):
    text = yaml.safe_dump(value)
    assert limits.load_yaml(text, "p.yaml") == yaml.safe_load(text)


# --------------------------------------------------------------------------- Parquet and XLSX bombs


def test_the_parquet_row_bomb_is_refused_from_its_metadata():
    path = CORPUS / "spend_parquet_row_bomb.parquet"
    assert path.stat().st_size < 200_000
    with pytest.raises(SpendFileError, match=r"6,000,000 rows \(from its metadata\)"):
        tabular.check_parquet_metadata(pq.ParquetFile(path).metadata, path)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 3000),
    st.lists(st.sampled_from(["int", "float", "text", "dict", "bool", "list", "map"]), min_size=1, max_size=6),
    st.sampled_from([None, 1, 7, 1000]),
    st.booleans(),
)
def test_the_footer_row_count_is_pyarrows(tmp_path_factory, rows, kinds, group, statistics):
    """The row count read from the footer without pyarrow is the one pyarrow reads, whatever the columns."""
    make = {
        "int": lambda: pa.array(np.arange(rows)),
        "float": lambda: pa.array(np.linspace(0, 1, rows)),
        "text": lambda: pa.array([f"v{i % 13}" for i in range(rows)]),
        "dict": lambda: pa.array([f"v{i % 3}" for i in range(rows)]).dictionary_encode(),
        "bool": lambda: pa.array([i % 2 == 0 for i in range(rows)]),
        "list": lambda: pa.array([[i, i] for i in range(rows)]),
        "map": lambda: pa.array([[("k", i)] for i in range(rows)], pa.map_(pa.string(), pa.int64())),
    }
    table = pa.table({f"c{i}": make[k]() for i, k in enumerate(kinds)})
    path = tmp_path_factory.mktemp("pq") / "t.parquet"
    pq.write_table(table, path, row_group_size=group, write_statistics=statistics)
    assert parquet_footer.parquet_rows(path) == pq.ParquetFile(path).metadata.num_rows == rows


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_the_footer_reader_never_fails_on_garbage(tmp_path_factory, garbage):
    path = tmp_path_factory.mktemp("pq") / "g.parquet"
    path.write_bytes(garbage + len(garbage).to_bytes(4, "little") + b"PAR1")
    assert parquet_footer.parquet_rows(path) is None or isinstance(parquet_footer.parquet_rows(path), int)


def test_a_long_value_repeated_is_refused_by_its_decoded_size(tmp_path):
    """200,000 rows of one 10,000-character value: under 1 KiB on disk, 1.9 GiB as text; never decoded."""
    path = tmp_path / "long.parquet"
    indices = pa.array(np.zeros(200_000, dtype=np.int32))
    table = pa.table({c: pa.DictionaryArray.from_arrays(indices, pa.array(["x" * 10_000])) for c in SPEND})
    pq.write_table(table, path, compression="zstd")
    assert path.stat().st_size < 10_000
    with pytest.raises(SpendFileError, match=r"the table, decoded.*over the limit of 1,024 MiB"):
        tabular.read_table(path, SPEND)


def test_a_parquet_file_under_the_limits_is_read_as_before(tmp_path):
    path = tmp_path / "ok.parquet"
    indices = pa.array(np.array([0, 1, 0], dtype=np.int32))
    table = pa.table(
        {
            "year": pa.DictionaryArray.from_arrays(indices, pa.array(["2008-09", "2009-10"])),
            "amount_gbp": pa.array([1.5, float("nan"), 3.0]),
        }
    )
    pq.write_table(table, path)
    text = tabular.read_table(path, ("year", "amount_gbp"))
    assert [c.to_pylist() for c in text.columns] == [["2008-09", "2009-10", "2008-09"], ["1.5", "", "3"]]
    assert text.rows.tolist() == [2, 3, 4]


def test_the_xlsx_dimension_bomb_is_refused_before_openpyxl(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_dimension_bomb())
    with zipfile.ZipFile(path) as book:
        assert tabular.declared_cells(book.read("xl/worksheets/sheet1.xml")[:1024]) == (1_048_576, 16_384)
    with pytest.raises(SpendFileError, match="declares 1,048,576 rows by 16,384 columns"):
        tabular.check_workbook_size(path)


def test_a_sheet_that_declares_little_but_holds_more_is_capped_while_read(tmp_path, monkeypatch):
    """A lying (or absent) dimension: the cells actually met are counted, and the sheet refused past the cap."""
    import openpyxl

    path = tmp_path / "many.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(SPEND))
    for _ in range(50):
        sheet.append(["2008-09", "A", "council", "E07000114", "06", "1"])
    book.save(tmp_path / "honest.xlsx")
    with zipfile.ZipFile(tmp_path / "honest.xlsx") as honest, zipfile.ZipFile(path, "w") as lying:
        for item in honest.infolist():
            data = honest.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:F51"' in data
                data = data.replace(b'<dimension ref="A1:F51"', b'<dimension ref="A1:F1"')
            lying.writestr(item, data)
    assert len(tabular.read_workbook(path, SPEND)) == 50  # every row read, none cut off by the dimension
    monkeypatch.setattr(tabular, "MAX_CELLS", 120)  # the declared 6 cells pass; 51 rows of 6 pass it at row 21
    with pytest.raises(SpendFileError, match="row 21 reached"):
        tabular.read_workbook(path, SPEND)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 16_384), st.integers(1, 1_048_576), st.integers(0, 100), st.integers(0, 1000))
def test_declared_cells_reads_any_reference(col, row, width, height):
    def letters(n: int) -> str:
        out = ""
        while n:
            n, r = divmod(n - 1, 26)
            out = chr(65 + r) + out
        return out

    ref = f"{letters(col)}{row}:{letters(col + width)}{row + height}"
    head = f'<?xml version="1.0"?><worksheet><sheetPr/><dimension ref="{ref}"/><sheetData>'.encode()
    assert tabular.declared_cells(head) == (height + 1, width + 1)


# --------------------------------------------------------------------------- names


def test_a_long_place_name_is_refused_naming_the_limit(tmp_path):
    with pytest.raises(InputError, match="6,000 characters long, over the limit of 200"):
        places._read_place_file(CORPUS / "params_long_name.yaml")


def test_a_deep_dive_of_a_theme_no_count_has_exits_2_before_any_work(tmp_path):
    """The demo's sample spend names its themes: one it lacks is refused once the spend is read (exit 2)."""
    out = tmp_path / "outputs"
    args = ["--notebook", "theme_deep_dive", "--theme", "no such theme", "--output", str(out)]
    result = tuttotal("run", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--theme 'no such theme': the count has no such theme" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_failed_deep_dive_leaves_no_empty_place_folder(tmp_path):
    """A deep dive whose notebook fails (exit 1) leaves no empty outputs/<place>/ behind."""
    import shutil

    import nbformat

    home = tmp_path / "home"
    shutil.copytree(REPO / "params", home / "params")
    shutil.copytree(REPO / "data", home / "data")
    shutil.copytree(REPO / "notebooks", home / "notebooks")
    nb = nbformat.read(REPO / "notebooks" / "theme_deep_dive.ipynb", as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell("raise RuntimeError('deep dive failure for the test')"))
    nbformat.write(nb, home / "notebooks" / "theme_deep_dive.ipynb")
    out = tmp_path / "outputs"
    result = tuttotal(
        "run", "--notebook", "theme_deep_dive", "--output", str(out), cwd=tmp_path, env={"TUTTOTAL_HOME": str(home)}
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "RuntimeError: deep dive failure for the test" in result.stdout
    assert not (out / "demo").exists()


def test_spend_header_is_the_corpus_header():
    assert SPEND_HEADER.strip().split(",") == list(SPEND)


def test_a_revenue_outturn_workbook_bomb_is_refused_before_openpyxl(tmp_path):
    from tuttotal.data import outturn

    path = tmp_path / "RS_2014-15.xlsx"
    path.write_bytes(xlsx_dimension_bomb())
    with pytest.raises(SpendFileError, match="declares 1,048,576 rows by 16,384 columns"):
        outturn.read_year(path, "2014-15")


def test_a_fifo_in_the_data_folder_is_refused_not_hashed(tmp_path):
    """A registry file that is a FIFO (in --data-dir) would block the hash check: refused from its mode."""
    from tuttotal.data.datasets import sha256_of
    from tuttotal.errors import HashMismatchError

    fifo = tmp_path / "E07000114.geojson"
    os.mkfifo(fifo)
    with pytest.raises(HashMismatchError, match=r"is a named pipe \(FIFO\), not a regular file"):
        sha256_of(fifo)


@pytest.mark.parametrize("year", ["2015-16", "2021-22"])
def test_check_outturn_of_any_year_reads_by_header_text_and_exits_2_on_a_bad_layout(tmp_path, year):
    """Was a KeyError traceback (exit 1) for 2015-16; every year, a later one too, is read by its headers."""
    workbook = str(CORPUS / "outturn_no_header.xlsx")
    result = tuttotal("data", "check-outturn", workbook, "--year", year, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "no header row" in result.stderr and "outturn_no_header.xlsx" in result.stderr
