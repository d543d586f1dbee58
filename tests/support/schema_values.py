"""Valid request values generated from the request schemas' own declarations, and the check that
an answer presents what was sent.

`values(field)` is a hypothesis strategy keyed on the Field class: every field of an object is
present (optional ones too), strings honour their lengths and patterns, numbers their bounds and
decimal places. A field whose class checks more than its declaration says (a class defined outside
the schema module, such as the Peppol identifier) and a patterned string with a declared example
take that example: the declaration vouches for it, a pattern alone does not (checksums).
"""
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Dict

from hypothesis import strategies as st

from chalicelib.api import schema
from chalicelib.domain.currencies import MINOR_UNITS

# Letters, marks, digits, punctuation, symbols and spaces of any script; never controls, format
# characters, surrogates, private use or unassigned code points (the schema refuses or may refuse
# those), nor braces (email templates read them as placeholders).
TEXT = st.characters(categories=("L", "M", "N", "P", "S", "Zs"), exclude_characters="{}")
FIRST_DAY, LAST_DAY = date(2020, 1, 1), date(2035, 12, 31)


def values(field: schema.Field) -> st.SearchStrategy:
    """A strategy for JSON values `field` accepts as they are (already in their stored form)."""
    if type(field).__module__ != schema.__name__ or (isinstance(field, schema.String) and field.pattern
                                                     and field.example is not None):
        return st.just(example(field))
    for kind in type(field).__mro__:
        if kind in _STRATEGIES:
            return _STRATEGIES[kind](field)
    raise TypeError(f"no values for {type(field).__name__}")


def example(field: schema.Field) -> Any:
    if isinstance(field, schema.Object):
        return {name: example(child) for name, child in field.fields.items()}
    assert field.example is not None, f"{type(field).__name__} declares no example to take"
    return field.example


def _string(field: schema.String) -> st.SearchStrategy:
    if field.pattern:
        shaped = st.from_regex(field.pattern, fullmatch=True)
    else:
        shaped = st.text(TEXT, min_size=field.min_length, max_size=min(field.max_length, 120))
    return shaped.filter(lambda s: s == s.strip() and field.min_length <= len(s) <= field.max_length)


def _amount(field: schema.Amount) -> st.SearchStrategy:
    def within(places: int) -> st.SearchStrategy:
        scale = 10 ** places
        low = int(field.minimum * scale) + (1 if field.exclusive_minimum else 0)
        return st.integers(low, int(field.maximum * scale)).map(lambda n: str(Decimal(n).scaleb(-places)))
    return st.integers(0, field.places).flatmap(within)


def _array(field: schema.Array) -> st.SearchStrategy:
    return st.lists(values(field.item), min_size=max(field.min_items, 1), max_size=min(field.max_items, 3))


def _object(field: schema.Object) -> st.SearchStrategy:
    return st.fixed_dictionaries({name: values(child) for name, child in field.fields.items()})


_STRATEGIES: Dict[type, Callable[[Any], st.SearchStrategy]] = {
    schema.Email: lambda f: st.from_regex(r"[a-z0-9]{1,20}(\.[a-z0-9]{1,10})?@[a-z0-9]{1,20}\.[a-z]{2,6}",
                                          fullmatch=True),
    schema.String: _string,
    schema.CurrencyCode: lambda f: st.sampled_from(sorted(MINOR_UNITS)),
    schema.TimeZone: lambda f: st.sampled_from(sorted(_zones())),
    schema.Choice: lambda f: st.sampled_from(f.choices),
    schema.Boolean: lambda f: st.booleans(),
    schema.Integer: lambda f: st.integers(f.minimum, f.maximum),
    schema.Amount: _amount,
    schema.Date: lambda f: st.dates(FIRST_DAY, LAST_DAY).map(date.isoformat),
    schema.Array: _array,
    schema.Object: _object,
    # Fields checked elsewhere (they depend on another field): their declared example, else empty.
    schema.OpenObject: lambda f: st.just({} if f.example is None else f.example),
}


def _zones():
    from zoneinfo import available_timezones

    return available_timezones()


def assert_presented(field: schema.Field, sent: Any, shown: Any, path: str = "") -> None:
    """`shown` (a JSON answer) presents `sent`: every field sent is there, equal, money as exact
    decimal strings and whole numbers as JSON integers."""
    where = path or "body"
    if isinstance(field, schema.Object):
        assert isinstance(shown, dict), f"{where}: {shown!r} is not an object"
        for name, value in sent.items():
            assert name in shown, f"{where}: {name} is missing from {sorted(shown)}"
            assert_presented(field.fields[name], value, shown[name], f"{path}.{name}" if path else name)
    elif isinstance(field, schema.Array):
        assert isinstance(shown, list) and len(shown) == len(sent), f"{where}: {shown!r} for {sent!r}"
        for i, (one_sent, one_shown) in enumerate(zip(sent, shown)):
            assert_presented(field.item, one_sent, one_shown, f"{path}[{i}]")
    elif isinstance(field, schema.Amount):
        assert isinstance(shown, str) and Decimal(shown) == Decimal(sent), f"{where}: {shown!r} for {sent!r}"
    elif isinstance(field, schema.Integer):
        assert type(shown) is int and shown == sent, f"{where}: {shown!r} for {sent!r}"
    else:
        assert shown == sent, f"{where}: {shown!r} for {sent!r}"
