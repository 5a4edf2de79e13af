"""``python -m tuttotal`` runs the ``tuttotal`` command."""

import sys

from .cli import main

sys.exit(main())
