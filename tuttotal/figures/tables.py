"""Tables as a reader sees them: pounds, per head, shares and people formatted, sortable in the HTML report.

The notebooks display their tables through :func:`styled`, which returns a
pandas ``Styler``: the numbers stay numbers (a reader can copy them, and a
table in JupyterLab or ``report.html`` sorts on them), only their display
is formatted. How a column is shown follows its name, the convention of
every table the package writes:

=====================================  ==================  ===========
column                                 shown as            example
=====================================  ==================  ===========
``per_head_gbp``, ``*per_head*``       pounds and pence    £1,234.56
``*_gbp``, ``total``                   whole pounds        £1,234,567
``*_pct``                              per cent            -12.3%
``share*``                             share as per cent   41.2%
``population``, ``people``             whole people        139,822
other numbers                          two decimals        0.41
=====================================  ==================  ===========

``money=True`` shows every numeric column as whole pounds (a pivot whose
columns are themes or functions). ``index=False`` hides a plain row number.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"area": ["Margate Central"], "per_head_gbp": [1234.5], "share_of_place": [0.0123]})
>>> html = styled(table, caption="Per head").to_html()
>>> "£1,234.50" in html and "1.2%" in html and 'class="tuttotal-table"' in html
True
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from tuttotal.data import safe_html

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

#: The class of every formatted table; ``report.html``'s sorting script looks for it.
TABLE_CLASS = "tuttotal-table"


def _safe(format_: Callable[[float], str]) -> Callable[[object], str]:
    """``format_`` for numbers; empty for a missing value; text left as it is."""

    def show(value: object) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, int | float):
            return format_(value)
        return str(value)

    return show


POUNDS = _safe(lambda v: f"-£{-v:,.0f}" if v < 0 else f"£{v:,.0f}")
POUNDS_AND_PENCE = _safe(lambda v: f"-£{-v:,.2f}" if v < 0 else f"£{v:,.2f}")
PERCENT = _safe(lambda v: f"{v:,.1f}%")
SHARE = _safe(lambda v: f"{v:.1%}")
PEOPLE = _safe(lambda v: f"{v:,.0f}")
NUMBER = _safe(lambda v: f"{v:,.2f}")


def column_format(name: object, *, money: bool = False) -> Callable[[object], str]:
    """How a column called ``name`` is shown (see the module's table).

    Examples
    --------
    >>> column_format("per_head_gbp")(12.5), column_format("amount_gbp")(-1500), column_format("share")(0.5)
    ('£12.50', '-£1,500', '50.0%')
    """
    text = str(name).lower()
    if "per_head" in text:
        return POUNDS_AND_PENCE
    if money or text.endswith("_gbp") or text in {"total", "gbp"}:
        return POUNDS
    if text.endswith("_pct"):
        return PERCENT
    if text.startswith("share") or text.endswith("_share"):
        return SHARE
    if text in {"population", "people"}:
        return PEOPLE
    return NUMBER


def _escaped_name(name: object) -> object:
    """An axis name as the table's heading shows it: text escaped for HTML, ``None`` kept."""
    return None if name is None else safe_html.text(name)


def styled(
    table: pd.DataFrame | pd.Series,
    *,
    caption: str = "",
    money: bool = False,
    index: bool = True,
    name: str = "",
) -> Styler:
    """A table formatted for reading: £, per head, shares and people shown as such.

    Parameters
    ----------
    table : pandas.DataFrame or pandas.Series
        The table (a Series becomes a one-column table named after it).
    caption : str
        A line above the table saying what it is (source, year, unit).
    money : bool
        Show every numeric column as whole pounds.
    index : bool
        Show the index (hide it for a plain row number). A named index
        becomes the first column, under its name.
    name : str
        A stable name for the table's HTML ids; by default a hash of its
        columns and caption, so that re-running a notebook gives the same page.

    Returns
    -------
    pandas.io.formats.style.Styler
        Displayed as a formatted HTML table by JupyterLab and nbconvert; the
        values underneath are unchanged. Every cell, heading, axis name and
        the caption are escaped (:func:`tuttotal.data.safe_html.text`): a theme or
        ward name is shown as text, never read as markup.

    Examples
    --------
    >>> import pandas as pd
    >>> totals = pd.Series({"health": 1500.0, "older people": 250.0}, name="amount_gbp")
    >>> "£1,500" in styled(totals).to_html()
    True
    >>> "&lt;img src=x&gt;" in styled(pd.Series({"<img src=x>": 1.0}, name="amount_gbp")).to_html()
    True
    """
    import pandas as pd

    frame = table.to_frame() if isinstance(table, pd.Series) else table
    if index and any(name is not None for name in frame.index.names):
        frame, index = frame.reset_index(), False  # one row of headings: the index's name heads its column
    numeric = frame.select_dtypes("number").columns
    formats = {column: column_format(column, money=money) for column in numeric}
    key = name or hashlib.sha256(f"{list(map(str, frame.columns))}|{caption}".encode()).hexdigest()[:10]
    # Names, themes and agencies come from the user's files: every cell, heading and caption is escaped.
    # pandas escapes cells and headings (escape="html") but shows the axes' names and the caption as
    # they are, so those are escaped here.
    frame = frame.rename_axis(
        index=[_escaped_name(n) for n in frame.index.names], columns=[_escaped_name(n) for n in frame.columns.names]
    )
    styler = (
        frame.style.format(formats, escape="html")
        .format_index(escape="html", axis="index")
        .format_index(escape="html", axis="columns")
        .set_uuid(key)
        .set_table_attributes(f'class="{TABLE_CLASS}"')
        .set_table_styles(
            [
                {"selector": "th", "props": "text-align: left; cursor: pointer;"},
            ]
        )
        .set_properties(subset=list(numeric), **{"text-align": "right", "font-variant-numeric": "tabular-nums"})
        .set_properties(subset=[c for c in frame.columns if c not in numeric], **{"text-align": "left"})
    )
    if caption:
        styler = styler.set_caption(safe_html.text(caption))
    if not index:
        styler = styler.hide(axis="index")
    return styler


#: A small script that sorts every formatted table on a click of its column's heading (numbers as numbers).
#: ``report.html`` carries it inline (:data:`SORT_SCRIPT`), so the page needs no network; its policy
#: allows this text to run (:func:`tuttotal.data.safe_html.with_csp`).
SORT_JS = """
(function () {
  function number(text) {
    var clean = text.replace(/[£,%\\s]/g, "").replace(/^-£/, "-");
    return clean !== "" && !isNaN(clean) ? parseFloat(clean) : null;
  }
  document.querySelectorAll("table.%(cls)s").forEach(function (table) {
    var head = table.tHead, body = table.tBodies[0];
    if (!head || !body) return;
    var headings = head.rows[head.rows.length - 1].cells;
    Array.prototype.forEach.call(headings, function (heading, column) {
      heading.title = "Sort by this column";
      heading.addEventListener("click", function () {
        var down = heading.getAttribute("aria-sort") !== "descending";
        Array.prototype.forEach.call(headings, function (h) { h.removeAttribute("aria-sort"); });
        heading.setAttribute("aria-sort", down ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column] ? a.cells[column].textContent.trim() : "";
          var y = b.cells[column] ? b.cells[column].textContent.trim() : "";
          var nx = number(x), ny = number(y), order;
          if (nx !== null && ny !== null) order = nx - ny; else order = x.localeCompare(y);
          return down ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
""".replace("%(cls)s", TABLE_CLASS)
SORT_SCRIPT = f"\n<script>{SORT_JS}</script>\n"
