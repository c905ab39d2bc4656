-- openai-usage-store schema 1 (SQLite). Money is TEXT holding the exact decimal the API sent
-- (SQLite has no exact decimal type and REAL would round); the store sums it exactly.

CREATE TABLE organizations (
    org TEXT PRIMARY KEY,
    base_url TEXT NOT NULL,
    first_synced_at INTEGER NOT NULL,
    last_synced_at INTEGER NOT NULL
);

-- Every bucket read, empty ones included: what the store covers. A partial bucket (not over
-- when it was read) is replaced by a later sync.
CREATE TABLE buckets (
    org TEXT NOT NULL REFERENCES organizations (org),
    stream TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    end_time INTEGER NOT NULL,
    partial INTEGER NOT NULL CHECK (partial IN (0, 1)),
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (org, stream, start_time)
);

-- One row per result of a bucket, in the order the API sent them.
CREATE TABLE results (
    org TEXT NOT NULL,
    stream TEXT NOT NULL,
    start_time INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    object TEXT,
    project_id TEXT,
    user_id TEXT,
    api_key_id TEXT,
    model TEXT,
    batch INTEGER CHECK (batch IN (0, 1)),
    service_tier TEXT,
    api_source TEXT,
    line_item TEXT,
    num_model_requests INTEGER,
    input_tokens INTEGER,
    output_tokens INTEGER,
    amount TEXT,
    currency TEXT,
    quantity REAL,
    quantity_unit TEXT,
    result TEXT NOT NULL,
    PRIMARY KEY (org, stream, start_time, seq),
    FOREIGN KEY (org, stream, start_time) REFERENCES buckets (org, stream, start_time)
);

-- Where each stream's last committed page came from, written in the page's transaction.
CREATE TABLE sync_cursors (
    org TEXT NOT NULL,
    stream TEXT NOT NULL,
    range_start INTEGER NOT NULL,
    range_end INTEGER NOT NULL,
    page TEXT,
    next_page TEXT,
    committed_at INTEGER NOT NULL,
    PRIMARY KEY (org, stream)
);

CREATE TABLE projects (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    status TEXT,
    created_at INTEGER,
    archived_at INTEGER,
    data TEXT NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE users (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    email TEXT,
    role TEXT,
    data TEXT NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE api_keys (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    name TEXT,
    owner_email TEXT,
    owner_service_account TEXT,
    created_at INTEGER,
    last_used_at INTEGER,
    data TEXT NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE service_accounts (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    name TEXT,
    role TEXT,
    created_at INTEGER,
    data TEXT NOT NULL,
    PRIMARY KEY (org, project_id, id)
);

-- Hard spend limits: scope '' is the organization, otherwise a project ID.
CREATE TABLE spend_limits (
    org TEXT NOT NULL,
    scope TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    currency TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (org, scope)
);

CREATE TABLE spend_alerts (
    org TEXT NOT NULL,
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
    threshold_cents INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (org, scope, id)
);
