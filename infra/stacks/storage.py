"""The table, the buckets and the backup plan, with the retention rules documented in infra/README.md."""
from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_backup as backup
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_s3 as s3

from chalicelib.store import table as table_def

# UK businesses keep VAT records six years (HMRC VAT Notice 700/21); PITR covers only 35 days.
BACKUP_RETENTION = Duration.days(7 * 366)  # six years and the year being kept, with leap days
BACKUP_COLD_AFTER = Duration.days(90)
# Documents bucket: objects replaced or deleted stay recoverable this long.
OLD_VERSIONS_KEPT = Duration.days(90)
EXPORTS_KEPT = Duration.days(30)   # exports/: files handed out as short-lived links
IMPORTS_KEPT = Duration.days(90)   # imports/: converted rows, report parts and reports of uploads
UPLOADS_KEPT = Duration.days(30)   # the uploads bucket: every object is an upload, read within minutes
INCOMPLETE_UPLOADS_KEPT = Duration.days(7)

_TYPES = {"S": "STRING", "N": "NUMBER", "B": "BINARY"}


def make_table(stack: Stack, name: str) -> dynamodb.Table:
    """Built from the definition the local stack and the tests use (chalicelib/store/table.py)."""
    request = table_def.create_table_request(name)
    if request["BillingMode"] != "PAY_PER_REQUEST":
        raise ValueError("chalicelib/store/table.py: expected on-demand billing")
    types = {a["AttributeName"]: a["AttributeType"] for a in request["AttributeDefinitions"]}
    table = dynamodb.Table(
        stack, "Table", table_name=name, **_keys(request["KeySchema"], types),
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
        table.add_global_secondary_index(index_name=index["IndexName"], **_keys(index["KeySchema"], types))
    return table


def _keys(schema: list, types: dict) -> dict:
    """CreateTable's KeySchema as the CDK's partition_key/sort_key arguments."""
    by_role = {k["KeyType"]: dynamodb.Attribute(
        name=k["AttributeName"], type=dynamodb.AttributeType(_TYPES[types[k["AttributeName"]]]))
        for k in schema}
    return {"partition_key": by_role["HASH"], "sort_key": by_role.get("RANGE")}


def documents_bucket(stack: Stack, name: str, access_logs: s3.IBucket) -> s3.Bucket:
    """PDFs, exports, import reports: versioned, so an overwrite or a delete can be undone."""
    return _bucket(stack, "Documents", name, access_logs, versioned=True, rules=[
        s3.LifecycleRule(id="ExpireOldVersions", noncurrent_version_expiration=OLD_VERSIONS_KEPT),
        s3.LifecycleRule(id="ExpireExports", prefix="exports/", expiration=EXPORTS_KEPT),
        s3.LifecycleRule(id="ExpireImportWork", prefix="imports/", expiration=IMPORTS_KEPT),
    ])


def uploads_bucket(stack: Stack, name: str, access_logs: s3.IBucket) -> s3.Bucket:
    return _bucket(stack, "Uploads", name, access_logs, versioned=False, rules=[
        s3.LifecycleRule(id="ExpireProcessedUploads", expiration=UPLOADS_KEPT),
    ])


def access_logs_bucket(stack: Stack, name: str) -> s3.Bucket:
    """Server access logs of the two data buckets (S3 log delivery writes them)."""
    return s3.Bucket(
        stack, "AccessLogs", bucket_name=name,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL, encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True, object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned=True, removal_policy=RemovalPolicy.RETAIN,
        lifecycle_rules=[s3.LifecycleRule(id="ExpireLogs", expiration=Duration.days(365),
                                          noncurrent_version_expiration=Duration.days(30))],
    )


def _bucket(stack: Stack, construct_id: str, name: str, access_logs: s3.IBucket, versioned: bool,
            rules: list) -> s3.Bucket:
    return s3.Bucket(
        stack, construct_id, bucket_name=name,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        versioned=versioned,
        server_access_logs_bucket=access_logs, server_access_logs_prefix=f"{construct_id.lower()}/",
        removal_policy=RemovalPolicy.RETAIN,
        lifecycle_rules=[
            s3.LifecycleRule(id="AbortIncompleteUploads",
                             abort_incomplete_multipart_upload_after=INCOMPLETE_UPLOADS_KEPT),
            *rules,
        ],
    )


def backup_plan(stack: Stack, prefix: str, table: dynamodb.Table) -> backup.BackupPlan:
    """A monthly backup of the table kept seven years, cold after 90 days. PITR covers the last
    35 days to the second; these keep one copy a month for the years the law asks. DynamoDB
    backups are full copies, each billed for its whole size: daily copies kept seven years would
    cost thirty times as much (infra/README.md, cost model)."""
    vault = backup.BackupVault(stack, "BackupVault", backup_vault_name=f"{prefix}-backups",
                               removal_policy=RemovalPolicy.RETAIN)
    plan = backup.BackupPlan(stack, "BackupPlan", backup_plan_name=f"{prefix}-monthly", backup_plan_rules=[
        backup.BackupPlanRule(
            rule_name="MonthlySevenYears", backup_vault=vault,
            schedule_expression=events.Schedule.cron(day="1", hour="3", minute="0"),
            move_to_cold_storage_after=BACKUP_COLD_AFTER, delete_after=BACKUP_RETENTION,
        ),
    ])
    plan.add_selection("Table", resources=[backup.BackupResource.from_dynamo_db_table(table)])
    return plan
