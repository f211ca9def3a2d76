"""``xunjian worker --redis redis://HOST:PORT``: a crawl worker of distributed runs.

Joins every run that ``xunjian run ... --redis URL`` publishes on that Redis and crawls its share
of the shared frontier (crawler/worker.py); never writes the SQLite store. ``--once``: return
after one run. Deployment: docs/deployment.md.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="crawl worker of distributed runs (Redis)",
                       description="Join the distributed runs published on a Redis server and crawl.")
    p.add_argument("--redis", required=True, metavar="URL", help="redis://HOST:PORT[/DB]")
    p.add_argument("--once", action="store_true", help="exit after one run")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import redis

    from crawler.worker import serve
    try:
        return serve(args.redis, once=args.once)
    except redis.RedisError as exc:
        print(f"xunjian: error: Redis at {args.redis} cannot be used ({exc}); "
              "start redis-server or fix --redis", file=sys.stderr, flush=True)
        return 2
