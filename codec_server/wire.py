"""The codec-server wire format: proto3 JSON of ``temporal.api.common.v1.Payloads``."""

from __future__ import annotations

import base64
import binascii

from pydantic import BaseModel, ConfigDict
from temporalio.api.common.v1 import Payload


class WirePayload(BaseModel):
    """One payload: metadata values and data are base64, as proto3 JSON encodes bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metadata: dict[str, str] = {}
    data: str = ""


class WirePayloads(BaseModel):
    """The request and response body of ``/encode`` and ``/decode``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    payloads: list[WirePayload] = []


class MalformedBody(ValueError):
    """The body is not Payloads JSON; the message never includes the body's bytes."""


def _b64(text: str) -> bytes:
    # proto3 JSON readers accept standard and URL-safe alphabets, padded or not.
    padded = text + "=" * (-len(text) % 4)
    try:
        if "-" in text or "_" in text:
            return base64.urlsafe_b64decode(padded.encode())
        return base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedBody("a payload field is not valid base64") from None


def parse_payloads(raw: bytes) -> list[Payload]:
    """Payloads from a request body.

    Raises:
        MalformedBody: If it is not JSON of the right shape, or a value is not base64.
    """
    try:
        body = WirePayloads.model_validate_json(raw)
    except ValueError:
        # Pydantic's messages quote the input, so only a fixed description goes back.
        raise MalformedBody("body is not a JSON Payloads object") from None
    return [
        Payload(metadata={k: _b64(v) for k, v in p.metadata.items()}, data=_b64(p.data))
        for p in body.payloads
    ]


def dump_payloads(payloads: list[Payload]) -> WirePayloads:
    """The response body for ``payloads``."""
    return WirePayloads(
        payloads=[
            WirePayload(
                metadata={k: base64.b64encode(v).decode() for k, v in p.metadata.items()},
                data=base64.b64encode(p.data).decode(),
            )
            for p in payloads
        ]
    )
