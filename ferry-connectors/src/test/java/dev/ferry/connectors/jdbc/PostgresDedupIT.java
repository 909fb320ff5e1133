package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.BeforeAll;

class PostgresDedupIT extends DedupWriterChecks {
    static Db db;

    @BeforeAll
    static void reset() {
        db = new Db(Db.PG_URL, "postgres", "dd_pg_writer").reset();
    }

    @Override
    Db db() {
        return db;
    }
}
