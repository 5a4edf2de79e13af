"""``report.html``: an executed notebook as one self-contained page.

nbconvert's HTML exporter (lab template) makes the page, accessibility pass
included (``alt`` text on images that have none, ``tabindex="0"`` on input and
output areas, through BeautifulSoup), with two settings of its own:

- ``optimistic_validation`` (an nbconvert setting): the notebook is checked
  against its schema once, after all twelve preprocessors, not once after
  each (the page is the same);
- a template that extends nbconvert's lab template (:data:`OFFLINE_TEMPLATE`,
  through nbconvert's ``extra_loaders``) and leaves out the blocks that load
  scripts from a CDN (require.js, MathJax, mermaid, the widgets' manager): the
  reports hold no math, diagrams or widgets, and open offline.

Until issue 22 both were done by regular expressions over the rendered page
(the accessibility pass without BeautifulSoup, 40-70 ms a report; the CDN
scripts cut out afterwards). ``benchmarks/libraries.py --parts`` measured what
that saved of a whole place run (``docs/benchmarks/libraries.md``): far under
the 20% that keeps a copy of a library.

Reports with tables get the sorting script of :mod:`tuttotal.figures.tables`.
Last, the finished page gets its Content Security Policy
(:func:`tuttotal.data.safe_html.with_csp`): only the project's own inline
scripts (:data:`OWN_SCRIPTS`) run, allowed by their SHA-256, and nothing is
loaded from the network.

Examples
--------
>>> from tuttotal.run.report_page import export_html
>>> export_html("outputs/kent/report.ipynb", Path("outputs/kent/report.html"), title="Kent")  # doctest: +SKIP
PosixPath('outputs/kent/report.html')
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from tuttotal.data.safe_html import with_csp
from tuttotal.figures.tables import SORT_JS, SORT_SCRIPT, TABLE_CLASS
from tuttotal.figures.webmap import MAP_SCRIPT

__all__ = ["OFFLINE_TEMPLATE", "OWN_SCRIPTS", "export_html", "report_exporter"]

#: The inline scripts a report may run (its policy allows these texts only): the web maps' and the tables' sorting.
OWN_SCRIPTS = (MAP_SCRIPT, SORT_JS)
#: The template of ``report.html``: nbconvert's lab template without the blocks that load scripts from a CDN.
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""
_TEMPLATE_NAME = "tuttotal_report.html.j2"


@lru_cache(maxsize=2)
def report_exporter(show_code: bool = False):
    """The exporter of ``report.html`` (one per process and setting: templates load once, not once per place).

    nbconvert's :class:`~nbconvert.exporters.HTMLExporter` with the lab
    template, extended by :data:`OFFLINE_TEMPLATE`.

    Examples
    --------
    >>> report_exporter().template_file
    'tuttotal_report.html.j2'
    """
    import jinja2
    from nbconvert import HTMLExporter

    return HTMLExporter(
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        optimistic_validation=True,  # one schema check after all preprocessors, not one after each
        extra_loaders=[jinja2.DictLoader({_TEMPLATE_NAME: OFFLINE_TEMPLATE})],
        template_file=_TEMPLATE_NAME,
    )


def export_html(notebook: Path | Any, target: Path, *, show_code: bool = False, title: str = "") -> Path:
    """Write the executed notebook as a self-contained page (code cells hidden unless ``show_code``), with its CSP.

    ``notebook`` is a path, or the notebook itself (as papermill returns it:
    no second read and validation of a file just written).
    """
    import nbformat

    resources = {"metadata": {"name": title}} if title else None
    node = notebook if isinstance(notebook, dict) else nbformat.read(notebook, as_version=4)
    page, _ = report_exporter(show_code).from_notebook_node(node, resources=resources)
    if TABLE_CLASS in page:
        page = page.replace("</body>", SORT_SCRIPT + "</body>", 1)
    target.write_text(with_csp(page, OWN_SCRIPTS), encoding="utf-8")
    return target
