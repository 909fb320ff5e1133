package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.spi.Schema;
import dev.ferry.testkit.LinkedTablesContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

class PostgresLinkedTablesIT extends LinkedTablesContract {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.PG_URL, "postgres", "tf_linked_pg").reset();
    }

    @Override
    protected DestinationFactory factory() {
        return new JdbcDestinationFactory();
    }

    @Override
    protected ConnectorConfig config(String table) {
        return db.config("destination", table);
    }

    @Override
    protected void drop(String table) {
        db.drop(table);
    }

    @Override
    protected List<Object[]> read(String table, Schema schema) {
        return LinkedDb.read(db, table, schema);
    }
}
