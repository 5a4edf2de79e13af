"""No script in a shared page: names from outside reach every HTML page as text, and each page has a CSP.

Themes and agencies come from the spend file, ward names from ``--wards``,
the file names from the command line, place and district names from a place
file: each could be markup. The helpers (:mod:`tuttotal.data.safe_html`) are
checked on any text (hypothesis); then a real place is run through the
command with hostile values in every one of those inputs, its theme deep
dive too, and every page written is opened in Chromium (skipped without it):
no dialog opens, the hostile text is on the page as text, no element carries
an event handler, the maps draw, and the Content Security Policy is never
violated. The same pages with their policy removed open no dialog either
(the escaping does the work; the policy is the second line).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tuttotal.data import safe_html
from tuttotal.figures.tables import styled

from .conftest import REPO, THANET
from .test_batch import block_network, browser_page
from .test_cli import tuttotal


class _Parsed(HTMLParser):
    """The tags and the text of a fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)


def parsed(fragment: str) -> _Parsed:
    parser = _Parsed()
    parser.feed(fragment)
    parser.close()
    return parser


# ----------------------------------------------------------------------------- the helpers, on any text


@given(st.text())
def test_escaped_text_parses_back_to_itself_and_no_tag(value):
    page = parsed(f"<p title='{safe_html.text(value)}'>{safe_html.text(value)}</p>")
    assert page.tags == ["p"] and page.attributes == ["title"]
    assert "".join(page.text) == value


def _normal(text: str) -> str:
    return " ".join(text.split())


@settings(deadline=None)  # the first example imports nbconvert
@given(st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))))
def test_escaped_markdown_renders_as_its_text_and_no_tag(value):
    """Through nbconvert's own Markdown renderer (mistune): one paragraph of exactly the text."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    rendered = markdown2html_mistune(f"x {safe_html.markdown(value)} x")
    page = parsed(rendered)
    assert page.tags == ["p"], rendered
    assert _normal("".join(page.text)) == _normal(f"x {value} x")


HOSTILE_CELLS = ["<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>", "a & b", "\"quoted\" 'it'"]


@settings(deadline=None)  # the first example loads pandas' Styler templates
@given(st.lists(st.text(min_size=1), min_size=1, max_size=4, unique=True), st.text(min_size=1), st.text())
def test_a_styled_table_shows_its_cells_headings_and_caption_as_text(names, heading, caption):
    assume(heading != "amount_gbp")
    cells = pd.DataFrame({heading: names, "amount_gbp": range(len(names))})
    by_name = pd.DataFrame({"amount_gbp": range(len(names))}, index=names).rename_axis(columns=heading)
    for table in (styled(cells, caption=caption, index=False), styled(by_name, caption=caption)):
        page = parsed(table.to_html())
        assert set(page.tags) <= {"style", "table", "caption", "thead", "tbody", "tr", "th", "td"}
        shown = "".join(page.text)
        assert all(name in shown for name in names) and heading in shown and caption in shown


def test_a_styled_table_of_hostile_names_has_no_markup_but_its_own():
    pivot = pd.DataFrame({"area": HOSTILE_CELLS, "theme": HOSTILE_CELLS[::-1], "per_head_gbp": [1.0, 2, 3, 4]})
    per_head = pivot.pivot_table(index="theme", columns="area", values="per_head_gbp", sort=False)
    html = styled(per_head, money=True, caption=f"{HOSTILE_CELLS[0]}: per head").to_html()
    page = parsed(html)
    assert "img" not in page.tags and page.tags.count("script") == 0
    assert all(name in "".join(page.text) for name in HOSTILE_CELLS)


def test_the_policy_allows_the_projects_own_scripts_by_hash_and_nothing_else():
    import base64
    import hashlib

    body = "\nvar a = '</p>';\r\n"
    page = f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body><script>{body}</script>'
    page += "<script src='https://example.org/x.js'></script><script>\nvar a = '</p>';\n</script>"
    page += "<p><script>alert(1)</script></p></body></html>"  # a script that came in with a name
    out = safe_html.with_csp(page, [body, "never()"])
    digest = base64.b64encode(hashlib.sha256(body.replace("\r\n", "\n").encode()).digest()).decode()
    directives = dict(d.strip().split(" ", 1) for d in policy(out).split(";"))
    assert directives["script-src"] == f"'sha256-{digest}'"  # ours (twice, the same text); not theirs, not remote
    assert directives["default-src"] == "'none'" and "http" not in policy(out)
    assert out.index("Content-Security-Policy") < out.index("<title>") and out.index("charset") < out.index("Content")
    assert safe_html.with_csp(out, [body]) == out


def test_the_projects_own_scripts_are_the_maps_and_the_sorting_and_hold_no_end_tag():
    from tuttotal.figures.tables import SORT_JS, SORT_SCRIPT
    from tuttotal.figures.webmap import MAP_SCRIPT
    from tuttotal.run.report_page import OWN_SCRIPTS

    assert set(OWN_SCRIPTS) == {SORT_JS, MAP_SCRIPT} and f"\n<script>{SORT_JS}</script>\n" == SORT_SCRIPT
    assert "</script" not in SORT_JS.lower() and "</script" not in MAP_SCRIPT.lower()


# ----------------------------------------------------------------------------- a real place, every page, Chromium

#: Each hostile value raises its own dialog number, so a dialog says which input got through.
WARD_NAMES = ["</script><script>alert(1)</script>", "<img src=x onerror=alert(2)>"]
THEMES = ["<img src=x onerror=alert(3)>", "</script><script>alert(4)</script>"]
AGENCY = "<svg onload=alert(5)>"
PLACE_NAME = "<img src=x onerror=alert(6)> & *Vale*"
LAD_NAME = "</script><script>alert(7)</script>"
SPEND_FILE = "<img src=x onerror=alert(8)>.csv"
WARDS_FILE = "<b>wards<img src=x onerror=alert(9)>.geojson"
SLUG = "hostile"


def _home(root: Path) -> Path:
    """A copy of the project (TUTTOTAL_HOME) with a place file whose names are markup."""
    home = root / "home"
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(REPO / folder, home / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (home / "params" / f"{SLUG}.yaml").write_text(
        f"slug: {SLUG}\nname: {json.dumps(PLACE_NAME)}\nregion: South East\nstatus: pre-pilot\nyear: 2008-09\n"
        f"lads:\n  - {{code: {THANET}, name: {json.dumps(LAD_NAME)}}}\nthemes:\n  - {json.dumps(THEMES[0])}\n"
        "focus_wards: []\nsource: a test of hostile names\n",
        encoding="utf-8",
    )
    return home


def _inputs(root: Path, data_root: Path) -> tuple[Path, Path, list[str]]:
    """Thanet's real wards, two renamed; a spend count on them with hostile themes and agency."""
    data = json.loads((data_root / "wards-2013" / f"{THANET}.geojson").read_text(encoding="utf-8"))
    codes = []
    for feature, name in zip(data["features"], WARD_NAMES, strict=False):
        feature["properties"]["WD13NM"] = name
        codes.append(feature["properties"]["WD13CD"])
    wards = root / WARDS_FILE
    wards.write_text(json.dumps(data), encoding="utf-8")
    lines = ["year,agency,agency_type,area_code,function,amount_gbp,theme"]
    for i, code in enumerate(codes):
        lines.append(f'2008-09,"{AGENCY}",council,{code},06,{1000 + 10 * i},"{THEMES[i % 2]}"')
    lines.append(f'2008-09,Kent Police,police,{THANET},03,5000,"{THEMES[1]}"')
    spend = root / SPEND_FILE
    spend.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return spend, wards, codes


