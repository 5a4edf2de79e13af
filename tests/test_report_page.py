"""report.html: nbconvert's page, its accessibility pass done on the text instead of through BeautifulSoup."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from tuttotal.run.report_page import MISSING_ALT, accessible, export_html, report_exporter

from .conftest import REAL_DATA

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def executed(request, demo_outputs) -> list:
    """Report notebooks as a batch runs them (the shared runs of conftest): a place report, and the demo's theme
    deep dive. The place report is Lewisham's real count (PNG figures, styled tables, ward and England SVG
    maps) with the real data root, else the demo's (the Thanet fixture has no Lewisham)."""
    *_, demo_out = demo_outputs
    if REAL_DATA:
        _, batch_out, _ = request.getfixturevalue("batch_run")
        report = batch_out / "lewisham" / "report.ipynb"
    else:
        report = demo_out / "demo" / "report.ipynb"
    paths = [report, demo_out / "demo" / "theme_deep_dive" / "report.ipynb"]
    return [nbformat.read(path, as_version=4) for path in paths]


@pytest.mark.parametrize("show_code", [False, True])
def test_the_page_parses_to_the_tree_nbconvert_makes(executed, show_code):
    """The same page as nbconvert's own exporter, attribute for attribute, once parsed."""
    settings = {"exclude_input": not show_code, "exclude_input_prompt": True, "exclude_output_prompt": True}
    assert len(executed) == 2
    for notebook in executed:
        theirs, _ = HTMLExporter(**settings).from_notebook_node(notebook)
        ours, _ = report_exporter(show_code).from_notebook_node(notebook)
        assert theirs.count(MISSING_ALT) >= 2 and theirs.count('tabindex="0"') >= 10  # there is something to do
        assert ours != theirs  # not put through BeautifulSoup...
        assert str(BeautifulSoup(ours, features="html.parser")) == theirs  # ...and yet the same tree


def test_only_bare_images_and_cell_areas_change():
    page = (
        '<div class="jp-Cell-inputWrapper" tabindex="-1"><img alt="" src="x.png">'
        "<img src='y.png' title=\"a > b\"/></div>"
        '<div class="jp-Cell-inputWrapperX">'
        "<!-- <img src='z.png'> --><style>div.jp-OutputArea-output{}</style>"
        '<script>let s = "<div class=jp-OutputArea-output>";</script>'
        "<div class=jp-OutputArea-output data-x='1'></div>"
    )
    assert accessible(page) == (
        '<div class="jp-Cell-inputWrapper" tabindex="0"><img alt="" src="x.png">'
        f'<img src=\'y.png\' title="a > b" alt="{MISSING_ALT}"/></div>'
        '<div class="jp-Cell-inputWrapperX">'
        "<!-- <img src='z.png'> --><style>div.jp-OutputArea-output{}</style>"
        '<script>let s = "<div class=jp-OutputArea-output>";</script>'
        "<div class=jp-OutputArea-output data-x='1' tabindex=\"0\"></div>"
    )


def test_export_writes_an_offline_page(tmp_path):
    page = export_html(REPO / "notebooks" / "place_report.ipynb", tmp_path / "report.html", title="demo")
    text = page.read_text(encoding="utf-8")
    assert "<title>demo</title>" in text and "cdnjs.cloudflare.com" not in text and "tuttotal-table" in text
