-- The findings file as it was before migrations: IF NOT EXISTS keeps existing files as they are.
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    payments_checked INTEGER NOT NULL,
    findings INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL REFERENCES runs(run_id),
    kind TEXT NOT NULL,
    payment_id TEXT,
    merchant_id TEXT,
    processor TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_run ON findings(run_id);
