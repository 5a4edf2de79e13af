"""report.html: nbconvert's own page (lab template, its accessibility pass), less the scripts it loads from a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from tuttotal.run.report_page import export_html, report_exporter

from .conftest import REAL_DATA

REPO = Path(__file__).resolve().parents[1]
#: nbconvert's words for an image without a description (its accessibility pass).
MISSING_ALT = "No description has been provided for this image"


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
def test_the_page_is_nbconverts_without_its_cdn_scripts(executed, show_code):
    """The body is nbconvert's own, byte for byte (alt text and tabindex included); the head lacks only what a
    CDN serves: require.js, MathJax and mermaid (their scripts, and mermaid's style)."""
    settings = {"exclude_input": not show_code, "exclude_input_prompt": True, "exclude_output_prompt": True}
    assert len(executed) == 2
    for notebook in executed:
        theirs, _ = HTMLExporter(**settings).from_notebook_node(notebook)
        ours, _ = report_exporter(show_code).from_notebook_node(notebook)
        assert ours.count(MISSING_ALT) >= 2 and ours.count('tabindex="0"') >= 10  # nbconvert's pass ran
        assert ours[ours.index("<body") :] == theirs[theirs.index("<body") :]
        mine, their = (BeautifulSoup(page, features="html.parser").head for page in (ours, theirs))
        assert not mine.find_all("script")  # the head's scripts all come from a CDN or configure MathJax
        remote = [s for s in their.find_all("script") if s.get("src") or re.search("mathjax|mermaid", str(s), re.I)]
        assert len(remote) >= 3 and len(remote) == len(their.find_all("script"))
        dropped = [str(s) for s in their.find_all("style") if str(s) not in {str(m) for m in mine.find_all("style")}]
        assert len(dropped) == 1 and "jp-RenderedMermaid" in dropped[0]


def test_export_writes_an_offline_page(tmp_path):
    page = export_html(REPO / "notebooks" / "place_report.ipynb", tmp_path / "report.html", title="demo")
    text = page.read_text(encoding="utf-8")
    assert "<title>demo</title>" in text and "tuttotal-table" in text
    assert "cdnjs.cloudflare.com" not in text and "<script src" not in text and "mathjax" not in text.lower()
