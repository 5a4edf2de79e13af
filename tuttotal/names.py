"""Matching names the way a person types them: case, spacing and punctuation ignored."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_IGNORED = re.compile(r"[\s\-_,.'’&]+")


def normalise(text: str) -> str:
    """Fold a name to a key: lower case, no spaces, hyphens or punctuation.

    Examples
    --------
    >>> normalise("  Margate   CENTRAL ")
    'margatecentral'
    >>> normalise("South Tyneside, Gateshead & Sunderland") == normalise(
    ...     "south-tyneside gateshead sunderland")
    True
    """
    folded = str(text).casefold().replace(" and ", " ")
    return _IGNORED.sub("", folded)


def suggest(query: str, candidates: Iterable[str], n: int = 3) -> str:
    """A " Did you mean …?" sentence for the closest candidates, or ``""``.

    Examples
    --------
    >>> suggest("kant", ["kent", "durham"])
    " Did you mean 'kent'?"
    """
    candidates = list(candidates)
    by_key = {normalise(c): c for c in candidates}
    close = difflib.get_close_matches(normalise(query), list(by_key), n=n, cutoff=0.6)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(by_key[k]) for k in close) + "?"
