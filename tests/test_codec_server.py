"""The codec server as the Web UI and the CLI reach it: a real uvicorn process on a free port."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import httpx
import pytest
from temporalio.api.common.v1 import Payload

from codec_server.tokens import Role, add_token, revoke_token
from codec_server.wire import dump_payloads
from infra.codec import EncryptionCodec
from infra.keyring import Keyring, add_key, load_keyring, new_key_id
from tests.codec_support import CodecServer

pytest_plugins = ("tests.conftest_codec",)

SECRET_TEXT = "amount=4321;last4=4242"
NS = {"X-Namespace": "default"}


def _plain(text: str = SECRET_TEXT) -> Payload:
    return Payload(metadata={"encoding": b"json/plain"}, data=json.dumps(text).encode())


def _body(*payloads: Payload) -> dict[str, object]:
    return dump_payloads(list(payloads)).model_dump()


def _sealed(server: CodecServer, text: str = SECRET_TEXT) -> Payload:
    return EncryptionCodec(load_keyring(server.files.keyring)).encrypt(_plain(text))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **NS}


@pytest.fixture
def http(codec_server: CodecServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=codec_server.url, timeout=10) as client:
        yield client


def test_reader_decodes_and_admin_round_trips(codec_server: CodecServer, http: httpx.Client):
    files = codec_server.files
    resp = http.post(
        "/decode", json=_body(_sealed(codec_server)), headers=_bearer(files.reader_token)
    )
    assert resp.status_code == 200
    data = base64.b64decode(resp.json()["payloads"][0]["data"])
    assert json.loads(data) == SECRET_TEXT
    enc = http.post("/encode", json=_body(_plain()), headers=_bearer(files.admin_token))
    assert enc.status_code == 200
    assert SECRET_TEXT.encode() not in base64.b64decode(enc.json()["payloads"][0]["data"])
    # The UI appends a query string; only the path decides the operation.
    dec = http.post(
        "/decode?preserveStorageRefs=true", json=enc.json(), headers=_bearer(files.admin_token)
    )
    assert dec.json() == _body(_plain())


def test_path_secret_decodes_only(codec_server: CodecServer, http: httpx.Client) -> None:
    secret = codec_server.files.secret
    ok = http.post(f"/{secret}/decode", json=_body(_sealed(codec_server)), headers=NS)
    assert ok.status_code == 200
    assert ok.json() == _body(_plain())
    assert http.post(f"/{secret}/encode", json=_body(_plain()), headers=NS).status_code == 403
    # One character off; "x" alone would leave a secret that ends in "x" unchanged.
    other = "y" if secret.endswith("x") else "x"
    wrong = http.post(
        f"/{secret[:-1]}{other}/decode", json=_body(_sealed(codec_server)), headers=NS
    )
    assert wrong.status_code == 404


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/decode", NS, 401),
        ("/decode", {"Authorization": "Bearer cdc_not-a-token", **NS}, 401),
        ("/decode", {"Authorization": "Basic b3BzOm9wcw==", **NS}, 401),
        ("/encode", "reader", 403),
        ("/decode", "reader-other-namespace", 403),
        ("/decode", "reader-no-namespace", 403),
        ("/a/b/decode", "reader", 404),
        ("/decrypt", "reader", 404),
    ],
)
def test_refusals(
    codec_server: CodecServer, http: httpx.Client, path: str, headers: object, status: int
) -> None:
    token = codec_server.files.reader_token
    named = {
        "reader": _bearer(token),
        "reader-other-namespace": {"Authorization": f"Bearer {token}", "X-Namespace": "other"},
        "reader-no-namespace": {"Authorization": f"Bearer {token}"},
    }
    hdrs = named[headers] if isinstance(headers, str) else headers
    resp = http.post(path, json=_body(_sealed(codec_server)), headers=hdrs)
    assert resp.status_code == status, resp.text
    assert SECRET_TEXT not in resp.text


def test_payloads_that_do_not_decrypt_are_422(codec_server: CodecServer, http: httpx.Client):
    headers = _bearer(codec_server.files.reader_token)
    other = Keyring(active_id="k-unknown", keys={"k-unknown": b"\x01" * 32})
    tampered = _sealed(codec_server)
    tampered.data = tampered.data[:-1] + bytes([tampered.data[-1] ^ 1])
    cases = {
        "unknown key id 'k-unknown'": EncryptionCodec(other).encrypt(_plain()),
        "failed authentication": tampered,
        "not encrypted": _plain(),
    }
    for message, payload in cases.items():
        resp = http.post("/decode", json=_body(payload), headers=headers)
        assert resp.status_code == 422
        assert message in resp.json()["error"]
        assert base64.b64encode(payload.data).decode()[:16] not in resp.text


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'["payloads"]',
        b'{"payloads": [{"data": "!!!not base64!!!"}]}',
        b'{"payloads": [{"metadata": {"encoding": 5}}]}',
        b'{"payloads": [], "extra": 1}',
    ],
)
def test_malformed_bodies_are_400(codec_server: CodecServer, http: httpx.Client, content: bytes):
    resp = http.post("/decode", content=content, headers=_bearer(codec_server.files.reader_token))
    assert resp.status_code == 400
    assert "not base64!!!" not in resp.text


def test_oversized_bodies_are_413(codec_server: CodecServer, http: httpx.Client) -> None:
    headers = _bearer(codec_server.files.reader_token)
    big = b"x" * (4 * 1024 * 1024 + 1)
    assert http.post("/decode", content=big, headers=headers).status_code == 413

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        for _ in range(5):
            yield b" " * (1024 * 1024)

    assert http.post("/decode", content=chunked(), headers=headers).status_code == 413


def test_cors_allows_exactly_the_ui_origin(codec_server: CodecServer, http: httpx.Client) -> None:
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-namespace"}  # fmt: skip
    ok = http.options("/x/decode", headers={"Origin": codec_server.ui_origin, **preflight})
    assert ok.status_code == 204
    assert ok.headers["access-control-allow-origin"] == codec_server.ui_origin
    assert ok.headers["access-control-allow-methods"] == "POST"
    assert ok.headers["access-control-allow-headers"] == "Content-Type, X-Namespace, Authorization"
    # The dev server's UI sends no credentials (IncludeCredentials is false), so none allowed.
    assert "access-control-allow-credentials" not in ok.headers
    for origin in ("http://evil.example", codec_server.ui_origin + "1", "null"):
        bad = http.options("/decode", headers={"Origin": origin, **preflight})
        assert bad.status_code == 403
        assert "access-control-allow-origin" not in bad.headers
        post = http.post(
            "/decode",
            json=_body(_sealed(codec_server)),
            headers={"Origin": origin, **_bearer(codec_server.files.reader_token)},
        )
        assert "access-control-allow-origin" not in post.headers
    post = http.post(
        "/decode",
        json=_body(_sealed(codec_server)),
        headers={"Origin": codec_server.ui_origin, **_bearer(codec_server.files.reader_token)},
    )
    assert post.headers["access-control-allow-origin"] == codec_server.ui_origin


def test_tokens_and_keys_reload_without_restart(codec_server: CodecServer, http: httpx.Client):
    files = codec_server.files
    token = add_token(files.tokens, "temp", Role.READER)
    sealed = _body(_sealed(codec_server))
    assert http.post("/decode", json=sealed, headers=_bearer(token)).status_code == 200
    revoke_token(files.tokens, "temp")
    assert http.post("/decode", json=sealed, headers=_bearer(token)).status_code == 401
    new_id = add_key(files.keyring, activate=True)
    enc = http.post("/encode", json=_body(_plain()), headers=_bearer(files.admin_token))
    key_id = base64.b64decode(enc.json()["payloads"][0]["metadata"]["encryption-key-id"])
    assert key_id.decode() == new_id != new_key_id()


def test_every_decode_is_logged_without_plaintext(codec_server: CodecServer, http: httpx.Client):
    secret = codec_server.files.secret
    http.post(f"/{secret}/decode", json=_body(_sealed(codec_server)), headers=NS)
    log = (codec_server.files.run_dir / "logs" / "codec.log").read_text()
    events = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    decodes = [e for e in events if e["event"] == "decode"]
    assert {"who": "path-secret", "namespace": "default", "payloads": 1}.items() <= decodes[
        -1
    ].items()
    assert any(e["who"] == "ops-reader" for e in decodes)
    for leaked in (SECRET_TEXT, "4321", secret, codec_server.files.reader_token):
        assert leaked not in log
