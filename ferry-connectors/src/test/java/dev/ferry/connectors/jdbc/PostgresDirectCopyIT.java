package dev.ferry.connectors.jdbc;

import dev.ferry.spi.Destination;
import dev.ferry.spi.DestinationWriter;
import dev.ferry.spi.WriteMode;
import dev.ferry.spi.WriteSpec;
import dev.ferry.testkit.TestRows;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

/** The destination contract again, with the source promising ascending unique keys (direct COPY on fresh loads). */
class PostgresDirectCopyIT extends PostgresDestinationIT {
    @BeforeAll
    static void resetSchema() {
        db = new Db(Db.PG_URL, "postgres", "it_jdbc_pg_direct").reset();
    }

    @Override
    protected DestinationWriter writer(Destination d, String table, WriteMode mode, boolean fresh) {
        return d.open(TestRows.SCHEMA, new WriteSpec(qualified(table), List.of("id"), mode, "contract", fresh, true));
    }
}
