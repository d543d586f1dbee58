"""The store's whole-number fields, checked against every request schema of the route registry."""
from decimal import Decimal

from chalicelib.store.attributes import EVERY_FIELD, WHOLE_NUMBER_FIELDS, RecordAttribute


def _fields(field, name=None):
    """(name, field) for every named field at any depth of a schema."""
    from chalicelib.api.schema import Array, Object

    if name is not None:
        yield name, field
    if isinstance(field, Object):
        for child_name, child in field.fields.items():
            yield from _fields(child, child_name)
    elif isinstance(field, Array):
        yield from _fields(field.item, None if name is None else name)


def _request_fields():
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.routing import ROUTES

    for doc in ROUTES:
        if doc.body is not None:
            yield from _fields(doc.body)


def test_every_whole_number_a_client_may_send_comes_back_whole_and_no_amount_does():
    from chalicelib.api.schema import Amount, Array, Integer

    def whole(field):
        return isinstance(field, Integer) or isinstance(field, Array) and isinstance(field.item, Integer)

    fields = list(_request_fields())
    assert fields, "the route registry declares request bodies"
    # Credit-note and split requests name invoice lines by index; those indexes are never stored.
    never_stored = {"lines"}
    missing = {name for name, field in fields if whole(field)} - WHOLE_NUMBER_FIELDS - never_stored
    assert not missing
    money = {name for name, field in fields if isinstance(field, Amount)} & WHOLE_NUMBER_FIELDS
    assert not money


def test_a_map_keeps_whole_numbers_whole_at_any_depth_and_money_decimal():
    attribute = RecordAttribute()
    stored = {"payment_terms_days": 14, "reminder_days": [7, 21], "recurring": {"occurrence": 3},
              "lines": [{"quantity": Decimal("2"), "net": Decimal("10.00")}], "totals": {"gross": Decimal("12")}}
    back = attribute.deserialize(attribute.serialize(stored))
    assert back["payment_terms_days"] == 14 and type(back["payment_terms_days"]) is int
    assert [type(d) for d in back["reminder_days"]] == [int, int]
    assert type(back["recurring"]["occurrence"]) is int
    assert type(back["lines"][0]["quantity"]) is Decimal and type(back["totals"]["gross"]) is Decimal


def test_a_series_counter_is_whole_in_every_period():
    attribute = RecordAttribute(whole_numbers=EVERY_FIELD)
    back = attribute.deserialize(attribute.serialize({"2026": 41, "all": 9}))
    assert back == {"2026": 41, "all": 9} and {type(v) for v in back.values()} == {int}
