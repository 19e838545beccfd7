"""An authenticated Temporal codec server: decrypts payloads for the Web UI and the CLI."""
