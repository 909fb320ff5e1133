package dev.ferry.store;

import org.junit.jupiter.api.BeforeAll;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** The bidirectional state on MariaDB, in database bd_store (recreated for this class). */
class MariaDbBidiStoreIT extends BidiStoreContract {
    @BeforeAll
    static void freshDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(MariaDbStateStoreIT.SERVER + "test", "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS bd_store");
            s.execute("CREATE DATABASE bd_store");
        }
    }

    @Override
    String url() {
        return MariaDbStateStoreIT.SERVER + "bd_store";
    }

    @Override
    String user() {
        return "root";
    }
}
