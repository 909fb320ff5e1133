-- Deduplication's counter: records folded into an existing master (issue 9). Old rows read as 0.
ALTER TABLE ferry_runs ADD COLUMN merged BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE ferry_checkpoints ADD COLUMN merged BIGINT;
