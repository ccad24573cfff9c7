"""Administration commands on the service's database (run while the service is stopped or not).

    event-streamer-server keys create (--admin | --subscriber ID) [--db FILE] [--config FILE]
    event-streamer-server secrets rotate [--db FILE] [--config FILE] [--grace SECONDS]

``keys create`` stores a new key's digest and prints the key once (stdout, one line); a running
service picks stored keys up at its next start. ``secrets rotate`` makes a new resume-token
secret current; tokens signed with the old one stay valid for ``--grace`` seconds (a week by
default). A running service uses the new secret after a restart.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence

from ._backend import db_error_text, describe_db, make_storage
from ._principals import KeyConfigError, generate_key
from ._secrets import DEFAULT_GRACE_SECONDS, Keyring
from ._service import Service
from ._settings import load_settings

__all__ = ["run_admin"]


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Manage API keys and token secrets.")
    groups = parser.add_subparsers(dest="group", required=True)
    keys = groups.add_parser("keys", help="API keys").add_subparsers(dest="action", required=True)
    create = keys.add_parser("create", help="create a key, print it once")
    kind = create.add_mutually_exclusive_group(required=True)
    kind.add_argument("--admin", action="store_true", help="a key that manages everything")
    kind.add_argument("--subscriber", metavar="ID", help="a key bound to this subscriber_id")
    secrets = groups.add_parser("secrets", help="resume-token secrets")
    actions = secrets.add_subparsers(dest="action", required=True)
    rotate = actions.add_parser("rotate", help="sign with a new secret from the next start")
    rotate.add_argument(
        "--grace",
        type=float,
        default=DEFAULT_GRACE_SECONDS,
        help="seconds the previous secret stays valid (default one week)",
    )
    for sub in (create, rotate):
        sub.add_argument(
            "--db", help="SQLite file or postgresql:// URL (default: the service's db setting)"
        )
        sub.add_argument("--config", help="TOML settings file")
    return parser


async def _create_key(db: str, subscriber: str | None) -> str:
    key, stored = (
        generate_key("subscriber", subscriber_id=subscriber)
        if subscriber is not None
        else generate_key("admin")
    )
    storage = make_storage(db)
    await storage.open()
    try:
        await storage.insert_api_key(stored)
    finally:
        await storage.close()
    return key


async def _rotate(db: str, grace: float) -> Keyring:
    storage = make_storage(db)
    await storage.open()
    try:
        keyring = await Service.load_keyring(storage)
        keyring = keyring.rotate(now=time.time(), grace=grace)
        await storage.save_keyring_records(keyring.to_records())
        return keyring
    finally:
        await storage.close()


def run_admin(argv: Sequence[str], *, prog: str = "event-streamer-server") -> int:
    """Run ``keys ...`` or ``secrets ...``; the exit code (2 for bad options)."""
    args = _parser(prog).parse_args(list(argv))
    try:
        settings = load_settings(args.config, overrides={"db": args.db})
    except (OSError, ValueError) as err:
        sys.stderr.write(f"{prog}: {err}\n")
        return 2
    try:
        if args.group == "keys":
            key = asyncio.run(_create_key(settings.db, args.subscriber))
            sys.stdout.write(key + "\n")
            sys.stderr.write(
                "store this key now: it is not shown again (the service keeps its digest)\n"
            )
        else:
            if args.grace < 0:
                raise ValueError("--grace must be >= 0 seconds")
            keyring = asyncio.run(_rotate(settings.db, args.grace))
            sys.stderr.write(
                f"new token secret {keyring.current.secret_id}; previous secrets accepted "
                f"{args.grace:g} s more; restart the service to use it\n"
            )
    except (KeyConfigError, ValueError, OSError) as err:
        sys.stderr.write(f"{prog}: {err}\n")
        return 2
    except Exception as err:  # a database error: one line, password masked
        shown = db_error_text(err)
        where = describe_db(settings.db)
        sys.stderr.write(f"{prog}: cannot use the database {where}: {shown}\n")
        return 3
    return 0
