"""CDK entry point. Run `cdk synth` / `cdk deploy` from infra/ (see README.md).

Context (cdk.json or -c): mail_from (required: the address documents are emailed
from; the stack creates its domain's SES identity), stage (default "prod": the
stack is "invoicing-<stage>", every name starts with "invoicing-<stage>"),
region (eu-west-2), alarm_email, api_rate and api_burst (stage throttling), portal_url
(where the API answers for customers, e.g. https://invoices.example.com/api: the emailed portal
links start with it; without it emails carry no portal link).
"""
import os
import re
import shutil
import sys
from pathlib import Path

# Chalice takes the Lambda runtime (and the wheels it packages) from the
# interpreter that runs the synth.
LAMBDA_PYTHON = (3, 13)
if sys.version_info[:2] != LAMBDA_PYTHON:
    sys.exit("Synthesize with Python %d.%d: it becomes the Lambda runtime." % LAMBDA_PYTHON)

REPO_ROOT = Path(__file__).resolve().parent.parent
# First on the path: chalicelib/ defines the table, and `chalice package` runs
# `import app`, which must find the Chalice app, not this file.
sys.path.insert(0, str(REPO_ROOT))

import aws_cdk as cdk  # noqa: E402

from stacks.invoicing_stack import InvoicingStack  # noqa: E402

# The Chalice construct leaves a copy of its packages here on every synth; the
# assets that matter are copied into cdk.out.
shutil.rmtree(Path.cwd() / "chalice.out", ignore_errors=True)

app = cdk.App()
stage = app.node.try_get_context("stage") or "prod"
# Stages name buckets: lowercase, and short enough for "invoicing-<stage>-access-logs-<account>-<region>"
# to stay within S3's 63 characters in every region.
if not re.fullmatch(r"[a-z][a-z0-9-]{0,11}", stage):
    sys.exit(f"stage {stage!r}: 1-12 lowercase letters, digits or '-', starting with a letter")
region = app.node.try_get_context("region") or "eu-west-2"
# `chalice package` creates a boto3 client while packaging; it needs a region.
os.environ.setdefault("AWS_DEFAULT_REGION", region)

mail_from = app.node.try_get_context("mail_from") or ""
if "@" not in mail_from:
    sys.exit("Give the address documents are emailed from: -c mail_from=invoices@<your domain> "
             "(the stack creates that domain's SES identity).")

InvoicingStack(
    app, stage,
    stack_name=f"invoicing-{stage}",
    env=cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=region),
    source_dir=str(REPO_ROOT),
    mail_from=mail_from,
    portal_url=app.node.try_get_context("portal_url") or "",
    alarm_email=app.node.try_get_context("alarm_email") or "",
    api_rate=int(app.node.try_get_context("api_rate") or 50),
    api_burst=int(app.node.try_get_context("api_burst") or 100),
)
app.synth()
