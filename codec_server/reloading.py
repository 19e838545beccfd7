"""A value loaded from a file and reloaded when the file changes, so rotation needs no restart."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
_Signature = tuple[int, int, int] | None


class ReloadingFile(Generic[T]):
    """``current()`` returns ``load(path)``, re-run whenever the file's inode, size or mtime change.

    Files are replaced atomically (``os.replace``), so a change always shows as a new inode.
    A failed load raises and is retried on the next call; it never keeps serving stale keys.
    """

    def __init__(self, path: Path, load: Callable[[Path], T]) -> None:
        """Watch ``path``; nothing is read until the first ``current()``."""
        self.path = path
        self._load = load
        self._lock = threading.Lock()
        self._signature: _Signature = None
        self._value: T | None = None
        self._loaded = False

    def current(self) -> T:
        """The value for the file as it is now."""
        signature = self._stat()
        with self._lock:
            if not self._loaded or signature != self._signature:
                self._loaded = False
                self._value = self._load(self.path)
                self._signature, self._loaded = signature, True
            return self._value  # type: ignore[return-value]

    def _stat(self) -> _Signature:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)
