"""The printed tables (latency and CPU; actions, storage and cost) and each mix's ratios to its
baseline."""

from __future__ import annotations

from typing import Any

# Each payment mix is compared with the bare workflow driven the same way.
BASELINE_OF = {"auto": "baseline", "manual": "baseline-manual", "api": "baseline"}
RATIO_FIELDS = (
    "throughput",
    "to_authorized_p50_ms",
    "to_captured_p50_ms",
    "to_captured_p99_ms",
    "cpu_server_ms",
    "cpu_worker_ms",
)
# Read from sample histories once per mix, not per round (bench.history.Figures.fields).
SHAPE_FIELDS = ("workflows", "events", "actions", "history_bytes", "open_hours", "cost_actions",
                "cost_active", "cost_retained", "cost_storage", "cost_total")  # fmt: skip
COLUMNS = (
    ("wf/s", "throughput", "{:.1f}"),
    ("auth p50", "to_authorized_p50_ms", "{:.0f}"),
    ("auth p95", "to_authorized_p95_ms", "{:.0f}"),
    ("auth p99", "to_authorized_p99_ms", "{:.0f}"),
    ("capt p50", "to_captured_p50_ms", "{:.0f}"),
    ("capt p95", "to_captured_p95_ms", "{:.0f}"),
    ("capt p99", "to_captured_p99_ms", "{:.0f}"),
    ("srv ms", "cpu_server_ms", "{:.1f}"),
    ("wrk ms", "cpu_worker_ms", "{:.1f}"),
    ("sim ms", "cpu_simulator_ms", "{:.1f}"),
    ("api ms", "cpu_api_ms", "{:.1f}"),
    ("pg ms", "cpu_postgres_ms", "{:.1f}"),
    ("cli ms", "cpu_client_ms", "{:.1f}"),
    ("err", "errors", "{:.0f}"),
)
COST_COLUMNS = (
    ("actions", "actions", "{:.1f}"),
    ("events", "events", "{:.1f}"),
    ("bytes", "history_bytes", "{:.0f}"),
    ("open h", "open_hours", "{:.3g}"),
    ("$ act/M", "cost_actions", "{:.2f}"),
    ("$ sto/M", "cost_storage", "{:.2f}"),
    ("$ tot/M", "cost_total", "{:.2f}"),
)


def _value(mix: dict[str, Any], key: str) -> Any:
    return mix.get(key) if key in SHAPE_FIELDS else mix["median"].get(key)


def ratios(mixes: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """For each payment mix with its baseline present: payment figure / baseline figure."""
    out: dict[str, dict[str, float | None]] = {}
    for mix, base in BASELINE_OF.items():
        if mix not in mixes or base not in mixes:
            continue
        row: dict[str, float | None] = {}
        for key in (*RATIO_FIELDS, *SHAPE_FIELDS):
            a, b = _value(mixes[mix], key), _value(mixes[base], key)
            row[key] = a / b if isinstance(a, int | float) and b else None
        out[mix] = row
    return out


def _fmt(value: Any, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _rows(results: dict[str, Any], columns: tuple[tuple[str, str, str], ...]) -> list[str]:
    """One row per configuration, concurrency and mix; a ratio row under each payment mix."""
    head = f"{'config':<20}{'c':>4} {'mix':<16}" + "".join(f"{h:>9}" for h, _, _ in columns)
    lines = [head, "-" * len(head)]
    for name, cfg in results["configs"].items():
        for conc, block in cfg["by_concurrency"].items():
            for mix, data in block["mixes"].items():
                cells = "".join(f"{_fmt(_value(data, k), p):>9}" for _, k, p in columns)
                lines.append(f"{name:<20}{conc:>4} {mix:<16}{cells}")
                ratio = block.get("ratios", {}).get(mix)
                if ratio:
                    cells = "".join(
                        f"{_fmt(ratio.get(k), '{:.2f}x'):>9}" if k in ratio else f"{'':>9}"
                        for _, k, _ in columns
                    )
                    lines.append(f"{'':<24} {'  / baseline':<16}{cells}")
    return lines


def table(results: dict[str, Any]) -> str:
    """The latency and CPU table, then the actions, storage and cost table."""
    lines = _rows(results, COLUMNS)
    lines.append(
        "wf/s: completed to captured (manual mixes: through refund) per second; auth/capt: ms "
        "from start (api: to the API's answer); srv/wrk/sim/api/pg/cli: CPU ms per workflow "
        "of the dev server, worker(s), simulator, HTTP API, PostgreSQL (postgres configuration) "
        "and this load generator; medians over rounds."
    )
    lines += ["", *_rows(results, COST_COLUMNS)]
    lines.append(
        "Per payment, summed over its workflows (manual: the payment's and its refund "
        "workflow's), means over sample histories of the last round: billable actions, events, "
        "history bytes (protobuf), open workflow-hours; estimated Temporal Cloud dollars per "
        "million payments at list prices for actions and storage (active + retained 720 h) "
        "and in total (bench/cost.py)."
    )
    return "\n".join(lines)


def add_ratios(results: dict[str, Any]) -> None:
    """Attach ``ratios`` to each configuration and concurrency block."""
    for cfg in results["configs"].values():
        for block in cfg["by_concurrency"].values():
            block["ratios"] = ratios(block["mixes"])
