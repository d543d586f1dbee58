"""Each document (or record) of a chunk goes through the API's own services, once.

Documents are taken a window at a time: their claims are read together (one
BatchGetItem), and those already claimed are reported from their claim (a
worker run again, or the same content uploaded again) without any write.
Every other document is created (and issued) by the same services as the
API, with its claim and its chunk's count added to that very transaction
(UnitOfWork's before_commit): the document, its claim and the count commit
together or not at all. A refusal becomes the row's reason; a document of the
other kind (a credit note in an invoice file) is skipped with its reason. With
"customers": "create", a new contact name's customer is made first, once per
batch (import_customers.py), and the report notes it on the document's line.
"""
from collections import defaultdict
from typing import Any, Dict, List, Optional, Tuple

from ..domain import documents as docs, vat
from ..domain.errors import Conflict, DomainError
from ..domain.records import DEFAULT_PAYMENT_TERMS_DAYS, Actor
from ..domain.uploads import CREDIT_NOTES, CUSTOMERS, DOCUMENT_KINDS, INVOICES, PRODUCTS
from ..imports import bodies
from ..imports.bodies import Problem, Rejected, problems_of
from ..imports.grouping import MAX_LINES, Group, Skipped
from ..imports.kinds import map_header
from ..imports.mixed_files import Skip
from ..imports.record_layouts import ACCOUNT_REF_LAYOUTS
from ..imports.report import DUPLICATE, IMPORTED, REJECTED, SKIPPED, Outcome
from ..services.customers import CUSTOMERS as CUSTOMER_RECORDS
from ..services.document_types import CREDIT_NOTE, INVOICE
from ..services.drafts import create_document
from ..services.issuing import create_issued
from ..services.products import PRODUCTS as PRODUCT_RECORDS
from ..services.records import create_record
from ..services.tenants import TENANTS
from ..store import keys
from ..store.models import UniqueValueItem
from ..store.unit_of_work import UnitOfWork, Writes
from ..store.uploads import ImportChunkItem, ImportClaimItem, ImportFileItem, claim_pk, get_claim, read_claims
from .import_customers import NewCustomers
from .import_lookups import Directory, account_ref_pk

DOCUMENT_TYPES = {INVOICES: INVOICE, CREDIT_NOTES: CREDIT_NOTE}


class AlreadyImported(Conflict):
    """The document's claim exists: another run made it first."""


class RowKeys:
    """What names a row's document (its number) or product (its code) in a file of `kind`
    (read by its header; JSON documents are whole already)."""

    def __init__(self, kind: str, info: Dict[str, Any]):
        self.kind = kind
        self.columns = map_header(kind, info["headers"]) if "headers" in info else None  # None: JSON
        targets = [c and c.target for c in self.columns.columns] if self.columns else []
        self.number_at = targets.index("number") if kind in DOCUMENT_KINDS and "number" in targets else None
        self.code_at = targets.index("code") if kind == PRODUCTS and "code" in targets else None

    def number_of(self, record: Any) -> Optional[str]:
        """The document number that groups rows."""
        return self._cell(record, "number", self.number_at) if self.kind in DOCUMENT_KINDS else None

    def code_of(self, record: Any) -> Optional[str]:
        return self._cell(record, "code", self.code_at) if self.kind == PRODUCTS else None

    def _cell(self, record: Any, name: str, at: Optional[int]) -> Optional[str]:
        cells = record.cells
        if self.columns is None:
            value = cells.get(name) if isinstance(cells, dict) else None
            return value if isinstance(value, str) else None
        return cells[at] if at is not None and at < len(cells) else None

    @staticmethod
    def is_blank(record: Any) -> bool:
        return isinstance(record.cells, list) and not any(record.cells)


