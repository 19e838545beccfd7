"""One logging setup for every process: JSON lines, with card numbers masked.

Each record becomes one JSON object with ``ts``, ``level``, ``process``, ``logger`` and ``msg``,
plus ``payment_id``, ``merchant``, ``step`` and ``attempt`` when known: from ``extra=`` or from
the context the Temporal SDK attaches to workflow and activity loggers. ``CardMaskFilter`` is the
last line of defence: whatever slipped into a message, anything card-number-like is masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

# 13 to 19 digits, optionally split by single spaces or dashes: every card length there is.
_CARD_LIKE = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
# A checkout session id is the hosted payment page's bearer token (it is in the page's path, so
# in access log lines): only its first 8 of 40 hex digits are logged, enough to find it again.
_SESSION_TOKEN = re.compile(r"\b(cs_[0-9a-f]{8})[0-9a-f]{32}\b")
MASK = "[card-number-masked]"
CONTEXT_FIELDS = ("payment_id", "merchant", "step", "attempt")


def mask_card_numbers(text: str) -> str:
    """Replace every card-number-like run of digits in ``text`` (and shorten session tokens).

    Luhn is not checked on purpose: a typo'd card number is still a card number.
    """
    return _CARD_LIKE.sub(MASK, _SESSION_TOKEN.sub(r"\1...", text))


class CardMaskFilter(logging.Filter):
    """Masks card-number-like text in the message, its arguments and any exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drops it."""
        record.msg = mask_card_numbers(record.getMessage())
        record.args = None
        if record.exc_info:
            trace = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_card_numbers(trace)
            record.exc_info = None
        return True


def _temporal_context(record: logging.LogRecord) -> dict[str, Any]:
    """Payment id, step and attempt from the SDK's ``temporal_activity``/``_workflow`` extras."""
    found: dict[str, Any] = {}
    act = getattr(record, "temporal_activity", None)
    if isinstance(act, dict):
        found = {
            "payment_id": act.get("workflow_id"),
            "step": act.get("activity_type"),
            "attempt": act.get("attempt"),
        }
    wf = getattr(record, "temporal_workflow", None)
    if isinstance(wf, dict) and not found:
        found = {"payment_id": wf.get("workflow_id"), "step": wf.get("workflow_type")}
    return {k: v for k, v in found.items() if v is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; the whole line is masked again before it is written."""

    def __init__(self, process: str) -> None:
        """``process`` names the program (worker, api, simulator, ...)."""
        super().__init__()
        self._process = process

    def format(self, record: logging.LogRecord) -> str:
        """Serialize ``record`` with its payment context."""
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "process": self._process,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update(_temporal_context(record))
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exc"] = record.exc_text
        return mask_card_numbers(json.dumps(line, default=str, ensure_ascii=False))


def configure(process: str, *, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Route every logger of this process through one masked JSON handler on ``stream``.

    Replaces existing root handlers, so calling it twice does not duplicate lines.
    """
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.addFilter(CardMaskFilter())
    handler.setFormatter(JsonFormatter(process))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request line at INFO, with processor paths and webhook URLs in them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # uvicorn installs its own handlers when given a log config; ours must see its records.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
