package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.BeforeAll;

class H2DedupTest extends DedupWriterChecks {
    static Db db;

    @BeforeAll
    static void reset() {
        db = new Db("jdbc:h2:mem:ferry_dedup;DB_CLOSE_DELAY=-1", null, "dd_h2").reset();
    }

    @Override
    Db db() {
        return db;
    }
}
