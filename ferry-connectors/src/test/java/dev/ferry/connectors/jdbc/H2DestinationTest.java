package dev.ferry.connectors.jdbc;

import dev.ferry.spi.ConnectorConfig;
import dev.ferry.spi.DestinationFactory;
import dev.ferry.testkit.DestinationContract;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.Optional;

class H2DestinationTest extends DestinationContract {
    static Db db;

    @BeforeAll
    static void resetSchema() {
        db = new Db("jdbc:h2:mem:ferry_dst;DB_CLOSE_DELAY=-1", null, "it_jdbc_h2_dest").reset();
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
