"""A transaction's Put as the store builds it (store/unit_of_work.py put_request) is what pynamodb's
own TransactWrite.save builds (Model.get_save_kwargs_from_instance), for every model of the table,
any attributes set, a version read or none, with or without a condition of the caller's."""
import pytest
from hypothesis import given, settings, strategies as st
from pynamodb.exceptions import AttributeNullError

from chalicelib.store.unit_of_work import check_request, put_request
from test_model_serialize import MODELS, _values


def _condition(model):
    return st.sampled_from([
        None, model.PK.does_not_exist(), model.SK == "RECORD",
        model.PK.exists() & model.SK.startswith("OCC") | model.SK.is_in("a", "b")])


def _built(build):
    try:
        return build()
    except AttributeNullError as error:
        return ("refused", str(error))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@settings(deadline=None)  # the machine is shared: a first example can be slow
@given(data=st.data())
def test_a_put_is_what_pynamodbs_transaction_sends(model, data):
    values = data.draw(_values(model))
    values.update(PK=data.draw(st.text(min_size=1, max_size=4)), SK=data.draw(st.text(min_size=1, max_size=4)))
    item, condition = model(**values), data.draw(_condition(model))
    version = item.attribute_values.get("version")
    expected = _built(lambda: item.get_save_kwargs_from_instance(condition=condition))
    assert _built(lambda: put_request(item, condition)) == expected
    assert item.attribute_values.get("version") == version  # the item's own version moves on commit only


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@settings(deadline=None)
@given(data=st.data())
def test_a_condition_check_is_what_pynamodb_builds(model, data):
    """store/unit_of_work.py check_request against pynamodb's own ConditionCheck kwargs."""
    pk, sk = data.draw(st.text(min_size=1, max_size=6)), data.draw(st.text(min_size=1, max_size=6))
    condition = data.draw(st.sampled_from([
        model.PK.exists(), model.SK == "RECORD", model.PK.does_not_exist() | model.SK.startswith("OCC")]
        + ([model.version == data.draw(st.integers(0, 10 ** 6))] if "version" in model.get_attributes() else [])))
    assert check_request(model, pk, sk, condition) == model.get_operation_kwargs_from_class(pk, sk, condition)
