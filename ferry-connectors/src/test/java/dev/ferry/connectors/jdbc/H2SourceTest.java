package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.SourceFactory;
import dev.ferry.testkit.SourceContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

class H2SourceTest extends SourceContract {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db("jdbc:h2:mem:ferry_src;DB_CLOSE_DELAY=-1", null, "it_jdbc_h2_src").reset();
    }

    @Override
    protected SourceFactory factory() {
        return new JdbcSourceFactory();
    }

    @Override
    protected ConnectorConfig createTable(String name, List<Object[]> rows) {
        db.createTestTable(name, rows, "id BIGINT PRIMARY KEY, name VARCHAR(50), amount NUMERIC(12,3), created TIMESTAMP(6) WITH TIME ZONE, flag BOOLEAN, note CLOB, data VARBINARY");
        return db.config("source", name);
    }
}
