"""The local API keys file (``<run>/api-keys.json``): read by the CLI's ``--api`` and the demo.

``make up`` writes it (``stack.api.ensure_api_keys``); the keys are test keys of a local stack.
"""

from __future__ import annotations

import json
from pathlib import Path

API_KEYS_FILE = "api-keys.json"


def load_api_key(path: Path, merchant: str) -> str:
    """One merchant's key from a keys file.

    Raises:
        KeyError: If the file has no key for ``merchant``.
    """
    keys: dict[str, str] = json.loads(path.read_text())
    return keys[merchant]