@pytest.fixture(scope="module")
def pages(tmp_path_factory, data_root) -> Path:
    """One real place run through the command with hostile inputs, then its deep dive of a hostile theme."""
    root = tmp_path_factory.mktemp("hostile")
    home = _home(root)
    spend, wards, codes = _inputs(root, data_root)
    out = root / "out"
    common = ["--place", SLUG, "--spend", str(spend), "--wards", str(wards), "--data-dir", str(data_root)]
    focus = [arg for code in codes for arg in ("--focus-ward", code)]
    env = {"TUTTOTAL_HOME": str(home)}
    report = tuttotal("run", *common, *focus, "--output", str(out), cwd=root, env=env)
    assert report.returncode == 0, report.stdout + report.stderr
    dive = tuttotal(
        "run", *common, *focus, "--notebook", "theme_deep_dive", "--theme", THEMES[1], "--output", str(out),
        cwd=root, env=env,
    )  # fmt: skip
    assert dive.returncode == 0, dive.stdout + dive.stderr
    return out


#: What each page must show as text (the visible body; tooltips and titles are attributes).
SHOWN = {
    "index.html": [PLACE_NAME],
    f"{SLUG}/report.html": [PLACE_NAME, LAD_NAME, SPEND_FILE, *WARD_NAMES, *THEMES],
    f"{SLUG}/theme_deep_dive/report.html": [PLACE_NAME, LAD_NAME, SPEND_FILE, THEMES[1], AGENCY, *WARD_NAMES],
}

_WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


def policy(page: str) -> str:
    """The Content Security Policy a page carries."""
    return re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)[1]


