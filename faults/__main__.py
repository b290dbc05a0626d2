"""Fault runs: start a private stack, break it, check what must survive.

    .venv/bin/python -m faults                 # all three scenarios (make faults)
    .venv/bin/python -m faults redis           # Redis stops during filing
    .venv/bin/python -m faults worker          # the worker is SIGKILLed mid-sweep
    .venv/bin/python -m faults postgres        # PostgreSQL restarts under load
    .venv/bin/python -m faults --keep ...      # keep .data/faults/run-* (logs, mail, data)

Exits non-zero if any requirement fails.
"""

from __future__ import annotations

import argparse
import sys
import time

from .stack import PrivateStack, say

ORDER = ["redis", "worker", "postgres"]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m faults", description=__doc__.split("\n")[0])
    parser.add_argument("scenarios", nargs="*", metavar="{redis,worker,postgres,all}")
    parser.add_argument("--keep", action="store_true", help="keep the run folder")
    parser.add_argument(
        "--stays", type=int, default=20000, help="overdue stays in the worker scenario"
    )
    parser.add_argument(
        "--pg-stop-mode",
        choices=["smart", "fast", "immediate"],
        default="fast",
        help="how the postgres scenario stops PostgreSQL (pg_ctl -m; immediate is a crash)",
    )
    args = parser.parse_args(argv)
    unknown = set(args.scenarios) - {*ORDER, "all"}
    if unknown:
        parser.error(f"unknown scenario: {', '.join(sorted(unknown))}")
    chosen = (
        ORDER
        if not args.scenarios or "all" in args.scenarios
        else [s for s in ORDER if s in args.scenarios]
    )

    stack = PrivateStack(keep=args.keep)
    stack.apply_environment()
    outcomes = []
    try:
        stack.start()
        import django

        django.setup()
        from . import scenarios

        for name in chosen:
            started = time.monotonic()
            kwargs: dict[str, object] = {}
            if name == "worker":
                kwargs["stays"] = args.stays
            if name == "postgres":
                kwargs["mode"] = args.pg_stop_mode
            outcome = scenarios.SCENARIOS[name](stack, **kwargs)
            outcome.figure("scenario seconds", round(time.monotonic() - started, 1))
            outcomes.append(outcome)
    finally:
        stack.stop()

    say("summary")
    for outcome in outcomes:
        failed = [what for what, ok in outcome.checks if not ok]
        say(f"  {outcome.name:<9} {'PASS' if outcome.ok else 'FAIL: ' + '; '.join(failed)}")
    return 0 if outcomes and all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
