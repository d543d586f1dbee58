"""The local stack: DynamoDB Local and moto as child processes, the AWS
resources the app expects, and a dev pump that feeds schedules and queues to the
app's handlers. Used by `make run` (infra/local/run.py) and by the tests.

Nothing here is packaged into Lambda. Importing this package imports nothing
from chalicelib, so tests can set the environment first.
"""
