"""The environment variables ``make up`` reads: one table, rendered into the README and into
``python -m stack --help``, so neither can miss one again."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    """One variable: the ``StackConfig`` field it sets, its default and what it is for."""

    name: str
    field: str
    default: int | float | str
    meaning: str
    choices: tuple[str, ...] = ()
    """The words a text variable may take (read checks them); empty for numbers and paths."""


VARIABLES: tuple[Variable, ...] = (
    Variable("PAYMENTS_RUN_DIR", "run_dir", "<repo>/.run",
             "run folder: logs/, pids/, databases, keys"),
    Variable("TEMPORAL_PORT", "temporal_port", 7233, "dev server gRPC port"),
    Variable("TEMPORAL_UI_PORT", "ui_port", 8233, "dev server Web UI port"),
    Variable("SIMULATOR_PORT", "simulator_port", 8081, "primary processor simulator HTTP port"),
    Variable("SECONDARY_SIMULATOR_PORT", "secondary_port", 8082,
             "secondary processor HTTP port (the simulator, or localstripe)"),
    Variable("SECONDARY_PROCESSOR", "secondary_processor", "simulator",
             "simulator, or stripe: localstripe via the Stripe connector", ("simulator", "stripe")),
    Variable("WORKER_COUNT", "worker_count", 1, "number of worker processes"),
    Variable("CODEC_PORT", "codec_port", 8234, "codec server HTTP port"),
    Variable("API_PORT", "api_port", 8000, "merchant HTTP API port"),
    Variable("METRICS_PORT", "metrics_port", 9464,
             "first worker metrics port; two per worker (business, SDK)"),
    Variable("STACK_TIMEOUT", "timeout", 60.0,
             "seconds to wait for each component to become healthy"),
    Variable("DB", "db", "sqlite",
             "stores: sqlite files, or postgres (cluster in <run>/postgres)",
             ("sqlite", "postgres")),
    Variable("PAYMENTS_WORKER_BUILD_ID", "build_id", "<code digest>",
             "workers' Worker Versioning build, made current"),
)  # fmt: skip


def read(env: Mapping[str, str]) -> dict[str, int | float | str]:
    """The settings found in ``env`` (numbers and words, not paths), by ``StackConfig`` field.

    Raises:
        ValueError: A variable is set to something that is not a number of its kind, or not
            one of its words.
    """
    values: dict[str, int | float | str] = {}
    for var in VARIABLES:
        if var.name not in env:
            continue
        if var.choices:
            values[var.field] = _word(var, env[var.name])
            continue
        if var.field == "run_dir":
            continue  # a path: StackConfig.from_env resolves it
        if isinstance(var.default, str):
            values[var.field] = env[var.name]
            continue
        kind = type(var.default)
        try:
            values[var.field] = kind(env[var.name])
        except ValueError:
            raise ValueError(f"{var.name} must be a number, not {env[var.name]!r}") from None
    return values


def _word(var: Variable, value: str) -> str:
    if value not in var.choices:
        raise ValueError(f"{var.name} must be one of {', '.join(var.choices)}, not {value!r}")
    return value


def _shown(var: Variable) -> str:
    return f"{var.default:g}" if isinstance(var.default, float) else str(var.default)


def as_text() -> str:
    """The variables as ``python -m stack --help`` (and the module docstring) list them."""
    width = max(len(v.name) for v in VARIABLES)
    return "\n".join(f"    {v.name:<{width}}  {v.meaning} [{_shown(v)}]" for v in VARIABLES)


def as_markdown() -> str:
    """The variables as the README's table."""
    rows = [f"| `{v.name}` | `{_shown(v)}` | {v.meaning} |" for v in VARIABLES]
    return "\n".join(["| variable | default | meaning |", "|---|---|---|", *rows])
