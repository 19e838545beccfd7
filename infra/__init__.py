"""Plumbing: settings, logging, tracing, metrics, payload codec, keyring, Temporal client."""
