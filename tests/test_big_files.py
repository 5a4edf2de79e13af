"""Spend files read once, in columns: every sheet or none, absurd shapes refused before memory fills,
bulk checks that still name the first bad rows, and a bad file in a batch failing its place alone."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuttotal.data import spend, tabular
from tuttotal.errors import SpendFileError, TuttotalWarning
from tuttotal.money import parse_amount

from .conftest import SPEND_HEADER, THANET

HEADER = SPEND_HEADER.strip().split(",")
ROW = "2008-09,Thanet District Council,council,E07000114,06,{}\n"


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTTOTAL_CACHE_DIR", str(tmp_path / "cache"))


def workbook(path, sheets: dict[str, list[list[str]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)


def line(amount: str) -> list[str]:
    return ["2008-09", "Thanet District Council", "council", THANET, "06", amount]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(st.integers(0, 10**9), min_size=1, max_size=5), min_size=1, max_size=4))
def test_every_data_sheet_is_counted_and_money_is_conserved(tmp_path, sheets):
    path = tmp_path / "book.xlsx"
    workbook(path, {f"S{i}": [HEADER, *(line(f"{p / 100:.2f}") for p in pence)] for i, pence in enumerate(sheets)})
    table = spend.read_spend(path)
    assert int(table.amount_pence.sum()) == sum(map(sum, sheets))
    assert len(table) == sum(map(len, sheets))
    if len(sheets) > 1:
        assert table.attrs["sheets"] == [f"S{i}" for i in range(len(sheets))]
        assert table.groupby("sheet").size().to_dict() == {f"S{i}": len(p) for i, p in enumerate(sheets)}


def test_a_bad_row_is_named_by_its_sheet_and_row(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook(path, {"Notes": [["read me"]], "A": [HEADER, line("1")], "B": [HEADER, line("2"), line("oops")]})
    with pytest.raises(SpendFileError) as info:
        spend.read_spend(path)
    assert str(info.value).startswith(f"{path} (sheet 'B'), row 3, column 'amount_gbp'")


def test_a_data_sheet_missing_a_column_is_an_error_not_left_out(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook(path, {"A": [HEADER, line("1")], "B": [[*HEADER[:5], "amount"], line("777.77")]})
    with pytest.raises(SpendFileError, match=r"sheet 'B' has some of the table's columns but not amount_gbp"):
        spend.read_spend(path)


def test_a_sheet_without_spend_columns_is_named_in_a_warning(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook(path, {"Contents": [["Spend, 2008-09"]], "Data": [HEADER, line("1")]})
    with pytest.warns(TuttotalWarning, match="sheet 'Contents' has no header row with the spend columns"):
        assert spend.read_spend(path).attrs["sheet"] == "Data"


STYLES = {
    "plain": "{p}",
    "pound": "£{g}",
    "grouped": "{g}",
    "brackets": "({g})",
    "minus": "-{p}",
    "spaces": " {p} ",
    "exponent": "{p}e0",
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 10**11), st.integers(0, 3), st.integers(0, 999), st.sampled_from(sorted(STYLES))),
        min_size=1,
        max_size=30,
    )
)
def test_amounts_read_in_bulk_are_what_parse_amount_says(write_csv, amounts):
    """Plain amounts take the bulk (Arrow) path, the others the value-by-value one: both agree with parse_amount."""
    texts = []
    for pounds, decimals, digits, style in amounts:
        fraction = f".{digits:03d}"[: min(decimals, 2) + 1] if decimals else ""  # whole pence: a fraction is refused
        texts.append(STYLES[style].format(p=f"{pounds}{fraction}", g=f"{pounds:,}{fraction}"))
    path = write_csv(SPEND_HEADER + "".join(ROW.format(f'"{t}"') for t in texts))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TuttotalWarning)
        table = spend.read_spend(path)
    assert table.amount_pence.tolist() == [parse_amount(t) for t in texts]


def test_bulk_checks_name_the_first_bad_rows_of_a_big_file(tmp_path):
    path = tmp_path / "big.csv"
    rows = [ROW.format(f"{i}.50") for i in range(200_000)]
    rows[150_000] = ROW.format("twelve")
    rows[190_000] = ROW.format('"£1,2"')
    path.write_text(SPEND_HEADER + "".join(rows))
    with pytest.raises(SpendFileError) as info:
        spend.read_spend(path)
    err = info.value
    assert (err.row, err.column, err.value) == (150_002, "amount_gbp", "twelve")
    assert "1 more row(s) have the same problem (rows 190002)" in str(err)


def test_row_numbers_count_blank_lines_and_quoted_line_breaks_as_a_spreadsheet_does(write_csv):
    two_lines = ROW.replace("Thanet District Council", '"Thanet\nCouncil"').format("2")
    text = SPEND_HEADER + "\n" + ROW.format("1") + two_lines
    text += ROW.format("3") + ",,,,,\n" + ROW.format("x")
    with pytest.raises(SpendFileError) as info:
        spend.read_spend(write_csv(text))
    assert info.value.row == 7  # header 1, blank 2, rows 3-5 (row 4 spans two lines), blank-fields row 6


def test_trailing_empty_fields_are_read_and_missing_fields_refused(write_csv):
    table = spend.read_spend(write_csv(SPEND_HEADER + ROW.format("1") + ROW.format("2").replace("\n", ",,\n")))
    assert table.amount_pence.tolist() == [100, 200] and table.row.tolist() == [2, 3]
    with pytest.raises(SpendFileError, match=r"row 3: the row has 5 fields but the header has 6"):
        spend.read_spend(write_csv(SPEND_HEADER + ROW.format("1") + "2008-09,A,council,E07000114,06\n"))


def test_a_field_over_the_limit_is_refused_naming_row_and_column(write_csv):
    path = write_csv(SPEND_HEADER + ROW.format("1") + ROW.replace("Thanet", "x" * 20_000).format("2"))
    with pytest.raises(SpendFileError, match=r"row 3, column 'agency': a value is over 10,000 characters"):
        spend.read_spend(path)


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as f:
        f.truncate(tabular.MAX_FILE_BYTES + 1)  # sparse: 1 GiB of NUL bytes that take no disk
    with pytest.raises(SpendFileError, match=r"the file is 1,024 MiB, over the limit of 1,024 MiB"):
        spend.read_spend(path)


PEAK = """def peak_mib():  # this process's own peak (ru_maxrss would count the parent's memory from before exec)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak memory from /proc/self/status")
def test_nul_bytes_and_a_long_line_are_refused_in_bounded_memory(tmp_path):
    """A 300 MB line is refused by a new process whose memory never holds the line."""
    nul = tmp_path / "nul.csv"
    nul.write_bytes(SPEND_HEADER.encode() + b"\0" * 10_000)
    with pytest.raises(SpendFileError, match=rf"NUL bytes \(the first at byte {len(SPEND_HEADER)}, line 2\)"):
        spend.read_spend(nul)
    long_line = tmp_path / "line.csv"
    with open(long_line, "wb") as f:
        f.write(SPEND_HEADER.encode())
        for _ in range(300):
            f.write(b"a" * 1024**2)
    code = (
        "import json\n" + PEAK + "from tuttotal.data import spend\n"
        "from tuttotal.errors import SpendFileError\n"
        "try:\n"
        f"    spend.read_spend({str(long_line)!r}); message = 'read'\n"
        "except SpendFileError as exc:\n"
        "    message = str(exc)\n"
        "print(json.dumps([message, peak_mib()]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    message, peak_mib = json.loads(done.stdout)
    assert "line 2 is over 1 MiB long" in message
    assert peak_mib < 200, f"the refusal held {peak_mib:.0f} MiB: the line was read whole"


def test_a_file_is_parsed_once_and_the_cache_gives_the_same_table_and_warnings(write_csv, tmp_path):
    path = write_csv(SPEND_HEADER + ROW.format("1") + ROW.format("(2)") + SPEND_HEADER + ROW.format("3"))
    with pytest.warns(TuttotalWarning) as first_warnings:
        first = spend.read_spend(path)
    entries = list((tmp_path / "cache" / "spend").glob("*.arrow"))
    assert len(entries) == 1
    with pytest.warns(TuttotalWarning) as again_warnings:
        again = spend.read_spend(path)
    assert list((tmp_path / "cache" / "spend").glob("*.arrow")) == entries
    assert first.equals(again) and first.dtypes.equals(again.dtypes) and first.attrs == again.attrs
    assert [str(w.message) for w in first_warnings] == [str(w.message) for w in again_warnings]
    path.write_text(SPEND_HEADER + ROW.format("5"))  # new bytes, new entry: never a stale table
    assert spend.read_spend(path).amount_pence.tolist() == [500]


@pytest.mark.slow
def test_in_a_batch_a_bad_spend_file_fails_its_place_alone(tmp_path, wards_dir, capsys, monkeypatch):
    from tuttotal.cli import main

    from .bad_inputs.corpus import HERE

    monkeypatch.setenv("TUTTOTAL_DATA_DIR", str(wards_dir))
    bad = HERE / "spend_total_beyond_int64.parquet"
    out = tmp_path / "out"
    code = main(["run", "--place", "demo", "--lad", THANET, "--spend", f"{THANET}={bad}", "--output", str(out)])
    printed = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in printed.out + printed.err
    failed = [line for line in printed.out.splitlines() if "FAILED" in line and THANET in line]
    assert failed and "inputs: " in failed[-1] and "spend_total_beyond_int64.parquet" in printed.out
    assert "add up to more than" in printed.out
    assert (out / "demo" / "ward_theme.csv").is_file() and not (out / THANET).exists()


def test_the_check_before_a_run_fills_the_cache_the_run_reads(write_csv, tmp_path):
    import pandas as pd

    path = write_csv(SPEND_HEADER + ROW.format("1") + ROW.format("2"))
    spend.check_spend_file(path, pd.DataFrame({"ward_code": ["E05005093"]}))
    (entry,) = (tmp_path / "cache" / "spend").glob("*.arrow")
    stamp = (entry.stat().st_ino, entry.stat().st_mtime_ns)
    assert spend.read_spend(path).amount_pence.tolist() == [100, 200]
    assert (entry.stat().st_ino, entry.stat().st_mtime_ns) == stamp, "the run parsed the file again"
