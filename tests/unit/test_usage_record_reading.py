"""Usage records read from plain fields (API bodies, file rows): what is a call, an event, or refused
naming its field. Pure: no I/O."""
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.usage_records import MAX_DURATION, Call, Event, id_digest, record_from

CALL = {"id": "c1", "account": "ACME", "start": "2026-03-01T09:15:02+01:00", "duration_seconds": "125",
        "destination": "+44 7700 900123"}


def refused(fields, zone=None):
    with pytest.raises(ValidationError) as error:
        record_from(fields, zone)
    return error.value.details


def test_a_call_keeps_its_instant_and_its_fields():
    call = record_from({**CALL, "caller": "100", "trunk": "t1", "direction": "inbound"})
    assert isinstance(call, Call)
    assert call.start == datetime(2026, 3, 1, 8, 15, 2, tzinfo=timezone.utc)
    assert (call.duration, call.destination, call.direction, call.caller, call.trunk) == (
        125, "+44 7700 900123", "inbound", "100", "t1")
    assert record_from({**CALL, "start": "2026-03-01T08:15:02Z"}).start == call.start


def test_an_event_has_a_metric_a_quantity_and_a_time():
    event = record_from({"id": "e1", "account": "ACME", "metric": "sms", "quantity": "2.50",
                         "time": "2026-03-01T00:00:00Z", "properties": {"to": "44"}})
    assert isinstance(event, Event) and event.quantity == Decimal("2.50") and event.properties == {"to": "44"}


@pytest.mark.parametrize("change, field", [
    ({"id": " "}, "id"), ({"account": None}, "account"), ({"start": "2026-03-01T09:15:02"}, "start"),
    ({"start": "yesterday"}, "start"), ({"duration_seconds": "-1"}, "duration_seconds"),
    ({"duration_seconds": "1.5"}, "duration_seconds"), ({"duration_seconds": str(MAX_DURATION + 1)}, "duration_seconds"),
    ({"duration_seconds": "²"}, "duration_seconds"), ({"destination": ""}, "destination"),
    ({"direction": "sideways"}, "direction"), ({"id": "x" * 101}, "id"),
])
def test_a_bad_call_is_refused_naming_its_field(change, field):
    assert [f for f, _ in refused({**CALL, **change})] == [field]


@pytest.mark.parametrize("change, field", [({"quantity": "-1"}, "quantity"), ({"quantity": "lots"}, "quantity"),
                                           ({"metric": "s m s"}, "metric"), ({"time": None}, "time")])
def test_a_bad_event_is_refused_naming_its_field(change, field):
    event = {"id": "e1", "account": "ACME", "metric": "sms", "quantity": "1", "time": "2026-03-01T00:00:00Z"}
    assert [f for f, _ in refused({**event, **change})] == [field]


def test_a_time_without_offset_is_read_in_the_zone_given():
    london = ZoneInfo("Europe/London")
    summer = record_from({**CALL, "start": "2026-07-01 10:00:00"}, london)
    assert summer.start.astimezone(timezone.utc) == datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc)


@given(st.integers(min_value=0, max_value=MAX_DURATION))
def test_any_whole_number_of_seconds_up_to_a_week_is_a_duration(seconds):
    assert record_from({**CALL, "duration_seconds": str(seconds)}).duration == seconds
    assert record_from({**CALL, "duration_seconds": Decimal(seconds)}).duration == seconds


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
       st.integers(min_value=-14 * 4, max_value=14 * 4))
def test_any_offset_gives_the_same_instant(at, quarters):
    zone = timezone(timedelta(minutes=15 * quarters))
    text = at.replace(tzinfo=zone).isoformat()
    assert record_from({**CALL, "start": text}).start == at.replace(tzinfo=zone)


def test_ids_are_told_apart_by_their_digests():
    digests = {id_digest(f"cdr-{n}") for n in range(100_000)}
    assert len(digests) == 100_000 and all(len(d) == 8 for d in digests)
