"""Worker Versioning: a rolling deploy of a changed ``PaymentWorkflow`` on a real dev server."""
