"""One way to write a place's folder: write_outputs, its figure registry, and the files it leaves."""

from __future__ import annotations

import json

from tuttotal import report
from tuttotal.analysis import deep_dive
from tuttotal.data.pilot_themes import read_pilot_themes
from tuttotal.writers.place import FIGURES, write_outputs


def test_the_demo_folder_is_written_once_whole(tmp_path):
    demo = report.prepare(place="demo", output_dir=str(tmp_path / "first"))
    theme = deep_dive.choose_theme(demo.theme_totals().index, demo.place, "", pilot_themes=read_pilot_themes())
    slug = deep_dive.file_slug(theme)
    written = write_outputs(demo, theme=theme, with_web_map=True)
    names = {path.name for path in (tmp_path / "first").iterdir()}
    assert names == {path.name for path in written.values()}, "every file written is returned, nothing else is left"
    drawn = {name for name, entry in FIGURES.items() if entry.file in names}
    assert {"ward_map", "themes"} <= drawn and not {"cuts_map", "cuts_by_service"} & drawn  # no cuts in the demo
    assert {"summary.json", "datapackage.json", "web_map.json", "ward_theme.csv"} <= names
    assert {f"deep_dive_{slug}_map.png", f"deep_dive_{slug}_wards.csv"} <= names
    summary = json.loads((tmp_path / "first" / "summary.json").read_text(encoding="utf-8"))
    assert summary["spend"] == "synthetic" and summary["timings"]["figures_s"] >= 0
    package = json.loads((tmp_path / "first" / "datapackage.json").read_text(encoding="utf-8"))
    assert f"deep_dive_{slug}_wards.csv" in {r["path"] for r in package["resources"]}

    other = write_outputs(demo, tmp_path / "second")  # another folder: the same tables, byte for byte
    for name in ("ward_theme", "reconciliation", "theme_agency"):
        assert other[name].read_bytes() == written[name].read_bytes(), name
    assert "web_map" not in other and not any(p.name.startswith("deep_dive") for p in (tmp_path / "second").iterdir())
