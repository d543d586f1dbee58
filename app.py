"""The Chalice application: registers blueprints, schedules and queue handlers."""
from chalice import Chalice

app = Chalice(app_name="invoicing")
