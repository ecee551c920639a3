"""Random lives of deals, run long: the state machine of `tests/commands/deals/test_deal_lives.py`.

    .venv/bin/python bench/fuzz_deals.py --examples 500 --engine postgres

Each example is one workspace (a transaction rolled back at its end) living up to `--steps`
commands by random people in random locales; after every step every card, list, board, forecast,
Home and nudge is drawn in both languages and checked against Slack's models and a recount.
Exits 1 with the shortest failing life hypothesis found (printed as the steps to replay).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from databases import throwaway
from hypothesis import Phase

from storage.db import Database
from tests.commands.deals.test_deal_lives import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="random lives to play")
    parser.add_argument("--steps", type=int, default=40, help="commands per life, at most")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--no-shrink", action="store_true", help="report the first failing life as found"
    )
    args = parser.parse_args(argv)
    extra: dict[str, object] = {"database": None, "print_blob": True}
    if args.no_shrink:
        extra["phases"] = (Phase.explicit, Phase.generate)
    started = time.perf_counter()
    with throwaway(args.engine) as url:
        db = Database(url)
        db.migrate()
        try:
            run(db, examples=args.examples, steps=args.steps, **extra)
        except AssertionError as error:
            print(f"FAILED after {time.perf_counter() - started:.0f} s: {error}", file=sys.stderr)
            return 1
        finally:
            db.dispose()
    elapsed = time.perf_counter() - started
    print(
        f"{args.engine}: {args.examples} lives of up to {args.steps} steps, nothing found "
        f"({elapsed:.0f} s, {elapsed / max(args.examples, 1):.2f} s a life)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
