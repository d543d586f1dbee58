"""One IAM role per function, each allowed only what its code does, on the stack's exact ARNs.

Chalice is told not to make roles (`manage_iam_role: false`); each packaged function gets the role
built here. Transactions need no actions of their own: IAM checks each item of a
TransactWriteItems/TransactGetItems against PutItem, UpdateItem, DeleteItem, ConditionCheckItem
and GetItem. Logs go only to the function's own log group (stacks/chalice_wiring.py).
"""
from dataclasses import dataclass
from typing import Dict, List

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from aws_cdk import CfnResource

TABLE_READ = ["dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"]
TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
               "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"]
QUEUE_SEND = ["sqs:SendMessage", "sqs:GetQueueUrl"]
QUEUE_CONSUME = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                 "sqs:GetQueueAttributes"]
MAIL_SEND = ["ses:SendEmail", "ses:SendRawEmail"]


@dataclass
class Resources:
    table: dynamodb.Table
    documents: s3.Bucket
    uploads: s3.Bucket
    jobs: sqs.Queue
    issues: sqs.Queue  # FIFO: jobs that take numbers, a message group per tenant
    exports: sqs.Queue
    uploads_queue: sqs.Queue
    delivery_events: sqs.Queue
    admin_key: secretsmanager.Secret
    mail_arns: List[str]  # the SES identity and configuration set
    failed_events: Dict[str, sqs.Queue]  # dead-letter queue per scheduled function


def policies(r: Resources) -> Dict[str, List[iam.PolicyStatement]]:
    """Statements per packaged function (logical id in the SAM template), besides its log group."""
    table = [r.table.table_arn, f"{r.table.table_arn}/index/*"]
    documents = r.documents.arn_for_objects("*")
    return {
        "APIHandler": [
            _allow(TABLE_READ + TABLE_WRITE, *table),
            _allow(["s3:GetObject", "s3:PutObject"], documents),
            _allow(["s3:ListBucket"], r.documents.bucket_arn),  # a missing key is a 404, not a 403
            _allow(["s3:PutObject"], r.uploads.arn_for_objects("tenants/*")),  # presigned upload forms
            _allow(QUEUE_SEND, r.jobs.queue_arn, r.exports.queue_arn),
            _allow(MAIL_SEND, *r.mail_arns),
        ],
        "ApiKeyAuthorizer": [
            _allow(["dynamodb:GetItem"], r.table.table_arn),
            _allow(["secretsmanager:GetSecretValue"], r.admin_key.secret_arn),
        ],
        "RecurringTick": [
            _allow(["dynamodb:Query"], f"{r.table.table_arn}/index/GSI3", f"{r.table.table_arn}/index/GSI5"),
            _allow(["dynamodb:BatchGetItem"], r.table.table_arn),  # tenants' time zones
            _allow(QUEUE_SEND, r.jobs.queue_arn, r.issues.queue_arn),
        ],
        "IssueJobs": [  # recurring occurrences: generate, issue, email with the PDF
            _allow(TABLE_READ + TABLE_WRITE, *table),
            _allow(["s3:GetObject", "s3:PutObject"], documents),
            _allow(["s3:ListBucket"], r.documents.bucket_arn),
            _allow(QUEUE_CONSUME, r.issues.queue_arn),
            _allow(MAIL_SEND, *r.mail_arns),
        ],
        "Jobs": [
            _allow(TABLE_READ + TABLE_WRITE, *table),
            _allow(["s3:GetObject", "s3:PutObject"], documents),
            _allow(["s3:ListBucket"], r.documents.bucket_arn),
            _allow(QUEUE_SEND, r.jobs.queue_arn),
            _allow(QUEUE_CONSUME, r.jobs.queue_arn),
            _allow(MAIL_SEND, *r.mail_arns),
        ],
        "ExportsQueue": [  # exports, and Xero pushes (DeleteItem: the push's token once used)
            _allow(TABLE_READ + ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                                 "dynamodb:ConditionCheckItem"], *table),
            _allow(["s3:PutObject", "s3:AbortMultipartUpload"], r.documents.arn_for_objects("exports/*")),
            _allow(QUEUE_CONSUME, r.exports.queue_arn),
        ],
        "DeliveryEvents": [  # bounces and complaints recorded on documents
            _allow(["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"], r.table.table_arn),
            _allow(QUEUE_CONSUME, r.delivery_events.queue_arn),
        ],
        "UploadsQueue": [
            _allow(TABLE_READ + TABLE_WRITE, *table),
            _allow(["s3:GetObject"], r.uploads.arn_for_objects("tenants/*")),
            _allow(["s3:ListBucket"], r.uploads.bucket_arn),
            _allow(["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
                   r.documents.arn_for_objects("imports/*")),
            _allow(QUEUE_SEND + QUEUE_CONSUME, r.uploads_queue.queue_arn),
        ],
    }


def make_roles(stack: Stack, prefix: str, functions: Dict[str, CfnResource],
               log_groups: Dict[str, logs.LogGroup], r: Resources) -> Dict[str, iam.Role]:
    """A role per packaged function, set on it; fails if a function has no policy here."""
    statements = policies(r)
    missing = sorted(set(functions) - set(statements))
    if missing:
        raise ValueError(f"no IAM policy for the functions {missing}: add them to stacks/permissions.py")
    roles = {}
    for name, function in functions.items():
        role = iam.Role(stack, f"{name}Role", role_name=f"{prefix}-{name}"[:64],
                        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        dlq = r.failed_events.get(name)
        policy = iam.Policy(stack, f"{name}Policy", statements=[
            _allow(["logs:CreateLogStream", "logs:PutLogEvents"], log_groups[name].log_group_arn),
            *statements[name],
            *([_allow(["sqs:SendMessage"], dlq.queue_arn)] if dlq else []),
        ])
        policy.attach_to_role(role)
        function.add_property_override("Role", role.role_arn)
        # The role must carry its policy before Lambda polls a queue or runs the function.
        function.add_resource_dependency(policy.node.default_child)
        roles[name] = role
    return roles


def _allow(actions: List[str], *resources: str) -> iam.PolicyStatement:
    return iam.PolicyStatement(actions=actions, resources=list(resources))
