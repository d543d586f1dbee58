"""Escape hatches on the resources that `chalice package` generates.

Chalice cannot express some settings, so the stack edits the included SAM
template through `chalice.get_resource(<logical id>)`. Each function here works
from the packaged template itself, so new handlers in app.py are covered without
changes here.
"""
import json
import os
from typing import Dict

from aws_cdk import CfnResource, RemovalPolicy, aws_logs as logs, aws_sqs as sqs
from chalice.cdk import Chalice
from constructs import Construct

# API Gateway's own answers (no Authorization header, unknown route, authorizer
# deny, ...), in the service's error shape; the local server uses the same table.
from chalicelib.api.gateway_responses import GATEWAY_RESPONSES, error_body

SAM_FUNCTION = "AWS::Serverless::Function"
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


def read_sam_template(chalice: Chalice) -> dict:
    # The construct keeps no public handle on the packaged template; chalice is
    # pinned (infra/requirements.txt), so this private attribute is stable.
    with open(os.path.join(chalice._sam_package_dir, "sam.json")) as f:
        return json.load(f)


def sam_functions(sam: dict) -> Dict[str, dict]:
    return {name: res["Properties"] for name, res in sam["Resources"].items()
            if res["Type"] == SAM_FUNCTION}


def add_log_groups(scope: Construct, chalice: Chalice, sam: dict, prefix: str) -> Dict[str, logs.LogGroup]:
    """One log group per function, with retention, created before the function.

    Chalice's own `log_retention_in_days` is unusable with the API handler in
    1.34 (its log group refers to `ApiHandler`, renamed `APIHandler`).
    """
    groups = {}
    for name in sam_functions(sam):
        group = logs.LogGroup(scope, f"{name}Logs", log_group_name=prefix + name,
                              retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY)
        function = chalice.get_resource(name)
        function.add_property_override("LoggingConfig", {"LogGroup": group.log_group_name})
        function.add_property_override("LoggingConfig.LogFormat", "Text")
        groups[name] = group
    return groups


def functions_of(chalice: Chalice, sam: dict) -> Dict[str, CfnResource]:
    return {name: chalice.get_resource(name) for name in sam_functions(sam)}


def queue_readers(sam: dict) -> Dict[str, str]:
    """Chalice's queue name -> the function (logical id) that reads it."""
    readers = {}
    for name, props in sam_functions(sam).items():
        for event in props.get("Events", {}).values():
            if event["Type"] == "SQS":
                readers[_queue_name(event["Properties"]["Queue"])] = name
    return readers


def wire_sqs_event_sources(chalice: Chalice, sam: dict, queues: Dict[str, sqs.IQueue],
                           max_concurrency: Dict[str, int]) -> None:
    """Turn on ReportBatchItemFailures for every SQS handler, point it at the stack's queue and cap
    how many copies of the function the queue's poller runs at once.

    Chalice cannot set FunctionResponseTypes. With it on, a handler reports the
    failed records (`{"batchItemFailures": [{"itemIdentifier": <messageId>}]}`,
    as powertools' process_partial_response returns) and only those are retried,
    then moved to the DLQ. Referencing the queue's ARN instead of Chalice's
    name-built ARN also makes the event source mapping wait for the queue.
    MaximumConcurrency (not reserved concurrency alone) keeps the poller from
    invoking more copies than allowed, so messages are not throttled into the DLQ.
    """
    for name, props in sam_functions(sam).items():
        for event_name, event in props.get("Events", {}).items():
            if event["Type"] != "SQS":
                continue
            queue_name = _queue_name(event["Properties"]["Queue"])
            if queue_name not in queues:
                raise ValueError(f"{name} reads SQS queue {queue_name!r}, which the stack "
                                 f"does not create (known: {sorted(queues)})")
            if name not in max_concurrency:
                raise ValueError(f"{name}: choose its maximum concurrency (stacks/invoicing_stack.py)")
            path = f"Events.{event_name}.Properties"
            function = chalice.get_resource(name)
            function.add_property_override(f"{path}.Queue", queues[queue_name].queue_arn)
            function.add_property_override(f"{path}.FunctionResponseTypes",
                                           ["ReportBatchItemFailures"])
            function.add_property_override(f"{path}.ScalingConfig",
                                           {"MaximumConcurrency": max_concurrency[name]})
            if queue_name.endswith(".fifo"):  # Lambda takes no batching window on a FIFO queue
                function.add_property_deletion_override(f"{path}.MaximumBatchingWindowInSeconds")


def _queue_name(queue) -> str:
    arn = queue["Fn::Sub"] if isinstance(queue, dict) else queue
    return arn.rsplit(":", 1)[-1]


def configure_api(scope: Construct, chalice: Chalice, sam: dict, api_name: str, log_prefix: str,
                  rate_per_second: int, burst: int) -> bool:
    """Name, gateway responses, throttling and access logs of the REST API; False if no routes.

    OpenApiVersion is set so that SAM does not also create its stray `Stage` stage.
    """
    if not add_gateway_responses(chalice, sam, api_name):
        return False
    group = logs.LogGroup(scope, "ApiAccessLogs", log_group_name=f"{log_prefix}api-access",
                          retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY)
    api = chalice.get_resource("RestAPI")
    api.add_property_override("OpenApiVersion", "3.0.1")
    api.add_property_override("MethodSettings", [{
        "ResourcePath": "/*", "HttpMethod": "*",
        "ThrottlingRateLimit": rate_per_second, "ThrottlingBurstLimit": burst,
        "MetricsEnabled": True, "LoggingLevel": "OFF",
    }])
    api.add_property_override("AccessLogSetting", {
        "DestinationArn": group.log_group_arn, "Format": json.dumps(ACCESS_LOG_FORMAT)})
    return True


# One JSON line per request; no header or body, so no key or personal data in the logs.
ACCESS_LOG_FORMAT = {
    "requestId": "$context.requestId", "time": "$context.requestTime", "ip": "$context.identity.sourceIp",
    "method": "$context.httpMethod", "path": "$context.resourcePath", "status": "$context.status",
    "latencyMs": "$context.responseLatency", "integrationMs": "$context.integrationLatency",
    "tenant": "$context.authorizer.tenant_id", "errorType": "$context.error.responseType",
}


def add_gateway_responses(chalice: Chalice, sam: dict, api_name: str) -> bool:
    """Put the gateway responses into the API definition; False if the app has no routes.

    They go in the OpenAPI body, not separate AWS::ApiGateway::GatewayResponse
    resources: those take effect only after a new deployment of the stage, which
    SAM creates only when the body changes.
    """
    if "RestAPI" not in sam["Resources"]:
        return False
    api = chalice.get_resource("RestAPI")
    api.add_property_override("Name", api_name)
    api.add_property_override("DefinitionBody.x-amazon-apigateway-gateway-responses",
                              {kind: _gateway_response(kind) for kind in GATEWAY_RESPONSES})
    return True


def _gateway_response(kind: str) -> dict:
    response = {"responseTemplates": {"application/json": error_body(kind)}}
    # DEFAULT_4XX/5XX cover many statuses (413, 429, 502, 504, ...): keep them.
    if not kind.startswith("DEFAULT_"):
        response["statusCode"] = str(GATEWAY_RESPONSES[kind][0])
    return response


def api_stage(sam: dict) -> str:
    api = sam["Resources"].get("RestAPI")
    return api["Properties"]["StageName"] if api else ""
