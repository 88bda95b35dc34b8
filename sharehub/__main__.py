"""`python -m sharehub` runs the command line."""

from __future__ import annotations

import sys

from sharehub.cli import main

sys.exit(main())
