"""The `peppol_id` field of tenants and customers: a Peppol participant identifier."""
from ..domain.peppol import EAS_CODES, identifier_problem
from .schema import Choice, Object, String


class PeppolIdField(Object):
    """Scheme and value, checked as Peppol BIS 3 checks them (domain.peppol)."""

    def __init__(self):
        super().__init__({
            "scheme": Choice(sorted(EAS_CODES), required=True, example="0088",
                             description="Peppol Electronic Address Scheme (EAS) code"),
            "value": String(required=True, max_length=50, example="5790000435975"),
        }, description="Peppol participant identifier (electronic address) for e-invoices; default: "
                       "the one the VAT number defines, where it defines one (README)")

    def parse(self, value, path, problems, partial: bool = False):
        clean = super().parse(value, path, problems)
        if clean and clean.get("scheme") and clean.get("value"):
            problem = identifier_problem(clean["scheme"], clean["value"])
            if problem:
                problems.add(f"{path}.value", problem)
        return clean


PEPPOL_ID = PeppolIdField()
