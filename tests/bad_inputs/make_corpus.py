"""Write the bad-input corpus: small files, each with the exact outcome it must produce (cases.yaml).

The files are committed; this script documents how each was made and rewrites them byte for byte::

    python tests/bad_inputs/make_corpus.py [FOLDER]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "year,agency,agency_type,area_code,function,amount_gbp\n"
GOOD = "2008-09,Ashcombe Council,council,X07000001,06,1000.00\n"


def rows(*lines: str) -> str:
    return HEADER + "".join(lines)


def square(x: float, y: float, size: float = 1000.0) -> list:
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(code: str, name: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"WD13CD": code, "WD13NM": name}, "geometry": geometry}


def collection(features: list, crs: str | None = None) -> str:
    data = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(data, indent=1) + "\n"


def main(folder: Path = HERE) -> None:
    text = {
        "spend_missing_column.csv": rows().replace(",amount_gbp", ",amount") + GOOD,
        "spend_non_numeric_amount.csv": rows(*[GOOD] * 5, GOOD.replace("1000.00", "twelve"), GOOD),
        "spend_empty.csv": "",
        "spend_header_only.csv": HEADER,
        "spend_nan_amount.csv": rows(GOOD, GOOD.replace("1000.00", "NaN")),
        "spend_lower_case_code.csv": rows(GOOD, GOOD.replace("X07000001", "x07000001")),
        "spend_sub_penny_amount.csv": rows(GOOD.replace("1000.00", "1.00"), GOOD.replace("1000.00", "2.675")),
        "spend_blank_amount.csv": rows(GOOD, GOOD, GOOD.replace("1000.00", "")),
        "spend_absurd_amount.csv": rows(GOOD.replace("1000.00", "2000000000000.00")),
        "spend_bad_agency_type.csv": rows(GOOD, GOOD.replace(",council,", ",quango,")),
        "spend_bad_function.csv": rows(GOOD.replace(",06,", ",11,")),
        "spend_bad_year.csv": rows(GOOD.replace("2008-09", "2008-10")),
        "spend_unquoted_comma.csv": rows(GOOD, GOOD.replace("1000.00", "1,000.00")),
        "spend_blank_area_code.csv": rows(GOOD.replace("X07000001", " ")),
        "spend_utf8_bom.csv": "\ufeff" + rows(GOOD),
        "spend_semicolon.csv": rows(GOOD).replace(",", ";"),
        "spend_duplicated_header.csv": rows(GOOD, HEADER, GOOD),
        "spend_mixed_year_formats.csv": rows(GOOD, GOOD.replace("2008-09", "2008/09"), GOOD.replace("2008-09", "2008")),
        "spend_negative_amount.csv": rows(GOOD, GOOD.replace("1000.00", "(250.00)")),
        "spend_unknown_area_codes.csv": rows(GOOD, GOOD.replace("X07000001", "E07999999")),
        "spend_other_vintage_wards.csv": rows(
            "2008-09,Jobcentre Plus,dwp,E05011111,10.5,100\n", "2008-09,Jobcentre Plus,dwp,E05011112,10.5,100\n"
        ),
        "drivers_negative_value.csv": "area_code,driver,value\nX05000001,population,5000\nX05000002,population,-3\n",
        "drivers_duplicate.csv": "area_code,driver,value\nX05000001,population,5000\nX05000001,population,5100\n",
        "drivers_overflowing_sum.csv": (
            "area_code,driver,value\nX05000001,population,1e308\nX05000002,population,1e308\n"
        ),
        "wards_empty_layer.geojson": collection([]),
        "wards_points.geojson": collection(
            [
                {
                    "type": "Feature",
                    "properties": {"WD13CD": "E05000001", "WD13NM": "A"},
                    "geometry": {"type": "Point", "coordinates": [1.38, 51.39]},
                }
            ]
        ),
        "wards_metres_as_degrees.geojson": collection(
            [feature("E05000001", "A", {"type": "Polygon", "coordinates": square(635000, 170000)})]
        ),
        "wards_duplicate_codes.geojson": collection(
            [
                feature("E05000001", "A", {"type": "Polygon", "coordinates": square(1.30, 51.30, 0.01)}),
                feature("E05000001", "B", {"type": "Polygon", "coordinates": square(1.31, 51.30, 0.01)}),
            ]
        ),
        "wards_no_code_column.geojson": collection(
            [
                {
                    "type": "Feature",
                    "properties": {"code": "E05000001", "name": "A"},
                    "geometry": {"type": "Polygon", "coordinates": square(1.30, 51.30, 0.01)},
                }
            ]
        ),
        "wards_self_intersecting.geojson": collection(
            [
                feature(
                    "E05000001",
                    "Bow",
                    {
                        "type": "Polygon",
                        "coordinates": [[[1.38, 51.37], [1.39, 51.38], [1.39, 51.37], [1.38, 51.38], [1.38, 51.37]]],
                    },
                ),
                feature("E05000002", "Square", {"type": "Polygon", "coordinates": square(1.40, 51.37, 0.01)}),
            ]
        ),
        # Given as Thanet's wards (--lad E07000114) but drawn near Penzance: no LSOA of Thanet covers them.
        "wards_outside_their_lad.geojson": collection(
            [feature("E05000001", "Far away", {"type": "Polygon", "coordinates": square(-5.54, 50.11, 0.01)})]
        ),
        # Data-root files that are not the pinned ones: a population file with the right header and
        # made-up rows, and an IMD 2015 file cut short. Missing files are cases of their own (.txt).
        "data_imd2015_truncated.rda": "RDX3\nX\n\u0000\u0000\u0003",
        "data_missing_lookup.txt": "lookups/lsoa01_to_lsoa11.csv\n",
        # The regional analysis: a damaged chapter 9; a year it does not cover; a LAD outside England.
        "data_cra_damaged.json.zlib": "x\u009c not zlib\n",
        "arg_year_outside_the_analysis.txt": "2018-19\n",
        "arg_lad_outside_england.txt": "W06000015\n",
        # A ward with a NaN coordinate (GeoJSON writers put NaN for a missing number), and a ward with no code.
        "wards_nan_coordinate.geojson": collection(
            [
                feature("E05000001", "A", {"type": "Polygon", "coordinates": square(1.30, 51.30, 0.01)}),
                feature(
                    "E05000002",
                    "B",
                    {
                        "type": "Polygon",
                        "coordinates": [[[1.31, 51.30], [1.32, float("nan")], [1.32, 51.31], [1.31, 51.30]]],
                    },
                ),
            ]
        ),
        "wards_no_code.geojson": collection(
            [
                feature("E05000001", "A", {"type": "Polygon", "coordinates": square(1.30, 51.30, 0.01)}),
                feature(None, "Nameless", {"type": "Polygon", "coordinates": square(1.31, 51.30, 0.01)}),
            ]
        ),
        "wards_partial_lad.geojson": collection(  # three small wards of Thanet's 100 km²
            [
                feature(
                    f"E0500509{i}", f"Part {i}", {"type": "Polygon", "coordinates": square(1.30 + i / 50, 51.35, 0.01)}
                )
                for i in range(3)
            ]
        ),
        "wards_placeholder_code.geojson": collection(
            [
                feature("E05005093", "Square", {"type": "Polygon", "coordinates": square(1.40, 51.37, 0.01)}),
                feature("NaN", "Lost", {"type": "Polygon", "coordinates": square(1.38, 51.37, 0.01)}),
            ]
        ),
        "wards_non_ons_code.geojson": collection(
            [feature("MARGATE-1", "Square", {"type": "Polygon", "coordinates": square(1.40, 51.37, 0.01)})]
        ),
        "wards_lower_case_code.geojson": collection(
            [feature("e05005093", "Square", {"type": "Polygon", "coordinates": square(1.40, 51.37, 0.01)})]
        ),
        "wards_no_name.geojson": collection(
            [
                feature("E05000001", "Square", {"type": "Polygon", "coordinates": square(1.40, 51.37, 0.01)}),
                feature("E05000002", None, {"type": "Polygon", "coordinates": square(1.38, 51.37, 0.01)}),
            ]
        ),
        # --output naming an existing file (this one), and a folder nobody may write in (sysfs, even for root).
        "arg_output_existing_file.txt": "--output names this file\n",
        "arg_output_unwritable.txt": "/sys/tuttotal-outputs\n",
        "params_python_tag.yaml": "slug: evil\nname: !!python/object/apply:os.system ['echo pwned']\nlads: []\n",
        # Nine levels of ten aliases: a billion items from a few hundred bytes, were aliases read.
        "params_alias_bomb.yaml": "slug: params_alias_bomb\nname: Bomb\nlads: [{code: E07000114, name: Thanet}]\n"
        + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)),
        "params_long_name.yaml": "slug: params_long_name\nname: "
        + "Kent" * 1500
        + "\nlads: [{code: E07000114, name: Thanet}]\n",
        "arg_wards_device.txt": "/dev/zero\n",
        "arg_cache_unwritable.txt": "/sys/tuttotal-cache\n",
        "arg_output_symlink_loop.txt": "--output is a symbolic link to itself (made by the test)\n",
        "arg_output_index_folder.txt": "<output>/index.html is a folder (made by the test)\n",
        "arg_unknown_theme.txt": "older peple\n",
        "arg_notebook_explore.txt": "explore\n",
        # A ward whose heights are NaN at one vertex (2.5-D exports write NaN for a missing height).
        "wards_nan_z.geojson": collection(
            [
                feature("E05000001", "A", {"type": "Polygon", "coordinates": square(1.30, 51.30, 0.01)}),
                feature(
                    "E05000002",
                    "B",
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [[1.31, 51.30, 0.0], [1.32, 51.30, float("nan")], [1.32, 51.31, 0.0], [1.31, 51.30, 0.0]]
                        ],
                    },
                ),
            ]
        ),
        "params_slug_escape.yaml": "slug: ../../etc\nname: Escape\nlads: [{code: E07000114, name: Thanet}]\n",
    }
    text["wards_truncated.geojson"] = text["wards_duplicate_codes.geojson"][:150]
    for name, content in text.items():
        (folder / name).write_text(content, encoding="utf-8")
    population = (
        "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),Local Authority District name (2019),"
        "Total population: mid 2015 (excluding prisoners),Dependent Children aged 0-15: mid 2015 (excluding prisoners),"
        "Population aged 16-59: mid 2015 (excluding prisoners),"
        "Older population aged 60 and over: mid 2015 (excluding prisoners),"
        "Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners)\n"
        'E01024633,Thanet 006A,E07000114,Thanet,"99,999",1,1,1,1\n'
    )
    (folder / "data_population_tampered.csv.gz").write_bytes(gzip.compress(population.encode(), mtime=0))
    (folder / "spend_windows_1252.csv").write_bytes(rows(GOOD.replace("1000.00", "£1000.00")).encode("cp1252"))
    # Excel's "Unicode text" export: UTF-16, every other byte NUL.
    (folder / "spend_utf16.csv").write_bytes(rows(GOOD).encode("utf-16"))
    make_binary_files(folder)


def rs_workbook(
    path: Path,
    *,
    header: bool = True,
    education: str = "Education services",
    social_care="65175",
    shift: bool = False,
    extra_first: bool = False,
) -> None:
    """A small Revenue Outturn (RS) workbook laid out like DCLG's: title rows, header on row 6, data from row 8.

    ``shift`` moves the amounts one column right of their headers; ``extra_first`` adds a second sheet of
    net current expenditure, ``… (0)``, before the real one.
    """
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Front page"
    if extra_first:
        extra = book.create_sheet("RS LA Data 2010-11 (0)")
        extra["A1"] = "Revenue Outturn Summary (RS): 2010-11 data, earlier draft"
        extra["A3"] = "Net current expenditure (£ thousand)"
    sheet = book.create_sheet("RS LA Data 2010-11 (1)")
    sheet["A1"] = "Revenue Outturn Summary (RS): 2010-11 data"
    sheet["A3"] = "Net current expenditure (£ thousand)"
    columns = [
        "E-code",
        "Local authority",
        "",
        "Class",
        "",
        education,
        "Highways and transport services",
        "Social care",
        "Police services",
        "Central services",
    ]
    if header:
        for c, text in enumerate(columns, start=1):
            sheet.cell(row=6, column=c, value=text or None)
    rows = [
        ["E0101", "Bath & North East Somerset UA", None, "UA", None, 146939, 10838, 65175, 0, 6544],
        ["E2242", "Thanet", None, "SD", None, 0, 1425, social_care, 0, 6835],
    ]
    if shift:
        rows = [[*row[:5], None, *row[5:]] for row in rows]
    for r, values in enumerate(rows, start=8):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2012, 11, 27)
    book.save(path)


def parquet_row_bomb(path: Path, rows: int = 6_000_000) -> None:
    """A spend table of ``rows`` rows (over the 5 million limit) in a few KiB: each column one repeated value."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    indices = pa.array(np.zeros(rows, dtype=np.int32))
    values = dict(zip(HEADER.strip().split(","), GOOD.strip().split(","), strict=True))
    table = pa.table({k: pa.DictionaryArray.from_arrays(indices, pa.array([v])) for k, v in values.items()})
    pq.write_table(table, path, compression="zstd", row_group_size=rows, data_page_size=1 << 30)


