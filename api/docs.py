"""OpenAPI details for routes that read their JSON body themselves (to refuse floats)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from api.errors import ApiError

_ERROR_EXAMPLE = ApiError("what went wrong", code="a_stable_code").body()


def _inline(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def body_doc(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` documenting ``model`` as the required JSON body."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})
    content = {"application/json": {"schema": _inline(schema, defs)}}
    return {"requestBody": {"required": True, "content": content}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error shape, documented for each status a route can answer with."""
    example = {"application/json": {"example": _ERROR_EXAMPLE}}
    return {status: {"description": "error", "content": example} for status in statuses}
