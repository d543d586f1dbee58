"""VAT categories and the rates each one admits."""
from decimal import Decimal

STANDARD = "standard"
REDUCED = "reduced"
ZERO = "zero"
EXEMPT = "exempt"
REVERSE_CHARGE = "reverse_charge"
OUTSIDE_SCOPE = "outside_scope"

CATEGORIES = (STANDARD, REDUCED, ZERO, EXEMPT, REVERSE_CHARGE, OUTSIDE_SCOPE)
# Categories whose lines carry VAT; a reverse-charged line may state the rate its customer
# accounts at (it charges none); every other category has a rate of 0.
TAXED = (STANDARD, REDUCED)
# UK rates, used when a line or product names a category but no rate.
DEFAULT_RATES = {STANDARD: Decimal("20"), REDUCED: Decimal("5")}


def default_rate(category: str) -> Decimal:
    return DEFAULT_RATES.get(category, Decimal("0"))


def rate_problem(category: str, rate: Decimal):
    """Why a rate does not fit its category, or None when it does."""
    if category in TAXED:
        if not Decimal("0") < rate <= Decimal("100"):
            return f"must be above 0 and at most 100 for {category} VAT"
    elif category == REVERSE_CHARGE:  # the rate the customer accounts for VAT at, if stated
        if not Decimal("0") <= rate <= Decimal("100"):
            return "must be between 0 and 100 for reverse charge"
    elif rate != 0:
        return f"must be 0 for {category} supplies"
    return None
