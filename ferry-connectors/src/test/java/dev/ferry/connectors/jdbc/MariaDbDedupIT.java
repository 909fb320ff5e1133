package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.BeforeAll;

class MariaDbDedupIT extends DedupWriterChecks {
    static Db db;

    @BeforeAll
    static void reset() {
        db = new Db(Db.MARIA_URL, "root", "dd_maria_writer").reset();
    }

    @Override
    Db db() {
        return db;
    }
}
