"""HTTP client for a card processor, with every failure classified by ``ErrorType``."""

from __future__ import annotations

import secrets
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


def failure_from(status: int, body: object) -> ProcessorFailure:
    """The failure a non-2xx answer means (5xx and unknown answers are retryable)."""
    err = body.get("error", {}) if isinstance(body, dict) else {}
    code = str(err.get("code") or f"http_{status}")
    error_type = _BY_CODE.get(code) or _BY_STATUS.get(status)
    if error_type is None:
        error_type = ErrorType.PROCESSOR_ERROR if status >= 500 else ErrorType.INVALID_REQUEST
    message = str(err.get("message") or f"processor answered HTTP {status}")
    return ProcessorFailure(error_type, code, message, decline_code=err.get("decline_code"))


def classify(response: httpx.Response) -> ProcessorFailure:
    """Turn a non-2xx answer into a ``ProcessorFailure``."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    return failure_from(response.status_code, body)


class ProcessorClient:
    """One processor endpoint. Reuses one ``httpx.AsyncClient`` (and its connections)."""

    def __init__(
        self, http: httpx.AsyncClient, base_url: str, *, unsafe_random_keys: bool = False
    ) -> None:
        """Call the processor at ``base_url`` through the shared, pooled ``http`` client.

        ``unsafe_random_keys`` is the chaos harness's test-only switch
        (``Settings.unsafe_random_idempotency_keys``): it breaks exactly-once on purpose.
        """
        self._http = http
        self._base = base_url.rstrip("/")
        self._unsafe_random_keys = unsafe_random_keys

    def _sent_key(self, key: str) -> str:
        """``key``, or with the unsafe switch a fresh one per attempt (retries then repeat)."""
        return f"{key}:unsafe-{secrets.token_hex(6)}" if self._unsafe_random_keys else key

    async def _call(
        self, method: str, path: str, *, key: str | None = None, body: JSON | None = None
    ) -> JSON:
        headers = {"Idempotency-Key": self._sent_key(key)} if key else {}
        try:
            response = await self._http.request(
                method, self._base + path, json=body, headers=headers
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached the processor: safe to try elsewhere.
            raise ProcessorFailure(
                ErrorType.PROCESSOR_UNAVAILABLE, "connection_error", type(exc).__name__
            ) from None
        except httpx.TransportError as exc:
            # The request may have been received and acted on; only an inquiry can tell.
            raise ProcessorFailure(
                ErrorType.OUTCOME_UNKNOWN,
                "no_answer",
                f"processor did not answer: {type(exc).__name__}",
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

    async def inquire(self, key: str) -> JSON:
        """What happened to the request with ``key``; ``{}`` if the processor never received it.

        Raises:
            ProcessorFailure: ``OUTCOME_UNKNOWN`` while the request is still being processed,
                or any failure to reach the processor.
        """
        try:
            # With the unsafe switch the inquiry names a key never sent, so it finds nothing.
            return await self._call("GET", f"/v1/requests/{self._sent_key(key)}")
        except ProcessorFailure as failure:
            if failure.code == "request_not_found":
                return {}
            if failure.code == "request_in_progress":
                raise ProcessorFailure(
                    ErrorType.OUTCOME_UNKNOWN, failure.code, failure.message
                ) from None
            raise
