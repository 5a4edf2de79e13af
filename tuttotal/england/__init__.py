"""England at once: every LAD and every ward of England, counted in one pass, and the national findings.

The national geography (:mod:`tuttotal.england.geography`: England's wards and LADs in one frame
each, their drivers for every ward, the data a national run needs), the cluster it may run on
(:mod:`tuttotal.england.cluster`), the councils' own books by district and year
(:mod:`tuttotal.england.councils`) and the findings drawn from them (:mod:`tuttotal.england.findings`,
:mod:`tuttotal.england.councils_findings`). Nothing heavy is imported here: ``import tuttotal``
stays fast.
"""
