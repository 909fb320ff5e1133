package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.SourceFactory;
import dev.ferry.testkit.SourceContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

class MariaDbSourceIT extends SourceContract {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.MARIA_URL, "root", "it_jdbc_maria_src").reset();
    }

    @Override
    protected SourceFactory factory() {
        return new JdbcSourceFactory();
    }

    @Override
    protected ConnectorConfig createTable(String name, List<Object[]> rows) {
        db.createTestTable(name, rows, "id BIGINT PRIMARY KEY, name VARCHAR(50), amount DECIMAL(12,3), created TIMESTAMP(6) NULL, flag BOOLEAN, note LONGTEXT, data LONGBLOB) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin -- (");
        return db.config("source", name);
    }
}
