"""Run the command line with ``python -m statecode``."""

from statecode.cli import main

main()
