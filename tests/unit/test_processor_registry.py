"""Adapters by kind, and the simulator adapter's error table (no network)."""

from __future__ import annotations

import pytest

from infra.settings import ProcessorEndpoint, Settings
from payments.errors import DeclineCode, ErrorType
from processors.registry import ADAPTERS, Shared, UnknownProcessorKind, build
from processors.simulator import wire


def test_endpoints_default_to_the_simulator_and_may_name_their_kind() -> None:
    settings = Settings(
        processors=[
            ProcessorEndpoint(name="a", url="http://127.0.0.1:1"),
            ProcessorEndpoint.model_validate({"name": "b", "url": "http://x", "kind": "simulator"}),
        ]
    )
    assert [p.kind for p in settings.resolved_processors()] == ["simulator", "simulator"]
    assert set(ADAPTERS) >= {"simulator"}


def test_an_unknown_kind_is_refused_with_the_known_ones() -> None:
    endpoint = ProcessorEndpoint(name="x", url="http://127.0.0.1:1", kind="carrier_pigeon")
    with pytest.raises(UnknownProcessorKind, match=r"carrier_pigeon.*known kinds: simulator"):
        build(endpoint, Shared(http=None))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "body", "error_type", "decline"),
    [
        (402, {"error": {"code": "card_declined", "decline_code": "lost_card"}},
         ErrorType.CARD_DECLINED, DeclineCode.LOST_CARD),
        (402, {"error": {"code": "card_declined", "decline_code": "pickup_card"}},
         ErrorType.CARD_DECLINED, DeclineCode.GENERIC_DECLINE),
        (402, None, ErrorType.CARD_DECLINED, DeclineCode.GENERIC_DECLINE),
        (503, {"error": {"code": "service_unavailable"}}, ErrorType.PROCESSOR_ERROR, None),
        (429, None, ErrorType.PROCESSOR_UNAVAILABLE, None),
        (409, {"error": {"code": "authorization_expired"}}, ErrorType.ILLEGAL_STATE, None),
        (422, {"error": {"code": "amount_too_large"}}, ErrorType.AMOUNT_TOO_LARGE, None),
    ],
    ids=["known-reason", "unknown-reason", "no-reason", "5xx", "429", "expired", "too-large"],
)  # fmt: skip
def test_simulator_answers_map_into_the_one_table(
    status: int, body: dict[str, object] | None, error_type: ErrorType, decline: DeclineCode | None
) -> None:
    failure = wire.failure_from(status, body)
    assert failure.error_type is error_type and failure.decline_code is decline
    assert (decline is None) == (error_type is not ErrorType.CARD_DECLINED)
