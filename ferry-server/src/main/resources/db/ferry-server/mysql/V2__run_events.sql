-- A run's timeline, kept so a reload or a restart shows it whole: triggered, started, phases, batches (coalesced),
-- retries with their reason, rate-limit waits, cancel, ended. Instants are epoch milliseconds.
CREATE TABLE fs_run_events (
    id      BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    run_id  VARCHAR(64)  NOT NULL,
    happened_at BIGINT   NOT NULL,
    kind    VARCHAR(20)  NOT NULL,
    detail  TEXT         NOT NULL
);
CREATE INDEX fs_run_events_run ON fs_run_events (run_id, id);
