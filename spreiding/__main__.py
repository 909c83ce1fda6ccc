"""``python -m spreiding``: the command line."""

import sys

from spreiding.cli.main import main

sys.exit(main())
