"""Schemathesis hooks for tests/api/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis

_FRESH = itertools.count()


def _no_whole_floats(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _no_whole_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_no_whole_floats(v) for v in value]
    return value


@schemathesis.hook
def map_body(_context: Any, body: Any) -> Any:
    """Send ``1000.0`` as ``1000``.

    JSON Schema 2020-12 (OpenAPI 3.1) counts ``1000.0`` as an integer, so the fuzzer sends it
    where the schema says integer. The API refuses every JSON number written with a fraction or
    exponent (``parameter_invalid_integer``, README "Errors"): money never passes through a
    float. No schema keyword can say so; tests/api/test_bad_inputs.py covers that refusal.
    """
    return _no_whole_floats(body)


@schemathesis.hook
def before_call(_context: Any, case: Any, _kwargs: Any) -> None:
    """Give every ``POST /v1/customers`` an Idempotency-Key of its own.

    The stateful phase creates a customer, deletes it and creates again; with a key used before,
    the API replays the first answer (the deleted customer's id: docs/http-api.md#idempotency)
    and the next DELETE answers 404, which the fuzzer reports as a created resource not found
    (ST302). Which keys the fixed seed repeats depends on the set of operations. Reuse of a key
    with another body is tested in tests/api/test_idempotency.py.
    """
    if case.method.upper() != "POST" or case.path != "/v1/customers" or not case.headers:
        return
    key = case.headers.get("Idempotency-Key")
    if isinstance(key, str) and key:
        case.headers["Idempotency-Key"] = f"{key[:200]}-{next(_FRESH)}"
