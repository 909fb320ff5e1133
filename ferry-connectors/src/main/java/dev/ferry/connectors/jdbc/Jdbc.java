package dev.ferry.connectors.jdbc;

import dev.ferry.spi.SyncException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

/** Connecting, with one-line errors that name the URL (never the password) and the likely fix. */
final class Jdbc {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/@:]+):[^/@]*@");

    private Jdbc() {
    }

    record Settings(String path, String url, String user, String password, Dialect dialect) {
        String safeUrl() {
            return redact(url);
        }
    }

    static String redact(String url) {
        return USER_INFO.matcher(PASSWORD_PARAM.matcher(url).replaceAll("$1***")).replaceAll("//$1:***@");
    }

    static Connection connect(Settings s) {
        return connect(s, new Properties());
    }

    /** Connects with extra driver properties (e.g. MariaDB's allowLocalInfile for a writer that streams LOAD DATA). */
    static Connection connect(Settings s, Properties extra) {
        Properties p = new Properties();
        p.putAll(extra);
        if (s.user() != null && !s.user().isBlank()) p.setProperty("user", s.user());
        if (s.password() != null) p.setProperty("password", s.password());
        try {
            Connection c = DriverManager.getConnection(Dialect.driverUrl(s.url()), p);
            if (s.dialect() == Dialect.MARIADB) {
                // TIMESTAMP values are instants; a UTC session makes them read and write as UTC LocalDateTime
                try (Statement st = c.createStatement()) {
                    st.execute("SET time_zone = '+00:00'");
                }
            }
            return c;
        } catch (SQLException e) {
            throw new SyncException(connectMessage(s, e), e);
        }
    }

    static String connectMessage(Settings s, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String msg = firstLine(e.getMessage());
        msg = dev.ferry.spi.Secrets.mask(msg, s.password());
        String who = s.user() == null || s.user().isBlank() ? "" : " as " + s.user();
        String hint;
        if (state.startsWith("28") || e.getErrorCode() == 1045 || msg.toLowerCase().contains("password")) {
            hint = "check " + s.path() + ".user/" + s.path() + ".password";
        } else if (state.equals("3D000") || e.getErrorCode() == 1049 || state.equals("90146")) {
            hint = "the database does not exist; check the database name in " + s.path() + ".url";
        } else if (state.startsWith("08")) {
            hint = "is the server running and reachable? check " + s.path() + ".url";
        } else {
            hint = "check " + s.path() + ".url, " + s.path() + ".user and " + s.path() + ".password";
        }
        return "cannot connect to " + s.safeUrl() + who + ": " + msg + "; " + hint;
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    static boolean isConnectionError(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String st = s.getSQLState();
            if (st != null && (st.startsWith("08") || st.startsWith("57P"))) return true;
        }
        return e instanceof java.sql.SQLRecoverableException || e instanceof java.sql.SQLNonTransientConnectionException;
    }

    static boolean isMissingTable(SQLException e) {
        String st = e.getSQLState();
        return "42P01".equals(st) || "42S02".equals(st) || e.getErrorCode() == 1146 || e.getErrorCode() == 42102
                || e.getErrorCode() == 42104
                || e.getErrorCode() == 90079 || e.getErrorCode() == 1049; // H2 and MariaDB: the schema is missing
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // closing a broken connection fails too; nothing to do
        }
    }

    static void rollbackQuietly(Connection c) {
        if (c == null) return;
        try {
            if (!c.isClosed() && !c.getAutoCommit()) c.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; the server rolled back
        }
    }

    /** Adds a problem unless {@code url} is present and a JDBC URL Ferry supports. */
    /** Every key a database source block may hold (a bidirectional side is checked as a source too). */
    static final java.util.Set<String> SOURCE_KEYS = java.util.Set.of("type", "url", "user", "password", "table", "query",
            "key", "cursor", "fetchSize", "modifiedAt", "createSchema");
    /** Every key a database destination block may hold (dedup is moved in from the top level). */
    static final java.util.Set<String> DESTINATION_KEYS = java.util.Set.of("type", "url", "user", "password", "table",
            "mode", "createSchema", "dedup");

    /** A key this block does not know is most likely a typo ("mdoe: upsert") that would be ignored without a word. */
    static void unknownKeys(dev.ferry.spi.ConnectorConfig config, java.util.Set<String> known, java.util.List<String> problems) {
        for (String k : config.values().keySet()) {
            if (known.contains(k)) continue;
            problems.add(config.key(k) + ": unknown key" + dev.ferry.spi.Suggestions.didYouMean(k, known)
                    + "; known keys here are " + new java.util.TreeSet<>(known));
        }
    }

    static void validateUrl(dev.ferry.spi.ConnectorConfig config, java.util.List<String> problems) {
        String url = config.require("url", problems, "the JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/test");
        if (!url.isEmpty() && Dialect.fromUrl(url) == null) {
            problems.add(config.key("url") + ": '" + redact(url) + "' is not a supported JDBC URL; "
                    + "use jdbc:postgresql://…, jdbc:mariadb://…, jdbc:mysql://… or jdbc:h2:…");
        }
    }

    /** Adds the problems of a "schema.table" name, if any. */
    static void validateTable(dev.ferry.spi.ConnectorConfig config, String table, java.util.List<String> problems) {
        try {
            Dialect.splitTable(table, config.key("table"));
        } catch (dev.ferry.spi.ConfigException e) {
            problems.addAll(e.problems());
        }
    }
}
