package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.BeforeAll;

class PostgresDedupPreviewIT extends DedupPreviewChecks {
    static Db db;

    @BeforeAll
    static void reset() {
        db = new Db(Db.PG_URL, "postgres", "dpv_pg_writer").reset();
    }

    @Override
    Db db() {
        return db;
    }
}
