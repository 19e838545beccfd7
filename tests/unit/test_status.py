"""The transition table alone: every legal step, every illegal one, and what ends a payment."""

from __future__ import annotations

import itertools

import pytest

from payments.status import (
    TRANSITIONS,
    IllegalTransition,
    PaymentEvent,
    PaymentStatus,
    allows,
    mermaid_diagram,
    next_status,
)

_S, _E = PaymentStatus, PaymentEvent
ILLEGAL = [
    (s, e) for s, e in itertools.product(PaymentStatus, PaymentEvent) if (s, e) not in TRANSITIONS
]


@pytest.mark.parametrize(("step", "target"), list(TRANSITIONS.items()), ids=str)
def test_every_legal_transition_leads_where_the_table_says(
    step: tuple[PaymentStatus, PaymentEvent], target: PaymentStatus
) -> None:
    assert allows(*step)
    assert next_status(*step) is target


@pytest.mark.parametrize(("status", "event"), ILLEGAL, ids=str)
def test_every_other_pair_is_refused_in_words(status: PaymentStatus, event: PaymentEvent) -> None:
    assert not allows(status, event)
    with pytest.raises(IllegalTransition) as refused:
        next_status(status, event)
    assert str(refused.value) == (
        f"a payment that is {status.value} cannot be {event.value.replace('_', ' ')}"
    )


def test_terminal_statuses_have_no_way_out() -> None:
    terminal = {s for s in PaymentStatus if s.is_terminal}
    assert terminal == {_S.REFUNDED, _S.CANCELED, _S.EXPIRED, _S.FAILED}
    assert not [src for src, _ in TRANSITIONS if src in terminal]
    # Captured money stays open for refunds until the window closes: not terminal.
    assert not _S.CAPTURED.is_terminal and not _S.PARTIALLY_REFUNDED.is_terminal


def test_every_status_is_reachable_from_pending() -> None:
    reached, frontier = {_S.PENDING}, [_S.PENDING]
    while frontier:
        src = frontier.pop()
        for (s, _), dst in TRANSITIONS.items():
            if s is src and dst not in reached:
                reached.add(dst)
                frontier.append(dst)
    assert reached == set(PaymentStatus)


def test_every_event_is_used_by_the_table() -> None:
    assert {e for _, e in TRANSITIONS} == set(PaymentEvent)


def test_the_diagram_is_drawn_from_the_table() -> None:
    diagram = mermaid_diagram().splitlines()
    assert diagram[:2] == ["stateDiagram-v2", "    [*] --> pending"]
    for (src, event), dst in TRANSITIONS.items():
        assert f"    {src.value} --> {dst.value}: {event.value}" in diagram
    assert "    captured --> [*]: refund window closed" in diagram
    assert "    partially_refunded --> [*]: refund window closed" in diagram
    assert sum(1 for line in diagram if line.endswith("--> [*]")) == 4
