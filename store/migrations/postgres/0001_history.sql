-- openai-usage-store schema 1 (PostgreSQL). Money is NUMERIC: exact, summed by the database.

CREATE TABLE organizations (
    org TEXT PRIMARY KEY,
    base_url TEXT NOT NULL,
    first_synced_at BIGINT NOT NULL,
    last_synced_at BIGINT NOT NULL
);

-- Every bucket read, empty ones included: what the store covers. A partial bucket (not over
-- when it was read) is replaced by a later sync.
CREATE TABLE buckets (
    org TEXT NOT NULL REFERENCES organizations (org),
    stream TEXT NOT NULL,
    start_time BIGINT NOT NULL,
    end_time BIGINT NOT NULL,
    partial BOOLEAN NOT NULL,
    fetched_at BIGINT NOT NULL,
    PRIMARY KEY (org, stream, start_time)
);

-- One row per result of a bucket, in the order the API sent them.
CREATE TABLE results (
    org TEXT NOT NULL,
    stream TEXT NOT NULL,
    start_time BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    object TEXT,
    project_id TEXT,
    user_id TEXT,
    api_key_id TEXT,
    model TEXT,
    batch BOOLEAN,
    service_tier TEXT,
    api_source TEXT,
    line_item TEXT,
    num_model_requests BIGINT,
    input_tokens BIGINT,
    output_tokens BIGINT,
    amount NUMERIC,
    currency TEXT,
    quantity DOUBLE PRECISION,
    quantity_unit TEXT,
    result JSONB NOT NULL,
    PRIMARY KEY (org, stream, start_time, seq),
    FOREIGN KEY (org, stream, start_time) REFERENCES buckets (org, stream, start_time)
);

-- Where each stream's last committed page came from, written in the page's transaction.
CREATE TABLE sync_cursors (
    org TEXT NOT NULL,
    stream TEXT NOT NULL,
    range_start BIGINT NOT NULL,
    range_end BIGINT NOT NULL,
    page TEXT,
    next_page TEXT,
    committed_at BIGINT NOT NULL,
    PRIMARY KEY (org, stream)
);

CREATE TABLE projects (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    status TEXT,
    created_at BIGINT,
    archived_at BIGINT,
    data JSONB NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE users (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT,
    email TEXT,
    role TEXT,
    data JSONB NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE api_keys (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    name TEXT,
    owner_email TEXT,
    owner_service_account TEXT,
    created_at BIGINT,
    last_used_at BIGINT,
    data JSONB NOT NULL,
    PRIMARY KEY (org, id)
);

CREATE TABLE service_accounts (
    org TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    name TEXT,
    role TEXT,
    created_at BIGINT,
    data JSONB NOT NULL,
    PRIMARY KEY (org, project_id, id)
);

-- Hard spend limits: scope '' is the organization, otherwise a project ID.
CREATE TABLE spend_limits (
    org TEXT NOT NULL,
    scope TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (org, scope)
);

CREATE TABLE spend_alerts (
    org TEXT NOT NULL,
    scope TEXT NOT NULL,
    id TEXT NOT NULL,
    threshold_cents BIGINT NOT NULL,
    data JSONB NOT NULL,
    PRIMARY KEY (org, scope, id)
);
