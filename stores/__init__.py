"""Shared stores behind small interfaces (today SQLite): card vault, merchants, findings."""
