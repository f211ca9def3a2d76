"""``xunjian serve-demo``: serve the bundled demo portal on loopback until Ctrl-C.

Useful to look at the portal in a browser, or to audit it by hand with ``xunjian run``. Prints
both base URLs, the fault routes and the command that audits the served portal. Governed by
``--port`` / ``--external-port`` (0 = a free port) and ``--today`` (the date the portal's
content is generated for; default: the real today), ``--family`` (the bundled portal family,
default ``trs``) and ``--clean`` (no planted defects). Binds 127.0.0.1 and 127.0.0.2 only.
Ctrl-C is the way to stop it, at any moment: exit 0 and one line saying so (a run's Ctrl-C exits 2,
``xunjian.cli``, because a run cut short has no verdict; a demo server has none to give).
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import date
from typing import Any

from xunjian.commands.demo import add_family_options
from xunjian.commands.run import parse_today


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve-demo", help="serve the bundled demo portal on loopback until Ctrl-C",
                       description="Serve the demo portal (127.0.0.1) and its external stand-in (127.0.0.2).")
    p.add_argument("--port", type=int, default=0, help="portal port on 127.0.0.1 (default: a free one)")
    p.add_argument("--external-port", type=int, default=0,
                   help="external stand-in port on 127.0.0.2 (default: a free one)")
    p.add_argument("--today", type=parse_today, help="generate the portal as of this date (default: today)")
    p.add_argument("--log-requests", action="store_true", help="print one line per request on stderr")
    add_family_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, stop: threading.Event | None = None) -> int:
    """Serve until Ctrl-C (or ``stop`` is set). Ctrl-C is how the command ends, at any moment (while
    the portal is generated, mid-banner, while serving): exit 0 with one line saying what stopped."""
    served: list[Any] = []  # the server once it listens: what the Ctrl-C message reports
    try:
        return _serve(args, stop, served)
    except KeyboardInterrupt:
        print("stopped: the demo portal is no longer served" if served
              else "stopped before the demo portal was served", file=sys.stderr, flush=True)
        return 0


def _serve(args: argparse.Namespace, stop: threading.Event | None, served: list[Any]) -> int:
    from xunjian.demo import build_site
    from xunjian.demo.server import serve

    today = args.today or date.today()
    family = getattr(args, "family", None)
    clean = getattr(args, "clean", False)
    site = build_site(today, family, clean=clean)
    try:
        server = serve(site, portal_port=args.port, external_port=args.external_port,
                       verbose=args.log_requests)
    except (OSError, ValueError) as exc:
        print(f"xunjian: {exc}", file=sys.stderr)
        return 2
    port = server.portal_base.rsplit(":", 1)[1]
    with server:  # a Ctrl-C anywhere below stops the server on the way out
        served.append(server)
        print(f"demo portal   {server.portal_base}/   ({site.page_count()} pages, today {today})", flush=True)
        print(f"external host {server.external_base}/", flush=True)
        print("fault routes:", file=sys.stderr)
        for route in site.family.routes:
            print(f"  {route.host:8} {route.path:40} {route.behaviour}", file=sys.stderr)
        if site.family.name == "trs" and not clean:
            print(f"audit it with:\n  XUNJIAN_DEMO_PORT={port} xunjian run --site config/sites/demo.yaml "
                  f"--today {today}\npress Ctrl-C to stop", file=sys.stderr, flush=True)
        else:
            print(f"audit it with:\n  xunjian demo --family {site.family.name}{' --clean' if clean else ''} "
                  f"--today {today}   (serves and audits in one go)\npress Ctrl-C to stop",
                  file=sys.stderr, flush=True)
        (stop or threading.Event()).wait()
    return 0
