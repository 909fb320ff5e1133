package dev.ferry.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server's migrations on each state database: tables created, the active-run key unique but NULL-tolerant, run events. */
class ServerSchemaIT {
    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    void migratesAndKeepsOneActiveRunPerDestination(String vendor) throws Exception {
        String url = switch (vendor) {
            case "postgresql" -> {
                try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
                     Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS srv_schema_pg CASCADE");
                }
                yield "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=srv_schema_pg";
            }
            case "mariadb" -> {
                try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/test", "root", "");
                     Statement st = c.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS srv_schema_maria");
                    st.execute("CREATE DATABASE srv_schema_maria");
                }
                yield "jdbc:mariadb://127.0.0.1:3306/srv_schema_maria?user=root";
            }
            default -> "jdbc:h2:mem:srv_schema_h2;DB_CLOSE_DELAY=-1";
        };
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            ServerConfig.migrate(ds, url);
            ServerConfig.migrate(ds, url); // a second node starting finds it current
            try (Connection c = ds.getConnection()) {
                String insert = "INSERT INTO fs_runs (run_id, tenant_id, sync_id, status, run_trigger, destination, active_key, "
                        + "cancel_requested, options_json, requested_at) VALUES (?, 't', 's', 'queued', 'api', 'd', ?, ?, '{}', 1)";
                run(c, insert, "r1", "k".repeat(64));
                run(c, insert, "r2", null);
                run(c, insert, "r3", null);
                assertThatThrownBy(() -> run(c, insert, "r4", "k".repeat(64))).isInstanceOf(SQLException.class);
                try (Statement st = c.createStatement()) {
                    assertThat(st.executeUpdate("DELETE FROM scheduled_tasks")).isZero();
                    // a run's timeline: ids given by the database, in insertion order
                    st.executeUpdate("INSERT INTO fs_run_events (run_id, happened_at, kind, detail) VALUES ('r1', 1, 'triggered', 'by api')");
                    st.executeUpdate("INSERT INTO fs_run_events (run_id, happened_at, kind, detail) VALUES ('r1', 2, 'retry', 'retry 1: "
                            + "x".repeat(1500) + "')");
                    try (var rs = st.executeQuery("SELECT id, kind FROM fs_run_events WHERE run_id = 'r1' ORDER BY id")) {
                        assertThat(rs.next()).isTrue();
                        long first = rs.getLong(1);
                        assertThat(rs.getString(2)).isEqualTo("triggered");
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isGreaterThan(first);
                        assertThat(rs.getString(2)).isEqualTo("retry");
                    }
                }
            }
        }
    }

    private static void run(Connection c, String sql, String runId, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, runId);
            ps.setString(2, key);
            ps.setBoolean(3, false);
            ps.executeUpdate();
        }
    }
}
