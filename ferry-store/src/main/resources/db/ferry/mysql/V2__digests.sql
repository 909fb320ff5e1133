-- Range digests: per sync, the digest of the rows Ferry last wrote in each key range (generation 0: the last
-- completed pass; generation 1: the pass being recorded). An unchanged range is not read again.
CREATE TABLE ferry_digests (
    sync_name   VARCHAR(255) NOT NULL,
    generation  INT          NOT NULL,
    ordinal     BIGINT       NOT NULL,
    first_key   LONGTEXT,
    row_count   BIGINT       NOT NULL,
    hash        BIGINT       NOT NULL,
    PRIMARY KEY (sync_name, generation, ordinal)
);
