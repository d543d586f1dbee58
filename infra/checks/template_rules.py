"""Assertions on the SAM-expanded template: what a reviewer would check by hand.
Usage: template_rules.py <expanded.json> <stage>. Prints each broken rule; exit 1 if any."""
import json
import sys
from typing import Dict, List

RUNTIME, ARCHITECTURE = "python3.13", "arm64"
API_GATEWAY_TIMEOUT = 29
SIX_YEARS_DAYS = 6 * 365
VISIBILITY_PER_TIMEOUT = 6
TTL_ATTRIBUTE = "expires_at"
# Copies of the uploads reader at once: one file's chunks take two of them (PARALLEL in
# chalicelib/jobs/import_chunks.py), so two large files and the small ones beside them go on at once.
UPLOADS_CONCURRENCY = 5
NOT_IAM_ACTIONS = {"dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"}
# Wildcard resources allowed, with why: CDK's bucket-notification custom resource must call
# s3:PutBucketNotification before the bucket's name is known to IAM conditions.
WILDCARD_ALLOWED = {"BucketNotificationsHandler050a0587b7544547bf325f094a3db834RoleDefaultPolicy2CF63D36"}
# The authorizer, the tick and the delivery-events reader may do exactly this (action, resource kind).
EXACT = {
    "ApiKeyAuthorizer": {("dynamodb:GetItem", "table"), ("secretsmanager:GetSecretValue", "secret"),
                         ("logs:CreateLogStream", "log"), ("logs:PutLogEvents", "log")},
    "RecurringTick": {("dynamodb:Query", "index/GSI3"), ("dynamodb:Query", "index/GSI5"),
                      ("dynamodb:BatchGetItem", "table"), ("sqs:SendMessage", "jobs"),
                      ("sqs:GetQueueUrl", "jobs"), ("sqs:SendMessage", "issues"), ("sqs:GetQueueUrl", "issues"),
                      ("sqs:SendMessage", "tick-dlq"),
                      ("logs:CreateLogStream", "log"), ("logs:PutLogEvents", "log")},
    "DeliveryEvents": {("dynamodb:GetItem", "table"), ("dynamodb:PutItem", "table"),
                       ("dynamodb:ConditionCheckItem", "table"), ("sqs:ReceiveMessage", "delivery-events"),
                       ("sqs:DeleteMessage", "delivery-events"), ("sqs:ChangeMessageVisibility", "delivery-events"),
                       ("sqs:GetQueueAttributes", "delivery-events"),
                       ("logs:CreateLogStream", "log"), ("logs:PutLogEvents", "log")},
}


class Template:
    def __init__(self, template: dict, stage: str):
        self.resources: Dict[str, dict] = template["Resources"]
        self.prefix = f"invoicing-{stage}"
        self.failures: List[str] = []

    def of_type(self, kind: str) -> Dict[str, dict]:
        return {k: r.get("Properties", {}) for k, r in self.resources.items() if r["Type"] == kind}

    def expect(self, ok: bool, message: str) -> None:
        if not ok:
            self.failures.append(message)

    def app_functions(self) -> Dict[str, dict]:
        return {k: p for k, p in self.of_type("AWS::Lambda::Function").items() if p.get("Layers")}


def check_functions(t: Template) -> None:
    functions = t.app_functions()
    t.expect(len(functions) >= 6, f"expected the app's 6 functions, found {sorted(functions)}")
    roles = [json.dumps(p["Role"]) for p in functions.values()]
    t.expect(len(set(roles)) == len(roles), "functions share an IAM role")
    for name, p in functions.items():
        t.expect(p.get("Runtime") == RUNTIME and p.get("Architectures") == [ARCHITECTURE],
                 f"{name}: runtime {p.get('Runtime')} {p.get('Architectures')}")
        t.expect("replaced-by-the-stack" not in json.dumps(p["Role"]), f"{name}: placeholder role")
        env = p.get("Environment", {}).get("Variables", {})
        t.expect("INVOICING_ADMIN_KEY" not in env, f"{name}: admin key in the environment")
        t.expect(("INVOICING_ADMIN_KEY_SECRET" in env) == (name == "ApiKeyAuthorizer"),
                 f"{name}: only the authorizer reads the admin key secret")
    t.expect(functions.get("APIHandler", {}).get("Timeout", 99) < API_GATEWAY_TIMEOUT,
             "APIHandler's timeout must be below API Gateway's 29 s")
    t.expect("{{resolve:secretsmanager" not in json.dumps(t.resources), "a secret is resolved into the template")
    scheduled = [k for k, r in t.resources.items() if r["Type"] == "AWS::Events::Rule"]
    t.expect(bool(scheduled), "no schedule")
    t.expect(functions.get("RecurringTick", {}).get("DeadLetterConfig", {}).get("TargetArn") is not None,
             "RecurringTick (asynchronous) has no dead-letter queue")


