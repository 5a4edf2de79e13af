"""Map classes: one classifier and one set of legend labels for the report maps and the explorer.

:func:`classify` turns ward values into classes by quantiles, natural
breaks (Fisher-Jenks) or equal intervals: the bounds are mapclassify's
(:class:`mapclassify.Quantiles`, :class:`~mapclassify.FisherJenks`,
:class:`~mapclassify.EqualInterval`), kept distinct and none above the largest
value. :func:`class_labels` writes the legend (``£lo – £hi  (n wards)``).

Until issue 22 the bounds were computed again with numpy, to the last bit of
mapclassify's; ``benchmarks/libraries.py`` measured what that saved of a whole
place run and of a batch (``docs/benchmarks/libraries.md``): under the 20%
that keeps a copy of a library.

Examples
--------
>>> import numpy as np
>>> bins, classes, name = classify(np.array([1.0, 2, 3, 10, 11, 12, np.nan]), "naturalbreaks", 2)
>>> bins.tolist(), classes.tolist(), name
([3.0, 12.0], [0, 0, 0, 1, 1, 1, -1], 'natural breaks')
>>> class_labels(bins, np.array([1.0, 2, 3, 10, 11, 12]), classes[:6])
['£1 – £3  (3 wards)', '£3 – £12  (3 wards)']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tuttotal.money import format_gbp

__all__ = [
    "SCHEMES",
    "class_bounds",
    "class_labels",
    "classify",
    "labels_from_bounds",
    "money_labels",
    "percent_labels",
    "scheme_key",
]

#: Classification schemes: accepted name -> (mapclassify class, name shown in the legend).
#: ``naturalbreaks`` uses Fisher-Jenks, the exact (and deterministic) natural-breaks optimum;
#: mapclassify's own ``NaturalBreaks`` is k-means from random starts and may differ run to run.
SCHEMES: dict[str, tuple[str, str]] = {
    "quantiles": ("Quantiles", "quantiles"),
    "naturalbreaks": ("FisherJenks", "natural breaks"),
    "fisherjenks": ("FisherJenks", "natural breaks"),
    "jenks": ("FisherJenks", "natural breaks"),
    "equalinterval": ("EqualInterval", "equal interval"),
}


def scheme_key(scheme: str) -> str:
    """The key of a scheme in :data:`SCHEMES` (``"Natural breaks"`` → ``"naturalbreaks"``).

    Raises
    ------
    ValueError
        For a scheme that is not one of them.
    """
    key = scheme.lower().replace("_", "").replace(" ", "").replace("-", "")
    if key not in SCHEMES:
        raise ValueError(
            f"unknown classification scheme {scheme!r}; use one of "
            + ", ".join(repr(s) for s in ("quantiles", "naturalbreaks", "equalinterval"))
        )
    return key


def class_bounds(values: np.ndarray, scheme: str, k: int) -> np.ndarray:
    """mapclassify's upper bounds of ``k`` classes of ``values`` by ``scheme`` (a key of :data:`SCHEMES`).

    Examples
    --------
    >>> class_bounds(np.array([1.0, 2, 3, 10, 11, 12, 30, 31]), "naturalbreaks", 3).tolist()
    [3.0, 12.0, 31.0]
    >>> class_bounds(np.arange(1000.0), "quantiles", 4).tolist()
    [249.75, 499.5, 749.25, 999.0]
    >>> class_bounds(np.array([0.0, 10.0, 3.0]), "equalinterval", 5).tolist()
    [2.0, 4.0, 6.0, 8.0, 10.0]
    """
    import warnings

    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed", and mapclassify's notes on ties
        classifier = getattr(mapclassify, SCHEMES[scheme_key(scheme)][0])(np.asarray(values, dtype=float), k=k)
    return np.asarray(classifier.bins, dtype=float)


def classify(values: np.ndarray, scheme: str, k: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Class upper bounds, the class of each value (-1: no data) and the scheme's name shown in legends.

    Parameters
    ----------
    values : numpy.ndarray
        One value per ward; NaN for no data.
    scheme : str
        ``"quantiles"``, ``"naturalbreaks"`` or ``"equalinterval"`` (see :data:`SCHEMES`).
    k : int
        Number of classes; fewer when there are fewer distinct values (one class per value).

    Examples
    --------
    >>> classify(np.array([5.0, 1.0, 3.0]), "quantiles", 5)[0].tolist()
    [1.0, 3.0, 5.0]
    """
    key = scheme_key(scheme)
    if int(k) < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    shown = SCHEMES[key][1]
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    classes = np.full(values.shape, -1, dtype=int)
    y = values[finite]
    if y.size == 0:
        return np.array([]), classes, shown
    distinct = np.unique(y)
    if distinct.size <= int(k):  # no more values than classes: one class per value
        bins = distinct
    elif int(k) == 1:
        bins = np.array([y.max()])
    else:
        bins = np.unique(class_bounds(y, key, int(k)))
        bins = bins[bins <= y.max()]
        if bins.size == 0 or bins[-1] < y.max():
            bins = np.append(bins, y.max())
    classes[finite] = np.minimum(np.searchsorted(bins, y, side="left"), bins.size - 1)
    return bins, classes, shown


