package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.TestRows;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/** The destination contract again, with the source promising ascending unique keys (LOAD DATA on fresh loads). */
class MariaDbLoadDataContractIT extends MariaDbDestinationIT {
    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.MARIA_URL, "root", "it_jdbc_maria_load").reset();
    }

    @Override
    protected DestinationWriter writer(Destination d, String table, WriteMode mode, boolean fresh) {
        return d.open(TestRows.SCHEMA, new WriteSpec(qualified(table), List.of("id"), mode, "contract", fresh, true));
    }
}
