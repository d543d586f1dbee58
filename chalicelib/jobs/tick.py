"""Operator command: run the recurring tick as of a chosen instant (back-fills, time travel).

    python -m chalicelib.jobs.tick --as-of 2026-03-31T09:00:00Z           # fan out through SQS
    python -m chalicelib.jobs.tick --as-of 2026-03-31T09:00:00Z --inline  # and do the work here

It uses the environment's endpoints, so under `make run` it acts on the local stack.
"""
import argparse
from datetime import datetime, timezone


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--as-of", default=None, help="ISO instant; default now")
    parser.add_argument("--inline", action="store_true", help="generate here instead of through the queue")
    args = parser.parse_args()
    as_of = (datetime.fromisoformat(args.as_of.replace("Z", "+00:00")) if args.as_of
             else datetime.now(timezone.utc))
    if args.inline:
        from .recurring import generate_due, run_tick

        jobs = []
        run_tick(as_of, jobs.append)
        made = [i for job in jobs for i in generate_due(job["tenant_id"], job["template_id"], as_of)]
        print(f"{len(jobs)} templates due, {len(made)} invoices generated as of {as_of.isoformat()}")
    else:
        from .dispatch import tick

        print(f"{tick(as_of)} templates due as of {as_of.isoformat()}, sent to the jobs queue")


if __name__ == "__main__":
    main()
