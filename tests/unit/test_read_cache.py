"""The process's cache of items (store/reads.py): each use gets what pynamodb makes of the stored
item, as a copy of its own, however the previous user changed theirs (no I/O)."""
from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given, strategies as st

from chalicelib.store.models import DocumentItem, ExpiringSecretItem, RecordItem
from chalicelib.store.reads import _Cache

PK, SK = "T#ten_a#RECURRING#rec_1", "RECORD"
_scalars = st.none() | st.booleans() | st.text(max_size=3) | st.integers(-10 ** 12, 10 ** 12) | st.decimals(
    allow_nan=False, allow_infinity=False, places=2, min_value=-10 ** 9, max_value=10 ** 9)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["lines", "next", "unit_price", "a"]), inner, max_size=3), max_leaves=12)


def _record(data):
    return RecordItem(PK, SK, id="rec_1", kind="RECURRING", status="active", created_at="2026-01-01T00:00:00Z",
                      updated_at="2026-01-01T00:00:00Z", data=data, version=3)


@given(st.dictionaries(st.sampled_from(["lines", "next", "schedule", "name"]), _values, max_size=4))
def test_each_use_gets_what_a_fresh_read_gives(data):
    stored = _record(data).serialize()
    cache = _Cache(4)
    cache.keep(RecordItem, PK, SK, stored)
    for _ in range(2):  # the first use makes the values, the second copies them
        item = cache.get(RecordItem, PK, SK)
        fresh = RecordItem.from_raw_data(stored)
        assert item.attribute_values == fresh.attribute_values
        assert type(item) is RecordItem and item.version == 3


def test_a_change_to_one_use_is_not_seen_by_the_next():
    cache = _Cache(4)
    cache.keep(RecordItem, PK, SK, _record({"next": 1, "lines": [{"unit_price": Decimal("9.50")}],
                                            "schedule": {"unit": "month"}}).serialize())
    first = cache.get(RecordItem, PK, SK)
    first.data["lines"][0]["unit_price"] = Decimal(0)
    first.data["lines"].append({})
    first.data["schedule"]["unit"] = "week"
    first.data["next"] = 2
    first.status, first.version = "ended", 4
    second = cache.get(RecordItem, PK, SK)
    assert second.data == {"next": 1, "lines": [{"unit_price": Decimal("9.50")}], "schedule": {"unit": "month"}}
    assert (second.status, second.version) == ("active", 3)


def test_an_item_is_given_only_as_the_model_it_was_kept_as():
    cache = _Cache(4)
    cache.keep(RecordItem, PK, SK, _record({}).serialize())
    assert cache.get(DocumentItem, PK, SK) is None and cache.get(RecordItem, PK, "OTHER") is None


def test_other_attribute_types_come_back_as_pynamodb_makes_them():
    expires = datetime(2026, 3, 1, tzinfo=timezone.utc)
    stored = ExpiringSecretItem("T#ten_a#PUSH#p", "SECRET", secret="s", expires_at=expires).serialize()
    cache = _Cache(4)
    cache.keep(ExpiringSecretItem, "T#ten_a#PUSH#p", "SECRET", stored)
    for _ in range(2):
        assert cache.get(ExpiringSecretItem, "T#ten_a#PUSH#p", "SECRET").attribute_values == \
            ExpiringSecretItem.from_raw_data(stored).attribute_values


def test_a_carried_copy_is_kept_only_over_an_older_one():
    """A queue message's copy of an item (store/reads.keep_carried) must not replace what this
    process holds as new or newer (it wrote the item since the copy was made)."""
    cache = _Cache(4)
    held = {**_record({"next": 1}).serialize(), "version": {"N": "5"}}
    cache.keep(RecordItem, PK, SK, held)
    for older in ("3", "5"):
        cache.keep(RecordItem, PK, SK, {**_record({"next": 0}).serialize(), "version": {"N": older}}, unless_newer=True)
        assert cache.get(RecordItem, PK, SK).version == 5
    cache.keep(RecordItem, PK, SK, {**_record({"next": 2}).serialize(), "version": {"N": "6"}}, unless_newer=True)
    newer = cache.get(RecordItem, PK, SK)
    assert newer.version == 6 and newer.data == {"next": 2}
    cache.forget(PK, SK)
    cache.keep(RecordItem, PK, SK, {**_record({"next": 0}).serialize(), "version": {"N": "3"}}, unless_newer=True)
    assert cache.get(RecordItem, PK, SK).version == 3  # nothing held: kept
