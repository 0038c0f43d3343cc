"""``python -m poolutils.grade``: grade learners' notebooks (see :mod:`poolutils.grading.cli`)."""

import sys

from poolutils.grading.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
