"""Names from other modules, imported on first use.

The API modules declare routes at `import app`, which is every Lambda's cold
start; the services behind the routes pull in pynamodb and the store. Naming a
service through `lazy` defers that import to the first request that calls it,
so the authorizer and every route still start fast (bench/cold_start.py).
"""
import importlib
from typing import Any


class lazy:  # noqa: N801 - used like an imported name
    def __init__(self, module: str, name: str):
        self._module, self._name, self._target = module, name, None

    def resolve(self) -> Any:
        if self._target is None:
            self._target = getattr(importlib.import_module(self._module), self._name)
        return self._target

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)

    def __getattr__(self, attribute: str):
        return getattr(self.resolve(), attribute)


class lazy_module:  # noqa: N801 - used like an imported module
    """A module imported on first use of any of its names."""

    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._module), attribute)
