"""The local stack's build id: a digest of the code its workflows run.

Not ``git describe``: it stays the same while workflow code is edited but not committed, and a
copy without ``.git`` has none. The digest changes exactly when a file the workflows replay
through changes (``workflows/`` and the domain in ``payments/``); activities are left out, they
never replay, so changing one keeps the build and its pinned payments.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from stack.commands import REPO_ROOT

WORKFLOW_CODE = ("workflows", "payments")


def code_build_id(root: Path = REPO_ROOT) -> str:
    """``code-`` and 12 hex digits of the SHA-256 over the workflow code's paths and bytes."""
    digest = hashlib.sha256()
    for folder in WORKFLOW_CODE:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return f"code-{digest.hexdigest()[:12]}"
