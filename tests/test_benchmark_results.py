"""The benchmarks' published results name no folder of this machine (benchmarks/publish.py)."""

from __future__ import annotations

import tempfile

from .conftest import REPO


def test_published_results_name_no_folder_of_the_machine_they_ran_on(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    import publish

    data = REPO.parent / "shared" / "data"
    scratch = f"{tempfile.gettempdir()}/tuttotal-bench-abc"
    with publish.published("example", ["benchmarks/example.py", "--data-dir", str(data)], folder=tmp_path):
        print(f"data: {data}; scratch: {scratch}")
    header, body = (tmp_path / "example.txt").read_text(encoding="utf-8").splitlines()
    assert "`python benchmarks/example.py --data-dir <work>/shared/data`" in header
    assert body == "data: <work>/shared/data; scratch: <tmp>/tuttotal-bench-abc"
    assert str(REPO.parent) not in header + body and tempfile.gettempdir() not in header + body
