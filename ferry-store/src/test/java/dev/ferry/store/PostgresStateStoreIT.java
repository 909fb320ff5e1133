package dev.ferry.store;

import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on PostgreSQL, in schema it_store (dropped and recreated for each run of this class). */
class PostgresStateStoreIT extends StateStoreContract {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String HINT = "PostgreSQL at 127.0.0.1:5432 is needed; start it with: "
            + "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

    @BeforeAll
    static void freshSchema() {
        DriverManager.setLoginTimeout(10);
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS it_store CASCADE");
            s.execute("CREATE SCHEMA it_store");
        } catch (SQLException e) {
            throw new IllegalStateException(HINT + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    protected String url() {
        return SERVER + "?currentSchema=it_store";
    }

    @Override
    protected String user() {
        return "postgres";
    }

    @Test
    void createsAMissingSchema() throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", null); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS it_store_new CASCADE");
        }
        try (JdbcStateStore s = JdbcStateStore.open(SERVER + "?currentSchema=it_store_new", "postgres", null)) {
            assertThat(s.activeRuns()).isEmpty();
        } finally {
            try (Connection c = DriverManager.getConnection(SERVER, "postgres", null); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS it_store_new CASCADE");
            }
        }
    }

    @Test
    void aServerThatIsNotThereIsReportedWithHowToStartIt() {
        assertThatThrownBy(() -> JdbcStateStore.open("jdbc:postgresql://127.0.0.1:1/test?password=s3cret", "postgres", "s3cret"))
                .isInstanceOf(SyncException.class)
                .hasMessage("state store jdbc:postgresql://127.0.0.1:1/test?password=***: connection refused; is PostgreSQL running? "
                        + "start it with: pg_ctlcluster --skip-systemctl-redirect 15 main start");
    }

    @Test
    void aMissingDatabaseIsReportedWithTheFix() {
        assertThatThrownBy(() -> JdbcStateStore.open("jdbc:postgresql://127.0.0.1:5432/no_such_db_ferry", "postgres", null))
                .isInstanceOf(SyncException.class)
                .hasMessageStartingWith("state store jdbc:postgresql://127.0.0.1:5432/no_such_db_ferry: the database does not exist");
    }
}
