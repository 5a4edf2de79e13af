"""The explorer in a real browser: JupyterLab 4 driven by Debian's Chromium through playwright.

Starts JupyterLab on a free localhost port with a random token and fresh
config, runtime, settings and workspace folders (nothing of the user's is
read; news, update checks and autosave are off), opens
``notebooks/explore.ipynb``, runs all cells, changes the place to Kent and
the themes, checks that the map widget (ipyleaflet) recoloured its wards,
zooms in on Margate Central with the wheel, hovers it (the map names it),
clicks it (its profile opens, with how much the driver decides its figure, and
the ward list follows), exports, and saves
screenshots to ``outputs/test-artifacts/``. Every request that does not go
to the JupyterLab server on localhost is refused and must not happen: the
map has no basemap tiles. JupyterLab (with its kernels) and the browser are
stopped whatever happens.

Skipped, with the reason, when Chromium or the real ward files are missing
(``.ci/run`` installs the ``chromium`` package).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import MARGATE_CENTRAL, REPO, THANET

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = REPO / "outputs" / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
START_TIMEOUT_S = 90
STEP_TIMEOUT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_settings(folder: Path) -> None:
    """User settings for a quiet, stateless JupyterLab: no news, no update check, no autosave."""
    settings = {
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"autoStartDefaultKernel": True},
    }
    for name, value in settings.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value), encoding="utf-8")


@pytest.fixture
def jupyterlab(tmp_path, wards_dir):
    """A JupyterLab server on a free port: (base URL, token). Stopped, with its kernels, at the end."""
    port, token = _free_port(), secrets.token_hex(24)
    dirs = {name: tmp_path / name for name in ("config", "data", "runtime", "settings", "workspaces")}
    for folder in dirs.values():
        folder.mkdir()
    (dirs["config"] / "jupyter_lab_config.json").write_text(
        json.dumps({"LabApp": {"news_url": None}}), encoding="utf-8"
    )
    _write_settings(dirs["settings"])
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "JUPYTER_PLATFORM_DIRS": "1",
        "TUTTOTAL_DATA_DIR": str(wards_dir),
        "MPLBACKEND": "Agg",
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    }
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={REPO}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--ServerApp.terminals_enabled=False",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        command.append("--allow-root")
    log = (tmp_path / "jupyterlab.log").open("wb")
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if server.poll() is not None:
                raise RuntimeError(
                    f"JupyterLab exited ({server.returncode}):\n{(tmp_path / 'jupyterlab.log').read_text()}"
                )
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"JupyterLab did not answer within {START_TIMEOUT_S} s")
            time.sleep(0.3)
        yield base, token
    finally:
        # The whole process group: the server and the kernels it started.
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            if server.poll() is not None:
                break
            try:
                os.killpg(server.pid, sig)
            except ProcessLookupError:
                break
            try:
                server.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGKILL)  # kernels left behind, if any
        log.close()
        if ARTIFACTS.is_dir():
            shutil.copy(tmp_path / "jupyterlab.log", ARTIFACTS / "jupyterlab.log")


@pytest.fixture
def browser():
    """Debian's Chromium, headless, through playwright. Closed at the end."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; .ci/run does it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


WARDS = ".tuttotal-map .leaflet-overlay-pane path:not([fill='none'])"  # outlines have no fill


def _fills(page) -> list[str]:
    return page.eval_on_selector_all(WARDS, "paths => paths.map(p => p.getAttribute('fill'))")


def _wait_for_wards(page, count: int) -> None:
    page.wait_for_function(f'() => document.querySelectorAll("{WARDS}").length === {count}', timeout=STEP_TIMEOUT_MS)


def _wait_for_new_fills(page, before: list[str]) -> list[str]:
    page.wait_for_function(
        f"before => {{ const now = Array.from(document.querySelectorAll(\"{WARDS}\")).map(p => p.getAttribute('fill'));"
        " return now.length === before.length && now.some((f, i) => f !== before[i]); }",
        arg=before,
        timeout=STEP_TIMEOUT_MS,
    )
    return _fills(page)


