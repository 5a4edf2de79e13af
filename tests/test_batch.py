"""Batches of places: in parallel, isolated failures, --each-lad, Dask, and the pages in Chromium.

Real papermill, real kernels, real ward files; small places only (demo, Herefordshire,
Lewisham, Croydon) to keep the suite quick. The batch is run once (conftest's ``batch_run``, shared
with tests/test_resume.py, which resumes a copy of it, and tests/test_report_page.py).
"""

from __future__ import annotations

import json
import shutil
from contextlib import contextmanager

import pytest

from .conftest import BATCH_PLACES as PLACES
from .conftest import REPO, SPEND_HEADER
from .test_cli import LAYOUT, no_staging_left, tuttotal


def place_args(*slugs: str) -> list[str]:
    return [arg for slug in slugs for arg in ("--place", slug)]


def test_a_parallel_batch_writes_every_place_but_the_broken_one(batch_run):
    result, out, _ = batch_run
    assert result.returncode == 1, result.stdout + result.stderr
    for slug in ("demo", "herefordshire", "lewisham"):
        assert {p.name for p in (out / slug).iterdir()} >= LAYOUT, slug
    assert not (out / "croydon").exists()
    assert no_staging_left(out)
    assert "3 of 4 place(s) done" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_the_broken_place_is_named_with_its_file_and_cause(batch_run):
    result, _, root = batch_run
    failed = [line for line in result.stdout.splitlines() if "FAILED" in line]
    assert len(failed) == 2  # as it finished ("[2/4] FAILED …"), and in the end summary
    line = failed[-1]
    assert "croydon" in line and f"{root / 'croydon_spend.csv'}, row 2, column 'amount_gbp'" in line
    assert "'12.3.4'" in line and "inputs:" in line


def test_the_index_lists_every_place_its_status_and_thumbnail(batch_run):
    _, out, _ = batch_run
    page = (out / "index.html").read_text()
    for slug in PLACES:
        assert f'id="{slug}"' in page
    assert page.count("data:image/png;base64,") == 3
    assert 'href="lewisham/report.html"' in page and "amount_gbp" in page
    assert "<link" not in page and "<script src" not in page and '<img src="http' not in page  # no external assets
    assert page.count("<script>") == 1  # the map of every place: its script inline
    entries = {e["slug"]: e for e in json.loads((out / "index.json").read_text())["places"]}
    assert entries["croydon"]["status"] == "failed" and entries["lewisham"]["status"] == "ok"


