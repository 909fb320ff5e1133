-- Ferry state store, MariaDB/MySQL. Instants are DATETIME(6) in UTC (UTC_TIMESTAMP); lease times come from the database clock.

CREATE TABLE ferry_runs (
    run_id        VARCHAR(64)    NOT NULL PRIMARY KEY,
    sync_name     VARCHAR(255)   NOT NULL,
    destination   VARCHAR(1000)  NOT NULL,
    status        VARCHAR(20)    NOT NULL,
    phase         VARCHAR(20)    NOT NULL,
    total         BIGINT         NOT NULL,
    processed     BIGINT         NOT NULL,
    inserted      BIGINT         NOT NULL,
    updated       BIGINT         NOT NULL,
    unchanged     BIGINT         NOT NULL,
    skipped       BIGINT         NOT NULL,
    failed        BIGINT         NOT NULL,
    started_at    DATETIME(6) NOT NULL,
    finished_at   DATETIME(6),
    message       LONGTEXT,
    error         LONGTEXT,
    resumed_from  VARCHAR(64),
    options_json  LONGTEXT           NOT NULL,
    stats_json    LONGTEXT           NOT NULL,
    saved_at      DATETIME(6) DEFAULT UTC_TIMESTAMP(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX ferry_runs_sync_started ON ferry_runs (sync_name, started_at);
CREATE INDEX ferry_runs_started ON ferry_runs (started_at);
CREATE INDEX ferry_runs_status ON ferry_runs (status);

-- One row per sync: the in-progress checkpoint (checkpoint_run_id not null) and the last pass's high-water mark.
CREATE TABLE ferry_checkpoints (
    sync_name          VARCHAR(255) NOT NULL PRIMARY KEY,
    checkpoint_run_id  VARCHAR(64),
    source_position    LONGTEXT,
    cursor_from        LONGTEXT,
    cursor_to          LONGTEXT,
    next_seq           BIGINT,
    total              BIGINT,
    processed          BIGINT,
    inserted           BIGINT,
    updated            BIGINT,
    unchanged          BIGINT,
    skipped            BIGINT,
    failed             BIGINT,
    high_water_mark    LONGTEXT,
    saved_at           DATETIME(6) DEFAULT UTC_TIMESTAMP(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- One row per destination resource; run_id null = released. epoch only grows (fencing token).
CREATE TABLE ferry_leases (
    resource      VARCHAR(512)  NOT NULL PRIMARY KEY,
    run_id        VARCHAR(64),
    epoch         BIGINT        NOT NULL,
    host          VARCHAR(255),
    pid           BIGINT,
    acquired_at   DATETIME(6),
    heartbeat_at  DATETIME(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE ferry_dead_letters (
    id             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    run_id         VARCHAR(64)   NOT NULL,
    sync_name      VARCHAR(255)  NOT NULL,
    source_key     LONGTEXT      NOT NULL,
    source_key_hash CHAR(64)     NOT NULL,
    reason         LONGTEXT      NOT NULL,
    payload_json   LONGTEXT      NOT NULL,
    created_at     DATETIME(6) NOT NULL,
    resolved_at    DATETIME(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX ferry_dead_letters_run ON ferry_dead_letters (run_id, resolved_at);
CREATE INDEX ferry_dead_letters_key ON ferry_dead_letters (sync_name, source_key_hash);
