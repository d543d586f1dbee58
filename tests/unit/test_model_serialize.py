"""Our models' serialize and from_raw_data (store/models.py Item) give what pynamodb's own code
gives, for every model of the table (in every store module) and any set or missing attributes;
serialize refuses a missing required attribute alike."""
import importlib
import pkgutil
from datetime import datetime, timezone

import pytest
from hypothesis import given, strategies as st
from pynamodb.attributes import (AttributeContainer, BinaryAttribute, BooleanAttribute, ListAttribute, MapAttribute,
                                 NumberAttribute, TTLAttribute, UnicodeAttribute, UnicodeSetAttribute,
                                 VersionAttribute)
from pynamodb.exceptions import AttributeNullError

from chalicelib import store
from chalicelib.store.attributes import ExactNumber, RecordAttribute
from chalicelib.store.models import Item


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


for _module in pkgutil.iter_modules(store.__path__):  # models defined beside their stores too
    importlib.import_module(f"{store.__name__}.{_module.name}")
MODELS = sorted(set(_subclasses(Item)), key=lambda cls: cls.__name__)
_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-10 ** 9, max_value=10 ** 9)
_field = st.none() | st.text(max_size=3) | _decimals | st.integers(0, 99) | st.lists(_decimals, max_size=2)
_data = st.dictionaries(st.sampled_from(["lines", "next", "name", "unit_price"]), _field, max_size=3)
_BY_TYPE = {UnicodeAttribute: st.text(max_size=4), VersionAttribute: st.integers(1, 10 ** 6),
            RecordAttribute: _data, ExactNumber: _decimals, NumberAttribute: st.integers(-10 ** 6, 10 ** 6),
            BooleanAttribute: st.booleans(), BinaryAttribute: st.binary(max_size=4),
            UnicodeSetAttribute: st.sets(st.text(max_size=4), max_size=3),
            TTLAttribute: st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                                       timezones=st.just(timezone.utc))}


def _values(model):
    return st.fixed_dictionaries({}, optional={name: _BY_TYPE[type(attribute)]
                                               for name, attribute in model.get_attributes().items()})


def _result(serialize, null_check):
    try:
        return serialize(null_check=null_check)
    except AttributeNullError as error:
        return ("refused", str(error))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_no_model_holds_what_pynamodbs_own_code_serves_and_ours_leaves_out(model):
    assert not [name for name, attribute in model.get_attributes().items()
                if isinstance(attribute, (MapAttribute, ListAttribute)) or type(attribute) not in _BY_TYPE
                or attribute.default is not None or attribute.default_for_new is not None]
    assert model._get_discriminator_attribute() is None


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@given(data=st.data())
def test_serialize_gives_what_pynamodb_gives(model, data):
    item = model(**data.draw(_values(model)))
    for null_check in (True, False):
        assert _result(item.serialize, null_check) == _result(
            lambda **kw: AttributeContainer._container_serialize(item, **kw), null_check)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@given(data=st.data())
def test_from_raw_data_gives_what_pynamodb_gives(model, data):
    stored = model(**data.draw(_values(model))).serialize(null_check=False)
    stored.update(data.draw(st.fixed_dictionaries({}, optional={
        "unknown": st.just({"S": "x"}), "PK": st.just({"NULL": True}), "GSI1SK": st.just({"NULL": True})})))
    item, expected = model.from_raw_data(stored), model._instantiate(stored)  # pynamodb's own
    assert type(item) is model and item.attribute_values == expected.attribute_values
