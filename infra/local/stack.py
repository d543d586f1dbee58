"""DynamoDB Local and moto with the app's resources, for tests and benchmarks."""
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from chalice import Chalice

from infra.local.processes import stop_children
from infra.local.services import start_aws_stand_ins


@contextmanager
def running_stack(dynamodb_port: int, moto_port: int, log_dir: Path) -> Iterator[Chalice]:
    """DynamoDB Local in memory and moto, with what app.py needs created; yields that app.

    os.environ must already hold local_environment() for these ports, set before
    anything imports chalicelib."""
    children = start_aws_stand_ins(dynamodb_port, moto_port, log_dir)
    try:
        from app import app
        from infra.local.resources import create_resources
        create_resources(app)
        yield app
    finally:
        stop_children(children)