def _screen_point(page, wards, code: str, paths: str = WARDS, column: str = "ward_code") -> tuple[float, float]:
    """Where an area is on screen: its inner point, placed by the map's drawn extent (Web Mercator is linear)."""
    frame = wards.to_crs(3857)
    west, south, east, north = frame.total_bounds
    inner = frame.loc[frame[column] == code].geometry.iloc[0].representative_point()
    box = page.evaluate(
        f'() => {{ const r = Array.from(document.querySelectorAll("{paths}")).map(p => p.getBoundingClientRect());'
        " return {left: Math.min(...r.map(b => b.left)), right: Math.max(...r.map(b => b.right)),"
        " top: Math.min(...r.map(b => b.top)), bottom: Math.max(...r.map(b => b.bottom))}; }"
    )
    x = box["left"] + (inner.x - west) / (east - west) * (box["right"] - box["left"])
    y = box["top"] + (north - inner.y) / (north - south) * (box["bottom"] - box["top"])
    return x, y


def _shoot(page, name: str) -> None:
    page.locator(".tuttotal-explorer").first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.locator(".tuttotal-explorer").first.screenshot(path=str(ARTIFACTS / f"{name}-explorer.png"))


def _new_page(browser, base: str):
    """A page that lets through only requests to the JupyterLab server: (page, console errors, refused URLs)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1750})
    page.set_default_timeout(STEP_TIMEOUT_MS)
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}") if m.type == "error" else None)
    outside: list[str] = []

    def only_jupyterlab(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:  # tiles, fonts, anything from the network: refused, and remembered
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_jupyterlab)
    return page, messages, outside


def _open_explorer(page, base: str, token: str) -> None:
    """Open notebooks/explore.ipynb, run all its cells as a researcher would, wait for the demo's 24 wards."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(f"{base}/lab/tree/notebooks/explore.ipynb?token={token}")
    page.wait_for_selector(".jp-NotebookPanel .jp-Cell")
    # JupyterLab may still ask which kernel to start: take the notebook's own (Python 3).
    with contextlib.suppress(PlaywrightTimeout, PlaywrightError):
        page.locator(".jp-Dialog button.jp-mod-accept").click(timeout=5_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached")

    # Run ▸ Run All Cells.
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    page.wait_for_selector(".tuttotal-explorer", timeout=STEP_TIMEOUT_MS)
    _wait_for_wards(page, 24)  # the demo's wards, drawn by Leaflet


def _has_text(page, selector: str, text: str) -> None:
    """Wait until the first element of ``selector`` shows ``text``."""
    page.wait_for_function(
        "([selector, text]) => (document.querySelector(selector)?.innerText || '').includes(text)",
        arg=[selector, text],
        timeout=STEP_TIMEOUT_MS,
    )


def test_the_explorer_in_jupyterlab(jupyterlab, browser, kent_wards):
    base, token = jupyterlab
    page, messages, outside = _new_page(browser, base)
    try:
        _open_explorer(page, base, token)
        assert "Demo Vale" in page.locator(".tuttotal-header").inner_text()
        assert page.locator(".tuttotal-map .leaflet-tile").count() == 0  # no basemap
        _shoot(page, "explorer-1-demo")

        # Place: Kent. Loaded once in the kernel, then the map and the breakdown redraw.
        page.locator(".tuttotal-place select").select_option(label="Kent")
        page.wait_for_function(
            "() => (document.querySelector('.tuttotal-header')?.innerText || '').includes('Kent')",
            timeout=STEP_TIMEOUT_MS,
        )
        _wait_for_wards(page, 283)
        assert "283 wards" in page.locator(".tuttotal-header").inner_text()
        kent_fills = _fills(page)

        # Themes: two of them. The wards are recoloured, the title says so.
        themes = page.locator(".tuttotal-themes select option").all_inner_texts()
        assert len(themes) == 9
        page.locator(".tuttotal-themes select").select_option(themes[:2])
        _wait_for_new_fills(page, kent_fills)
        page.wait_for_function(
            "() => (document.querySelector('.tuttotal-map-title')?.innerText || '').includes('2 of 9 themes')"
        )
        assert "Kent: public spending per head by ward" in page.locator(".tuttotal-map-title").inner_text()
        _shoot(page, "explorer-2-kent-themes")

        # All themes again, then zoom in on Margate Central with the wheel, hover it, click it.
        themed = _fills(page)
        page.locator("button.tuttotal-all").click()
        _wait_for_new_fills(page, themed)
        page.locator(".tuttotal-map").scroll_into_view_if_needed()
        x, y = _screen_point(page, kent_wards, MARGATE_CENTRAL)
        page.mouse.move(x, y)
        for _ in range(2):  # Leaflet zooms about the pointer (here a level a turn): the ward stays under it
            page.mouse.wheel(0, -60)
            page.wait_for_timeout(700)
        page.mouse.move(x + 1, y)
        page.mouse.move(x, y)
        page.wait_for_function(
            "() => (document.querySelector('.tuttotal-hover')?.innerText || '').includes('Margate Central')"
        )
        assert page.evaluate("() => document.querySelector('.leaflet-control-scale-line').innerText") != ""
        hover = page.locator(".tuttotal-hover").inner_text()
        assert "Thanet" in hover and "£ per head" in hover
        _shoot(page, "explorer-3-hover-margate-central")
        page.mouse.click(x, y)
        page.wait_for_function(
            "() => (document.querySelector('.tuttotal-profile')?.innerText || '').includes('Margate Central')"
        )
        profile = page.locator(".tuttotal-profile").inner_text()
        assert "E05005093" in profile and "Thanet" in profile
        assert "Rank" in profile and "of 283 in Kent" in profile
        assert "health and wellbeing" in profile
        # How much the driver decides: its modelled money by population alone beside the need drivers (Thanet, 2008-09).
        assert re.search(
            r"How much the driver decides \(2008-09, all themes and agencies\)\s+£[\d,]+ a head with the need drivers, "
            r"£[\d,]+ with population alone\.",
            profile,
        ), profile
        assert page.locator(".tuttotal-ward input").input_value().startswith("Margate Central")  # the list follows
        page.wait_for_function(
            "() => (document.querySelector('.tuttotal-legend')?.innerText || '').includes('Margate Central')"
        )
        _shoot(page, "explorer-4-clicked-margate-central")

        # Export: the files are written and the explorer says where.
        page.locator("button.tuttotal-export").click()
        page.wait_for_function(
            "() => (document.querySelector('.tuttotal-status')?.innerText || '').includes('Exported to')"
        )
        status = page.locator(".tuttotal-status").inner_text()
        assert "outputs/kent/explore" in status
        png = next(name for name in status.replace(",", " ").split() if name.endswith(".png"))
        assert (REPO / "outputs" / "kent" / "explore" / png).is_file()
        _shoot(page, "explorer-5-exported")
        assert not outside, f"the explorer asked the network for {outside[:5]}"
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "explorer-failure.png"))
        (ARTIFACTS / "explorer-console.txt").write_text("\n".join(messages), encoding="utf-8")
        raise
    finally:
        page.close()


