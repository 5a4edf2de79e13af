"""--resume: the decision (:func:`tuttotal.run.batch.is_up_to_date`) case by case, and one batch end to end.

The decision is a function of the output folder and the job: the units below
write what a finished run leaves (every file of the layout, and ``summary.json``'s
run record and input hashes), change one thing, and ask again; no kernel is
started. The end-to-end test (:func:`test_a_resumed_batch_skips_what_is_up_to_date_and_redoes_a_changed_input`)
holds the units to what a real run writes: its ``summary.json`` records exactly
the run record and input hashes :func:`record` writes here.
"""

from __future__ import annotations

import json
import shutil

import pytest

from tuttotal.count import inputs
from tuttotal.data import places
from tuttotal.data.datasets import sha256_of
from tuttotal.run import batch
from tuttotal.run.batch import OUTPUT_FILES, PlaceJob, is_up_to_date

from .conftest import REPO, SPEND_HEADER, THANET
from .test_cli import tuttotal

LEWISHAM_WARD = "E05000437"  # Bellingham, a real Lewisham ward of 2013


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A copy of the project's params/, data/ and notebooks/ (TUTTOTAL_HOME), so that its files can be edited."""
    home = tmp_path / "home"
    for folder in ("params", "data", "notebooks"):
        shutil.copytree(REPO / folder, home / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    monkeypatch.setenv("TUTTOTAL_HOME", str(home))
    return home


def record(job: PlaceJob, out, show_code: bool = False) -> dict:
    """What a finished run of ``job`` leaves in ``out``, as :func:`tuttotal.run.batch.run_place` writes it."""
    folder = job.output_folder(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name in OUTPUT_FILES:
        (folder / name).write_text("", encoding="utf-8")
    summary = {
        "run": batch.run_record(job, show_code),
        "inputs": {name: sha256_of(path) for name, path in batch.input_files(job).items()},
    }
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return summary


def edit(path, change) -> None:
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, f"the edit of {path.name} changed nothing"
    path.write_text(changed, encoding="utf-8")


DEMO = PlaceJob(places.get_place("demo"))

EDITS = {
    "spend": ("data/sample/spend.csv", lambda t: t + "2008-09,Ashcombe Council,council,X07000001,06,1.00,\n"),
    "drivers": ("data/sample/drivers.csv", lambda t: t.replace("population,5540.0", "population,5541.0", 1)),
    "themes": ("data/themes.csv", lambda t: t.replace("serve every resident", "serve everyone", 1)),
    "transfers": ("data/transfers.csv", lambda t: t.replace("housing benefit subsidy", "housing benefit subsidy:", 1)),
    "place_file": ("params/demo.yaml", lambda t: t.replace("24 wards in two", "24 wards in 2", 1)),
    "boundaries": ("data/sample/wards.geojson", lambda t: t.replace('"Abbey Meads"', '"Abbey Meadows"', 1)),
    "notebook": ("notebooks/place_report.ipynb", lambda t: t.replace("# Total Place count: one place", "# Count", 1)),
}


def test_the_report_and_resume_name_the_same_inputs(home):
    names = set(inputs.run_inputs(places.get_place("demo")))
    assert {"spend", "drivers", "themes", "transfers", "place_file", "boundaries:wards.geojson"} == names
    assert set(batch.input_files(DEMO)) == names | {"notebook"}


def test_a_complete_output_made_from_the_same_inputs_is_up_to_date(home, tmp_path):
    out = tmp_path / "outputs"
    assert not is_up_to_date(DEMO, out)  # nothing there yet
    record(DEMO, out)
    assert is_up_to_date(DEMO, out)


@pytest.mark.parametrize("name", sorted(EDITS))
def test_every_edited_input_makes_the_place_stale(home, tmp_path, name):
    out = tmp_path / "outputs"
    record(DEMO, out)
    relative, change = EDITS[name]
    edit(home / relative, change)
    assert not is_up_to_date(DEMO, out), f"an edited {name} was skipped by --resume"
    record(DEMO, out)  # the run again: up to date with the edited file
    assert is_up_to_date(DEMO, out)


@pytest.mark.parametrize("missing", OUTPUT_FILES)
def test_an_incomplete_output_folder_is_stale(home, tmp_path, missing):
    out = tmp_path / "outputs"
    record(DEMO, out)
    (DEMO.output_folder(out) / missing).unlink()
    assert not is_up_to_date(DEMO, out)


@pytest.mark.parametrize(
    "change",
    ["show_code", "focus_ward", "year", "code", "unreadable_summary", "input_deleted", "extra_boundary"],
)
def test_other_parameters_code_or_a_broken_record_make_the_place_stale(home, tmp_path, monkeypatch, change):
    out = tmp_path / "outputs"
    summary = record(DEMO, out)
    job, show_code = DEMO, False
    if change == "show_code":
        show_code = True
    elif change == "focus_ward":
        job = PlaceJob(DEMO.place, focus_wards=("Abbey Meads",))
    elif change == "year":
        job = PlaceJob(DEMO.place, year="2009-10")
    elif change == "code":  # an edited library: every output is stale
        monkeypatch.setattr(batch, "code_fingerprint", lambda: "0" * 64)
    elif change == "unreadable_summary":
        (DEMO.output_folder(out) / "summary.json").write_text("{not json", encoding="utf-8")
    elif change == "input_deleted":
        (home / "data" / "transfers.csv").unlink()
    elif change == "extra_boundary":  # a boundary file recorded that this run does not read
        summary["inputs"]["boundaries:old.geojson"] = "0" * 64
        (DEMO.output_folder(out) / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    assert not is_up_to_date(job, out, show_code)


def test_the_decision_reads_the_bytes_of_a_spend_file_and_never_parses_it(home, tmp_path, monkeypatch):
    """An unparseable spend file whose hash is recorded is up to date: nothing tried to read it as a table."""
    from tuttotal.data import place_wards, spend

    def refuse(*args, **kwargs):
        raise AssertionError("--resume parsed an input")

    for module, name in ((spend, "read_spend"), (spend, "check_spend_file"), (place_wards, "load_place_wards")):
        monkeypatch.setattr(module, name, refuse)
    monkeypatch.setattr(batch, "check_inputs", refuse)
    path = tmp_path / "spend.csv"
    path.write_text("this is not a spend file\n\0\0\0 , , ,\n", encoding="utf-8")
    job = batch.absolute_job(PlaceJob(DEMO.place, spend_path=str(path)))
    out = tmp_path / "outputs"
    record(job, out)
    assert is_up_to_date(job, out)  # any parse would have raised, and an error means "not up to date"
    path.write_text(path.read_text(encoding="utf-8") + "one more line\n", encoding="utf-8")
    assert not is_up_to_date(job, out)


def test_an_edited_pilot_theme_table_makes_the_deep_dive_stale(home, tmp_path):
    """The deep dive reads data/pilot_themes.csv (the theme a pilot reported): it is one of its inputs."""
    job = PlaceJob(DEMO.place, notebook="theme_deep_dive", theme="Children and young people")
    out = tmp_path / "outputs"
    summary = record(job, out)
    assert {"pilot_themes", "notebook", "themes"} <= set(summary["inputs"])
    assert is_up_to_date(job, out) and not is_up_to_date(DEMO, out)  # the deep dive's folder, not the report's
    edit(home / "data" / "pilot_themes.csv", lambda t: t.replace("children", "Children", 1))
    assert not is_up_to_date(job, out), "an edited pilot_themes.csv was skipped by --resume"


def test_a_repaired_england_map_makes_the_place_stale(data_root, tmp_path):
    """A damaged england_lad_2013.topojson is recorded by its hash: once repaired, the place is stale."""
    root = tmp_path / "data"
    root.mkdir()
    for entry in data_root.iterdir():
        if entry.name != "lad-2013":
            (root / entry.name).symlink_to(entry)
    (root / "lad-2013").mkdir()
    real = data_root / "lad-2013" / "england_lad_2013.topojson"
    damaged = root / "lad-2013" / "england_lad_2013.topojson"
    damaged.write_bytes(real.read_bytes()[: real.stat().st_size // 2])
    job = batch.absolute_job(PlaceJob(places.area_from_lads([THANET]), data_dir=str(root)))
    out = tmp_path / "outputs"
    summary = record(job, out)
    assert summary["inputs"]["england_map"] == sha256_of(damaged)
    assert is_up_to_date(job, out)
    damaged.unlink()
    shutil.copyfile(real, damaged)  # repaired
    assert not is_up_to_date(job, out), "a repaired England map was skipped by --resume"


# ------------------------------------------------------------------------------------------ end to end


def place_args(*slugs: str) -> list[str]:
    return [arg for slug in slugs for arg in ("--place", slug)]


def test_a_resumed_batch_skips_what_is_up_to_date_and_redoes_a_changed_input(batch_run, wards_dir, tmp_path):
    """The shared batch's outputs (copied): a changed spend file reruns that place only; then a resume runs nothing.

    Also: what a real run records is what :func:`record` writes (so the units above
    are about real outputs), and the command decides without parsing the spend
    file (replaced by an unparseable one whose hash is recorded, it is skipped).
    """
    _, shared, _ = batch_run
    out = tmp_path / "outputs"
    shutil.copytree(shared, out, ignore=shutil.ignore_patterns("croydon", ".tuttotal.lock"))
    slugs = ("demo", "herefordshire", "lewisham")
    args = ["run", *place_args(*slugs), "--resume", "--workers", "2", "--data-dir", str(wards_dir)]
    args += ["--output", str(out)]

    for slug in slugs:
        job = batch.absolute_job(PlaceJob(places.get_place(slug), data_dir=str(wards_dir)))
        summary = json.loads((out / slug / "summary.json").read_text(encoding="utf-8"))
        assert summary["run"] == batch.run_record(job, False), slug
        expected = {name: sha256_of(path) for name, path in batch.input_files(job).items()}
        assert {name: summary["inputs"].get(name) for name in expected} == expected, slug

    spend = tmp_path / "lewisham_spend.csv"
    spend.write_text(SPEND_HEADER + f"2008-09,Lewisham Council,council,{LEWISHAM_WARD},06,1000.00\n")
    args[-2:-2] = ["--spend", f"lewisham={spend}"]
    second = tuttotal(*args, cwd=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "resume: 2 place(s) up to date" in second.stdout and "running 1 place(s)" in second.stdout
    summary_path = out / "lewisham" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    assert summary["totals"]["input_gbp"] == 1000.0

    real = spend.read_text()
    spend.write_text("this is not a spend file\n\0\0\0 , , ,\n", encoding="utf-8")
    summary["inputs"]["spend"] = sha256_of(spend)
    summary_path.write_text(json.dumps(summary), encoding="utf-8")
    stamps = {slug: (out / slug / "summary.json").stat().st_mtime_ns for slug in slugs}
    third = tuttotal(*args, cwd=tmp_path)  # nothing changed since: nothing runs, and nothing parses the spend file
    assert third.returncode == 0, third.stdout + third.stderr
    assert "resume: 3 place(s) up to date" in third.stdout and "running" not in third.stdout
    assert "checking inputs" not in third.stdout
    assert stamps == {slug: (out / slug / "summary.json").stat().st_mtime_ns for slug in slugs}

    spend.write_text(real + f"2008-09,Lewisham Council,council,{LEWISHAM_WARD},09,5.00\n")
    fourth = tuttotal(*args, cwd=tmp_path)
    assert fourth.returncode == 0, fourth.stdout + fourth.stderr
    assert "resume: 2 place(s) up to date" in fourth.stdout and "running 1 place(s)" in fourth.stdout
    assert json.loads(summary_path.read_text())["totals"]["input_gbp"] == 1005.0
    assert (out / "demo" / "summary.json").stat().st_mtime_ns == stamps["demo"]
