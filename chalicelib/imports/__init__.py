"""Bulk uploads: reading CSV, XLSX and JSON files into the API's request shapes.

Pure code: readers take byte streams and files, never AWS clients, so the
tests can feed them anything. The jobs in chalicelib/jobs/import_*.py wire them
to S3, SQS and the services.
"""
