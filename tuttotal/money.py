"""Money as whole pence: parsing amounts as people write them, and printing them.

Amounts are kept as integers of pence from file to output, so that money is
conserved to the penny.

Examples
--------
>>> parse_amount("£1,234.50"), parse_amount("(1,000)"), parse_amount("-£3")
(123450, -100000, -300)
>>> pence_to_decimal_string(-100001)
'-1000.01'
>>> format_gbp(7_300_000_000_00), format_gbp(699_000_000_00), format_gbp(12_345_00)
('£7.3bn', '£699m', '£12k')
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_GROUPED = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$|^\.\d+$")
_EXPONENT = re.compile(r"^\d+(\.\d*)?[eE][+-]?\d+$")
ONE_TRILLION_PENCE = 10**12 * 100


def parse_amount(text: object, *, whole_pence: bool = False) -> int:
    """Parse an amount of money to whole pence.

    Accepts ``1234``, ``1234.5``, ``£1,234.50``, ``-1,000``, ``(1,000)``
    (accounting negative), ``£-3``; sub-penny digits are rounded half to
    even, or refused with ``whole_pence`` (a spend file's amounts: rounding
    each row would change the total silently).

    >>> parse_amount("1.005"), parse_amount("1.500", whole_pence=True)
    (100, 150)
    >>> parse_amount("0.005", whole_pence=True)
    Traceback (most recent call last):
    ...
    ValueError: has a fraction of a penny (£0.005): amounts are counted in whole pence

    Raises
    ------
    ValueError
        With a short reason, for anything else (blank, text, ``1,2,3``).
    """
    if text is None:
        raise ValueError("the amount is blank")
    if isinstance(text, (int,)) and not isinstance(text, bool):
        return int(text) * 100
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if s == "" or s.lower() in {"nan", "na", "n/a", "null", "none", "-"}:
        raise ValueError("the amount is blank")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    for prefix in ("-", "£", "-", "£"):
        if s.startswith(prefix):
            if prefix == "-":
                if negative:
                    raise ValueError("the amount has two minus signs")
                negative = True
            s = s[1:]
    if s.startswith("+"):
        s = s[1:]
    if _GROUPED.match(s):
        s = s.replace(",", "")
    elif not _EXPONENT.match(s):
        raise ValueError("is not an amount of money")
    try:
        pounds = Decimal(s)
    except InvalidOperation:
        raise ValueError("is not an amount of money") from None
    exact = pounds * 100
    pence = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    if whole_pence and exact != pence:
        raise ValueError(f"has a fraction of a penny (£{pounds}): amounts are counted in whole pence")
    return -pence if negative else pence


def pence_to_decimal_string(pence: int) -> str:
    """Pence as a plain decimal of pounds with two places (``-1000.01``), exact."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(int(pence)), 100)
    return f"{sign}{whole}.{part:02d}"


def format_gbp(pence: float, digits: int = 2) -> str:
    """Short £ label for people: ``£7.3bn``, ``£699m``, ``£1.2m``, ``£12k``, ``£950``.

    ``digits`` is the number of significant figures kept (at least the integer part).
    """
    pounds = float(pence) / 100
    sign = "-" if pounds < 0 else ""
    value = abs(pounds)
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if value >= size:
            scaled = value / size
            decimals = max(0, digits - len(str(int(scaled))))
            text = f"{scaled:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{scaled:.0f}"
            return f"{sign}£{text}{suffix}"
    return f"{sign}£{value:,.0f}"


def largest_remainder(amount: int, weights: np.ndarray) -> np.ndarray:
    """Split whole pence in proportion to ``weights``, exactly.

    Each share is floored, then the pence left over go one each to the
    largest fractional parts (ties to the earlier position), so the shares
    always add up to ``amount``. A negative amount is split as its absolute
    value and negated.

    Parameters
    ----------
    amount : int
        Pence to split.
    weights : numpy.ndarray
        Non-negative weights with a positive sum.
    """
    import numpy as np

    weights = np.asarray(weights, dtype=float)
    total = weights.sum()
    if not total > 0:
        raise ValueError("weights must have a positive sum")
    sign = -1 if amount < 0 else 1
    whole = abs(int(amount))
    quotas = whole * (weights / total)
    shares = np.floor(quotas).astype(np.int64)
    left = whole - int(shares.sum())
    fractions = quotas - shares
    if left > 0:
        order = np.argsort(-fractions, kind="stable")
        shares[order[:left]] += 1
    elif left < 0:  # float rounding pushed a floor up: take back from the smallest fractions
        order = [i for i in np.argsort(fractions, kind="stable") if shares[i] > 0]
        shares[order[:-left]] -= 1
    return sign * shares


def split_parts(rows: pd.DataFrame, keys: list[str], amount: str, weight: str) -> np.ndarray:
    """Split each group's amount (the same on every row of the group) over its rows by ``weight``, exactly.

    Rows alone in their group keep their amount; a group of several rows
    shares its amount by :func:`largest_remainder`. Used to split a line of
    spending across themes or parts (2010-11 social care, sickness and
    disability by age).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"line": ["a", "b", "b"], "pence": [7, 10, 10], "w": [1.0, 1.0, 2.0]})
    >>> split_parts(rows, ["line"], "pence", "w").tolist()
    [7, 3, 7]
    """
    import numpy as np

    pence = rows[amount].to_numpy(dtype=np.int64).copy()
    weights = rows[weight].to_numpy(dtype=float)
    several = rows.duplicated(keys, keep=False).to_numpy()
    if several.any():
        positions = np.flatnonzero(several)
        for group in rows[several].groupby(keys, sort=False).indices.values():
            where = positions[group]
            total = int(pence[where[0]])
            pence[where] = largest_remainder(total, weights[where]) if total else 0
    return pence