def check_policies(t: Template) -> None:
    functions = t.app_functions()
    for name, policy in t.of_type("AWS::IAM::Policy").items():
        for statement in policy["PolicyDocument"]["Statement"]:
            actions = _list(statement["Action"])
            t.expect(not NOT_IAM_ACTIONS & set(actions), f"{name}: not IAM actions {NOT_IAM_ACTIONS & set(actions)}")
            if "*" in _list(statement["Resource"]):
                t.expect(name in WILDCARD_ALLOWED, f"{name}: wildcard resource for {actions}")
            for resource in _list(statement["Resource"]):
                text = json.dumps(resource)
                t.expect(":*:*:" not in text and "invoicing-*" not in text, f"{name}: name-prefix wildcard {text}")
    for name in functions:
        statements = _statements_of(t, name)
        t.expect(bool(statements), f"{name}: no policy of its own")
        if name in EXACT:
            granted = {(a, _kind(r)) for s in statements for a in _list(s["Action"]) for r in _list(s["Resource"])}
            t.expect(granted == EXACT[name], f"{name}: grants {sorted(granted - EXACT[name])}, "
                                             f"lacks {sorted(EXACT[name] - granted)}")


def check_queues(t: Template) -> None:
    queues = t.of_type("AWS::SQS::Queue")
    functions = t.app_functions()
    mappings = t.of_type("AWS::Lambda::EventSourceMapping")
    t.expect(len(mappings) >= 3, "expected event sources for jobs, exports and uploads")
    for name, m in mappings.items():
        queue = queues[m["EventSourceArn"]["Fn::GetAtt"][0]]
        function = functions[m["FunctionName"]["Ref"]]
        t.expect(m.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], f"{name}: no partial batch failures")
        t.expect(m.get("ScalingConfig", {}).get("MaximumConcurrency", 0) >= 2, f"{name}: no maximum concurrency")
        t.expect("RedrivePolicy" in queue, f"{name}: queue without a dead-letter queue")
        t.expect(queue.get("VisibilityTimeout") == VISIBILITY_PER_TIMEOUT * function["Timeout"],
                 f"{name}: visibility {queue.get('VisibilityTimeout')} s is not 6 x {function['Timeout']} s")
    for name, q in queues.items():
        t.expect(q.get("QueueName", "").startswith(t.prefix + "-"), f"{name}: queue name {q.get('QueueName')}")
    check_issue_queue(t, queues, functions, mappings)
    uploads = [m.get("ScalingConfig", {}).get("MaximumConcurrency") for m in mappings.values()
               if m["FunctionName"]["Ref"] == "UploadsQueue"]
    t.expect(uploads == [UPLOADS_CONCURRENCY], f"the uploads reader's maximum concurrency is {uploads}, "
                                               f"not {UPLOADS_CONCURRENCY}")
    exports = [f for f in functions if f == "ExportsQueue"]
    t.expect(bool(exports) and functions["ExportsQueue"]["Timeout"] >= 600, "exports need their own long-timeout worker")


def check_issue_queue(t: Template, queues: Dict[str, dict], functions: Dict[str, dict],
                      mappings: Dict[str, dict]) -> None:
    """Number-taking jobs: a FIFO queue (one tenant's at a time), deduplicated and limited per
    message group, a FIFO dead-letter queue, no batching window (Lambda refuses one on FIFO)."""
    readers = [m for m in mappings.values() if m["FunctionName"]["Ref"] == "IssueJobs"]
    t.expect(len(readers) == 1 and "IssueJobs" in functions, "no IssueJobs reader of the issues queue")
    for m in readers:
        queue = queues[m["EventSourceArn"]["Fn::GetAtt"][0]]
        dlq = queue.get("RedrivePolicy", {}).get("deadLetterTargetArn", {}).get("Fn::GetAtt", [""])[0]
        t.expect(queue.get("FifoQueue") is True and queue.get("QueueName", "").endswith("-issues.fifo"),
                 "the issues queue is not FIFO")
        t.expect(queues.get(dlq, {}).get("FifoQueue") is True, "the issues queue's dead-letter queue is not FIFO")
        t.expect((queue.get("DeduplicationScope"), queue.get("FifoThroughputLimit")) ==
                 ("messageGroup", "perMessageGroupId"), "the issues queue is not in high-throughput mode")
        t.expect("MaximumBatchingWindowInSeconds" not in m, "a batching window on the FIFO issues queue")


