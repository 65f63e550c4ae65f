"""``python -m jaxrelic``: the command-line interface (same as the ``jaxrelic`` script)."""

import sys

from .workflows.cli import main

if __name__ == "__main__":
    sys.exit(main())