DISTRICTS = ".tuttotal-england-map .leaflet-overlay-pane path:not([fill='none'])"


@pytest.mark.data("England's 326 districts")
def test_the_explorer_switches_to_england_and_opens_a_district(jupyterlab, browser, data_root):
    """England in the explorer: its 326 districts on a map, Thanet hovered and clicked, then one typed in the list."""
    from tuttotal.england.geography import england_lads
    from tuttotal.explore.england_view import SIMPLIFY_M

    base, token = jupyterlab
    lads = england_lads(data_root, simplify=SIMPLIFY_M)
    page, messages, outside = _new_page(browser, base)
    try:
        _open_explorer(page, base, token)
        # Every status the explorer shows, kept as it changes (a load says what it does before it ends).
        page.evaluate(
            "() => { window.statuses = []; new MutationObserver(() => { const s = document.querySelector("
            "'.tuttotal-status'); const t = s ? s.innerText : ''; if (t && window.statuses.at(-1) !== t) "
            "window.statuses.push(t); }).observe(document.body, {subtree: true, childList: true, characterData: true});"
            " }"
        )

        # Place: England. Its 326 districts, coloured by spending per head, with where the figures come from.
        page.locator(".tuttotal-place select").select_option(label="England: pick a district")
        page.wait_for_function(
            f'() => document.querySelectorAll("{DISTRICTS}").length === 326', timeout=STEP_TIMEOUT_MS
        )
        _has_text(page, ".tuttotal-england-header", "England, 2008-09")
        assert len(set(page.eval_on_selector_all(DISTRICTS, "ps => ps.map(p => p.getAttribute('fill'))"))) == 5
        assert "public spending per head by district, 2008-09" in page.locator(".tuttotal-england-title").inner_text()
        notes = page.locator(".tuttotal-england-notes").inner_text()
        assert ("LAD-level count of 2008-09" in notes or "national count of 2008-09" in notes) and "Measured" in notes
        legend = page.locator(".tuttotal-england-legend").inner_text()
        assert sum(int(n) for n in re.findall(r"\((\d+) districts?\)", legend)) == 326
        assert page.locator(".tuttotal-map").count() == 0  # the ward map makes way for England's
        assert page.locator(".tuttotal-england-map .leaflet-tile").count() == 0  # no basemap

        # Hover Thanet: the map names it with its figures; click it: it opens with its 23 wards.
        page.locator(".tuttotal-england-map").scroll_into_view_if_needed()
        x, y = _screen_point(page, lads, THANET, DISTRICTS, "lad_code")
        page.mouse.move(x - 1, y)
        page.mouse.move(x, y)
        _has_text(page, ".tuttotal-england-hover", "Thanet")
        hover = page.locator(".tuttotal-england-hover").inner_text()
        assert "South East" in hover and "£ per head" in hover
        _shoot(page, "explorer-6-england")
        x, y = _screen_point(page, lads, THANET, DISTRICTS, "lad_code")  # where it is now the page has scrolled
        page.mouse.click(x, y)
        _has_text(page, ".tuttotal-header", "Thanet, 2008-09")
        _wait_for_wards(page, 23)
        assert "23 wards in 1 district(s): Thanet" in page.locator(".tuttotal-header").inner_text()
        assert page.locator(".tuttotal-lads input").input_value() == THANET
        _has_text(page, ".tuttotal-status", "Loaded Thanet")
        statuses = page.evaluate("() => window.statuses")
        assert any(s.startswith("Loading Thanet (E07000114), 2008-09") for s in statuses), statuses
        _shoot(page, "explorer-7-thanet-from-england")

        # Back to England (made once: nothing counted again), Thanet outlined; a district typed in the list.
        page.locator(".tuttotal-place select").select_option(label="England: pick a district")
        _has_text(page, ".tuttotal-england-legend", "Thanet (shown before)")
        assert not any("Counting England" in s for s in page.evaluate("() => window.statuses")[len(statuses) :])
        picker = page.locator(".tuttotal-england-pick input")
        picker.fill("Thant")
        picker.press("Enter")
        _has_text(page, ".tuttotal-status", "Close matches: Thanet (E07000114)")
        picker.fill("herefordshire")
        picker.press("Enter")
        _has_text(page, ".tuttotal-header", "Herefordshire, County of, 2008-09")
        page.wait_for_function(f'() => document.querySelectorAll("{WARDS}").length > 30', timeout=STEP_TIMEOUT_MS)
        assert not outside, f"the explorer asked the network for {outside[:5]}"
    except Exception:
        page.screenshot(path=str(ARTIFACTS / "explorer-england-failure.png"))
        (ARTIFACTS / "explorer-england-console.txt").write_text("\n".join(messages), encoding="utf-8")
        raise
    finally:
        page.close()
