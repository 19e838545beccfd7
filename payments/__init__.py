"""Domain core of temporal-payments: money, statuses, transitions, errors, settings and codecs.

Nothing in here performs I/O at import time, so the workflow sandbox can pass these modules through.
"""
