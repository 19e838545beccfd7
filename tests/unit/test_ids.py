"""Idempotency keys depend on the payment and the step only, never on the attempt."""

from __future__ import annotations

from payments.ids import Step, idempotency_key, new_payment_id, new_refund_id


def test_keys_are_stable_per_step_and_refund() -> None:
    assert idempotency_key("pay_1", Step.AUTHORIZE) == "pay_1:authorize"
    assert idempotency_key("pay_1", Step.REFUND, "re_a") == "pay_1:refund:re_a"
    keys = {idempotency_key("pay_1", step) for step in Step}
    assert len(keys) == len(Step)
    assert idempotency_key("pay_1", Step.REFUND, "re_a") != idempotency_key(
        "pay_1", Step.REFUND, "re_b"
    )


def test_new_ids_are_fresh() -> None:
    assert new_payment_id().startswith("pay_") and new_refund_id().startswith("re_")
    assert len({new_payment_id() for _ in range(100)}) == 100
