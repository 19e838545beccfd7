"""The webhook activity: signed delivery with its own retries, never blocking a payment."""

from __future__ import annotations

import time

import httpx
from pydantic import BaseModel, ConfigDict
from temporalio import activity
from temporalio.exceptions import ApplicationError

from infra import metrics
from payments.errors import ErrorType
from payments.models import Frozen
from payments.webhook_urls import TargetRefused, check_url, pinned, public_address
from payments.webhooks import EVENT_ID_HEADER, SIGNATURE_HEADER, Notification, sign
from stores.merchants import MerchantDirectory


class Delivery(Frozen):
    """What happened to one event."""

    delivered: bool
    status_code: int | None = None


class LegacyEvent(BaseModel):
    """An event scheduled by a worker from before webhooks carried the payment object.

    Such a delivery may still be retrying after a deploy; it goes out as it was built (its other
    fields kept as they are) rather than failing to decode for a day.
    """

    model_config = ConfigDict(frozen=True, extra="allow")

    id: str
    merchant_id: str


class NotifyActivities:
    """Delivers webhook events to the merchant's registered endpoint."""

    def __init__(
        self,
        *,
        directory: MerchantDirectory,
        http: httpx.AsyncClient,
        timeout: float,
        allow_private: bool = False,
    ) -> None:
        """Share the worker's pooled ``http`` client, with a shorter timeout per delivery.

        ``allow_private`` lets deliveries reach non-public addresses (local development only).
        """
        self._directory = directory
        self._http = http
        self._timeout = timeout
        self._allow_private = allow_private

    async def _destination(self, url: str) -> tuple[str, dict[str, str], dict[str, str]]:
        """URL, extra headers and extensions to connect with, checked at every delivery.

        The host name is resolved here and the connection pinned to the address checked: it
        may resolve elsewhere than at registration (DNS rebinding), and URLs registered before
        the rules existed are checked too.
        """
        try:
            target = check_url(url, allow_private=self._allow_private)
            if self._allow_private:
                return url, {}, {}
            return pinned(target, await public_address(target))
        except TargetRefused as refused:
            metrics.WEBHOOK_FAILURES.labels(reason="refused_target").inc()
            raise ApplicationError(
                f"webhook endpoint refused: {refused}",
                type=ErrorType.WEBHOOK_UNDELIVERED,
                non_retryable=True,
            ) from None
        except OSError as exc:
            metrics.WEBHOOK_FAILURES.labels(reason="unresolved").inc()
            raise ApplicationError(
                f"webhook endpoint host did not resolve: {type(exc).__name__}",
                type=ErrorType.WEBHOOK_UNDELIVERED,
            ) from None

    @activity.defn(name="notify")
    async def notify(self, note: Notification | LegacyEvent) -> Delivery:
        """POST the event, signed; a non-2xx answer or a network error is retried by Temporal."""
        hook = await self._directory.webhook(note.merchant_id)
        if hook is None:
            return Delivery(delivered=False)
        url, pin_headers, extensions = await self._destination(hook.url)
        event = note.event if isinstance(note, Notification) else note
        body = event.model_dump_json().encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(hook.secret, body, int(time.time())),
            EVENT_ID_HEADER: event.id,
            **pin_headers,
        }
        try:
            resp = await self._http.post(
                url, content=body, headers=headers, timeout=self._timeout, extensions=extensions
            )
        except httpx.HTTPError as exc:
            metrics.WEBHOOK_FAILURES.labels(reason="unreachable").inc()
            raise ApplicationError(
                f"webhook endpoint unreachable: {type(exc).__name__}",
                type=ErrorType.WEBHOOK_UNDELIVERED,
            ) from None
        if not resp.is_success:
            metrics.WEBHOOK_FAILURES.labels(reason=f"http_{resp.status_code // 100}xx").inc()
            raise ApplicationError(
                f"webhook endpoint answered HTTP {resp.status_code}",
                type=ErrorType.WEBHOOK_UNDELIVERED,
            )
        return Delivery(delivered=True, status_code=resp.status_code)
