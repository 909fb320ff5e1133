package dev.ferry.cli;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Test access to the machine's databases; fails with the start command when a server is down. */
final class Db implements AutoCloseable {
    static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    static final String MARIA_URL = "jdbc:mariadb://127.0.0.1:3306/test";
    private final Connection connection;

    private Db(Connection c) {
        this.connection = c;
    }

    static Db postgres() {
        try {
            return new Db(DriverManager.getConnection(PG_URL, "postgres", ""));
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at 127.0.0.1:5432 is not answering (" + e.getMessage()
                    + "); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start", e);
        }
    }

    static Db mariadb() {
        try {
            return new Db(DriverManager.getConnection(MARIA_URL, "root", ""));
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB at 127.0.0.1:3306 is not answering (" + e.getMessage()
                    + "); start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd", e);
        }
    }

    void exec(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** count(*) of a table, 0 while it does not exist yet. */
    long countOrZero(String table) {
        try {
            return queryLong("SELECT count(*) FROM " + table);
        } catch (SQLException e) {
            return 0;
        }
    }

    Connection connection() {
        return connection;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
