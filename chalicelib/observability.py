"""JSON logs with request and tenant ids, and EMF metrics, as Chalice middleware."""
import time

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service="invoicing")
metrics = Metrics(namespace="Invoicing", service="invoicing")


def observe_http(request, get_response):
    identity = request.context.get("authorizer") or {}
    # Per thread: the local server runs requests side by side (a Lambda runs one at a time).
    logger.thread_safe_append_keys(request_id=request.context.get("requestId"),
                                   tenant_id=identity.get("tenant_id"))
    started = time.perf_counter()
    try:
        response = get_response(request)
    finally:
        logger.thread_safe_remove_keys(["request_id", "tenant_id"])
    elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
    logger.info("request", extra={"method": request.method, "route": request.path,
                                  "status": response.status_code, "duration_ms": elapsed_ms,
                                  "tenant_id": identity.get("tenant_id")})
    metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=elapsed_ms)
    metrics.add_metric(name="ServerErrors" if response.status_code >= 500 else "Requests",
                       unit=MetricUnit.Count, value=1)
    metrics.flush_metrics()
    return response
