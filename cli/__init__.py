"""The ``starter.py`` command line: talks to Temporal directly."""
