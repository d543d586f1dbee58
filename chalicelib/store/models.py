"""pynamodb models of the one table. Key layouts are built in store/keys.py."""
from pynamodb.attributes import TTLAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.constants import NULL
from pynamodb.exceptions import AttributeNullError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from .. import config
from .attributes import EVERY_FIELD, ExactNumber, RecordAttribute
from .raw_items import send_requests_as_built, take_items_as_sent
from .table import HASH_KEY, RANGE_KEY, index_keys


def _index(name: str) -> GlobalSecondaryIndex:
    """A fresh index object for one model (pynamodb binds an index to one model)."""
    pk, sk = index_keys(name)
    meta = type("Meta", (), {"index_name": name, "projection": AllProjection()})
    namespace = {
        "Meta": meta,
        pk: UnicodeAttribute(hash_key=True),
        sk: UnicodeAttribute(range_key=True),
    }
    return type(f"{name}Index", (GlobalSecondaryIndex,), namespace)()


class Item(Model):
    """Base of every model of the one table."""

    class Meta:
        table_name = config.table_name()
        region = config.region()

    PK = UnicodeAttribute(hash_key=True, attr_name=HASH_KEY)
    SK = UnicodeAttribute(range_key=True, attr_name=RANGE_KEY)

    @classmethod
    def _get_connection(cls):
        # pynamodb gives each model class a connection (and a botocore client) of
        # its own; every model here shares one table, so they share one connection,
        # built from DocumentItem, whose schema is the one that knows every index.
        global _shared_connection
        if _shared_connection is None or _shared_connection.table_name != cls.Meta.table_name:
            _shared_connection = Model._get_connection.__func__(DocumentItem)
            take_items_as_sent(_shared_connection.connection.client)
            send_requests_as_built(_shared_connection.connection.client)
        return _shared_connection

    def serialize(self, null_check: bool = True) -> dict:
        """pynamodb's own result, made without its per-attribute descriptor lookups and container
        checks, which cost more than the values: each of a transaction's items passes here (our
        models hold no Map or List attribute, which that code serves)."""
        values, serialized = self.attribute_values, {}
        for name, attribute in self.get_attributes().items():
            value = values.get(name)
            if value is not None:
                value = attribute.serialize(value)
            if value is not None:
                serialized[attribute.attr_name] = {attribute.attr_type: value}
            elif null_check and not attribute.null:
                raise AttributeNullError(name)
        return serialized

    @classmethod
    def from_raw_data(cls, data: dict) -> "Item":
        """pynamodb's own result, made the same way as `serialize` (our models have no defaults
        and no discriminator, which its code sets first): every item read passes here."""
        if data is None:
            raise ValueError("Received no data to construct object")
        item = cls.__new__(cls)
        values = item.attribute_values = {}
        for name, attribute in cls.get_attributes().items():
            stored = data.get(attribute.attr_name)
            if stored and NULL not in stored:
                values[name] = attribute.deserialize(attribute.get_value(stored))
        return item


class EntityItem(Item):
    """What records and documents share: identity, status, times, search text, fields, version.

    Never used on its own. Index keys GSI1-GSI3 have a meaning per kind (see subclasses)."""
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    id = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    # Lower-cased text the list search matches against.
    search = UnicodeAttribute(null=True)
    data = RecordAttribute()
    version = VersionAttribute()


class RecordItem(EntityItem):
    """A tenant, customer, product, API key or recurring template: its fields live in `data`.

    GSI1 every record of the kind by creation; GSI2 by status; GSI3 (sparse, across
    tenants) active recurring templates by the instant they next fall due."""
    by_kind = _index("GSI1")
    by_status = _index("GSI2")
    by_due_time = _index("GSI3")


class OccurrenceItem(Item):
    """Occurrence n of a recurring template was generated, as this invoice; claimed once."""
    invoice_id = UnicodeAttribute()
    day = UnicodeAttribute()


class DocumentItem(EntityItem):
    """An invoice, credit note, estimate or payment. Lines and totals live in `data`.

    Indexes: GSI1 every document of the kind by date; GSI2 by status by date;
    GSI3 open documents by due date (sparse: for overdue); GSI4 a customer's
    documents of the kind by date; GSI5 (sparse, across tenants) open invoices not yet
    marked overdue, by due date, for the scheduled tick.
    """
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    GSI5PK = UnicodeAttribute(null=True)
    GSI5SK = UnicodeAttribute(null=True)
    doc_date = UnicodeAttribute()
    due_date = UnicodeAttribute(null=True)
    customer_id = UnicodeAttribute()
    currency = UnicodeAttribute()
    number = UnicodeAttribute(null=True)

    by_kind = _index("GSI1")
    by_status = _index("GSI2")
    open_by_due = _index("GSI3")
    by_customer = _index("GSI4")
    awaiting_overdue = _index("GSI5")


class SeriesItem(Item):
    """The last number given in each period of a document series ({"2026": 41} or {"all": 9})."""
    last = RecordAttribute(whole_numbers=EVERY_FIELD)
    version = VersionAttribute()


class TallyItem(Item):
    """Running sums kept in the same transactions as the changes they sum (dashboard, counts)."""
    currency = UnicodeAttribute(null=True)
    day = UnicodeAttribute(null=True)
    documents = ExactNumber(null=True)
    raised = ExactNumber(null=True)
    received = ExactNumber(null=True)
    credited = ExactNumber(null=True)
    active = ExactNumber(null=True)


class BalanceItem(TallyItem):
    """What one customer owes and holds in credit, in one currency (see store/ledger.py)."""
    invoiced = ExactNumber(null=True)
    refunded = ExactNumber(null=True)
    allocated = ExactNumber(null=True)


class LedgerItem(Item):
    """One event in a customer's ledger (see store/ledger.py)."""
    day = UnicodeAttribute()
    at = UnicodeAttribute()
    kind = UnicodeAttribute()
    currency = UnicodeAttribute()
    amount = ExactNumber()
    allocated = ExactNumber()
    refs = RecordAttribute()


class HistoryItem(Item):
    """One change to a record: who, when, and each field before and after (JSON)."""
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    changes = UnicodeAttribute()


class UniqueValueItem(Item):
    """Claims a value, such as a product code, for one record."""
    owner_id = UnicodeAttribute()


class LeaseItem(Item):
    """Who may do a side effect (an email) now; see store/leases.py."""
    holder = UnicodeAttribute()
    until = UnicodeAttribute()


class ExpiringSecretItem(Item):
    """A credential kept only until its job has used it (a Xero push's access token), beside the
    record of that job; DynamoDB's TTL removes it after `expires_at` if the job never ran."""
    secret = UnicodeAttribute()
    expires_at = TTLAttribute()


class IdempotencyItem(Item):
    """The first answer to a POST with an Idempotency-Key, replayed to retries."""
    request_hash = UnicodeAttribute()
    response = UnicodeAttribute()
    expires_at = TTLAttribute()


_shared_connection = None


def connection():
    """The low-level connection, for transactions that span several models."""
    return Item._get_connection().connection
