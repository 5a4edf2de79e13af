"""Analysis of a count, on tables: breakdowns, comparisons, the theme deep dive and deprivation."""
