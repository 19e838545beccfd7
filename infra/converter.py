"""The one data converter every client and worker uses."""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, DefaultFailureConverterWithEncodedAttributes

from infra.codec import EncryptionCodec
from infra.keyring import Keyring


def build_data_converter(keyring: Keyring) -> DataConverter:
    """Pydantic payloads, AES-256-GCM encryption, and failures whose messages are encrypted too."""
    return dataclasses.replace(
        pydantic_data_converter,
        payload_codec=EncryptionCodec(keyring),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )
