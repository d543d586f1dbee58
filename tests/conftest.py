"""Root conftest: points every test at a local stack of its own.

The environment is set at import, before any test module imports chalicelib
(the pynamodb models read the table name at import). Ports are free ones picked
per process, so pytest-xdist workers would each get their own stack.
Unit tests never start the stack; integration, scenario and API tests request
`local_aws` (autouse in tests/integration and tests/scenarios).
"""
import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from infra.local.environment import free_port, local_environment  # noqa: E402

DYNAMODB_PORT = free_port()
MOTO_PORT = free_port()
TEST_ENVIRONMENT = local_environment(DYNAMODB_PORT, MOTO_PORT, table_name="invoicing-test",
                                     admin_key="test-admin-key")
TEST_ENVIRONMENT["INVOICING_MAIL_DIR"] = tempfile.mkdtemp(prefix="invoicing-mail-")
# Nothing a test does may reach the internet: a Xero push goes to a closed local port unless a
# test points it at its own stand-in.
TEST_ENVIRONMENT["INVOICING_XERO_BASE_URL"] = "http://127.0.0.1:9/api.xro/2.0"
TEST_ENVIRONMENT["INVOICING_PORTAL_URL"] = "http://127.0.0.1:8000"  # as make run's
os.environ.update(TEST_ENVIRONMENT)


@pytest.fixture(scope="session")
def local_aws(tmp_path_factory):
    """DynamoDB Local (in memory) and moto, with the app's resources; yields the environment."""
    from infra.local.stack import running_stack

    with running_stack(DYNAMODB_PORT, MOTO_PORT, tmp_path_factory.mktemp("local-aws")):
        yield TEST_ENVIRONMENT
