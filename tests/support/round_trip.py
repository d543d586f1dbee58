"""Writing generated bodies through the API and reading them back, for tests/api/test_round_trip.py."""
import json
import re
from typing import AbstractSet, Any, Callable, Dict, Optional, Set, Tuple
from urllib.parse import quote

from tests.support.api import Answer, Api
from tests.support.schema_values import assert_presented, values


def route_doc(method: str, path: str):
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.routing import ROUTES

    return next(doc for doc in ROUTES if doc.method == method and doc.path == path)


def routes(with_body: bool = False) -> Set[Tuple[str, str]]:
    """(method, path) of every route, or of those that take a body."""
    import app  # noqa: F401
    from chalicelib.api.routing import ROUTES

    return {(doc.method, doc.path) for doc in ROUTES if doc.body is not None or not with_body}


def concrete(path: str, ids: Dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], path)


def assert_json_answer(answer: Answer) -> None:
    """Never a server error, and no number that JSON readers would take as a float."""
    assert answer.status < 500, answer.body
    floats = []
    json.loads(json.dumps(answer.body), parse_float=lambda text: floats.append(text))
    assert not floats, f"numbers sent as JSON floats: {floats}"


def at(record: Any, dotted: str) -> Any:
    """The value at a dotted path ("refunds.0.amount"), or None."""
    for name in dotted.split("."):
        if isinstance(record, list):
            record = record[int(name)] if int(name) < len(record) else None
        else:
            record = (record or {}).get(name)
    return record


def without(value: Any, paths) -> Any:
    """`value` less the fields at `paths` (lists of names; "*" for every item of a list)."""
    if not paths:
        return value
    if isinstance(value, list):
        return [without(item, [p[1:] for p in paths if p[0] == "*"]) for item in value]
    here = {p[0] for p in paths if len(p) == 1}
    return {name: without(item, [p[1:] for p in paths if p[0] == name and len(p) > 1])
            for name, item in value.items() if name not in here}


class RoundTrip:
    """One caller writing generated bodies (drawn with hypothesis' `draw`) and checking the answers;
    remembers every route it sent a body to."""

    def __init__(self, api: Api, draw):
        self.api, self.draw = api, draw
        self.covered: Set[Tuple[str, str]] = set()
        self.last_body: Dict[str, Any] = {}

    def body(self, method: str, path: str, fit: Callable[[Dict[str, Any]], Dict[str, Any]] = dict) -> Dict[str, Any]:
        """A body with every field the route accepts; `fit` sets those that must name or agree with
        something else."""
        return fit(self.draw(values(route_doc(method, path).body)))

    def send(self, method: str, path: str, ids: Dict[str, str], body: Dict[str, Any],
             expect: AbstractSet[int] = frozenset()) -> Answer:
        """Send `body`; the answer has the route's status (or one of `expect`)."""
        answer = self.api.call(method, concrete(path, ids), body)
        assert_json_answer(answer)
        assert answer.status in (expect or {route_doc(method, path).status}), (method, path, body, answer.body)
        self.covered.add((method, path))
        return answer

    def write(self, method: str, path: str, ids: Dict[str, str], read: Optional[str] = None,
              listed: Optional[str] = None, fit: Callable[[Dict[str, Any]], Dict[str, Any]] = dict,
              shown_as: Optional[Dict[str, str]] = None, unshown: Tuple[str, ...] = ()) -> Dict[str, Any]:
        """Send a generated body; the answer, GET `read` and the list `listed` present every field
        sent (under the name `shown_as` gives it, but for those `unshown`: dotted paths, * for every
        item of a list). Returns the record as GET (or the answer) shows it."""
        body = self.last_body = self.body(method, path, fit)
        answer = self.send(method, path, ids, body)
        schema = route_doc(method, path).body
        expected = without(body, [name.split(".") for name in unshown])

        def check(record):
            assert_presented(schema, expected, {**record, **{name: at(record, shown) for name, shown in renamed.items()}})

        renamed = shown_as or {}
        check(answer.body)
        ids = {**ids, "id": answer.body.get("id", "")}
        shown = self.read(concrete(read, ids)) if read else answer.body
        check(shown)
        if listed:
            check(self.find_listed(listed, ids, shown["id"]))
        return shown

    def read(self, path: str) -> Any:
        answer = self.api.get(path)
        assert_json_answer(answer)
        assert answer.status == 200, (path, answer.body)
        return answer.body

    def find_listed(self, path: str, ids: Dict[str, str], record_id: str) -> Dict[str, Any]:
        cursor = ""
        expand = route_doc("GET", path).query.get("expand")  # the list shows all it can
        path = concrete(path, ids)
        query = "limit=100" + "".join(f"&expand={part}" for part in (expand.choices if expand else ()))
        while True:
            page = self.read(f"{path}?{query}" + (f"&cursor={quote(cursor)}" if cursor else ""))
            found = [record for record in page["data"] if record["id"] == record_id]
            if found:
                return found[0]
            cursor = page.get("next_cursor")
            assert cursor, f"{record_id} is not listed in {path}"
