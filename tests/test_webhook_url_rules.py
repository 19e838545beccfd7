"""Webhook URL rules (SSRF): what registration and delivery refuse, and why, without the URL."""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path

import pytest

from infra.settings import Settings
from payments.webhook_urls import TargetRefused, check_url, non_public_kind
from stack.local import StackConfig, components

REFUSED = [
    # (url, words the reason contains)
    ("http://[::1", "not a valid URL"),
    ("http://hooks.example.com\x00/x", "control characters"),
    ("http://hooks.example.com/a b", "spaces"),
    ("https://hooks.example.com:99999/x", "port"),
    ("https://hooks.example.com:0/x", "port"),
    ("https://alice:s3cret@hooks.example.com/x", "credentials"),
    ("https://token@hooks.example.com/x", "credentials"),
    ("ftp://hooks.example.com/x", "http:// or https://"),
    ("http:/hooks.example.com", "http:// or https://"),
    ("http://127.0.0.1:8080/hooks", "loopback"),
    ("http://[::1]/hooks", "loopback"),
    ("http://[::ffff:127.0.0.1]/hooks", "loopback"),
    ("http://[::ffff:a00:1]/hooks", "private"),
    ("http://10.0.0.7/hooks", "private"),
    ("http://192.168.1.1/hooks", "private"),
    ("http://172.16.0.1/hooks", "private"),
    ("http://[fd00::1]/hooks", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://[fe80::1]/hooks", "link-local"),
    ("http://0.0.0.0/hooks", "unspecified"),
    ("http://[::]/hooks", "unspecified"),
    ("http://224.0.0.1/hooks", "multicast"),
    ("http://[ff02::1]/hooks", "multicast"),
    ("http://240.0.0.1/hooks", "reserved"),
    ("http://100.64.0.1/hooks", "non-public"),
    ("http://localhost:8080/hooks", "local-only"),
    ("http://LOCALHOST./hooks", "local-only"),
    ("http://api.localhost/hooks", "local-only"),
    ("http://metadata.google.internal/x", "local-only"),
    ("http://127.1/hooks", "valid host"),
    ("http://2130706433/hooks", "valid host"),
    ("http://0x7f.0.0.1/hooks", "valid host"),
    ("http://hooks..example.com/", "valid host"),
    ("https://hööks.example.com/", "ASCII"),
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_unsafe_or_malformed_urls_are_refused_with_a_reason_that_omits_the_url(
    url: str, reason: str
) -> None:
    with pytest.raises(TargetRefused) as refused:
        check_url(url, allow_private=False)
    assert reason in str(refused.value)
    message = str(refused.value)
    assert url not in message
    assert not [
        w for w in ("example", "alice", "s3cret", "127.", "::", "169.", "0x") if w in message
    ]


@pytest.mark.parametrize(
    "url",
    ["https://hooks.example.com/x?a=1", "HTTP://Hooks.Example.com:8443/", "http://8.8.8.8/h",
     "http://[2001:4860:4860::8888]:8080/h", "https://hooks.example.com./h"],
)  # fmt: skip
def test_public_urls_are_accepted(url: str) -> None:
    check_url(url, allow_private=False)


def test_the_development_setting_allows_private_targets_but_not_malformed_ones() -> None:
    assert check_url("http://127.0.0.1:8080/hooks", allow_private=True).port == 8080
    assert check_url("http://localhost/hooks", allow_private=True).host == "localhost"
    for url in ("http://[::1", "http://u:p@127.0.0.1/", "http://127.0.0.1:99999/"):
        with pytest.raises(TargetRefused):
            check_url(url, allow_private=True)


def test_ipv6_forms_embedding_a_private_ipv4_address_are_not_public() -> None:
    for text in ("::ffff:10.0.0.1", "2002:a00:1::", "64:ff9b::7f00:1"):
        assert non_public_kind(ip_address(text)) is not None
    assert non_public_kind(ip_address("2001:4860:4860::8888")) is None


def test_make_up_allows_private_targets_for_its_local_receiver(tmp_path: Path) -> None:
    """The demo's receiver is on 127.0.0.1; the stack's worker and API must both allow it."""
    comps = {c.name: c for c in components(StackConfig(run_dir=tmp_path))}
    for name in ("worker-1", "api"):
        assert comps[name].env["PAYMENTS_WEBHOOK_ALLOW_PRIVATE_TARGETS"] == "true"
    assert Settings.model_fields["webhook_allow_private_targets"].default is False
