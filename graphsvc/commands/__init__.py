"""CLI subcommands of the questions, each module with `register(subparsers)`; cli.py lists them."""
