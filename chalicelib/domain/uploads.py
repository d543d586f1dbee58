"""The kinds of file a bulk upload takes, and the limits of a batch."""
INVOICES, CREDIT_NOTES, CUSTOMERS, PRODUCTS = "invoices", "credit_notes", "customers", "products"
KINDS = (INVOICES, CREDIT_NOTES, CUSTOMERS, PRODUCTS)
DOCUMENT_KINDS = (INVOICES, CREDIT_NOTES)
MAX_FILES = 50
MAX_BATCH_BYTES = 60 * 1024 * 1024
