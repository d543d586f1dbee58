"""AWS resources of the invoicing service and the Chalice app wired to them.

Every physical name starts with `invoicing-<stage>`, so stages deploy side by side in one
account. The app's handlers name their queues by Chalice's fixed names (`invoicing-jobs`, ...);
the stack maps each to its own stage's queue and hands the real names in the environment.
"""
from aws_cdk import CfnOutput, Duration, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib import config

from . import storage
from .alarms import add_alarms
from .chalice_wiring import (add_log_groups, api_stage, configure_api, functions_of, queue_readers,
                             read_sam_template, sam_functions, wire_sqs_event_sources)
from .compiled_chalice import CompiledChalice
from .mail import Mail
from .permissions import Resources, make_roles
from .queues import make_queue

APP_NAME = "invoicing"
# Chalice needs some role ARN when it does not make roles; every function's Role is then
# replaced by its own (stacks/permissions.py), and the stack's checks fail if one is not.
PLACEHOLDER_ROLE = "arn:aws:iam::000000000000:role/replaced-by-the-stack"
# Copies of each queue reader Lambda runs at once. IssueJobs (the FIFO issues queue, a message
# group per tenant): one copy works one tenant at a time, so the cap is how many tenants issue at
# once: ISSUE_CONCURRENCY (bench/README.md, month-start burst). Jobs (PDFs, overdue, emails): 2;
# exports: 2 long jobs at a time; uploads: 5, not measured; delivery events: 2, a trickle.
ISSUE_CONCURRENCY = 10
MAX_CONCURRENCY = {"IssueJobs": ISSUE_CONCURRENCY, "Jobs": 2, "ExportsQueue": 2, "UploadsQueue": 5,
                   "DeliveryEvents": 2}
API_GATEWAY_TIMEOUT = 29  # seconds: API Gateway's integration limit


