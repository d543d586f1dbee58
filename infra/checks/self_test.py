"""The template rules must be able to fail: each defect the issue found, put back into a copy of
the expanded template, must be reported. Usage: self_test.py <expanded.json> <stage>."""
import copy
import json
import sys
from typing import Callable, List, Tuple

from template_rules import Template, check_alarms, check_api, check_data, check_functions, check_policies, \
    check_queues

CHECKS = (check_functions, check_policies, check_queues, check_alarms, check_api, check_data)


def _of_type(resources: dict, kind: str) -> List[dict]:
    return [r["Properties"] for r in resources.values() if r["Type"] == kind]


def _function(name: str) -> Callable[[dict], dict]:
    return lambda resources: resources[name]["Properties"]


def _one_policy_for_all(resources):
    shared = _of_type(resources, "AWS::Lambda::Function")[0]["Role"]
    for function in _of_type(resources, "AWS::Lambda::Function"):
        function["Role"] = shared


def _authorizer_writes(resources):
    policy = next(r["Properties"] for k, r in resources.items() if k.startswith("ApiKeyAuthorizerPolicy"))
    policy["PolicyDocument"]["Statement"].append(
        {"Effect": "Allow", "Action": ["dynamodb:TransactWriteItems"], "Resource": "arn:aws:dynamodb:*:*:table/invoicing"})


DEFECTS: List[Tuple[str, Callable[[dict], None], str]] = [
    ("one role for every function", _one_policy_for_all, "functions share an IAM role"),
    ("authorizer may write, with a non-IAM action", _authorizer_writes, "not IAM actions"),
    ("admin key in an environment", lambda r: _function("Jobs")(r).setdefault("Environment", {"Variables": {}})
     ["Variables"].update(INVOICING_ADMIN_KEY="x"), "admin key in the environment"),
    ("API timeout 30 s", lambda r: _function("APIHandler")(r).update(Timeout=30), "below API Gateway's 29 s"),
    ("python3.11", lambda r: _function("Jobs")(r).update(Runtime="python3.11"), "runtime python3.11"),
    ("no maximum concurrency", lambda r: [m.pop("ScalingConfig", None) for m in
                                          _of_type(r, "AWS::Lambda::EventSourceMapping")], "no maximum concurrency"),
    ("uploads reader uncapped", lambda r: [m["ScalingConfig"].update(MaximumConcurrency=1000) for m in
                                           _of_type(r, "AWS::Lambda::EventSourceMapping")
                                           if m["FunctionName"]["Ref"] == "UploadsQueue"],
     "the uploads reader's maximum concurrency"),
    ("visibility not from the timeout", lambda r: [q.update(VisibilityTimeout=1800) for q in
                                                   _of_type(r, "AWS::SQS::Queue") if "RedrivePolicy" in q],
     "is not 6 x"),
    ("issues queue not FIFO", lambda r: [q.pop("FifoQueue") for q in _of_type(r, "AWS::SQS::Queue")
                                         if q.get("QueueName", "").endswith("-issues.fifo")],
     "the issues queue is not FIFO"),
    ("issues queue's throughput per queue", lambda r: [q.pop("FifoThroughputLimit") for q in
                                                       _of_type(r, "AWS::SQS::Queue")
                                                       if q.get("QueueName", "").endswith("-issues.fifo")],
     "not in high-throughput mode"),
    ("no TTL", lambda r: [t.pop("TimeToLiveSpecification") for t in _of_type(r, "AWS::DynamoDB::Table")],
     "no TTL on expires_at"),
    ("stray Stage", lambda r: r.update(Stage={"Type": "AWS::ApiGateway::Stage", "Properties": {"StageName": "Stage"}}),
     "expected one API stage"),
    ("no throttling", lambda r: [s.pop("MethodSettings", None) for s in _of_type(r, "AWS::ApiGateway::Stage")],
     "no stage throttling"),
    ("documents not versioned", lambda r: [b.pop("VersioningConfiguration", None) for k, b in
                                           ((k, v["Properties"]) for k, v in r.items()) if k.startswith("Documents")
                                           and "LifecycleConfiguration" in b], "documents not versioned"),
    ("backups kept 35 days", lambda r: [rule["Lifecycle"].update(DeleteAfterDays=35) for p in
                                        _of_type(r, "AWS::Backup::BackupPlan") for rule in p["BackupPlan"]["BackupPlanRule"]],
     "no backup kept six years"),
]


def main(path: str, stage: str) -> int:
    with open(path) as f:
        original = json.load(f)
    missed = []
    for label, defect, expected in DEFECTS:
        template = copy.deepcopy(original)
        defect(template["Resources"])
        t = Template(template, stage)
        for check in CHECKS:
            check(t)
        if not any(expected in failure for failure in t.failures):
            missed.append(f"template rules missed the defect '{label}' (expected '{expected}', got {t.failures[:3]})")
    for line in missed:
        print(line)
    print(f"template rules: {len(DEFECTS) - len(missed)} of {len(DEFECTS)} reinstated defects reported")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
