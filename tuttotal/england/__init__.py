"""England at once: every LAD and ward counted in one pass, and the national findings."""