class InvoicingStack(Stack):
    """The stack's construct id is the Chalice stage (Chalice reads scope.to_string())."""

    def __init__(self, scope: Construct, stage: str, *, source_dir: str, mail_from: str, portal_url: str = "",
                 alarm_email: str = "", api_rate: int = 50, api_burst: int = 100, **kwargs) -> None:
        super().__init__(scope, stage, **kwargs)
        prefix = f"{APP_NAME}-{stage}"
        suffix = f"{self.account}-{self.region}"
        self.table = storage.make_table(self, prefix)
        logs_bucket = storage.access_logs_bucket(self, f"{prefix}-access-logs-{suffix}")
        self.documents = storage.documents_bucket(self, f"{prefix}-documents-{suffix}", logs_bucket)
        self.uploads = storage.uploads_bucket(self, f"{prefix}-uploads-{suffix}", logs_bucket)
        storage.backup_plan(self, prefix, self.table)
        self.admin_key = secretsmanager.Secret(
            self, "AdminKey", secret_name=f"{APP_NAME}/{stage}/admin-key",
            description="Bearer key that manages tenants and their API keys",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=48, exclude_punctuation=True),
        )
        self.mail = Mail(self, prefix, mail_from)
        queue_names = {config.JOBS_QUEUE: f"{prefix}-jobs", config.ISSUES_QUEUE: f"{prefix}-issues.fifo",
                       config.EXPORTS_QUEUE: f"{prefix}-exports",
                       config.UPLOADS_QUEUE: f"{prefix}-uploads",
                       config.DELIVERY_EVENTS_QUEUE: f"{prefix}-delivery-events"}

        self.chalice = CompiledChalice(self, "App", source_dir=source_dir, stage_config={
            "manage_iam_role": False,
            "iam_role_arn": PLACEHOLDER_ROLE,
            "environment_variables": {
                "INVOICING_TABLE": self.table.table_name,
                "INVOICING_DOCUMENTS_BUCKET": self.documents.bucket_name,
                "INVOICING_UPLOADS_BUCKET": self.uploads.bucket_name,
                "INVOICING_UPLOADS_QUEUE": queue_names[config.UPLOADS_QUEUE],
                "INVOICING_JOBS_QUEUE": queue_names[config.JOBS_QUEUE],
                "INVOICING_ISSUES_QUEUE": queue_names[config.ISSUES_QUEUE],
                "INVOICING_EXPORTS_QUEUE": queue_names[config.EXPORTS_QUEUE],
                "INVOICING_MAIL_FROM": mail_from,
                **({"INVOICING_PORTAL_URL": portal_url} if portal_url else {}),
                "INVOICING_MAIL_CONFIGURATION_SET": self.mail.configuration_set.configuration_set_name,
            },
        })
        sam = read_sam_template(self.chalice)
        _check_api_timeout(sam)
        self.chalice.add_environment_variable("INVOICING_ADMIN_KEY_SECRET", self.admin_key.secret_arn,
                                              "ApiKeyAuthorizer")
        queues, dlqs = self._queues(sam, queue_names)
        failed_events = self._scheduled_dlqs(sam, prefix)
        dlqs += failed_events.values()
        functions = functions_of(self.chalice, sam)
        log_groups = add_log_groups(self, self.chalice, sam, f"/aws/lambda/{prefix}-")
        wire_sqs_event_sources(self.chalice, sam, queues, MAX_CONCURRENCY)
        make_roles(self, prefix, functions, log_groups, Resources(
            table=self.table, documents=self.documents, uploads=self.uploads,
            jobs=queues[config.JOBS_QUEUE], issues=queues[config.ISSUES_QUEUE], exports=queues[config.EXPORTS_QUEUE],
            uploads_queue=queues[config.UPLOADS_QUEUE], delivery_events=queues[config.DELIVERY_EVENTS_QUEUE],
            admin_key=self.admin_key,
            mail_arns=self.mail.arns, failed_events=failed_events))
        self.mail.events.add_subscription(subscriptions.SqsSubscription(
            queues[config.DELIVERY_EVENTS_QUEUE], raw_message_delivery=True))
        # Uploads live under tenants/<tenant>/ (chalicelib/services/uploads.py); nothing else is announced.
        self.uploads.add_event_notification(
            s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queues[config.UPLOADS_QUEUE]),
            s3.NotificationKeyFilter(prefix="tenants/"))
        has_api = configure_api(self, self.chalice, sam, api_name=prefix, log_prefix=f"/aws/apigateway/{prefix}-",
                                rate_per_second=api_rate, burst=api_burst)
        if has_api:
            self._api_gateway_logging_role()
        add_alarms(self, prefix=prefix, email=alarm_email, dlqs=dlqs, functions=functions,
                   api_name=prefix if has_api else None, api_stage=api_stage(sam),
                   thresholds=self.mail.reputation_alarms())
        self._outputs(queues)

    def _queues(self, sam: dict, names: dict):
        """A queue per queue the app reads, its visibility timeout derived from its reader's timeout."""
        timeouts = {name: props["Timeout"] for name, props in sam_functions(sam).items()}
        queues, dlqs = {}, []
        for chalice_name, reader in sorted(queue_readers(sam).items()):
            queue, dlq = make_queue(self, reader, names[chalice_name], timeouts[reader])
            queues[chalice_name] = queue
            dlqs.append(dlq)
        return queues, dlqs

    def _scheduled_dlqs(self, sam: dict, prefix: str) -> dict:
        """Scheduled functions are invoked asynchronously: an event that fails its two retries
        lands in a dead-letter queue (and raises the DLQ alarm) instead of vanishing."""
        dlqs = {}
        for name, props in sam_functions(sam).items():
            if any(e["Type"] == "Schedule" for e in props.get("Events", {}).values()):
                dlq = sqs.Queue(self, f"{name}Dlq", queue_name=f"{prefix}-{_kebab(name)}-dlq",
                                retention_period=Duration.days(14),
                                encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True)
                self.chalice.get_resource(name).add_property_override(
                    "DeadLetterQueue", {"Type": "SQS", "TargetArn": dlq.queue_arn})
                dlqs[name] = dlq
        return dlqs

    def _api_gateway_logging_role(self) -> None:
        """API Gateway writes access logs through one role per account and region."""
        role = iam.Role(self, "ApiGatewayLogsRole", assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
                        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name(
                            "service-role/AmazonAPIGatewayPushToCloudWatchLogs")])
        account = apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
        self.chalice.get_resource("RestAPI").add_resource_dependency(account)

    def _outputs(self, queues: dict) -> None:
        CfnOutput(self, "TableName", value=self.table.table_name)
        CfnOutput(self, "DocumentsBucketName", value=self.documents.bucket_name)
        CfnOutput(self, "UploadsBucketName", value=self.uploads.bucket_name)
        for name, queue in queues.items():
            CfnOutput(self, f"{queue.node.id}Url", value=queue.queue_url)
        CfnOutput(self, "AdminKeySecretArn", value=self.admin_key.secret_arn)
        CfnOutput(self, "MailEventsTopicArn", value=self.mail.events.topic_arn)


def _kebab(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def _check_api_timeout(sam: dict) -> None:
    timeout = sam_functions(sam).get("APIHandler", {}).get("Timeout", 0)
    if timeout >= API_GATEWAY_TIMEOUT:
        raise ValueError(f"APIHandler's timeout ({timeout} s) must be below API Gateway's {API_GATEWAY_TIMEOUT} s")
