-- Dead letters get a category: 'failed' (the destination refused the record; ferry replay re-sends it) or
-- 'skipped' (it broke a validation rule of the sync file and was never written), and for skipped ones the field
-- and rule it broke.
ALTER TABLE ferry_dead_letters ADD COLUMN category VARCHAR(16) DEFAULT 'failed' NOT NULL;
ALTER TABLE ferry_dead_letters ADD COLUMN field_name VARCHAR(255);
ALTER TABLE ferry_dead_letters ADD COLUMN rule_name VARCHAR(32);
CREATE INDEX ferry_dead_letters_category ON ferry_dead_letters (sync_name, category, resolved_at);
