"""Data in: the registry of pinned public files, downloads, ward and LSOA boundaries, places, spend
files (read in columns, once), the real datasets (CRA, councils' outturn, populations, deprivation),
data package descriptors, and CSVs and HTML written safely."""
