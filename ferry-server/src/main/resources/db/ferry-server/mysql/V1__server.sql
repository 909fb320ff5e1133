-- ferry serve: tenants, tokens, syncs, run requests, and db-scheduler's table. Instants are epoch milliseconds.
CREATE TABLE fs_tenants (
    id          VARCHAR(40)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL UNIQUE,
    created_at  BIGINT       NOT NULL
);
CREATE TABLE fs_tokens (
    token_hash  CHAR(64)     NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(40)  NOT NULL REFERENCES fs_tenants (id),
    created_at  BIGINT       NOT NULL
);
CREATE TABLE fs_syncs (
    id              VARCHAR(40)  NOT NULL PRIMARY KEY,
    tenant_id       VARCHAR(40)  NOT NULL REFERENCES fs_tenants (id),
    name            VARCHAR(200) NOT NULL,
    definition_json TEXT         NOT NULL,
    secrets_enc     TEXT,
    schedule_json   TEXT,
    webhooks_json   TEXT,
    created_at      BIGINT       NOT NULL,
    updated_at      BIGINT       NOT NULL,
    CONSTRAINT fs_syncs_tenant_name UNIQUE (tenant_id, name)
);
-- active_key = sha256(destination) while queued or running, NULL after: the unique index makes "one active run per
-- destination" race-free across requests and nodes.
CREATE TABLE fs_runs (
    run_id           VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant_id        VARCHAR(40)   NOT NULL,
    sync_id          VARCHAR(40)   NOT NULL,
    status           VARCHAR(20)   NOT NULL,
    run_trigger      VARCHAR(20)   NOT NULL,
    destination      VARCHAR(1000) NOT NULL,
    active_key       CHAR(64),
    cancel_requested BOOLEAN       NOT NULL,
    options_json     TEXT          NOT NULL,
    message          TEXT,
    retry_of         VARCHAR(64),
    requested_at     BIGINT        NOT NULL,
    finished_at      BIGINT,
    CONSTRAINT fs_runs_active UNIQUE (active_key)
);
CREATE INDEX fs_runs_sync ON fs_runs (sync_id, requested_at);
CREATE INDEX fs_runs_tenant_status ON fs_runs (tenant_id, status);
CREATE TABLE fs_webhook_deliveries (
    id          VARCHAR(40)   NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(40)   NOT NULL,
    sync_id     VARCHAR(40)   NOT NULL,
    run_id      VARCHAR(64)   NOT NULL,
    hook_index  INT           NOT NULL,
    event       VARCHAR(20)   NOT NULL,
    body        TEXT          NOT NULL,
    status      VARCHAR(20)   NOT NULL,
    attempts    INT           NOT NULL,
    last_error  TEXT,
    created_at  BIGINT        NOT NULL
);

CREATE TABLE scheduled_tasks (
    task_name            VARCHAR(200) NOT NULL,
    task_instance        VARCHAR(200) NOT NULL,
    task_data            LONGBLOB,
    execution_time       TIMESTAMP(6) NULL,
    picked               BOOLEAN NOT NULL,
    picked_by            VARCHAR(200),
    last_success         TIMESTAMP(6) NULL,
    last_failure         TIMESTAMP(6) NULL,
    consecutive_failures INT,
    last_heartbeat       TIMESTAMP(6) NULL,
    version              BIGINT NOT NULL,
    priority             SMALLINT,
    state                VARCHAR(50),
    PRIMARY KEY (task_name, task_instance)
);
CREATE INDEX execution_time_idx ON scheduled_tasks (execution_time);
CREATE INDEX last_heartbeat_idx ON scheduled_tasks (last_heartbeat);
CREATE INDEX priority_execution_time_idx ON scheduled_tasks (priority DESC, execution_time ASC);
