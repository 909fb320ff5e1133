package dev.ferry.store;

import dev.ferry.spi.SyncException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** What differs between the databases the state store runs on: migrations, the database clock, instant binding. */
enum Dialect {
    H2("h2", "H2", "CURRENT_TIMESTAMP", "DATEDIFF(MILLISECOND, heartbeat_at, CURRENT_TIMESTAMP)"),
    POSTGRESQL("postgresql", "PostgreSQL", "CURRENT_TIMESTAMP",
            "CAST(EXTRACT(EPOCH FROM (CURRENT_TIMESTAMP - heartbeat_at)) * 1000 AS BIGINT)"),
    // DATETIME has no zone: MariaDB columns hold UTC, so "now" must be UTC_TIMESTAMP, not the session's local time.
    MARIADB("mysql", "MariaDB", "UTC_TIMESTAMP(6)", "TIMESTAMPDIFF(MICROSECOND, heartbeat_at, UTC_TIMESTAMP(6)) DIV 1000");

    /** Folder under db/ferry with this vendor's Flyway migrations. */
    final String migrations;
    final String product;
    /** SQL for the database's current instant (leases use the database clock, never the JVM's). */
    final String now;
    /** SQL for the age of a lease's heartbeat in milliseconds, by the database clock. */
    final String heartbeatAgeMillis;

    Dialect(String migrations, String product, String now, String heartbeatAgeMillis) {
        this.migrations = migrations;
        this.product = product;
        this.now = now;
        this.heartbeatAgeMillis = heartbeatAgeMillis;
    }

    static Dialect of(String url) {
        if (url.startsWith("jdbc:h2:")) return H2;
        if (url.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) return MARIADB;
        throw new SyncException("state store " + StoreUrl.redact(url)
                + ": unsupported database; use jdbc:h2:file:./.ferry/state, a jdbc:postgresql:// or a jdbc:mariadb:// URL");
    }

    /** Binds an instant; stored to the microsecond everywhere (PostgreSQL would round nanos, MariaDB truncates). */
    void setInstant(PreparedStatement ps, int index, Instant instant) throws SQLException {
        if (instant == null) {
            ps.setObject(index, null);
            return;
        }
        Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
        if (this == MARIADB) ps.setObject(index, LocalDateTime.ofInstant(micros, ZoneOffset.UTC));
        else ps.setObject(index, OffsetDateTime.ofInstant(micros, ZoneOffset.UTC));
    }

    Instant getInstant(ResultSet rs, String column) throws SQLException {
        if (this == MARIADB) {
            LocalDateTime t = rs.getObject(column, LocalDateTime.class);
            return t == null ? null : t.toInstant(ZoneOffset.UTC);
        }
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
