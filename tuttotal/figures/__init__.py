"""Figures and tables for reading: the house style, map classes, maps (PNG and interactive), charts and
formatted tables."""
