"""Process management for the local stack: dev server, simulator and workers.

Shared by ``python -m stack`` (``make up``/``make down``), tests, the chaos harness and
the benchmark, so every one of them starts and stops processes the same way.
"""
