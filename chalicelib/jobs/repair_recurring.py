"""Repair: finish the recurring invoices a failed generation left half done.

Before each occurrence was generated whole (its invoice issued in the same transaction), a worker
that failed after writing the draft left the template's last invoice a draft; every worker failed
so for customers with payment terms until whole numbers came back whole from storage (issue 12).
The tick finishes such a draft only when the template's next occurrence falls due, maybe a month
later. This finishes every one now: issued, and emailed where the template emails.

    python -m chalicelib.jobs.repair_recurring [--tenant TENANT_ID]

(`make repair-recurring` on the local stack; in AWS, run it with the stack's table name in
INVOICING_TABLE_NAME and credentials that may write it.) Finishing is idempotent: it skips what
is done, so running it twice, or beside the tick, changes nothing more.
"""
import argparse
from typing import Iterator, List, Optional, Tuple

from ..services.recurring import TEMPLATES
from ..store import keys
from ..store.models import RecordItem
from . import generated_invoices as generated
from . import recurring as run


def finish_generated(tenant_id: Optional[str] = None) -> List[Tuple[str, str]]:
    """(tenant, template) of each template whose last invoice was finished now."""
    finished = []
    for template in _templates(tenant_id):
        owner = keys.tenant_of(template.PK)
        invoice_id = template.data.get("last_invoice_id")
        if invoice_id and template.data.get("action") in generated.ISSUING_ACTIONS and _unfinished(owner, template):
            run.finish(owner, template, invoice_id)
            finished.append((owner, template.id))
    return finished


def _unfinished(tenant_id: str, template: RecordItem) -> bool:
    invoice_id = template.data["last_invoice_id"]
    return generated.awaits_issue(tenant_id, invoice_id) or (
        template.data["action"] == generated.ISSUE_AND_SEND and generated.awaits_email(tenant_id, invoice_id))


def _templates(tenant_id: Optional[str]) -> Iterator[RecordItem]:
    if tenant_id:  # the tenant's templates, by the index of its records of the kind
        return RecordItem.by_kind.query(keys.kind_partition(tenant_id, TEMPLATES.store.kind))
    # Every tenant's: an operator's one-off Scan, never in a request path.
    return RecordItem.scan(RecordItem.kind == TEMPLATES.store.kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenant", help="Only this tenant's templates")
    for tenant_id, template_id in finish_generated(parser.parse_args().tenant):
        print(f"finished the last invoice of {template_id} (tenant {tenant_id})")


if __name__ == "__main__":
    main()
