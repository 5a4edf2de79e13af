"""The one map classifier (tuttotal.figures.classify) gives mapclassify's classes, computed with numpy."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.figures import classify

mapclassify = pytest.importorskip("mapclassify", reason="mapclassify (the reference) is in the test extra")

VALUES = st.lists(
    st.floats(min_value=-1e6, max_value=1e7, allow_nan=False, allow_infinity=False), min_size=2, max_size=300
).map(lambda v: np.round(np.array(v), 2))


def reference(name: str, values: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's class bounds, kept as classify() keeps any bounds: distinct, none above the largest value."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bins = np.unique(np.asarray(getattr(mapclassify, name)(values, k=k).bins, dtype=float))
    bins = bins[bins <= values.max()]
    return bins if bins.size and bins[-1] == values.max() else np.append(bins, values.max())


def same_classes(scheme: str, name: str, values: np.ndarray, k: int) -> None:
    if np.unique(values).size <= k:
        return  # one class per value, before any classifier is asked
    bins, classes, _ = classify.classify(values, scheme, k)
    expected = reference(name, values, k)
    assert bins == pytest.approx(expected, rel=1e-12)
    assert classes.tolist() == np.minimum(np.searchsorted(expected, values, side="left"), expected.size - 1).tolist()


@settings(max_examples=200, deadline=None)
@given(VALUES, st.integers(min_value=2, max_value=9))
def test_quantiles_are_mapclassifys(values, k):
    same_classes("quantiles", "Quantiles", values, k)


@settings(max_examples=200, deadline=None)
@given(VALUES, st.integers(min_value=2, max_value=9))
def test_equal_intervals_are_mapclassifys(values, k):
    same_classes("equalinterval", "EqualInterval", values, k)


@pytest.mark.parametrize("scheme", ["quantiles", "naturalbreaks", "equalinterval"])
def test_every_ward_falls_in_a_class_whose_bound_holds_it(scheme):
    rng = np.random.default_rng(7)
    values = np.append(np.round(rng.gamma(2.0, 3000.0, size=277), 2), np.nan)
    bins, classes, name = classify.classify(values, scheme, 5)
    assert name == classify.SCHEMES[scheme][1] and bins.size == 5 and bins[-1] == np.nanmax(values)
    finite = np.isfinite(values)
    assert (classes[~finite] == -1).all() and (classes[finite] >= 0).all()
    assert np.all(values[finite] <= bins[classes[finite]])
    lower = np.concatenate([[-np.inf], bins[:-1]])
    assert np.all(values[finite] > lower[classes[finite]])


def test_classifying_never_imports_mapclassify():
    """mapclassify pulls in scikit-learn (about a second): the map classes do not need it."""
    import subprocess
    import sys

    code = (
        "import sys, numpy as np; from tuttotal.figures import classify;"
        "[classify.classify(np.arange(50.0), s, 5) for s in classify.SCHEMES];"
        "print('mapclassify' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == (
        "False"
    )
