"""The Chalice application: registers blueprints, schedules and queue handlers. Thin."""
from chalice import Chalice

from chalicelib.api.auth import auth
from chalicelib.api.credit_notes import credit_notes
from chalicelib.api.customers import customers
from chalicelib.api.estimates import estimates
from chalicelib.api.invoices import invoices
from chalicelib.api.meta import meta
from chalicelib.api.payments import payments
from chalicelib.api.products import products
from chalicelib.api.tenants import tenants
from chalicelib.observability import observe_http

app = Chalice(app_name="invoicing")
app.register_middleware(observe_http, "http")
for blueprint in (auth, meta, tenants, customers, products, invoices, payments, credit_notes,
                  estimates):
    app.register_blueprint(blueprint)
