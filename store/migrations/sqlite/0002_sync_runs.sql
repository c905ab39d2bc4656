-- openai-usage-store schema 2 (SQLite): a log of syncs, for "when was this organization last
-- read, and how much".

CREATE TABLE sync_runs (
    org TEXT NOT NULL REFERENCES organizations (org),
    now INTEGER NOT NULL,
    since INTEGER NOT NULL,
    restate_days INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    results INTEGER NOT NULL,
    PRIMARY KEY (org, now)
);
