"""The emails that carry documents: a subject and a body per kind, with placeholders.

A tenant may replace any template; placeholders are checked when it is saved,
so a typo is a 400 then, not a broken email later.
"""
from string import Formatter
from typing import Dict, Mapping, Optional

from .errors import invalid

KINDS = ("invoice", "credit_note", "estimate", "statement", "reminder")
PLACEHOLDERS = {
    "invoice": ("supplier_name", "customer_name", "number", "issue_date", "due_date", "total", "outstanding"),
    "credit_note": ("supplier_name", "customer_name", "number", "issue_date", "total", "invoice_number"),
    "estimate": ("supplier_name", "customer_name", "number", "issue_date", "expiry_date", "total"),
    "statement": ("supplier_name", "customer_name", "closing_balance", "to_date"),
    "reminder": ("supplier_name", "customer_name", "number", "due_date", "outstanding", "days_overdue"),
}
DEFAULTS = {
    "invoice": ("Invoice {number} from {supplier_name}",
                "Dear {customer_name},\n\nPlease find attached invoice {number} for {total}, "
                "due on {due_date}.\n\nKind regards,\n{supplier_name}"),
    "credit_note": ("Credit note {number} from {supplier_name}",
                    "Dear {customer_name},\n\nPlease find attached credit note {number} for {total}, "
                    "which corrects invoice {invoice_number}.\n\nKind regards,\n{supplier_name}"),
    "estimate": ("Estimate {number} from {supplier_name}",
                 "Dear {customer_name},\n\nPlease find attached estimate {number} for {total}, "
                 "valid until {expiry_date}.\n\nKind regards,\n{supplier_name}"),
    "statement": ("Your statement from {supplier_name}",
                  "Dear {customer_name},\n\nPlease find attached your statement to {to_date}. "
                  "The balance is {closing_balance}.\n\nKind regards,\n{supplier_name}"),
    "reminder": ("Reminder: invoice {number} is overdue",
                 "Dear {customer_name},\n\nInvoice {number} was due on {due_date} and {outstanding} is "
                 "still outstanding ({days_overdue} days overdue). The invoice is attached.\n\n"
                 "Kind regards,\n{supplier_name}"),
}


def check_templates(templates: Optional[Mapping[str, Mapping[str, str]]]) -> None:
    """Refuses a template naming a placeholder its kind does not have."""
    for kind, template in (templates or {}).items():
        for part in ("subject", "body"):
            text = template.get(part)
            if text is None:
                continue
            try:
                fields = [(name, spec, conversion) for _, name, spec, conversion in Formatter().parse(text)
                          if name is not None]
            except ValueError as error:
                raise invalid(f"email_templates.{kind}.{part}", f"is not a valid template: {error}")
            if any(spec or conversion for _, spec, conversion in fields):  # {total:d} would fail when sent
                raise invalid(f"email_templates.{kind}.{part}",
                              "takes plain placeholders only, such as {number}: no formats or conversions")
            names = {name for name, _, _ in fields}
            unknown = sorted(names - set(PLACEHOLDERS[kind]))
            if unknown:
                raise invalid(f"email_templates.{kind}.{part}",
                              f"names unknown placeholder {{{unknown[0]}}}; "
                              f"use {', '.join('{' + p + '}' for p in PLACEHOLDERS[kind])}")


def compose(kind: str, tenant_templates: Optional[Mapping[str, Mapping[str, str]]],
            values: Dict[str, str]) -> Dict[str, str]:
    """The subject and body of one email, from the tenant's template or the default."""
    own = (tenant_templates or {}).get(kind) or {}
    subject, body = own.get("subject") or DEFAULTS[kind][0], own.get("body") or DEFAULTS[kind][1]
    # A subject is one line whatever the values hold (no header injection).
    return {"subject": " ".join(subject.format_map(values).split()), "body": body.format_map(values)}
