"""A configuration against its pair in the same run (``Config.versus``), figure by figure: the
stores on PostgreSQL against the SQLite default."""

from __future__ import annotations

from typing import Any

COLUMNS = (
    ("wf/s", "throughput"),
    ("srv ms", "cpu_server_ms"),
    ("wrk ms", "cpu_worker_ms"),
    ("api ms", "cpu_api_ms"),
    ("sim ms", "cpu_simulator_ms"),
    ("cli ms", "cpu_client_ms"),
    ("all ms", "cpu_total_ms"),
)
TOTAL = "cpu_total_ms"


def _ratio(a: Any, b: Any) -> float | None:
    return a / b if isinstance(a, int | float) and isinstance(b, int | float) and b else None


def _total(median: dict[str, Any]) -> float:
    return sum(v for k, v in median.items() if k.startswith("cpu_") and isinstance(v, int | float))


def compare(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, float | None]:
    """Throughput and CPU ms per payment of each process kind, ``mine`` / ``theirs``; the total
    counts PostgreSQL's own CPU, which has no SQLite counterpart (it runs inside the others)."""
    keys = {k for k in (*mine, *theirs) if k.startswith("cpu_") and k != "cpu_postgres_ms"}
    row = {k: _ratio(mine.get(k), theirs.get(k)) for k in sorted(keys)}
    row["throughput"] = _ratio(mine.get("throughput"), theirs.get("throughput"))
    row[TOTAL] = _ratio(_total(mine), _total(theirs))
    return row


def add_versus(results: dict[str, Any], versus: dict[str, str]) -> None:
    """Attach ``versus`` (per concurrency and mix, ``compare``'s ratios) to each configuration
    whose pair ran too."""
    configs = results["configs"]
    for name, other in versus.items():
        if not other or name not in configs or other not in configs:
            continue
        by_conc: dict[str, Any] = {}
        for conc, block in configs[name]["by_concurrency"].items():
            base = configs[other]["by_concurrency"].get(conc, {}).get("mixes", {})
            by_conc[conc] = {mix: compare(data["median"], base[mix]["median"])
                             for mix, data in block["mixes"].items() if mix in base}  # fmt: skip
        configs[name]["versus"] = {"config": other, "by_concurrency": by_conc}


def _cell(value: Any, pattern: str) -> str:
    return f"{'-' if value is None else pattern.format(value):>9}"


def versus_table(results: dict[str, Any]) -> str:
    """One block per compared configuration: a ratio row per concurrency and mix ("" if none)."""
    lines: list[str] = []
    for name, cfg in results["configs"].items():
        vs = cfg.get("versus")
        if not vs:
            continue
        head = f"{name + ' / ' + vs['config']:<24} {'mix':<16}"
        head += "".join(f"{h:>9}" for h, _ in COLUMNS) + f"{'pg ms':>9}"
        lines += ["", head, "-" * len(head)]
        for conc, mixes in vs["by_concurrency"].items():
            for mix, row in mixes.items():
                own = cfg["by_concurrency"][conc]["mixes"][mix]["median"].get("cpu_postgres_ms")
                cells = "".join(_cell(row.get(k), "{:.2f}x") for _, k in COLUMNS)
                lines.append(f"{'c=' + conc:<24} {mix:<16}{cells}{_cell(own, '{:.1f}')}")
    if lines:
        lines.append(
            "Same run, same plan: throughput and CPU ms per payment of each process kind as a "
            "ratio to the pair; all ms: every process's CPU per payment, PostgreSQL's included "
            "(pg ms: its own CPU per payment, which SQLite spends inside the processes)."
        )
    return "\n".join(lines)
