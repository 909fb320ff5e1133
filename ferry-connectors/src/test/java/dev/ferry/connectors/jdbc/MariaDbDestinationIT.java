package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.testkit.DestinationContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.Optional;

class MariaDbDestinationIT extends DestinationContract {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.MARIA_URL, "root", "it_jdbc_maria_dest").reset();
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
    protected List<Object[]> readBack(String table) {
        return db.readBack(table);
    }
}
