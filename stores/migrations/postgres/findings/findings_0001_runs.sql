-- Append-only: rows are inserted, and a retried save deletes only its own run's rows first
-- (stores.finding_rows); an UPDATE is refused outright.
CREATE TABLE reconcile_runs (
    run_id TEXT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    payments_checked INTEGER NOT NULL CHECK (payments_checked >= 0),
    findings INTEGER NOT NULL CHECK (findings >= 0)
);
CREATE TABLE reconcile_findings (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES reconcile_runs(run_id),
    kind TEXT NOT NULL,
    payment_id TEXT,
    merchant_id TEXT,
    processor TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX reconcile_findings_run ON reconcile_findings(run_id, seq);
CREATE INDEX reconcile_runs_at ON reconcile_runs(at DESC);
CREATE FUNCTION reconcile_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'reconciliation findings are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END
$$;
CREATE TRIGGER reconcile_runs_append_only BEFORE UPDATE ON reconcile_runs
    FOR EACH ROW EXECUTE FUNCTION reconcile_append_only();
CREATE TRIGGER reconcile_findings_append_only BEFORE UPDATE ON reconcile_findings
    FOR EACH ROW EXECUTE FUNCTION reconcile_append_only();
