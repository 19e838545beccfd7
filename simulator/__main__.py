"""Run the simulator: ``python -m simulator --host H --port P --db PATH``."""

import argparse
import os
import sys

import uvicorn

from infra import tracing
from infra.logging_setup import configure as configure_logging
from infra.settings import Settings
from simulator.app import create_app
from simulator.settings import SimulatorSettings


def parse_settings(argv: list[str]) -> SimulatorSettings:
    """Merge command-line flags over SIMULATOR_* environment variables."""
    parser = argparse.ArgumentParser(prog="python -m simulator", description=__doc__)
    parser.add_argument("--host", help="address to bind (env SIMULATOR_HOST)")
    parser.add_argument("--port", type=int, help="port to bind (env SIMULATOR_PORT)")
    parser.add_argument("--db", help="SQLite ledger path (env SIMULATOR_DB)")
    parser.add_argument("--seed", type=int, help="fault-injection seed (env SIMULATOR_SEED)")
    args = parser.parse_args(argv)
    base = SimulatorSettings()
    flags = {k: v for k in ("host", "port", "db", "seed") if (v := getattr(args, k)) is not None}
    return SimulatorSettings.model_validate({**base.model_dump(), **flags})


def main(argv: list[str]) -> int:
    """Serve until interrupted; return the process exit code."""
    settings = parse_settings(argv)
    settings.db.parent.mkdir(parents=True, exist_ok=True)
    configure_logging("simulator", stream=sys.stderr)
    app = create_app(settings.db, seed=settings.seed)
    traced = Settings()  # only its PAYMENTS_OTEL_* fields matter here
    tracing.setup("card-processor-simulator", traced)
    tracing.instrument_app(app, traced)
    # access_log off: request lines are not needed and nothing about requests gets logged.
    uvicorn.run(app, host=settings.host, port=settings.port, workers=1, access_log=False,
                log_config=None)  # fmt: skip
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown, which is known to abort occasionally after uvicorn exits.
    os._exit(code)
