"""What a payment can be."""
METHODS = ("bank_transfer", "card", "cash", "cheque", "direct_debit", "other")
DELETED = "deleted"
STATUSES = ("unallocated", "partially_allocated", "allocated", DELETED)
