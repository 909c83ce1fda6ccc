"""``python -m spreiding.cli``."""

import sys

from spreiding.cli.main import main

sys.exit(main())
