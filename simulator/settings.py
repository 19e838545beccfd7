"""Process settings, from SIMULATOR_* environment variables."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class SimulatorSettings(BaseSettings):
    """Where the simulator listens and keeps its ledger."""

    model_config = SettingsConfigDict(env_prefix="SIMULATOR_", frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = 8099
    db: Path = Path(".run/simulator.sqlite3")
    seed: int | None = None
