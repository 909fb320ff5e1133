package dev.ferry.store;

import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The bidirectional state on PostgreSQL, in schema bd_store (recreated for this class). */
class PostgresBidiStoreIT extends BidiStoreContract {
    @BeforeAll
    static void freshSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(PostgresStateStoreIT.SERVER, "postgres", null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS bd_store CASCADE");
            s.execute("CREATE SCHEMA bd_store");
        }
    }

    @Override
    String url() {
        return PostgresStateStoreIT.SERVER + "?currentSchema=bd_store";
    }

    @Override
    String user() {
        return "postgres";
    }
}
