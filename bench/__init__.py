"""``make bench``: payments against a bare Temporal workflow of the same shape, in one run."""
