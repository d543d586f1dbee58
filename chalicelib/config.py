"""Settings read from the environment. Nothing here creates an AWS client."""
import os
from typing import Optional

DEFAULT_TABLE = "invoicing"


def table_name() -> str:
    return os.environ.get("INVOICING_TABLE", DEFAULT_TABLE)


def region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-2"


def admin_key() -> str:
    """The key that manages tenants, given directly (local run, tests); empty if not."""
    return os.environ.get("INVOICING_ADMIN_KEY", "")


def admin_key_secret() -> str:
    """The Secrets Manager secret holding the admin key (AWS: the authorizer's only)."""
    return os.environ.get("INVOICING_ADMIN_KEY_SECRET", "")


def documents_bucket() -> str:
    return os.environ.get("INVOICING_DOCUMENTS_BUCKET", "invoicing-documents")


def uploads_bucket() -> str:
    return os.environ.get("INVOICING_UPLOADS_BUCKET", "invoicing-uploads")


def max_body_bytes() -> int:
    return int(os.environ.get("INVOICING_MAX_BODY_BYTES", str(1024 * 1024)))


def idempotency_ttl_seconds() -> int:
    return int(os.environ.get("INVOICING_IDEMPOTENCY_TTL_SECONDS", str(24 * 3600)))


# The queue's name is fixed: Chalice reads it when app.py is imported, also at deploy.
JOBS_QUEUE = "invoicing-jobs"


def jobs_queue() -> str:
    """The SQS queue the scheduled tick fans work out through."""
    return os.environ.get("INVOICING_JOBS_QUEUE", JOBS_QUEUE)


# Jobs that take numbers of a tenant's series (recurring occurrences that issue) go through a FIFO
# queue with the tenant as message group: one tenant's run one at a time, tenants in parallel
# (jobs/dispatch.py; measured in bench/README.md, month-start burst).
ISSUES_QUEUE = "invoicing-issues.fifo"


def issues_queue() -> str:
    return os.environ.get("INVOICING_ISSUES_QUEUE", ISSUES_QUEUE)


# Long jobs (exports) have their own queue and worker, sized for them (infra/stacks/queues.py).
EXPORTS_QUEUE = "invoicing-exports"


def exports_queue() -> str:
    return os.environ.get("INVOICING_EXPORTS_QUEUE", EXPORTS_QUEUE)


# SES's bounces and complaints, from the configuration set's SNS topic (jobs/delivery_events.py).
DELIVERY_EVENTS_QUEUE = "invoicing-delivery-events"


# Receives the uploads bucket's S3 events, and the chunks of large files (jobs/imports.py).
UPLOADS_QUEUE = "invoicing-uploads"


def uploads_queue() -> str:
    return os.environ.get("INVOICING_UPLOADS_QUEUE", UPLOADS_QUEUE)


# Deliveries of a message before SQS moves it to its dead-letter queue: the CDK stack sets it on
# both queues, and the jobs worker records a job's failure on the last one.
MAX_RECEIVE_COUNT = 5


def mail_from() -> str:
    """The address documents are emailed from (verified in SES); replies go to the tenant."""
    return os.environ.get("INVOICING_MAIL_FROM", "invoices@invoicing.example")


def mail_configuration_set() -> str:
    """The SES configuration set every email is sent with (AWS); empty locally."""
    return os.environ.get("INVOICING_MAIL_CONFIGURATION_SET", "")


def mail_dir() -> str:
    """Where a local run also keeps each sent email as an .eml file; empty in AWS."""
    return os.environ.get("INVOICING_MAIL_DIR", "")


def xero_base_url() -> str:
    """Xero's Accounting API; a local or test server stands in for it when set."""
    return os.environ.get("INVOICING_XERO_BASE_URL", "https://api.xero.com/api.xro/2.0")


def portal_base_url() -> Optional[str]:
    """Where the API answers (API Gateway's URL, or the custom domain): the emailed portal links
    start with it. Locally `make run`'s server. Unset, emails carry no portal link (a link to a
    guessed address would be worse than none)."""
    return os.environ.get("INVOICING_PORTAL_URL") or None
