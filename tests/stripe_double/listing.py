"""Lists (``created[gte]``, ``limit``, ``starting_after``) and PaymentIntent search.

Lists are newest first, as Stripe's are (docs.stripe.com/api/pagination); search takes
clauses such as ``metadata['payment_id']:'pay_1' AND status:'succeeded'``
(docs.stripe.com/search#search-query-language), the only form the double understands.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from tests.stripe_double.ledger import Ledger
from tests.stripe_double.wire import integer, invalid, public

_CLAUSE = re.compile(r"^(metadata\['([^']+)'\]|[a-z_]+):'([^']*)'$")
_OPS = {"gte": lambda a, b: a >= b, "gt": lambda a, b: a > b}
_OPS |= {"lte": lambda a, b: a <= b, "lt": lambda a, b: a < b}


def _created_ok(obj: dict[str, Any], created: Any) -> bool:
    if created is None:
        return True
    if isinstance(created, str):
        return bool(obj["created"] == int(created))
    return all(_OPS[op](obj["created"], int(v)) for op, v in created.items() if op in _OPS)


def page(objects: Iterable[dict[str, Any]], params: dict[str, Any], url: str) -> dict[str, Any]:
    """One page of ``objects`` filtered and cut as ``params`` say."""
    limit = integer(params, "limit", required=False) or 10
    if not 1 <= limit <= 100:
        raise invalid("limit must be between 1 and 100.", "limit")
    rows = sorted(objects, key=lambda o: (o["created"], o["_seq"]), reverse=True)
    rows = [o for o in rows if _created_ok(o, params.get("created"))]
    if pi := params.get("payment_intent"):
        rows = [o for o in rows if o.get("payment_intent") == pi]
    if after := params.get("starting_after"):
        ids = [o["id"] for o in rows]
        rows = rows[ids.index(after) + 1 :] if after in ids else []
    return {
        "object": "list",
        "url": url,
        "has_more": len(rows) > limit,
        "data": [public(o) for o in rows[:limit]],
    }


def search(ledger: Ledger, params: dict[str, Any]) -> dict[str, Any]:
    """GET /v1/payment_intents/search: clauses joined by AND, exact matches only.

    Objects younger than ``ledger.search_lag`` seconds are not found yet: Stripe's search is
    not read-after-write ("data is searchable in under 1 minute", docs.stripe.com/search).
    """
    newest = ledger.clock() - ledger.search_lag
    intents = [pi for pi in ledger.intents.values() if pi["_at"] <= newest]
    query = params.get("query") or ""
    tests = []
    for clause in (c.strip() for c in query.split(" AND ")):
        m = _CLAUSE.match(clause)
        if not m:
            raise invalid(f"The double does not understand the query clause {clause!r}.", "query")
        tests.append((m.group(2), m.group(1), m.group(3)))
    found = [
        pi
        for pi in intents
        if all(
            (pi["metadata"].get(meta) if meta else str(pi.get(field))) == want
            for meta, field, want in tests
        )
    ]
    listed = page(found, {"limit": params.get("limit", "10")}, "/v1/payment_intents/search")
    return {**listed, "object": "search_result", "next_page": None}
