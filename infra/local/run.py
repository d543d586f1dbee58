"""`make run`: the API on 127.0.0.1 with DynamoDB Local, moto and the dev pump.

Ports come from PORT (8000), DYNAMODB_PORT (8001) and MOTO_PORT (5001). Ctrl-C
(or SIGTERM/SIGHUP) stops every child; if any child dies, everything stops and
the exit status is 1.
"""
import logging
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from typing import Dict, List

from infra.local.environment import endpoint, local_environment
from infra.local.processes import (Child, ChildFailed, first_exited, start_child,
                                   stop_children, wait_until_answering)
from infra.local.services import ROOT, api_server_argv, start_aws_stand_ins

DATA_DIR = ROOT / ".data"
TABLE_NAME = "invoicing"
STAGE = "local"
POLLERS = 2  # copies of each queue's handler at once, as Lambda's: one uploaded file's chunks run two at a time
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def read_or_create_admin_key(path: Path) -> str:
    """Generated on the first run and kept, so it stays valid across restarts."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def chalice_stage_environment(stage: str) -> Dict[str, str]:
    """The variables .chalice/config.json gives the stage. chalice local applies them
    over its environment; the pump's handlers get them the same way."""
    from chalice.cli.factory import CLIFactory
    return CLIFactory(str(ROOT)).create_config_obj(chalice_stage_name=stage).environment_variables


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("infra.local").setLevel(logging.INFO)
    api_port = int(os.environ.get("PORT", "8000"))
    dynamodb_port = int(os.environ.get("DYNAMODB_PORT", "8001"))
    moto_port = int(os.environ.get("MOTO_PORT", "5001"))
    admin_key = read_or_create_admin_key(DATA_DIR / "admin_key")
    os.environ.update(local_environment(dynamodb_port, moto_port, TABLE_NAME, admin_key))
    os.environ["INVOICING_MAIL_DIR"] = str(DATA_DIR / "mail")  # every email sent, as an .eml file
    os.environ.setdefault("INVOICING_PORTAL_URL", f"http://127.0.0.1:{api_port}")  # the emailed portal links
    os.environ.update(chalice_stage_environment(STAGE))
    for sig in STOP_SIGNALS:
        signal.signal(sig, _interrupt)
    children: List[Child] = []
    pump = None
    try:
        children += start_aws_stand_ins(dynamodb_port, moto_port, DATA_DIR / "logs",
                                        dynamodb_data_dir=DATA_DIR / "dynamodb")
        from app import app  # only now: the app reads its settings at import
        from infra.local.pump import DevPump
        from infra.local.resources import create_resources
        create_resources(app)
        pump = DevPump(app, stage=STAGE, pollers=POLLERS)
        pump.start()
        # Last, so that once the API answers, everything behind it is ready.
        api = start_child("API server", api_server_argv(api_port, STAGE), api_port, cwd=ROOT)
        children.append(api)
        wait_until_answering([api])
        _print_banner(api_port, dynamodb_port, moto_port, admin_key)
        return _supervise(children)
    except ChildFailed as failure:
        print(f"\nlocal stack failed: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        if pump is not None:
            pump.stop(timeout=0)
        stop_children(children)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _supervise(children: List[Child]) -> int:
    while True:
        dead = first_exited(children)
        if dead is not None:
            print(f"\n{dead.name} exited with {dead.process.returncode}; stopping everything\n"
                  f"{dead.log_tail()}", file=sys.stderr)
            return 1
        time.sleep(0.5)


def _print_banner(api_port: int, dynamodb_port: int, moto_port: int, admin_key: str) -> None:
    print(f"""
  Invoicing API    {endpoint(api_port)}/
  Admin key        {admin_key}   (Authorization: Bearer <key>; kept in .data/admin_key)
  DynamoDB Local   {endpoint(dynamodb_port)}   data in .data/dynamodb
  moto (S3/SQS/SES) {endpoint(moto_port)}   nothing kept across restarts
  Logs             .data/logs/        Ctrl-C stops everything
""", flush=True)


if __name__ == "__main__":
    sys.exit(main())
