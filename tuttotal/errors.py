"""One exception hierarchy whose messages say what went wrong, where, and what to do.

Every error is data plus a message (the habit of papermill's
``PapermillExecutionError``): the fields ``file``, ``row``, ``column``,
``value`` and ``fix`` are kept on the exception, and ``str(error)`` formats
them for a person.

Examples
--------
>>> from tuttotal.errors import InputError
>>> err = InputError(
...     "is not an amount of money",
...     file="spend.csv", row=7, column="amount_gbp", value="12x",
...     fix="write a number such as 1234.50, £1,234.50 or (1,000)",
... )
>>> print(err)
spend.csv, row 7, column 'amount_gbp': is not an amount of money (found '12x').
  Fix: write a number such as 1234.50, £1,234.50 or (1,000)
"""

from __future__ import annotations

from typing import Any


class TuttotalError(Exception):
    """Base class of every error tuttotal raises on purpose."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: Any = None,
        row: int | None = None,
        column: str | None = None,
        value: Any = None,
        fix: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.value = value
        self.fix = fix
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        text = ", ".join(where) + ": " if where else ""
        text += self.message
        if self.value is not None:
            text += f" (found {self.value!r})"
        if not text.endswith((".", "?", "!")):
            text += "."
        if self.fix:
            text += f"\n  Fix: {self.fix}"
        return text


class InputError(TuttotalError):
    """Bad usage or bad input, found before any work is done (exit code 2)."""

    exit_code = 2


class PlaceNotFoundError(InputError):
    """A place, LAD or ward name or code that is not known."""


class SpendFileError(InputError):
    """A spend count or driver table that cannot be read as the schema says."""


class GeographyError(InputError):
    """A boundary file that cannot be read as wards."""


class DataUnavailableError(InputError):
    """Boundary files that are neither in the data folder nor downloadable."""


class HashMismatchError(InputError):
    """A registry file whose SHA-256 is not the pinned one."""


class PlaceRunError(TuttotalError):
    """A place whose notebook failed while running (exit code 1).

    Carries the failing cell's index and the exception's name and value
    when papermill reports them.
    """

    def __init__(
        self,
        place: str,
        message: str,
        *,
        cell_index: int | None = None,
        ename: str | None = None,
        evalue: str | None = None,
    ) -> None:
        self.place = place
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        super().__init__(message)

    def __str__(self) -> str:
        text = f"{self.place}: {self.message}"
        if self.cell_index is not None:
            text += f" (notebook cell {self.cell_index}: {self.ename}: {self.evalue})"
        return text


class TuttotalWarning(UserWarning):
    """Something suspicious but usable (a repaired geometry, a negative amount)."""
