package dev.ferry.connectors.jdbc;

import org.junit.jupiter.api.BeforeAll;

class H2DedupPreviewTest extends DedupPreviewChecks {
    static Db db;

    @BeforeAll
    static void reset() {
        db = new Db("jdbc:h2:mem:ferry_dpv;DB_CLOSE_DELAY=-1", null, "dpv_h2").reset();
    }

    @Override
    Db db() {
        return db;
    }
}
