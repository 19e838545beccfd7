"""Chaos harness: the real stack under worker and server kills and processor faults."""
