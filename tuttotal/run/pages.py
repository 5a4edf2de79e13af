"""``outputs/index.html``: one static page listing every place run, with its map, totals and status.

The page is rebuilt after each batch from what is on disk (every
``outputs/<slug>/summary.json``) and from the batch's results, so a place
that failed this time is listed with its error, beside its previous report
when it has one. It needs nothing but a browser: the CSS is inline and each
ward map's thumbnail is a small PNG embedded in the page (made with Pillow,
kept in ``outputs/index.json`` until the map changes). Above the cards, one
interactive map of every place's wards (:func:`tuttotal.figures.webmap.places_map`,
inline SVG and script: hover and zoom with no network) from each report's
``web_map.json``. Both files are written atomically.

Examples
--------
>>> from tuttotal.run import pages
>>> pages.write_index("outputs")  # doctest: +SKIP
PosixPath('outputs/index.html')
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tuttotal import __version__
from tuttotal.data.datasets import ATTRIBUTION
from tuttotal.data.lad_boundaries import england_lads
from tuttotal.data.safe_html import with_csp
from tuttotal.figures.webmap import MAP_SCRIPT, EnglandShapes, england_shapes, places_map
from tuttotal.money import format_gbp
from tuttotal.run.publish import output_lock
from tuttotal.writers.web_map_file import read_web_maps

INDEX_HTML = "index.html"
INDEX_JSON = "index.json"
THUMB_SIZE = (360, 280)


def _write_atomically(path: Path, text: str) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def england_outline() -> EnglandShapes | None:
    """England's districts as SVG paths, for behind the places on the index's map; None without their boundaries."""
    try:
        return england_shapes(england_lads())
    except Exception:  # no map of England in the data root or cache, and no network: the places alone
        return None


def thumbnail(png: Path, size: tuple[int, int] = THUMB_SIZE) -> str:
    """A small PNG of ``png`` (palette, optimised), as base64 text for a ``data:`` address.

    Examples
    --------
    >>> from PIL import Image
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "map.png")
    >>> Image.new("RGB", (1000, 800), "white").save(path)
    >>> thumbnail(path)[:8]
    'iVBORw0K'
    """
    from PIL import Image

    with Image.open(png) as image:
        image = image.convert("RGB")
        image.thumbnail(size, Image.Resampling.LANCZOS)
        small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        small.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _gbp(value: Any) -> str:
    try:
        return format_gbp(round(float(value) * 100), 3)
    except (TypeError, ValueError):
        return "–"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def collect(output_root: str | os.PathLike, results: Iterable[Any] = ()) -> list[dict]:
    """One entry per place: what ``index.json`` and the page show.

    Entries come from the previous ``index.json`` (statuses and thumbnails),
    the complete place folders on disk, and this batch's results (which win).
    """
    root = Path(output_root)
    previous: dict[str, dict] = {}
    try:
        for entry in json.loads((root / INDEX_JSON).read_text(encoding="utf-8")).get("places", []):
            previous[entry["slug"]] = entry
    except (OSError, ValueError, KeyError, TypeError):
        previous = {}
    entries: dict[str, dict] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        summary_path = folder / "summary.json"
        if not summary_path.is_file() or not (folder / "report.html").is_file():
            continue
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        entry = dict(previous.get(folder.name, {}))
        entry.update(
            slug=folder.name,
            name=summary.get("name", folder.name),
            lads=summary.get("lads", []),
            year=summary.get("year", ""),
            wards=summary.get("wards"),
            spend=summary.get("spend", "synthetic" if summary.get("illustrative") else "user"),
            totals=summary.get("totals", {}),
            seconds=summary.get("timings", {}).get("total_s"),
            has_report=True,
        )
        entry.setdefault("status", "ok")
        entry.setdefault("finished", dt.datetime.fromtimestamp(summary_path.stat().st_mtime).strftime("%Y-%m-%d %H:%M"))
        entries[folder.name] = entry
    for slug, entry in previous.items():  # failed places with no output at all
        if slug not in entries and entry.get("status") == "failed":
            entries[slug] = {**entry, "has_report": False}
    for result in results:
        entry = entries.setdefault(result.slug, {"slug": result.slug, "name": result.slug, "has_report": False})
        if result.status == "skipped":
            entry.setdefault("status", "ok")
            continue
        entry.update(status=result.status, seconds=round(result.seconds, 1), finished=_now())
        entry["error"] = result.error if not result.ok else ""
        entry["stage"] = result.stage if not result.ok else ""
    for slug, entry in entries.items():
        png = root / slug / "ward_map.png"
        if entry.get("has_report") and png.is_file():
            stat = png.stat()
            key = f"{stat.st_size}-{stat.st_mtime_ns}"
            if entry.get("thumb_key") != key or not entry.get("thumb"):
                entry.update(thumb=thumbnail(png), thumb_key=key)
        else:
            entry.pop("thumb", None)
            entry.pop("thumb_key", None)
    return sorted(entries.values(), key=lambda e: (e.get("status") != "failed", e.get("name", "").lower()))


_CSS = """
:root { --ink:#1a1a1a; --muted:#5b6470; --line:#e3e6ea; --bg:#f6f7f9; --ok:#2d6a4f; --bad:#9b2226; --warn:#8a5a00; }
* { box-sizing:border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
       color:var(--ink); background:var(--bg); }
header { background:#14213d; color:#fff; padding:22px 32px 18px; }
header h1 { margin:0 0 4px; font-size:22px; font-weight:650; letter-spacing:.2px; }
header p { margin:0; color:#c9d1e0; font-size:14px; }
.counts { display:flex; gap:10px; margin-top:12px; flex-wrap:wrap; }
.count { background:rgba(255,255,255,.12); border-radius:999px; padding:3px 12px; font-size:13px; }
main { padding:24px 32px 40px; max-width:1480px; margin:0 auto; }
.grid { display:grid; grid-template-columns:repeat(auto-fill,minmax(300px,1fr)); gap:18px; }
.card { background:#fff; border:1px solid var(--line); border-radius:10px; overflow:hidden;
        display:flex; flex-direction:column; box-shadow:0 1px 2px rgba(0,0,0,.04); }
.card.failed { border-color:#e8b4b8; }
.thumb { display:block; background:#fff; border-bottom:1px solid var(--line); aspect-ratio: 360 / 280;
         display:flex; align-items:center; justify-content:center; }
.thumb img { max-width:100%; max-height:100%; display:block; }
.thumb.none { color:var(--muted); font-size:13px; background:#fafafa; }
.body { padding:12px 14px 14px; display:flex; flex-direction:column; gap:6px; flex:1; }
.title { display:flex; justify-content:space-between; align-items:baseline; gap:8px; }
.title h2 { margin:0; font-size:16px; font-weight:650; }
.title h2 a { color:inherit; text-decoration:none; }
.title h2 a:hover { text-decoration:underline; }
.slug { color:var(--muted); font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
.badges { display:flex; gap:6px; flex-wrap:wrap; }
.badge { font-size:11px; font-weight:650; letter-spacing:.4px; text-transform:uppercase; border-radius:4px;
         padding:1px 7px; border:1px solid currentColor; }
.badge.ok { color:var(--ok); } .badge.failed { color:var(--bad); } .badge.stamp { color:var(--warn); }
.badge.supplied { color:#1d4e89; }
dl { display:grid; grid-template-columns:auto 1fr; gap:2px 12px; margin:4px 0 0; font-size:13.5px; }
dt { color:var(--muted); } dd { margin:0; font-variant-numeric:tabular-nums; }
.links { margin-top:auto; padding-top:8px; font-size:13px; display:flex; gap:12px; flex-wrap:wrap; }
.links a { color:#1d4e89; }
pre.error { white-space:pre-wrap; word-break:break-word; background:#fdf2f3; color:#5c1116; border-radius:6px;
            padding:8px 10px; margin:4px 0 0; font-size:12px; max-height:11em; overflow:auto; }
footer { color:var(--muted); font-size:12.5px; padding:0 32px 28px; max-width:1480px; margin:0 auto; }
"""


def _card(entry: dict) -> str:
    e = html.escape
    slug = entry["slug"]
    failed = entry.get("status") == "failed"
    report = f"{slug}/report.html"
    if entry.get("thumb"):
        image = (
            f'<a class="thumb" href="{e(report)}"><img alt="Ward map of {e(entry.get("name", slug))}" '
            f'width="360" height="280" src="data:image/png;base64,{e(entry["thumb"])}"></a>'
        )
    else:
        image = '<div class="thumb none">no output</div>'
    badges = [f'<span class="badge {"failed" if failed else "ok"}">{"failed" if failed else "ok"}</span>']
    spend = entry.get("spend")
    if spend == "synthetic":
        badges.append(f'<span class="badge stamp">{e(spend)}</span>')
    elif spend == "user":
        badges.append('<span class="badge supplied">supplied spend</span>')
    elif spend == "real":
        badges.append('<span class="badge supplied">real count (top-down)</span>')
    rows = []
    if entry.get("has_report"):
        totals = entry.get("totals", {})
        lads = entry.get("lads", [])
        rows += [
            ("Year", e(str(entry.get("year", "")))),
            ("Area", f"{e(str(entry.get('wards', '–')))} wards in {len(lads)} LAD{'s' if len(lads) != 1 else ''}"),
            ("Counted", e(_gbp(totals.get("input_gbp")))),
            ("Placed", e(_gbp(totals.get("placed_gbp")))),
            ("Not placed", e(_gbp(totals.get("unplaced_gbp")))),
        ]
    if entry.get("seconds") is not None:
        rows.append(("Run", f"{float(entry['seconds']):.1f} s, {e(str(entry.get('finished', '')))}"))
    details = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    error = ""
    if failed:
        stage = f"{entry.get('stage')}: " if entry.get("stage") else ""
        note = " The report below is the previous one." if entry.get("has_report") else ""
        error = f'<pre class="error">{e(stage + entry.get("error", ""))}{e(note)}</pre>'
    links = ""
    if entry.get("has_report"):
        links = (
            f'<div class="links"><a href="{e(report)}">Report</a><a href="{e(slug)}/ward_map.png">Map</a>'
            f'<a href="{e(slug)}/themes.png">Themes</a><a href="{e(slug)}/ward_theme.csv">CSV</a>'
            f'<a href="{e(slug)}/summary.json">Summary</a></div>'
        )
    name = e(entry.get("name", slug))
    title = f'<a href="{e(report)}">{name}</a>' if entry.get("has_report") else name
    return (
        f'<article class="card{" failed" if failed else ""}" id="{e(slug)}">{image}<div class="body">'
        f'<div class="title"><h2>{title}</h2><span class="slug">{e(slug)}</span></div>'
        f'<div class="badges">{"".join(badges)}</div><dl>{details}</dl>{error}{links}</div></article>'
    )


def render(entries: list[dict], places_map: str = "") -> str:
    """The page for ``entries`` (see :func:`collect`), with ``places_map`` (HTML) above the cards.

    Every name and message is escaped; the page carries its Content Security
    Policy (:func:`tuttotal.data.safe_html.with_csp`: the map's script by hash, nothing remote).
    """

    ok = sum(1 for x in entries if x.get("status") != "failed")
    failed = len(entries) - ok
    counts = [f'<span class="count">{len(entries)} place{"s" if len(entries) != 1 else ""}</span>']
    counts.append(f'<span class="count">{ok} ok</span>')
    if failed:
        counts.append(f'<span class="count">{failed} failed</span>')
    stamped = sum(1 for x in entries if x.get("spend") == "synthetic")
    note = (
        f"<p>{stamped} of these counts are <strong>synthetic</strong> (generated, not real "
        "spend); their reports and figures say so.</p>"
        if stamped
        else ""
    )
    cards = "\n".join(_card(x) for x in entries) or "<p>No place has been run yet.</p>"
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Total Place counts: every place run</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>Total Place counts</h1>
<p>Every place run into this folder, with its ward map, totals and status. Updated {html.escape(_now())}.</p>
<div class="counts">{"".join(counts)}</div>
</header>
<main>
{note}
{places_map}
<div class="grid">
{cards}
</div>
</main>
<footer>Made by tuttotal {html.escape(__version__)}. {html.escape(ATTRIBUTION)}</footer>
</body>
</html>
"""
    return with_csp(page, [MAP_SCRIPT])


def write_index(output_root: str | os.PathLike, results: Iterable[Any] = ()) -> Path:
    """Rebuild ``index.html`` and ``index.json`` in ``output_root``; return the page's path.

    The folder's lock (:func:`tuttotal.run.publish.output_lock`) is held from
    reading to writing, so runs finishing at once into one folder each add
    to the index and none drops another's places.
    """

    root = Path(output_root)
    root.mkdir(parents=True, exist_ok=True)
    page = root / INDEX_HTML

    with output_lock(root):
        entries = collect(root, results)
        _write_atomically(root / INDEX_JSON, json.dumps({"places": entries}, indent=1, ensure_ascii=False) + "\n")
        folders = [root / e["slug"] for e in entries if e.get("has_report")]
        _write_atomically(page, render(entries, places_map(read_web_maps(folders), england_outline)))
    return page
