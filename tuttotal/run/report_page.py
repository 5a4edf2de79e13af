"""``report.html``: an executed notebook as one self-contained page.

nbconvert's HTML exporter (lab template) makes the page; this module keeps
what a report needs from it and drops two costs a batch pays once per place:

- nbconvert checks the whole notebook against its schema after each of its
  twelve preprocessors, whether or not the preprocessor is enabled; with
  ``optimistic_validation`` (an nbconvert setting) it checks once, after all
  of them. The page is the same.
- After rendering, :class:`nbconvert.exporters.HTMLExporter` parses the whole
  page with BeautifulSoup only to add ``alt`` text to images that have none
  and ``tabindex="0"`` to input and output areas (for keyboard readers), then
  writes the page out again: 40-70 ms for a report of 1.4 MB. The same two
  attributes are added here to the rendered text directly (outside scripts
  and styles); parsed, the page is the tree nbconvert makes, attribute for
  attribute (``tests/test_tables.py`` checks it against nbconvert's own).

Scripts that nbconvert's template loads from a CDN (require.js, MathJax) are
dropped: the reports hold no math or widgets, and open offline. Reports with
tables get the sorting script of :mod:`tuttotal.figures.tables`. Last, the
finished page gets its Content Security Policy (:func:`tuttotal.data.safe_html.with_csp`):
only the project's own inline scripts (:data:`OWN_SCRIPTS`) run, allowed by
their SHA-256, and nothing is loaded from the network.

Examples
--------
>>> from tuttotal.run.report_page import export_html
>>> export_html("outputs/kent/report.ipynb", Path("outputs/kent/report.html"), title="Kent")  # doctest: +SKIP
PosixPath('outputs/kent/report.html')
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from tuttotal.data.safe_html import with_csp
from tuttotal.figures.tables import SORT_JS, SORT_SCRIPT, TABLE_CLASS
from tuttotal.figures.webmap import MAP_SCRIPT

__all__ = ["export_html", "report_exporter"]

#: The inline scripts a report may run (its policy allows these texts only): the web maps' and the tables' sorting.
OWN_SCRIPTS = (MAP_SCRIPT, SORT_JS)
#: nbconvert's words for an image without a description (``HTMLExporter.from_notebook_node``).
MISSING_ALT = "No description has been provided for this image"
#: Areas nbconvert makes reachable from the keyboard.
FOCUSABLE_CLASSES = ("jp-Cell-inputWrapper", "jp-OutputArea-output")

_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL | re.IGNORECASE)
_RAW_TEXT = re.compile(r"(<!--.*?-->|<(script|style)\b[^>]*>.*?</\2\s*>)", re.DOTALL | re.IGNORECASE)
_ATTRIBUTES = r"(?P<attrs>(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)"
_IMG = re.compile(r"<img\b" + _ATTRIBUTES + r"(?P<end>\s*/?>)", re.IGNORECASE)
_DIV = re.compile(r"<div\b" + _ATTRIBUTES + r"(?P<end>\s*/?>)", re.IGNORECASE)
_ALT = re.compile(r"\salt(?:\s*=|\s|$)", re.IGNORECASE)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_TABINDEX = re.compile(r"""\stabindex\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)


def _without_remote_scripts(page: str) -> str:
    """Drop the scripts nbconvert's template loads from a CDN (require.js, MathJax, mermaid).

    The reports hold no math, widgets or diagrams; without those scripts a
    page opens offline and never waits on the network.
    """

    def keep(match: re.Match) -> str:
        script = match.group(0)
        remote = "cdnjs.cloudflare.com" in script or "mathjax" in script.lower() or "https://" in script
        return "" if remote else script

    return _SCRIPT.sub(keep, page)


def _with_alt(match: re.Match) -> str:
    attrs = match["attrs"]
    if _ALT.search(attrs):
        return match.group(0)
    return f'<img{attrs} alt="{MISSING_ALT}"{match["end"]}'


def _focusable(match: re.Match) -> str:
    attrs = match["attrs"]
    found = _CLASS.search(attrs)
    classes = next((group for group in found.groups() if group is not None), "").split() if found else []
    if not any(name in classes for name in FOCUSABLE_CLASSES):
        return match.group(0)
    if _TABINDEX.search(attrs):  # nbconvert sets the value where the attribute already is
        attrs = _TABINDEX.sub(' tabindex="0"', attrs, count=1)
    else:
        attrs += ' tabindex="0"'
    return f"<div{attrs}{match['end']}"


def accessible(page: str) -> str:
    """``page`` with nbconvert's two accessibility attributes: ``alt`` on bare images, ``tabindex`` on cell areas.

    Tags inside ``<script>``, ``<style>`` and comments are text, and left alone.

    Examples
    --------
    >>> accessible('<div class="jp-OutputArea-output x"><img src="a.png"></div><script>"<img>"</script>')
    '<div class="jp-OutputArea-output x" tabindex="0"><img src="a.png" alt="No description has been provided for \
this image"></div><script>"<img>"</script>'
    """
    parts = _RAW_TEXT.split(page)
    out = []
    for index, part in enumerate(parts):
        kind = index % 3  # re.split with two groups: text, the whole raw block, its tag name
        if kind == 0:
            out.append(_DIV.sub(_focusable, _IMG.sub(_with_alt, part)))
        elif kind == 1:
            out.append(part)
    return "".join(out)


@lru_cache(maxsize=1)
def _exporter_class() -> type:
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML exporter, its accessibility pass done on the text (:func:`accessible`)."""

        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its BeautifulSoup pass (nbconvert 7).
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(html), resources

    return ReportExporter


@lru_cache(maxsize=2)
def report_exporter(show_code: bool = False):
    """The exporter of ``report.html`` (one per process and setting: templates load once, not once per place)."""
    return _exporter_class()(
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        optimistic_validation=True,  # one schema check after all preprocessors, not one after each
    )


def export_html(notebook: Path | Any, target: Path, *, show_code: bool = False, title: str = "") -> Path:
    """Write the executed notebook as a self-contained page (code cells hidden unless ``show_code``), with its CSP.

    ``notebook`` is a path, or the notebook itself (as papermill returns it:
    no second read and validation of a file just written).
    """
    import nbformat

    resources = {"metadata": {"name": title}} if title else None
    node = notebook if isinstance(notebook, dict) else nbformat.read(notebook, as_version=4)
    body, _ = report_exporter(show_code).from_notebook_node(node, resources=resources)
    page = _without_remote_scripts(body)
    if TABLE_CLASS in page:
        page = page.replace("</body>", SORT_SCRIPT + "</body>", 1)
    target.write_text(with_csp(page, OWN_SCRIPTS), encoding="utf-8")
    return target
