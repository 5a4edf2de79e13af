"""Text from outside shown as text: escaping for HTML and Markdown, and a Content Security Policy for the pages.

Themes, agencies and file names come from the user's spend file, ward names
from ``--wards``, place and district names from a place file: any of them
could be markup (``<img src=x onerror=alert(1)>``, ``</script><script>…``).
``report.html`` and ``index.html`` are files people send each other, so
nothing from outside may reach a page as markup:

- :func:`text` escapes a value for HTML text or a quoted attribute;
- :func:`markdown` escapes a value for Markdown (the notebooks' headings):
  HTML-special characters become character references, every other ASCII
  punctuation character is backslash-escaped (CommonMark allows it for all
  of them), and line breaks become spaces, so the value stays one line of
  plain text whatever renders it (JupyterLab, nbconvert's mistune);
- :func:`with_csp` puts a ``Content-Security-Policy`` ``<meta>`` tag in a
  finished page: only the project's own inline scripts run (each allowed by
  its SHA-256; the caller names them, so a ``<script>`` that came in with a
  name is not allowed even though it is in the page), no event handler
  attribute runs, nothing is loaded from anywhere (images and fonts only as
  ``data:`` or from the page's own folder), no form posts and no ``<base>``.
  A page that escaping missed something in still runs no script it was not
  written with.

Examples
--------
>>> text("<img src=x onerror=alert(1)>")
'&lt;img src=x onerror=alert(1)&gt;'
>>> markdown("*Thanet* <b>")
'\\\\*Thanet\\\\* &lt;b&gt;'
>>> page = "<html><head><meta charset='utf-8'></head><body><script>go()</script><script>alert(1)</script>"
>>> page = with_csp(page, scripts=["go()"])
>>> page.count("'sha256-"), page.index("Content-Security-Policy") < page.index("<script>")
(1, True)
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
import string
from collections.abc import Iterable

__all__ = ["CSP_TEMPLATE", "content_security_policy", "markdown", "script_hash", "script_hashes", "text", "with_csp"]

#: Characters with a meaning in Markdown, backslash-escaped by :func:`markdown` (``&<>"'`` become references).
_MARKDOWN_SPECIAL = frozenset(string.punctuation) - set("&<>\"'")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")

#: The policy of every page; ``{scripts}`` is the list of the page's inline scripts' hashes.
CSP_TEMPLATE = (
    "default-src 'none'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src data: 'self'; "
    "font-src data: 'self'; base-uri 'none'; form-action 'none'"
)

_INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_SRC = re.compile(r"\ssrc\s*=", re.IGNORECASE)
_CHARSET = re.compile(r"<meta\b[^>]*\bcharset\b[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_CSP_META = re.compile(r"\n?<meta\s+http-equiv=\"Content-Security-Policy\"[^>]*>\n?", re.IGNORECASE)


def text(value: object) -> str:
    """``value`` as HTML text: ``&``, ``<``, ``>``, ``"`` and ``'`` escaped (safe in quoted attributes too).

    Examples
    --------
    >>> text("</script><script>alert(1)</script>")
    '&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> text(12.5)
    '12.5'
    """
    return html.escape(str(value), quote=True)


def markdown(value: object) -> str:
    """``value`` as plain text inside Markdown: no markup, no link, no heading, one line.

    Examples
    --------
    >>> markdown("[a](javascript:alert(1))")
    '\\\\[a\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    >>> markdown("Margate Central & Cliftonville")
    'Margate Central &amp; Cliftonville'
    >>> markdown("two\\nlines")
    'two lines'
    """
    out = []
    for char in _LINE_BREAKS.sub(" ", str(value)):
        if char in _MARKDOWN_SPECIAL:
            out.append("\\" + char)
        else:
            out.append(html.escape(char, quote=True))
    return "".join(out)


def script_hash(body: str) -> str:
    """The CSP source (``'sha256-…'``) allowing an inline script whose text is ``body``.

    The hash is of the script's text as the browser sees it: between the
    tags, line breaks normalised to ``\\n`` (as HTML parsing does).

    Examples
    --------
    >>> script_hash("a()")
    "'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='"
    """
    text_ = body.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text_.encode("utf-8")).digest()).decode("ascii") + "'"


def script_hashes(page: str) -> list[str]:
    """The hash (:func:`script_hash`) of each distinct inline script of ``page``, in order of appearance.

    Examples
    --------
    >>> script_hashes("<script>a()</script><script src='x.js'></script><script>a()</script>")
    ["'sha256-qVpDBgj7bpq5hMAcGp3AOc79J3Y1Z4HvySTwKrWDoy4='"]
    """
    found: list[str] = []
    for match in _INLINE_SCRIPT.finditer(page):
        source = script_hash(match["body"])
        if not _SRC.search(match["attrs"]) and source not in found:
            found.append(source)
    return found


def content_security_policy(page: str, scripts: Iterable[str] = ()) -> str:
    """The policy of ``page`` (:data:`CSP_TEMPLATE`): those of its inline scripts that are ``scripts``, by hash.

    Only the texts in ``scripts`` (the project's own scripts) may run, and
    only when the page carries them: a script that came in with a name is
    not allowed, even though it is inline in the page too.

    Examples
    --------
    >>> content_security_policy("<p>no script</p>", ["a()"]).startswith("default-src 'none'; script-src 'none';")
    True
    >>> "sha256" in content_security_policy("<script>alert(1)</script>", ["a()"])
    False
    """
    ours = {script_hash(body) for body in scripts}
    allowed = [source for source in script_hashes(page) if source in ours]
    return CSP_TEMPLATE.format(scripts=" ".join(allowed) or "'none'")


def with_csp(page: str, scripts: Iterable[str] = ()) -> str:
    """``page`` with its Content Security Policy as the first ``<meta>`` after the charset (or ``<head>``).

    ``scripts`` are the texts of the inline scripts the page was written
    with (:func:`content_security_policy`): any other inline script, and
    every event handler attribute, is refused by the browser. A policy tag
    already there is replaced (the page's scripts may have changed).

    Examples
    --------
    >>> page = with_csp("<!DOCTYPE html><html><head><title>t</title></head><body><script>a()</script></body></html>",
    ...                 ["a()"])
    >>> page.count("Content-Security-Policy"), script_hash("a()") in page, page.index("Content") < page.index("<title")
    (1, True, True)
    >>> with_csp(page, ["a()"]) == page
    True
    """
    page = _CSP_META.sub("", page)
    policy = html.escape(content_security_policy(page, scripts), quote=False)  # hashes and keywords: no '"'
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
    anchor = _CHARSET.search(page) or _HEAD.search(page)
    if anchor is None:
        return meta + page
    return page[: anchor.end()] + "\n" + meta + page[anchor.end() :]