@pytest.mark.slow
def test_dask_local_cluster_gives_byte_identical_outputs(batch_run, wards_dir, tmp_path):
    """Dask with a new kernel per place against the local pool's warm kernels: the same bytes."""
    pytest.importorskip("distributed")
    _, local, _ = batch_run
    out = tmp_path / "outputs"
    compared = ("herefordshire", "demo")
    result = tuttotal(
        "run",
        *place_args(*compared),
        "--executor",
        "dask",
        "--workers",
        "2",
        "--fresh-kernels",
        "--data-dir",
        str(wards_dir),
        "--output",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dask (LocalCluster)" in result.stdout
    for slug in compared:
        for name in ("ward_theme.csv", "reconciliation.csv", "ward_map.png", "themes.png"):
            assert (out / slug / name).read_bytes() == (local / slug / name).read_bytes(), (slug, name)
        ours, theirs = (json.loads((root / slug / "summary.json").read_text()) for root in (out, local))
        assert ours["totals"] == theirs["totals"] and ours["inputs"] == theirs["inputs"]
    assert (out / "index.html").is_file()


@pytest.mark.data("Lewisham's, Herefordshire's and Croydon's wards")
@pytest.mark.slow
def test_each_lad_runs_as_its_own_area_and_a_worker_replaces_its_kernel_after_the_set_number(wards_dir, tmp_path):
    """--each-lad: every LAD its own area. TUTTOTAL_KERNEL_MAX_USES=2 on one worker: places 1 and 3 start a
    kernel, place 2 reuses the first."""
    codes = ("E09000023", "E06000019", "E09000008")
    result = tuttotal(
        "run", "--each-lad", *codes, "--workers", "1", "--data-dir", str(wards_dir), "--output", "out",
        cwd=tmp_path, env={"TUTTOTAL_KERNEL_MAX_USES": "2"},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    summaries = [json.loads((tmp_path / "out" / code / "summary.json").read_text()) for code in codes]
    names = ("Lewisham", "Herefordshire, County of", "Croydon")
    for code, name, summary in zip(codes, names, summaries, strict=True):
        assert summary["lads"] == [code] and summary["name"] == name and summary["parameters"]["lads"] == [code]
    assert "running 3 place(s) on 1 worker(s)" in result.stdout
    warm = [summary["timings"]["warm_kernel"] for summary in summaries]
    assert sorted(warm) == [False, False, True], warm


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--place", "lewisham", "--place", "croydon", "--spend", "x.csv"], "name the place of each file"),
        (["--place", "lewisham", "--spend", "kent=x.csv"], "'kent' is not one of the places of this run"),
        (["--place", "lewisham", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler goes with --executor dask"),
    ],
)
def test_batch_usage_errors_exit_2(tmp_path, args, message):
    result = tuttotal("run", *args, "--output", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr


def test_an_unreachable_dask_scheduler_exits_2_naming_it(tmp_path):
    pytest.importorskip("distributed")
    result = tuttotal("run", "--executor", "dask", "--scheduler", "nonsense:/x", "--output", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "cannot reach the Dask scheduler at 'nonsense:/x'" in result.stderr and "Fix:" in result.stderr
    assert "Traceback" not in result.stderr


# ----------------------------------------------------------------------------- pages in a browser


def chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("Chromium is not installed here (CI installs it: apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    return path, sync_api


ARTIFACTS = REPO / "outputs" / "test-artifacts"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@contextmanager
def browser_page(viewport: dict):
    """A page of headless Debian Chromium (skipped without it); screenshots go to ``ARTIFACTS``."""
    path, sync_api = chromium()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=BROWSER_ARGS)
        try:
            yield browser.new_page(viewport=viewport)
        finally:
            browser.close()


def block_network(page) -> list[str]:
    """Let the page read files only: every network request is refused and listed in the returned list."""
    blocked: list[str] = []

    def only_files(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_files)
    return blocked


@pytest.mark.browser
def test_index_and_a_report_render_in_headless_chromium(batch_run):
    """Open index.html and one report.html: they load, every image decodes, and a screenshot is kept."""
    _, out, _ = batch_run
    with browser_page({"width": 1280, "height": 900}) as page:
        failed_requests: list[str] = []
        page.on("requestfailed", lambda request: failed_requests.append(request.url))
        for name, target in (("index", out / "index.html"), ("report-lewisham", out / "lewisham" / "report.html")):
            page.goto(target.as_uri())
            page.wait_for_load_state("load")
            images = page.evaluate(
                "Array.from(document.images)"
                ".map(i => ({src: i.src.slice(0, 40), ok: i.complete && i.naturalWidth > 0}))"
            )
            assert images, f"{name}: no image"
            assert all(i["ok"] for i in images), f"{name}: missing images {images}"
            shot = ARTIFACTS / f"{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
        assert not failed_requests
        page.goto((out / "index.html").as_uri())
        assert page.locator("article.card").count() == 4
        entries = json.loads((out / "index.json").read_text())["places"]
        failed = [e for e in entries if e["status"] == "failed"]
        assert page.locator("article.card.failed").count() == len(failed)
        page.click("article#lewisham h2 a")
        page.wait_for_load_state("load")
        assert page.url.endswith("lewisham/report.html")
        assert "Lewisham" in page.inner_text("body")


def _hover_a_shape(page, block):
    """Move the mouse onto a hoverable shape of an interactive map (found by elementFromPoint); its data-tip."""
    block.scroll_into_view_if_needed()
    point = block.evaluate(
        """box => { const r = box.querySelector('svg').getBoundingClientRect();
        for (let fy = 0.05; fy < 0.96; fy += 0.03) for (let fx = 0.05; fx < 0.96; fx += 0.03) {
          const x = r.left + fx * r.width, y = r.top + fy * r.height;
          const hit = document.elementFromPoint(x, y);
          const tip = hit && box.contains(hit) ? hit.getAttribute('data-tip') : null;
          if (tip) return {x, y, tip};
        } return null; }"""
    )
    assert point, "no shape under any sampled point"
    page.mouse.move(point["x"], point["y"])
    return point


@pytest.mark.browser
def test_interactive_maps_draw_and_answer_hover_with_every_request_blocked(batch_run):
    """report.html and index.html with the network cut: the maps draw, hover shows a tooltip, the wheel zooms."""
    _, out, _ = batch_run
    with browser_page({"width": 1280, "height": 1000}) as page:
        blocked = block_network(page)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        place = "herefordshire"  # a real count
        summary = json.loads((out / place / "summary.json").read_text())
        assert summary["spend"] == "real"
        page.goto((out / place / "report.html").as_uri())
        page.wait_for_load_state("load")
        wards = page.locator(".tt-webmap[data-map^='Interactive ward map']")
        assert wards.count() == 1
        block = wards.first
        assert block.get_attribute("data-ready") == "1"  # the inline script ran
        assert block.locator("svg .tt-shapes path[data-tip]").count() == summary["wards"]
        block.scroll_into_view_if_needed()
        point = _hover_a_shape(page, block)
        tip = block.locator(".tt-tip")
        tip.wait_for(state="visible")
        text = tip.inner_text()
        first_line = point["tip"].split("\n")[0]
        assert text.splitlines()[0] == first_line and "Herefordshire" in text
        assert "Per head: £" in text and "Spending: £" in text and "Income-deprived:" in text
        block.screenshot(path=str(ARTIFACTS / "report-ward-map-hover.png"))
        page.mouse.wheel(0, -300)
        page.wait_for_function("b => parseFloat(b.getAttribute('data-zoom') || '1') > 1", arg=block.element_handle())
        block.screenshot(path=str(ARTIFACTS / "report-ward-map-zoomed.png"))

        england = page.locator(".tt-webmap[data-map^='Map of England']")
        assert england.count() == 1
        assert england.locator("svg .tt-shapes path[data-tip]").count() == 326
        assert england.locator("svg .tt-marks path").count() == 1  # Herefordshire's one LAD, outlined
        assert "Top-down £ per head" in england.locator(".tt-legend").inner_text()
        england.scroll_into_view_if_needed()
        _hover_a_shape(page, england)
        england.locator(".tt-tip").wait_for(state="visible")
        assert "Top-down per head" in england.locator(".tt-tip").inner_text()
        england.screenshot(path=str(ARTIFACTS / "report-england-map.png"))

        page.goto((out / "index.html").as_uri())
        page.wait_for_load_state("load")
        maps = page.locator(".tt-webmap[data-map='Interactive map of every place run']")
        ok = [e for e in json.loads((out / "index.json").read_text())["places"] if e.get("has_report")]
        kinds = {(json.loads((out / e["slug"] / "web_map.json").read_text()).get("count"), e.get("year")) for e in ok}
        assert maps.count() == len(kinds) > 1, "one map per year and kind of count: like classed with like"
        assert maps.locator("svg .tt-shapes path[data-tip]").count() == sum(e["wards"] for e in ok)
        assert maps.locator("svg .tt-back path").count() >= 326, "England's districts behind the real places"
        every = maps.first
        assert every.get_attribute("data-ready") == "1"
        _hover_a_shape(page, every)
        every.locator(".tt-tip").wait_for(state="visible")
        assert "Per head" in every.locator(".tt-tip").inner_text()
        every.screenshot(path=str(ARTIFACTS / "index-map-hover.png"))
        assert not errors, errors
        assert not blocked, f"pages asked the network for {blocked}"


def test_a_worker_imports_papermill_without_unused_format_checkers():
    """jsonschema's optional IRI checker (a grammar built at import, 1 s) stays unloaded; notebooks still validate."""
    import subprocess
    import sys

    code = """
import sys
from tuttotal.run import batch
batch.skip_unused_format_checkers()
import nbformat, papermill
assert sys.modules["rfc3987_syntax"] is None, sys.modules["rfc3987_syntax"]
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
nb.cells[0]["outputs"] = "not a list"
try:
    nbformat.validate(nb)
except nbformat.ValidationError as exc:
    print("refused:", str(exc).splitlines()[0])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("refused: 'not a list' is not of type 'array'"), done.stdout + done.stderr


@pytest.mark.parametrize(
    ("spend_rows", "zero_drivers"),
    [
        (
            ["2008-09,Some Council,council,E07000999,01,1000.00", "2008-09,Some Council,council,E07000998,06,2000.00"],
            False,
        ),
        (
            [
                "2008-09,Ashcombe Council,council,X07000001,01,1000.00",
                "2008-09,Brindlemoor Council,council,*,06,2000.00",
            ],
            True,
        ),
    ],
    ids=["every-code-unknown", "drivers-all-zero"],
)
@pytest.mark.slow
def test_nothing_placeable_gives_a_report_that_says_so(spend_rows, zero_drivers, tmp_path):
    """The demo with a spend file none of whose pounds can be placed: a complete report, every pound unplaced."""
    spend = tmp_path / "spend.csv"
    spend.write_text(SPEND_HEADER + "\n".join(spend_rows) + "\n")
    args = ["run", "--spend", str(spend), "--output", "out"]
    if zero_drivers:
        sample = (REPO / "data" / "sample" / "drivers.csv").read_text().splitlines()
        drivers = tmp_path / "drivers.csv"
        drivers.write_text("\n".join([sample[0], *(",".join([*r.split(",")[:2], "0"]) for r in sample[1:])]) + "\n")
        args += ["--drivers", str(drivers)]
    result = tuttotal(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = tmp_path / "out" / "demo"
    assert {p.name for p in folder.iterdir()} >= LAYOUT | {"reconciliation.csv"}
    lines = (folder / "reconciliation.csv").read_text().splitlines()
    # item, codes, amount_gbp, measured_gbp, modelled_gbp, prices: a spend file's money is measured
    assert lines[1] == "input,,3000.00,3000.00,0.00,cash" and lines[-1] == "placed in wards,,0.00,0.00,0.00,cash", lines
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["totals"]["placed_gbp"] == 0 and summary["totals"]["unplaced_gbp"] == 3000
    assert any(w.startswith("Nothing of the £3k input could be placed") for w in summary["warnings"])
    assert "Nothing of the £3k input could be placed" in (folder / "report.html").read_text()
    assert no_staging_left(tmp_path / "out")


@pytest.mark.slow
def test_a_ward_file_covering_part_of_a_lad_is_flagged_in_the_report_maps_and_summary(wards_dir, tmp_path):
    """5 of Thanet's 23 real wards: the LAD's whole count lands in them, and every output says so."""
    import geopandas as gpd

    from tuttotal.data import geography

    thanet = gpd.read_file(wards_dir / "E07000114.geojson")
    part = tmp_path / "thanet_5_wards.geojson"
    thanet.iloc[:5].to_file(part, driver="GeoJSON")
    result = tuttotal(
        "run", "--lad", "E07000114", "--wards", str(part), "--data-dir", str(wards_dir), "--output", "out", cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    folder = tmp_path / "out" / "E07000114"
    summary = json.loads((folder / "summary.json").read_text())
    share = summary["ward_coverage"]["E07000114"]
    assert 0.05 < share < 0.5, share
    warning = f"PARTIAL BOUNDARIES: the ward file(s) cover {share:.0%} of Thanet (E07000114), 5 ward(s)"
    assert any(w.startswith(warning) for w in summary["warnings"]), summary["warnings"]
    assert warning in (folder / "report.html").read_text()  # the totals text and the figures' notes
    notebook = (folder / "report.ipynb").read_text()
    assert notebook.count("PARTIAL BOUNDARIES") >= 2

    whole = geography.read_wards(wards_dir / "E07000114.geojson", lad_code="E07000114")
    assert geography.lad_coverage(whole, whole) == {"E07000114": 1.0}
    assert geography.partial_cover_notes({"E07000114": 1.0}, {}, whole) == []
