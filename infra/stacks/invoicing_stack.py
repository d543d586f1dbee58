"""AWS resources of the invoicing service and the Chalice app wired to them.

Physical names are fixed: `.chalice/policy-<stage>.json` grants access by name,
and `app.py` names its queues in `@app.on_sqs_message(queue=...)`. One stage per
account and region.
"""
from aws_cdk import CfnOutput, Duration, RemovalPolicy, SecretValue, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.config import MAX_RECEIVE_COUNT
from chalicelib.store import table as table_def

from .alarms import add_alarms
from .chalice_wiring import (
    add_gateway_responses,
    add_log_groups,
    api_stage,
    read_sam_template,
    wire_sqs_event_sources,
)

APP_NAME = "invoicing"
TABLE_NAME = "invoicing"
UPLOADS_QUEUE = "invoicing-uploads"
JOBS_QUEUE = "invoicing-jobs"
# Lambda needs visibility >= function timeout; AWS advises 6x (300 s workers).
QUEUE_VISIBILITY = Duration.minutes(30)
EXPORTS_PREFIX = "exports/"
EXPORTS_EXPIRE_DAYS = 30


class InvoicingStack(Stack):
    """The stack's construct id is the Chalice stage (Chalice reads scope.to_string())."""

    def __init__(self, scope: Construct, stage: str, *, source_dir: str,
                 alarm_email: str = "", admin_key_version: str = "", mail_from: str = "", **kwargs) -> None:
        super().__init__(scope, stage, **kwargs)
        self.table = self._table()
        self.documents = self._bucket("Documents", "documents", lifecycle_rules=[
            s3.LifecycleRule(id="ExpireExports", prefix=EXPORTS_PREFIX,
                             expiration=Duration.days(EXPORTS_EXPIRE_DAYS)),
        ])
        self.uploads = self._bucket("Uploads", "uploads")
        self.uploads_queue, uploads_dlq = self._queue("Uploads", UPLOADS_QUEUE)
        self.jobs_queue, jobs_dlq = self._queue("Jobs", JOBS_QUEUE)
        # Uploads live under tenants/<tenant>/ (chalicelib/services/uploads.py); nothing else is announced.
        self.uploads.add_event_notification(
            s3.EventType.OBJECT_CREATED, s3n.SqsDestination(self.uploads_queue),
            s3.NotificationKeyFilter(prefix="tenants/"))
        self.admin_key = secretsmanager.Secret(
            self, "AdminKey", secret_name=f"{APP_NAME}/{stage}/admin-key",
            description="Bearer key that manages tenants and their API keys",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True),
        )

        self.chalice = Chalice(self, "App", source_dir=source_dir, stage_config={
            "environment_variables": {
                "INVOICING_TABLE": self.table.table_name,
                "INVOICING_DOCUMENTS_BUCKET": self.documents.bucket_name,
                "INVOICING_UPLOADS_BUCKET": self.uploads.bucket_name,
                "INVOICING_UPLOADS_QUEUE": UPLOADS_QUEUE,
                "INVOICING_JOBS_QUEUE": JOBS_QUEUE,
                "INVOICING_ADMIN_KEY": self._admin_key_reference(admin_key_version),
                # Verify this address (or its domain) in SES before sending.
                **({"INVOICING_MAIL_FROM": mail_from} if mail_from else {}),
            },
        })
        sam = read_sam_template(self.chalice)
        functions = add_log_groups(self, self.chalice, sam, f"/aws/lambda/{APP_NAME}-{stage}-")
        wire_sqs_event_sources(self.chalice, sam, {
            UPLOADS_QUEUE: self.uploads_queue, JOBS_QUEUE: self.jobs_queue,
        }, visibility_seconds=int(QUEUE_VISIBILITY.to_seconds()))
        has_api = add_gateway_responses(self.chalice, sam, api_name=APP_NAME)
        add_alarms(self, stage=stage, email=alarm_email, dlqs=[uploads_dlq, jobs_dlq],
                   functions=functions, api_name=APP_NAME if has_api else None,
                   api_stage=api_stage(sam))
        self._outputs()

    def _table(self) -> dynamodb.Table:
        # Built from the same definition the local stack and the tests use.
        request = table_def.create_table_request(TABLE_NAME)
        if request["BillingMode"] != "PAY_PER_REQUEST":
            raise ValueError("chalicelib/store/table.py: expected on-demand billing")
        types = {a["AttributeName"]: a["AttributeType"] for a in request["AttributeDefinitions"]}
        table = dynamodb.Table(
            self, "Table", table_name=TABLE_NAME, **_keys(request["KeySchema"], types),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            time_to_live_attribute=table_def.TTL_ATTRIBUTE,
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in request["GlobalSecondaryIndexes"]:
            if index["Projection"]["ProjectionType"] != "ALL":
                raise ValueError(f"{index['IndexName']}: only ALL projections are mapped")
            table.add_global_secondary_index(index_name=index["IndexName"],
                                             **_keys(index["KeySchema"], types))
        return table

    def _bucket(self, construct_id: str, purpose: str, lifecycle_rules=()) -> s3.Bucket:
        return s3.Bucket(
            self, construct_id,
            bucket_name=f"{APP_NAME}-{purpose}-{self.account}-{self.region}",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                s3.LifecycleRule(id="AbortIncompleteUploads",
                                 abort_incomplete_multipart_upload_after=Duration.days(7)),
                *lifecycle_rules,
            ],
        )

    def _queue(self, construct_id: str, name: str):
        dlq = sqs.Queue(
            self, f"{construct_id}Dlq", queue_name=f"{name}-dlq",
            retention_period=Duration.days(14),
            encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
        )
        queue = sqs.Queue(
            self, f"{construct_id}Queue", queue_name=name,
            visibility_timeout=QUEUE_VISIBILITY,
            retention_period=Duration.days(4),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT),
            encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
        )
        return queue, dlq

    def _admin_key_reference(self, version_id: str) -> str:
        # A CloudFormation dynamic reference, resolved at deploy time into the
        # function's environment; the key is never in the template or the repo.
        # CloudFormation re-resolves it only when the template changes: after
        # rotating, deploy with `-c admin_key_version=<VersionId>`.
        if version_id:
            value = SecretValue.secrets_manager(self.admin_key.secret_arn, version_id=version_id)
        else:
            value = self.admin_key.secret_value
        return value.unsafe_unwrap()

    def _outputs(self) -> None:
        CfnOutput(self, "TableName", value=self.table.table_name)
        CfnOutput(self, "DocumentsBucketName", value=self.documents.bucket_name)
        CfnOutput(self, "UploadsBucketName", value=self.uploads.bucket_name)
        CfnOutput(self, "UploadsQueueUrl", value=self.uploads_queue.queue_url)
        CfnOutput(self, "JobsQueueUrl", value=self.jobs_queue.queue_url)
        CfnOutput(self, "AdminKeySecretArn", value=self.admin_key.secret_arn)


_TYPES = {"S": "STRING", "N": "NUMBER", "B": "BINARY"}


def _keys(schema: list, types: dict) -> dict:
    """CreateTable's KeySchema as the CDK's partition_key/sort_key arguments."""
    by_role = {k["KeyType"]: dynamodb.Attribute(
        name=k["AttributeName"], type=dynamodb.AttributeType(_TYPES[types[k["AttributeName"]]]))
        for k in schema}
    return {"partition_key": by_role["HASH"], "sort_key": by_role.get("RANGE")}
