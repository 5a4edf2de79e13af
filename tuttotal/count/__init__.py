"""The count: themes, apportionment to wards, the top-down count from the regional analysis and the
count from councils' outturn, and the list of what a count reads."""
