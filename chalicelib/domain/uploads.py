"""The kinds of file a bulk upload takes, and the limits of a batch."""
INVOICES, CREDIT_NOTES, CUSTOMERS, PRODUCTS = "invoices", "credit_notes", "customers", "products"
USAGE = "usage"  # call detail records and metered events (jobs/usage_chunks.py)
KINDS = (INVOICES, CREDIT_NOTES, CUSTOMERS, PRODUCTS, USAGE)
DOCUMENT_KINDS = (INVOICES, CREDIT_NOTES)
MAX_FILES = 50
MAX_BATCH_BYTES = 60 * 1024 * 1024
