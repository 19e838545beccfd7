"""HTTP client for a card processor, with every failure classified by ``ErrorType``."""

from __future__ import annotations

from typing import Any

import httpx

from payments.errors import ErrorType

JSON = dict[str, Any]

_BY_STATUS = {
    400: ErrorType.INVALID_REQUEST,
    402: ErrorType.CARD_DECLINED,
    404: ErrorType.INVALID_REQUEST,
    409: ErrorType.ILLEGAL_STATE,
    429: ErrorType.PROCESSOR_UNAVAILABLE,
}
_BY_CODE = {
    "amount_too_large": ErrorType.AMOUNT_TOO_LARGE,
    "idempotency_key_reused": ErrorType.IDEMPOTENCY_CONFLICT,
}


class ProcessorFailure(Exception):
    """The processor refused, failed or did not answer."""

    def __init__(
        self, error_type: ErrorType, code: str, message: str, *, decline_code: str | None = None
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.code = code
        self.message = message
        self.decline_code = decline_code


def classify(response: httpx.Response) -> ProcessorFailure:
    """Turn a non-2xx answer into a ``ProcessorFailure`` (5xx and unknown answers are retryable)."""
    try:
        err = response.json().get("error", {})
    except ValueError:
        err = {}
    code = str(err.get("code") or f"http_{response.status_code}")
    error_type = _BY_CODE.get(code) or _BY_STATUS.get(response.status_code)
    if error_type is None:
        error_type = (
            ErrorType.PROCESSOR_ERROR if response.status_code >= 500 else ErrorType.INVALID_REQUEST
        )
    message = str(err.get("message") or f"processor answered HTTP {response.status_code}")
    return ProcessorFailure(error_type, code, message, decline_code=err.get("decline_code"))


class ProcessorClient:
    """One processor endpoint. Reuses one ``httpx.AsyncClient`` (and its connections)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        """Wrap ``http``, whose ``base_url`` and timeout point at the processor."""
        self._http = http

    async def _call(
        self, method: str, path: str, *, key: str | None = None, body: JSON | None = None
    ) -> JSON:
        headers = {"Idempotency-Key": key} if key else {}
        try:
            response = await self._http.request(method, path, json=body, headers=headers)
        except httpx.TimeoutException:
            raise ProcessorFailure(
                ErrorType.PROCESSOR_UNAVAILABLE, "timeout", "processor did not answer in time"
            ) from None
        except httpx.TransportError as exc:
            raise ProcessorFailure(
                ErrorType.PROCESSOR_UNAVAILABLE, "connection_error", type(exc).__name__
            ) from None
        if response.is_success:
            result: JSON = response.json()
            return result
        raise classify(response)

    async def balance(self, card: JSON, currency: str) -> JSON:
        """Available balance or credit on ``card``."""
        return await self._call(
            "POST", "/v1/balance_inquiries", body={"card": card, "currency": currency}
        )

    async def verify(self, card: JSON) -> JSON:
        """Check a card once, with its CVC, at tokenization time."""
        return await self._call("POST", "/v1/cards/verify", body=card)

    async def authorize(self, key: str, body: JSON) -> JSON:
        """Place a hold."""
        return await self._call("POST", "/v1/authorizations", key=key, body=body)

    async def capture(self, key: str, authorization_id: str, body: JSON) -> JSON:
        """Post part or all of a hold."""
        return await self._call(
            "POST", f"/v1/authorizations/{authorization_id}/capture", key=key, body=body
        )

    async def void(self, key: str, authorization_id: str, body: JSON) -> JSON:
        """Release a hold."""
        return await self._call(
            "POST", f"/v1/authorizations/{authorization_id}/void", key=key, body=body
        )

    async def refund(self, key: str, body: JSON) -> JSON:
        """Return captured money."""
        return await self._call("POST", "/v1/refunds", key=key, body=body)

    async def inquire(self, key: str) -> JSON | None:
        """What happened to the request with ``key``; None if the processor never completed it."""
        try:
            return await self._call("GET", f"/v1/requests/{key}")
        except ProcessorFailure as failure:
            if failure.code == "request_not_found":
                return None
            raise
