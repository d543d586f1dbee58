"""CloudWatch alarms, all sent to one SNS topic (optionally mailed)."""
from typing import Dict, Iterable, List, Optional, Tuple

from aws_cdk import CfnOutput, CfnResource, Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subs
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from chalicelib.config import MAX_RECEIVE_COUNT

PERIOD = Duration.minutes(5)
# (construct id, metric, threshold, description): alarms when the metric exceeds the threshold.
Threshold = Tuple[str, cw.IMetric, float, str]


def add_alarms(scope: Construct, *, prefix: str, email: str, dlqs: List[sqs.Queue],
               functions: Dict[str, CfnResource], api_name: Optional[str], api_stage: str,
               thresholds: Iterable[Threshold] = ()) -> None:
    topic = sns.Topic(scope, "AlarmTopic", topic_name=f"{prefix}-alarms")
    if email:
        topic.add_subscription(subs.EmailSubscription(email))
    CfnOutput(scope, "AlarmTopicArn", value=topic.topic_arn)
    action = cw_actions.SnsAction(topic)

    def alarm(construct_id: str, metric: cw.IMetric, description: str, threshold: float = 0) -> None:
        created = cw.Alarm(
            scope, construct_id, metric=metric, threshold=threshold, evaluation_periods=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        created.add_alarm_action(action)

    for dlq in dlqs:
        alarm(f"{dlq.node.id}Depth",
              dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1),
                                                                statistic="Maximum"),
              f"Messages failed {MAX_RECEIVE_COUNT} times and wait in the dead-letter queue; "
              "inspect, then redrive.")
    for name, function in functions.items():
        alarm(f"{name}Errors",
              cw.Metric(namespace="AWS/Lambda", metric_name="Errors",
                        dimensions_map={"FunctionName": function.ref},
                        statistic="Sum", period=PERIOD),
              f"Function {name} raised or timed out.")
        alarm(f"{name}Throttles",
              cw.Metric(namespace="AWS/Lambda", metric_name="Throttles",
                        dimensions_map={"FunctionName": function.ref},
                        statistic="Sum", period=PERIOD),
              f"Function {name} was throttled (reserved or account concurrency reached).")
    if api_name:
        alarm("Api5xx",
              cw.Metric(namespace="AWS/ApiGateway", metric_name="5XXError",
                        dimensions_map={"ApiName": api_name, "Stage": api_stage},
                        statistic="Sum", period=PERIOD),
              "The API answered with a 5xx.")
    for construct_id, metric, threshold, description in thresholds:
        alarm(construct_id, metric, description, threshold)
