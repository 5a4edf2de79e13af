"""Writers: a place count's files, written one way (:func:`tuttotal.writers.place.write_outputs`)."""

from __future__ import annotations
