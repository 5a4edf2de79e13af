"""England at once: every LAD and every ward of England, in one pass, on one machine or a Dask cluster.

The national geography (:mod:`tuttotal.england.geography`: England's wards and
LADs in one frame each, their drivers for every ward, the data a national
run needs) and the cluster it runs on (:mod:`tuttotal.england.cluster`).
Nothing heavy is imported here: ``import tuttotal`` stays fast.
"""
