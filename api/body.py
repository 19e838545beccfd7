"""Reading a request body strictly: bounded size, JSON without floats, NaN or duplicate keys,
then a frozen pydantic model whose errors become the API's codes.

The standard library's JSON parser accepts ``1.0``, ``1e3``, ``NaN`` and ``{"a":1,"a":2}``;
money must not. Floats and non-finite constants are replaced by a marker that no strict field
accepts, so the error names the parameter that held them.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from api.errors import InvalidRequest, PayloadTooLarge
from payments.money import Currency

M = TypeVar("M", bound=BaseModel)


class NotAnInteger:
    """Stands in for a JSON float or NaN/Infinity; strict int and str fields refuse it."""

    __slots__ = ()


_NOT_AN_INTEGER = NotAnInteger()


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__("duplicate key")
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


# Above any allowed amount: a longer number is refused as too large without converting it
# (Python refuses to convert digit strings past a few thousand digits anyway).
TOO_LARGE = 10**19


def _integer(text: str) -> int:
    if len(text.lstrip("-")) <= 19:
        return int(text)
    return -TOO_LARGE if text.startswith("-") else TOO_LARGE


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused with 413 as soon as it is known to exceed ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise PayloadTooLarge(f"request body is larger than {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"request body is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> dict[str, Any]:
    """A JSON object from ``raw`` (an empty body is ``{}``).

    Raises:
        InvalidRequest: ``invalid_json`` for anything but one well-formed UTF-8 JSON object
            with unique keys.
    """
    if not raw.strip():
        return {}
    try:
        value = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_pairs,
            parse_float=lambda _t: _NOT_AN_INTEGER,
            parse_constant=lambda _t: _NOT_AN_INTEGER,
            parse_int=_integer,
        )
    except _DuplicateKey as dup:
        message = "duplicate key in JSON object"
        raise InvalidRequest(message, code="invalid_json", param=dup.key) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidRequest("body is not valid JSON", code="invalid_json") from None
    if not isinstance(value, dict):
        raise InvalidRequest("body must be a JSON object", code="invalid_json")
    return value


def canonical(value: dict[str, Any]) -> bytes:
    """The body in one canonical form, for the idempotency fingerprint."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr).encode()


# Pydantic names the member of a union it tried (``customer.CustomerIn.email``); the API's
# parameter is the field's path alone.
_UNION_TAGS = {"customer": {"CustomerIn", "constrained-str", "str"}}


def param_of(loc: tuple[int | str, ...]) -> str:
    """Pydantic's location as the API names parameters: ``card[number]``."""
    head, *rest = [str(part) for part in loc] or [""]
    if rest and rest[0] in _UNION_TAGS.get(head, ()):
        rest = rest[1:]
    return head + "".join(f"[{part}]" for part in rest)


_CODES = {
    "missing": ("parameter_missing", "is required"),
    "extra_forbidden": ("parameter_unknown", "is not a known parameter"),
    "int_type": ("parameter_invalid_integer", "must be a JSON integer"),
    "greater_than": ("amount_too_small", "must be greater than zero"),
    "greater_than_equal": ("parameter_invalid", "is too small"),
    "less_than_equal": ("amount_too_large", "is too large"),
    "enum": ("parameter_invalid", "is not one of the allowed values"),
    "string_type": ("parameter_invalid_string", "must be a string"),
    "dict_type": ("parameter_invalid", "must be an object"),
    "model_type": ("parameter_invalid", "must be an object"),
}


def _error_for(err: ErrorDetails) -> InvalidRequest:
    param = param_of(tuple(err["loc"]))
    code, words = _CODES.get(err["type"], ("parameter_invalid", "is invalid"))
    if err["type"] == "less_than_equal":
        words = f"must be at most {err.get('ctx', {}).get('le')}"  # the schema's bound, not input
    if param == "currency" and err["type"] == "enum":
        code, words = "invalid_currency", "must be one of " + ", ".join(Currency)
    if code.startswith("amount_") and not param.endswith("amount"):
        code = "parameter_invalid"
    # Never err["msg"] or err["input"]: both can repeat what the client sent.
    return InvalidRequest(f"{param} {words}", code=code, param=param)


def validate(model: type[M], value: dict[str, Any]) -> M:
    """``value`` as ``model``, or the first problem as a 400 that names the parameter."""
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise _error_for(exc.errors(include_input=False)[0]) from None
