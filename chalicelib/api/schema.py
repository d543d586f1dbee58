"""Strict request validation, and the OpenAPI schema of the same declarations.

A schema parses untrusted JSON (already decoded with Decimal for numbers) into
clean Python values, collecting every problem with its field path, so a client
learns all that is wrong in one answer. The same objects describe themselves
for /openapi.json, so documentation and validation cannot disagree.
"""
import re
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Dict, List, Optional

from ..domain.currencies import is_currency
from ..domain.errors import ValidationError

_SUPPLEMENTARY_NONCHARACTERS = "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                                       for plane in range(1, 17))
# Refused in every text field, naming the field and the character: controls other than tab and
# line feed (C0, DEL, C1); lone surrogates and non-characters, which are not text and cannot be
# encoded; the bidi embedding, override and isolate controls, which make text read otherwise than
# it is (in a name, an amount or a reference); line and paragraph separators, which break CSV and
# JavaScript readers; and the byte order mark. Nothing is stripped silently.
_REFUSED_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff\ufdd0-\ufdef\ufffe\uffff"
    "\ud800-\udfff" + _SUPPLEMENTARY_NONCHARACTERS + "]")
_DECIMAL_TEXT = re.compile(r"\s*-?[0-9]{1,15}(\.[0-9]{1,10})?\s*")  # ASCII digits only
_WHOLE_TEXT = re.compile(r"-?[0-9]{1,12}")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LONGEST_NUMBER = 40  # characters of a JSON number; every number we accept is far shorter
_ECHOED_LENGTH = 40  # characters of a client's text repeated in an error message


def json_number(text: str) -> Decimal:
    """A JSON number, exactly. One longer than any we accept is read as infinite, which every
    number field refuses as out of range, so that no digit string costs time to convert."""
    if len(text) > _LONGEST_NUMBER:
        return Decimal("-Infinity" if text.startswith("-") else "Infinity")
    return Decimal(text)


def shown(text: str) -> str:
    """A client's text as an error message repeats it: short, and with every refused character escaped."""
    cut = text[:_ECHOED_LENGTH]
    cut = _REFUSED_CHARACTERS.sub(lambda m: "\\u%04x" % ord(m.group()), cut)
    return cut + ("..." if len(text) > _ECHOED_LENGTH else "")


class Problems:
    """Collects (field, message) pairs while a request is parsed; the first MAX_DETAILS are
    answered (a body of 100,000 wrong items gets a short answer), with how many more there were."""
    MAX_DETAILS = 100

    def __init__(self):
        self.items: List[tuple] = []
        self.more = 0

    def add(self, path: str, message: str) -> None:
        if len(self.items) < self.MAX_DETAILS:
            self.items.append((path or "body", message))
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if self.items:
            first_field, first_message = self.items[0]
            more = f" (and {self.more} more problems not listed)" if self.more else ""
            raise ValidationError(f"{first_field}: {first_message}{more}", self.items)


class Field:
    json_type = "string"

    def __init__(self, *, required: bool = False, nullable: bool = True, description: str = "",
                 example: Any = None):
        self.required = required
        # An optional field may be sent as null to clear it, unless clearing it means nothing
        # (it has a default, or the record needs it).
        self.nullable = nullable and not required
        self.description = description
        self.example = example

    def parse(self, value: Any, path: str, problems: Problems) -> Any:
        raise NotImplementedError

    def openapi(self) -> Dict[str, Any]:
        schema: Dict[str, Any] = {"type": self.json_type}
        if self.description:
            schema["description"] = self.description
        if self.example is not None:
            schema["example"] = self.example
        return schema


