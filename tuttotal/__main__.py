"""``python -m tuttotal`` runs the ``tuttotal`` command."""

import sys

from tuttotal.cli import main

sys.exit(main())
