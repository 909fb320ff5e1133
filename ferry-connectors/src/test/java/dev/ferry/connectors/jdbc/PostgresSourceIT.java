package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.SourceFactory;
import dev.ferry.testkit.SourceContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

class PostgresSourceIT extends SourceContract {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.PG_URL, "postgres", "it_jdbc_pg_src").reset();
    }

    @Override
    protected SourceFactory factory() {
        return new JdbcSourceFactory();
    }

    @Override
    protected ConnectorConfig createTable(String name, List<Object[]> rows) {
        db.createTestTable(name, rows, "id bigint primary key, name varchar(50), amount numeric(12,3), created timestamptz, flag boolean, note text, data bytea");
        return db.config("source", name);
    }
}
