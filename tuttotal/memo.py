"""Results worked out once per table: a memo keyed by a DataFrame's identity (and an extra key).

A warm kernel runs place after place against the same cached tables (the LSOA
table, the themes table); what is derived from them alone need not be derived
again. The memo holds the table weakly: a new table, even at a recycled
``id``, starts afresh.

Examples
--------
>>> import pandas as pd
>>> calls = []
>>> totals = TableMemo(lambda table, column: calls.append(column) or table[column].sum())
>>> table = pd.DataFrame({"a": [1, 2]})
>>> int(totals(table, "a")), int(totals(table, "a")), calls
(3, 3, ['a'])
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Hashable
from typing import Any


class TableMemo:
    """``work(table, key)`` computed once per table object and hashable ``key``.

    The caller must treat a result as read-only: it is shared by every later call.
    """

    def __init__(self, work: Callable[[Any, Hashable], Any]) -> None:
        self.work = work
        self._memo: dict[int, tuple[weakref.ref, dict[Hashable, Any]]] = {}

    def __call__(self, table: Any, key: Hashable = None) -> Any:
        entry = self._memo.get(id(table))
        if entry is None or entry[0]() is not table:
            entry = (weakref.ref(table, functools.partial(self._forget, id(table))), {})
            self._memo[id(table)] = entry
        if key not in entry[1]:
            entry[1][key] = self.work(table, key)
        return entry[1][key]

    def _forget(self, table_id: int, ref: weakref.ref) -> None:
        """Drop the results of a table that is gone (not those of a newer table at the same ``id``)."""
        if self._memo.get(table_id, (None,))[0] is ref:
            del self._memo[table_id]