def xlsx_dimension_bomb() -> bytes:
    """A workbook of a few KiB whose sheet declares A1:XFD1048576 and has its last row at row 1,048,576.

    openpyxl would pad every missing row to 16,384 cells: 17 billion cells, about 30 minutes of CPU.
    Written by hand as a zip (a fixed date, so the bytes are the same each time).
    """
    import io
    import zipfile

    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:XFD1048576"/><sheetData>'
        + '<row r="1">'
        + "".join(
            f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
            for i, h in enumerate(HEADER.strip().split(","))
        )
        + "</row>"
        '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
        "</sheetData></worksheet>"
    )
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, content in files.items():
            book.writestr(zipfile.ZipInfo(name, date_time=(2010, 3, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def make_binary_files(folder: Path) -> None:
    """A shapefile with no .prj (no CRS), workbooks of spend, a Parquet spend file, RS workbooks."""
    import geopandas as gpd
    import openpyxl
    from shapely.geometry import Polygon

    frame = gpd.GeoDataFrame(
        {"WD13CD": ["E05000001"], "WD13NM": ["A"]}, geometry=[Polygon(square(600000, 170000)[0])], crs=None
    )
    frame.to_file(folder / "wards_no_crs.shp")
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "Spend count, 2008-09. Data on the next sheet."
    sheet = book.create_sheet("Data")
    for line in rows(GOOD, GOOD.replace("1000.00", "2500.50")).splitlines():
        sheet.append(line.split(","))
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2010, 3, 1)
    book.save(folder / "spend_xlsx_second_sheet.xlsx")
    # Two data sheets (the second's £777.77 once vanished), and a data sheet that lacks columns.
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active["A1"] = "Spend count, 2008-09, on two sheets."
    for title, amounts in (("Data", ["1000.00", "2500.50"]), ("More", ["777.77"])):
        sheet = book.create_sheet(title)
        for line in rows(*(GOOD.replace("1000.00", a) for a in amounts)).splitlines():
            sheet.append(line.split(","))
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2010, 3, 1)
    book.save(folder / "spend_xlsx_two_data_sheets.xlsx")
    sheet = book.create_sheet("Extra")
    for line in rows(GOOD).replace(",amount_gbp", ",amount").splitlines():
        sheet.append(line.split(","))
    book.save(folder / "spend_xlsx_sheet_missing_column.xlsx")
    # A second sheet with a title row above its header (it was dropped: "has no spend columns").
    book = openpyxl.Workbook()
    book.active.title = "Data"
    for line in rows(GOOD.replace("1000.00", "100.00")).splitlines():
        book.active.append(line.split(","))
    sheet = book.create_sheet("Q2")
    sheet["A1"] = "Spend count, 2008-09, second quarter"
    sheet.append([])
    for line in rows(GOOD.replace("1000.00", "100.00")).splitlines():
        sheet.append(line.split(","))
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2010, 3, 1)
    book.save(folder / "spend_xlsx_title_row.xlsx")
    # Amounts each under £1 trillion whose sum is beyond 64-bit pence (Parquet: a few KB for 92,001 rows).
    import pandas as pd

    big = pd.DataFrame(
        {
            "year": ["2008-09"] * 92_001,
            "agency": ["Ashcombe Council"] * 92_001,
            "agency_type": ["council"] * 92_001,
            "area_code": ["X07000001"] * 92_001,
            "function": ["06"] * 92_001,
            "amount_gbp": ["999999999999.99"] * 92_001,
        }
    )
    big.to_parquet(folder / "spend_total_beyond_int64.parquet", index=False)
    # Bombs: millions of rows in a few KiB (a dictionary of one value), a sheet that declares every cell of Excel.
    parquet_row_bomb(folder / "spend_parquet_row_bomb.parquet")
    (folder / "spend_xlsx_dimension_bomb.xlsx").write_bytes(xlsx_dimension_bomb())
    # Revenue Outturn workbooks damaged or reshaped: no header row, a renamed service, text in a number cell.
    rs_workbook(folder / "outturn_no_header.xlsx", header=False)
    rs_workbook(folder / "outturn_renamed_service.xlsx", education="Education")
    rs_workbook(folder / "outturn_text_in_number.xlsx", social_care="twelve")
    rs_workbook(folder / "outturn_data_shifted.xlsx", shift=True)
    rs_workbook(folder / "outturn_extra_sheet_first.xlsx", extra_first=True)
    rs_workbook(folder / "outturn_nan_cell.xlsx", social_care="nan")
    rs_workbook(folder / "outturn_huge_cell.xlsx", social_care=1e300)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