class Importer:
    def __init__(self, item: ImportFileItem, tenant_id: str, batch_id: str, counter: Tuple[str, str]):
        """`counter`: the key of the item each made document is counted on (its chunk)."""
        info = item.info
        self.item, self.tenant_id, self.batch_id, self.counter = item, tenant_id, batch_id, counter
        self.kind, self.etag, self.actor = info["kind"], info["etag"], Actor(info["actor"])
        self.keep_numbers = info["numbering"] == "keep"
        self.keys = RowKeys(self.kind, info)
        self.columns = self.keys.columns
        tenant = TENANTS.store.read(tenant_id, tenant_id, use_cache=True).data
        self.base_currency, mapping = tenant["base_currency"], tenant.get("accounting_mapping")
        creates = info.get("customers") == "create" and self.kind in DOCUMENT_KINDS
        self.new_customers = NewCustomers(tenant_id, batch_id, item.file_id, self.actor,
                                          self.base_currency) if creates else None
        refs = {ref: customer_id for customer_id, ref in
                ((mapping or {}).get("customers", {}).get(self.columns.layout, {}) if self.columns else {}).items()}
        layout = self.columns.layout if self.columns else None
        self.lookups = Directory(tenant_id, self.new_customers.created if creates else None, mapping, refs,
                                 layout if layout in ACCOUNT_REF_LAYOUTS else None)

    def run(self, window: List[Any]) -> List[Outcome]:
        groups = [entry for entry in window if isinstance(entry, Group)]
        claims = read_claims(self._claim_pk(group) for group in groups)
        outcomes: List[Outcome] = []
        for entry in window:
            if isinstance(entry, Group):
                outcomes += self._one(entry, claims.get(self._claim_pk(entry)))
            elif isinstance(entry, Skipped):
                outcomes.append(Outcome(entry.record.line, SKIPPED, reason=entry.reason))
            else:
                outcomes.append(Outcome(entry.record.line, REJECTED, reason=entry.record.error))
        return outcomes

    def _one(self, group: Group, claim: Optional[ImportClaimItem]) -> List[Outcome]:
        if claim is not None:
            return self._claimed(group, claim)
        if group.overflow:
            return _rejected(group, [Problem(group.overflow[0], None,
                                             f"the document has more than {MAX_LINES} lines")])
        try:
            prepared, locate = self._prepare(group)
        except Rejected as rejected:
            return _rejected(group, rejected.problems)
        except Skip as skip:
            return [Outcome(row.line, SKIPPED, reason=str(skip)) for row in group.rows]
        return self._made(group, prepared, locate)

    def _made(self, group: Group, prepared: bodies.Prepared, locate: bodies.Locate) -> List[Outcome]:
        """The document (after the new customer it names), or why it was not made."""
        note = None
        try:
            if prepared.new_customer is not None:
                fields = prepared.fields  # the file's VATs first: a document refused for them makes nobody
                docs.check_stated_vat(fields["lines"], fields.get("currency") or self.base_currency,
                                      bool(fields.get("prices_include_vat")))
                customer_id, note = self.new_customers.customer_for(prepared, group.line)
                prepared = prepared._replace(fields={**prepared.fields, "customer_id": customer_id})
            made = self._create(group, prepared, note)
        except DomainError as refused:
            # Made meanwhile by a twin run of this chunk? Then that is this row's outcome, whichever
            # of its conditions (the claim, the number, a product code) refused this attempt first.
            claim = get_claim(self._claim_pk(group))
            return self._claimed(group, claim) if claim else _noted(
                _rejected(group, problems_of(refused, locate)), note)
        return _noted([Outcome(row.line, IMPORTED, made.id, getattr(made, "number", None))
                       for row in group.rows], note)

    def _prepare(self, group: Group):
        if self.columns is None:
            return bodies.from_json(self.kind, group.rows[0].cells, group.line)
        return bodies.from_rows(self.kind, self.columns, group.rows, self.lookups)

    def _create(self, group: Group, prepared: bodies.Prepared, note: Optional[str]):
        uow = UnitOfWork(before_commit=lambda made, writes: self._stake(writes, group, made, note,
                                                                        prepared.account_ref))
        fields = prepared.fields
        if self.kind == CUSTOMERS:
            defaults = {"currency": self.base_currency, "payment_terms_days": DEFAULT_PAYMENT_TERMS_DAYS}
            return create_record(uow, CUSTOMER_RECORDS, self.tenant_id, self.actor, {**defaults, **fields})
        if self.kind not in DOCUMENT_KINDS:
            defaults = {"currency": self.base_currency, "vat_category": vat.STANDARD}
            return create_record(uow, PRODUCT_RECORDS, self.tenant_id, self.actor, {**defaults, **fields})
        dtype = DOCUMENT_TYPES[self.kind]
        if not prepared.issue:
            return create_document(uow, dtype, self.tenant_id, self.actor, fields)
        options = {"exchange_rate": prepared.exchange_rate} if prepared.exchange_rate is not None else {}
        number = prepared.number if self.keep_numbers else None
        return create_issued(uow, dtype, self.tenant_id, self.actor, fields, options, number)

    def _stake(self, writes: Writes, group: Group, made: Any, note: Optional[str], account_ref: Optional[str]) -> None:
        """The document's claim (with its first line's note), a customer's account reference in the file's
        system, and the file's progress, in the document's own transaction."""
        if account_ref:
            writes.put(UniqueValueItem(account_ref_pk(self.tenant_id, self.columns.layout, account_ref),
                                       keys.RECORD_SK, owner_id=made.id),
                       condition=UniqueValueItem.PK.does_not_exist(),
                       on_fail=Conflict(f"Another customer has the account reference {account_ref}",
                                        [("account_ref", "is the account reference of another customer")]))
        writes.put(ImportClaimItem(self._claim_pk(group), keys.RECORD_SK, batch_id=self.batch_id,
                                   file_id=self.item.file_id, document_id=made.id,
                                   number=getattr(made, "number", None), line=group.line, note=note),
                   condition=ImportClaimItem.PK.does_not_exist(), on_fail=AlreadyImported("imported already"))
        writes.add_to(ImportChunkItem, *self.counter, {"imported": len(group.rows), "documents": 1})

    def _claim_pk(self, group: Group) -> str:
        """A document's claim is on its number (or line); a product's on its code, so that a code the
        file repeats finds the first's claim: the first wins, the others say so."""
        code = self.keys.code_of(group.rows[0])
        return claim_pk(self.tenant_id, self.kind, self.etag, f"c:{code}" if code else group.key)

    def _claimed(self, group: Group, claim: ImportClaimItem) -> List[Outcome]:
        """A document made before: by this file (a run again), or by another with the same content."""
        lines = [row.line for row in group.rows] + group.overflow
        if claim.file_id != self.item.file_id:
            reason = f"already imported by upload {claim.batch_id} (its line {int(claim.line)})"
            return [Outcome(line, DUPLICATE, claim.document_id, claim.number, reason=reason) for line in lines]
        if int(claim.line) == group.line:
            return _noted([Outcome(line, IMPORTED, claim.document_id, claim.number) for line in lines], claim.note)
        if self.kind == PRODUCTS:
            return _rejected(group, [Problem(group.line, self.columns and self.columns.header_of("code"),
                                             f"repeats the code of line {int(claim.line)} (imported as "
                                             f"{claim.document_id}): the first line wins")])
        return _rejected(group, [Problem(group.line, self.columns and self.columns.header_of("number"),
                                         f"repeats the document of line {int(claim.line)} (imported as "
                                         f"{claim.document_id}); keep a document's rows together")])


def _noted(outcomes: List[Outcome], note: Optional[str]) -> List[Outcome]:
    """The note (a customer the document's first line created or took) on that line's outcome."""
    return [outcomes[0]._replace(note=note), *outcomes[1:]] if note else outcomes


def _rejected(group: Group, problems: List[Problem]) -> List[Outcome]:
    """Every row of a refused document, each with its own problems, or a pointer to the first."""
    mine = defaultdict(list)
    for problem in problems:
        mine[problem.line].append(problem)
    first = min(problem.line for problem in problems)
    outcomes = []
    for line in [row.line for row in group.rows] + group.overflow:
        found = mine.get(line)
        if not found:
            outcomes.append(Outcome(line, REJECTED, reason=f"not imported: line {first} of the same document "
                                                            "was refused"))
        elif len(found) == 1:
            outcomes.append(Outcome(line, REJECTED, column=found[0].column, reason=found[0].message))
        else:
            outcomes.append(Outcome(line, REJECTED, column=found[0].column, reason="; ".join(
                f"{p.column}: {p.message}" if p.column else p.message for p in found)))
    return outcomes
