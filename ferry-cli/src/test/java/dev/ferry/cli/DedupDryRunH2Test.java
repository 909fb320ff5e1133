package dev.ferry.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** {@link DedupDryRunChecks} in embedded H2 (one in-memory database per test class). */
class DedupDryRunH2Test extends DedupDryRunChecks {
    static final String URL = "jdbc:h2:mem:dpv_cli_" + java.util.UUID.randomUUID().toString().substring(0, 8) + ";DB_CLOSE_DELAY=-1";

    @Override
    Connection connection() throws SQLException {
        return DriverManager.getConnection(URL);
    }

    @Override
    String connector() {
        return "type: h2\nurl: \"" + URL + "\"";
    }

    @Override
    String source(long seed) {
        return "dpv_src_" + seed;
    }

    @Override
    String destination(long seed) {
        return "dpv_contacts_" + seed;
    }

    @Override
    String derived(long seed) {
        return "dpv_company_" + seed;
    }

    @Override
    void reset(long seed) throws SQLException {
        try (Connection c = connection(); Statement st = c.createStatement()) {
            for (String t : new String[]{source(seed), destination(seed), destination(seed) + "__links", destination(seed) + "__match_keys", derived(seed)}) {
                st.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }
}
