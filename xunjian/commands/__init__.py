"""Subcommands of the xunjian CLI, one module each (discovered by xunjian/cli.py)."""