def _open(browser_tab, path: Path) -> dict:
    """Open ``path`` in a new tab, the network refused; what happened: dialogs, CSP violations, errors, the text.

    A broken image's ``onerror`` runs before the page's ``load`` event, so a
    dialog it opens is recorded by then (the control page of the test shows it).
    """
    page = browser_tab.context.browser.new_page()
    seen = {"dialogs": [], "console": [], "errors": [], "blocked": block_network(page)}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("console", lambda message: seen["console"].append(message.text))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.add_init_script(_WATCH)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    seen["violations"] = page.evaluate("window.__violations")
    seen["text"] = page.inner_text("body")
    seen["handlers"] = page.evaluate(
        "Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes))"
        ".filter(a => a.name.startsWith('on')).map(a => a.ownerElement.tagName + ' ' + a.name)"
    )
    seen["scripts"] = page.evaluate("document.scripts.length")
    seen["maps"] = page.evaluate(
        "Array.from(document.querySelectorAll('.tt-webmap')).map(b => [b.getAttribute('data-ready'),"
        " b.querySelectorAll('svg .tt-shapes path').length])"
    )
    seen["title"] = page.title()
    page.close()
    return seen


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_shows_hostile_names_as_text_and_runs_no_script_of_theirs(pages, tmp_path):
    from tuttotal.run.report_page import export_html

    written = sorted(str(p.relative_to(pages)) for p in pages.rglob("*.html"))
    assert written == sorted(SHOWN), written
    paths = {name: pages / name for name in SHOWN}
    # --show-code: the code cells too, with the hostile parameters papermill put in them
    paths["show_code.html"] = export_html(
        pages / SLUG / "report.ipynb",
        tmp_path / "show_code.html",
        show_code=True,
        title=f"{PLACE_NAME}: Total Place count",
    )
    shown = {**SHOWN, "show_code.html": [*SHOWN[f"{SLUG}/report.html"], WARDS_FILE]}
    maps = {"index.html": 1, f"{SLUG}/report.html": 2, "show_code.html": 2}
    with browser_page({"width": 1280, "height": 900}) as page:
        for name, expected in shown.items():
            path = paths[name]
            html = path.read_text(encoding="utf-8")
            hashes = safe_html.script_hashes(html)
            seen = _open(page, path)
            assert seen["dialogs"] == [], f"{name}: a hostile name ran as script"
            assert seen["blocked"] == [], f"{name}: requests to the network: {seen['blocked']}"
            assert seen["violations"] == [] and not [m for m in seen["console"] if "Content Security" in m], name
            assert seen["errors"] == [], f"{name}: {seen['errors']}"
            assert seen["handlers"] == [], f"{name}: elements with event handlers {seen['handlers']}"
            assert seen["scripts"] == len(re.findall(r"<script\b", html))  # no script element of theirs
            assert set(hashes) == set(re.findall(r"'sha256-[^']+'", policy(html))), f"{name}: a script not ours"
            missing = [text for text in expected if text not in seen["text"]]
            assert not missing, f"{name}: not shown as text: {missing}"
            assert all(ready == "1" and shapes > 0 for ready, shapes in seen["maps"]), f"{name}: {seen['maps']}"
            assert len(seen["maps"]) == maps.get(name, 0), name
            if name != "index.html":
                assert seen["title"] == f"{PLACE_NAME}: Total Place count"

        # Without its policy a page still runs nothing of theirs: the escaping alone holds...
        for name, path in paths.items():
            bare = tmp_path / f"bare_{name.replace('/', '_')}"
            bare.write_text(re.sub(r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "", path.read_text()))
            seen = _open(page, bare)
            assert "Content-Security-Policy" not in bare.read_text()
            assert seen["dialogs"] == [] and seen["handlers"] == [], name
        # The policy is the second line: markup that does get into a page runs nothing, and is reported.
        report = (pages / f"{SLUG}/report.html").read_text()
        breached = tmp_path / "breached.html"
        breached.write_text(report.replace("</body>", f"{WARD_NAMES[0]}<p>{WARD_NAMES[1]}</p></body>", 1))
        seen = _open(page, breached)
        assert seen["dialogs"] == [] and len(seen["violations"]) >= 2, seen["violations"]
        assert all(ready == "1" for ready, _ in seen["maps"])  # the page's own scripts still run
        # ...and the listener does hear a dialog when markup gets into a page without a policy.
        control = tmp_path / "control.html"
        control.write_text(f"<!DOCTYPE html><html><body><p>{WARD_NAMES[1]}</p></body></html>")
        assert _open(page, control)["dialogs"] == ["2"]


@pytest.mark.slow
def test_every_report_table_and_heading_carries_the_names_escaped(pages):
    """The page's source: hostile names only in their escaped form, outside the page's own scripts."""
    for name in SHOWN:
        html = (pages / name).read_text(encoding="utf-8")
        outside_scripts = re.sub(r"<script\b[^>]*>.*?</script>", "", html, flags=re.DOTALL)
        for value in (*WARD_NAMES, *THEMES, AGENCY, PLACE_NAME, LAD_NAME, SPEND_FILE, WARDS_FILE):
            assert value not in outside_scripts, f"{name}: {value!r} unescaped"
        assert "alert(" not in "".join(re.findall(r"<script\b[^>]*>.*?</script>", html, flags=re.DOTALL)), name
