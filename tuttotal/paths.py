"""Where the project's folders are: ``params/``, ``data/``, ``notebooks/``, ``outputs/``.

The package is installed from its repository (``pip install -e .``), so the
folders sit beside it. ``TUTTOTAL_HOME`` points elsewhere when needed.
"""

from __future__ import annotations

from pathlib import Path

from . import settings
from .errors import InputError


def project_root() -> Path:
    """The repository root: ``$TUTTOTAL_HOME`` or the folder above the package."""
    home = settings.home_dir()
    root = Path(home) if home else Path(__file__).resolve().parents[1]
    if not (root / "params").is_dir():
        raise InputError(
            f"no params/ folder under {root}",
            fix="install tuttotal from its repository with 'pip install -e .', "
            "or set TUTTOTAL_HOME to the repository's folder",
        )
    return root


def params_dir() -> Path:
    """The folder of place files, one ``<slug>.yaml`` per place."""
    return project_root() / "params"


def data_dir() -> Path:
    """The repository's ``data/`` folder (sample place, reference tables)."""
    return project_root() / "data"


def notebooks_dir() -> Path:
    """The folder of parameterised notebooks."""
    return project_root() / "notebooks"


def default_output_dir() -> Path:
    """``outputs/`` under the current folder: where ``tuttotal run`` writes."""
    return settings.default_output_dir()
