"""What changed between two views of a record, for its history."""
from typing import Any, Dict


def diff(before: Dict[str, Any], after: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
    """Each field whose value differs, as {"field": {"before": old, "after": new}}."""
    fields = sorted(set(before) | set(after))
    return {
        name: {"before": before.get(name), "after": after.get(name)}
        for name in fields
        if before.get(name) != after.get(name)
    }
