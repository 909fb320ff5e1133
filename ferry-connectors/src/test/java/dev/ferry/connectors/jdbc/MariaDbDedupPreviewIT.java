package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.BeforeAll;

class MariaDbDedupPreviewIT extends DedupPreviewChecks {
    static Db db;

    @BeforeAll
    static void reset() {
        db = new Db(Db.MARIA_URL, "root", "dpv_maria_writer").reset();
    }

    @Override
    Db db() {
        return db;
    }
}
