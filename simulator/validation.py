"""Parsing request bodies into strict models with errors in the simulator's format."""

import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from simulator.errors import ErrorCode, SimError, invalid

M = TypeVar("M", bound=BaseModel)
_LONG_DIGITS = re.compile(r"\d{7,}")


def loose_json(raw: bytes) -> dict[str, object]:
    """Return the body as a dict when it is one, else empty (used only for logging)."""
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _param(loc: tuple[int | str, ...]) -> str:
    # Field names are echoed to help the caller, but a digit run could be a card number.
    name = ".".join(str(part) for part in loc) or "body"
    return _LONG_DIGITS.sub("[redacted]", name)


def _to_error(exc: ValidationError) -> SimError:
    first = exc.errors(include_input=False, include_url=False, include_context=False)[0]
    param = _param(first["loc"])
    if first["type"] == "missing":
        return invalid(ErrorCode.PARAMETER_MISSING, f"Missing required parameter: {param}.")
    if first["type"] == "extra_forbidden":
        return invalid(ErrorCode.PARAMETER_UNKNOWN, f"Received unknown parameter: {param}.")
    # Pydantic messages describe the expectation, never the received value.
    return invalid(ErrorCode.PARAMETER_INVALID, f"Invalid parameter {param}: {first['msg']}.")


def parse(raw: bytes, model: type[M]) -> tuple[M, object]:
    """Parse a JSON body into ``model``; return it with the decoded JSON (for hashing)."""
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        raise invalid(ErrorCode.INVALID_JSON, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise invalid(ErrorCode.INVALID_JSON, "The request body must be a JSON object.")
    try:
        return model.model_validate(data), data
    except ValidationError as exc:
        raise _to_error(exc) from None
