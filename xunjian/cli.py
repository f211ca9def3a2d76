"""The ``xunjian`` command line.

Subcommands live one per module in ``xunjian/commands/``; each defines
``register(subparsers)`` which adds its parser and sets ``func`` (a callable
taking the parsed args and returning the exit code). Exit codes are the
contract with CI: 0 pass, 1 gate or ``--fail-on`` failed, 2 usage, config or
tool error.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

import xunjian
import xunjian.commands
from config import ConfigError
from crawler.storelock import StoreBusy
from xunjian.preflight import PreflightError

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 already; keep one line
        self.print_usage(sys.stderr)
        print(f"xunjian: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xunjian", description="巡检: nightly compliance audit of government portals")
    parser.add_argument("--version", action="version", version=f"xunjian {xunjian.__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for info in sorted(pkgutil.iter_modules(xunjian.commands.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        importlib.import_module(f"xunjian.commands.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"xunjian: config error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except (PreflightError, StoreBusy) as exc:  # before any crawl: one line, exit 2
        print(f"xunjian: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:
        from xunjian.commands.run import Terminated
        how = "stopped by SIGTERM" if isinstance(exc, Terminated) else "interrupted"
        print(f"xunjian: {how}; facts written so far are kept in the store", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