class String(Field):
    def __init__(self, *, min_length: int = 1, max_length: int = 200, pattern: Optional[str] = None,
                 lower: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.min_length = min_length
        self.max_length = max_length
        self._pattern = pattern
        self.lower = lower

    @cached_property
    def pattern(self) -> Optional[re.Pattern]:
        """Compiled on the field's first use: every route declares its fields at a cold start."""
        return re.compile(self._pattern) if self._pattern else None

    def parse(self, value, path, problems):
        if not isinstance(value, str):
            problems.add(path, "must be a string")
            return None
        value = value.strip()
        length = len(value)
        if length < self.min_length:
            problems.add(path, "must not be empty" if self.min_length == 1
                         else f"must be at least {self.min_length} characters")
        elif length > self.max_length:
            problems.add(path, f"must be at most {self.max_length} characters")
        else:
            # Every refused character is unprintable: most text is searched by isprintable alone.
            refused = None if value.isprintable() else _REFUSED_CHARACTERS.search(value)
            if refused:
                problems.add(path, "must not contain the character U+%04X" % ord(refused.group()))
            elif self.pattern and not self.pattern.fullmatch(value):
                problems.add(path, self.invalid_message())
        return value.lower() if self.lower else value

    def invalid_message(self) -> str:
        return "has an invalid format"

    def openapi(self):
        schema = super().openapi()
        schema.update(minLength=self.min_length, maxLength=self.max_length)
        if self.pattern:
            schema["pattern"] = f"^(?:{self.pattern.pattern})$"  # JSON Schema patterns search; ours match whole
        return schema


class Email(String):
    def __init__(self, **kwargs):
        super().__init__(max_length=254, pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+", lower=True, **kwargs)

    def invalid_message(self):
        return "must be an email address"

    def openapi(self):
        return {**super().openapi(), "format": "email"}


class CurrencyCode(Field):
    def parse(self, value, path, problems):
        if not isinstance(value, str) or not is_currency(value.upper()):
            problems.add(path, "must be an ISO 4217 currency code such as GBP")
            return None
        return value.upper()

    def openapi(self):
        return {**super().openapi(), "pattern": "^[A-Z]{3}$", "example": "GBP"}


class TimeZone(Field):
    def parse(self, value, path, problems):
        from zoneinfo import ZoneInfo  # zoneinfo loads tzdata lazily; only tenant admin needs it

        try:
            ZoneInfo(value)
            return value
        except Exception:  # ZoneInfo raises several types for bad keys
            problems.add(path, "must be an IANA time zone such as Europe/London")
            return None

    def openapi(self):
        return {**super().openapi(), "example": "Europe/London"}


class Choice(Field):
    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = tuple(choices)

    def parse(self, value, path, problems):
        if value not in self.choices:
            problems.add(path, "must be one of " + ", ".join(self.choices))
            return None
        return value

    def openapi(self):
        return {**super().openapi(), "enum": list(self.choices)}


class Boolean(Field):
    json_type = "boolean"

    def parse(self, value, path, problems):
        if not isinstance(value, bool):
            problems.add(path, "must be true or false")
            return None
        return value


class Integer(Field):
    json_type = "integer"

    def __init__(self, *, minimum: int, maximum: int, from_text: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum, self.from_text = minimum, maximum, from_text

    def parse(self, value, path, problems):
        if self.from_text and isinstance(value, str) and _WHOLE_TEXT.fullmatch(value):
            value = int(value)
        if isinstance(value, Decimal):
            if not value.is_finite() or value.adjusted() > 12:  # checked before any conversion
                problems.add(path, self.range_message())
                return None
            if value == value.to_integral_value():
                value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            problems.add(path, "must be a whole number")
            return None
        if not self.minimum <= value <= self.maximum:
            problems.add(path, self.range_message())
        return value

    def range_message(self) -> str:
        return f"must be between {self.minimum} and {self.maximum}"

    def openapi(self):
        return {**super().openapi(), "minimum": self.minimum, "maximum": self.maximum}


class Amount(Field):
    """An exact decimal: a JSON string such as "12.50" (or a JSON number, read exactly)."""

    def __init__(self, *, minimum: Decimal = Decimal(0), maximum: Decimal = Decimal("999999999999"),
                 places: int = 2, exclusive_minimum: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.minimum, self.maximum, self.places = minimum, maximum, places
        self.exclusive_minimum = exclusive_minimum
        self._digits = len(str(maximum))  # an amount with more whole digits is over the maximum
        self._low, self._high = Decimal(minimum), Decimal(maximum)  # Decimal to Decimal compares fastest

    @cached_property
    def _plain(self) -> re.Pattern:
        """The usual string, within this field's places: one match and one Decimal (no exponent, no
        rounding to do); anything else takes the general way (_parse_any), which says what is wrong.
        Compiled on the field's first use, as String's pattern."""
        fraction = r"(?:\.[0-9]{1,%d})?" % min(self.places, 10) if self.places > 0 else ""
        return re.compile(r"\s*(-?[0-9]{1,15}%s)\s*" % fraction)

    def parse(self, value, path, problems):
        plain = self._plain.fullmatch(value) if type(value) is str else None
        if plain is None:
            return self._parse_any(value, path, problems)
        amount = Decimal(plain[1])
        if amount.adjusted() >= self._digits:
            problems.add(path, f"must be at most {self.maximum}" if amount > 0 else self.minimum_message())
            return None
        self._check_range(amount, path, problems)
        return amount + 0  # "-0" as 0

    def _parse_any(self, value, path, problems):
        amount = _to_decimal(value)
        if amount is None:
            problems.add(path, 'must be a decimal number written as a string, such as "12.50"')
            return None
        if amount.is_infinite() or amount.adjusted() >= self._digits:  # before any arithmetic
            problems.add(path, f"must be at most {self.maximum}" if amount > 0 else self.minimum_message())
            return None
        exponent = amount.as_tuple().exponent
        if -exponent > self.places:
            problems.add(path, f"must have at most {self.places} decimal places")
        else:
            self._check_range(amount, path, problems)
        # Normalise "-0" and whole numbers given with exponents ("1E+2").
        return amount + 0 if exponent <= 0 else amount.quantize(Decimal(1))

    def _check_range(self, amount: Decimal, path: str, problems: Problems) -> None:
        if amount <= self._low if self.exclusive_minimum else amount < self._low:
            problems.add(path, self.minimum_message())
        elif amount > self._high:
            problems.add(path, f"must be at most {self.maximum}")

    def minimum_message(self) -> str:
        return f"must be {'greater than' if self.exclusive_minimum else 'at least'} {self.minimum}"

    def openapi(self):
        schema = super().openapi()
        schema["pattern"] = r"^-?[0-9]+(\.[0-9]{1,%d})?$" % self.places if self.places else r"^-?[0-9]+$"
        schema.setdefault("example", "12.50")
        return schema


def _to_decimal(value) -> Optional[Decimal]:
    """A Decimal from a JSON number or a decimal string (ASCII digits); None if it is neither."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        return None
    if isinstance(value, str):
        if not _DECIMAL_TEXT.fullmatch(value):
            return None
        value = value.strip()
    amount = Decimal(value)
    return None if amount.is_nan() else amount


class Date(Field):
    def parse(self, value, path, problems):
        if isinstance(value, str) and _DATE_TEXT.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        problems.add(path, "must be a date as YYYY-MM-DD")
        return None

    def openapi(self):
        return {**super().openapi(), "format": "date"}


class Array(Field):
    json_type = "array"

    def __init__(self, item: Field, *, max_items: int, min_items: int = 0, **kwargs):
        super().__init__(**kwargs)
        self.item, self.max_items, self.min_items = item, max_items, min_items

    def parse(self, value, path, problems):
        if not isinstance(value, list):
            problems.add(path, "must be a list")
            return None
        if not self.min_items <= len(value) <= self.max_items:
            problems.add(path, f"must have between {self.min_items} and {self.max_items} items")
            return None
        parse = self.item.parse
        return [parse(v, f"{path}[{i}]", problems) for i, v in enumerate(value)]

    def openapi(self):
        return {**super().openapi(), "items": self.item.openapi(),
                "minItems": self.min_items, "maxItems": self.max_items}


class Object(Field):
    """A JSON object with known fields only. Optional fields may be null to clear them."""
    json_type = "object"

    def __init__(self, fields: Dict[str, Field], **kwargs):
        super().__init__(**kwargs)
        self.fields = fields

    def parse(self, value, path, problems, partial: bool = False):
        if not isinstance(value, dict):
            problems.add(path, "must be an object")
            return None
        prefix = f"{path}." if path else ""
        fields = self.fields
        if not fields.keys() >= value.keys():
            for name in value:
                if name not in fields:
                    problems.add(prefix + shown(name), "is not a known field")
        clean = {}
        given = value.get
        for name, field in fields.items():
            raw = given(name)
            if raw is not None:
                clean[name] = field.parse(raw, prefix + name, problems)
                continue
            null = name in value  # given as null, not left out
            if field.required and (not partial or null):
                problems.add(prefix + name, "is required")
            elif null and not field.nullable:
                problems.add(prefix + name, "must not be null")
            elif null:
                clean[name] = None
        return clean

    def openapi(self):
        schema = super().openapi()
        schema["properties"] = {name: _or_null(f.openapi()) if f.nullable else f.openapi()
                                for name, f in self.fields.items()}
        required = [name for name, f in self.fields.items() if f.required]
        if required:
            schema["required"] = required
        schema["additionalProperties"] = False
        return schema


class OpenObject(Field):
    """A JSON object whose fields are checked elsewhere (they depend on another field's value)."""
    json_type = "object"

    def __init__(self, *, max_fields: int = 50, **kwargs):
        super().__init__(**kwargs)
        self.max_fields = max_fields

    def parse(self, value, path, problems):
        if not isinstance(value, dict):
            problems.add(path, "must be an object")
        elif len(value) > self.max_fields:
            problems.add(path, f"must have at most {self.max_fields} fields")
        return value


def _or_null(schema: Dict[str, Any]) -> Dict[str, Any]:
    """The schema of a field that may also be null."""
    schema = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


def parse_body(schema: Object, body: Any, partial: bool = False) -> Dict[str, Any]:
    """Validate a whole request body; raise one ValidationError listing every problem."""
    problems = Problems()
    clean = schema.parse(body, "", problems, partial=partial)
    problems.raise_if_any()
    return clean


def parse_query(fields: Dict[str, Field], params: Dict[str, str]) -> Dict[str, Any]:
    """Validate query-string parameters; unknown parameters are refused like unknown fields."""
    return parse_body(Object(fields), dict(params or {}), partial=True)
