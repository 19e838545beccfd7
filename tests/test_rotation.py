"""Key rotation end to end: old payments keep decoding and replaying, new ones use the new key,
``usage`` says when the old key is free, and a retired key fails closed."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowHistory
from temporalio.worker import Replayer

from infra.codec import CodecError, EncryptionCodec
from infra.converter import build_data_converter
from infra.key_usage import key_counts, open_workflow_key_usage, payloads_in
from infra.keyring import activate_key, add_key, ensure_keyring, load_keyring, retire_key
from infra.settings import Settings
from infra.temporal_client import connect
from payments.models import CaptureMethod
from stack.commands import REPO_ROOT, child_env
from tests.helpers import Simulator, pay
from worker import build_worker, sandboxed_runner, worker_http
from workflows.payment import PaymentWorkflow


@pytest.fixture
def rot_settings(tmp_path: Path, temporal_address: str, simulator: Simulator) -> Settings:
    """Settings over a keyring this test controls, on the session's dev server and simulator."""
    ensure_keyring(tmp_path / "vault-key.json")
    return Settings(
        temporal_address=temporal_address,
        processor_url=simulator.url,
        run_dir=tmp_path,
        task_queue=f"rotation-{uuid.uuid4().hex[:8]}",
        processor_timeout_seconds=2.0,
    )


@contextlib.asynccontextmanager
async def _worker_client(settings: Settings) -> AsyncIterator[Client]:
    client = await connect(settings)  # loads the keyring as it is now
    async with worker_http(settings) as http, build_worker(client, settings, http):
        yield client


async def _history(client: Client, payment_id: str) -> WorkflowHistory:
    return await client.get_workflow_handle(payment_id).fetch_history()


async def _pay_open(client: Client, settings: Settings, amount: int) -> str:
    view = await pay(client, settings, amount=amount, capture=CaptureMethod.MANUAL)
    return view.payment_id


async def test_rotation(rot_settings: Settings) -> None:
    keyring = rot_settings.resolved_codec_key_file()
    k1 = add_key(keyring, activate=True)
    async with _worker_client(rot_settings) as client:
        old = await _pay_open(client, rot_settings, 1111)
    k2 = add_key(keyring, activate=False)
    activate_key(keyring, k2)
    async with _worker_client(rot_settings) as client:
        new = await _pay_open(client, rot_settings, 2222)
        old_h, new_h = await _history(client, old), await _history(client, new)
        assert set(key_counts(old_h)) == {k1}
        assert set(key_counts(new_h)) == {k2}
        # Both decode: the worker replays the old payment's k1 history to answer the query.
        for payment_id, amount in ((old, 1111), (new, 2222)):
            view = await client.get_workflow_handle(payment_id).query(PaymentWorkflow.view)
            assert (view.payment_id, view.amount) == (payment_id, amount)
        usage = await open_workflow_key_usage(client, f"TaskQueue='{rot_settings.task_queue}'")
        assert {k: u.workflows for k, u in usage.items()} == {k1: 1, k2: 1}
        assert _usage_cli(rot_settings)[k1].startswith(f"{k1}: 1 open workflows")
    both = build_data_converter(load_keyring(keyring))
    replayer = Replayer(workflows=[PaymentWorkflow], data_converter=both,
                        workflow_runner=sandboxed_runner())  # fmt: skip
    for history in (old_h, new_h):
        await replayer.replay_workflow(history)  # raises on any nondeterminism or decode error

    retire_key(keyring, k1)
    only_k2 = load_keyring(keyring)
    assert set(only_k2.keys) == {k2}
    with pytest.raises(CodecError, match="unknown key id"):
        await EncryptionCodec(only_k2).decode(list(_encrypted(old_h)))
    failing = Replayer(workflows=[PaymentWorkflow], data_converter=build_data_converter(only_k2))
    result = await failing.replay_workflow(old_h, raise_on_replay_failure=False)
    # The failure's own message is encrypted too (encoded failure attributes), so only its kind.
    assert "activation completion failed" in str(result.replay_failure)
    assert (
        await failing.replay_workflow(new_h, raise_on_replay_failure=False)
    ).replay_failure is None


def _encrypted(history: WorkflowHistory) -> list:  # type: ignore[type-arg]
    return [
        p
        for e in history.events
        for p in payloads_in(e)
        if b"encrypted" in p.metadata.get("encoding", b"")
    ]


def _usage_cli(settings: Settings) -> dict[str, str]:
    """``python -m infra.keys usage`` as an operator runs it, lines by key id."""
    env = child_env({"PAYMENTS_TEMPORAL_ADDRESS": settings.temporal_address,
                     "PAYMENTS_RUN_DIR": str(settings.run_dir)})  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "infra.keys", "usage", "--query",
         f"TaskQueue='{settings.task_queue}'"],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=60, check=True,
    )  # fmt: skip
    return {line.split(":")[0]: line for line in done.stdout.splitlines()}
