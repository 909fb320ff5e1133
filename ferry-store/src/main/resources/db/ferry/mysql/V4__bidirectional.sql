-- Bidirectional syncs: the base (last synchronised value of every field of every record, as a JSON array of texts),
-- each side's high-water mark, and every conflict (resolved by a rule, waiting for a person, or applied).
-- Record keys compare byte for byte (utf8mb4_bin): keys "a" and "A" are two records, as on the sides.
CREATE TABLE ferry_bidi_base (
    sync_name     VARCHAR(255)  NOT NULL,
    record_key    VARCHAR(512)  COLLATE utf8mb4_bin NOT NULL,
    field_values  LONGTEXT      NOT NULL,
    PRIMARY KEY (sync_name, record_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE ferry_bidi_cursors (
    sync_name     VARCHAR(255)  NOT NULL,
    side          VARCHAR(8)    NOT NULL,
    high_water    LONGTEXT      NOT NULL,
    PRIMARY KEY (sync_name, side)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE ferry_bidi_conflicts (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    sync_name     VARCHAR(255)  NOT NULL,
    run_id        VARCHAR(64)   NOT NULL,
    record_key    VARCHAR(512)  COLLATE utf8mb4_bin NOT NULL,
    field         VARCHAR(255)  NOT NULL,
    base_value    LONGTEXT,
    a_value       LONGTEXT,
    b_value       LONGTEXT,
    strategy      VARCHAR(32)   NOT NULL,
    status        VARCHAR(16)   NOT NULL,
    resolution    LONGTEXT,
    resolved_by   VARCHAR(255),
    detected_at   DATETIME(6)   NOT NULL,
    resolved_at   DATETIME(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE INDEX ferry_bidi_conflicts_open ON ferry_bidi_conflicts (sync_name, status, record_key(191), field(191));
