package dev.ferry.store;

import dev.ferry.spi.SyncException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on MariaDB, in database it_store (dropped and recreated for each run of this class). */
class MariaDbStateStoreIT extends StateStoreContract {
    static final String SERVER = "jdbc:mariadb://127.0.0.1:3306/";
    static final String HINT = "MariaDB at 127.0.0.1:3306 is needed; start it with: "
            + "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd";

    @BeforeAll
    static void freshDatabase() {
        DriverManager.setLoginTimeout(10);
        try (Connection c = DriverManager.getConnection(SERVER + "test", "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS it_store");
            s.execute("CREATE DATABASE it_store CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw new IllegalStateException(HINT + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    protected String url() {
        return SERVER + "it_store";
    }

    @Override
    protected String user() {
        return "root";
    }

    @Override
    protected String password() {
        return "";
    }

    @Test
    void aServerThatIsNotThereIsReportedWithHowToStartIt() {
        assertThatThrownBy(() -> JdbcStateStore.open("jdbc:mariadb://127.0.0.1:1/test", "root", "s3cret"))
                .isInstanceOf(SyncException.class)
                .hasMessageStartingWith("state store jdbc:mariadb://127.0.0.1:1/test: connection refused; is MariaDB running?")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aMissingDatabaseIsReportedWithTheFix() {
        assertThatThrownBy(() -> JdbcStateStore.open(SERVER + "no_such_db_ferry", "root", ""))
                .isInstanceOf(SyncException.class)
                .hasMessageStartingWith("state store jdbc:mariadb://127.0.0.1:3306/no_such_db_ferry: the database does not exist");
    }
}
