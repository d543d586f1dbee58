"""`make tick AS_OF=...`: the operator's tick, pointed at the stack `make run` is running.

Runs chalicelib.jobs.tick with the local run's environment (same ports and table),
so a back-fill or a trip through time acts on the local data.
"""
import os
import sys

from infra.local.environment import local_environment
from infra.local.run import DATA_DIR, TABLE_NAME, read_or_create_admin_key


def main() -> None:
    dynamodb_port = int(os.environ.get("DYNAMODB_PORT", "8001"))
    moto_port = int(os.environ.get("MOTO_PORT", "5001"))
    os.environ.update(local_environment(dynamodb_port, moto_port, TABLE_NAME,
                                        read_or_create_admin_key(DATA_DIR / "admin_key")))
    from chalicelib.jobs import tick

    tick.main()


if __name__ == "__main__":
    sys.exit(main())
