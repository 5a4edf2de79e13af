"""The one map classifier (tuttotal.figures.classify): mapclassify's bounds, every ward in the class that holds it."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuttotal.figures import classify

VALUES = st.lists(
    st.floats(min_value=-1e6, max_value=1e7, allow_nan=False, allow_infinity=False), min_size=2, max_size=300
).map(lambda v: np.round(np.array(v), 2))


@settings(max_examples=100, deadline=None)
@given(VALUES, st.integers(min_value=2, max_value=9), st.sampled_from(["quantiles", "naturalbreaks", "equalinterval"]))
def test_classes_hold_their_values_under_distinct_bounds_that_end_at_the_largest(values, k, scheme):
    bins, classes, _ = classify.classify(values, scheme, k)
    assert 1 <= bins.size <= max(k, 1) or bins.size == np.unique(values).size
    assert np.all(np.diff(bins) > 0) and bins[-1] == values.max()
    assert np.all(values <= bins[classes])
    lower = np.concatenate([[-np.inf], bins[:-1]])
    assert np.all(values > lower[classes])


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


def test_the_bounds_of_a_known_series():
    """Regression: the bounds the report maps used before mapclassify drew them (the numpy copy's, issue 22)."""
    values = np.array([3.0, 4, 9, 10, 11, 19, 20, 40, 41, 42, 70])
    assert classify.classify(values, "naturalbreaks", 4)[0].tolist() == [11.0, 20.0, 42.0, 70.0]
    assert classify.classify(values, "quantiles", 4)[0].tolist() == [9.5, 19.0, 40.5, 70.0]
    assert classify.classify(values, "equalinterval", 4)[0].tolist() == [19.75, 36.5, 53.25, 70.0]