def check_alarms(t: Template) -> None:
    alarms = list(t.of_type("AWS::CloudWatch::Alarm").values())
    watched = json.dumps(alarms)
    for name, q in t.of_type("AWS::SQS::Queue").items():
        if q.get("QueueName", "").endswith(("-dlq", "-dlq.fifo")):
            t.expect(name in watched, f"no alarm on the dead-letter queue {name}")
    for name in t.app_functions():
        t.expect(any(a.get("MetricName") == "Errors" and name in json.dumps(a) for a in alarms), f"{name}: no error alarm")
    for metric in ("5XXError", "Reputation.BounceRate", "Reputation.ComplaintRate"):
        t.expect(any(a.get("MetricName") == metric for a in alarms), f"no alarm on {metric}")


def check_api(t: Template) -> None:
    stages = t.of_type("AWS::ApiGateway::Stage")
    t.expect(len(stages) == 1, f"expected one API stage, found {sorted(stages)}")
    for name, s in stages.items():
        settings = s.get("MethodSettings", [{}])[0]
        t.expect(settings.get("ThrottlingRateLimit", 0) > 0 and settings.get("ThrottlingBurstLimit", 0) > 0,
                 f"{name}: no stage throttling")
        t.expect("DestinationArn" in s.get("AccessLogSetting", {}), f"{name}: no access logs")


def check_data(t: Template) -> None:
    tables = t.of_type("AWS::DynamoDB::Table")
    for name, table in tables.items():
        t.expect(table.get("TableName") == t.prefix, f"{name}: table name {table.get('TableName')}")
        t.expect(table.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is True, "no PITR")
        t.expect(table.get("DeletionProtectionEnabled") is True, "no deletion protection")
        # Idempotency answers and the Xero push's access token expire through it (chalicelib/store/table.py).
        t.expect(table.get("TimeToLiveSpecification") == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True},
                 f"no TTL on {TTL_ATTRIBUTE}")
    rules = [r for p in t.of_type("AWS::Backup::BackupPlan").values() for r in p["BackupPlan"]["BackupPlanRule"]]
    t.expect(any(r.get("Lifecycle", {}).get("DeleteAfterDays", 0) >= SIX_YEARS_DAYS for r in rules),
             "no backup kept six years")
    t.expect(bool(t.of_type("AWS::Backup::BackupSelection")), "nothing selected for backup")
    for name, bucket in t.of_type("AWS::S3::Bucket").items():
        t.expect(t.prefix + "-" in json.dumps(bucket.get("BucketName")), f"{name}: bucket name without the stage")
        if name.startswith("Documents"):
            t.expect(bucket.get("VersioningConfiguration", {}).get("Status") == "Enabled", "documents not versioned")
            ids = {r["Id"] for r in bucket["LifecycleConfiguration"]["Rules"]}
            t.expect({"ExpireOldVersions", "ExpireExports", "ExpireImportWork"} <= ids, f"documents lifecycle: {ids}")


def _statements_of(t: Template, function: str) -> List[dict]:
    role = t.app_functions()[function]["Role"]["Fn::GetAtt"][0]
    return [s for p in t.of_type("AWS::IAM::Policy").values() if {"Ref": role} in p.get("Roles", [])
            for s in p["PolicyDocument"]["Statement"]]


def _kind(resource) -> str:
    text = json.dumps(resource)
    for marker, kind in (("index/GSI3", "index/GSI3"), ("index/GSI5", "index/GSI5"), ("TickDlq", "tick-dlq"),
                         ("Secret", "secret"), ("AdminKey", "secret"), ("IssueJobsQueue", "issues"),
                         ("JobsQueue", "jobs"),
                         ("DeliveryEventsQueue", "delivery-events"),
                         ("Logs", "log"), ("Table", "table")):
        if marker in text:
            return kind
    return text


def _list(value) -> list:
    return value if isinstance(value, list) else [value]


def main(path: str, stage: str) -> int:
    with open(path) as f:
        t = Template(json.load(f), stage)
    for check in (check_functions, check_policies, check_queues, check_alarms, check_api, check_data):
        check(t)
    for failure in t.failures:
        print("template:", failure)
    if not t.failures:
        print(f"template: every rule holds ({len(t.resources)} resources, stage {stage})")
    return 1 if t.failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
