"""Reading spend counts: amounts as people write them, encodings, formats, and exact errors."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuttotal.data.spend import parse_function, parse_year, read_drivers, read_spend
from tuttotal.errors import SpendFileError
from tuttotal.money import parse_amount, pence_to_decimal_string

from .conftest import SPEND_HEADER

ROW = "2008-09,Thanet District Council,council,E07000114,06,{}\n"


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_amounts_in_every_written_style_parse_to_the_same_pence(pence):
    pounds, part = divmod(abs(pence), 100)
    plain = f"{pounds}.{part:02d}"
    grouped = f"{pounds:,}.{part:02d}"
    sign = "-" if pence < 0 else ""
    assert parse_amount(sign + plain) == pence
    assert parse_amount(f"{sign}£{grouped}") == pence
    if pence < 0:
        assert parse_amount(f"({grouped})") == pence
        assert parse_amount(f"(£{grouped})") == pence
    assert parse_amount(pence_to_decimal_string(pence)) == pence


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("1234", 123400),
        ("£1,234.50", 123450),
        ("(1,000)", -100000),
        (" 1 234.5 ", 123450),
        ("0.005", 0),  # parse_amount alone rounds; a spend file refuses it (test below)
        ("0.015", 2),
        ("1.5E+06", 150000000),
    ],
)
def test_amount_examples(text, pence):
    assert parse_amount(text) == pence


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12x", "--5", "£", "1.2.3", "nan"])
def test_non_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_years_and_functions_normalise():
    assert [parse_year(y) for y in ("2008-09", "2008/09", "2008", "2008/2009")] == ["2008-09"] * 4
    assert parse_year("1999-00") == "1999-00"
    with pytest.raises(ValueError):
        parse_year("2008-10")
    assert [parse_function(f) for f in ("1", "01", "7.1", "10", "10.0")] == ["01", "01", "07.1", "10", "10"]
    with pytest.raises(ValueError):
        parse_function("11")


def test_a_spend_file_reads_to_pence(write_csv):
    path = write_csv(SPEND_HEADER + ROW.format('"£1,234.50"') + ROW.format('"(1,000)"').replace("06", "7.1"))
    with pytest.warns(UserWarning, match="negative"):
        table = read_spend(path)
    assert table.amount_pence.tolist() == [123450, -100000]
    assert table.function.tolist() == ["06", "07.1"]
    assert table.row.tolist() == [2, 3]
    assert table.attrs["source"] == str(path)


def test_non_numeric_amount_on_row_7_names_file_row_column_and_value(write_csv):
    rows = [ROW.format(i * 100) for i in range(5)] + [ROW.format("twelve"), ROW.format("12")]
    path = write_csv(SPEND_HEADER + "".join(rows))
    with pytest.raises(SpendFileError) as info:
        read_spend(path)
    err = info.value
    assert (err.file, err.row, err.column, err.value) == (str(path), 7, "amount_gbp", "twelve")
    assert str(err).startswith(f"{path}, row 7, column 'amount_gbp'")
    assert "'twelve'" in str(err) and "Fix:" in str(err)


def test_every_bad_row_is_counted(write_csv):
    path = write_csv(SPEND_HEADER + ROW.format("x") + ROW.format("1") + ROW.format("y"))
    with pytest.raises(SpendFileError, match=r"row 2.*1 more row\(s\).*rows 4"):
        read_spend(path)


def test_windows_1252_council_export(write_csv):
    text = (
        "Year;Agency;Agency Type;Area Code;Function;Amount GBP\r\n"
        "2008/09;Thanet District Council;council;E07000114;6;£1.234,00\r\n"
    )
    text = text.replace("£1.234,00", "£1234.00")
    path = write_csv(text, encoding="cp1252")
    table = read_spend(path)
    assert table.amount_pence.tolist() == [123400]
    assert table.attrs["encoding"] == "cp1252" and table.attrs["delimiter"] == ";"


def test_utf8_bom_header_is_read(write_csv):
    path = write_csv("\ufeff" + SPEND_HEADER + ROW.format("5"))
    assert read_spend(path).amount_pence.tolist() == [500]


def test_missing_column_suggests_the_rename(write_csv):
    path = write_csv(SPEND_HEADER.replace("amount_gbp", "amount") + ROW.format("5"))
    with pytest.raises(SpendFileError, match="amount_gbp") as info:
        read_spend(path)
    assert "rename 'amount' to 'amount_gbp'" in str(info.value)


@pytest.mark.parametrize(("text", "message"), [("", "empty"), (SPEND_HEADER, "no rows")])
def test_empty_and_header_only_files(write_csv, text, message):
    with pytest.raises(SpendFileError, match=message):
        read_spend(write_csv(text))


def test_unknown_agency_type_lists_the_allowed(write_csv):
    path = write_csv(SPEND_HEADER + ROW.format("5").replace("council", "quango"))
    with pytest.raises(SpendFileError, match="agency_type") as info:
        read_spend(path)
    assert "council, nhs, police, fire, dwp, central, other" in str(info.value)


def test_xlsx_and_parquet_read_like_csv(tmp_path, write_csv):
    csv_path = write_csv(SPEND_HEADER + ROW.format("1234.56") + ROW.format("7"))
    expected = read_spend(csv_path).drop(columns="row")
    frame = pd.read_csv(csv_path, dtype=str)
    frame.to_excel(tmp_path / "spend.xlsx", index=False)
    frame.assign(amount_gbp=frame.amount_gbp.astype(float)).to_parquet(tmp_path / "spend.parquet")
    for name in ("spend.xlsx", "spend.parquet"):
        got = read_spend(tmp_path / name).drop(columns="row")
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_money_is_exact_from_file_to_table(write_csv):
    amounts = ["0.10", "0.20", "1234567.89", "(0.01)", "99999999999.99"]
    path = write_csv(SPEND_HEADER + "".join(ROW.format(a) for a in amounts))
    with pytest.warns(UserWarning):
        table = read_spend(path)
    expected = sum(Decimal(a.strip("()")) * (-1 if a.startswith("(") else 1) for a in amounts)
    assert Decimal(int(table.amount_pence.sum())) / 100 == expected


def test_drivers_read_and_validate(write_csv):
    path = write_csv('area_code,driver,value\nE05005093,Population,"9,012"\n', name="drivers.csv")
    assert read_drivers(path).to_dict("records") == [
        {"area_code": "E05005093", "driver": "population", "value": 9012.0}
    ]
    bad = write_csv("area_code,driver,value\nE05005093,population,-3\n", name="bad.csv")
    with pytest.raises(SpendFileError, match=r"row 2, column 'value'"):
        read_drivers(bad)


def test_unquoted_comma_gives_a_field_count_error(write_csv):
    path = write_csv(SPEND_HEADER + ROW.format("5") + ROW.format("1,000"))
    with pytest.raises(SpendFileError, match=r"row 3: .*7 fields.*header has 6") as info:
        read_spend(path)
    assert "quotes" in str(info.value)


@pytest.mark.parametrize(
    ("amounts", "row", "found"),
    [(["0.005"] * 1000, 2, "0.005"), (["1.005", "2.675", "0.125"], 2, "1.005"), (["1.00", "1.5E-3"], 3, "1.5E-3")],
    ids=["1000-half-pennies", "three-sub-penny", "exponent"],
)
def test_a_sub_penny_amount_is_refused_by_row_never_rounded_unseen(write_csv, amounts, row, found):
    """1,000 rows of £0.005 used to count as £0.00, and 1.005 + 2.675 + 0.125 as £3.80."""
    path = write_csv(SPEND_HEADER + "".join(ROW.format(a) for a in amounts))
    with pytest.raises(SpendFileError) as caught:
        read_spend(path)
    text = str(caught.value)
    assert f"row {row}, column 'amount_gbp'" in text and "fraction of a penny" in text and repr(found) in text


@given(st.lists(st.integers(min_value=-(10**8), max_value=10**8), min_size=1, max_size=30), st.integers(1, 9))
def test_whole_pence_are_summed_exactly_and_any_sub_penny_digit_is_refused(pence, digit):
    texts = [pence_to_decimal_string(p) for p in pence]
    assert [parse_amount(t, whole_pence=True) for t in texts] == pence
    assert sum(parse_amount(t, whole_pence=True) for t in texts) * Decimal("0.01") == sum(Decimal(t) for t in texts)
    with pytest.raises(ValueError, match="fraction of a penny"):
        parse_amount(texts[0] + str(digit), whole_pence=True)
