"""Activities: every call that leaves the workflow (processor, vault) lives here."""
