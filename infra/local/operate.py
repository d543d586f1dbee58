"""`make tick` and `make repair-recurring`: an operator's command, pointed at the stack `make run` runs.

    python -m infra.local.operate MODULE [ARGS...]

Runs MODULE (chalicelib.jobs.tick, chalicelib.jobs.repair_recurring) as a script with the local
run's environment (same ports and table), so a back-fill, a trip through time or a repair acts on
the local data. In AWS the same modules run with the stack's table and credentials.
"""
import os
import runpy
import sys

from infra.local.environment import local_environment
from infra.local.run import DATA_DIR, TABLE_NAME, read_or_create_admin_key


def main() -> None:
    dynamodb_port = int(os.environ.get("DYNAMODB_PORT", "8001"))
    moto_port = int(os.environ.get("MOTO_PORT", "5001"))
    os.environ.update(local_environment(dynamodb_port, moto_port, TABLE_NAME,
                                        read_or_create_admin_key(DATA_DIR / "admin_key")))
    module, sys.argv = sys.argv[1], sys.argv[1:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