# --------------------------------------------------------------------------- legend labels


def money_labels(values: Sequence[float]) -> list[str]:
    """Short £ labels for amounts in pounds, with as many figures as tell them apart.

    Two significant figures (``format_gbp``'s default) unless two different
    amounts would print alike, then three, four, five; amounts under £1,000
    that still collide get pence.

    Examples
    --------
    >>> money_labels([7123.4, 8460.0])
    ['£7.1k', '£8.5k']
    >>> money_labels([6950.0, 7020.0, 7100.0])
    ['£6.95k', '£7.02k', '£7.1k']
    >>> money_labels([1.2e9, 350e6])
    ['£1.2bn', '£350m']
    """
    values = [float(v) for v in values]
    distinct = sorted(set(values))
    for digits in (2, 3, 4, 5):
        labels = {v: format_gbp(v * 100, digits) for v in distinct}
        if len(set(labels.values())) == len(distinct):
            return [labels[v] for v in values]
    return [f"{'-' if v < 0 else ''}£{abs(v):,.2f}" for v in values]


def percent_labels(values: Sequence[float]) -> list[str]:
    """Percent labels for shares (0.153 → ``15%``), with as many decimals as tell them apart.

    Examples
    --------
    >>> percent_labels([0.153, 0.42])
    ['15%', '42%']
    >>> percent_labels([0.151, 0.154])
    ['15.1%', '15.4%']
    """
    values = [float(v) for v in values]
    distinct = sorted(set(values))
    for decimals in (0, 1, 2, 3, 4, 5):
        labels = {v: f"{v:.{decimals}%}" for v in distinct}
        if len(set(labels.values())) == len(distinct):
            break
    return [labels[v] for v in values]


#: How legend bounds are written, by ``value_format``.
VALUE_LABELS = {"gbp": money_labels, "percent": percent_labels}


def labels_from_bounds(
    text: Sequence[str], counts: Sequence[int], one_per_value: bool, unit: str = "ward"
) -> list[str]:
    """Legend labels from the class bounds written out (``text[0]`` the lowest value): ``lo – hi  (n wards)``.

    ``unit`` names what is counted (``"district"``: ``(12 districts)``).

    Examples
    --------
    >>> labels_from_bounds(["£1k", "£2k", "£5k"], [2, 1], False)
    ['£1k – £2k  (2 wards)', '£2k – £5k  (1 ward)']
    >>> labels_from_bounds(["£1k", "£2k"], [1_234], False, unit="district")
    ['£1k – £2k  (1,234 districts)']
    """
    labels = []
    for i, count in enumerate(counts):
        lo, hi = (text[i + 1], text[i + 1]) if one_per_value else (text[i], text[i + 1])
        amount = lo if lo == hi else f"{lo} – {hi}"
        labels.append(f"{amount}  ({count:,} {unit}{'' if count == 1 else 's'})")
    return labels


def class_labels(
    bins: np.ndarray, values: np.ndarray, classes: np.ndarray, value_format: str = "gbp", unit: str = "ward"
) -> list[str]:
    """Legend labels ``£lo – £hi  (n wards)`` (``15% – 20%`` for ``value_format="percent"``), one per class.

    When each class holds one value, the label is that value alone. ``unit`` names what is counted.

    Examples
    --------
    >>> values = np.array([0.01, 0.02, 0.05])
    >>> class_labels(np.array([0.02, 0.05]), values, np.array([0, 0, 1]), "percent")
    ['1% – 2%  (2 wards)', '2% – 5%  (1 ward)']
    """
    finite = values[np.isfinite(values)]
    counts = [int((classes == i).sum()) for i in range(bins.size)]
    low = float(finite.min()) if finite.size else 0.0
    one_per_value = bins.size > 1 and bins.size == np.unique(finite).size
    return labels_from_bounds(VALUE_LABELS[value_format]([low, *bins.tolist()]), counts, one_per_value, unit)
