"""The Chalice application: registers blueprints, schedules and queue handlers. Thin."""
from datetime import datetime, timezone

from chalice import Chalice, Rate

from chalicelib.api.auth import auth
from chalicelib.api.credit_notes import credit_notes
from chalicelib.api.customers import customers
from chalicelib.api.estimates import estimates
from chalicelib.api.exports import exports
from chalicelib.api.invoices import invoices
from chalicelib.api.meta import meta
from chalicelib.api.payments import payments
from chalicelib.api.portal import portal
from chalicelib.api.portal_links import portal_links
from chalicelib.api.packages import packages
from chalicelib.api.products import products
from chalicelib.api.rate_cards import rate_cards
from chalicelib.api.recurring import recurring
from chalicelib.api.subscriptions import subscriptions
from chalicelib.api.tenants import tenants
from chalicelib.api.uploads import uploads
from chalicelib.api.usage import usage
from chalicelib.config import DELIVERY_EVENTS_QUEUE, EXPORTS_QUEUE, ISSUES_QUEUE, JOBS_QUEUE, UPLOADS_QUEUE
from chalicelib.lazy import lazy
from chalicelib.observability import observe_http

app = Chalice(app_name="invoicing")
app.register_middleware(observe_http, "http")
for blueprint in (auth, meta, tenants, customers, products, invoices, payments, credit_notes,
                  estimates, recurring, exports, uploads, portal_links, portal, rate_cards, packages,
                  subscriptions):
    app.register_blueprint(blueprint)
app.register_blueprint(usage)


tick = lazy("chalicelib.jobs.dispatch", "tick")
handle_jobs = lazy("chalicelib.jobs.dispatch", "handle")
handle_uploads = lazy("chalicelib.jobs.imports", "handle")
handle_delivery_events = lazy("chalicelib.jobs.delivery_events", "handle")


@app.schedule(Rate(5, unit=Rate.MINUTES))
def recurring_tick(event):
    """Finds the recurring invoices due now and fans them out through the jobs queue."""
    tick(datetime.now(timezone.utc))


@app.on_sqs_message(queue=JOBS_QUEUE, batch_size=10)
def jobs(event):
    return handle_jobs(record.to_dict() for record in event)  # with attributes.ApproximateReceiveCount


# Jobs that take numbers of a tenant's series, one tenant's at a time (FIFO, the tenant as group).
@app.on_sqs_message(queue=ISSUES_QUEUE, batch_size=10)
def issue_jobs(event):
    return handle_jobs((record.to_dict() for record in event), in_order=True)


# Exports take minutes (100,000 invoices: ~3 min): one per run, on a worker with a longer timeout.
@app.on_sqs_message(queue=EXPORTS_QUEUE, batch_size=1)
def exports_queue(event):
    return handle_jobs(record.to_dict() for record in event)


# One message per run: a chunk of a large file may take a couple of minutes.
@app.on_sqs_message(queue=UPLOADS_QUEUE, batch_size=1)
def uploads_queue(event):
    """S3 events of the uploads bucket, and the chunks of the files they announce."""
    return handle_uploads({"messageId": r.to_dict()["messageId"], "body": r.body} for r in event)


@app.on_sqs_message(queue=DELIVERY_EVENTS_QUEUE, batch_size=10)
def delivery_events(event):
    """SES's bounces and complaints, recorded on the documents the emails carried."""
    return handle_delivery_events({"messageId": r.to_dict()["messageId"], "body": r.body} for r in event)
