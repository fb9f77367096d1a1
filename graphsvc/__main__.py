"""`python -m graphsvc …`: the command line."""

import sys

from graphsvc.cli import main

sys.exit(main())
