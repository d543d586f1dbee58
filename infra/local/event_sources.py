"""What the Chalice app declares besides routes: its schedules and queue handlers."""
from typing import Any, Callable, List

from chalice.app import Chalice, ScheduledEventConfig, SQSEventConfig


def scheduled_sources(app: Chalice) -> List[ScheduledEventConfig]:
    return [s for s in app.event_sources if isinstance(s, ScheduledEventConfig)]


def sqs_sources(app: Chalice) -> List[SQSEventConfig]:
    return [s for s in app.event_sources if isinstance(s, SQSEventConfig)]


def queue_name(source: SQSEventConfig) -> str:
    return source.queue or source.queue_arn.rsplit(":", 1)[-1]


def schedule_expression(source: ScheduledEventConfig) -> str:
    expression = source.schedule_expression
    return expression if isinstance(expression, str) else expression.to_string()


def lambda_handler(app: Chalice, source: Any) -> Callable[[dict, Any], Any]:
    """The object Lambda would call, handler(event, context), middleware included."""
    return app.handler_map[source.name]
