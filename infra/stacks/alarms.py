"""CloudWatch alarms, all sent to one SNS topic (optionally mailed)."""
from typing import Dict, List, Optional

from aws_cdk import Duration, aws_cloudwatch as cw, aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_sns as sns, aws_sns_subscriptions as subs, aws_sqs as sqs
from aws_cdk import CfnOutput, CfnResource
from constructs import Construct

from chalicelib.config import MAX_RECEIVE_COUNT

PERIOD = Duration.minutes(5)


def add_alarms(scope: Construct, *, stage: str, email: str, dlqs: List[sqs.Queue],
               functions: Dict[str, CfnResource], api_name: Optional[str], api_stage: str) -> None:
    topic = sns.Topic(scope, "AlarmTopic", topic_name=f"invoicing-{stage}-alarms")
    if email:
        topic.add_subscription(subs.EmailSubscription(email))
    CfnOutput(scope, "AlarmTopicArn", value=topic.topic_arn)
    action = cw_actions.SnsAction(topic)

    def alarm(construct_id: str, metric: cw.IMetric, description: str) -> None:
        created = cw.Alarm(
            scope, construct_id, metric=metric, threshold=0, evaluation_periods=1,
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
    if api_name:
        alarm("Api5xx",
              cw.Metric(namespace="AWS/ApiGateway", metric_name="5XXError",
                        dimensions_map={"ApiName": api_name, "Stage": api_stage},
                        statistic="Sum", period=PERIOD),
              "The API answered with a 5xx.")
