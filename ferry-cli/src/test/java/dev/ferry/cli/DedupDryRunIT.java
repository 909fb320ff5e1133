package dev.ferry.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** {@link DedupDryRunChecks} on PostgreSQL → PostgreSQL (schemas dpv_cli_src, dpv_cli_dst). */
class DedupDryRunIT extends DedupDryRunChecks {
    static final String SRC = "dpv_cli_src", DST = "dpv_cli_dst";

    @Override
    Connection connection() throws SQLException {
        return DriverManager.getConnection(Db.PG_URL, "postgres", "");
    }

    @Override
    String connector() {
        return "type: postgres\nurl: " + Db.PG_URL + "\nuser: postgres";
    }

    @Override
    String source(long seed) {
        return SRC + ".contacts_" + seed;
    }

    @Override
    String destination(long seed) {
        return DST + ".contacts_" + seed;
    }

    @Override
    String derived(long seed) {
        return DST + ".company_" + seed;
    }

    @Override
    String columnType() {
        return "text";
    }

    @Override
    void reset(long seed) throws SQLException {
        try (Connection c = connection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA IF NOT EXISTS " + SRC);
            st.execute("CREATE SCHEMA IF NOT EXISTS " + DST);
            for (String t : new String[]{source(seed), destination(seed), destination(seed) + "__links", destination(seed) + "__match_keys", derived(seed)}) {
                st.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }
}
