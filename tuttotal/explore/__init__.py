"""The explorer: a place's count in JupyterLab, with widgets and an interactive ward map."""
