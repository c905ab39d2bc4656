-- openai-usage-store schema 2 (PostgreSQL): a log of syncs, for "when was this organization last
-- read, and how much".

CREATE TABLE sync_runs (
    org TEXT NOT NULL REFERENCES organizations (org),
    now BIGINT NOT NULL,
    since BIGINT NOT NULL,
    restate_days BIGINT NOT NULL,
    pages BIGINT NOT NULL,
    results BIGINT NOT NULL,
    PRIMARY KEY (org, now)
);
