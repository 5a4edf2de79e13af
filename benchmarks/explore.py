"""How fast the explorer answers a change of control, for Kent (283 wards).

Loads Kent once, then times many control changes in-process through the
explorer's own update path (what a widget event runs: values, classes, the
interactive map's new ward fills, legend, theme breakdown, profile), and
compares them with two baselines measured in the same run: drawing the
house map (``PlaceReport.maps.ward_map``, saved as a PNG) and reloading the
place (``report.prepare``).

There is no browser here, so that the timing still counts what JupyterLab
would make the kernel pay, every widget is given a comm that serialises
each state update to JSON as the kernel does (ipyleaflet's wards layer is
a GeoJSON of a few hundred kilobytes): those bytes are counted too.

Usage (from the repository, with the ward files)::

    TUTTOTAL_DATA_DIR=../shared/data/wards-2013 python benchmarks/explore.py [--rounds 40]

Prints median and 90th percentile per kind of change, overall, and the
ratios. Exits 1 when the overall median is over the 100 ms budget.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import statistics
import sys
import time

BUDGET_S = 0.100


class _JsonComm:
    """A comm that does what the kernel's does with a widget's update: serialise it to JSON (and keep count)."""

    kernel = True
    sent_bytes = 0

    def __init__(self, comm_id: str) -> None:
        self.comm_id = comm_id

    def send(self, data=None, buffers=None, **_):
        _JsonComm.sent_bytes += len(json.dumps(data, ensure_ascii=False, allow_nan=False).encode())

    def on_msg(self, *_):
        pass

    def close(self, *_, **__):
        pass


def _attach_json_comms() -> int:
    """Give every widget made so far a :class:`_JsonComm`; the number of widgets."""
    from ipywidgets.widgets.widget import _instances

    for widget in list(_instances.values()):  # without a kernel, each widget's comm sends nothing
        widget.comm = _JsonComm(widget.model_id)
    return len(_instances)


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--place", default="kent")
    parser.add_argument("--rounds", type=int, default=40, help="changes of each kind")
    parser.add_argument("--baseline-rounds", type=int, default=3)
    args = parser.parse_args(argv)

    from tuttotal import report
    from tuttotal.explore.explorer import MEASURES, SCHEMES, Explorer

    rng = random.Random(2010)
    start = time.perf_counter()
    explorer = Explorer(args.place)
    state = {k: v for k, v in explorer.view.widget.get_state().items() if k != "layers"}
    first_bytes = sum(len(json.dumps(w.get_state())) for w in explorer.view.widget.layers) + len(json.dumps(state))
    load_s = time.perf_counter() - start
    n_widgets = _attach_json_comms()
    data = explorer.data
    print(f"{data.name}: {len(data.wards)} wards, {len(data.themes)} themes, {len(data.agency_types)} agency types")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"first load (prepare, cube, map geometry, map widget, first draw): {load_s:.2f} s; "
        f"map state {first_bytes / 1e3:.0f} kB"
    )
    print(f"every update serialised to JSON as the kernel sends it ({n_widgets} widgets)\n")

    def some(items: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(rng.sample(items, rng.randint(1, len(items))))

    measures = [m for m in MEASURES if m != "per_head" or data.has_population]
    labels = list(data.ward_labels)
    changes = {
        "themes": lambda: setattr(explorer.themes_box, "value", some(data.themes)),
        "agency types": lambda: setattr(explorer.agencies_box, "value", some(data.agency_types)),
        "measure": lambda: setattr(
            explorer.measure_box, "value", rng.choice([m for m in measures if m != explorer.measure_box.value])
        ),
        "scheme": lambda: setattr(
            explorer.scheme_box, "value", rng.choice([s for s in SCHEMES if s != explorer.scheme_box.value])
        ),
        "classes": lambda: setattr(
            explorer.k_box, "value", rng.choice([k for k in range(2, 10) if k != explorer.k_box.value])
        ),
        "ward": lambda: setattr(
            explorer.ward_box, "value", rng.choice([w for w in labels if w != explorer.ward_box.value])
        ),
    }
    times: dict[str, list[float]] = {kind: [] for kind in changes}
    sent: list[int] = []
    kinds = [kind for kind in changes for _ in range(args.rounds)]
    rng.shuffle(kinds)
    for kind in kinds:
        before, bytes_before = len(explorer.history), _JsonComm.sent_bytes
        t0 = time.perf_counter()
        changes[kind]()  # the widget's observer runs the update, as in JupyterLab
        elapsed = time.perf_counter() - t0
        assert len(explorer.history) == before + 1, f"a change of {kind} did not update exactly once"
        times[kind].append(elapsed)
        sent.append(_JsonComm.sent_bytes - bytes_before)

    everything = [t for values in times.values() for t in values]
    print(f"{'change':<14} {'n':>4} {'median ms':>10} {'p90 ms':>8}")
    for kind, values in times.items():
        print(f"{kind:<14} {len(values):>4} {1000 * statistics.median(values):>10.1f} {1000 * _p90(values):>8.1f}")
    median = statistics.median(everything)
    print(f"{'all changes':<14} {len(everything):>4} {1000 * median:>10.1f} {1000 * _p90(everything):>8.1f}")
    steps = {k: statistics.median(h[k] for h in explorer.history[1:]) for k in ("values_s", "map_s", "panels_s")}
    print("median by step: " + ", ".join(f"{k[:-2]} {1000 * v:.1f} ms" for k, v in steps.items()))
    print(
        f"JSON sent to the browser per change: median {statistics.median(sent) / 1e3:.0f} kB, "
        f"max {max(sent) / 1e3:.0f} kB"
    )

    house, reload = [], []
    count = explorer.data.count
    for _ in range(args.baseline_rounds):
        t0 = time.perf_counter()
        figure = count.maps.draw_ward_map()  # a new drawing (count.maps.ward_map() keeps the first)
        figure.savefig(io.BytesIO(), format="png", dpi=100, bbox_inches="tight")
        house.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        report.prepare(place=args.place, data_dir=report.environment_data_dir())
        reload.append(time.perf_counter() - t0)
    house_s, reload_s = statistics.median(house), statistics.median(reload)
    print(f"\nbaseline: house map redraw (maps.ward_map + PNG), median of {len(house)}: {1000 * house_s:.0f} ms")
    print(f"baseline: reload the place (report.prepare), median of {len(reload)}: {1000 * reload_s:.0f} ms")
    print(
        f"explorer update is {house_s / median:.0f}x faster than the house map, {reload_s / median:.0f}x than a reload"
    )
    verdict = "meets" if median <= BUDGET_S else "MISSES"
    print(f"budget {1000 * BUDGET_S:.0f} ms: median {1000 * median:.1f} ms {verdict} it")
    return 0 if median <= BUDGET_S else 1


if __name__ == "__main__":
    from publish import published

    with published("explore", sys.argv):
        status = main()
    sys.exit(status)
