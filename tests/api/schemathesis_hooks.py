"""Schemathesis hooks for tests/api/test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS)."""

from __future__ import annotations

from typing import Any

import schemathesis


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
