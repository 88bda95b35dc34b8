"""`python -m bench [index|crawl] …`: see bench/commands.py."""

from __future__ import annotations

import sys

from bench.commands import main

sys.exit(main())
