"""A throwaway local stack for a benchmark: DynamoDB Local in memory and moto on free ports.

Import this before anything from chalicelib: it sets the environment the
models read at import.
"""
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.environment import free_port, local_environment  # noqa: E402

_DYNAMODB_PORT, _MOTO_PORT = free_port(), free_port()
os.environ.update(local_environment(_DYNAMODB_PORT, _MOTO_PORT, table_name="invoicing-bench",
                                    admin_key="bench-admin-key"))
# Figures, not request logs, on the console.
os.environ.update(POWERTOOLS_METRICS_DISABLED="true", POWERTOOLS_LOG_LEVEL="WARNING", LOG_LEVEL="WARNING")


@contextmanager
def local_stack():
    from infra.local.stack import running_stack

    with running_stack(_DYNAMODB_PORT, _MOTO_PORT, Path(tempfile.mkdtemp(prefix="bench-"))):
        yield
