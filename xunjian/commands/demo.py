"""``xunjian demo``: serve the bundled demo portal on loopback and audit it.

The demo portal (xunjian/demo/) is a fictional Shanghai district 城管执法局 site
with planted defects of every kind xunjian detects. The server runs only for
the duration of the audit, on 127.0.0.1 (portal) and 127.0.0.2 (stand-in for
external sites). By default the exit code is 0 even though the demo portal has
findings (they are planted); pass ``--fail-on error`` to see the CI contract.
``--family NAME`` picks the bundled portal family (xunjian/demo/family.py; default ``trs``),
``--clean`` renders it without planted defects (the precision budget: no warning+ finding).
The demo is a first look: its accessibility stage scans a sample per template (``a11y.scope:
sample``, about a minute); ``--a11y-all`` audits every page as a nightly ``xunjian run`` does
(~400 pages: several minutes on 2 cores) and also finds the page-specific plant, a pale photo
credit on one article that no template sample includes (docs/a11y.md).
"""

from __future__ import annotations

import argparse
from datetime import date

from config import CONFIG_DIR, ConfigError
from xunjian import runner
from xunjian.commands.run import add_audit_options

DEMO_PROFILE = CONFIG_DIR / "sites" / "demo.yaml"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="serve the bundled demo portal and audit it",
                       description="Start the demo portal on loopback and run a full audit of it.")
    p.add_argument("--port", type=int, default=0, help="portal port on 127.0.0.1 (default: a free one)")
    p.add_argument("--external-port", type=int, default=0, help="external stand-in port on 127.0.0.2")
    add_family_options(p)
    p.add_argument("--fail-on", choices=runner.FAIL_ON_CHOICES, default="none",
                   help="exit 1 when a finding of this severity or worse exists (default: %(default)s)")
    p.add_argument("--a11y-all", dest="a11y_all", action="store_true",
                   help="audit every page for accessibility like a nightly run (slower; the demo's "
                        "default is the per-template sample, a first look)")
    add_audit_options(p)
    p.set_defaults(func=run)


def add_family_options(p: argparse.ArgumentParser) -> None:
    from xunjian.demo.family import DEFAULT_FAMILY, family_names
    p.add_argument("--family", choices=family_names(), default=DEFAULT_FAMILY,
                   help="bundled portal family to serve (default: %(default)s)")
    p.add_argument("--clean", action="store_true", help="render the portal without planted defects")


def run(args: argparse.Namespace) -> int:
    from xunjian.demo import build_site
    from xunjian.demo.profiles import apply_env, restore_env
    from xunjian.demo.server import serve

    if args.a11y_all and args.a11y_sample:
        raise ConfigError("--a11y-all and --a11y-sample contradict each other; pass one of them")
    today = args.today or date.today()
    site = build_site(today, args.family, clean=args.clean)
    with serve(site, portal_port=args.port, external_port=args.external_port) as server:
        runner.say(f"demo portal ({args.family}{', clean' if args.clean else ''}) serving at "
                   f"{server.portal_base} (external stand-in {server.external_base})")
        profile = site.family.profile(site, {"portal": server.portal_base, "external": server.external_base},
                                      args.clean)
        previous = apply_env(profile.env)
        try:
            result = runner.audit(
                profile.path, db=args.db, out=args.out, today=today, lang=args.lang,
                overrides=profile.overrides or None,
                formats=tuple(args.formats) if args.formats else None, fail_on=args.fail_on,
                gate=args.gate, baseline=args.baseline, progress=not args.quiet, browser=args.browser,
                full=args.full, a11y_sample=not args.a11y_all, workers=args.workers,
            )
        finally:
            restore_env(previous)
    runner.print_summary(result)
    return result.exit_code
